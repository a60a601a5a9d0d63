import ParleyModel

/// The ``ParleyError`` values the store throws, in one place so messages stay consistent.
///
/// None of them carries a secret: paths, hosts, logins and record IDs only.
enum StoreErrors {
    // MARK: Opening

    static func notAStore(path: String, reason: String) -> ParleyError {
        ParleyError(
            .storage,
            code: "store.not_a_store",
            message: "The file '\(path)' is not a Parley store (\(reason)); it was left untouched.",
            fix: "Point data_dir at an empty directory or at an existing Parley data directory."
        )
    }

    static func newerSchema(location: String, found: Int, known: Int) -> ParleyError {
        ParleyError(
            .storage,
            code: "store.newer_schema",
            message: "The store at '\(location)' was written by a newer Parley "
                + "(schema \(found), this build knows \(known)); it was left untouched.",
            fix: "Upgrade Parley or point data_dir elsewhere."
        )
    }

    static func cannotOpen(path: String, detail: String) -> ParleyError {
        ParleyError(
            .storage,
            code: "store.cannot_open",
            message: "Could not open the SQLite store '\(path)': \(detail).",
            fix: "Check that the directory exists and that this user may read and write it."
        )
    }

    static func locked(path: String) -> ParleyError {
        ParleyError(
            .storage,
            code: "store.locked",
            message: "The SQLite store '\(path)' is locked: another process holds it.",
            fix: "Stop the other Parley process that uses this data_dir, or point data_dir elsewhere."
        )
    }

    static func unreachable(host: String, port: Int, detail: String) -> ParleyError {
        ParleyError(
            .storage,
            code: "store.unreachable",
            message: "Could not connect to PostgreSQL at \(host):\(port): \(detail).",
            fix: "Check that PostgreSQL is running and accepts TCP connections on \(host):\(port), "
                + "and that host and port in the configuration are right."
        )
    }

    static func authenticationFailed(host: String, port: Int, username: String, detail: String) -> ParleyError {
        ParleyError(
            .storage,
            code: "store.authentication_failed",
            message: "PostgreSQL at \(host):\(port) refused user '\(username)': \(detail).",
            fix: "Check the username and password in the configuration and the server's pg_hba.conf."
        )
    }

    static func missingDatabase(host: String, port: Int, database: String) -> ParleyError {
        ParleyError(
            .storage,
            code: "store.missing_database",
            message: "PostgreSQL at \(host):\(port) has no database '\(database)'.",
            fix: "Create it (createdb \(database)) or correct the database name in the configuration."
        )
    }

    static func tlsUnavailable(host: String, port: Int, detail: String) -> ParleyError {
        ParleyError(
            .storage,
            code: "store.tls_failed",
            message: "Could not set up TLS with PostgreSQL at \(host):\(port): \(detail).",
            fix: "Enable TLS on the server, or set require_tls to false if the network is trusted."
        )
    }

    // MARK: Using

    static func closed(location: String) -> ParleyError {
        ParleyError(
            .storage,
            code: "store.closed",
            message: "The store at '\(location)' has been closed.",
            fix: "Open the store again; this is a bug if it happens while Parley is running."
        )
    }

    static func failed(kind: DatabaseKind, location: String, detail: String) -> ParleyError {
        ParleyError(
            .storage,
            code: "store.failed",
            message: "The \(kind.displayName) store at '\(location)' failed: \(detail).",
            fix: "Check the database server and disk, then retry; see the log for details."
        )
    }

    static func tooBusy(location: String, attempts: Int) -> ParleyError {
        ParleyError(
            .unavailable,
            code: "store.busy",
            message: "The change to the store at '\(location)' kept conflicting with other writers "
                + "and was given up after \(attempts) attempts.",
            fix: "Retry the request."
        )
    }

    static func transactionAborted(location: String) -> ParleyError {
        ParleyError(
            .storage,
            code: "store.transaction_aborted",
            message: "A statement failed inside a transaction on '\(location)', "
                + "so the whole change was rolled back.",
            fix: "Look for the earlier error in the log; do not ignore store errors inside write()."
        )
    }

    static func corruptRow(table: String, column: String, detail: String) -> ParleyError {
        ParleyError(
            .storage,
            code: "store.corrupt_row",
            message: "A stored row in '\(table)' has an unreadable '\(column)' (\(detail)).",
            fix: "The database was edited outside Parley or by a newer version; correct the row "
                + "or restore a backup."
        )
    }

    static func duplicateID(_ what: String, id: String) -> ParleyError {
        ParleyError(
            .conflict,
            code: "\(what.split(separator: " ").joined(separator: "_")).duplicate_id",
            message: "A \(what) with ID '\(id)' already exists.",
            field: "id"
        )
    }
}
