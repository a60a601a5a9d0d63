import NIOCore

/// An RTCP sender report, packet type 200 (RFC 3550 section 6.4.1).
public struct RTCPSenderReport: Hashable, Sendable {
    public static let packetType: UInt8 = 200

    public var ssrc: UInt32
    /// Wall-clock time when this report was sent.
    public var ntpTimestamp: NTPTimestamp
    /// The same instant in the RTP timestamp units of the sender's stream.
    public var rtpTimestamp: UInt32
    public var packetCount: UInt32
    public var octetCount: UInt32
    /// At most 31 blocks.
    public var reportBlocks: [RTCPReportBlock]

    public init(
        ssrc: UInt32,
        ntpTimestamp: NTPTimestamp,
        rtpTimestamp: UInt32,
        packetCount: UInt32,
        octetCount: UInt32,
        reportBlocks: [RTCPReportBlock] = []
    ) {
        self.ssrc = ssrc
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
        self.reportBlocks = reportBlocks
    }

    /// Parses the body that follows the common header. Profile extensions after the report
    /// blocks are ignored.
    init(body: ByteBuffer, count: Int) throws(RTPParseError) {
        var input = body
        guard
            let ssrc = input.readInteger(as: UInt32.self),
            let ntp = input.readInteger(as: UInt64.self),
            let rtp = input.readInteger(as: UInt32.self),
            let packets = input.readInteger(as: UInt32.self),
            let octets = input.readInteger(as: UInt32.self)
        else {
            throw RTPParseError(.badLength, kind: .rtcp, offset: 4)
        }
        self.ssrc = ssrc
        self.ntpTimestamp = NTPTimestamp(rawValue: ntp)
        self.rtpTimestamp = rtp
        self.packetCount = packets
        self.octetCount = octets
        self.reportBlocks = try RTCPPacket.readReportBlocks(from: &input, count: count, bodyOffset: 28)
    }

    var count: Int { reportBlocks.count }

    func writeBody(to buffer: inout ByteBuffer) {
        buffer.writeInteger(ssrc)
        buffer.writeInteger(ntpTimestamp.rawValue)
        buffer.writeInteger(rtpTimestamp)
        buffer.writeInteger(packetCount)
        buffer.writeInteger(octetCount)
        for block in reportBlocks.prefix(31) {
            block.write(to: &buffer)
        }
    }
}
