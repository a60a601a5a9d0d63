import NIOCore

/// The fixed RTP header (RFC 3550 section 5.1) with its CSRC list and optional extension.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
/// |                           timestamp                           |
/// |           synchronization source (SSRC) identifier            |
/// |            contributing source (CSRC) identifiers             |
/// ```
///
/// Padding (the P bit) belongs to the packet, not the header: see ``RTPPacket``.
public struct RTPHeader: Hashable, Sendable {
    /// The only RTP version in use.
    public static let version: UInt8 = 2
    /// Size of the fixed part of the header.
    public static let fixedLength = 12

    /// The marker bit; for audio, the first packet of a talkspurt.
    public var marker: Bool
    /// Payload type, 0-127 (RFC 3551 static types or a dynamic type from SDP).
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    /// Sampling instant of the first octet, in units of the payload's clock rate.
    public var timestamp: UInt32
    public var ssrc: UInt32
    public var csrcs: RTPCSRCList
    public var headerExtension: RTPHeaderExtension?

    public init(
        marker: Bool = false,
        payloadType: UInt8,
        sequenceNumber: UInt16,
        timestamp: UInt32,
        ssrc: UInt32,
        csrcs: RTPCSRCList = RTPCSRCList(),
        headerExtension: RTPHeaderExtension? = nil
    ) {
        self.marker = marker
        self.payloadType = payloadType & 0x7F
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = csrcs
        self.headerExtension = headerExtension
    }

    /// Bytes this header occupies on the wire.
    public var encodedLength: Int {
        Self.fixedLength + 4 * csrcs.count + (headerExtension?.encodedLength ?? 0)
    }

    /// Writes the header. `padding` sets the P bit; the caller appends the padding itself
    /// (``RTPPacket/write(to:)`` does).
    @discardableResult
    public func write(to buffer: inout ByteBuffer, padding: Bool = false) -> Int {
        var first = Self.version << 6
        if padding { first |= 0x20 }
        if headerExtension != nil { first |= 0x10 }
        first |= UInt8(truncatingIfNeeded: csrcs.count) & 0x0F
        let second = (marker ? 0x80 : 0) | (payloadType & 0x7F)
        buffer.writeInteger(first)
        buffer.writeInteger(second)
        buffer.writeInteger(sequenceNumber)
        buffer.writeInteger(timestamp)
        buffer.writeInteger(ssrc)
        csrcs.write(to: &buffer)
        headerExtension?.write(to: &buffer)
        return encodedLength
    }
}
