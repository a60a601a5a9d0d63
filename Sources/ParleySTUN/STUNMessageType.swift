/// A STUN method (RFC 8489 §5): 12 bits. Binding is the only one Parley uses; TURN's methods
/// (RFC 8656) parse as any other value.
public struct STUNMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    /// Values above 0xFFF do not fit the 12 method bits: nil.
    public init?(rawValue: UInt16) {
        guard rawValue <= 0xFFF else { return nil }
        self.rawValue = rawValue
    }

    private init(uncheckedValue: UInt16) {
        self.rawValue = uncheckedValue
    }

    /// Binding (0x001): learn the reflexive transport address; also a keep-alive.
    public static let binding = STUNMethod(uncheckedValue: 0x001)

    public var description: String {
        self == .binding ? "Binding" : "method 0x\(String(rawValue, radix: 16))"
    }
}

/// The class of a STUN message (RFC 8489 §5).
public enum STUNClass: UInt8, Hashable, Sendable, CaseIterable {
    case request = 0b00
    case indication = 0b01
    case successResponse = 0b10
    case errorResponse = 0b11
}

/// Method and class, interleaved into the 14-bit message type field:
///
/// ```
///  0                 1
///  2  3  4 5 6 7 8 9 0 1 2 3 4 5
/// +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
/// |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
/// |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
/// +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct STUNMessageType: Hashable, Sendable, CustomStringConvertible {
    public var method: STUNMethod
    public var messageClass: STUNClass

    public init(method: STUNMethod, class messageClass: STUNClass) {
        self.method = method
        self.messageClass = messageClass
    }

    /// Decodes the 16-bit field; nil when either of the two top bits is set (not STUN).
    public init?(rawValue: UInt16) {
        guard rawValue & 0xC000 == 0 else { return nil }
        let method = (rawValue & 0x000F) | ((rawValue & 0x00E0) >> 1) | ((rawValue & 0x3E00) >> 2)
        let classBits = ((rawValue & 0x0010) >> 4) | ((rawValue & 0x0100) >> 7)
        // Both always fit: 12 method bits, 2 class bits.
        guard let stunMethod = STUNMethod(rawValue: method), let stunClass = STUNClass(rawValue: UInt8(classBits)) else {
            return nil
        }
        self.method = stunMethod
        self.messageClass = stunClass
    }

    public var rawValue: UInt16 {
        let m = method.rawValue
        let c = UInt16(messageClass.rawValue)
        return (m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | ((c & 0x1) << 4) | ((c & 0x2) << 7)
    }

    public static let bindingRequest = STUNMessageType(method: .binding, class: .request)
    public static let bindingIndication = STUNMessageType(method: .binding, class: .indication)
    public static let bindingSuccess = STUNMessageType(method: .binding, class: .successResponse)
    public static let bindingError = STUNMessageType(method: .binding, class: .errorResponse)

    public var description: String {
        switch messageClass {
        case .request: return "\(method) request"
        case .indication: return "\(method) indication"
        case .successResponse: return "\(method) success response"
        case .errorResponse: return "\(method) error response"
        }
    }
}
