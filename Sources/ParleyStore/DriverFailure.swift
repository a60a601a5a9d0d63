import PostgresKit
import SQLiteKit

/// A unique constraint of the schema, with the names each engine reports it by.
enum UniqueKey: CaseIterable, Sendable {
    case userID, userLogin, userProfileNumber
    case groupID, groupName
    case meetingRecordID, meetingID
    case tokenID, tokenSecret
    case licenceGrantID, alarmID, attendanceID

    /// How SQLite names it in "UNIQUE constraint failed: table.column".
    var sqliteColumns: String {
        switch self {
        case .userID: return "users.id"
        case .userLogin: return "users.login"
        case .userProfileNumber: return "users.profile_number"
        case .groupID: return "groups.id"
        case .groupName: return "groups.name"
        case .meetingRecordID: return "meetings.id"
        case .meetingID: return "meetings.meeting_id"
        case .tokenID: return "api_tokens.id"
        case .tokenSecret: return "api_tokens.secret_hash"
        case .licenceGrantID: return "licence_grants.id"
        case .alarmID: return "alarms.id"
        case .attendanceID: return "attendance.id"
        }
    }

    /// The constraint or index name PostgreSQL reports (see ``SchemaV1``).
    var postgresConstraint: String {
        switch self {
        case .userID: return "users_pkey"
        case .userLogin: return SchemaV1.usersLoginIndex
        case .userProfileNumber: return SchemaV1.usersProfileNumberIndex
        case .groupID: return "groups_pkey"
        case .groupName: return SchemaV1.groupsNameIndex
        case .meetingRecordID: return "meetings_pkey"
        case .meetingID: return SchemaV1.meetingsActiveIDIndex
        case .tokenID: return "api_tokens_pkey"
        case .tokenSecret: return SchemaV1.tokensSecretIndex
        case .licenceGrantID: return "licence_grants_pkey"
        case .alarmID: return "alarms_pkey"
        case .attendanceID: return "attendance_pkey"
        }
    }
}

/// What went wrong in the driver, in the terms the store acts on.
enum DriverFailure: Sendable {
    /// A unique constraint; nil when the engine did not say which one.
    case unique(UniqueKey?)
    /// A foreign key: the referenced row is missing, or the row is still referenced.
    case foreignKey
    /// PostgreSQL could not serialize the transaction (40001) or found a deadlock (40P01):
    /// running it again may succeed.
    case serialization
    /// SQLite stayed locked by another connection past the busy timeout.
    case busy
    /// The file is not a SQLite database.
    case notADatabase
    /// The statement ran inside a PostgreSQL transaction that had already failed (25P02).
    case transactionAborted
    /// Anything else, with a secret-free description.
    case other(String)

    init(_ error: any Error) {
        if let error = error as? SQLiteError {
            self = Self.classify(sqlite: error)
        } else if let error = error as? PSQLError {
            self = Self.classify(postgres: error)
        } else {
            self = .other(String(describing: type(of: error)))
        }
    }

    private static func classify(sqlite error: SQLiteError) -> DriverFailure {
        switch error.reason {
        case .constraintUniqueFailed, .constraintPrimaryKeyFailed, .constraintUniqueRowIDFailed:
            return .unique(uniqueKey(sqliteMessage: error.message))
        case .constraintForeignKeyFailed:
            return .foreignKey
        case .constraint:
            if error.message.hasPrefix("UNIQUE") { return .unique(uniqueKey(sqliteMessage: error.message)) }
            if error.message.hasPrefix("FOREIGN KEY") { return .foreignKey }
            return .other(error.description)
        case .busy, .busyTimeout, .busyInRecovery, .busyInSnapshot, .locked, .lockedBySharedCache:
            return .busy
        case .notADatabase:
            return .notADatabase
        default:
            return .other(error.description)
        }
    }

    private static func uniqueKey(sqliteMessage message: String) -> UniqueKey? {
        // "UNIQUE constraint failed: users.login"
        guard let colon = message.lastIndex(of: ":") else { return nil }
        let columns = message[message.index(after: colon)...].drop(while: { $0 == " " })
        return UniqueKey.allCases.first { $0.sqliteColumns == columns }
    }

    private static func classify(postgres error: PSQLError) -> DriverFailure {
        guard let info = error.serverInfo, let state = info[.sqlState] else {
            return .other("\(error.code)")
        }
        switch state {
        case "23505":
            let name = info[.constraintName]
            return .unique(UniqueKey.allCases.first { $0.postgresConstraint == name })
        case "23503":
            return .foreignKey
        case "40001", "40P01":
            return .serialization
        case "25P02":
            return .transactionAborted
        default:
            return .other("\(info[.message] ?? "server error") (SQLSTATE \(state))")
        }
    }
}
