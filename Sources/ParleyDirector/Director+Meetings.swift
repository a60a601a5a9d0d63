import Logging
import Metrics
import ParleyModel
import ParleyStore

/// A meeting to schedule. Times are already parsed; the director applies the rules.
public struct NewMeeting: Sendable, Hashable {
    /// A vanity ID; nil lets the director assign one.
    public var meetingID: MeetingID?
    public var title: String?
    /// The host's login; nil means the caller hosts it.
    public var hostLogin: String?
    public var start: Timestamp?
    public var end: Timestamp?
    public var duration: Duration?
    public var reservationless: Bool
    public var password: String?
    public var hostPIN: String?
    public var expectedParticipants: Int?
    public var preferredSite: String?

    public init(
        meetingID: MeetingID? = nil, title: String? = nil, hostLogin: String? = nil, start: Timestamp? = nil,
        end: Timestamp? = nil, duration: Duration? = nil, reservationless: Bool = false, password: String? = nil,
        hostPIN: String? = nil, expectedParticipants: Int? = nil, preferredSite: String? = nil
    ) {
        self.meetingID = meetingID
        self.title = title
        self.hostLogin = hostLogin
        self.start = start
        self.end = end
        self.duration = duration
        self.reservationless = reservationless
        self.password = password
        self.hostPIN = hostPIN
        self.expectedParticipants = expectedParticipants
        self.preferredSite = preferredSite
    }
}

/// Changes to a meeting. A nil field is left alone; `.some(nil)` clears an optional field.
public struct MeetingChanges: Sendable, Hashable {
    public var meetingID: MeetingID?
    public var title: String?
    public var start: Timestamp?
    public var end: Timestamp?
    public var duration: Duration?
    public var password: String??
    public var hostPIN: String??
    public var expectedParticipants: Int?
    public var preferredSite: String??

    public init(
        meetingID: MeetingID? = nil, title: String? = nil, start: Timestamp? = nil, end: Timestamp? = nil,
        duration: Duration? = nil, password: String?? = nil, hostPIN: String?? = nil, expectedParticipants: Int? = nil,
        preferredSite: String?? = nil
    ) {
        self.meetingID = meetingID
        self.title = title
        self.start = start
        self.end = end
        self.duration = duration
        self.password = password
        self.hostPIN = hostPIN
        self.expectedParticipants = expectedParticipants
        self.preferredSite = preferredSite
    }
}

/// Which meetings to list.
public struct MeetingQuery: Sendable, Hashable {
    public var hostLogin: String?
    public var meetingID: MeetingID?
    public var states: Set<MeetingState>?
    public var from: Timestamp?
    public var to: Timestamp?
    public var limit: Int
    public var offset: Int

    public init(
        hostLogin: String? = nil, meetingID: MeetingID? = nil, states: Set<MeetingState>? = nil, from: Timestamp? = nil,
        to: Timestamp? = nil, limit: Int = 50, offset: Int = 0
    ) {
        self.hostLogin = hostLogin
        self.meetingID = meetingID
        self.states = states
        self.from = from
        self.to = to
        self.limit = limit
        self.offset = offset
    }
}

/// A meeting with its host, as the API shows it.
public struct MeetingView: Sendable, Hashable {
    public var meeting: Meeting
    public var hostLogin: String
}

extension Director {
    public func createMeeting(_ new: NewMeeting, by principal: Principal) async throws -> MeetingView {
        let now = now()
        let title = try Validate.title(new.title ?? "Meeting")
        let expected = try Self.checkExpected(new.expectedParticipants ?? 10)
        let site = try new.preferredSite.map(checkSite)
        let passwordHash = try new.password.map { hasher.hash(try Validate.digits($0, field: "password", range: 4...12)) }
        let pinHash = try new.hostPIN.map { hasher.hash(try Validate.digits($0, field: "hostPIN", range: 4...12)) }
        var schedule: MeetingSchedule
        if new.reservationless {
            guard new.start == nil, new.end == nil, new.duration == nil else {
                throw ParleyError.invalid("reservationless", "A reservationless meeting has no start, end or duration.", fix: "Leave out start, end and duration.")
            }
            schedule = .reservationless
        } else {
            schedule = try resolveSchedule(start: new.start ?? now, end: new.end, duration: new.duration, fallback: settings.defaultMeetingDuration)
        }
        schedule = try MeetingRules.normalize(schedule, now: now)
        let finalSchedule = schedule

        let view: MeetingView = try await store.write { tx in
            let host = try await self.resolveHost(new.hostLogin, principal: principal, tx: tx)
            var meetingID: MeetingID
            if finalSchedule == .reservationless {
                guard let profile = host.profileNumber, let id = MeetingID(profile) else {
                    throw ParleyError(
                        .invalid, code: "meeting.no_profile_number",
                        message: "Reservationless meetings use the host's profile number as meeting ID, and '\(host.login)' has none.",
                        field: "reservationless", fix: "Give the host a profile number (PATCH /api/v1/users/\(host.login))."
                    )
                }
                if let asked = new.meetingID, asked != id {
                    throw ParleyError.invalid("meetingID", "A reservationless meeting's ID is the host's profile number \(id).", fix: "Leave meetingID out.")
                }
                meetingID = id
            } else if let asked = new.meetingID {
                if let owner = try await tx.user(profileNumber: asked.digits), owner.id != host.id {
                    throw ParleyError(
                        .conflict, code: "meeting.id_reserved",
                        message: "Meeting ID \(asked) is the profile number of another user and is kept for their reservationless meeting.",
                        field: "meetingID", fix: "Choose another meeting ID, or leave it out to get one assigned."
                    )
                }
                meetingID = asked
            } else {
                meetingID = try await self.assignMeetingID(for: finalSchedule, tx: tx)
            }
            try await self.checkConflicts(meetingID: meetingID, hostID: host.id, schedule: finalSchedule, excluding: nil, tx: tx)
            let meeting = Meeting(
                id: .random(prefix: "mtg"), meetingID: meetingID, title: title, hostID: host.id, schedule: finalSchedule,
                passwordHash: passwordHash, hostPINHash: pinHash, expectedParticipants: expected, preferredSite: site,
                state: .scheduled, createdBy: principal.user.id, createdAt: now
            )
            try await tx.insertMeeting(meeting)
            return MeetingView(meeting: meeting, hostLogin: host.login)
        }
        metrics.meetingsCreated.increment()
        logger.info("meeting scheduled", metadata: ["meeting_id": "\(view.meeting.meetingID)", "host": "\(view.hostLogin)"])
        // A new creator may push the audit over the installed licences: check now, not at the next tick.
        try await runLicenceAudit()
        return view
    }

    public func meetings(_ query: MeetingQuery, by principal: Principal) async throws -> (items: [MeetingView], total: Int) {
        guard (1...500).contains(query.limit) else { throw ParleyError.invalid("limit", "limit must be from 1 to 500.") }
        guard query.offset >= 0 else { throw ParleyError.invalid("offset", "offset must be 0 or more.") }
        return try await store.read { tx in
            var filter = MeetingFilter(
                meetingID: query.meetingID, states: query.states, endsAfter: query.from, startsBefore: query.to,
                limit: query.limit, offset: query.offset
            )
            if principal.isAdmin {
                if let login = query.hostLogin {
                    guard let host = try await tx.user(login: login) else { return ([], 0) }
                    filter.hostID = host.id
                }
            } else {
                if let login = query.hostLogin, login != principal.user.login {
                    throw ParleyError(.forbidden, code: "auth.not_your_meeting", message: "Hosts can list only their own meetings.", field: "host")
                }
                filter.hostID = principal.user.id
            }
            let items = try await tx.meetings(filter)
            let total = try await tx.countMeetings(filter)
            return (try await self.views(items, tx: tx), total)
        }
    }

    /// A meeting by record ID (`mtg_…`) or by meeting ID (the one not finished, else the latest).
    public func meeting(_ reference: String, by principal: Principal) async throws -> MeetingView {
        try await store.read { tx in
            let meeting = try await self.find(reference, tx: tx)
            try principal.requireHostOrAdmin(of: meeting, "see this meeting")
            return try await self.views([meeting], tx: tx)[0]
        }
    }

    public func updateMeeting(_ reference: String, _ changes: MeetingChanges, by principal: Principal) async throws -> MeetingView {
        let now = now()
        let title = try changes.title.map(Validate.title)
        let expected = try changes.expectedParticipants.map(Self.checkExpected)
        let site = try changes.preferredSite.map { try $0.map(checkSite) }
        let passwordHash = try changes.password.map { try $0.map { hasher.hash(try Validate.digits($0, field: "password", range: 4...12)) } }
        let pinHash = try changes.hostPIN.map { try $0.map { hasher.hash(try Validate.digits($0, field: "hostPIN", range: 4...12)) } }
        return try await store.write { tx in
            var meeting = try await self.find(reference, tx: tx)
            try principal.requireHostOrAdmin(of: meeting, "change this meeting")
            guard !meeting.state.isFinished else {
                throw ParleyError(.conflict, code: "meeting.finished", message: "Meeting \(meeting.meetingID) is \(meeting.state.rawValue) and can no longer change.")
            }
            let timesChange = changes.start != nil || changes.end != nil || changes.duration != nil
            if timesChange {
                guard case .scheduled(let oldStart, let oldEnd) = meeting.schedule else {
                    throw ParleyError.invalid("start", "A reservationless meeting has no start or end.")
                }
                if meeting.state == .inProgress, changes.start != nil {
                    throw ParleyError(.conflict, code: "meeting.in_progress", message: "A meeting in progress keeps its start; only its end can move.", field: "start")
                }
                let start = changes.start ?? oldStart
                let end = changes.end ?? (changes.duration == nil ? oldEnd : nil)
                var schedule = try self.resolveSchedule(start: start, end: end, duration: changes.duration, fallback: oldEnd - oldStart)
                // Only a start the caller gives now is moved by the "past start starts now" rule;
                // an unchanged start (or a running meeting's) is kept and only the length is checked.
                let clampStart = changes.start != nil && meeting.state == .scheduled
                schedule = try MeetingRules.normalize(schedule, now: clampStart ? now : start)
                meeting.schedule = schedule
            }
            if let newID = changes.meetingID, newID != meeting.meetingID {
                guard meeting.schedule != .reservationless else {
                    throw ParleyError.invalid("meetingID", "A reservationless meeting's ID is its host's profile number.")
                }
                guard meeting.state == .scheduled else {
                    throw ParleyError(.conflict, code: "meeting.in_progress", message: "A meeting in progress keeps its meeting ID.", field: "meetingID")
                }
                meeting.meetingID = newID
            }
            if timesChange || changes.meetingID != nil {
                try await self.checkConflicts(
                    meetingID: meeting.meetingID, hostID: meeting.hostID, schedule: meeting.schedule, excluding: meeting.id, tx: tx)
            }
            if let title { meeting.title = title }
            if let expected { meeting.expectedParticipants = expected }
            if let site { meeting.preferredSite = site }
            if let passwordHash { meeting.passwordHash = passwordHash }
            if let pinHash { meeting.hostPINHash = pinHash }
            try await tx.updateMeeting(meeting)
            return try await self.views([meeting], tx: tx)[0]
        }
    }

    /// Cancels a meeting: it releases its meeting ID and is kept for the record.
    public func cancelMeeting(_ reference: String, by principal: Principal) async throws -> MeetingView {
        let now = now()
        let view = try await store.write { tx in
            var meeting = try await self.find(reference, tx: tx)
            try principal.requireHostOrAdmin(of: meeting, "cancel this meeting")
            guard !meeting.state.isFinished else {
                throw ParleyError(.conflict, code: "meeting.finished", message: "Meeting \(meeting.meetingID) is already \(meeting.state.rawValue).")
            }
            if meeting.state == .inProgress { meeting.endedAt = now }
            meeting.state = .cancelled
            try await tx.updateMeeting(meeting)
            return try await self.views([meeting], tx: tx)[0]
        }
        await refreshInProgressGauge()
        return view
    }

    public func attendance(_ reference: String, by principal: Principal) async throws -> [AttendanceRecord] {
        try await store.read { tx in
            let meeting = try await self.find(reference, tx: tx)
            try principal.requireHostOrAdmin(of: meeting, "see this meeting's attendance")
            return try await tx.attendance(meetingRecordID: meeting.id)
        }
    }

    // MARK: Helpers

    func find(_ reference: String, tx: any StoreTransaction) async throws -> Meeting {
        if reference.hasPrefix("mtg_"), let meeting = try await tx.meeting(id: RecordID(rawValue: reference)) {
            return meeting
        }
        if let id = MeetingID(reference) {
            let all = try await tx.meetings(MeetingFilter(meetingID: id, limit: 1000))
            if let live = all.first(where: { $0.state == .inProgress }) ?? all.first(where: { $0.state == .scheduled }) {
                return live
            }
            if let latest = all.max(by: { $0.createdAt < $1.createdAt }) { return latest }
        }
        throw ParleyError.notFound("meeting", ParleyError.echo(reference))
    }

    func views(_ meetings: [Meeting], tx: any StoreTransaction) async throws -> [MeetingView] {
        var logins: [RecordID: String] = [:]
        var out: [MeetingView] = []
        for meeting in meetings {
            if logins[meeting.hostID] == nil {
                logins[meeting.hostID] = try await tx.user(id: meeting.hostID)?.login ?? "(deleted)"
            }
            out.append(MeetingView(meeting: meeting, hostLogin: logins[meeting.hostID] ?? "(deleted)"))
        }
        return out
    }

    func resolveHost(_ login: String?, principal: Principal, tx: any StoreTransaction) async throws -> User {
        guard let login, login != principal.user.login else {
            guard principal.user.role.canHost else {
                throw ParleyError(
                    .forbidden, code: "auth.cannot_host", message: "User '\(principal.user.login)' has the role 'user', which cannot host meetings.",
                    fix: "Ask an administrator to give you the 'host' role."
                )
            }
            return principal.user
        }
        guard principal.isAdmin else {
            throw ParleyError(.forbidden, code: "auth.not_your_meeting", message: "Only administrators may schedule meetings for another host.", field: "host")
        }
        guard let host = try await tx.user(login: login) else {
            throw ParleyError(.invalid, code: "meeting.unknown_host", message: "No user '\(ParleyError.echo(login))' exists.", field: "host")
        }
        guard host.role.canHost else {
            throw ParleyError(.invalid, code: "meeting.host_cannot_host", message: "User '\(login)' has the role 'user', which cannot host meetings.", field: "host")
        }
        return host
    }

    func resolveSchedule(start: Timestamp, end: Timestamp?, duration: Duration?, fallback: Duration) throws(ParleyError) -> MeetingSchedule {
        if end != nil, duration != nil {
            throw ParleyError.invalid("durationMinutes", "Give either an end or a duration (durationMinutes), not both.")
        }
        if let end { return .scheduled(start: start, end: end) }
        return .scheduled(start: start, end: start + (duration ?? fallback))
    }

    func checkConflicts(meetingID: MeetingID, hostID: RecordID, schedule: MeetingSchedule, excluding: RecordID?, tx: any StoreTransaction) async throws {
        let sameID = try await tx.meetings(MeetingFilter(meetingID: meetingID, limit: 10_000))
        if let other = MeetingRules.idConflict(schedule, among: sameID, excluding: excluding) {
            let when = other.schedule.start.map { " (\($0))" } ?? ""
            throw ParleyError(
                .conflict, code: "meeting.id_in_use",
                message: other.state.isFinished
                    ? "Meeting ID \(meetingID) was used by an earlier meeting\(when) whose time overlaps this one."
                    : "Meeting ID \(meetingID) is already held by a meeting that has not ended\(when).",
                field: "meetingID", fix: "Choose another meeting ID, or leave it out to get one assigned."
            )
        }
        let hostMeetings = try await tx.meetings(
            MeetingFilter(hostID: hostID, states: [.scheduled, .inProgress], endsAfter: schedule.start, startsBefore: schedule.end, limit: 10_000))
        if let other = MeetingRules.hostConflict(schedule, among: hostMeetings, excluding: excluding) {
            throw ParleyError(
                .conflict, code: "meeting.host_overlap",
                message: "The host already hosts meeting \(other.meetingID) from \(other.schedule.start.map(String.init(describing:)) ?? "?") to \(other.schedule.end.map(String.init(describing:)) ?? "?"), which overlaps this one.",
                field: "start", fix: "Pick a time that does not overlap, or end the other meeting first."
            )
        }
    }

    func assignMeetingID(for schedule: MeetingSchedule, tx: any StoreTransaction) async throws -> MeetingID {
        let digits = min(max(settings.meetingIDDigits, MeetingID.minimumDigits), MeetingID.maximumDigits)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            var text = String(UInt8.random(in: 1...9, using: &rng))
            for _ in 1..<digits { text += String(UInt8.random(in: 0...9, using: &rng)) }
            guard let id = MeetingID(text) else { continue }
            let same = try await tx.meetings(MeetingFilter(meetingID: id, limit: 100))
            if MeetingRules.idConflict(schedule, among: same) == nil, try await tx.user(profileNumber: text) == nil {
                return id
            }
        }
        throw ParleyError(
            .unavailable, code: "meeting.no_free_id", message: "No free \(digits)-digit meeting ID was found after 50 tries.",
            fix: "Raise meetings.id_digits in the configuration."
        )
    }

    static func checkExpected(_ count: Int) throws(ParleyError) -> Int {
        guard MeetingRules.expectedParticipantsRange.contains(count) else {
            throw ParleyError.invalid("expectedParticipants", "expectedParticipants must be from 1 to 10000, not \(count).")
        }
        return count
    }

    func checkSite(_ site: String) throws(ParleyError) -> String {
        guard settings.sites.contains(site) else {
            let known = settings.sites.isEmpty ? "This deployment declares no sites." : "Declared sites: \(settings.sites.joined(separator: ", "))."
            throw ParleyError.invalid("preferredSite", "Site '\(ParleyError.echo(site))' is not declared. \(known)")
        }
        return site
    }
}
