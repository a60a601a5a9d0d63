/// Parses a Request-Line or Status-Line (RFC 3261 §7.1, §7.2): single SP separators,
/// no leading or trailing whitespace, version SIP/2.0.
enum SIPStartLineParser {
    static func parse(_ line: SIPHeaderSection.Line) throws(SIPParseError) -> SIPMessage.StartLine {
        let bytes = line.bytes
        if hasSIPPrefix(bytes) {
            return try parseStatusLine(bytes, offset: line.offset)
        }
        return try parseRequestLine(bytes, offset: line.offset)
    }

    private static func hasSIPPrefix(_ bytes: ArraySlice<UInt8>) -> Bool {
        let prefix = Array("sip/".utf8)
        guard bytes.count >= prefix.count else { return false }
        return zip(bytes.prefix(prefix.count), prefix).allSatisfy { SIPCharacterClass.lowercased($0) == $1 }
    }

    private static func parseStatusLine(_ bytes: ArraySlice<UInt8>, offset: Int) throws(SIPParseError) -> SIPMessage.StartLine {
        guard let space = bytes.firstIndex(of: SIPCharacterClass.space) else {
            throw SIPParseError(.malformedStartLine, offset: offset)
        }
        try checkVersion(bytes[..<space], offset: offset)
        let afterVersion = bytes[(space + 1)...]
        let digits = afterVersion.prefix(while: SIPCharacterClass.isDigit)
        guard digits.count == 3, let code = SIPValueScanner.number(digits, limit: 699), code >= 100 else {
            throw SIPParseError(.invalidStatusCode, offset: offset + (space + 1 - bytes.startIndex))
        }
        let rest = afterVersion[digits.endIndex...]
        let reason: String
        if rest.isEmpty {
            reason = ""
        } else {
            guard rest.first == SIPCharacterClass.space else {
                throw SIPParseError(.invalidStatusCode, offset: offset + (space + 1 - bytes.startIndex))
            }
            reason = String(decoding: rest.dropFirst(), as: UTF8.self)
        }
        return .response(status: Int(code), reason: reason)
    }

    private static func parseRequestLine(_ bytes: ArraySlice<UInt8>, offset: Int) throws(SIPParseError) -> SIPMessage.StartLine {
        guard let firstSpace = bytes.firstIndex(of: SIPCharacterClass.space),
            let secondSpace = bytes[(firstSpace + 1)...].firstIndex(of: SIPCharacterClass.space)
        else { throw SIPParseError(.malformedStartLine, offset: offset) }
        let methodBytes = bytes[..<firstSpace]
        let uriBytes = bytes[(firstSpace + 1)..<secondSpace]
        let versionBytes = bytes[(secondSpace + 1)...]
        guard !methodBytes.isEmpty, !uriBytes.isEmpty,
            !versionBytes.contains(where: SIPCharacterClass.isWhitespace)
        else { throw SIPParseError(.malformedStartLine, offset: offset) }
        guard methodBytes.allSatisfy(SIPCharacterClass.isToken) else {
            throw SIPParseError(.invalidMethod, offset: offset)
        }
        try checkVersion(versionBytes, offset: offset + (secondSpace + 1 - bytes.startIndex))

        let uriOffset = offset + (firstSpace + 1 - bytes.startIndex)
        guard uriBytes.first != UInt8(ascii: "<") else {
            throw SIPParseError(.invalidRequestURI, offset: uriOffset)
        }
        let uri: SIPURI
        do {
            uri = try SIPURIParser.parse(Array(uriBytes))
        } catch {
            throw SIPParseError(error.code == .unsupportedURIScheme ? .unsupportedURIScheme : .invalidRequestURI, offset: uriOffset)
        }
        // Headers are not allowed in a Request-URI (RFC 3261 §19.1.1, RFC 4475 escruri).
        guard uri.headers.isEmpty else { throw SIPParseError(.invalidRequestURI, offset: uriOffset) }
        return .request(method: SIPMethod(String(decoding: methodBytes, as: UTF8.self)), uri: uri)
    }

    /// Accepts `SIP/2.0`; another `SIP/x.y` is an unsupported version, anything else malformed.
    private static func checkVersion(_ bytes: ArraySlice<UInt8>, offset: Int) throws(SIPParseError) {
        guard hasSIPPrefix(bytes) else { throw SIPParseError(.malformedStartLine, offset: offset) }
        let number = bytes.dropFirst(4)
        if Array(number) == Array("2.0".utf8) { return }
        let parts = number.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(SIPCharacterClass.isDigit) }) {
            throw SIPParseError(.unsupportedVersion, offset: offset)
        }
        throw SIPParseError(.malformedStartLine, offset: offset)
    }
}
