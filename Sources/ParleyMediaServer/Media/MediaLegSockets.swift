import Logging
import NIOCore

/// A call's own RTP and RTCP sockets (per-call ports, `media.port_range`). Loop-confined:
/// created, used and closed on the engine's event loop.
final class MediaLegSockets {
    let port: Int
    let rtp: MediaLegSocketHandler
    let rtcp: MediaLegSocketHandler

    init(port: Int, rtp: MediaLegSocketHandler, rtcp: MediaLegSocketHandler) {
        self.port = port
        self.rtp = rtp
        self.rtcp = rtcp
    }

    var rtpContext: ChannelHandlerContext? { rtp.context }
    var rtcpContext: ChannelHandlerContext? { rtcp.context }

    func close() {
        rtp.context?.close(promise: nil)
        rtcp.context?.close(promise: nil)
    }
}

/// The handler of a per-call socket: datagrams go to the core like those of the shared port,
/// with the call they arrived for, so RTCP from the caller's RTCP port finds its leg.
final class MediaLegSocketHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let core: MediaCore
    private let legID: String
    /// The socket's context while the handler is in its pipeline.
    private(set) var context: ChannelHandlerContext?

    init(core: MediaCore, legID: String) {
        self.core = core
        self.legID = legID
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        core.receive(envelope.data, from: envelope.remoteAddress, forLeg: legID)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        core.endOfReadBatch()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        core.logger.debug("per-call media socket error", metadata: ["sip_call_id": "\(legID)", "error": "\(error)"])
    }
}
