import Logging
import NIOPosix
import ParleyModel
import Synchronization

/// Parley's records in SQLite or PostgreSQL: schema, migrations and transactions.
///
/// Open it once per process with ``open(_:logger:)``, share it among tasks, and close it on
/// shutdown. All access goes through ``read(_:)`` and ``write(_:)``, each one database
/// transaction.
///
/// Writers are serialized: inside the process by a single writer connection, across
/// processes by the database (SQLite `BEGIN IMMEDIATE`; PostgreSQL `SERIALIZABLE`, with the
/// body run again after a serialization failure). A body may therefore check and then insert
/// without racing another writer. Readers run concurrently on their own connections and see
/// a consistent snapshot.
public final class ParleyStore: Sendable {
    /// The schema version this build writes; a store at a higher version is refused.
    public static let currentSchemaVersion: Int = Migrator.latestVersion

    let kind: DatabaseKind
    let location: String
    let options: StoreOptions
    let logger: Logger
    let writers: ConnectionPool
    let readers: ConnectionPool
    /// The threads SQLite calls block on (nil for PostgreSQL), shut down by ``close()``.
    private let threadPool: NIOThreadPool?
    private let closed = Mutex(false)

    private init(
        kind: DatabaseKind,
        location: String,
        options: StoreOptions,
        logger: Logger,
        threadPool: NIOThreadPool?,
        makeConnection: @escaping @Sendable (_ reader: Bool) async throws -> StoreConnection
    ) {
        self.kind = kind
        self.location = location
        self.options = options
        self.logger = logger
        self.threadPool = threadPool
        let closedError = StoreErrors.closed(location: location)
        self.writers = ConnectionPool(maximum: 1, closedError: closedError) { try await makeConnection(false) }
        self.readers = ConnectionPool(maximum: options.readerConnections, closedError: closedError) {
            try await makeConnection(true)
        }
    }

    /// Connects, refuses a file or database that is not a Parley store or is newer than this
    /// build, applies pending migrations and returns the store ready for use.
    ///
    /// Throws ``ParleyError`` of kind `.storage` saying what is wrong and what to do.
    public static func open(_ configuration: StoreConfiguration, logger: Logger) async throws -> ParleyStore {
        try await open(configuration, logger: logger, options: StoreOptions())
    }

    /// ``open(_:logger:)`` with tuning knobs (shorter timeouts in tests).
    package static func open(
        _ configuration: StoreConfiguration,
        logger: Logger,
        options: StoreOptions
    ) async throws -> ParleyStore {
        let store: ParleyStore
        switch configuration {
        case .sqlite(let path):
            let threadPool = NIOThreadPool(numberOfThreads: options.readerConnections + 1)
            threadPool.start()
            do {
                try await SQLiteBackend.prepare(path: path, threadPool: threadPool, options: options, logger: logger)
            } catch {
                try? await threadPool.shutdownGracefully()
                throw error
            }
            store = ParleyStore(
                kind: .sqlite, location: path, options: options, logger: logger, threadPool: threadPool
            ) { reader in
                try await SQLiteBackend.openConnection(
                    path: path, threadPool: threadPool, options: options, reader: reader, logger: logger
                )
            }
        case .postgres(let host, let port, let username, let password, let database, let requireTLS):
            let backend = PostgresBackend(
                host: host, port: port, username: username, password: password, database: database,
                requireTLS: requireTLS
            )
            try await backend.prepare(logger: logger)
            store = ParleyStore(
                kind: .postgres, location: backend.location, options: options, logger: logger, threadPool: nil
            ) { _ in
                try await backend.openConnection(logger: logger)
            }
        }
        logger.info(
            "Store open",
            metadata: ["store": "\(configuration.location)", "schema_version": "\(currentSchemaVersion)"]
        )
        return store
    }

    /// Closes every connection once the transactions in flight have finished. Later calls
    /// to ``read(_:)`` or ``write(_:)`` throw; calling `close()` again does nothing.
    public func close() async throws {
        await writers.close()
        await readers.close()
        let first = closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        if first, let threadPool {
            try await threadPool.shutdownGracefully()
        }
    }

    /// Runs a cheap query that touches the store (its schema version) on a reader
    /// connection; throws when the database cannot answer. For readiness checks.
    public func ping() async throws {
        let connection = try await readers.lease()
        do {
            try await connection.execute("SELECT MAX(version) FROM parley_schema")
        } catch {
            await readers.release(connection, reusable: false)
            throw TransactionContext(kind: kind, location: location, writing: false).map(error)
        }
        await readers.release(connection, reusable: true)
    }

    /// Runs a statement in its own write transaction. For tests that need rows no API
    /// writes (a newer schema version, an unknown enum value).
    package func executeForTesting(_ statement: String) async throws {
        let connection = try await writers.lease()
        do {
            try await connection.begin(writing: true)
            try await connection.execute(statement)
            try await connection.commit()
        } catch {
            try? await connection.rollback()
            await writers.release(connection, reusable: false)
            throw TransactionContext(kind: kind, location: location, writing: true).map(error)
        }
        await writers.release(connection, reusable: true)
    }
}
