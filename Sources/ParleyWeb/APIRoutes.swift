import Hummingbird
import NIOCore
import ParleyDirector
import ParleyModel

/// The handlers of `/api/v1`. Each parses and checks its input, calls the director once
/// (one transaction) and encodes the result.
struct APIRoutes: Sendable {
    let director: Director
    let live: any LiveMeetingControl

    func register(_ api: RouterGroup<APIContext>) {
        api.get("me") { _, context in JSONReply(UserDTO(try context.requirePrincipal().user)) }

        // Users
        api.get("users") { request, context in
            let (limit, offset) = try Query(request).paging()
            let page = try await director.users(limit: limit, offset: offset, by: try context.requirePrincipal())
            return JSONReply(Page(items: page.items.map(UserDTO.init), total: page.total, limit: limit, offset: offset))
        }
        api.post("users") { request, context in
            let body = try await Self.body(request, context, allowed: ["login", "displayName", "email", "profileNumber", "pin", "password", "role", "group"])
            let new = NewUser(
                login: try body.requiredString("login"), displayName: try body.string("displayName"), email: try body.string("email"),
                profileNumber: try body.string("profileNumber"), pin: try body.string("pin"), password: try body.string("password"),
                role: try Self.role(body.string("role")) ?? .host, groupName: try body.string("group")
            )
            let user = try await director.createUser(new, by: try context.requirePrincipal())
            return JSONReply(UserDTO(user), status: .created)
        }
        api.get("users/:login") { _, context in
            JSONReply(UserDTO(try await director.user(login: try context.parameters.require("login"), by: try context.requirePrincipal())))
        }
        api.patch("users/:login") { request, context in
            let body = try await Self.body(request, context, allowed: ["displayName", "email", "profileNumber", "pin", "password", "role", "group"])
            let changes = UserChanges(
                displayName: try body.string("displayName"), email: try body.nullableString("email"),
                profileNumber: try body.nullableString("profileNumber"), pin: try body.nullableString("pin"),
                password: try body.nullableString("password"), role: try Self.role(body.string("role")),
                groupName: try body.nullableString("group")
            )
            let user = try await director.updateUser(login: try context.parameters.require("login"), changes, by: try context.requirePrincipal())
            return JSONReply(UserDTO(user))
        }
        api.delete("users/:login") { _, context in
            try await director.deleteUser(login: try context.parameters.require("login"), by: try context.requirePrincipal())
            return Response(status: .noContent)
        }
        api.post("users/:login/tokens") { request, context in
            let body = try await Self.body(request, context, allowed: ["label"], emptyAllowed: true)
            let login = try context.parameters.require("login")
            let token = try await director.createToken(forLogin: login, label: try body.string("label") ?? "api", by: try context.requirePrincipal())
            return JSONReply(TokenDTO(token: token, user: login), status: .created)
        }

        // Groups
        api.get("groups") { _, context in
            JSONReply(ItemsDTO(items: try await director.groups(by: try context.requirePrincipal()).map(GroupDTO.init)))
        }
        api.post("groups") { request, context in
            let body = try await Self.body(request, context, allowed: ["name", "description"])
            let group = try await director.createGroup(
                name: try body.requiredString("name"), description: try body.string("description") ?? "", by: try context.requirePrincipal())
            return JSONReply(GroupDTO(group), status: .created)
        }
        api.get("groups/:name") { _, context in
            JSONReply(GroupDTO(try await director.group(name: try context.parameters.require("name"), by: try context.requirePrincipal())))
        }
        api.delete("groups/:name") { _, context in
            try await director.deleteGroup(name: try context.parameters.require("name"), by: try context.requirePrincipal())
            return Response(status: .noContent)
        }

        registerMeetings(api)

        // Alarms and licences
        api.get("alarms") { request, context in
            let all = try Query(request).bool("all") ?? false
            return JSONReply(ItemsDTO(items: try await director.alarms(includeCleared: all, by: try context.requirePrincipal()).map(AlarmDTO.init)))
        }
        api.get("licenses") { _, context in
            JSONReply(LicenceStatusDTO(try await director.licenceStatus(by: try context.requirePrincipal())))
        }
        api.post("licenses") { request, context in
            let body = try await Self.body(request, context, allowed: ["hosts", "note"])
            guard let hosts = try body.int("hosts") else { throw APIError.missing("hosts") }
            let status = try await director.addLicences(hosts: hosts, note: try body.string("note") ?? "", by: try context.requirePrincipal())
            return JSONReply(LicenceStatusDTO(status), status: .created)
        }
    }

    func registerMeetings(_ api: RouterGroup<APIContext>) {
        api.get("meetings") { request, context in
            let q = try Query(request)
            let (limit, offset) = try q.paging()
            var states: Set<MeetingState>?
            if let text = q.string("state") {
                var set = Set<MeetingState>()
                for part in text.split(separator: ",") {
                    guard let s = MeetingState(rawValue: String(part)) else {
                        throw APIError.badQuery("state", "state must be a comma-separated list of: scheduled, in_progress, ended, cancelled.")
                    }
                    set.insert(s)
                }
                states = set
            }
            let query = MeetingQuery(
                hostLogin: q.string("host"), meetingID: try q.meetingID("meetingID"), states: states,
                from: try q.timestamp("from"), to: try q.timestamp("to"), limit: limit, offset: offset
            )
            let page = try await director.meetings(query, by: try context.requirePrincipal())
            return JSONReply(Page(items: page.items.map(MeetingDTO.init), total: page.total, limit: limit, offset: offset))
        }
        api.post("meetings") { request, context in
            let body = try await Self.body(
                request, context,
                allowed: ["meetingID", "title", "host", "start", "end", "durationMinutes", "reservationless", "password", "hostPIN", "expectedParticipants", "preferredSite"]
            )
            let new = NewMeeting(
                meetingID: try body.meetingID("meetingID"), title: try body.string("title"), hostLogin: try body.string("host"),
                start: try body.timestamp("start"), end: try body.timestamp("end"), duration: try Self.minutes(body.int("durationMinutes")),
                reservationless: try body.bool("reservationless") ?? false, password: try body.string("password"),
                hostPIN: try body.string("hostPIN"), expectedParticipants: try body.int("expectedParticipants"),
                preferredSite: try body.string("preferredSite")
            )
            let view = try await director.createMeeting(new, by: try context.requirePrincipal())
            return JSONReply(MeetingDTO(view), status: .created)
        }
        api.get("meetings/:id") { _, context in
            JSONReply(MeetingDTO(try await director.meeting(try context.parameters.require("id"), by: try context.requirePrincipal())))
        }
        api.patch("meetings/:id") { request, context in
            let body = try await Self.body(
                request, context,
                allowed: ["meetingID", "title", "start", "end", "durationMinutes", "password", "hostPIN", "expectedParticipants", "preferredSite"]
            )
            let changes = MeetingChanges(
                meetingID: try body.meetingID("meetingID"), title: try body.string("title"), start: try body.timestamp("start"),
                end: try body.timestamp("end"), duration: try Self.minutes(body.int("durationMinutes")),
                password: try body.nullableString("password"), hostPIN: try body.nullableString("hostPIN"),
                expectedParticipants: try body.int("expectedParticipants"), preferredSite: try body.nullableString("preferredSite")
            )
            let view = try await director.updateMeeting(try context.parameters.require("id"), changes, by: try context.requirePrincipal())
            return JSONReply(MeetingDTO(view))
        }
        api.delete("meetings/:id") { _, context in
            JSONReply(MeetingDTO(try await director.cancelMeeting(try context.parameters.require("id"), by: try context.requirePrincipal())))
        }
        api.post("meetings/:id/start") { _, context in
            let principal = try context.requirePrincipal()
            let ref = try context.parameters.require("id")
            // Starting a meeting that already runs is not an error: both answer the meeting.
            _ = try await director.startMeeting(ref, by: principal)
            return JSONReply(MeetingDTO(try await director.meeting(ref, by: principal)))
        }
        api.post("meetings/:id/end") { _, context in
            let principal = try context.requirePrincipal()
            let meeting = try await director.endMeeting(try context.parameters.require("id"), by: principal)
            // Callers still connected hear that the meeting ended and are hung up.
            await live.endConference(meeting: meeting.id)
            return JSONReply(MeetingDTO(try await director.meeting(meeting.id.rawValue, by: principal)))
        }
        api.get("meetings/:id/attendance") { _, context in
            let records = try await director.attendance(try context.parameters.require("id"), by: try context.requirePrincipal())
            return JSONReply(ItemsDTO(items: records.map(AttendanceDTO.init)))
        }
        registerLive(api)
        registerChat(api)
    }

    // MARK: Input helpers

    static func body(_ request: Request, _ context: APIContext, allowed: Set<String>, emptyAllowed: Bool = false) async throws -> JSONBody {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw APIError.tooLarge
        }
        if emptyAllowed && buffer.readableBytes == 0 { return try JSONBody(bytes: Array("{}".utf8), allowed: allowed) }
        return try JSONBody(bytes: Array(buffer.readableBytesView), allowed: allowed)
    }

    static func role(_ text: String?) throws(ParleyError) -> UserRole? {
        guard let text else { return nil }
        guard let role = UserRole(rawValue: text) else {
            throw ParleyError.invalid("role", "role must be admin, host or user, not '\(ParleyError.echo(text))'.")
        }
        return role
    }

    static func minutes(_ value: Int?) throws(ParleyError) -> Duration? {
        guard let value else { return nil }
        guard (2...(24 * 60)).contains(value) else {
            throw ParleyError.invalid("durationMinutes", "durationMinutes must be from 2 to 1440, not \(value).")
        }
        return .seconds(Int64(value) * 60)
    }
}

/// A request's query string with field-named errors.
struct Query {
    let request: Request

    init(_ request: Request) throws {
        self.request = request
    }

    func string(_ name: String) -> String? {
        request.uri.queryParameters.get(name)
    }

    func int(_ name: String) throws(ParleyError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let v = Int(text) else { throw APIError.badQuery(name, "\(name) must be an integer.") }
        return v
    }

    func bool(_ name: String) throws(ParleyError) -> Bool? {
        guard let text = string(name) else { return nil }
        switch text {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError.badQuery(name, "\(name) must be true or false.")
        }
    }

    func timestamp(_ name: String) throws(ParleyError) -> Timestamp? {
        guard let text = string(name) else { return nil }
        guard let t = Timestamp(rfc3339: text) else {
            throw APIError.badQuery(name, "\(name) must be an RFC 3339 date-time such as 2026-11-21T09:30:00Z.")
        }
        return t
    }

    func meetingID(_ name: String) throws(ParleyError) -> MeetingID? {
        guard let text = string(name) else { return nil }
        guard let id = MeetingID(text) else { throw APIError.badQuery(name, "\(name) must be 4 to 10 digits.") }
        return id
    }

    func paging() throws(ParleyError) -> (Int, Int) {
        let limit = try int("limit") ?? 50
        let offset = try int("offset") ?? 0
        guard (1...500).contains(limit) else { throw APIError.badQuery("limit", "limit must be from 1 to 500.") }
        guard offset >= 0 else { throw APIError.badQuery("offset", "offset must be 0 or more.") }
        return (limit, offset)
    }
}
