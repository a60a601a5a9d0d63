/// A SIP method name. Methods are case-sensitive tokens (RFC 3261 §7.1); any token is a
/// valid method, so unknown methods parse and are answered 501 by policy.
public struct SIPMethod: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    public var description: String { rawValue }

    public static let invite: SIPMethod = "INVITE"
    public static let ack: SIPMethod = "ACK"
    public static let bye: SIPMethod = "BYE"
    public static let cancel: SIPMethod = "CANCEL"
    public static let options: SIPMethod = "OPTIONS"
    public static let info: SIPMethod = "INFO"
    public static let update: SIPMethod = "UPDATE"
    public static let register: SIPMethod = "REGISTER"
    public static let subscribe: SIPMethod = "SUBSCRIBE"
    public static let notify: SIPMethod = "NOTIFY"
    public static let publish: SIPMethod = "PUBLISH"
    public static let message: SIPMethod = "MESSAGE"
    public static let refer: SIPMethod = "REFER"
    public static let prack: SIPMethod = "PRACK"

    /// Whether the name is a `token`, as the request line requires.
    var isValidToken: Bool {
        !rawValue.isEmpty && rawValue.utf8.allSatisfy(SIPCharacterClass.isToken)
    }
}
