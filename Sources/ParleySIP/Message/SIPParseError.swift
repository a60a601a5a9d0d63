/// Why a SIP message could not be accepted, and where.
///
/// The value is small and safe to log: it names the header concerned but never carries its
/// value. `reasonPhrase` is ready to be used as the reason phrase of the 4xx/5xx answer and
/// `suggestedStatus` says which answer (400, 416, 505 or 513) the server should give when it
/// can build a response at all.
public struct SIPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The message is larger than the parser's limit (64 KiB by default).
        case messageTooLarge
        /// The header section never ended (a datagram cut short).
        case incompleteHeaders
        /// The request or status line does not follow the grammar.
        case malformedStartLine
        /// The method is not a token.
        case invalidMethod
        /// The Request-URI does not parse (or carries URI headers, or is in `<>`).
        case invalidRequestURI
        /// The Request-URI uses a scheme other than sip, sips or tel.
        case unsupportedURIScheme
        /// The protocol version is not SIP/2.0.
        case unsupportedVersion
        /// The status code is not three digits between 100 and 699.
        case invalidStatusCode
        /// A header line has no colon, a bad name, or starts the header section folded.
        case malformedHeader
        /// Content-Length is not a non-negative number within the limit.
        case invalidContentLength
        /// More than one Content-Length header.
        case multipleContentLength
        /// Content-Length promises more bytes than the message holds.
        case truncatedBody
        /// A header required by RFC 3261 §8.1.1 is missing.
        case missingHeader
        /// A header that may appear once appears several times.
        case duplicateHeader
        /// A known header's value does not follow its grammar.
        case invalidHeaderValue
        /// The CSeq method differs from the request method.
        case cseqMethodMismatch
        /// A URI inside a header does not parse.
        case invalidURI
    }

    public var code: Code
    /// The header concerned, in its canonical spelling, when there is one.
    public var header: String?
    /// Byte offset in the message where the problem was found, when known.
    public var offset: Int?

    public init(_ code: Code, header: String? = nil, offset: Int? = nil) {
        self.code = code
        self.header = header
        self.offset = offset
    }

    /// The status the server should answer with, if it can build a response.
    public var suggestedStatus: Int {
        switch code {
        case .messageTooLarge: return 513
        case .unsupportedVersion: return 505
        case .unsupportedURIScheme: return 416
        default: return 400
        }
    }

    /// A reason phrase for the answer, naming the header concerned.
    public var reasonPhrase: String {
        let name = header ?? "Header"
        switch code {
        case .messageTooLarge: return "Message Too Large"
        case .incompleteHeaders: return "Incomplete Message"
        case .malformedStartLine: return "Malformed Start Line"
        case .invalidMethod: return "Invalid Method"
        case .invalidRequestURI: return "Invalid Request-URI"
        case .unsupportedURIScheme: return "Unsupported URI Scheme"
        case .unsupportedVersion: return "Version Not Supported"
        case .invalidStatusCode: return "Invalid Status Code"
        case .malformedHeader: return "Malformed Header Line"
        case .invalidContentLength: return "Invalid Content-Length"
        case .multipleContentLength: return "Multiple Content-Length Headers"
        case .truncatedBody: return "Content-Length Larger Than Message"
        case .missingHeader: return "Missing \(name) Header"
        case .duplicateHeader: return "Duplicate \(name) Header"
        case .invalidHeaderValue: return "Invalid \(name) Header"
        case .cseqMethodMismatch: return "CSeq Method Mismatch"
        case .invalidURI: return "Invalid URI in \(name) Header"
        }
    }

    public var description: String {
        var text = "SIPParseError(\(code.rawValue)"
        if let header { text += ", header: \(header)" }
        if let offset { text += ", offset: \(offset)" }
        return text + ")"
    }
}
