import ParleyModel
import SQLKit

/// ``StoreTransaction`` over one SQLKit connection inside an open transaction; the same
/// builder code serves SQLite and PostgreSQL.
///
/// Updates and deletes of a single record throw `.notFound` when no record has the ID.
/// Every statement of a PostgreSQL write runs inside a savepoint, so a statement that fails
/// (a uniqueness conflict the body chooses to handle) leaves the rest of the transaction
/// usable, as it does on SQLite.
struct SQLStoreTransaction: StoreTransaction {
    let db: any SQLDatabase
    let context: TransactionContext

    private static let savepoint = "parley_statement"

    // MARK: Running statements

    /// Runs statements that only read, mapping driver errors.
    func reading<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw context.map(error)
        }
    }

    /// Runs one changing statement, mapping its constraint violations to the caller's errors.
    func changing<T>(
        onConflict: (UniqueKey?) -> ParleyError,
        onForeignKey: () -> ParleyError = { StoreErrors.reference() },
        _ body: () async throws -> T
    ) async throws -> T {
        let guarded = context.kind == .postgres && context.writing
        if guarded {
            try await reading { try await db.raw("SAVEPOINT \(unsafeRaw: Self.savepoint)").run() }
        }
        do {
            let value = try await body()
            if guarded {
                try await reading { try await db.raw("RELEASE SAVEPOINT \(unsafeRaw: Self.savepoint)").run() }
            }
            return value
        } catch {
            var recovered = false
            if guarded {
                do {
                    try await db.raw("ROLLBACK TO SAVEPOINT \(unsafeRaw: Self.savepoint)").run()
                    recovered = true
                } catch {
                    recovered = false
                }
            }
            throw context.map(error, recovered: recovered, onConflict: onConflict, onForeignKey: onForeignKey)
        }
    }

    /// The first row of a query, decoded by `decode`.
    func first<T>(_ query: SQLSelectBuilder, table: String, _ decode: (RowReader) throws -> T) async throws -> T? {
        let row = try await reading { try await query.first() }
        guard let row else { return nil }
        return try decode(RowReader(row: row, table: table))
    }

    /// Every row of a query, decoded by `decode`.
    func all<T>(_ query: SQLSelectBuilder, table: String, _ decode: (RowReader) throws -> T) async throws -> [T] {
        let rows = try await reading { try await query.all() }
        return try rows.map { try decode(RowReader(row: $0, table: table)) }
    }

    /// `SELECT COUNT(...) AS n FROM table` with the caller's filters.
    func count(_ table: String, _ what: any SQLExpression = SQLLiteral.all, _ filter: (SQLSelectBuilder) -> SQLSelectBuilder = { $0 })
        async throws -> Int
    {
        let query = filter(db.select().column(SQLFunction("COUNT", args: what), as: "n").from(table))
        let row = try await reading { try await query.first() }
        guard let row else { return 0 }
        return try RowReader(row: row, table: table).int("n")
    }

    /// Runs an UPDATE or DELETE that names one record and says whether it found it.
    func affectsOne(_ query: some SQLReturningBuilder) async throws -> Bool {
        let rows = try await query.returning("id").all()
        return !rows.isEmpty
    }

    // MARK: Values

    func bind(_ value: String) -> any SQLExpression { SQLBind(value) }

    func bind(_ value: String?) -> any SQLExpression {
        value.map { SQLBind($0) } ?? SQLLiteral.null
    }

    func bind(_ value: Int) -> any SQLExpression { SQLBind(Int64(value)) }

    func bind(_ value: Timestamp) -> any SQLExpression { SQLBind(value.millisecondsSinceEpoch) }

    func bind(_ value: Timestamp?) -> any SQLExpression {
        value.map { SQLBind($0.millisecondsSinceEpoch) } ?? SQLLiteral.null
    }

    func bind(_ value: RecordID) -> any SQLExpression { SQLBind(value.rawValue) }

    /// A non-negative LIMIT.
    func clamp(_ limit: Int) -> Int { max(0, limit) }
}
