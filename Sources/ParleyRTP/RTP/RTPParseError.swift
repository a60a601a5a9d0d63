/// A malformed RTP, RTCP or RFC 4733 telephone-event message.
///
/// Parse errors are small values: a ``Code`` saying what was wrong, the ``Kind`` of message
/// and the byte ``offset`` (from the start of the message) where the problem was found.
/// They never carry packet contents, so `description` is always safe to log. The media
/// server counts and drops such packets; nothing derived from the network ends in a crash.
public struct RTPParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong.
    public enum Code: String, Hashable, Sendable {
        /// The message ends before a field that must be there.
        case truncated
        /// The version field is not 2.
        case badVersion = "bad_version"
        /// The padding count is zero or longer than the packet.
        case badPadding = "bad_padding"
        /// The CSRC count promises more identifiers than the packet holds.
        case csrcOverflow = "csrc_overflow"
        /// The header extension length runs past the end of the packet.
        case badExtension = "bad_extension"
        /// An RTCP length field disagrees with the bytes present or with the item counts.
        case badLength = "bad_length"
        /// The first byte does not belong to the protocol (for example an RTCP packet type
        /// outside 192-223 inside a compound packet).
        case badPacketType = "bad_packet_type"
        /// An SDES item or BYE reason is malformed.
        case badItem = "bad_item"
    }

    /// Which message grammar failed.
    public enum Kind: String, Hashable, Sendable {
        case rtp
        case rtcp
        case telephoneEvent = "telephone_event"
    }

    public var code: Code
    public var kind: Kind
    /// Byte offset from the start of the message where the problem was found.
    public var offset: Int

    public init(_ code: Code, kind: Kind, offset: Int) {
        self.code = code
        self.kind = kind
        self.offset = offset
    }

    /// A stable machine-readable code such as `rtp.bad_version`, for metrics labels.
    public var identifier: String { "\(kind.rawValue).\(code.rawValue)" }

    public var description: String { "\(identifier) at byte \(offset)" }
}
