import Logging
import NIOCore
import ParleyRTP

extension MediaCore {
    /// One datagram from the socket. Classified by its first bytes (RFC 7983), parsed in
    /// place, routed to a leg by source address (then SSRC, then the latching rules), and
    /// handed to the leg's DTMF receiver or jitter buffer.
    /// `legID` names the call whose own socket (per-call ports) received it; nil for the
    /// shared port.
    func receive(_ buffer: ByteBuffer, from address: SocketAddress, forLeg legID: String? = nil) {
        guard !isStopped else { return }
        if legID == nil, netTest?.answer(buffer, from: address) == true { return }  // network-test probes (0xD0)
        let now = batchNow ?? readBatchClock()
        switch MediaPacketKind(classifying: buffer) {
        case .rtp:
            receiveRTP(buffer, from: address, now: now)
        case .rtcp:
            receiveRTCP(buffer, from: address, now: now, socketOwner: legID.flatMap { legs[$0] })
        case .stun, .dtls, .zrtp, .turnChannel, .unknown:
            counters.droppedOtherProtocol &+= 1
        }
    }

    /// The end of a batch of reads: the next datagram reads the clock again.
    func endOfReadBatch() {
        batchNow = nil
    }

    private func readBatchClock() -> UInt64 {
        let now = clockNow()
        batchNow = now
        return now
    }

    private func receiveRTP(_ buffer: ByteBuffer, from address: SocketAddress, now: UInt64) {
        var input = buffer
        let packet: RTPPacket
        do {
            packet = try RTPPacket(parsing: &input)
        } catch {
            counters.droppedMalformed &+= 1
            return
        }
        guard let leg = route(packet.header, from: address, now: now) else {
            counters.droppedUnknownSource &+= 1
            if logger.logLevel <= .trace {
                logger.trace("RTP from an unknown source dropped", metadata: ["source": "\(address)"])
            }
            return
        }
        counters.packetsReceived &+= 1
        let ssrc = packet.header.ssrc
        if leg.remoteSSRC != ssrc {
            if let old = leg.remoteSSRC, ssrcIndex[old] === leg {
                ssrcIndex[old] = nil
            }
            leg.resetReceiveState(for: ssrc)
            ssrcIndex[ssrc] = leg
        }
        if let digit = leg.receive(packet, now: now, rtpNow: rtpTime(now)) {
            leg.events.onDigit(digit)
        }
    }

    /// Finds the leg a packet belongs to, latching it to a new source where the rules allow.
    private func route(_ header: RTPHeader, from address: SocketAddress, now: UInt64) -> MediaLeg? {
        if let leg = addressIndex[address] {
            _ = leg.latch.evaluate(fromCurrentSource: true, ssrc: header.ssrc, sequence: header.sequenceNumber, now: now)
            if leg.currentAddress != address {
                // First media from the signalled address: it is the source now.
                leg.currentAddress = address
            }
            dropFromAwaiting(leg)
            return leg
        }
        guard let candidate = ssrcIndex[header.ssrc] ?? legAwaitingMedia(from: address, payloadType: header.payloadType, now: now) else {
            return nil
        }
        switch candidate.latch.evaluate(fromCurrentSource: false, ssrc: header.ssrc, sequence: header.sequenceNumber, now: now) {
        case .accept, .latch:
            latch(candidate, to: address)
            return candidate
        case .reject:
            return nil
        }
    }

    /// Moves a leg's stream to a new source address.
    private func latch(_ leg: MediaLeg, to address: SocketAddress) {
        unregisterAddresses(of: leg)
        leg.currentAddress = address
        addressIndex[address] = leg
        dropFromAwaiting(leg)
        counters.latches &+= 1
        logger.debug("media leg latched to a new source", metadata: ["sip_call_id": "\(leg.id)", "source": "\(address)"])
    }

    private func dropFromAwaiting(_ leg: MediaLeg) {
        guard leg.isAwaitingMedia else { return }
        leg.isAwaitingMedia = false
        awaitingMedia.removeAll { $0 === leg }
    }

    /// The leg a first packet from an unknown address is for, when that is unambiguous:
    /// among legs still waiting for media inside their window, the one whose signalled
    /// address has the same host (a NAT changed the port), else the only one that uses this
    /// payload type. With several candidates the packet is dropped: with a single media
    /// port, guessing could hand one caller's audio to another.
    private func legAwaitingMedia(from address: SocketAddress, payloadType: UInt8, now: UInt64) -> MediaLeg? {
        guard !awaitingMedia.isEmpty else { return nil }
        var host = address
        host.port = 0
        var sameHost: MediaLeg?
        var sameHostCount = 0
        var sameType: MediaLeg?
        var sameTypeCount = 0
        for leg in awaitingMedia where leg.latch.isOpen(now: now) {
            if var signalled = leg.signalledAddress {
                signalled.port = 0
                if signalled == host {
                    sameHost = leg
                    sameHostCount += 1
                }
            }
            let parameters = leg.parameters
            if payloadType == parameters.payloadType || payloadType == parameters.telephoneEventPayloadType {
                sameType = leg
                sameTypeCount += 1
            }
        }
        if sameHostCount == 1 { return sameHost }
        if sameHostCount == 0, sameTypeCount == 1 { return sameType }
        return nil
    }

    /// Forgets legs whose latching window closed without media (once a second).
    func pruneAwaitingMedia(now: UInt64) {
        guard !awaitingMedia.isEmpty else { return }
        awaitingMedia.removeAll { leg in
            guard !leg.latch.isOpen(now: now) else { return false }
            leg.isAwaitingMedia = false
            return true
        }
    }
}
