import NIOCore

/// A STUN message (RFC 8489 §5): a 20-byte header and a list of attributes.
///
/// ```
///  0                   1                   2                   3
/// |0 0|     STUN Message Type     |         Message Length        |
/// |                         Magic Cookie                          |
/// |                     Transaction ID (96 bits)                  |
/// ```
///
/// - Parsing: ``init(parsing:)`` (STUNMessage+Parsing.swift) reads one message and checks
///   its structure; MESSAGE-INTEGRITY and FINGERPRINT are checked against the raw bytes by
///   ``STUNMessageCheck`` (STUNMessageCheck.swift).
/// - Writing: ``write(to:signing:fingerprint:)`` (STUNMessage+Writing.swift) appends
///   MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT computed over what precedes them.
///
/// RFC 3489 clients put 32 random bits where the magic cookie is; such a message parses
/// with ``magicCookie`` holding them (``isRFC3489`` is true) and a server answers it in kind.
public struct STUNMessage: Hashable, Sendable {
    /// 0x2112A442, in every RFC 5389/8489 message.
    public static let magicCookie: UInt32 = 0x2112_A442
    /// The header: type, length, cookie, transaction ID.
    public static let headerLength = 20

    public var type: STUNMessageType
    public var transactionID: STUNTransactionID
    /// ``STUNMessage/magicCookie`` except in messages from RFC 3489 agents.
    public var magicCookie: UInt32
    /// In wire order. Attributes after MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256
    /// and FINGERPRINT, and after FINGERPRINT, are dropped when parsing, as RFC 8489 §14 asks.
    public var attributes: [STUNAttribute]

    public init(
        type: STUNMessageType,
        transactionID: STUNTransactionID,
        magicCookie: UInt32 = STUNMessage.magicCookie,
        attributes: [STUNAttribute] = []
    ) {
        self.type = type
        self.transactionID = transactionID
        self.magicCookie = magicCookie
        self.attributes = attributes
    }

    /// Whether the sender is an RFC 3489 agent (no magic cookie).
    public var isRFC3489: Bool { magicCookie != Self.magicCookie }

    // MARK: First occurrences (RFC 8489 §14: only the first of a type need be processed)

    public var xorMappedAddress: STUNAddress? {
        for case .xorMappedAddress(let address) in attributes { return address }
        return nil
    }

    public var mappedAddress: STUNAddress? {
        for case .mappedAddress(let address) in attributes { return address }
        return nil
    }

    /// XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS (from RFC 3489 servers).
    public var reflexiveAddress: STUNAddress? { xorMappedAddress ?? mappedAddress }

    public var username: String? {
        for case .username(let name) in attributes { return name }
        return nil
    }

    public var software: String? {
        for case .software(let name) in attributes { return name }
        return nil
    }

    public var errorCode: STUNErrorCode? {
        for case .errorCode(let error) in attributes { return error }
        return nil
    }

    public var unknownAttributes: [UInt16]? {
        for case .unknownAttributes(let types) in attributes { return types }
        return nil
    }

    public var hasMessageIntegrity: Bool {
        attributes.contains { if case .messageIntegrity = $0 { true } else { false } }
    }

    public var hasMessageIntegritySHA256: Bool {
        attributes.contains { if case .messageIntegritySHA256 = $0 { true } else { false } }
    }

    /// Comprehension-required attribute types this implementation does not understand
    /// (for a 420 answer), in order of appearance, without duplicates.
    public var unknownComprehensionRequiredTypes: [UInt16] {
        var out: [UInt16] = []
        for case .other(let type, _) in attributes
        where STUNAttributeType.isComprehensionRequired(type) && !out.contains(type) {
            out.append(type)
        }
        return out
    }
}

// MARK: Demultiplexing (RFC 7983)

extension STUNMessage {
    /// Whether a datagram sharing a port with RTP is STUN, by its first byte (RFC 7983 §7:
    /// 0-3 STUN, 16-19 ZRTP, 20-63 DTLS, 64-79 TURN channel, 128-191 RTP/RTCP).
    public static func isSTUN(firstByte: UInt8) -> Bool {
        firstByte <= 3
    }

    /// Whether the first byte belongs to RTP or RTCP (128-191, version 2).
    public static func isRTPOrRTCP(firstByte: UInt8) -> Bool {
        (128...191).contains(firstByte)
    }
}
