import NIOCore

/// What a datagram arriving on a shared media port is, decided from its first two bytes.
///
/// One UDP port carries STUN, DTLS, RTP and RTCP (RFC 5761 RTP/RTCP multiplexing, RFC 7983
/// first-byte ranges):
///
/// | first byte | protocol |
/// |---|---|
/// | 0-3 | STUN |
/// | 16-19 | ZRTP |
/// | 20-63 | DTLS |
/// | 64-79 | TURN channel |
/// | 128-191 | RTP or RTCP |
///
/// Inside 128-191 the second byte separates them: RTCP packet types are 192-223 (SR 200,
/// RR 201, SDES 202, BYE 203, APP 204, and the feedback types 205-207 browsers send),
/// which RFC 5761 section 4 keeps clear of RTP payload types with the marker bit.
public enum MediaPacketKind: Hashable, Sendable {
    case stun
    case zrtp
    case dtls
    case turnChannel
    case rtp
    case rtcp
    case unknown

    /// Classifies by the first two bytes; a one-byte datagram of the RTP range is unknown.
    public init(firstByte: UInt8, secondByte: UInt8?) {
        switch firstByte {
        case 0...3: self = .stun
        case 16...19: self = .zrtp
        case 20...63: self = .dtls
        case 64...79: self = .turnChannel
        case 128...191:
            guard let secondByte else {
                self = .unknown
                return
            }
            self = (192...223).contains(secondByte) ? .rtcp : .rtp
        default: self = .unknown
        }
    }

    /// Classifies the readable bytes of `buffer` without consuming them.
    public init(classifying buffer: ByteBuffer) {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else {
            self = .unknown
            return
        }
        self.init(firstByte: first, secondByte: buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self))
    }
}
