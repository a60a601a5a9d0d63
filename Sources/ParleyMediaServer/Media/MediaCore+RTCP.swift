import NIOCore
import ParleyRTP

extension MediaCore {
    /// Queues a sender report (with a reception report block once the caller's SSRC is
    /// known) and the SDES CNAME to the leg, on the RTP address (RFC 5761 multiplexing: the
    /// engine has one port).
    /// With per-call ports the report goes from the call's RTCP socket to the caller's RTCP
    /// port instead.
    func writeReport(for leg: MediaLeg, tick: UInt64, now: UInt64) {
        guard var address = leg.currentAddress, leg.sender.packetCount > 0 else { return }
        var socket: ChannelHandlerContext?
        if let sockets = leg.sockets {
            socket = sockets.rtcpContext
            let rtcpPort = leg.parameters.remoteRTCPPort ?? (address.port ?? 0) + 1
            if let ip = address.ipAddress, let rtcp = try? SocketAddress(ipAddress: ip, port: rtcpPort) { address = rtcp }
        }
        let ntp = ntpTime(now)
        var blocks: [RTCPReportBlock] = []
        if let block = leg.statistics?.makeReportBlock(now: ntp) {
            blocks.append(block)
        }
        let report = leg.sender.senderReport(now: ntp, rtpTimestamp: leg.timestamp(at: tick), reportBlocks: blocks)
        let start = outBuffer.writerIndex
        RTCPPacket.senderReport(report).write(to: &outBuffer)
        leg.sourceDescription.write(to: &outBuffer)
        pendingSends.append(PendingSend(start: start, length: outBuffer.writerIndex - start, address: address, socket: socket))
    }

    /// An RTCP compound packet from a leg's address: the caller's sender report (for the
    /// LSR/DLSR of our reports) and report blocks about our stream (round-trip time).
    /// `socketOwner` is the call whose own RTCP socket received it (per-call ports).
    func receiveRTCP(_ buffer: ByteBuffer, from address: SocketAddress, now: UInt64, socketOwner: MediaLeg? = nil) {
        guard let leg = addressIndex[address] ?? socketOwner else {
            counters.droppedUnknownSource &+= 1
            return
        }
        var input = buffer
        let compound: RTCPCompoundPacket
        do {
            compound = try RTCPCompoundPacket(parsing: &input)
        } catch {
            counters.droppedMalformed &+= 1
            return
        }
        let arrival = ntpTime(now)
        for packet in compound.packets {
            switch packet {
            case .senderReport(let report):
                if report.ssrc == leg.remoteSSRC {
                    leg.statistics?.record(senderReport: report, arrival: arrival)
                }
                updateRoundTrip(leg, from: report.reportBlocks, arrival: arrival)
            case .receiverReport(let report):
                updateRoundTrip(leg, from: report.reportBlocks, arrival: arrival)
            case .sourceDescription, .goodbye, .other:
                break
            }
        }
    }

    private func updateRoundTrip(_ leg: MediaLeg, from blocks: [RTCPReportBlock], arrival: NTPTimestamp) {
        for block in blocks where block.ssrc == leg.sender.ssrc {
            if let roundTrip = block.roundTripDuration(arrival: arrival) {
                leg.roundTrip = roundTrip
            }
        }
    }
}
