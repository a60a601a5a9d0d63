import Logging
import NIOCore

/// The media socket's only handler: passes each datagram of a vector read to the core, on
/// the loop, and tells it when the batch ends (so the clock is read once per batch).
final class MediaChannelHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let core: MediaCore

    init(core: MediaCore) {
        self.core = core
    }

    func handlerAdded(context: ChannelHandlerContext) {
        core.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        core.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        core.receive(envelope.data, from: envelope.remoteAddress)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        core.endOfReadBatch()
    }

    func channelInactive(context: ChannelHandlerContext) {
        core.context = nil
        context.fireChannelInactive()
    }

    /// UDP errors (an ICMP port unreachable from a caller that hung up, reported as
    /// ECONNREFUSED on the next read) concern one peer, not the socket: log and go on.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        core.logger.debug("media socket error", metadata: ["error": "\(error)"])
    }
}

/// Wakes the core at each tick deadline.
struct MediaTickCallback: NIOScheduledCallbackHandler {
    let core: MediaCore

    func handleScheduledCallback(eventLoop: some EventLoop) {
        core.runTick()
    }
}
