import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ParleyDirector
import ParleyModel
import ParleyStore
import ParleyTestSupport
import Synchronization
import Testing

@testable import ParleyWeb

/// A portal over a real SQLite store and director, driven through Hummingbird's testing
/// router: an admin (`root`), a host (`hana`, profile number 4455) and a plain user (`uma`).
struct PortalHarness: Sendable {
    static let adminPassword = "admin-password-1"
    static let hostPassword = "host-password-1"
    static let userPassword = "user-password-1"

    let director: Director
    let client: any TestClientProtocol
    let live: StubLive

    static func with(
        portal: PortalSettings = PortalHarness.settings, loginFailures: FailureThrottle = FailureThrottle(),
        clock: WallClock = .system, _ body: @Sendable (PortalHarness) async throws -> Void
    ) async throws {
        try await withTestStore(.sqlite) { store in
            let director = Director(store: store, settings: DirectorSettings(hashRounds: 1_000), clock: clock, logger: makeTestLogger())
            _ = try await director.createUser(NewUser(login: "root", displayName: "Rita Root", password: adminPassword, role: .admin), by: nil)
            _ = try await director.createUser(
                NewUser(login: "hana", displayName: "Hana Host", profileNumber: "4455", password: hostPassword, role: .host), by: nil)
            _ = try await director.createUser(NewUser(login: "uma", displayName: "Uma User", password: userPassword, role: .user), by: nil)
            let live = StubLive()
            let deps = WebDependencies(director: director, live: live, metricsText: { "" }, readiness: {}, portal: portal)
            let router = Router(context: APIContext.self)
            router.add(middleware: ProblemMiddleware())
            PortalRoutes(deps, loginFailures: loginFailures).register(router)
            let app = Application(router: router, logger: makeTestLogger())
            try await app.test(.router) { client in
                try await body(PortalHarness(director: director, client: client, live: live))
            }
        }
    }

    static let settings = PortalSettings(
        publicURL: nil, httpsPort: 8443, sipHost: "sip.example.com", sipPort: 5060, accessNumbers: ["8000"],
        nodes: [
            PortalNode(
                name: "local", site: "main", address: "10.0.0.5", sipPorts: "5060/udp, 5060/tcp", mediaPorts: "5004/udp", capacity: 1200,
                isLocal: true)
        ],
        ports: PortTables(
            title: "Ports of a parley host running director, node, web", headers: ["Protocol", "Transport", "Ports"],
            incoming: [["SIP", "UDP", "5060"], ["HTTP", "TCP", "8080"]], outgoing: [["DNS", "UDP", "53"]]))

    // MARK: Requests

    func get(_ uri: String, cookie: String? = nil, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if let cookie { headers[.cookie] = "\(SessionCookie.name)=\(cookie)" }
        return try await client.execute(uri: uri, method: .get, headers: headers)
    }

    func post(_ uri: String, form: [(String, String)], cookie: String? = nil, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        headers[.contentType] = "application/x-www-form-urlencoded"
        if let cookie { headers[.cookie] = "\(SessionCookie.name)=\(cookie)" }
        let body = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// Signs in and returns the session token from the cookie.
    func signIn(_ login: String, _ password: String) async throws -> String {
        let response = try await post("/login", form: [("login", login), ("password", password), ("next", "/")])
        #expect(response.status == .seeOther)
        let cookie = try #require(response.headers[.setCookie])
        let value = try #require(cookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last)
        return String(value)
    }

    func signInHost() async throws -> String { try await signIn("hana", Self.hostPassword) }
    func signInAdmin() async throws -> String { try await signIn("root", Self.adminPassword) }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// A wall clock the test moves by hand.
final class ManualWallClock: Sendable {
    // Guards the current time.
    private let time: Mutex<Timestamp>

    init(_ start: Timestamp) { time = Mutex(start) }

    func advance(by duration: Duration) { time.withLock { $0 = $0 + duration } }

    var clock: WallClock { WallClock { [self] in time.withLock { $0 } } }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}

/// Rosters set by the test; host actions are not used by the portal.
final class StubLive: LiveMeetingControl {
    // Guards the rosters by meeting record ID.
    private let rosters = Mutex<[RecordID: LiveRoster]>([:])

    func set(_ roster: LiveRoster) { rosters.withLock { $0[roster.meeting] = roster } }

    func roster(meeting: RecordID) async -> LiveRoster? { rosters.withLock { $0[meeting] } }
    func setMuted(_ muted: Bool, participant: String, meeting: RecordID) async -> LiveActionOutcome { .notLive }
    func eject(participant: String, meeting: RecordID) async -> LiveActionOutcome { .notLive }
    func muteAll(meeting: RecordID) async -> LiveActionOutcome { .notLive }
    func setLocked(_ locked: Bool, meeting: RecordID) async -> LiveActionOutcome { .notLive }
    func endConference(meeting: RecordID) async {}
}
