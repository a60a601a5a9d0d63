import NIOCore

/// An RTCP receiver report, packet type 201 (RFC 3550 section 6.4.2).
public struct RTCPReceiverReport: Hashable, Sendable {
    public static let packetType: UInt8 = 201

    /// The reporter.
    public var ssrc: UInt32
    /// At most 31 blocks.
    public var reportBlocks: [RTCPReportBlock]

    public init(ssrc: UInt32, reportBlocks: [RTCPReportBlock] = []) {
        self.ssrc = ssrc
        self.reportBlocks = reportBlocks
    }

    init(body: ByteBuffer, count: Int) throws(RTPParseError) {
        var input = body
        guard let ssrc = input.readInteger(as: UInt32.self) else {
            throw RTPParseError(.badLength, kind: .rtcp, offset: 4)
        }
        self.ssrc = ssrc
        self.reportBlocks = try RTCPPacket.readReportBlocks(from: &input, count: count, bodyOffset: 8)
    }

    var count: Int { reportBlocks.count }

    func writeBody(to buffer: inout ByteBuffer) {
        buffer.writeInteger(ssrc)
        for block in reportBlocks.prefix(31) {
            block.write(to: &buffer)
        }
    }
}
