import NIOCore

/// One RTCP packet (RFC 3550 section 6.4-6.6): the common header and a typed body.
///
/// ```
///  0                   1                   2                   3
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|   RC    |      PT       |   length (32-bit words - 1)   |
/// ```
///
/// Packet types the media server does not interpret (APP, RTPFB, PSFB, XR) are kept as
/// ``Other`` with their body slice, so a compound packet can be relayed or logged.
public enum RTCPPacket: Hashable, Sendable {
    case senderReport(RTCPSenderReport)
    case receiverReport(RTCPReceiverReport)
    case sourceDescription(RTCPSourceDescription)
    case goodbye(RTCPGoodbye)
    case other(Other)

    /// An RTCP packet of a type this module does not decode.
    public struct Other: Hashable, Sendable {
        public var packetType: UInt8
        /// The five-bit count / subtype field.
        public var count: UInt8
        /// Body after the common header, without padding.
        public var body: ByteBuffer

        public init(packetType: UInt8, count: UInt8, body: ByteBuffer) {
            self.packetType = packetType
            self.count = count & 0x1F
            self.body = body
        }
    }

    /// RTCP packet types occupy 192-223 (RFC 5761 section 4).
    public static let packetTypeRange: ClosedRange<UInt8> = 192...223

    /// Parses one RTCP packet, consuming exactly the bytes its length field names. On
    /// failure the reader index is left where it was.
    public init(parsing buffer: inout ByteBuffer) throws(RTPParseError) {
        var input = buffer
        let available = input.readableBytes
        guard
            let first = input.readInteger(as: UInt8.self),
            let packetType = input.readInteger(as: UInt8.self),
            let lengthWords = input.readInteger(as: UInt16.self)
        else {
            throw RTPParseError(.truncated, kind: .rtcp, offset: available)
        }
        guard first >> 6 == 2 else { throw RTPParseError(.badVersion, kind: .rtcp, offset: 0) }
        guard Self.packetTypeRange.contains(packetType) else {
            throw RTPParseError(.badPacketType, kind: .rtcp, offset: 1)
        }
        let packetLength = (Int(lengthWords) + 1) * 4
        guard var body = input.readSlice(length: packetLength - 4) else {
            throw RTPParseError(.badLength, kind: .rtcp, offset: 2)
        }
        if first & 0x20 != 0 {
            guard
                let padding = body.getInteger(at: body.writerIndex &- 1, as: UInt8.self),
                padding > 0, Int(padding) <= body.readableBytes
            else {
                throw RTPParseError(.badPadding, kind: .rtcp, offset: packetLength - 1)
            }
            body = body.getSlice(at: body.readerIndex, length: body.readableBytes - Int(padding)) ?? body
        }
        let count = Int(first & 0x1F)
        switch packetType {
        case RTCPSenderReport.packetType:
            self = .senderReport(try RTCPSenderReport(body: body, count: count))
        case RTCPReceiverReport.packetType:
            self = .receiverReport(try RTCPReceiverReport(body: body, count: count))
        case RTCPSourceDescription.packetType:
            self = .sourceDescription(try RTCPSourceDescription(body: body, count: count))
        case RTCPGoodbye.packetType:
            self = .goodbye(try RTCPGoodbye(body: body, count: count))
        default:
            self = .other(Other(packetType: packetType, count: UInt8(count), body: body))
        }
        buffer = input
    }

    /// The packet type byte.
    public var packetType: UInt8 {
        switch self {
        case .senderReport: return RTCPSenderReport.packetType
        case .receiverReport: return RTCPReceiverReport.packetType
        case .sourceDescription: return RTCPSourceDescription.packetType
        case .goodbye: return RTCPGoodbye.packetType
        case .other(let other): return other.packetType
        }
    }

    /// Writes the packet, padding the body with zeros to a 32-bit boundary (without the P
    /// bit, as RFC 3550 allows for SDES and BYE) and filling in the length.
    @discardableResult
    public func write(to buffer: inout ByteBuffer) -> Int {
        let start = buffer.writerIndex
        let count: Int
        switch self {
        case .senderReport(let report): count = report.count
        case .receiverReport(let report): count = report.count
        case .sourceDescription(let description): count = description.count
        case .goodbye(let goodbye): count = goodbye.count
        case .other(let other): count = Int(other.count)
        }
        buffer.writeInteger(UInt8(0x80) | UInt8(min(count, 31)))
        buffer.writeInteger(packetType)
        buffer.writeInteger(UInt16(0))
        switch self {
        case .senderReport(let report): report.writeBody(to: &buffer)
        case .receiverReport(let report): report.writeBody(to: &buffer)
        case .sourceDescription(let description): description.writeBody(to: &buffer)
        case .goodbye(let goodbye): goodbye.writeBody(to: &buffer)
        case .other(let other): buffer.writeImmutableBuffer(other.body)
        }
        var written = buffer.writerIndex - start
        if written % 4 != 0 {
            buffer.writeRepeatingByte(0, count: 4 - written % 4)
            written = buffer.writerIndex - start
        }
        buffer.setInteger(UInt16(truncatingIfNeeded: written / 4 - 1), at: start + 2)
        return written
    }

    /// Reads `count` report blocks or fails with a length error at the given body offset.
    static func readReportBlocks(
        from input: inout ByteBuffer,
        count: Int,
        bodyOffset: Int
    ) throws(RTPParseError) -> [RTCPReportBlock] {
        guard input.readableBytes >= count * RTCPReportBlock.encodedLength else {
            throw RTPParseError(.badLength, kind: .rtcp, offset: bodyOffset)
        }
        var blocks: [RTCPReportBlock] = []
        blocks.reserveCapacity(count)
        for _ in 0..<count {
            guard let block = RTCPReportBlock.read(from: &input) else {
                throw RTPParseError(.badLength, kind: .rtcp, offset: bodyOffset)
            }
            blocks.append(block)
        }
        return blocks
    }
}
