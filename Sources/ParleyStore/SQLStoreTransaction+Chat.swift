import ParleyModel
import SQLKit

/// Chat messages of web participants.
extension SQLStoreTransaction {
    func insertChatMessage(_ message: ChatMessage) async throws {
        try await changing(
            onConflict: { _ in StoreErrors.duplicateID("chat message", id: message.id.rawValue) },
            onForeignKey: {
                StoreErrors.missingReference("meeting", id: message.meetingRecordID, field: "meetingRecordID")
            }
        ) {
            try await db.insert(into: "chat_messages")
                .columns("id", "meeting_record_id", "participant", "display_name", "text", "sent_at")
                .values(
                    bind(message.id), bind(message.meetingRecordID), bind(message.participant),
                    bind(message.displayName), bind(message.text), bind(message.sentAt)
                )
                .run()
        }
    }

    func chatMessages(meetingRecordID: RecordID, limit: Int) async throws -> [ChatMessage] {
        // Newest first to keep the newest `limit`, then turned back into reading order.
        let query = db.select().column("*").from("chat_messages")
            .where("meeting_record_id", .equal, bind(meetingRecordID))
            .orderBy("sent_at", .descending).orderBy("id", .descending)
            .limit(clamp(limit))
        return try await all(query, table: "chat_messages") { try $0.chatMessage() }.reversed()
    }
}
