import Logging
import ParleyModel

/// Statements about a PostgreSQL server rather than one store, such as creating the database
/// a store will live in. Used by the test fixtures and by setup tooling inside the package.
package enum PostgresAdministration {
    /// Connects to `database` on the server, runs one statement outside any transaction
    /// (`CREATE DATABASE` cannot run in one) and disconnects.
    package static func execute(
        _ statement: String,
        host: String,
        port: Int,
        username: String,
        password: String?,
        database: String,
        logger: Logger
    ) async throws {
        let backend = PostgresBackend(
            host: host, port: port, username: username, password: password, database: database, requireTLS: false
        )
        let connection = try await backend.openConnection(logger: logger)
        do {
            try await connection.execute(statement)
        } catch {
            await connection.close()
            throw TransactionContext(kind: .postgres, location: backend.location, writing: true).map(error)
        }
        await connection.close()
    }
}
