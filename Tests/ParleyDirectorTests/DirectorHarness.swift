import Logging
import ParleyDirector
import ParleyModel
import ParleyStore
import ParleyTestSupport
import Synchronization
import Testing

/// 2026-11-21T09:00:00Z: where every test's clock starts.
let t0 = Timestamp(secondsSinceEpoch: 1_795_251_600)

/// `t0` moved by a number of minutes (negative for earlier).
func at(_ minutes: Int64) -> Timestamp {
    t0 + .seconds(minutes * 60)
}

/// A wall clock the test moves by hand.
final class ManualClock: Sendable {
    private let current: Mutex<Timestamp>

    init(_ start: Timestamp) {
        current = Mutex(start)
    }

    var now: Timestamp { current.withLock { $0 } }

    func advance(by duration: Duration) {
        current.withLock { $0 = $0 + duration }
    }

    func set(_ timestamp: Timestamp) {
        current.withLock { $0 = timestamp }
    }

    var wallClock: WallClock {
        WallClock { self.now }
    }
}

extension DirectorSettings {
    /// Defaults, with cheap hashing so a test suite runs in seconds.
    static func test(meetingIDDigits: Int = 6, auditWindowDays: Int = 30, sites: [String] = []) -> DirectorSettings {
        DirectorSettings(
            meetingIDDigits: meetingIDDigits, defaultMeetingDuration: .seconds(3600), licenceAuditWindowDays: auditWindowDays,
            sites: sites, hashRounds: 1_000
        )
    }
}

let quietLogger = Logger(label: "parley.test.director") { _ in SwiftLogNoOpLogHandler() }

/// A director on a fresh store, its clock, and the built-in administrator.
struct Fixture: Sendable {
    let director: Director
    let clock: ManualClock
    let admin: Principal

    var store: ParleyStore { director.store }

    /// Creates a user with the given role and returns it as a principal.
    func user(_ login: String, role: UserRole = .host, profileNumber: String? = nil) async throws -> Principal {
        let user = try await director.createUser(NewUser(login: login, profileNumber: profileNumber, role: role), by: admin)
        return Principal(user: user)
    }

    /// Schedules a meeting for `host` from `from` to `to` minutes after `t0`.
    @discardableResult
    func schedule(
        _ host: Principal, _ from: Int64, _ to: Int64, id: String? = nil, title: String = "Weekly"
    ) async throws -> Meeting {
        let new = NewMeeting(meetingID: id.flatMap(MeetingID.init), title: title, start: at(from), end: at(to))
        return try await director.createMeeting(new, by: host).meeting
    }

    /// The stored meeting with this record ID.
    func stored(_ meeting: Meeting) async throws -> Meeting {
        let found = try await store.read { tx in try await tx.meeting(id: meeting.id) }
        return try #require(found)
    }
}

/// Runs `body` with a director on a new, empty store of the given kind.
func withDirector(
    _ kind: StoreKind = .sqlite,
    settings: DirectorSettings = .test(),
    _ body: (Fixture) async throws -> Void
) async throws {
    try await withTestStore(kind) { store in
        let clock = ManualClock(t0)
        let director = Director(store: store, settings: settings, clock: clock.wallClock, logger: quietLogger)
        let (_, admin) = try await director.createToken(forLogin: nil, label: "tests")
        try await body(Fixture(director: director, clock: clock, admin: Principal(user: admin)))
    }
}

/// Expects `body` to throw a ``ParleyError`` with this code and kind (and field, when given),
/// and returns it for further checks.
@discardableResult
func expectError<R>(
    _ code: String,
    _ kind: ParleyError.Kind,
    field: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> R
) async -> ParleyError? {
    do {
        _ = try await body()
        Issue.record("Expected ParleyError \(code), but the call succeeded.", sourceLocation: sourceLocation)
        return nil
    } catch let error as ParleyError {
        #expect(error.code == code, sourceLocation: sourceLocation)
        #expect(error.kind == kind, sourceLocation: sourceLocation)
        if let field {
            #expect(error.field == field, sourceLocation: sourceLocation)
        }
        return error
    } catch {
        Issue.record("Expected ParleyError \(code), got \(error).", sourceLocation: sourceLocation)
        return nil
    }
}
