/// A cursor over the bytes of one (already unfolded) header value or URI.
///
/// Every typed header parser is written against this scanner. It never traps: reads past
/// the end return `nil`, and callers turn a failed expectation into a `SIPParseError`.
struct SIPValueScanner {
    let bytes: [UInt8]
    var index: Int

    init(_ string: String) {
        self.bytes = Array(string.utf8)
        self.index = 0
    }

    init<Bytes: Sequence<UInt8>>(bytes: Bytes) {
        self.bytes = Array(bytes)
        self.index = 0
    }

    var isAtEnd: Bool { index >= bytes.count }

    func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    func peek(offset: Int) -> UInt8? {
        let position = index + offset
        return position >= 0 && position < bytes.count ? bytes[position] : nil
    }

    /// Skips SP, HTAB, CR and LF (values are unfolded, so CR/LF only appear in bodies).
    mutating func skipWhitespace() {
        while let byte = peek(),
            SIPCharacterClass.isWhitespace(byte) || byte == SIPCharacterClass.cr
                || byte == SIPCharacterClass.lf
        {
            index += 1
        }
    }

    /// Consumes `byte` if it is next; returns whether it did.
    mutating func consume(_ byte: UInt8) -> Bool {
        if peek() == byte {
            index += 1
            return true
        }
        return false
    }

    /// Consumes `byte` with optional whitespace around it (`SWS byte SWS`).
    mutating func consumeSeparator(_ byte: UInt8) -> Bool {
        let saved = index
        skipWhitespace()
        if consume(byte) {
            skipWhitespace()
            return true
        }
        index = saved
        return false
    }

    /// Reads bytes while `predicate` holds.
    mutating func read(while predicate: (UInt8) -> Bool) -> ArraySlice<UInt8> {
        let start = index
        while let byte = peek(), predicate(byte) {
            index += 1
        }
        return bytes[start..<index]
    }

    /// Reads `1*token`, or returns nil without moving.
    mutating func readToken() -> String? {
        let slice = read(while: SIPCharacterClass.isToken)
        return slice.isEmpty ? nil : String(decoding: slice, as: UTF8.self)
    }

    /// Reads `1*DIGIT` as a number no larger than `limit`, or returns nil without moving.
    mutating func readNumber(limit: UInt64) -> UInt64? {
        let start = index
        let digits = read(while: SIPCharacterClass.isDigit)
        guard let value = SIPValueScanner.number(digits, limit: limit) else {
            index = start
            return nil
        }
        return value
    }

    /// Reads a `quoted-string` and returns its content with quoted-pairs resolved.
    /// Returns nil (without moving) if the next byte is not a quote or the string is unterminated.
    mutating func readQuotedString() -> String? {
        guard let raw = readRawQuotedString() else { return nil }
        return SIPValueScanner.unquote(raw)
    }

    /// Reads a `quoted-string` and returns it verbatim, quotes included.
    mutating func readRawQuotedString() -> String? {
        let start = index
        guard consume(SIPCharacterClass.quote) else { return nil }
        while let byte = peek() {
            index += 1
            // Folding is resolved before values are scanned, so CR and LF cannot be qdtext,
            // and quoted-pair excludes them (RFC 3261 §25.1).
            if byte == SIPCharacterClass.cr || byte == SIPCharacterClass.lf { break }
            if byte == SIPCharacterClass.backslash {
                guard let escaped = peek(), escaped != SIPCharacterClass.cr, escaped != SIPCharacterClass.lf else { break }
                index += 1
            } else if byte == SIPCharacterClass.quote {
                return String(decoding: bytes[start..<index], as: UTF8.self)
            }
        }
        index = start
        return nil
    }

    /// The rest of the bytes as a string, consuming them.
    mutating func readRest() -> String {
        let slice = bytes[index...]
        index = bytes.count
        return String(decoding: slice, as: UTF8.self)
    }

    /// Parses decimal digits into a number no larger than `limit`; nil if empty, not digits or too large.
    static func number<Bytes: Collection<UInt8>>(_ digits: Bytes, limit: UInt64) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard SIPCharacterClass.isDigit(byte) else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - 0x30))
            guard !overflow1, !overflow2, sum <= limit else { return nil }
            value = sum
        }
        return value
    }

    /// Resolves the quoted-pairs of a raw quoted string (quotes included) into its content.
    static func unquote(_ raw: String) -> String {
        var content = Array(raw.utf8)
        guard content.count >= 2, content.first == SIPCharacterClass.quote,
            content.last == SIPCharacterClass.quote
        else { return raw }
        content = Array(content[1..<(content.count - 1)])
        var result: [UInt8] = []
        result.reserveCapacity(content.count)
        var iterator = content.makeIterator()
        while let byte = iterator.next() {
            if byte == SIPCharacterClass.backslash, let escaped = iterator.next() {
                result.append(escaped)
            } else {
                result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Quotes `text` as a `quoted-string`, escaping `"`, `\` and control characters.
    static func quote(_ text: String) -> String {
        var result: [UInt8] = [SIPCharacterClass.quote]
        for byte in text.utf8 {
            if byte == SIPCharacterClass.quote || byte == SIPCharacterClass.backslash
                || byte < 0x20 || byte == 0x7F
            {
                if byte == SIPCharacterClass.cr || byte == SIPCharacterClass.lf { continue }
                result.append(SIPCharacterClass.backslash)
            }
            result.append(byte)
        }
        result.append(SIPCharacterClass.quote)
        return String(decoding: result, as: UTF8.self)
    }

    /// Splits a header value at commas that are outside quotes and angle brackets.
    /// Elements are trimmed; empty elements are kept so that typed parsers can reject them.
    static func splitTopLevelCommas(_ value: String) -> [String] {
        let bytes = Array(value.utf8)
        var elements: [String] = []
        var start = 0
        var inQuotes = false
        var inAngle = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == SIPCharacterClass.backslash {
                    index += 1
                } else if byte == SIPCharacterClass.quote {
                    inQuotes = false
                }
            } else if byte == SIPCharacterClass.quote {
                inQuotes = true
            } else if byte == UInt8(ascii: "<") {
                inAngle = true
            } else if byte == UInt8(ascii: ">") {
                inAngle = false
            } else if byte == UInt8(ascii: ","), !inAngle {
                elements.append(trim(bytes[start..<index]))
                start = index + 1
            }
            index += 1
        }
        let last = trim(bytes[min(start, bytes.count)...])
        if !(elements.isEmpty && last.isEmpty) {
            elements.append(last)
        }
        return elements
    }

    /// Removes leading and trailing SP/HTAB/CR/LF.
    static func trim<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes) -> String {
        func isSpace(_ byte: UInt8) -> Bool {
            SIPCharacterClass.isWhitespace(byte) || byte == SIPCharacterClass.cr
                || byte == SIPCharacterClass.lf
        }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
            let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    static func trim(_ string: String) -> String {
        trim(Array(string.utf8))
    }
}
