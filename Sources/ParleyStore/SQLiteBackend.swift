import Logging
import NIOCore
import NIOPosix
import ParleyModel
import SQLiteKit

/// Opening SQLite connections and making a file ready to serve as the store.
enum SQLiteBackend {
    /// Checks that `path` is empty, missing or a Parley store this build can use, without
    /// writing to it until that is known; then switches it to WAL and applies migrations.
    static func prepare(
        path: String,
        threadPool: NIOThreadPool,
        options: StoreOptions,
        logger: Logger
    ) async throws {
        let probe = FileProbe.inspect(path: path)
        switch probe {
        case .foreign:
            throw StoreErrors.notAStore(path: path, reason: "it does not start with the SQLite file header")
        case .unusable(let reason):
            throw StoreErrors.cannotOpen(path: path, detail: reason)
        case .missing, .empty, .sqlite:
            break
        }
        let connection = try await connect(path: path, threadPool: threadPool, options: options, logger: logger)
        do {
            if probe == .sqlite {
                try await checkExisting(connection, path: path)
            }
            try await run("PRAGMA journal_mode = WAL", on: connection, path: path)
            try await setUp(connection, path: path, reader: false)
            do {
                try await Migrator.migrate(on: connection, location: path, logger: logger)
            } catch {
                throw map(error, path: path)
            }
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    /// A connection configured for the store: writers and readers differ only in that
    /// readers refuse writes (`query_only`).
    static func openConnection(
        path: String,
        threadPool: NIOThreadPool,
        options: StoreOptions,
        reader: Bool,
        logger: Logger
    ) async throws -> StoreConnection {
        let connection = try await connect(path: path, threadPool: threadPool, options: options, logger: logger)
        do {
            try await setUp(connection, path: path, reader: reader)
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    /// Opens the file and sets the busy timeout, which replaces the driver's retry-forever
    /// busy handler. Neither writes to the file.
    private static func connect(
        path: String,
        threadPool: NIOThreadPool,
        options: StoreOptions,
        logger: Logger
    ) async throws -> StoreConnection {
        let raw: SQLiteConnection
        do {
            raw = try await SQLiteConnection.open(
                storage: .file(path: path),
                threadPool: threadPool,
                logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any()
            )
        } catch {
            throw map(error, path: path)
        }
        let connection = StoreConnection(sqlite: raw)
        do {
            try await run("PRAGMA busy_timeout = \(options.sqliteBusyTimeoutMilliseconds)", on: connection, path: path)
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    /// Per-connection settings (none of them writes to the file).
    private static func setUp(_ connection: StoreConnection, path: String, reader: Bool) async throws {
        try await run("PRAGMA foreign_keys = ON", on: connection, path: path)
        try await run("PRAGMA synchronous = FULL", on: connection, path: path)
        if reader {
            try await run("PRAGMA query_only = ON", on: connection, path: path)
        }
    }

    /// Read-only checks on a file that already holds a SQLite database.
    private static func checkExisting(_ connection: StoreConnection, path: String) async throws {
        let applied: Int?
        do {
            applied = try await Migrator.appliedVersion(on: connection)
            if applied == nil, try await Migrator.hasForeignTables(on: connection) {
                throw StoreErrors.notAStore(path: path, reason: "it is a SQLite database of another program")
            }
        } catch {
            throw map(error, path: path)
        }
        if let applied, applied > Migrator.latestVersion {
            throw StoreErrors.newerSchema(location: path, found: applied, known: Migrator.latestVersion)
        }
    }

    private static func run(_ statement: String, on connection: StoreConnection, path: String) async throws {
        do {
            try await connection.execute(statement)
        } catch {
            throw map(error, path: path)
        }
    }

    /// Errors while opening: the file's nature and locks get their own messages.
    static func map(_ error: any Error, path: String) -> any Error {
        if error is ParleyError { return error }
        guard let sqliteError = error as? SQLiteError else {
            return StoreErrors.failed(kind: .sqlite, location: path, detail: "\(error)")
        }
        switch sqliteError.reason {
        case .cantOpen, .cantOpenDirectory, .cantOpenInvalidPath, .cantOpenUnfollowedSymlink, .permission,
            .readOnly, .readonlyDirectory, .auth:
            return StoreErrors.cannotOpen(path: path, detail: sqliteError.message)
        default:
            break
        }
        switch DriverFailure(error) {
        case .notADatabase:
            return StoreErrors.notAStore(path: path, reason: "its contents are not a SQLite database")
        case .busy:
            return StoreErrors.locked(path: path)
        default:
            return StoreErrors.failed(kind: .sqlite, location: path, detail: sqliteError.description)
        }
    }
}
