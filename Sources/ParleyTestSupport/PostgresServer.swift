import Foundation
import Logging
import ParleyStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A real PostgreSQL server for tests, started once per test process on first use.
///
/// `initdb` makes a throwaway cluster in a temporary directory; the server listens on
/// 127.0.0.1 at a port picked at run time, with its socket directory inside the temporary
/// directory and fsync off. Each test gets its own database from ``createDatabase()``. The
/// server is stopped and its directory removed when the process exits (by an exit handler,
/// and by a watchdog should the process be killed). Running as root (CI),
/// the cluster belongs to the `postgres` user and the tools run through `runuser`, since
/// PostgreSQL refuses to run as root.
public actor PostgresServer {
    /// The server shared by every test in the process.
    public static let shared = PostgresServer()

    public let host = "127.0.0.1"
    public let username = "postgres"

    private var port: Int?
    private var startFailure: TestSupportError?

    private init() {}

    /// Creates an empty database on the server (starting the server if needed) and returns
    /// a store configuration pointing at it.
    public func createDatabase() async throws -> StoreConfiguration {
        let port = try await start()
        var generator = SystemRandomNumberGenerator()
        let name = "t_" + String(generator.next() as UInt64, radix: 16)
        try await administer("CREATE DATABASE \"\(name)\"", port: port)
        return .postgres(
            host: host, port: port, username: username, password: nil, database: name, requireTLS: false
        )
    }

    /// Drops a database made by ``createDatabase()``, disconnecting anyone still in it.
    public func dropDatabase(_ name: String) async throws {
        guard let port else { return }
        try await administer("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)", port: port)
    }

    /// The port the server listens on, starting it on first call.
    public func start() async throws -> Int {
        if let port { return port }
        if let startFailure { throw startFailure }
        do {
            let port = try launch()
            self.port = port
            return port
        } catch let error as TestSupportError {
            startFailure = error
            throw error
        }
    }

    private func administer(_ statement: String, port: Int) async throws {
        try await PostgresAdministration.execute(
            statement, host: host, port: port, username: username, password: nil, database: "postgres",
            logger: makeTestLogger(label: "parley.test.postgres")
        )
    }

    /// initdb, then pg_ctl start; a few attempts in case another process takes the port
    /// between choosing it and the server binding it.
    private func launch() throws -> Int {
        let tools = try PostgresTools.locate()
        let directory = try TemporaryDirectory(prefix: "parley-pg")
        let data = directory.appending("data")
        let sockets = directory.appending("sockets")
        let log = directory.appending("server.log")
        do {
            try FileManager.default.createDirectory(atPath: sockets, withIntermediateDirectories: false)
            try tools.giveToServerUser([directory.path, sockets])
            try startShutdownWatchdog(dataDirectory: data, directory: directory.path)
            try tools.run(
                "initdb",
                ["-D", data, "-U", username, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                in: directory
            )
            registerServerForShutdown(tools: tools, dataDirectory: data, directory: directory.path)
            var lastError = TestSupportError("PostgreSQL did not start.")
            for _ in 0..<3 {
                let port = try Self.freePort()
                let settings = [
                    "-c listen_addresses=\(host)", "-p \(port)", "-k \(sockets)", "-c fsync=off",
                    "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=400",
                    "-c shared_buffers=32MB",
                ].joined(separator: " ")
                do {
                    try tools.run(
                        "pg_ctl", ["-D", data, "-l", log, "-w", "-t", "60", "-o", settings, "start"], in: directory
                    )
                    return port
                } catch let error as TestSupportError {
                    let serverLog = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                    lastError = TestSupportError("\(error.description)\nServer log:\n\(serverLog.suffix(2000))")
                }
            }
            throw lastError
        } catch {
            stopRegisteredServer()
            try? directory.remove()
            throw error
        }
    }

    /// A TCP (or UDP) port nobody uses right now: bind port 0 on loopback and ask which one.
    public static func freePort(udp: Bool = false) throws -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32((udp ? SOCK_DGRAM : SOCK_STREAM).rawValue), 0)
        #else
        let fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw TestSupportError("Could not create a socket to find a free port.") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw TestSupportError("Could not bind a socket on 127.0.0.1 to find a free port.") }
        var actual = sockaddr_in()
        var actualLength = length
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) }
        }
        guard named == 0 else { throw TestSupportError("Could not read the port of a bound socket.") }
        return Int(UInt16(bigEndian: actual.sin_port))
    }
}
