import Logging
import NIOCore
import ParleySIP

/// Hands each UDP datagram to the UAS core (same event loop: no hop).
final class SIPDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let agent: SIPUserAgent

    init(agent: SIPUserAgent) {
        self.agent = agent
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        agent.receiveDatagram(envelope.data, from: envelope.remoteAddress)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // An ICMP error for an earlier send, a truncated read: keep the socket open.
        agent.logger.trace("SIP UDP socket error", metadata: ["error": "\(error)"])
    }
}

/// Cuts a SIP byte stream into whole messages with ParleySIP's `SIPStreamFramer`, keeping the
/// frame's bytes so that a message that does not parse can still be answered 400. A framing
/// error (the stream cannot be cut any more) is thrown, which closes the connection.
struct SIPFramingDecoder: ByteToMessageDecoder {
    typealias InboundOut = SIPStreamFrame

    private let framer: SIPStreamFramer

    init(maximumMessageSize: Int) {
        self.framer = SIPStreamFramer(maximumMessageSize: maximumMessageSize)
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try framer.nextFrame(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}

/// One TCP connection: registers it with the UAS core and hands it each framed message.
final class SIPStreamHandler: ChannelInboundHandler {
    typealias InboundIn = SIPStreamFrame
    typealias OutboundOut = ByteBuffer

    private let agent: SIPUserAgent
    private var connection: Int?

    init(agent: SIPUserAgent) {
        self.agent = agent
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { register(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        register(context)
        context.fireChannelActive()
    }

    private func register(_ context: ChannelHandlerContext) {
        guard connection == nil else { return }
        guard let id = agent.connectionOpened(context.channel) else {
            agent.logger.warning("SIP TCP connection refused: too many connections")
            context.close(promise: nil)
            return
        }
        connection = id
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let connection { agent.connectionClosed(connection) }
        connection = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let connection, let remote = context.channel.remoteAddress else { return }
        switch unwrapInboundIn(data) {
        case .message(let frame):
            agent.receiveFrame(frame, flow: .tcp(connection: connection, remote: remote))
        case .keepAlive:
            // RFC 5626 §4.4.1: a CRLF CRLF ping gets a CRLF pong.
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "\r\n")), promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        agent.streamFailed(error, connection: connection ?? 0)
        context.close(promise: nil)
    }
}
