/// Where the store keeps its records.
///
/// SQLite suits a single director; PostgreSQL lets several directors share one database (their
/// writes are serialized by the database, see ``ParleyStore/write(_:)``).
public enum StoreConfiguration: Sendable, Hashable {
    /// A SQLite database file. Created, with its schema, when it does not exist.
    case sqlite(path: String)
    /// A PostgreSQL database. It must exist; the schema is created in it on first open.
    case postgres(host: String, port: Int, username: String, password: String?, database: String, requireTLS: Bool)

    /// Which driver the configuration selects.
    var kind: DatabaseKind {
        switch self {
        case .sqlite: return .sqlite
        case .postgres: return .postgres
        }
    }

    /// A short, secret-free description of the location for messages and logs:
    /// the file path, or `host:port/database`.
    var location: String {
        switch self {
        case .sqlite(let path):
            return path
        case .postgres(let host, let port, _, _, let database, _):
            return "\(host):\(port)/\(database)"
        }
    }
}

/// The two database engines the store speaks.
enum DatabaseKind: Sendable, Hashable {
    case sqlite
    case postgres

    /// Article-free engine name for messages.
    var displayName: String {
        switch self {
        case .sqlite: return "SQLite"
        case .postgres: return "PostgreSQL"
        }
    }
}

/// Tuning knobs that the configuration file does not expose; tests shorten the timeouts.
package struct StoreOptions: Sendable, Hashable {
    /// How long a SQLite statement waits for another process's lock before giving up.
    package var sqliteBusyTimeoutMilliseconds: Int
    /// How many connections serve ``ParleyStore/read(_:)`` at once (writes use one more).
    package var readerConnections: Int
    /// How many times a PostgreSQL write runs its body when it keeps hitting serialization failures.
    package var maximumWriteAttempts: Int

    package init(
        sqliteBusyTimeoutMilliseconds: Int = 5000,
        readerConnections: Int = 4,
        maximumWriteAttempts: Int = 5
    ) {
        self.sqliteBusyTimeoutMilliseconds = sqliteBusyTimeoutMilliseconds
        self.readerConnections = max(1, readerConnections)
        self.maximumWriteAttempts = max(1, maximumWriteAttempts)
    }
}
