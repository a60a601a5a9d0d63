import NIOCore

/// The attribute types Parley reads or writes (RFC 8489 §18.3). Types below 0x8000 are
/// comprehension-required: a server that does not know one answers 420 with
/// UNKNOWN-ATTRIBUTES.
public enum STUNAttributeType {
    public static let mappedAddress: UInt16 = 0x0001
    /// CHANGE-REQUEST (RFC 5780, from RFC 3489): asks the server to answer from another IP
    /// address or port. Classic clients send it in every request, with no flag set.
    public static let changeRequest: UInt16 = 0x0003
    public static let username: UInt16 = 0x0006
    public static let messageIntegrity: UInt16 = 0x0008
    public static let errorCode: UInt16 = 0x0009
    public static let unknownAttributes: UInt16 = 0x000A
    public static let realm: UInt16 = 0x0014
    public static let nonce: UInt16 = 0x0015
    public static let messageIntegritySHA256: UInt16 = 0x001C
    public static let userhash: UInt16 = 0x001E
    public static let xorMappedAddress: UInt16 = 0x0020
    public static let software: UInt16 = 0x8022
    public static let fingerprint: UInt16 = 0x8028

    /// Whether an agent that does not understand the type must reject the message.
    public static func isComprehensionRequired(_ type: UInt16) -> Bool {
        type < 0x8000
    }
}

/// An ERROR-CODE value (RFC 8489 §14.8): a code of 300-699 and a reason phrase.
public struct STUNErrorCode: Hashable, Sendable, CustomStringConvertible {
    public var code: Int
    public var reason: String

    public init(_ code: Int, reason: String? = nil) {
        self.code = code
        self.reason = reason ?? Self.defaultReason(code)
    }

    public static let tryAlternate = STUNErrorCode(300)
    public static let badRequest = STUNErrorCode(400)
    public static let unauthenticated = STUNErrorCode(401)
    public static let unknownAttribute = STUNErrorCode(420)
    public static let staleNonce = STUNErrorCode(438)
    public static let serverError = STUNErrorCode(500)

    /// The reason phrases RFC 8489 suggests.
    public static func defaultReason(_ code: Int) -> String {
        switch code {
        case 300: return "Try Alternate"
        case 400: return "Bad Request"
        case 401: return "Unauthenticated"
        case 420: return "Unknown Attribute"
        case 438: return "Stale Nonce"
        case 500: return "Server Error"
        default: return ""
        }
    }

    public var description: String { reason.isEmpty ? "\(code)" : "\(code) \(reason)" }
}

/// One attribute of a STUN message.
///
/// The ones Parley understands are decoded; any other is kept as ``other(type:value:)`` with
/// its value as a slice of the received buffer (padding excluded), and written back verbatim.
public enum STUNAttribute: Hashable, Sendable {
    case mappedAddress(STUNAddress)
    /// The address XORed with the magic cookie and transaction ID on the wire; decoded here.
    case xorMappedAddress(STUNAddress)
    case username(String)
    case software(String)
    case errorCode(STUNErrorCode)
    case unknownAttributes([UInt16])
    /// The 20-byte HMAC-SHA1 as received; the writer computes its own when asked to sign.
    case messageIntegrity([UInt8])
    /// The 16-32 byte (truncated) HMAC-SHA256 as received.
    case messageIntegritySHA256([UInt8])
    case fingerprint(UInt32)
    case other(type: UInt16, value: ByteBuffer)

    /// The attribute's type code.
    public var type: UInt16 {
        switch self {
        case .mappedAddress: return STUNAttributeType.mappedAddress
        case .xorMappedAddress: return STUNAttributeType.xorMappedAddress
        case .username: return STUNAttributeType.username
        case .software: return STUNAttributeType.software
        case .errorCode: return STUNAttributeType.errorCode
        case .unknownAttributes: return STUNAttributeType.unknownAttributes
        case .messageIntegrity: return STUNAttributeType.messageIntegrity
        case .messageIntegritySHA256: return STUNAttributeType.messageIntegritySHA256
        case .fingerprint: return STUNAttributeType.fingerprint
        case .other(let type, _): return type
        }
    }

    /// Limits from RFC 8489 §14: USERNAME under 513 bytes, SOFTWARE and reason phrases under
    /// 128 characters (up to 763 bytes).
    static let maximumUsernameBytes = 512
    static let maximumTextBytes = 763
}
