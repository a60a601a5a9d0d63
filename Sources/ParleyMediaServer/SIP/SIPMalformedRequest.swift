import NIOCore
import ParleySIP

/// Builds the error answer to a datagram that did not parse, when one can be built.
///
/// A request with a bad start line, Content-Length or body length still carries the Via,
/// From, To, Call-ID and CSeq a response needs (RFC 3261 §8.2.6). The header section is parsed
/// again behind a neutral request line and without Content-Length, and if that works and its
/// Via is usable the answer is the parse error's status and reason phrase. Responses, messages
/// whose headers do not lex, and oversized or unterminated messages get nothing: they are
/// dropped and counted.
enum SIPMalformedRequest {
    static func errorResponse(
        to datagram: ByteBuffer,
        error: SIPParseError,
        parser: SIPMessageParser,
        source: SocketAddress? = nil
    ) -> SIPMessage? {
        switch error.code {
        case .messageTooLarge, .incompleteHeaders, .malformedHeader, .invalidStatusCode:
            return nil
        default:
            break
        }
        let bytes = Array(datagram.readableBytesView)
        var start = 0
        while start < bytes.count, bytes[start] == UInt8(ascii: "\r") || bytes[start] == UInt8(ascii: "\n") {
            start += 1
        }
        // A status line: never answer a response.
        let prefix = bytes[start..<min(start + 4, bytes.count)].map { $0 | 0x20 }
        if prefix == Array("sip/".utf8) { return nil }
        guard let headerEnd = endOfHeaders(bytes, from: start),
            let lineEnd = bytes[start..<headerEnd].firstIndex(of: UInt8(ascii: "\n"))
        else { return nil }

        var buffer = ByteBuffer(string: "OPTIONS sip:invalid.invalid SIP/2.0\r\n")
        for line in bytes[(lineEnd + 1)..<headerEnd].split(separator: UInt8(ascii: "\n")) {
            var content = line
            if content.last == UInt8(ascii: "\r") { content = content.dropLast() }
            let name = String(decoding: content.prefix { $0 != UInt8(ascii: ":") }, as: UTF8.self)
                .filter { $0 != " " && $0 != "\t" }.lowercased()
            if name == "content-length" || name == "l" { continue }
            buffer.writeBytes(content)
            buffer.writeString("\r\n")
        }
        buffer.writeString("Content-Length: 0\r\n\r\n")

        guard var salvaged = try? parser.parseDatagram(&buffer), salvaged.topVia != nil,
            salvaged.callID != nil, salvaged.cseq != nil
        else { return nil }
        if let source { salvaged.recordSource(source) }
        return SIPMessage.response(to: salvaged, status: error.suggestedStatus, reason: error.reasonPhrase)
    }

    /// Offset of the blank line that ends the header section.
    private static func endOfHeaders(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                if bytes[index + 1] == UInt8(ascii: "\n") { return index + 1 }
                if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\r"), bytes[index + 2] == UInt8(ascii: "\n") {
                    return index + 1
                }
            }
            index += 1
        }
        return nil
    }
}
