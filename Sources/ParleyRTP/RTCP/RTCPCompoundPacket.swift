import NIOCore

/// A compound RTCP packet: the sequence of RTCP packets in one datagram (RFC 3550 section
/// 6.1), for example SR + SDES, or RR + SDES + BYE.
///
/// Parsing is lenient in one respect: reduced-size RTCP (RFC 5506) may start with any
/// packet type, so the "first packet is SR or RR" rule is reported by
/// ``startsWithReport`` instead of being enforced.
public struct RTCPCompoundPacket: Hashable, Sendable {
    public var packets: [RTCPPacket]

    public init(packets: [RTCPPacket]) {
        self.packets = packets
    }

    /// Parses every RTCP packet in the readable bytes of `buffer` (one datagram). Any
    /// malformed packet fails the whole datagram and leaves the reader index unchanged;
    /// error offsets are relative to the start of the datagram.
    public init(parsing buffer: inout ByteBuffer) throws(RTPParseError) {
        var input = buffer
        let total = input.readableBytes
        guard total > 0 else { throw RTPParseError(.truncated, kind: .rtcp, offset: 0) }
        var packets: [RTCPPacket] = []
        while input.readableBytes > 0 {
            let offset = total - input.readableBytes
            do {
                packets.append(try RTCPPacket(parsing: &input))
            } catch {
                throw RTPParseError(error.code, kind: .rtcp, offset: offset + error.offset)
            }
        }
        self.packets = packets
        buffer = input
    }

    /// True when the first packet is a sender or receiver report (RFC 3550 section 6.1).
    public var startsWithReport: Bool {
        switch packets.first {
        case .senderReport, .receiverReport: return true
        default: return false
        }
    }

    @discardableResult
    public func write(to buffer: inout ByteBuffer) -> Int {
        packets.reduce(0) { $0 + $1.write(to: &buffer) }
    }
}
