import ParleyModel
import ParleyStore

/// Chat among a meeting's web participants, kept with the meeting record.
///
/// The web role records a message for a participant it has already admitted and replays the
/// recent history to one who joins; hosts and administrators read the whole history through
/// the API, with the same rule as attendance.
extension Director {
    /// The most UTF-8 bytes a message may take once cleaned: bounds what a few "characters"
    /// heavy with combining marks can store.
    static let chatMaximumBytes = 16 * ChatMessage.maximumLength

    /// Stores a chat message sent by `participant` in `meeting` at the director's current time.
    ///
    /// The text loses its control characters (newline and tab stay) and surrounding
    /// whitespace; it must then be 1 to ``ChatMessage/maximumLength`` characters, or the
    /// call throws ``ParleyError`` of kind `.invalid` (`chat.empty`, `chat.too_long`). A
    /// meeting record that does not exist throws `.notFound`.
    public func recordChat(meeting: RecordID, participant: String, displayName: String, text: String) async throws
        -> ChatMessage
    {
        let message = ChatMessage(
            id: .random(prefix: ChatMessage.idPrefix), meetingRecordID: meeting,
            participant: String(Self.withoutControlCharacters(participant, keepingLayout: false).prefix(64)),
            displayName: String(Validate.trim(Self.withoutControlCharacters(displayName, keepingLayout: false)).prefix(128)),
            text: try Self.chatText(text), sentAt: now()
        )
        try await store.write { tx in try await tx.insertChatMessage(message) }
        return message
    }

    /// The newest `limit` messages of the meeting, oldest first. For the web role, on behalf
    /// of a participant it has admitted: no principal.
    public func chatHistory(meeting: RecordID, limit: Int) async throws -> [ChatMessage] {
        try await store.read { tx in try await tx.chatMessages(meetingRecordID: meeting, limit: max(0, limit)) }
    }

    /// The whole chat of a meeting (by record ID or meeting ID), oldest first: its host or
    /// an administrator.
    public func chat(_ reference: String, by principal: Principal) async throws -> [ChatMessage] {
        try await store.read { tx in
            let meeting = try await self.find(reference, tx: tx)
            try principal.requireHostOrAdmin(of: meeting, "read this meeting's chat")
            return try await tx.chatMessages(meetingRecordID: meeting.id, limit: Int.max)
        }
    }

    /// The text as stored, or the reason it cannot be.
    static func chatText(_ text: String) throws(ParleyError) -> String {
        let cleaned = Validate.trim(withoutControlCharacters(text, keepingLayout: true))
        guard !cleaned.isEmpty else {
            throw ParleyError(
                .invalid, code: "chat.empty", message: "A chat message needs some text.", field: "text",
                fix: "Type a message before sending it."
            )
        }
        let characters = cleaned.count
        guard characters <= ChatMessage.maximumLength, cleaned.utf8.count <= chatMaximumBytes else {
            throw ParleyError(
                .invalid, code: "chat.too_long",
                message: "A chat message may be at most \(ChatMessage.maximumLength) characters; this one has \(characters).",
                field: "text", fix: "Shorten the message or send it in parts."
            )
        }
        return cleaned
    }

    /// `text` without C0 and C1 control characters and DEL; newline and tab stay when
    /// `keepingLayout`.
    static func withoutControlCharacters(_ text: String, keepingLayout: Bool) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let control = value < 0x20 || (0x7F...0x9F).contains(value)
            if !control || (keepingLayout && (scalar == "\n" || scalar == "\t")) {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
