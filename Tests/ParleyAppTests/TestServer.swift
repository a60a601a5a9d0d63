import Foundation
import Logging
import ParleyApp
import ParleyConfig
import ParleyDirector
import ParleyModel
import ParleyStore
import ParleyTestSupport
import Testing

/// A Parley server running in this process (`ParleyServer.run` in a task) on 127.0.0.1 and a
/// port the kernel picks, with a fresh store, and an API client holding an admin token.
struct TestServer: Sendable {
    let api: LiveAPI
    let port: Int
    let configuration: ParleyConfiguration
    /// Every port the server bound, by listener name (`node.sip.udp`, `node.media`, ...).
    let ports: BoundPorts

    var baseURL: String { api.baseURL }

    /// Starts a server on a new SQLite data directory (or a new PostgreSQL database), runs
    /// `body`, then stops the server by cancelling its task and removes the store.
    static func with<T: Sendable>(
        _ kind: StoreKind = .sqlite, settings: [(key: String, value: String)] = [], _ body: (TestServer) async throws -> T
    ) async throws -> T {
        try await TemporaryDirectory.with(prefix: "parley-app") { directory in
            // All three roles, as `parley serve` runs them; the task's cancellation stops the server.
            var overrides: [(key: String, value: String)] = [
                ("data_dir", directory.appending("data")), ("http.address", "127.0.0.1"), ("log.level", "error"),
                ("sip.address", "127.0.0.1"), ("sip.udp_port", "0"), ("sip.tcp_port", "0"), ("media.address", "127.0.0.1"), ("media.port", "0"),
                ("nettest.udp_port", "0"),
            ]
            var database: String?
            if kind == .postgres {
                guard case .postgres(let host, let port, let user, _, let name, _) = try await PostgresServer.shared.createDatabase() else {
                    throw TestSupportError("PostgresServer.createDatabase() did not describe a PostgreSQL database.")
                }
                database = name
                overrides += [
                    ("database.driver", "postgres"), ("database.postgres.host", host), ("database.postgres.port", "\(port)"),
                    ("database.postgres.user", user), ("database.postgres.database", name),
                ]
            }
            do {
                let result = try await run(overrides + settings, body)
                if let database { try await PostgresServer.shared.dropDatabase(database) }
                return result
            } catch {
                if let database { try? await PostgresServer.shared.dropDatabase(database) }
                throw error
            }
        }
    }

    private static func run<T: Sendable>(_ overrides: [(key: String, value: String)], _ body: (TestServer) async throws -> T) async throws -> T {
        var configuration = try ConfigurationLoader.load(yaml: nil, overrides: overrides).get()
        // The kernel picks the port; onListening reports it.
        configuration.http.port = 0
        var log = ParleyConfiguration.Log()
        log.level = .error
        Observability.bootstrapLogging(log)

        // The admin token is made on the store before the server takes the data directory.
        let adminToken = try await StoreFactory.withLocalDirector(configuration, logger: makeTestLogger()) { director in
            try await director.createToken(forLogin: nil, label: "test").token
        }
        let spec = try OpenAPISpec.load()
        return try await InProcessServer.run(configuration) { port, bound in
            let api = LiveAPI(baseURL: "http://127.0.0.1:\(port)", adminToken: adminToken, spec: spec)
            return try await body(TestServer(api: api, port: port, configuration: configuration, ports: bound))
        }
    }
}
