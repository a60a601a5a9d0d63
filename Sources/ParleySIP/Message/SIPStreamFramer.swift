import NIOCore

/// One unit cut from a SIP byte stream.
public enum SIPStreamFrame: Sendable, Hashable {
    /// The bytes of one whole message: header section plus Content-Length octets of body.
    case message(ByteBuffer)
    /// An RFC 5626 §3.5.1 keep-alive ping (CRLF CRLF); answer it with a single CRLF.
    case keepAlive
}

/// Cuts a SIP stream (TCP, TLS) into messages by Content-Length (RFC 3261 §18.3).
///
/// Pure: it only looks at the buffer it is given. `nextFrame` consumes exactly one frame or
/// leaves the reader index where it was. A missing Content-Length counts as zero. A frame
/// error means the stream can no longer be framed: the connection should be closed.
public struct SIPStreamFramer: Sendable {
    public var maximumMessageSize: Int

    public init(maximumMessageSize: Int = 65_536) {
        self.maximumMessageSize = maximumMessageSize
    }

    public func nextFrame(_ buffer: inout ByteBuffer) throws(SIPParseError) -> SIPStreamFrame? {
        let bytes = Array(buffer.readableBytesView.prefix(maximumMessageSize + 4))

        // Line breaks before a start line are ignored; a double CRLF is a keep-alive ping.
        if bytes.starts(with: [SIPCharacterClass.cr, SIPCharacterClass.lf, SIPCharacterClass.cr, SIPCharacterClass.lf]) {
            buffer.moveReaderIndex(forwardBy: 4)
            return .keepAlive
        }
        let skipped = SIPHeaderSection.leadingLineBreaks(in: bytes)
        if skipped > 0 {
            if skipped == bytes.count, bytes.count < 4, bytes.first == SIPCharacterClass.cr {
                return nil  // possibly the start of a ping still arriving
            }
            // Stray line breaks (a keep-alive pong) are dropped before the next message.
            buffer.moveReaderIndex(forwardBy: skipped)
            return try nextFrame(&buffer)
        }

        guard let (headerEnd, bodyStart) = SIPHeaderSection.findEnd(in: bytes, from: 0, limit: bytes.count) else {
            if bytes.count > maximumMessageSize {
                throw SIPParseError(.messageTooLarge, offset: maximumMessageSize)
            }
            return nil
        }
        let lexed = try SIPHeaderSection.lex(Array(bytes[..<headerEnd]), baseOffset: 0)
        var contentLength = 0
        var seen = false
        for (field, offset) in zip(lexed.fields, lexed.fieldOffsets) where field.name == .contentLength {
            guard !seen else { throw SIPParseError(.multipleContentLength, header: "Content-Length", offset: offset) }
            seen = true
            guard let value = SIPValueScanner.number(Array(field.value.utf8), limit: UInt64(maximumMessageSize)) else {
                throw SIPParseError(.invalidContentLength, header: "Content-Length", offset: offset)
            }
            contentLength = Int(value)
        }
        let total = bodyStart + contentLength
        guard total <= maximumMessageSize else {
            throw SIPParseError(.messageTooLarge, offset: maximumMessageSize)
        }
        guard buffer.readableBytes >= total, let frame = buffer.readSlice(length: total) else {
            return nil
        }
        return .message(frame)
    }
}
