import ParleyModel
import SQLKit
import Synchronization

/// What one run of a transaction body has seen go wrong, shared by the transaction value the
/// body holds and the runner that commits or retries.
final class TransactionContext: Sendable {
    let kind: DatabaseKind
    let location: String
    let writing: Bool
    private let flags = Mutex(Flags())

    private struct Flags {
        var serializationFailed = false
        var aborted = false
    }

    init(kind: DatabaseKind, location: String, writing: Bool) {
        self.kind = kind
        self.location = location
        self.writing = writing
    }

    /// PostgreSQL reported 40001/40P01: the attempt is doomed and should run again.
    var serializationFailed: Bool { flags.withLock { $0.serializationFailed } }

    /// A PostgreSQL statement failed outside a savepoint: COMMIT would silently roll back.
    var aborted: Bool { flags.withLock { $0.aborted } }

    /// Turns a driver error into the ``ParleyError`` the caller sees, remembering what it
    /// means for the transaction as a whole.
    ///
    /// - Parameters:
    ///   - recovered: Whether the statement ran in a savepoint that has been rolled back, so
    ///     the transaction can go on.
    ///   - onConflict: The error for a unique violation of the given key.
    ///   - onForeignKey: The error for a foreign key violation.
    func map(
        _ error: any Error,
        recovered: Bool,
        onConflict: (UniqueKey?) -> ParleyError,
        onForeignKey: () -> ParleyError
    ) -> any Error {
        if error is ParleyError { return error }
        let failure = DriverFailure(error)
        if case .serialization = failure {
            flags.withLock { $0.serializationFailed = true }
        } else if kind == .postgres, !recovered {
            flags.withLock { $0.aborted = true }
        }
        switch failure {
        case .unique(let key):
            return onConflict(key)
        case .foreignKey:
            return onForeignKey()
        case .serialization:
            return StoreErrors.tooBusy(location: location, attempts: 1)
        case .busy:
            return StoreErrors.locked(path: location)
        case .notADatabase:
            return StoreErrors.notAStore(path: location, reason: "its contents are not a SQLite database")
        case .transactionAborted:
            return StoreErrors.transactionAborted(location: location)
        case .other(let detail):
            return StoreErrors.failed(kind: kind, location: location, detail: detail)
        }
    }

    /// The error for a driver failure that no caller-specific mapping applies to.
    func map(_ error: any Error) -> any Error {
        map(
            error,
            recovered: false,
            onConflict: { _ in StoreErrors.unknownConflict() },
            onForeignKey: { StoreErrors.reference() }
        )
    }
}
