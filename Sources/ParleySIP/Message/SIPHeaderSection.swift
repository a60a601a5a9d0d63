/// Finding and lexing the start line and header lines of a message (RFC 3261 §7.3.1).
///
/// Lines end in CRLF (a bare LF is tolerated). A line starting with SP or HTAB continues
/// the previous header: the line break and the leading whitespace become one SP.
enum SIPHeaderSection {
    struct Line {
        var bytes: ArraySlice<UInt8>
        var offset: Int
    }

    struct Lexed {
        var startLine: Line
        var fields: [SIPHeaders.Field]
        var fieldOffsets: [Int]
    }

    /// Number of CR/LF octets before the first line (ignored per RFC 3261 §7.5).
    static func leadingLineBreaks<Bytes: Collection<UInt8>>(in bytes: Bytes) -> Int
    where Bytes.Index == Int {
        var count = 0
        var index = bytes.startIndex
        while index < bytes.endIndex, bytes[index] == SIPCharacterClass.cr || bytes[index] == SIPCharacterClass.lf {
            count += 1
            index += 1
        }
        return count
    }

    /// Finds the empty line that ends the header section, scanning `bytes[start..<limit]`.
    /// Returns the offset just after the last header line and the offset of the body.
    static func findEnd<Bytes: Collection<UInt8>>(
        in bytes: Bytes,
        from start: Int,
        limit: Int
    ) -> (headerEnd: Int, bodyStart: Int)? where Bytes.Index == Int {
        let end = min(limit, bytes.endIndex)
        var index = max(start, bytes.startIndex)
        while index < end {
            if bytes[index] == SIPCharacterClass.lf {
                let next = index + 1
                if next < end, bytes[next] == SIPCharacterClass.lf {
                    return (next, next + 1)
                }
                if next + 1 < end, bytes[next] == SIPCharacterClass.cr, bytes[next + 1] == SIPCharacterClass.lf {
                    return (next, next + 2)
                }
            }
            index += 1
        }
        return nil
    }

    /// Splits the header section into the start line and unfolded header fields.
    /// `baseOffset` is added to offsets reported in errors.
    static func lex(_ bytes: [UInt8], baseOffset: Int) throws(SIPParseError) -> Lexed {
        var lines: [Line] = []
        var lineStart = 0
        for (index, byte) in bytes.enumerated() where byte == SIPCharacterClass.lf {
            var lineEnd = index
            if lineEnd > lineStart, bytes[lineEnd - 1] == SIPCharacterClass.cr { lineEnd -= 1 }
            lines.append(Line(bytes: bytes[lineStart..<lineEnd], offset: baseOffset + lineStart))
            lineStart = index + 1
        }
        if lineStart < bytes.count {
            var lineEnd = bytes.count
            if bytes[lineEnd - 1] == SIPCharacterClass.cr { lineEnd -= 1 }
            lines.append(Line(bytes: bytes[lineStart..<lineEnd], offset: baseOffset + lineStart))
        }
        guard let startLine = lines.first, !startLine.bytes.isEmpty else {
            throw SIPParseError(.malformedStartLine, offset: baseOffset)
        }

        var fields: [SIPHeaders.Field] = []
        var offsets: [Int] = []
        var pendingName: SIPHeaderName?
        var pendingValue: [UInt8] = []
        var pendingOffset = 0

        func flush() {
            if let name = pendingName {
                fields.append(SIPHeaders.Field(name: name, value: SIPValueScanner.trim(pendingValue)))
                offsets.append(pendingOffset)
            }
        }

        for line in lines.dropFirst() {
            guard let first = line.bytes.first else { continue }
            if SIPCharacterClass.isWhitespace(first) {
                guard pendingName != nil else {
                    throw SIPParseError(.malformedHeader, offset: line.offset)
                }
                let continuation = line.bytes.drop(while: SIPCharacterClass.isWhitespace)
                if !continuation.isEmpty {
                    pendingValue.append(SIPCharacterClass.space)
                    pendingValue.append(contentsOf: continuation)
                }
                continue
            }
            flush()
            guard let colon = line.bytes.firstIndex(of: UInt8(ascii: ":")) else {
                throw SIPParseError(.malformedHeader, offset: line.offset)
            }
            var nameEnd = colon
            while nameEnd > line.bytes.startIndex, SIPCharacterClass.isWhitespace(line.bytes[nameEnd - 1]) {
                nameEnd -= 1
            }
            let name = line.bytes[line.bytes.startIndex..<nameEnd]
            guard !name.isEmpty, name.allSatisfy(SIPCharacterClass.isToken) else {
                throw SIPParseError(.malformedHeader, offset: line.offset)
            }
            pendingName = SIPHeaderName(String(decoding: name, as: UTF8.self))
            pendingValue = Array(line.bytes[(colon + 1)...])
            pendingOffset = line.offset
        }
        flush()
        return Lexed(startLine: startLine, fields: fields, fieldOffsets: offsets)
    }
}
