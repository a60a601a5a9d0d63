import SQLKit

/// Migration 2: chat messages of web participants, kept with the meeting record.
///
/// Only adds a table, so a version 1 store moves forward with every row it had.
enum SchemaV2 {
    static let migration = Migration(version: 2, name: "chat messages") { db, kind in
        // Byte-wise ordering of the ID, the tie-breaker of the history's order.
        let id: [SQLColumnConstraintAlgorithm] =
            [.primaryKey(autoIncrement: false), .notNull] + (kind == .postgres ? [.collate(name: "C")] : [])
        try await db.create(table: "chat_messages")
            .column("id", type: .text, id)
            .column("meeting_record_id", type: .text, .notNull, .references("meetings", "id"))
            .column("participant", type: .text, .notNull)
            .column("display_name", type: .text, .notNull)
            .column("text", type: .text, .notNull)
            .column("sent_at", type: .bigint, .notNull)
            .run()
        // One meeting's history in order, newest first when limited, from the index alone.
        try await db.create(index: "chat_messages_meeting_sent_at_index")
            .on("chat_messages").column("meeting_record_id").column("sent_at").column("id")
            .run()
    }
}
