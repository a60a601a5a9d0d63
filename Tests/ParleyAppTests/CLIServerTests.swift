import Foundation
import NIOCore
import ParleyTestSupport
import ParleyWeb
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `parley serve` as a subprocess, the client commands against it, and how it stops: cleanly on
/// SIGTERM, and without damage on SIGKILL; a second server on the same data directory is refused.
@Suite("CLI: serve and client commands", .timeLimit(.minutes(1)))
struct CLIServerTests {
    /// A data directory with an admin token and, optionally, licences; then a running server.
    static func withServe(
        licences: Int? = 5, _ body: (TemporaryDirectory, String, ParleyCLI.Server, String) async throws -> Void
    ) async throws {
        try await TemporaryDirectory.with(prefix: "parley-cli") { directory in
            let data = directory.appending("data")
            let token = try await ParleyCLI.run(["admin", "token", "create", "--data-dir", data], in: directory)
            #expect(token.status == 0, "\(token.transcript)")
            if let licences {
                let added = try await ParleyCLI.run(["license", "add", "--hosts", "\(licences)", "--data-dir", data], in: directory)
                #expect(added.status == 0, "\(added.transcript)")
            }
            let server = try await ParleyCLI.serve(dataDirectory: data, in: directory)
            do {
                try await body(directory, data, server, token.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            } catch {
                await server.process.stop()
                throw error
            }
            await server.process.stop()
        }
    }

    /// Sends SIGTERM and expects a clean exit (status 0) within 10 seconds.
    static func expectCleanShutdown(_ server: ParleyCLI.Server) async throws {
        server.process.signal(SIGTERM)
        let finished = try await server.process.waitForExit(within: .seconds(10))
        #expect(finished.exited && finished.status == 0, "\(server.process.transcript)")
        #expect(server.process.stderr.contains("parley stopped"), "\(server.process.transcript)")
    }

    @Test func userCommandsAndCleanShutdown() async throws {
        try await Self.withServe { directory, data, server, token in
            #expect(server.process.stdout.contains("Parley 0.1.0: roles director, node, web, data in \(data)"), "\(server.process.transcript)")
            #expect(server.process.stdout.contains("portal \(server.url)/  API /api/v1"), "\(server.process.transcript)")
            // The node's sockets come up after the web's (prompts load first): wait, bounded.
            let listeners = ["web.http: TCP 127.0.0.1:", "node.sip.udp: UDP 127.0.0.1:", "node.sip.tcp: TCP 127.0.0.1:", "node.media: UDP 127.0.0.1:"]
            let deadline = ContinuousClock.now + .seconds(20)
            while !listeners.allSatisfy({ server.process.stdout.contains($0) }) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            for listener in listeners {
                #expect(server.process.stdout.contains(listener), "\(server.process.transcript)")
            }
            #expect(server.process.stdout.contains("dial sip:<meeting ID>@127.0.0.1:"), "\(server.process.transcript)")
            let client = ["--server", server.url, "--token", token]
            func parley(_ arguments: [String]) async throws -> CLIResult {
                try await ParleyCLI.run(arguments + client, in: directory)
            }

            var result = try await parley(["user", "add", "bob", "--name", "Bob Builder", "--profile", "4242"])
            #expect(result.status == 0, "\(result.transcript)")
            #expect(
                result.stdout.contains("LOGIN") && result.stdout.contains("Bob Builder") && result.stdout.contains("4242"), "\(result.transcript)")

            result = try await parley(["user", "add", "carol", "--role", "user", "--email", "carol@example.com", "--json"])
            #expect(result.status == 0, "\(result.transcript)")
            let carol = try JSONDecoder().decode(UserDTO.self, from: Data(result.stdout.utf8))
            #expect(carol.login == "carol" && carol.role == "user" && carol.email == "carol@example.com")

            result = try await parley(["user", "add", "bob"])
            #expect(result.status == 1 && result.stdout.isEmpty, "\(result.transcript)")
            #expect(result.stderr.contains("error: login: A user with login 'bob' already exists."), "\(result.transcript)")
            #expect(result.stderr.contains("fix: Choose another login."), "\(result.transcript)")

            result = try await parley(["user", "list"])
            #expect(result.status == 0, "\(result.transcript)")
            #expect(result.stdout.contains("3 of 3 users"), "\(result.transcript)")
            for login in ["admin", "bob", "carol"] { #expect(result.stdout.contains(login)) }

            result = try await parley(["user", "list", "--json", "--limit", "2"])
            let page = try JSONDecoder().decode(Page<UserDTO>.self, from: Data(result.stdout.utf8))
            #expect(page.total == 3 && page.items.map(\.login) == ["admin", "bob"] && page.limit == 2)

            result = try await parley(["license", "show"])
            #expect(result.status == 0 && result.stdout.contains("Installed host licences: 5"), "\(result.transcript)")

            // Without a token the CLI says how to get one.
            let anonymous = try await ParleyCLI.run(["user", "list", "--server", server.url], in: directory)
            #expect(anonymous.status == 1, "\(anonymous.transcript)")
            #expect(anonymous.stderr.contains("fix: Give a token with --token or PARLEY_TOKEN"), "\(anonymous.transcript)")

            try await Self.expectCleanShutdown(server)
        }
    }

    @Test func meetingCommands() async throws {
        try await Self.withServe { directory, _, server, token in
            let client = ["--server", server.url, "--token", token]
            func parley(_ arguments: [String]) async throws -> CLIResult {
                try await ParleyCLI.run(arguments + client, in: directory)
            }
            #expect(try await parley(["user", "add", "bob"]).status == 0)

            var result = try await parley(["meeting", "create", "--title", "Standup", "--start", "+1h", "--duration", "30"])
            #expect(result.status == 0, "\(result.transcript)")
            #expect(result.stdout.contains("Standup") && result.stdout.contains("scheduled"), "\(result.transcript)")
            let idLine = result.stdout.split(separator: "\n").first { $0.hasPrefix("Meeting ID") }
            let standupID = try #require(idLine?.split(separator: " ").last.map(String.init), "\(result.transcript)")
            #expect(standupID.wholeMatch(of: /[0-9]{6}/) != nil, "\(result.transcript)")

            result = try await parley([
                "meeting", "create", "--title", "Review", "--start", "+3h", "--duration", "45", "--meeting-id", "8675309", "--host", "bob", "--json",
            ])
            #expect(result.status == 0, "\(result.transcript)")
            let review = try JSONDecoder().decode(MeetingDTO.self, from: Data(result.stdout.utf8))
            #expect(review.meetingID == "8675309" && review.host == "bob" && review.title == "Review")

            result = try await parley(["meeting", "create", "--start", "tomorrow"])
            #expect(result.status != 0 && result.stderr.contains("--start 'tomorrow' is not a time"), "\(result.transcript)")
            result = try await parley(["meeting", "create", "--meeting-id", "8675309", "--start", "+5h"])
            #expect(result.status == 1, "\(result.transcript)")
            #expect(result.stderr.contains("error: meetingID: Meeting ID 8675309 is already held"), "\(result.transcript)")
            #expect(result.stderr.contains("fix: Choose another meeting ID"), "\(result.transcript)")

            result = try await parley(["meeting", "list"])
            #expect(result.status == 0, "\(result.transcript)")
            #expect(
                result.stdout.contains("MEETING ID") && result.stdout.contains("Standup") && result.stdout.contains("8675309"), "\(result.transcript)"
            )
            #expect(result.stdout.contains("2 of 2 meetings"), "\(result.transcript)")

            result = try await parley(["meeting", "list", "--json", "--host", "bob"])
            let bobs = try JSONDecoder().decode(Page<MeetingDTO>.self, from: Data(result.stdout.utf8))
            #expect(bobs.total == 1 && bobs.items == [review])

            result = try await parley(["meeting", "show", "8675309"])
            #expect(result.status == 0, "\(result.transcript)")
            #expect(
                result.stdout.contains("Meeting ID  8675309") && result.stdout.contains("Review") && result.stdout.contains("bob"),
                "\(result.transcript)")
            result = try await parley(["meeting", "show", "8675309", "--json"])
            #expect(try JSONDecoder().decode(MeetingDTO.self, from: Data(result.stdout.utf8)) == review)
            result = try await parley(["meeting", "show", "999999"])
            #expect(result.status == 1 && result.stderr.contains("No meeting '999999' exists"), "\(result.transcript)")

            result = try await parley(["meeting", "cancel", "8675309"])
            #expect(result.status == 0 && result.stdout.contains("Cancelled meeting 8675309 (Review)."), "\(result.transcript)")
            result = try await parley(["meeting", "cancel", standupID, "--json"])
            #expect(try JSONDecoder().decode(MeetingDTO.self, from: Data(result.stdout.utf8)).state == "cancelled", "\(result.transcript)")
            result = try await parley(["meeting", "list", "--state", "cancelled", "--json"])
            #expect(try JSONDecoder().decode(Page<MeetingDTO>.self, from: Data(result.stdout.utf8)).total == 2, "\(result.transcript)")
            result = try await parley(["meeting", "list", "--state", "scheduled"])
            #expect(result.stdout.contains("0 of 0 meetings"), "\(result.transcript)")

            try await Self.expectCleanShutdown(server)
        }
    }

    @Test func killedServerLeavesAUsableStore() async throws {
        try await Self.withServe { directory, data, server, token in
            let spec = try OpenAPISpec.load()
            let api = LiveAPI(baseURL: server.url, adminToken: token, spec: spec)
            try await api.createMeeting(["title": "Before the crash", "meetingID": "424242", "start": TestTime.minutes(60)])
            // Keep writing while the server is killed: every acknowledged write must survive.
            let acknowledgedBox = Acknowledged()
            let writer = Task {
                // AsyncHTTPClient's shared client keeps trying to connect to a dead server until the
                // request's deadline, so the requests get a short one.
                for index in 0..<10_000 where server.process.finished == nil {
                    let login = "user\(index)"
                    guard let reply = try? await api.raw("POST", "/api/v1/users", body: json(["login": login]), timeout: .seconds(3)) else { return }
                    if reply.status == 201 { acknowledgedBox.logins.withLock { $0.append(login) } }
                }
            }
            let writing = try await poll(.seconds(20)) { acknowledgedBox.logins.withLock { $0.count } >= 5 }
            server.process.signal(SIGKILL)
            await writer.value
            let acknowledged = acknowledgedBox.logins.withLock { $0 }
            #expect(writing, "the writes did not get going: \(server.process.transcript)")
            let killed = try await server.process.waitForExit(within: .seconds(10))
            #expect(!killed.exited, "the server should have died of SIGKILL: \(server.process.transcript)")

            let restarted = try await ParleyCLI.serve(dataDirectory: data, in: directory)
            do {
                let after = LiveAPI(baseURL: restarted.url, adminToken: token, spec: spec)
                let meeting = try await after.send("GET /api/v1/meetings/{id}", ["id": "424242"]).decode(MeetingDTO.self)
                #expect(meeting.title == "Before the crash")
                let users = try await after.send("GET /api/v1/users", query: "limit=500").decode(Page<UserDTO>.self)
                let logins = Set(users.items.map(\.login))
                #expect(logins.isSuperset(of: acknowledged), "lost: \(Set(acknowledged).subtracting(logins).sorted())")
                // The store takes writes again.
                try await after.createMeeting(["title": "After the crash", "start": TestTime.minutes(180)])
                #expect(try await after.meetingCount() == 2)
                try await Self.expectCleanShutdown(restarted)
            } catch {
                await restarted.process.stop()
                throw error
            }
        }
    }

    @Test func secondServerOnTheSameDataDirectoryIsRefused() async throws {
        try await Self.withServe(licences: nil) { directory, data, server, token in
            let port = try PostgresServer.freePort()
            let second = try ParleyProcess(
                ["serve", "--data-dir", data, "--set", "http.address=127.0.0.1", "--set", "http.port=\(port)"] + ParleyCLI.freeNodePorts, in: directory, name: "second")
            let finished: (status: Int32, exited: Bool)
            do {
                finished = try await second.waitForExit(within: .seconds(20))
            } catch {
                await second.stop()
                throw error
            }
            #expect(finished.exited && finished.status == 1, "\(second.transcript)")
            #expect(second.stderr.contains("Another Parley process is using the data directory '\(data)'"), "\(second.transcript)")
            #expect(second.stderr.contains("fix: Stop the other `parley serve`, or give this one another --data-dir."), "\(second.transcript)")
            // The first one is unaffected.
            let api = LiveAPI(baseURL: server.url, adminToken: token, spec: try OpenAPISpec.load())
            expectStatus(try await api.send("GET /readyz", auth: .none), 200)
            expectStatus(try await api.send("GET /api/v1/me"), 200)
            try await Self.expectCleanShutdown(server)
        }
    }
}

/// Logins the server acknowledged (201) before it was killed.
final class Acknowledged: Sendable {
    let logins = Mutex<[String]>([])
}
