extension SIPMessage {
    /// Checks the headers every request and response must carry (RFC 3261 §8.1.1, §20):
    /// Via (each value parses), To and From (one each, parse), Call-ID (one), CSeq (one,
    /// parses, matches the request method), Max-Forwards for requests (one, 0-255), and,
    /// when present, Contact and Content-Type. The error names the header, ready for a 400.
    public func validate() throws(SIPParseError) {
        let viaValues = headers.values(for: .via)
        guard !viaValues.isEmpty else { throw SIPParseError(.missingHeader, header: "Via") }
        for value in viaValues {
            _ = try SIPVia(parsing: value)
        }

        let to = try single(.to, "To")
        _ = try SIPNameAddress(parsing: to, header: "To")
        let from = try single(.from, "From")
        _ = try SIPNameAddress(parsing: from, header: "From")

        let callID = try single(.callID, "Call-ID")
        guard !callID.isEmpty, !callID.utf8.contains(where: SIPCharacterClass.isWhitespace) else {
            throw SIPParseError(.invalidHeaderValue, header: "Call-ID")
        }

        let cseq = try SIPCSeq(parsing: try single(.cseq, "CSeq"))
        if case .request(let method, _) = startLine {
            guard method.isValidToken else { throw SIPParseError(.invalidMethod) }
            guard cseq.method == method else { throw SIPParseError(.cseqMethodMismatch, header: "CSeq") }
            let maxForwards = try single(.maxForwards, "Max-Forwards")
            guard SIPValueScanner.number(Array(maxForwards.utf8), limit: 255) != nil else {
                throw SIPParseError(.invalidHeaderValue, header: "Max-Forwards")
            }
        }

        for value in headers.values(for: .contact) where value != "*" {
            _ = try SIPNameAddress(parsing: value, header: "Contact")
        }
        if let contentType = try optionalSingle(.contentType, "Content-Type") {
            _ = try SIPContentType(parsing: contentType)
        }
        if let sessionExpires = try optionalSingle(.sessionExpires, "Session-Expires") {
            _ = try SIPSessionExpires(parsing: sessionExpires)
        }
        if headers.contains(.minSE), minSE == nil {
            throw SIPParseError(.invalidHeaderValue, header: "Min-SE")
        }
        if let date = try optionalSingle("Date", "Date"), !SIPMessage.isRFC1123GMTDate(date) {
            throw SIPParseError(.invalidHeaderValue, header: "Date")
        }
    }

    /// `rfc1123-date = wkday "," SP date1 SP time SP "GMT"` (RFC 3261 §20.17, RFC 4475 baddate).
    static func isRFC1123GMTDate(_ value: String) -> Bool {
        let parts = value.split(separator: " ", omittingEmptySubsequences: false)
        let weekdays: Set<Substring> = ["Mon,", "Tue,", "Wed,", "Thu,", "Fri,", "Sat,", "Sun,"]
        let months: Set<Substring> = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 6, weekdays.contains(parts[0]), parts[1].count == 2,
            parts[1].utf8.allSatisfy(SIPCharacterClass.isDigit), months.contains(parts[2]),
            parts[3].count == 4, parts[3].utf8.allSatisfy(SIPCharacterClass.isDigit), parts[5] == "GMT"
        else { return false }
        let time = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        return time.count == 3 && time.allSatisfy { $0.count == 2 && $0.utf8.allSatisfy(SIPCharacterClass.isDigit) }
    }

    private func single(_ name: SIPHeaderName, _ display: String) throws(SIPParseError) -> String {
        guard let value = try optionalSingle(name, display) else {
            throw SIPParseError(.missingHeader, header: display)
        }
        return value
    }

    private func optionalSingle(_ name: SIPHeaderName, _ display: String) throws(SIPParseError) -> String? {
        let lines = headers.lines(for: name)
        guard lines.count <= 1 else { throw SIPParseError(.duplicateHeader, header: display) }
        return lines.first
    }
}
