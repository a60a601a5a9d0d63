import ParleyModel
import ParleyStore
import Testing

/// Records for store tests, with every optional field either filled or left out on request.
enum Fixtures {
    /// 2026-11-21T09:00:00Z.
    static let t0 = Timestamp(millisecondsSinceEpoch: 1_795_251_600_000)

    static func at(minutes: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: t0.millisecondsSinceEpoch + minutes * 60_000)
    }

    static func user(
        _ login: String,
        profileNumber: String? = nil,
        role: UserRole = .host,
        group: String? = nil,
        full: Bool = false
    ) -> User {
        User(
            id: RecordID(rawValue: "usr_\(login.lowercased())"),
            login: login,
            displayName: "User \(login)",
            email: full ? "\(login)@example.org" : nil,
            profileNumber: profileNumber,
            pinHash: full ? "pin-hash-\(login)" : nil,
            passwordHash: full ? "password-hash-\(login)" : nil,
            role: role,
            groupName: group,
            createdAt: t0
        )
    }

    static func meetingID(_ digits: String) throws -> MeetingID {
        try #require(MeetingID(digits))
    }

    static func meeting(
        _ id: String,
        meetingID digits: String,
        host: User,
        schedule: MeetingSchedule? = nil,
        state: MeetingState = .scheduled,
        createdBy: User? = nil,
        createdAt: Timestamp = t0,
        full: Bool = false
    ) throws -> Meeting {
        Meeting(
            id: RecordID(rawValue: id),
            meetingID: try meetingID(digits),
            title: "Meeting \(id)",
            hostID: host.id,
            schedule: schedule ?? .scheduled(start: at(minutes: 60), end: at(minutes: 120)),
            passwordHash: full ? "meeting-password-hash" : nil,
            hostPINHash: full ? "host-pin-hash" : nil,
            expectedParticipants: 12,
            preferredSite: full ? "london" : nil,
            state: state,
            createdBy: (createdBy ?? host).id,
            createdAt: createdAt,
            startedAt: full ? at(minutes: 59) : nil,
            endedAt: full ? at(minutes: 118) : nil
        )
    }

    static func group(_ name: String) -> UserGroup {
        UserGroup(id: RecordID(rawValue: "grp_\(name)"), name: name, description: "The \(name) team", createdAt: t0)
    }
}

/// Inserts records in one write transaction.
func insert(_ store: ParleyStore, users: [User] = [], meetings: [Meeting] = []) async throws {
    try await store.write { tx in
        for user in users { try await tx.insertUser(user) }
        for meeting in meetings { try await tx.insertMeeting(meeting) }
    }
}

/// Runs `body`, expecting it to throw a ``ParleyError``, and returns that error.
func parleyError(_ body: () async throws -> Void) async -> ParleyError? {
    do {
        try await body()
    } catch let error as ParleyError {
        return error
    } catch {
        Issue.record("Expected a ParleyError, got \(error)")
        return nil
    }
    Issue.record("Expected a ParleyError, nothing was thrown")
    return nil
}
