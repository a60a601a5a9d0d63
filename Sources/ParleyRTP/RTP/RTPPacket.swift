import NIOCore

/// An RTP packet: header, payload and the number of padding bytes it carried.
///
/// Parsing consumes the whole readable region of the buffer (one datagram, or one RFC 4571
/// frame) and keeps the payload as a slice of it: no copy, no allocation.
public struct RTPPacket: Hashable, Sendable {
    public var header: RTPHeader
    /// The payload without padding.
    public var payload: ByteBuffer
    /// Number of padding bytes including the final count byte; 0 when the P bit is clear.
    public var paddingLength: UInt8

    public init(header: RTPHeader, payload: ByteBuffer, paddingLength: UInt8 = 0) {
        self.header = header
        self.payload = payload
        self.paddingLength = paddingLength
    }

    /// Parses one RTP packet from all readable bytes of `buffer`.
    ///
    /// On success the reader index moves to the end of the packet; on failure it stays where
    /// it was. Version, padding, CSRC count and extension length are all checked against the
    /// bytes actually present.
    public init(parsing buffer: inout ByteBuffer) throws(RTPParseError) {
        var input = buffer
        let total = input.readableBytes
        func fail(_ code: RTPParseError.Code, _ offset: Int) -> RTPParseError {
            RTPParseError(code, kind: .rtp, offset: offset)
        }
        guard
            let first = input.readInteger(as: UInt8.self),
            let second = input.readInteger(as: UInt8.self),
            let sequence = input.readInteger(as: UInt16.self),
            let timestamp = input.readInteger(as: UInt32.self),
            let ssrc = input.readInteger(as: UInt32.self)
        else {
            throw fail(.truncated, total)
        }
        guard first >> 6 == RTPHeader.version else { throw fail(.badVersion, 0) }
        let hasPadding = first & 0x20 != 0
        let hasExtension = first & 0x10 != 0
        let csrcCount = Int(first & 0x0F)

        guard let csrcSlice = input.readSlice(length: csrcCount * 4) else {
            throw fail(.csrcOverflow, RTPHeader.fixedLength)
        }
        var headerExtension: RTPHeaderExtension?
        if hasExtension {
            let offset = total - input.readableBytes
            guard
                let profile = input.readInteger(as: UInt16.self),
                let words = input.readInteger(as: UInt16.self),
                let data = input.readSlice(length: Int(words) * 4)
            else {
                throw fail(.badExtension, offset)
            }
            headerExtension = RTPHeaderExtension(profile: profile, data: data)
        }

        var paddingLength: UInt8 = 0
        if hasPadding {
            // The last octet counts the padding, itself included (RFC 3550 section 5.1).
            guard
                input.readableBytes > 0,
                let count = input.getInteger(at: input.writerIndex - 1, as: UInt8.self),
                count > 0, Int(count) <= input.readableBytes
            else {
                throw fail(.badPadding, total - 1)
            }
            paddingLength = count
        }
        guard let payload = input.readSlice(length: input.readableBytes - Int(paddingLength)) else {
            throw fail(.badPadding, total - 1)
        }
        input.moveReaderIndex(forwardBy: Int(paddingLength))

        self.header = RTPHeader(
            marker: second & 0x80 != 0,
            payloadType: second & 0x7F,
            sequenceNumber: sequence,
            timestamp: timestamp,
            ssrc: ssrc,
            csrcs: RTPCSRCList(validatedSlice: csrcSlice),
            headerExtension: headerExtension
        )
        self.payload = payload
        self.paddingLength = paddingLength
        buffer = input
    }

    /// Bytes this packet occupies on the wire.
    public var encodedLength: Int {
        header.encodedLength + payload.readableBytes + Int(paddingLength)
    }

    /// Writes header, payload and padding (zero bytes ending in the count).
    @discardableResult
    public func write(to buffer: inout ByteBuffer) -> Int {
        header.write(to: &buffer, padding: paddingLength > 0)
        buffer.writeImmutableBuffer(payload)
        if paddingLength > 0 {
            buffer.writeRepeatingByte(0, count: Int(paddingLength) - 1)
            buffer.writeInteger(paddingLength)
        }
        return encodedLength
    }
}
