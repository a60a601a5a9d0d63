/// A sip, sips or tel URI (RFC 3261 §19.1, RFC 3966).
///
/// Components are stored unescaped; `description` escapes them again, so a URI always
/// serialises to a form that parses back to an equal value. For a tel URI, `user` holds the
/// telephone number and `host` is empty.
public struct SIPURI: Sendable, Hashable, CustomStringConvertible {
    public enum Scheme: String, Sendable, Hashable {
        case sip
        case sips
        case tel
    }

    public var scheme: Scheme
    public var user: String?
    public var password: String?
    /// Host name or address; an IPv6 address is stored without its brackets.
    public var host: String
    public var port: UInt16?
    public var parameters: SIPParameters
    /// URI headers (`?name=value&...`), not allowed in a Request-URI.
    public var headers: SIPParameters

    public init(
        scheme: Scheme = .sip,
        user: String? = nil,
        password: String? = nil,
        host: String,
        port: UInt16? = nil,
        parameters: SIPParameters = [],
        headers: SIPParameters = []
    ) {
        self.scheme = scheme
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = headers
    }

    /// Parses a URI; throws `.invalidURI` or `.unsupportedURIScheme`.
    public init(parsing text: String) throws(SIPParseError) {
        self = try SIPURIParser.parse(Array(text.utf8))
    }

    /// Whether the host is an IPv6 address.
    public var isIPv6: Bool { host.utf8.contains(UInt8(ascii: ":")) }

    /// `host` or `[host]` for IPv6, with `:port` if present.
    public var hostPort: String {
        var text = isIPv6 ? "[\(host)]" : host
        if let port { text += ":\(port)" }
        return text
    }

    /// The `transport` URI parameter, lowercased.
    public var transport: String? { parameters.value("transport")?.lowercased() }

    /// Whether the URI carries `;lr` (a loose router, RFC 3261 §16.12).
    public var isLooseRouter: Bool { parameters.contains("lr") }

    public var description: String {
        var text = scheme.rawValue + ":"
        if scheme == .tel {
            text += SIPPercentEncoding.encode(user ?? "", allowed: SIPURI.isTelNumberCharacter)
        } else {
            if let user {
                text += SIPPercentEncoding.encode(user, allowed: SIPCharacterClass.isUserCharacter)
                if let password {
                    text += ":" + SIPPercentEncoding.encode(password, allowed: SIPCharacterClass.isPasswordCharacter)
                }
                text += "@"
            }
            text += hostPort
        }
        for parameter in parameters {
            text += ";" + SIPPercentEncoding.encode(parameter.name, allowed: SIPCharacterClass.isParameterCharacter)
            if let value = parameter.value {
                text += "=" + SIPPercentEncoding.encode(value, allowed: SIPCharacterClass.isParameterCharacter)
            }
        }
        var separator = "?"
        for header in headers {
            text += separator + SIPPercentEncoding.encode(header.name, allowed: SIPCharacterClass.isURIHeaderCharacter)
            text += "=" + SIPPercentEncoding.encode(header.value ?? "", allowed: SIPCharacterClass.isURIHeaderCharacter)
            separator = "&"
        }
        return text
    }

    /// The characters of a telephone-subscriber written unescaped.
    static func isTelNumberCharacter(_ byte: UInt8) -> Bool {
        SIPCharacterClass.isAlphanumeric(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")")
            || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "#")
    }
}
