/// A media type as carried by Content-Type and Accept (RFC 3261 §20.15).
public struct SIPContentType: Sendable, Hashable, CustomStringConvertible {
    /// Lowercased type, such as `application`.
    public var type: String
    /// Lowercased subtype, such as `sdp`.
    public var subtype: String
    public var parameters: SIPParameters

    public init(type: String, subtype: String, parameters: SIPParameters = []) {
        self.type = type.lowercased()
        self.subtype = subtype.lowercased()
        self.parameters = parameters
    }

    public static let sdp = SIPContentType(type: "application", subtype: "sdp")
    public static let dtmfRelay = SIPContentType(type: "application", subtype: "dtmf-relay")
    public static let dtmf = SIPContentType(type: "application", subtype: "dtmf")

    /// Parses `m-type SLASH m-subtype *(SEMI m-parameter)`.
    public init(parsing text: String, header: String = "Content-Type") throws(SIPParseError) {
        var scanner = SIPValueScanner(text)
        scanner.skipWhitespace()
        guard let type = scanner.readToken(),
            scanner.consumeSeparator(UInt8(ascii: "/")),
            let subtype = scanner.readToken(),
            let parameters = SIPParameters.parseHeaderParameters(&scanner)
        else { throw SIPParseError(.invalidHeaderValue, header: header) }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw SIPParseError(.invalidHeaderValue, header: header) }
        self.init(type: type, subtype: subtype, parameters: parameters)
    }

    /// `type/subtype`, without parameters.
    public var mediaType: String { "\(type)/\(subtype)" }

    /// Whether the type and subtype (not the parameters) are the same.
    public func matches(_ other: SIPContentType) -> Bool {
        type == other.type && subtype == other.subtype
    }

    public var description: String { mediaType + parameters.headerParameterText }
}
