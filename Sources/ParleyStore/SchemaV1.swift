import SQLKit

/// Migration 1: the tables of Parley's first schema.
///
/// Timestamps are BIGINT milliseconds since the epoch (UTC); identifiers are text. Columns
/// that lists are ordered by use the "C" collation on PostgreSQL so both engines sort them
/// byte-wise, the same way.
enum SchemaV1 {
    static let usersLoginIndex = "users_login_unique"
    static let usersProfileNumberIndex = "users_profile_number_unique"
    static let groupsNameIndex = "groups_name_unique"
    static let meetingsActiveIDIndex = "meetings_meeting_id_active_unique"
    static let tokensSecretIndex = "api_tokens_secret_hash_unique"

    static let migration = Migration(version: 1, name: "initial schema") { db, kind in
        try await createUsersAndGroups(db, kind)
        try await createMeetings(db, kind)
        try await createTokensAndLicences(db)
        try await createAlarmsAndAttendance(db)
    }

    /// Byte-wise ordering for text that lists sort by.
    private static func ordered(_ kind: DatabaseKind) -> [SQLColumnConstraintAlgorithm] {
        kind == .postgres ? [.notNull, .collate(name: "C")] : [.notNull]
    }

    private static let primaryKey: [SQLColumnConstraintAlgorithm] = [.primaryKey(autoIncrement: false), .notNull]

    private static func createUsersAndGroups(_ db: any SQLDatabase, _ kind: DatabaseKind) async throws {
        try await db.create(table: "users")
            .column("id", type: .text, primaryKey)
            .column("login", type: .text, ordered(kind))
            .column("display_name", type: .text, .notNull)
            .column("email", type: .text)
            .column("profile_number", type: .text)
            .column("pin_hash", type: .text)
            .column("password_hash", type: .text)
            .column("role", type: .text, .notNull)
            .column("group_name", type: .text)
            .column("created_at", type: .bigint, .notNull)
            .run()
        try await db.create(index: usersLoginIndex).unique().on("users").column("login").run()
        let profile = db.create(index: usersProfileNumberIndex).unique().on("users").column("profile_number")
        profile.createIndex.predicate = SQLBinaryExpression(SQLColumn("profile_number"), .isNot, SQLLiteral.null)
        try await profile.run()
        try await db.create(index: "users_group_name_index").on("users").column("group_name").run()

        try await db.create(table: "groups")
            .column("id", type: .text, primaryKey)
            .column("name", type: .text, ordered(kind))
            .column("description", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()
        try await db.create(index: groupsNameIndex).unique().on("groups").column("name").run()
    }

    private static func createMeetings(_ db: any SQLDatabase, _ kind: DatabaseKind) async throws {
        try await db.create(table: "meetings")
            .column("id", type: .text, primaryKey)
            .column("meeting_id", type: .text, ordered(kind))
            .column("title", type: .text, .notNull)
            .column("host_id", type: .text, .notNull, .references("users", "id"))
            .column("schedule_kind", type: .text, .notNull)
            .column("start_at", type: .bigint)
            .column("end_at", type: .bigint)
            .column("password_hash", type: .text)
            .column("host_pin_hash", type: .text)
            .column("expected_participants", type: .bigint, .notNull)
            .column("preferred_site", type: .text)
            .column("state", type: .text, .notNull)
            .column("created_by", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("started_at", type: .bigint)
            .column("ended_at", type: .bigint)
            .run()
        try await db.create(index: "meetings_meeting_id_index").on("meetings").column("meeting_id").run()
        try await db.create(index: "meetings_host_id_index").on("meetings").column("host_id").run()
        try await db.create(index: "meetings_start_at_index").on("meetings").column("start_at").run()
        try await db.create(index: "meetings_created_at_index").on("meetings").column("created_at").run()
        // A meeting ID belongs to at most one live meeting; ended and cancelled ones free it.
        let active = db.create(index: meetingsActiveIDIndex).unique().on("meetings").column("meeting_id")
        active.createIndex.predicate = SQLBinaryExpression(
            SQLColumn("state"),
            .in,
            SQLGroupExpression([SQLLiteral.string("scheduled"), SQLLiteral.string("in_progress")])
        )
        try await active.run()
    }

    private static func createTokensAndLicences(_ db: any SQLDatabase) async throws {
        try await db.create(table: "api_tokens")
            .column("id", type: .text, primaryKey)
            .column("user_id", type: .text, .notNull, .references("users", "id", onDelete: .cascade))
            .column("secret_hash", type: .text, .notNull)
            .column("label", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()
        try await db.create(index: tokensSecretIndex).unique().on("api_tokens").column("secret_hash").run()
        try await db.create(index: "api_tokens_user_id_index").on("api_tokens").column("user_id").run()

        try await db.create(table: "licence_grants")
            .column("id", type: .text, primaryKey)
            .column("hosts", type: .bigint, .notNull)
            .column("note", type: .text, .notNull)
            .column("added_at", type: .bigint, .notNull)
            .run()
    }

    private static func createAlarmsAndAttendance(_ db: any SQLDatabase) async throws {
        try await db.create(table: "alarms")
            .column("id", type: .text, primaryKey)
            .column("code", type: .text, .notNull)
            .column("severity", type: .text, .notNull)
            .column("message", type: .text, .notNull)
            .column("raised_at", type: .bigint, .notNull)
            .column("cleared_at", type: .bigint)
            .run()
        try await db.create(index: "alarms_code_index").on("alarms").column("code").run()
        try await db.create(index: "alarms_raised_at_index").on("alarms").column("raised_at").run()

        try await db.create(table: "attendance")
            .column("id", type: .text, primaryKey)
            .column("meeting_record_id", type: .text, .notNull, .references("meetings", "id"))
            .column("participant_uri", type: .text, .notNull)
            .column("display_name", type: .text, .notNull)
            .column("joined_at", type: .bigint, .notNull)
            .column("left_at", type: .bigint)
            .column("codec", type: .text)
            .column("statistics", type: .text)
            .run()
        try await db.create(index: "attendance_meeting_record_id_index")
            .on("attendance").column("meeting_record_id").run()
    }
}
