/// A header field name: compared case-insensitively, compact forms expanded
/// (RFC 3261 §7.3.3, §20), unknown names kept as spelled.
public struct SIPHeaderName: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The spelling used when writing: the full canonical name for known headers,
    /// the received spelling for unknown ones.
    public let canonical: String
    private let key: String

    public init(_ name: String) {
        let lowered = String(decoding: name.utf8.map(SIPCharacterClass.lowercased), as: UTF8.self)
        let expanded = SIPHeaderName.compactForms[lowered] ?? lowered
        self.key = expanded
        self.canonical = SIPHeaderName.canonicalSpellings[expanded] ?? name
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public var description: String { canonical }

    public static func == (lhs: SIPHeaderName, rhs: SIPHeaderName) -> Bool {
        lhs.key == rhs.key
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
    }

    /// Whether the header's grammar is a comma-separated list (`#element`), so that several
    /// values may share one line and `SIPHeaders.values(for:)` splits them.
    public var isList: Bool { SIPHeaderName.listHeaders.contains(key) }

    public static let via: SIPHeaderName = "Via"
    public static let from: SIPHeaderName = "From"
    public static let to: SIPHeaderName = "To"
    public static let callID: SIPHeaderName = "Call-ID"
    public static let cseq: SIPHeaderName = "CSeq"
    public static let maxForwards: SIPHeaderName = "Max-Forwards"
    public static let contact: SIPHeaderName = "Contact"
    public static let contentLength: SIPHeaderName = "Content-Length"
    public static let contentType: SIPHeaderName = "Content-Type"
    public static let contentEncoding: SIPHeaderName = "Content-Encoding"
    public static let allow: SIPHeaderName = "Allow"
    public static let supported: SIPHeaderName = "Supported"
    public static let require: SIPHeaderName = "Require"
    public static let unsupported: SIPHeaderName = "Unsupported"
    public static let accept: SIPHeaderName = "Accept"
    public static let route: SIPHeaderName = "Route"
    public static let recordRoute: SIPHeaderName = "Record-Route"
    public static let subject: SIPHeaderName = "Subject"
    public static let sessionExpires: SIPHeaderName = "Session-Expires"
    public static let minSE: SIPHeaderName = "Min-SE"
    public static let retryAfter: SIPHeaderName = "Retry-After"
    public static let timestamp: SIPHeaderName = "Timestamp"
    public static let userAgent: SIPHeaderName = "User-Agent"
    public static let server: SIPHeaderName = "Server"
    public static let reason: SIPHeaderName = "Reason"

    private static let compactForms: [String: String] = [
        "i": "call-id", "m": "contact", "f": "from", "t": "to", "v": "via",
        "l": "content-length", "c": "content-type", "k": "supported", "s": "subject",
        "e": "content-encoding", "x": "session-expires", "o": "event", "r": "refer-to",
        "b": "referred-by", "u": "allow-events", "a": "accept-contact", "j": "reject-contact",
        "d": "request-disposition", "y": "identity", "n": "identity-info",
    ]

    private static let canonicalSpellings: [String: String] = {
        let names = [
            "Via", "From", "To", "Call-ID", "CSeq", "Max-Forwards", "Contact", "Content-Length",
            "Content-Type", "Content-Encoding", "Content-Disposition", "Content-Language",
            "Allow", "Supported", "Require", "Proxy-Require", "Unsupported", "Accept",
            "Accept-Encoding", "Accept-Language", "Route", "Record-Route", "Subject",
            "Session-Expires", "Min-SE", "Retry-After", "Timestamp", "User-Agent", "Server",
            "Reason", "Expires", "Date", "Warning", "Event", "Refer-To", "Referred-By",
            "Allow-Events", "Accept-Contact", "Reject-Contact", "Request-Disposition",
            "Identity", "Identity-Info", "Authorization", "WWW-Authenticate",
            "Proxy-Authenticate", "Proxy-Authorization", "Organization", "Priority",
            "In-Reply-To", "Reply-To", "Alert-Info", "Call-Info", "Error-Info", "MIME-Version",
            "Min-Expires", "Path", "Service-Route", "P-Asserted-Identity",
        ]
        var map: [String: String] = [:]
        for name in names {
            map[String(decoding: name.utf8.map(SIPCharacterClass.lowercased), as: UTF8.self)] = name
        }
        return map
    }()

    private static let listHeaders: Set<String> = [
        "via", "contact", "route", "record-route", "allow", "supported", "require",
        "proxy-require", "unsupported", "accept", "accept-encoding", "accept-language",
        "content-encoding", "content-language", "allow-events", "in-reply-to", "alert-info",
        "call-info", "error-info", "warning", "path", "service-route", "p-asserted-identity",
        "reason",
    ]
}
