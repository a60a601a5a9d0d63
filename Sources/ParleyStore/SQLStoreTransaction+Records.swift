import ParleyModel
import SQLKit

/// API tokens, licence grants, alarms and attendance.
extension SQLStoreTransaction {
    // MARK: API tokens

    func insertToken(_ token: APIToken) async throws {
        try await changing(
            onConflict: { StoreErrors.conflict($0, token: token) },
            onForeignKey: { StoreErrors.missingReference("user", id: token.userID, field: "userID") }
        ) {
            try await db.insert(into: "api_tokens")
                .columns("id", "user_id", "secret_hash", "label", "created_at")
                .values(
                    bind(token.id), bind(token.userID), bind(token.secretHash), bind(token.label),
                    bind(token.createdAt)
                )
                .run()
        }
    }

    func token(secretHash: String) async throws -> APIToken? {
        let query = db.select().column("*").from("api_tokens").where("secret_hash", .equal, bind(secretHash))
        return try await first(query, table: "api_tokens") { try $0.token() }
    }

    func deleteTokens(userID: RecordID) async throws {
        try await changing(onConflict: { _ in StoreErrors.unknownConflict() }) {
            try await db.delete(from: "api_tokens").where("user_id", .equal, bind(userID)).run()
        }
    }

    func deleteToken(secretHash: String) async throws {
        try await changing(onConflict: { _ in StoreErrors.unknownConflict() }) {
            try await db.delete(from: "api_tokens").where("secret_hash", .equal, bind(secretHash)).run()
        }
    }

    // MARK: Licences

    func insertLicenceGrant(_ grant: LicenceGrant) async throws {
        try await changing(onConflict: { _ in StoreErrors.duplicateID("licence grant", id: grant.id.rawValue) }) {
            try await db.insert(into: "licence_grants")
                .columns("id", "hosts", "note", "added_at")
                .values(bind(grant.id), bind(grant.hosts), bind(grant.note), bind(grant.addedAt))
                .run()
        }
    }

    func licenceGrants() async throws -> [LicenceGrant] {
        let query = db.select().column("*").from("licence_grants").orderBy("added_at").orderBy("id")
        return try await all(query, table: "licence_grants") { try $0.licenceGrant() }
    }

    // MARK: Alarms

    func insertAlarm(_ alarm: Alarm) async throws {
        try await changing(onConflict: { _ in StoreErrors.duplicateID("alarm", id: alarm.id.rawValue) }) {
            try await db.insert(into: "alarms")
                .columns("id", "code", "severity", "message", "raised_at", "cleared_at")
                .values(
                    bind(alarm.id), bind(alarm.code), bind(alarm.severity.rawValue), bind(alarm.message),
                    bind(alarm.raisedAt), bind(alarm.clearedAt)
                )
                .run()
        }
    }

    func clearAlarm(id: RecordID, at: Timestamp) async throws {
        let found = try await changing(onConflict: { _ in StoreErrors.unknownConflict() }) {
            try await affectsOne(db.update("alarms").set("cleared_at", to: bind(at)).where("id", .equal, bind(id)))
        }
        guard found else { throw ParleyError.notFound("alarm", id.rawValue) }
    }

    func activeAlarm(code: String) async throws -> Alarm? {
        let query = db.select().column("*").from("alarms")
            .where("code", .equal, bind(code))
            .where("cleared_at", .is, SQLLiteral.null)
            .orderBy("raised_at", .descending).orderBy("id", .descending)
            .limit(1)
        return try await first(query, table: "alarms") { try $0.alarm() }
    }

    func alarms(includeCleared: Bool, limit: Int) async throws -> [Alarm] {
        var query = db.select().column("*").from("alarms")
        if !includeCleared {
            query = query.where("cleared_at", .is, SQLLiteral.null)
        }
        query = query.orderBy("raised_at", .descending).orderBy("id", .descending).limit(clamp(limit))
        return try await all(query, table: "alarms") { try $0.alarm() }
    }

    // MARK: Attendance

    private static let attendanceColumns = [
        "id", "meeting_record_id", "participant_uri", "display_name", "joined_at", "left_at", "codec", "statistics",
    ]

    private func attendanceValues(_ record: AttendanceRecord) -> [any SQLExpression] {
        [
            bind(record.id), bind(record.meetingRecordID), bind(record.participantURI), bind(record.displayName),
            bind(record.joinedAt), bind(record.leftAt), bind(record.codec), bind(record.statistics),
        ]
    }

    func insertAttendance(_ record: AttendanceRecord) async throws {
        try await changing(
            onConflict: { _ in StoreErrors.duplicateID("attendance record", id: record.id.rawValue) },
            onForeignKey: {
                StoreErrors.missingReference("meeting", id: record.meetingRecordID, field: "meetingRecordID")
            }
        ) {
            try await db.insert(into: "attendance")
                .columns(Self.attendanceColumns).values(attendanceValues(record)).run()
        }
    }

    func updateAttendance(_ record: AttendanceRecord) async throws {
        let found = try await changing(
            onConflict: { _ in StoreErrors.unknownConflict() },
            onForeignKey: {
                StoreErrors.missingReference("meeting", id: record.meetingRecordID, field: "meetingRecordID")
            }
        ) {
            let update = db.update("attendance")
            for (column, value) in zip(Self.attendanceColumns, attendanceValues(record)).dropFirst() {
                _ = update.set(column, to: value)
            }
            return try await affectsOne(update.where("id", .equal, bind(record.id)))
        }
        guard found else {
            throw ParleyError(
                .notFound,
                code: "attendance.not_found",
                message: "No attendance record '\(record.id)' exists."
            )
        }
    }

    func attendance(meetingRecordID: RecordID) async throws -> [AttendanceRecord] {
        let query = db.select().column("*").from("attendance")
            .where("meeting_record_id", .equal, bind(meetingRecordID))
            .orderBy("joined_at").orderBy("id")
        return try await all(query, table: "attendance") { try $0.attendance() }
    }
}
