import NIOCore

/// What the SIP stream decoder hands to the next handler.
public enum SIPStreamEvent: Sendable, Hashable {
    case message(SIPMessage)
    /// A frame that could be cut but not parsed: answer 400 if possible, keep the connection.
    case malformed(SIPParseError)
    /// An RFC 5626 keep-alive ping: write back a single CRLF.
    case keepAlive
}

/// Frames SIP over a stream transport: a thin shell over `SIPStreamFramer` and
/// `SIPMessageParser`. Framing errors (a bad or missing end of headers, a bad
/// Content-Length) are thrown, which closes the connection.
public struct SIPMessageDecoder: ByteToMessageDecoder {
    public typealias InboundOut = SIPStreamEvent

    private let framer: SIPStreamFramer
    private let parser: SIPMessageParser

    public init(maximumMessageSize: Int = 65_536) {
        self.framer = SIPStreamFramer(maximumMessageSize: maximumMessageSize)
        self.parser = SIPMessageParser(maximumMessageSize: maximumMessageSize)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try framer.nextFrame(&buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(event(for: frame)))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }

    private func event(for frame: SIPStreamFrame) -> SIPStreamEvent {
        switch frame {
        case .keepAlive:
            return .keepAlive
        case .message(var bytes):
            do {
                return .message(try parser.parseFrame(&bytes))
            } catch {
                return .malformed(error)
            }
        }
    }
}

/// Writes SIP messages to a stream transport.
public struct SIPMessageEncoder: MessageToByteEncoder {
    public typealias OutboundIn = SIPMessage

    public init() {}

    public func encode(data: SIPMessage, out: inout ByteBuffer) throws {
        data.write(into: &out)
    }
}
