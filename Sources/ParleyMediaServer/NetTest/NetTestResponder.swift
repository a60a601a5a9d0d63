import Logging
import NIOCore
import ParleyNetTest

/// The network-test responder on the node's media port: probes (first byte 0xD0, which RFC
/// 7983 leaves unassigned) are answered here, on the media loop, and never reach the RTP
/// path. Echo requests get a same-size reply; stream requests with a valid cookie get a
/// paced stream (``NetTestResponderCore`` holds the rules and the limits).
///
/// The media socket is read through NIO, which keeps only the ECN bits of the TOS byte, so
/// replies here say the request's mark is unknown (0xFF); the extra UDP port
/// (``NetTestUDPResponder``) reads it. Replies carry the media socket's own mark.
final class NetTestResponder {
    private unowned let media: MediaCore
    private var core: NetTestResponderCore
    private let replyTOS: UInt8
    private var streamTimer: Scheduled<Void>?
    private var scratch: ByteBuffer

    init(media: MediaCore, dscp: Int, limits: NetTestResponderCore.Limits = NetTestResponderCore.Limits()) {
        self.media = media
        self.replyTOS = UInt8(truncatingIfNeeded: PacketMarking.tos(dscp: dscp))
        self.core = NetTestResponderCore(limits: limits, secret: UInt64.random(in: 1...UInt64.max), now: NIODeadline.now().uptimeNanoseconds)
        self.scratch = ByteBufferAllocator().buffer(capacity: NetTestProbe.maximumLength)
    }

    /// Answers `buffer` if it is a probe; false (and nothing done) for anything else, which
    /// the media path then handles. A malformed probe is consumed and dropped.
    func answer(_ buffer: ByteBuffer, from source: SocketAddress) -> Bool {
        guard NetTestProbe.mayBeProbe(buffer) else { return false }
        guard let probe = try? NetTestProbe(datagram: buffer) else { return true }
        let now = NIODeadline.now().uptimeNanoseconds
        switch core.handle(probe, from: source, receivedTOS: NetTestProbe.unknownTOS, replyTOS: replyTOS, now: now) {
        case .reply(let reply):
            send(reply, to: source)
        case .streamStarted:
            sendDueStreamPackets()
        case .drop(let reason):
            if media.logger.logLevel <= .trace {
                media.logger.trace("network-test probe dropped", metadata: ["source": "\(source)", "reason": "\(reason.rawValue)"])
            }
        }
        return true
    }

    private func send(_ probe: NetTestProbe, to destination: SocketAddress) {
        guard let context = media.context, !media.isStopped else { return }
        scratch.clear()
        probe.write(to: &scratch)
        context.writeAndFlush(NIOAny(AddressedEnvelope(remoteAddress: destination, data: scratch)), promise: nil)
    }

    private func sendDueStreamPackets() {
        streamTimer?.cancel()
        streamTimer = nil
        guard !media.isStopped else { return }
        for (destination, packet) in core.dueStreamPackets(now: NIODeadline.now().uptimeNanoseconds) {
            send(packet, to: destination)
        }
        guard let next = core.nextStreamDeadline else { return }
        streamTimer = media.eventLoop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(next)) { [weak self] in
            self?.sendDueStreamPackets()
        }
    }
}
