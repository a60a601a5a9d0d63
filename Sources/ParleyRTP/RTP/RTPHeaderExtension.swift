import NIOCore

/// An RTP header extension (RFC 3550 section 5.3.1): a 16-bit profile-defined value and a
/// body whose length is a multiple of four bytes.
///
/// Parsing keeps the body as a slice of the received packet, so it costs no allocation;
/// applications that do not understand the profile simply ignore it.
public struct RTPHeaderExtension: Hashable, Sendable {
    /// "Defined by profile": `0xBEDE` for RFC 8285 one-byte headers, `0x100x` for two-byte.
    public var profile: UInt16
    /// The extension body. Written padded with zero bytes to a multiple of four.
    public var data: ByteBuffer

    public init(profile: UInt16, data: ByteBuffer) {
        self.profile = profile
        self.data = data
    }

    /// Bytes on the wire: four header bytes plus the body rounded up to a 32-bit word.
    public var encodedLength: Int { 4 + Self.paddedLength(data.readableBytes) }

    static func paddedLength(_ length: Int) -> Int { (length + 3) & ~3 }

    func write(to buffer: inout ByteBuffer) {
        let padded = Self.paddedLength(data.readableBytes)
        buffer.writeInteger(profile)
        buffer.writeInteger(UInt16(truncatingIfNeeded: padded / 4))
        buffer.writeImmutableBuffer(data)
        buffer.writeRepeatingByte(0, count: padded - data.readableBytes)
    }
}
