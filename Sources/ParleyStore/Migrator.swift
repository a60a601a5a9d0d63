import Logging
import ParleyModel
import SQLKit

/// One step of the schema, applied once, in order, inside a transaction.
struct Migration: Sendable {
    let version: Int
    let name: String
    let apply: @Sendable (any SQLDatabase, DatabaseKind) async throws -> Void
}

/// Brings a database to ``ParleyStore/currentSchemaVersion``.
///
/// Applied versions are recorded in `parley_schema (version, applied_at)`. Each migration
/// runs in its own transaction holding the database's write lock (SQLite `BEGIN IMMEDIATE`,
/// a PostgreSQL advisory lock), and re-reads the version first, so two processes opening the
/// same database at once apply each migration exactly once.
enum Migrator {
    /// Every migration, in version order.
    static let all: [Migration] = [SchemaV1.migration, SchemaV2.migration]

    static var latestVersion: Int { all.last?.version ?? 0 }

    /// The advisory lock key that serializes PostgreSQL migrations ("PARL").
    private static let postgresLockKey = 0x5041_524C

    /// The highest applied version, or nil when the database has no `parley_schema` table.
    /// Only reads.
    static func appliedVersion(on connection: StoreConnection) async throws -> Int? {
        let db = connection.sql
        let tables: [any SQLRow]
        switch connection.kind {
        case .sqlite:
            tables = try await db.select().column("name").from("sqlite_master")
                .where("type", .equal, "table").where("name", .equal, "parley_schema").all()
        case .postgres:
            tables = try await db.select().column("table_name").from(SQLQualifiedTable("tables", space: "information_schema"))
                .where(SQLIdentifier("table_schema"), .equal, SQLFunction("current_schema"))
                .where("table_name", .equal, "parley_schema").all()
        }
        guard !tables.isEmpty else { return nil }
        let row = try await db.select().column(SQLFunction("MAX", args: SQLColumn("version")), as: "version")
            .from("parley_schema").first()
        guard let row else { return 0 }
        return Int(try RowReader(row: row, table: "parley_schema").optionalInt64("version") ?? 0)
    }

    /// Whether a SQLite database holds tables of something other than Parley. Only reads.
    static func hasForeignTables(on connection: StoreConnection) async throws -> Bool {
        let rows = try await connection.sql.select().column("name").from("sqlite_master")
            .where("type", .equal, "table").where("name", .notLike, "sqlite_%").all()
        return !rows.isEmpty
    }

    /// Applies every pending migration; throws the newer-schema error if another process has
    /// meanwhile moved the database past what this build knows.
    static func migrate(on connection: StoreConnection, location: String, logger: Logger) async throws {
        for migration in all {
            try await connection.beginExclusive()
            do {
                let applied = try await lockAndReadVersion(on: connection)
                if applied > latestVersion {
                    throw StoreErrors.newerSchema(location: location, found: applied, known: latestVersion)
                }
                if applied < migration.version {
                    logger.info(
                        "Applying store migration",
                        metadata: ["version": "\(migration.version)", "migration": "\(migration.name)"]
                    )
                    try await migration.apply(connection.sql, connection.kind)
                    try await connection.sql.insert(into: "parley_schema")
                        .columns("version", "applied_at")
                        .values(SQLBind(Int64(migration.version)), SQLBind(SystemClock.nowMilliseconds()))
                        .run()
                }
                try await connection.commit()
            } catch {
                try? await connection.rollback()
                throw error
            }
        }
    }

    /// Inside the migration transaction: takes the cross-process lock, makes sure the version
    /// table exists and returns the applied version.
    private static func lockAndReadVersion(on connection: StoreConnection) async throws -> Int {
        if connection.kind == .postgres {
            try await connection.sql.select()
                .column(SQLFunction("pg_advisory_xact_lock", args: SQLLiteral.numeric("\(postgresLockKey)")))
                .run()
        }
        try await connection.sql.create(table: "parley_schema")
            .ifNotExists()
            .column("version", type: .bigint, .primaryKey(autoIncrement: false), .notNull)
            .column("applied_at", type: .bigint, .notNull)
            .run()
        return try await appliedVersion(on: connection) ?? 0
    }
}
