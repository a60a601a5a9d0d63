import NIOCore

/// ITU-T G.711 A-law (PCMA, RTP payload type 8): 16-bit linear PCM ↔ 8-bit codes.
///
/// Same structure as ``G711MuLaw``: table decode, leading-zero-count segment search for one
/// sample, table encode for buffers, caller-provided buffers. Matches the Sun/CCITT
/// reference (`linear2alaw`/`alaw2linear`, even bits inverted with 0x55): 0xD5 ↔ 8,
/// 0x55 ↔ -8, 0xAA ↔ 32256.
public enum G711ALaw: G711Companding {
    /// All 256 codes decoded.
    public static let decodeTable: [Int16] = (0...255).map { decodeSlow(UInt8($0)) }

    /// Decode table and an 8 KiB encode table by the top 13 bits of a sample.
    public static let lookup = G711Lookup(ignoredBits: 3, decode: { decodeTable[Int($0)] }, encode: { encode($0) })

    private static func decodeSlow(_ code: UInt8) -> Int16 {
        let a = code ^ 0x55
        var t = Int32(a & 0x0F) << 4
        let segment = Int32((a & 0x70) >> 4)
        switch segment {
        case 0: t += 8
        case 1: t += 0x108
        default: t = (t + 0x108) << (segment - 1)
        }
        return Int16(a & 0x80 != 0 ? t : -t)
    }

    /// One sample to its A-law code.
    @inlinable
    public static func encode(_ sample: Int16) -> UInt8 {
        // 16-bit to the 13-bit range of the reference encoder.
        var value = Int32(sample) >> 3
        let mask: UInt8
        if value >= 0 {
            mask = 0xD5
        } else {
            mask = 0x55
            value = -value - 1
        }
        // Segment = number of significant bits above bit 4 (values 0...0xFFF).
        let segment = 32 - UInt32(value >> 5).leadingZeroBitCount
        if segment >= 8 { return 0x7F ^ mask }
        var code = UInt8(segment << 4)
        if segment < 2 {
            code |= UInt8((value >> 1) & 0x0F)
        } else {
            code |= UInt8((value >> Int32(segment)) & 0x0F)
        }
        return code ^ mask
    }

    /// One code to a 16-bit sample.
    @inlinable
    public static func decode(_ code: UInt8) -> Int16 {
        lookup.decode(code)
    }
}
