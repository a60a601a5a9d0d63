/// Which side refreshes a session (RFC 4028 §4).
public enum SIPSessionRefresher: String, Sendable, Hashable {
    case uac
    case uas
}

/// The Session-Expires header (RFC 4028 §4): an interval in seconds and an optional refresher.
public struct SIPSessionExpires: Sendable, Hashable, CustomStringConvertible {
    public var seconds: UInt32
    public var refresher: SIPSessionRefresher?
    public var parameters: SIPParameters

    public init(seconds: UInt32, refresher: SIPSessionRefresher? = nil) {
        self.seconds = seconds
        self.refresher = refresher
        self.parameters = []
        if let refresher { parameters.set("refresher", refresher.rawValue) }
    }

    /// Parses `delta-seconds *(SEMI se-params)`.
    public init(parsing text: String) throws(SIPParseError) {
        var scanner = SIPValueScanner(text)
        scanner.skipWhitespace()
        guard let seconds = scanner.readNumber(limit: UInt64(UInt32.max)),
            let parameters = SIPParameters.parseHeaderParameters(&scanner)
        else { throw SIPParseError(.invalidHeaderValue, header: "Session-Expires") }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw SIPParseError(.invalidHeaderValue, header: "Session-Expires") }
        self.seconds = UInt32(seconds)
        self.parameters = parameters
        if let value = parameters.value("refresher") {
            guard let refresher = SIPSessionRefresher(rawValue: value.lowercased()) else {
                throw SIPParseError(.invalidHeaderValue, header: "Session-Expires")
            }
            self.refresher = refresher
        } else {
            self.refresher = nil
        }
    }

    public var description: String { "\(seconds)" + parameters.headerParameterText }
}
