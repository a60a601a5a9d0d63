import Logging
import PostgresKit
import SQLKit
import SQLiteKit

/// One open connection to the database, of either engine, with the statements that frame a
/// transaction on it.
struct StoreConnection: Sendable {
    enum Driver: Sendable {
        case sqlite(SQLiteConnection)
        case postgres(PostgresConnection)
    }

    let driver: Driver
    /// SQLKit's view of the connection; every query of a transaction goes through it.
    let sql: any SQLDatabase

    init(sqlite connection: SQLiteConnection) {
        self.driver = .sqlite(connection)
        // Query logging stays off: binds carry credential hashes.
        self.sql = connection.sql(queryLogLevel: nil)
    }

    init(postgres connection: PostgresConnection) {
        self.driver = .postgres(connection)
        self.sql = connection.sql(queryLogLevel: nil)
    }

    var kind: DatabaseKind {
        switch driver {
        case .sqlite: return .sqlite
        case .postgres: return .postgres
        }
    }

    var isClosed: Bool {
        switch driver {
        case .sqlite(let connection): return connection.isClosed
        case .postgres(let connection): return connection.isClosed
        }
    }

    /// Closes the connection, ignoring failures: a connection being dropped has nothing left
    /// to report.
    /// Uses the EventLoopFuture form on purpose: the async form is cancellable, and a close
    /// cancelled during shutdown would leave the connection open.
    func close() async {
        let closing: EventLoopFuture<Void>
        switch driver {
        case .sqlite(let connection): closing = connection.close()
        case .postgres(let connection): closing = connection.close()
        }
        try? await closing.get()
    }

    /// Runs one statement that returns nothing of interest.
    func execute(_ statement: String) async throws {
        try await sql.raw(SQLQueryString(statement)).run()
    }

    /// Opens a transaction. Writers take the database's write lock up front (SQLite) or run
    /// serializable (PostgreSQL); readers get a consistent snapshot.
    func begin(writing: Bool) async throws {
        switch (kind, writing) {
        case (.sqlite, true): try await execute("BEGIN IMMEDIATE")
        case (.sqlite, false): try await execute("BEGIN DEFERRED")
        case (.postgres, true): try await execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
        case (.postgres, false): try await execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        }
    }

    /// Opens a transaction for schema changes: SQLite takes its write lock at once; PostgreSQL
    /// runs read-committed and the caller takes an advisory lock.
    func beginExclusive() async throws {
        switch kind {
        case .sqlite: try await execute("BEGIN IMMEDIATE")
        case .postgres: try await execute("BEGIN")
        }
    }

    func commit() async throws {
        try await execute("COMMIT")
    }

    func rollback() async throws {
        try await execute("ROLLBACK")
    }
}
