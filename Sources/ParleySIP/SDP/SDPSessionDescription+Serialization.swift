import NIOCore

extension SDPSessionDescription {
    /// Writes the description with CRLF line ends, lines in the RFC 4566 §5 order.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeString(text)
    }

    /// The description as a `ByteBuffer`, ready to be a message body.
    public var serialized: ByteBuffer {
        ByteBuffer(string: text)
    }

    /// The description as text.
    public var text: String {
        var lines: [String] = ["v=0", "o=" + origin.text, "s=" + sessionName]
        let beforeConnection: Set<Character> = ["i", "u", "e", "p"]
        let afterTiming: Set<Character> = ["r", "z", "k"]
        for line in otherLines where beforeConnection.contains(line.type) {
            lines.append("\(line.type)=\(line.value)")
        }
        if let connection { lines.append("c=" + connection.text) }
        lines += bandwidths.map { "b=" + $0 }
        let timingLines = timing.isEmpty ? [SDPTiming()] : timing
        lines += timingLines.map { "t=\($0.start) \($0.stop)" }
        for line in otherLines where afterTiming.contains(line.type) {
            lines.append("\(line.type)=\(line.value)")
        }
        for line in otherLines where !beforeConnection.contains(line.type) && !afterTiming.contains(line.type) {
            lines.append("\(line.type)=\(line.value)")
        }
        lines += attributes.map { "a=" + $0.text }
        for section in media {
            var mLine = "m=\(section.media) \(section.port)"
            if let count = section.portCount { mLine += "/\(count)" }
            mLine += " " + section.proto
            for format in section.formats { mLine += " " + format }
            lines.append(mLine)
            lines += section.otherLines.filter { $0.type == "i" }.map { "\($0.type)=\($0.value)" }
            if let connection = section.connection { lines.append("c=" + connection.text) }
            lines += section.bandwidths.map { "b=" + $0 }
            lines += section.otherLines.filter { $0.type != "i" }.map { "\($0.type)=\($0.value)" }
            lines += section.attributes.map { "a=" + $0.text }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
