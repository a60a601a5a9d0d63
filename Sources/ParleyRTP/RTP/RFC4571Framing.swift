import NIOCore

/// RTP and RTCP over TCP (RFC 4571): each packet is preceded by its length as a 16-bit
/// big-endian integer. Some PBXs use it on the node's TCP media port.
public enum RFC4571Framing {
    /// Largest packet a frame can carry.
    public static let maximumPacketLength = Int(UInt16.max)

    /// Reads one complete frame and returns the packet as a slice, or nil (reader index
    /// unchanged) when the buffer does not yet hold all of it.
    public static func readFrame(from buffer: inout ByteBuffer) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self),
              buffer.readableBytes >= 2 + Int(length)
        else { return nil }
        buffer.moveReaderIndex(forwardBy: 2)
        return buffer.readSlice(length: Int(length))
    }

    /// Writes the length prefix and the packet. Returns false (writing nothing) for a
    /// packet longer than 65535 bytes.
    @discardableResult
    public static func writeFrame(_ packet: ByteBuffer, to buffer: inout ByteBuffer) -> Bool {
        guard packet.readableBytes <= maximumPacketLength else { return false }
        buffer.writeInteger(UInt16(packet.readableBytes))
        buffer.writeImmutableBuffer(packet)
        return true
    }
}

/// A `ByteToMessageDecoder` that splits an RFC 4571 TCP stream into RTP/RTCP packets.
public struct RFC4571FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    public init() {}

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let packet = RFC4571Framing.readFrame(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(packet))
        return .continue
    }
}
