import NIOCore

/// ITU-T G.711 µ-law (PCMU, RTP payload type 0): 16-bit linear PCM ↔ 8-bit codes.
///
/// Decoding is a lookup in a table built once. Encoding one sample finds the segment (the
/// position of the highest set bit above the bias) with one leading-zero count instead of a
/// search loop, then takes four mantissa bits; the buffer encoder looks the codes up in a
/// table filled by it (``G711Lookup``). Both work on caller-provided buffers and never
/// allocate.
/// Matches the classic Sun/CCITT reference (`linear2ulaw`/`ulaw2linear`): 0xFF ↔ 0,
/// 0x00 ↔ -32124, 0x80 ↔ 32124.
public enum G711MuLaw: G711Companding {
    private static let bias: Int32 = 0x84
    private static let clip: Int32 = 8159

    /// All 256 codes decoded.
    public static let decodeTable: [Int16] = (0...255).map { decodeSlow(UInt8($0)) }

    /// Decode table and a 16 KiB encode table by the top 14 bits of a sample.
    public static let lookup = G711Lookup(ignoredBits: 2, decode: { decodeTable[Int($0)] }, encode: { encode($0) })

    private static func decodeSlow(_ code: UInt8) -> Int16 {
        let u = ~code
        var t = (Int32(u & 0x0F) << 3) + bias
        t <<= Int32((u & 0x70) >> 4)
        return Int16(u & 0x80 != 0 ? bias - t : t - bias)
    }

    /// One sample to its µ-law code.
    @inlinable
    public static func encode(_ sample: Int16) -> UInt8 {
        // 16-bit to the 14-bit range of the reference encoder.
        var value = Int32(sample) >> 2
        let mask: UInt8
        if value < 0 {
            value = -value
            mask = 0x7F
        } else {
            mask = 0xFF
        }
        if value > 8159 { value = 8159 }
        value += 0x84 >> 2
        // Segment = number of significant bits above bit 5 (values 0x20...0x1FFF).
        let segment = 32 - UInt32(value >> 6).leadingZeroBitCount
        if segment >= 8 { return 0x7F ^ mask }
        let code = UInt8(segment << 4) | UInt8((value >> Int32(segment + 1)) & 0x0F)
        return code ^ mask
    }

    /// One code to a 16-bit sample.
    @inlinable
    public static func decode(_ code: UInt8) -> Int16 {
        lookup.decode(code)
    }
}
