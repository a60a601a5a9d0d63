import NIOCore

extension SDPSessionDescription {
    /// Parses a whole session description, consuming the buffer on success.
    ///
    /// Tolerant where RFC 4566 §5 asks parsers to be: LF-only line ends, empty lines, a
    /// missing `t=` (read as `t=0 0`), unknown line types and attributes. Strict on what the server needs:
    /// `v=0` first, a well-formed `o=`, `c=` and `m=` lines.
    public init(parsing buffer: inout ByteBuffer) throws(SDPParseError) {
        let text = String(decoding: buffer.readableBytesView, as: UTF8.self)
        self = try SDPSessionDescription(parsing: text)
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
    }

    /// Parses a session description held in a string.
    public init(parsing text: String) throws(SDPParseError) {
        var lines: [(number: Int, type: Character, value: String)] = []
        // Split on LF octets: as Characters, CRLF is one grapheme and would not split.
        for (index, rawLine) in Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            var bytes = rawLine
            if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
            if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            guard bytes.count >= 2, bytes[bytes.startIndex + 1] == UInt8(ascii: "="),
                let type = bytes.first, type >= UInt8(ascii: "a"), type <= UInt8(ascii: "z")
            else { throw SDPParseError(.malformedLine, line: index + 1) }
            let value = String(decoding: bytes.dropFirst(2), as: UTF8.self)
            lines.append((index + 1, Character(Unicode.Scalar(type)), value))
        }
        guard let first = lines.first else { throw SDPParseError(.empty, line: 1) }
        guard first.type == "v" else { throw SDPParseError(.missingVersion, line: first.number) }
        guard first.value == "0" else { throw SDPParseError(.unsupportedVersion, line: first.number) }

        var origin: SDPOrigin?
        var sessionName: String?
        var session = SDPSessionDescription(origin: SDPOrigin(sessionID: 0, sessionVersion: 0, address: ""), timing: [])
        var currentMedia: SDPMediaDescription?

        for line in lines.dropFirst() {
            if line.type == "m" {
                if let media = currentMedia { session.media.append(media) }
                currentMedia = try SDPSessionDescription.parseMedia(line.value, line: line.number)
                continue
            }
            if var media = currentMedia {
                switch line.type {
                case "c": media.connection = try SDPSessionDescription.parseConnection(line.value, line: line.number)
                case "b": media.bandwidths.append(line.value)
                case "a": media.attributes.append(SDPSessionDescription.parseAttribute(line.value))
                case "v", "o", "s", "t": throw SDPParseError(.malformedLine, line: line.number)
                default: media.otherLines.append(SDPLine(type: line.type, value: line.value))
                }
                currentMedia = media
                continue
            }
            switch line.type {
            case "o":
                guard origin == nil else { throw SDPParseError(.invalidOrigin, line: line.number) }
                origin = try SDPSessionDescription.parseOrigin(line.value, line: line.number)
            case "s":
                sessionName = line.value
            case "c":
                session.connection = try SDPSessionDescription.parseConnection(line.value, line: line.number)
            case "b":
                session.bandwidths.append(line.value)
            case "t":
                session.timing.append(try SDPSessionDescription.parseTiming(line.value, line: line.number))
            case "a":
                session.attributes.append(SDPSessionDescription.parseAttribute(line.value))
            case "v":
                throw SDPParseError(.malformedLine, line: line.number)
            default:
                session.otherLines.append(SDPLine(type: line.type, value: line.value))
            }
        }
        if let media = currentMedia { session.media.append(media) }
        guard let origin else { throw SDPParseError(.missingOrigin, line: first.number) }
        guard let sessionName else { throw SDPParseError(.missingSessionName, line: first.number) }
        session.origin = origin
        session.sessionName = sessionName
        if session.timing.isEmpty { session.timing = [SDPTiming()] }
        self = session
    }

    private static func fields(_ value: String) -> [Substring] {
        value.split(separator: " ", omittingEmptySubsequences: true)
    }

    private static func parseOrigin(_ value: String, line: Int) throws(SDPParseError) -> SDPOrigin {
        let parts = fields(value)
        guard parts.count == 6, let sessionID = UInt64(parts[1]), let version = UInt64(parts[2]) else {
            throw SDPParseError(.invalidOrigin, line: line)
        }
        return SDPOrigin(
            username: String(parts[0]), sessionID: sessionID, sessionVersion: version,
            networkType: String(parts[3]), addressType: String(parts[4]), address: String(parts[5])
        )
    }

    private static func parseConnection(_ value: String, line: Int) throws(SDPParseError) -> SDPConnection {
        let parts = fields(value)
        guard parts.count == 3, !parts[2].isEmpty else { throw SDPParseError(.invalidConnection, line: line) }
        return SDPConnection(networkType: String(parts[0]), addressType: String(parts[1]), address: String(parts[2]))
    }

    private static func parseTiming(_ value: String, line: Int) throws(SDPParseError) -> SDPTiming {
        let parts = fields(value)
        guard parts.count == 2, let start = UInt64(parts[0]), let stop = UInt64(parts[1]) else {
            throw SDPParseError(.invalidTiming, line: line)
        }
        return SDPTiming(start: start, stop: stop)
    }

    private static func parseMedia(_ value: String, line: Int) throws(SDPParseError) -> SDPMediaDescription {
        let parts = fields(value)
        guard parts.count >= 3, !parts[0].isEmpty else { throw SDPParseError(.invalidMedia, line: line) }
        let portParts = parts[1].split(separator: "/", omittingEmptySubsequences: false)
        guard portParts.count <= 2, let port = UInt16(portParts[0]) else {
            throw SDPParseError(.invalidMedia, line: line)
        }
        var portCount: Int?
        if portParts.count == 2 {
            guard let count = Int(portParts[1]), count > 0 else { throw SDPParseError(.invalidMedia, line: line) }
            portCount = count
        }
        return SDPMediaDescription(
            media: String(parts[0]), port: port, portCount: portCount, proto: String(parts[2]),
            formats: parts.dropFirst(3).map(String.init)
        )
    }

    private static func parseAttribute(_ value: String) -> SDPAttribute {
        guard let colon = value.firstIndex(of: ":") else { return SDPAttribute(value) }
        return SDPAttribute(String(value[..<colon]), String(value[value.index(after: colon)...]))
    }
}
