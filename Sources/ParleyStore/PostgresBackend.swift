#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOCore
import NIOPosix
import ParleyModel
import PostgresKit
import Synchronization

/// Opening PostgreSQL connections and making a database ready to serve as the store.
struct PostgresBackend: Sendable {
    let host: String
    let port: Int
    let username: String
    let password: String?
    let database: String
    let requireTLS: Bool

    var location: String { "\(host):\(port)/\(database)" }

    /// Checks the schema version without writing, then applies pending migrations.
    func prepare(logger: Logger) async throws {
        let connection = try await openConnection(logger: logger)
        do {
            let applied = try await Migrator.appliedVersion(on: connection)
            if let applied, applied > Migrator.latestVersion {
                throw StoreErrors.newerSchema(location: location, found: applied, known: Migrator.latestVersion)
            }
            try await Migrator.migrate(on: connection, location: location, logger: logger)
        } catch {
            await connection.close()
            throw error is ParleyError ? error : StoreErrors.failed(
                kind: .postgres,
                location: location,
                detail: Self.describe(DriverFailure(error))
            )
        }
        await connection.close()
    }

    /// A new connection, with connection and authentication failures turned into messages
    /// that say what to check.
    func openConnection(logger: Logger) async throws -> StoreConnection {
        let tls: PostgresConnection.Configuration.TLS
        if requireTLS {
            do {
                tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            } catch {
                throw StoreErrors.tlsUnavailable(host: host, port: port, detail: "\(error)")
            }
        } else {
            tls = .disable
        }
        let configuration = PostgresConnection.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: tls
        )
        do {
            let connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(),
                configuration: configuration,
                id: Self.nextConnectionID(),
                logger: logger
            )
            return StoreConnection(postgres: connection)
        } catch {
            throw mapConnectError(error)
        }
    }

    private func mapConnectError(_ error: any Error) -> ParleyError {
        guard let error = error as? PSQLError else {
            return requireTLS
                ? StoreErrors.tlsUnavailable(host: host, port: port, detail: "\(error)")
                : StoreErrors.unreachable(host: host, port: port, detail: "\(error)")
        }
        if let info = error.serverInfo, let state = info[.sqlState] {
            let message = info[.message] ?? "SQLSTATE \(state)"
            switch state {
            case "28P01", "28000":
                return StoreErrors.authenticationFailed(host: host, port: port, username: username, detail: message)
            case "3D000":
                return StoreErrors.missingDatabase(host: host, port: port, database: database)
            default:
                return StoreErrors.unreachable(host: host, port: port, detail: message)
            }
        }
        switch error.code {
        case .sslUnsupported:
            return StoreErrors.tlsUnavailable(host: host, port: port, detail: "the server does not offer TLS")
        case .authMechanismRequiresPassword:
            return StoreErrors.authenticationFailed(
                host: host, port: port, username: username,
                detail: "the server asks for a password and none is configured"
            )
        case .unsupportedAuthMechanism, .saslError:
            return StoreErrors.authenticationFailed(
                host: host, port: port, username: username,
                detail: "the server's authentication method failed or is not supported (\(error.code))"
            )
        case .connectionError:
            return StoreErrors.unreachable(host: host, port: port, detail: Self.describe(connectFailure: error.underlying))
        default:
            return StoreErrors.unreachable(host: host, port: port, detail: "\(error.code)")
        }
    }

    private static func describe(connectFailure underlying: (any Error)?) -> String {
        if let failure = underlying as? NIOConnectionError {
            if failure.dnsAError != nil || failure.dnsAAAAError != nil {
                return "the host name could not be resolved"
            }
            if let first = failure.connectionErrors.first {
                return describe(connectFailure: first.error)
            }
            return "no address to connect to"
        }
        if let failure = underlying as? IOError {
            return failure.errnoCode == ECONNREFUSED ? "connection refused" : "\(failure)"
        }
        if let failure = underlying as? ChannelError, case .connectTimeout(let timeout) = failure {
            return "no answer within \(timeout.nanoseconds / 1_000_000_000) seconds"
        }
        return underlying.map { "\($0)" } ?? "connection failed"
    }

    static func describe(_ failure: DriverFailure) -> String {
        switch failure {
        case .other(let detail): return detail
        case .unique: return "unique constraint violated"
        case .foreignKey: return "foreign key violated"
        case .serialization: return "serialization failure"
        case .busy: return "database busy"
        case .notADatabase: return "not a database"
        case .transactionAborted: return "transaction aborted"
        }
    }

    /// Numbers connections in the driver's log metadata.
    private static func nextConnectionID() -> Int {
        postgresConnectionIDs.add(1, ordering: .relaxed).newValue
    }
}

private let postgresConnectionIDs = Atomic<Int>(0)
