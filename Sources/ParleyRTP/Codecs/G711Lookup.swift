/// One G.711 law as two lookup tables, laid out once in memory that is never freed and read
/// through plain pointers: the loops over a frame pay neither the lazy-global check nor an
/// array retain and release (a shared atomic counter when several event loops code at once).
///
/// Decoding indexes 256 samples by code. Encoding indexes by the sample's top bits: the
/// reference encoders drop the low bits first (µ-law keeps 14, A-law 13), so every sample
/// with the same top bits has the same code, and a table of 16 KiB (µ-law) or 8 KiB (A-law)
/// holds them all. Both tables are filled from the single-sample functions, so they agree
/// with them exactly.
public struct G711Lookup: @unchecked Sendable {
    // @unchecked: the pointers address immutable memory written once in `init`.

    @usableFromInline let decodeTable: UnsafePointer<Int16>
    @usableFromInline let encodeTable: UnsafePointer<UInt8>
    /// Low bits of a sample the encoder ignores: the table has `65536 >> encodeShift` entries.
    @usableFromInline let encodeShift: Int

    init(ignoredBits: Int, decode: (UInt8) -> Int16, encode: (Int16) -> UInt8) {
        let decodeTable = UnsafeMutablePointer<Int16>.allocate(capacity: 256)
        for code in 0...255 {
            (decodeTable + code).initialize(to: decode(UInt8(code)))
        }
        let entries = 65536 >> ignoredBits
        let encodeTable = UnsafeMutablePointer<UInt8>.allocate(capacity: entries)
        for index in 0..<entries {
            // The top bits as an unsigned index: negative samples fill the upper half.
            (encodeTable + index).initialize(to: encode(Int16(truncatingIfNeeded: index << ignoredBits)))
        }
        self.decodeTable = UnsafePointer(decodeTable)
        self.encodeTable = UnsafePointer(encodeTable)
        self.encodeShift = ignoredBits
    }

    /// One code to a 16-bit sample.
    @inlinable
    func decode(_ code: UInt8) -> Int16 {
        decodeTable[Int(code)]
    }

    /// One sample to its code.
    @inlinable
    func encode(_ sample: Int16) -> UInt8 {
        encodeTable[Int(UInt16(bitPattern: sample) &>> UInt16(truncatingIfNeeded: encodeShift))]
    }

    /// Encodes `min(pcm.count, output.count)` samples; returns how many.
    @inlinable
    func encode(_ pcm: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let count = min(pcm.count, output.count)
        for index in 0..<count {
            output[index] = encode(pcm[index])
        }
        return count
    }

    /// Decodes `min(codes.count, output.count)` codes; returns how many samples.
    @inlinable
    func decode(_ codes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        let count = min(codes.count, output.count)
        for index in 0..<count {
            output[index] = decode(codes[index])
        }
        return count
    }
}
