import Logging
import NIOCore

/// The media socket's only handler: passes each datagram of a vector read to the core, on
/// the loop, and tells it when the batch ends (so the clock is read once per batch). STUN
/// datagrams go to the ``STUNResponder`` instead.
final class MediaChannelHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let core: MediaCore
    private let stun: STUNResponder

    init(core: MediaCore, stun: STUNResponder) {
        self.core = core
        self.stun = stun
    }

    func handlerAdded(context: ChannelHandlerContext) {
        core.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        core.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        // STUN shares the port with RTP (RFC 7983): answered here, never seen by the core.
        if STUNResponder.isSTUN(envelope.data) {
            stun.receive(envelope, context: context)
            return
        }
        core.receive(envelope.data, from: envelope.remoteAddress)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        core.endOfReadBatch()
    }

    func channelInactive(context: ChannelHandlerContext) {
        core.context = nil
        if !core.isStopped {
            // NIO closes a UDP socket on send errors other than EMSGSIZE/EHOSTUNREACH (EPERM
            // from a local firewall's OUTPUT rule, for one). Say so loudly: every call on this
            // node has lost its media.
            core.logger.critical(
                "the media socket closed unexpectedly; calls on this node have no audio until parley restarts",
                metadata: ["fix": "Do not drop the node's outgoing UDP in a local firewall (see docs/operations.md, Ports)."])
        }
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
