/// Byte-level parser for `SIPURI` (RFC 3261 §25.1 `SIP-URI`, RFC 3966 `telephone-uri`).
enum SIPURIParser {
    static func parse(_ bytes: [UInt8]) throws(SIPParseError) -> SIPURI {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
            throw SIPParseError(.invalidURI)
        }
        let schemeBytes = bytes[..<colon]
        guard let first = schemeBytes.first, SIPCharacterClass.isAlpha(first),
            schemeBytes.allSatisfy({
                SIPCharacterClass.isAlphanumeric($0) || $0 == UInt8(ascii: "+")
                    || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
            })
        else { throw SIPParseError(.invalidURI) }
        let schemeName = String(decoding: schemeBytes.map(SIPCharacterClass.lowercased), as: UTF8.self)
        guard let scheme = SIPURI.Scheme(rawValue: schemeName) else {
            throw SIPParseError(.unsupportedURIScheme)
        }
        let rest = bytes[(colon + 1)...]
        if scheme == .tel {
            return try parseTel(rest)
        }
        return try parseSIP(scheme: scheme, rest)
    }

    private static func parseTel(_ rest: ArraySlice<UInt8>) throws(SIPParseError) -> SIPURI {
        let end = rest.firstIndex(of: UInt8(ascii: ";")) ?? rest.endIndex
        guard let number = SIPPercentEncoding.decode(rest[..<end], allowed: SIPURI.isTelNumberCharacter),
            !number.isEmpty
        else { throw SIPParseError(.invalidURI) }
        var uri = SIPURI(scheme: .tel, user: number, host: "")
        uri.parameters = try parseURIParameters(rest[end...])
        return uri
    }

    private static func parseSIP(scheme: SIPURI.Scheme, _ rest: ArraySlice<UInt8>) throws(SIPParseError) -> SIPURI {
        var uri = SIPURI(scheme: scheme, host: "")
        var remainder = rest
        if let at = rest.firstIndex(of: UInt8(ascii: "@")) {
            let userInfo = rest[..<at]
            let passwordColon = userInfo.firstIndex(of: UInt8(ascii: ":"))
            let userBytes = userInfo[..<(passwordColon ?? userInfo.endIndex)]
            guard !userBytes.isEmpty,
                let user = SIPPercentEncoding.decode(userBytes, allowed: SIPCharacterClass.isUserCharacter)
            else { throw SIPParseError(.invalidURI) }
            uri.user = user
            if let passwordColon {
                let passwordBytes = userInfo[(passwordColon + 1)...]
                guard let password = SIPPercentEncoding.decode(passwordBytes, allowed: SIPCharacterClass.isPasswordCharacter)
                else { throw SIPParseError(.invalidURI) }
                uri.password = password
            }
            remainder = rest[(at + 1)...]
        }
        var index = remainder.startIndex
        if index != remainder.endIndex, remainder[index] == UInt8(ascii: "[") {
            guard let close = remainder[index...].firstIndex(of: UInt8(ascii: "]")) else {
                throw SIPParseError(.invalidURI)
            }
            let address = remainder[(index + 1)..<close]
            guard !address.isEmpty, address.allSatisfy(SIPCharacterClass.isIPv6Character) else {
                throw SIPParseError(.invalidURI)
            }
            uri.host = String(decoding: address, as: UTF8.self)
            index = close + 1
        } else {
            let start = index
            while index != remainder.endIndex, SIPCharacterClass.isHostCharacter(remainder[index]) {
                index += 1
            }
            guard index > start else { throw SIPParseError(.invalidURI) }
            uri.host = String(decoding: remainder[start..<index], as: UTF8.self)
        }
        if index != remainder.endIndex, remainder[index] == UInt8(ascii: ":") {
            index += 1
            let start = index
            while index != remainder.endIndex, SIPCharacterClass.isDigit(remainder[index]) {
                index += 1
            }
            guard index - start <= 5, let port = SIPValueScanner.number(remainder[start..<index], limit: 65535) else {
                throw SIPParseError(.invalidURI)
            }
            uri.port = UInt16(port)
        }
        let question = remainder[index...].firstIndex(of: UInt8(ascii: "?")) ?? remainder.endIndex
        uri.parameters = try parseURIParameters(remainder[index..<question])
        if question != remainder.endIndex {
            uri.headers = try parseURIHeaders(remainder[(question + 1)...])
        }
        return uri
    }

    /// Parses `*( ";" pname [ "=" pvalue ] )`; the slice must be empty or start with `;`.
    private static func parseURIParameters(_ bytes: ArraySlice<UInt8>) throws(SIPParseError) -> SIPParameters {
        guard !bytes.isEmpty else { return [] }
        guard bytes.first == UInt8(ascii: ";") else { throw SIPParseError(.invalidURI) }
        var parameters = SIPParameters()
        for part in bytes.dropFirst().split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false) {
            let equals = part.firstIndex(of: UInt8(ascii: "="))
            let nameBytes = part[..<(equals ?? part.endIndex)]
            guard !nameBytes.isEmpty,
                let name = SIPPercentEncoding.decode(nameBytes, allowed: SIPCharacterClass.isParameterCharacter)
            else { throw SIPParseError(.invalidURI) }
            var value: String?
            if let equals {
                let valueBytes = part[(equals + 1)...]
                guard !valueBytes.isEmpty,
                    let decoded = SIPPercentEncoding.decode(valueBytes, allowed: SIPCharacterClass.isParameterCharacter)
                else { throw SIPParseError(.invalidURI) }
                value = decoded
            }
            parameters.append(name, value)
        }
        return parameters
    }

    /// Parses `hname "=" hvalue *( "&" hname "=" hvalue )`.
    private static func parseURIHeaders(_ bytes: ArraySlice<UInt8>) throws(SIPParseError) -> SIPParameters {
        var headers = SIPParameters()
        for part in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false) {
            guard let equals = part.firstIndex(of: UInt8(ascii: "=")),
                let name = SIPPercentEncoding.decode(part[..<equals], allowed: SIPCharacterClass.isURIHeaderCharacter),
                !name.isEmpty,
                let value = SIPPercentEncoding.decode(part[(equals + 1)...], allowed: SIPCharacterClass.isURIHeaderCharacter)
            else { throw SIPParseError(.invalidURI) }
            headers.append(name, value)
        }
        return headers
    }
}
