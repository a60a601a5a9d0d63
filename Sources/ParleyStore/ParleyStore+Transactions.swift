import Logging
import ParleyModel

extension ParleyStore {
    /// Runs `body` in a read-only transaction on one of the reader connections.
    ///
    /// The body sees one consistent snapshot. Calling a changing operation in it fails with
    /// a `.storage` error. Errors the body throws are rethrown unchanged.
    public func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        let connection = try await readers.lease()
        let context = TransactionContext(kind: kind, location: location, writing: false)
        do {
            try await connection.begin(writing: false)
        } catch {
            await readers.release(connection, reusable: !connection.isClosed)
            throw context.map(error)
        }
        let value: T
        do {
            value = try await body(SQLStoreTransaction(db: connection.sql, context: context))
        } catch {
            await readers.release(connection, reusable: await rollback(connection))
            throw error
        }
        do {
            try await connection.commit()
        } catch {
            await readers.release(connection, reusable: await rollback(connection))
            throw context.map(error)
        }
        await readers.release(connection, reusable: true)
        return value
    }

    /// Runs `body` in one write transaction: committed if it returns, rolled back if it
    /// throws (the body's error is rethrown unchanged).
    ///
    /// Writers run one at a time, so a body can check and then insert safely. On PostgreSQL
    /// the transaction is `SERIALIZABLE`; when the database reports a serialization failure
    /// or deadlock the transaction is rolled back and `body` runs again (up to five times in
    /// all), so it must not have effects outside the transaction. Do not call `write` from
    /// inside a `write` body: the inner call would wait for the outer one forever.
    public func write<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        let connection = try await writers.lease()
        let attempts = options.maximumWriteAttempts
        for attempt in 1...attempts {
            let context = TransactionContext(kind: kind, location: location, writing: true)
            do {
                try await connection.begin(writing: true)
            } catch {
                await writers.release(connection, reusable: !connection.isClosed)
                throw context.map(error)
            }
            let result: Result<T, any Error>
            do {
                result = .success(try await body(SQLStoreTransaction(db: connection.sql, context: context)))
            } catch {
                result = .failure(error)
            }
            if case .success(let value) = result, !context.serializationFailed, !context.aborted {
                do {
                    try await connection.commit()
                    await writers.release(connection, reusable: true)
                    return value
                } catch {
                    let mapped = context.map(error)
                    let clean = await rollback(connection)
                    if !context.serializationFailed {
                        await writers.release(connection, reusable: clean)
                        throw mapped
                    }
                }
            } else {
                let clean = await rollback(connection)
                if !context.serializationFailed || !clean {
                    await writers.release(connection, reusable: clean)
                    if case .failure(let error) = result { throw error }
                    throw context.serializationFailed
                        ? StoreErrors.tooBusy(location: location, attempts: attempt)
                        : StoreErrors.transactionAborted(location: location)
                }
            }
            // A serialization failure: the transaction is rolled back; run the body again
            // after a short, growing, jittered pause.
            logger.debug("Retrying a write after a serialization failure", metadata: ["attempt": "\(attempt)"])
            if attempt < attempts {
                let pause = 10 * (1 << (attempt - 1)) + Int.random(in: 0...10)
                try? await Task.sleep(for: .milliseconds(pause))
            }
        }
        await writers.release(connection, reusable: true)
        throw StoreErrors.tooBusy(location: location, attempts: attempts)
    }

    /// Ends the open transaction; false when that failed and the connection's state is
    /// unknown.
    private func rollback(_ connection: StoreConnection) async -> Bool {
        do {
            try await connection.rollback()
            return true
        } catch {
            return false
        }
    }
}
