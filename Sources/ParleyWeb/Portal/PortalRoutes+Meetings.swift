import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ParleyDirector
import ParleyModel

/// Hosts' pages: their meetings, scheduling, join details, invitations, cancelling.
///
/// | route | does |
/// |---|---|
/// | `GET /meetings` | the signed-in user's meetings (admins: `?all=1` for every host's) |
/// | `GET /meetings/new`, `POST /meetings` | the scheduling form; errors are shown on it |
/// | `GET /meetings/{id}` | join details: web link, SIP URI, access numbers, meeting ID |
/// | `GET /meetings/{id}/invite.ics` | the RFC 5545 invitation |
/// | `POST /meetings/{id}/cancel` | cancels, then back to the list |
extension PortalRoutes {
    func registerMeetings(_ group: RouterGroup<APIContext>) {
        group.get { request, context in try await meetingList(request, context) }
        group.post { request, context in try await schedule(request, context) }
        group.get("new") { request, context in try scheduleForm(try session(request, context), form: PortalForm(), errors: [:]) }
        group.get(":id") { request, context in try await details(request, context) }
        group.get(":id/invite.ics") { request, context in try await invitation(request, context) }
        group.post(":id/cancel") { request, context in try await cancel(request, context) }
    }

    // MARK: List and cancel

    func meetingList(_ request: Request, _ context: APIContext) async throws -> Response {
        let session = try session(request, context)
        let principal = session.principal
        let all = principal.isAdmin && request.uri.queryParameters.get("all") == "1"
        let host = all ? nil : principal.user.login
        let current = try await director.meetings(MeetingQuery(hostLogin: host, states: [.scheduled, .inProgress], limit: 200), by: principal)
        let past = try await director.meetings(MeetingQuery(hostLogin: host, states: [.ended, .cancelled], limit: 50), by: principal)
        var page = meetingListContext(current.items, session: session, showHost: all)
        let finished = meetingListContext(past.items, session: session, showHost: all)
        page["past"] = finished["meetings"]
        page["hasPast"] = finished["hasMeetings"]
        page["all"] = all
        page["isAdmin"] = principal.isAdmin
        page["canHost"] = principal.user.role.canHost
        if let cancelled = request.uri.queryParameters.get("cancelled").flatMap({ MeetingID(String($0)) }) {
            page["notice"] = "Meeting \(cancelled) is cancelled."
        }
        return pages.page("meetings", title: all ? "All meetings" : "My meetings", context: page, session: session.page, scripts: ["portal.js"])
    }

    /// The rows of `meeting-table.mustache`, soonest first.
    func meetingListContext(_ views: [MeetingView], session: PortalSession, showHost: Bool) -> [String: any Sendable] {
        let sorted = views.sorted { a, b in
            (a.meeting.schedule.start ?? a.meeting.createdAt) < (b.meeting.schedule.start ?? b.meeting.createdAt)
        }
        let rows: [[String: any Sendable]] = sorted.map { view in
            let meeting = view.meeting
            var row: [String: any Sendable] = [
                "recordID": meeting.id.rawValue, "meetingID": meeting.meetingID.digits, "title": meeting.title,
                "stateText": Self.stateText(meeting.state), "stateClass": meeting.state.rawValue.replacingOccurrences(of: "_", with: "-"),
                "hostLogin": view.hostLogin, "cancellable": !meeting.state.isFinished, "isScheduled": meeting.schedule.start != nil,
                "csrf": session.csrf,
            ]
            if let start = meeting.schedule.start {
                row["startISO"] = start.rfc3339
                row["startText"] = PortalTime.display(start)
            }
            return row
        }
        return ["meetings": rows, "hasMeetings": !rows.isEmpty, "showHost": showHost, "csrf": session.csrf]
    }

    static func stateText(_ state: MeetingState) -> String {
        switch state {
        case .scheduled: return "Scheduled"
        case .inProgress: return "In progress"
        case .ended: return "Ended"
        case .cancelled: return "Cancelled"
        }
    }

    func cancel(_ request: Request, _ context: APIContext) async throws -> Response {
        let (session, _) = try await postedForm(request, context)
        let id = try meetingReference(context)
        let view = try await director.cancelMeeting(id, by: session.principal)
        context.logger.info("meeting cancelled in the portal", metadata: ["meeting_id": "\(view.meeting.meetingID)"])
        return PortalMiddleware.redirect(to: "/meetings?cancelled=\(view.meeting.meetingID)")
    }

    /// The `{id}` of the path: a record ID (`mtg_…`) or a meeting ID; anything else is a 404.
    func meetingReference(_ context: APIContext) throws -> String {
        let id = context.parameters.get("id") ?? ""
        let isRecord = id.hasPrefix("mtg_") && id.utf8.count <= 40 && id.utf8.allSatisfy { $0 == UInt8(ascii: "_") || ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) }
        guard isRecord || MeetingID(id) != nil else {
            throw PortalPageError(
                .notFound, title: "No such meeting", message: "There is no meeting at this address. Pick one from your meetings.",
                link: PageLink(href: "/meetings", text: "My meetings"))
        }
        return id
    }

    // MARK: Scheduling

    /// The form, blank or with what was sent and the errors per field (`general` for the rest).
    func scheduleForm(_ session: PortalSession, form: PortalForm, errors: [String: String], status: HTTPResponse.Status = .ok) throws -> Response {
        guard session.principal.user.role.canHost else {
            throw PortalPageError(
                .forbidden, title: "Not a host",
                message: "Your account has the role 'user', which cannot host meetings. Ask an administrator for the 'host' role.",
                link: PageLink(href: "/", text: "Home"))
        }
        let zone = form.text("timezone").flatMap { TimeZone(identifier: $0) != nil ? $0 : nil } ?? "UTC"
        var context: [String: any Sendable] = [
            "title": form["title"] ?? "", "start": form["start"] ?? "", "end": form["end"] ?? "",
            "expected": form["expected"] ?? "10", "reservationless": form.isChecked("reservationless"),
            "zones": PortalTime.zoneIdentifiers.map { ["id": $0, "selected": $0 == zone] as [String: any Sendable] },
            "hasProfile": session.principal.user.profileNumber != nil,
            "profileNumber": session.principal.user.profileNumber ?? "",
        ]
        if !errors.isEmpty {
            context["hasErrors"] = true
            context["errors"] = errors.sorted { $0.key < $1.key }.map { ["field": $0.key, "message": $0.value] as [String: any Sendable] }
            for (field, message) in errors { context["error_\(field)"] = message }
        }
        return pages.page("meeting-new", title: "Schedule a meeting", context: context, status: status, session: session.page, scripts: ["portal.js"])
    }

    func schedule(_ request: Request, _ context: APIContext) async throws -> Response {
        let (session, form) = try await postedForm(request, context)
        let (new, errors) = Self.newMeeting(from: form, defaultStart: director.now())
        guard errors.isEmpty, let new else {
            return try scheduleForm(session, form: form, errors: errors, status: .unprocessableContent)
        }
        let view: MeetingView
        do {
            view = try await director.createMeeting(new, by: session.principal)
        } catch let error as ParleyError where error.kind != .storage && error.kind != .configuration {
            let field = Self.formField(error.field)
            let message = [error.message, error.fix].compactMap { $0 }.joined(separator: " ")
            let status: HTTPResponse.Status = error.httpStatus == 403 ? .forbidden : .unprocessableContent
            return try scheduleForm(session, form: form, errors: [field: message], status: status)
        }
        context.logger.info("meeting scheduled in the portal", metadata: ["meeting_id": "\(view.meeting.meetingID)"])
        // The password and host PIN are stored hashed: this page is the only time they are shown.
        let secrets = (password: new.password, hostPIN: new.hostPIN)
        return try detailsPage(view, request: request, session: session, justScheduled: true, secrets: secrets, status: .created)
    }

    /// A ``NewMeeting`` from the form, or the errors per field. The director checks the rest
    /// (ranges, overlaps, profile number) and its errors are mapped with ``formField(_:)``.
    static func newMeeting(from form: PortalForm, defaultStart: Timestamp) -> (NewMeeting?, [String: String]) {
        var errors: [String: String] = [:]
        var new = NewMeeting()
        new.title = form.text("title")
        if let title = new.title, title.count > 200 { errors["title"] = "The title is longer than 200 characters." }
        let zoneName = form.text("timezone") ?? "UTC"
        let zone = TimeZone(identifier: zoneName)
        if zone == nil { errors["timezone"] = "'\(ParleyError.echo(zoneName))' is not a time zone; pick one from the list." }
        new.reservationless = form.isChecked("reservationless")
        if new.reservationless {
            if form.text("start") != nil || form.text("end") != nil {
                errors["reservationless"] = "A reservationless meeting has no start or end: clear them, or untick reservationless."
            }
        } else if let zone {
            if let start = form.text("start") {
                if let time = PortalTime.parseLocal(start, in: zone) { new.start = time } else { errors["start"] = "Give the start as a date and time, like 2026-11-21T09:30." }
            }
            if let end = form.text("end") {
                if let time = PortalTime.parseLocal(end, in: zone) { new.end = time } else { errors["end"] = "Give the end as a date and time, like 2026-11-21T10:30." }
            }
            if let start = new.start, let end = new.end, end <= start { errors["end"] = "The end must be after the start." }
            if new.start == nil, errors["start"] == nil, new.end != nil { new.start = defaultStart }
        }
        if let expected = form.text("expected") {
            if let count = Int(expected), (1...10_000).contains(count) { new.expectedParticipants = count } else {
                errors["expected"] = "Expected participants must be a whole number from 1 to 10000."
            }
        }
        if let password = form.text("password") {
            if password.utf8.count >= 4, password.utf8.count <= 12, password.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                new.password = password
            } else {
                errors["password"] = "The password must be 4 to 12 digits (callers key it on a phone)."
            }
        }
        if let pin = form.text("host_pin") {
            if pin.utf8.count >= 4, pin.utf8.count <= 12, pin.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                new.hostPIN = pin
            } else {
                errors["host_pin"] = "The host PIN must be 4 to 12 digits."
            }
        }
        return errors.isEmpty ? (new, [:]) : (nil, errors)
    }

    /// The form field a director error is about.
    static func formField(_ field: String?) -> String {
        switch field {
        case "title": return "title"
        case "start", "durationMinutes": return "start"
        case "end": return "end"
        case "password": return "password"
        case "hostPIN": return "host_pin"
        case "expectedParticipants": return "expected"
        case "reservationless", "meetingID": return "reservationless"
        default: return "general"
        }
    }

    // MARK: Details and invitation

    func details(_ request: Request, _ context: APIContext) async throws -> Response {
        let session = try session(request, context)
        let view = try await director.meeting(try meetingReference(context), by: session.principal)
        return try detailsPage(view, request: request, session: session, justScheduled: false, secrets: (nil, nil), status: .ok)
    }

    func detailsPage(
        _ view: MeetingView, request: Request, session: PortalSession, justScheduled: Bool,
        secrets: (password: String?, hostPIN: String?), status: HTTPResponse.Status
    ) throws -> Response {
        let meeting = view.meeting
        let join = JoinDetails(meeting: meeting, base: baseURL(request), sipHost: sipHost(request), settings: deps.portal)
        var context: [String: any Sendable] = [
            "recordID": meeting.id.rawValue, "meetingID": meeting.meetingID.digits, "title": meeting.title,
            "hostLogin": view.hostLogin, "stateText": Self.stateText(meeting.state),
            "stateClass": meeting.state.rawValue.replacingOccurrences(of: "_", with: "-"),
            "webLink": join.webLink, "sipURI": join.sipURI,
            "accessNumbers": join.accessNumbers.map { ["number": $0.number, "uri": $0.uri] as [String: any Sendable] },
            "hasAccessNumbers": !join.accessNumbers.isEmpty,
            "hasPassword": meeting.passwordHash != nil, "hasHostPIN": meeting.hostPINHash != nil,
            "expected": meeting.expectedParticipants, "cancellable": !meeting.state.isFinished,
            "justScheduled": justScheduled, "isScheduled": meeting.schedule.start != nil,
        ]
        if let start = meeting.schedule.start, let end = meeting.schedule.end {
            context["startISO"] = start.rfc3339
            context["startText"] = PortalTime.display(start)
            context["endISO"] = end.rfc3339
            context["endText"] = PortalTime.display(end)
        }
        if let password = secrets.password { context["password"] = password }
        if let pin = secrets.hostPIN { context["hostPIN"] = pin }
        return pages.page("meeting-details", title: meeting.title, context: context, status: status, session: session.page, scripts: ["portal.js"])
    }

    func invitation(_ request: Request, _ context: APIContext) async throws -> Response {
        let session = try session(request, context)
        let view = try await director.meeting(try meetingReference(context), by: session.principal)
        let meeting = view.meeting
        guard let start = meeting.schedule.start, let end = meeting.schedule.end else {
            throw PortalPageError(
                .conflict, title: "No calendar time",
                message: "A reservationless meeting has no start or end, so there is no calendar invitation. Share its join details instead.",
                link: PageLink(href: "/meetings/\(meeting.id.rawValue)", text: "Join details"))
        }
        let join = JoinDetails(meeting: meeting, base: baseURL(request), sipHost: sipHost(request), settings: deps.portal)
        let host = hostName(of: baseURL(request))
        let invitation = Invitation(
            uid: "\(meeting.id.rawValue)@\(host)", stamp: director.now(), start: start, end: end, summary: meeting.title,
            description: join.text(title: meeting.title, passwordRequired: meeting.passwordHash != nil), url: join.webLink,
            cancelled: meeting.state == .cancelled)
        var headers = HTTPFields()
        headers[.contentType] = "text/calendar; charset=utf-8; method=PUBLISH"
        headers[.contentDisposition] = "attachment; filename=\"meeting-\(meeting.meetingID.digits).ics\""
        headers[.cacheControl] = "no-store"
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: invitation.text)))
    }

    /// `https://meet.example.com` from `http.public_url`, else from the request.
    func baseURL(_ request: Request) -> String {
        if var url = deps.portal.publicURL, !url.isEmpty {
            while url.hasSuffix("/") { url.removeLast() }
            return url
        }
        let scheme = cookies.isSecure(request) ? "https" : "http"
        return "\(scheme)://\(request.head.authority ?? "localhost")"
    }

    /// The host of SIP URIs: configured, else the host part of the address the user reached.
    func sipHost(_ request: Request) -> String {
        if let host = deps.portal.sipHost, !host.isEmpty { return host }
        return hostName(of: baseURL(request))
    }

    /// `meet.example.com` of `https://meet.example.com:8443/`, `[::1]` of `http://[::1]:8080`.
    func hostName(of url: String) -> String {
        let authority = url.split(separator: "/").dropFirst().first.map(String.init) ?? "localhost"
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") { return String(authority[...close]) }
        return authority.split(separator: ":").first.map(String.init) ?? authority
    }
}

/// How to reach one meeting, for its details page and its invitation.
struct JoinDetails: Sendable {
    var meetingID: String
    var webLink: String
    var sipURI: String
    var accessNumbers: [(number: String, uri: String)]

    init(meeting: Meeting, base: String, sipHost: String, settings: PortalSettings) {
        let port = settings.sipPort == 5060 ? "" : ":\(settings.sipPort)"
        meetingID = meeting.meetingID.digits
        webLink = "\(base)/join/\(meeting.meetingID.digits)"
        sipURI = "sip:\(meeting.meetingID.digits)@\(sipHost)\(port)"
        accessNumbers = settings.accessNumbers.map { ($0, "sip:\($0)@\(sipHost)\(port)") }
    }

    /// The plain-text join details of an invitation.
    func text(title: String, passwordRequired: Bool) -> String {
        var lines = ["\(title)", "", "Join from a browser: \(webLink)", "Join from a SIP phone or softphone: \(sipURI)"]
        for access in accessNumbers {
            lines.append("Dial in: call \(access.number) (\(access.uri)), then key meeting ID \(meetingID) and #")
        }
        lines.append("Meeting ID: \(meetingID)")
        if passwordRequired { lines.append("A password is needed to join; the host gives it to you.") }
        return lines.joined(separator: "\n")
    }
}
