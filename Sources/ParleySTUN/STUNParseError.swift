/// A datagram that is not a well-formed STUN message.
///
/// A small value: a ``Code`` and the byte ``offset`` (from the start of the message) where the
/// problem was found; never any message content, so `description` is safe to log. The server
/// drops such datagrams (RFC 8489 §6.3: a message that fails the basic checks is discarded),
/// or answers 400 when the header was fine and an attribute value was not.
public struct STUNParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// Fewer bytes than the header or an attribute promises.
        case truncated
        /// One of the two top bits of the first byte is set: not STUN (RFC 7983).
        case notSTUN = "not_stun"
        /// The message length is not a multiple of 4.
        case badLength = "bad_length"
        /// A known attribute's value has the wrong size or content (an address family other
        /// than IPv4 or IPv6, an error class outside 3-6, an over-long USERNAME…).
        case badAttribute = "bad_attribute"
    }

    public var code: Code
    /// Byte offset from the start of the message.
    public var offset: Int
    /// The attribute type, for ``Code/badAttribute``.
    public var attributeType: UInt16?

    public init(_ code: Code, offset: Int, attributeType: UInt16? = nil) {
        self.code = code
        self.offset = offset
        self.attributeType = attributeType
    }

    /// Whether the header parsed, so the sender can be answered with a 400 error response.
    public var headerWasValid: Bool { code == .badAttribute }

    public var description: String {
        let attribute = attributeType.map { " (attribute 0x\(String($0, radix: 16)))" } ?? ""
        return "stun.\(code.rawValue) at byte \(offset)\(attribute)"
    }
}
