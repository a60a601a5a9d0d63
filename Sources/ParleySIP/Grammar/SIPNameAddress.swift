/// A `name-addr` or `addr-spec` with header parameters: the value of From, To, Contact,
/// Route and Record-Route (RFC 3261 §20.10, §20.20, §20.39).
public struct SIPNameAddress: Sendable, Hashable, CustomStringConvertible {
    /// The display name with quoted-pairs resolved, or the tokens joined by single spaces.
    public var displayName: String?
    public var uri: SIPURI
    /// Header parameters (`tag`, `expires`, `q`, ...), values kept raw.
    public var parameters: SIPParameters

    public init(displayName: String? = nil, uri: SIPURI, parameters: SIPParameters = []) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
    }

    /// Parses one element (not a comma-separated list); throws `.invalidHeaderValue`
    /// or `.invalidURI` naming `header`.
    public init(parsing text: String, header: String = "From") throws(SIPParseError) {
        var scanner = SIPValueScanner(text)
        self = try SIPNameAddress.parse(&scanner, header: header)
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw SIPParseError(.invalidHeaderValue, header: header) }
    }

    /// The `tag` parameter (From and To).
    public var tag: String? {
        get { parameters.value("tag") }
        set {
            if let newValue { parameters.set("tag", newValue) } else { parameters.remove("tag") }
        }
    }

    /// Always written in name-addr form, which is valid wherever addr-spec is.
    public var description: String {
        var text = ""
        if let displayName {
            text += SIPValueScanner.quote(displayName) + " "
        }
        text += "<" + uri.description + ">" + parameters.headerParameterText
        return text
    }

    static func parse(_ scanner: inout SIPValueScanner, header: String) throws(SIPParseError) -> SIPNameAddress {
        scanner.skipWhitespace()
        var displayName: String?
        var bracketed = false
        if scanner.peek() == SIPCharacterClass.quote {
            guard let quoted = scanner.readQuotedString() else {
                throw SIPParseError(.invalidHeaderValue, header: header)
            }
            displayName = quoted
            scanner.skipWhitespace()
            guard scanner.peek() == UInt8(ascii: "<") else {
                throw SIPParseError(.invalidHeaderValue, header: header)
            }
            bracketed = true
        } else if scanner.peek() == UInt8(ascii: "<") {
            bracketed = true
        } else {
            // `*(token LWS)` followed by `<` is a display name; anything else is an addr-spec.
            let saved = scanner.index
            var tokens: [String] = []
            while let token = scanner.readToken() {
                tokens.append(token)
                scanner.skipWhitespace()
            }
            if !tokens.isEmpty, scanner.peek() == UInt8(ascii: "<") {
                displayName = tokens.joined(separator: " ")
                bracketed = true
            } else {
                scanner.index = saved
            }
        }

        let uri: SIPURI
        if bracketed {
            _ = scanner.consume(UInt8(ascii: "<"))
            let uriBytes = scanner.read { $0 != UInt8(ascii: ">") && !SIPCharacterClass.isWhitespace($0) }
            guard scanner.consume(UInt8(ascii: ">")) else {
                throw SIPParseError(.invalidHeaderValue, header: header)
            }
            uri = try parseURI(Array(uriBytes), header: header)
        } else {
            let uriBytes = scanner.read {
                $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: ",") && !SIPCharacterClass.isWhitespace($0)
            }
            // An addr-spec with `?` (URI headers) must be enclosed in angle brackets.
            guard !uriBytes.isEmpty, !uriBytes.contains(UInt8(ascii: "?")) else {
                throw SIPParseError(.invalidHeaderValue, header: header)
            }
            uri = try parseURI(Array(uriBytes), header: header)
        }
        guard let parameters = SIPParameters.parseHeaderParameters(&scanner) else {
            throw SIPParseError(.invalidHeaderValue, header: header)
        }
        return SIPNameAddress(displayName: displayName, uri: uri, parameters: parameters)
    }

    private static func parseURI(_ bytes: [UInt8], header: String) throws(SIPParseError) -> SIPURI {
        do {
            return try SIPURIParser.parse(bytes)
        } catch {
            throw SIPParseError(.invalidURI, header: header)
        }
    }
}
