/// One Via header value (RFC 3261 §20.42, RFC 3581 `rport`).
public struct SIPVia: Sendable, Hashable, CustomStringConvertible {
    /// The RFC 3261 branch magic cookie.
    public static let magicCookie = "z9hG4bK"

    /// Transport, uppercased: UDP, TCP, TLS, SCTP, WS, ...
    public var transport: String
    /// sent-by host; an IPv6 address without brackets.
    public var host: String
    public var port: UInt16?
    public var parameters: SIPParameters

    public init(transport: String, host: String, port: UInt16? = nil, parameters: SIPParameters = []) {
        self.transport = transport.uppercased()
        self.host = host
        self.port = port
        self.parameters = parameters
    }

    /// A Via for a request we send, with a branch that the caller makes unique.
    public init(transport: String, host: String, port: UInt16?, branch: String) {
        self.init(transport: transport, host: host, port: port, parameters: [SIPParameters.Parameter("branch", branch)])
    }

    /// Parses one Via element (not a comma-separated list).
    public init(parsing text: String) throws(SIPParseError) {
        var scanner = SIPValueScanner(text)
        scanner.skipWhitespace()
        guard let name = scanner.readToken(), name.uppercased() == "SIP",
            scanner.consumeSeparator(UInt8(ascii: "/")),
            let version = scanner.readToken(), version == "2.0",
            scanner.consumeSeparator(UInt8(ascii: "/")),
            let transport = scanner.readToken()
        else { throw SIPParseError(.invalidHeaderValue, header: "Via") }
        let beforeSpace = scanner.index
        scanner.skipWhitespace()
        guard scanner.index > beforeSpace else { throw SIPParseError(.invalidHeaderValue, header: "Via") }

        var host: String
        if scanner.consume(UInt8(ascii: "[")) {
            let address = scanner.read(while: SIPCharacterClass.isIPv6Character)
            guard !address.isEmpty, scanner.consume(UInt8(ascii: "]")) else {
                throw SIPParseError(.invalidHeaderValue, header: "Via")
            }
            host = String(decoding: address, as: UTF8.self)
        } else {
            let name = scanner.read(while: SIPCharacterClass.isHostCharacter)
            guard !name.isEmpty else { throw SIPParseError(.invalidHeaderValue, header: "Via") }
            host = String(decoding: name, as: UTF8.self)
        }
        var port: UInt16?
        if scanner.consumeSeparator(UInt8(ascii: ":")) {
            let digits = scanner.read(while: SIPCharacterClass.isDigit)
            guard digits.count <= 5, let value = SIPValueScanner.number(digits, limit: 65535) else {
                throw SIPParseError(.invalidHeaderValue, header: "Via")
            }
            port = UInt16(value)
        }
        guard let parameters = SIPParameters.parseHeaderParameters(&scanner) else {
            throw SIPParseError(.invalidHeaderValue, header: "Via")
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw SIPParseError(.invalidHeaderValue, header: "Via") }
        self.init(transport: transport, host: host, port: port, parameters: parameters)
        if let rport = parameters.value("rport"), SIPValueScanner.number(Array(rport.utf8), limit: 65535) == nil {
            throw SIPParseError(.invalidHeaderValue, header: "Via")
        }
    }

    public var branch: String? { parameters.value("branch") }
    public var received: String? { parameters.value("received") }
    public var maddr: String? { parameters.value("maddr") }

    /// Whether the branch carries the RFC 3261 magic cookie and an identifier after it.
    public var hasRFC3261Branch: Bool {
        guard let branch, branch.hasPrefix(SIPVia.magicCookie) else { return false }
        return branch.utf8.count > SIPVia.magicCookie.utf8.count
    }

    /// RFC 3581: `rport` present without a value means the client asks for it.
    public var rportRequested: Bool { parameters.contains("rport") }

    /// The `rport` value, if one was filled in.
    public var rport: UInt16? {
        parameters.value("rport").flatMap { UInt16($0) }
    }

    /// `host[:port]` as written in the Via (IPv6 bracketed).
    public var sentBy: String {
        var text = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
        if let port { text += ":\(port)" }
        return text
    }

    public var description: String {
        "SIP/2.0/\(transport) \(sentBy)" + parameters.headerParameterText
    }
}
