/// A chat message one web participant sent to the others in a meeting, kept with the
/// meeting's record (as its attendance is).
public struct ChatMessage: Hashable, Sendable {
    /// The prefix of chat message record IDs (`cht_…`).
    public static let idPrefix = "cht"
    /// The longest text a message may have, in characters, after trimming.
    public static let maximumLength = 1000

    public var id: RecordID
    /// The meeting's record (`mtg_…`), not its dial-in number.
    public var meetingRecordID: RecordID
    /// The sender's participant ID in the live meeting (`prt_…`).
    public var participant: String
    /// The sender's display name when the message was sent.
    public var displayName: String
    public var text: String
    public var sentAt: Timestamp

    public init(
        id: RecordID,
        meetingRecordID: RecordID,
        participant: String,
        displayName: String,
        text: String,
        sentAt: Timestamp
    ) {
        self.id = id
        self.meetingRecordID = meetingRecordID
        self.participant = participant
        self.displayName = displayName
        self.text = text
        self.sentAt = sentAt
    }
}
