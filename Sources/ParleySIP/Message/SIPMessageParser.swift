import NIOCore

/// Parses SIP messages from bytes (RFC 3261 §7, §18.3, §25).
///
/// Parsing checks the start line, the header-line syntax and Content-Length; it does not
/// interpret the other headers. `SIPMessage.validate()` then checks the mandatory headers,
/// so that a server still holds the message's Via, From, To, Call-ID and CSeq to answer 400.
public struct SIPMessageParser: Sendable {
    /// Largest message accepted, headers and body together.
    public var maximumMessageSize: Int

    public init(maximumMessageSize: Int = 65_536) {
        self.maximumMessageSize = maximumMessageSize
    }

    /// Parses the one message a datagram holds, consuming the whole datagram.
    ///
    /// Content-Length is optional (the body is then the rest of the datagram); octets past
    /// Content-Length are discarded (RFC 3261 §18.3). On error the reader index is unchanged.
    public func parseDatagram(_ buffer: inout ByteBuffer) throws(SIPParseError) -> SIPMessage {
        guard buffer.readableBytes <= maximumMessageSize else {
            throw SIPParseError(.messageTooLarge, offset: maximumMessageSize)
        }
        let message = try parse(buffer, requireExactLength: false)
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return message
    }

    /// Parses one message framed by `SIPStreamFramer` (its Content-Length spans the frame).
    public func parseFrame(_ frame: inout ByteBuffer) throws(SIPParseError) -> SIPMessage {
        guard frame.readableBytes <= maximumMessageSize else {
            throw SIPParseError(.messageTooLarge, offset: maximumMessageSize)
        }
        let message = try parse(frame, requireExactLength: true)
        frame.moveReaderIndex(forwardBy: frame.readableBytes)
        return message
    }

    private func parse(_ buffer: ByteBuffer, requireExactLength: Bool) throws(SIPParseError) -> SIPMessage {
        let view = buffer.readableBytesView
        let bytes = Array(view)
        let skipped = SIPHeaderSection.leadingLineBreaks(in: bytes)
        guard let (headerEnd, bodyStart) = SIPHeaderSection.findEnd(in: bytes, from: skipped, limit: bytes.count)
        else { throw SIPParseError(.incompleteHeaders, offset: bytes.count) }
        let lexed = try SIPHeaderSection.lex(Array(bytes[skipped..<headerEnd]), baseOffset: skipped)
        let startLine = try SIPStartLineParser.parse(lexed.startLine)
        let headers = SIPHeaders(lexed.fields)

        let available = bytes.count - bodyStart
        let bodyLength: Int
        if let declared = try contentLength(of: lexed) {
            guard declared <= available else {
                throw SIPParseError(.truncatedBody, header: "Content-Length", offset: bytes.count)
            }
            bodyLength = declared
        } else {
            bodyLength = available
        }
        if requireExactLength, bodyLength != available {
            throw SIPParseError(.invalidContentLength, header: "Content-Length", offset: bodyStart)
        }
        let body = buffer.getSlice(at: buffer.readerIndex + bodyStart, length: bodyLength) ?? ByteBuffer()
        return SIPMessage(startLine: startLine, headers: headers, body: body)
    }

    /// The single Content-Length value, nil if absent.
    private func contentLength(of lexed: SIPHeaderSection.Lexed) throws(SIPParseError) -> Int? {
        var result: Int?
        for (field, offset) in zip(lexed.fields, lexed.fieldOffsets) where field.name == .contentLength {
            guard result == nil else {
                throw SIPParseError(.multipleContentLength, header: "Content-Length", offset: offset)
            }
            guard let value = SIPValueScanner.number(Array(field.value.utf8), limit: UInt64(maximumMessageSize))
            else { throw SIPParseError(.invalidContentLength, header: "Content-Length", offset: offset) }
            result = Int(value)
        }
        return result
    }
}

extension SIPMessage {
    /// Parses a message held in a string, as a datagram (convenient in tests and tools).
    public init(parsing text: String, parser: SIPMessageParser = SIPMessageParser()) throws(SIPParseError) {
        var buffer = ByteBuffer(string: text)
        self = try parser.parseDatagram(&buffer)
    }
}
