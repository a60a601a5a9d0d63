import NIOCore

/// ITU-T G.722 decoder, 64 kbit/s mode: one byte in, two 16 kHz samples out.
///
/// Each byte carries a 6-bit low-band and a 2-bit high-band ADPCM code. The low band is
/// reconstructed with the 6-bit inverse quantizer while the predictor adapts on the 4-bit
/// core (as in the encoder, which keeps the two in step); the receive QMF recombines the
/// bands. A 160-byte RTP payload (20 ms) gives 320 samples. Decoding never allocates (the
/// QMF works in a stack buffer of one block) and is deterministic: the same bytes from the
/// same state give the same samples.
public struct G722Decoder: Sendable {
    private var low = G722Band(det: 32)
    private var high = G722Band(det: 8)
    /// Receive QMF delay line.
    private var history = G722QMFHistory()

    /// Bytes per block: the stack buffer is 24 + 2 × 160 values (688 bytes).
    private static let block = 160

    public init() {}

    /// Decodes `min(codes.count, output.count / 2)` bytes; returns the samples written.
    @discardableResult
    public mutating func decode(_ codes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        let count = min(codes.count, output.count / 2)
        guard count > 0, let input = codes.baseAddress, let samples = output.baseAddress else { return 0 }
        withUnsafeTemporaryAllocation(of: Int16.self, capacity: G722QMFHistory.taps + 2 * Self.block) { buffer in
            guard let line = buffer.baseAddress else { return }
            var done = 0
            while done < count {
                let bytes = min(count &- done, Self.block)
                Self.decodeBlock(
                    input + done,
                    bytes,
                    into: samples + 2 &* done,
                    line: line,
                    low: &low,
                    high: &high,
                    history: &history
                )
                done &+= bytes
            }
        }
        return count * 2
    }

    /// Decodes one block of at most ``block`` bytes, with `line` for the filter.
    ///
    /// Not inlined, on purpose: the state comes in as `inout` parameters, which the compiler
    /// may keep in registers for the loops (they alias nothing); inlined into `decode`'s
    /// closure they would be captured variables, read and written through memory.
    @inline(never)
    private static func decodeBlock(
        _ input: UnsafeRawPointer,
        _ bytes: Int,
        into samples: UnsafeMutablePointer<Int16>,
        line: UnsafeMutablePointer<Int16>,
        low: inout G722Band,
        high: inout G722Band,
        history: inout G722QMFHistory
    ) {
        let tables = G722Tables.shared
        history.store(to: line)
        // The two bands first: their adaptation is the serial part; the filter then runs
        // over the whole block.
        for index in 0..<bytes {
            let code = Int(input.load(fromByteOffset: index, as: UInt8.self))
            // Block 4 is called here rather than from the band decoders: see its note.
            let (rlow, dlow) = decodeLow(code & 0x3F, &low, tables)
            low.block4(dlow, tables)
            let (rhigh, dhigh) = decodeHigh(code >> 6, &high, tables)
            high.block4(dhigh, tables)
            let slot = G722QMFHistory.taps &+ 2 &* index
            line[slot] = Int16(truncatingIfNeeded: rlow &+ rhigh)
            line[slot &+ 1] = Int16(truncatingIfNeeded: rlow &- rhigh)
        }
        // Receive QMF: each window ends with one byte's pair.
        G722QMFHistory.join(line, pairs: bytes, into: samples)
        history.load(from: line + 2 &* bytes)
    }

    /// Decodes a payload slice; returns the samples written.
    @discardableResult
    public mutating func decode(_ payload: ByteBuffer, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        payload.withUnsafeReadableBytes { decode($0, into: output) }
    }

    /// Blocks 5L, 6L, 2L and 3L of the low band; returns the reconstructed signal and the
    /// quantized difference for block 4.
    @inline(__always)
    private static func decodeLow(_ code: Int, _ band: inout G722Band, _ tables: G722Tables) -> (signal: Int, difference: Int) {
        // INVQBL and RECONS with the full 6-bit code, then LIMIT.
        let rlow = G722Band.clamp(band.s &+ ((band.det &* tables.lowQM6(code)) >> 15), -16384, 16383)
        // INVQAL: the predictor adapts on the 4-bit core.
        let dlow = (band.det &* tables.lowQM4(code)) >> 15
        band.adaptLow(tables.lowWL(code), tables)
        return (rlow, dlow)
    }

    /// Blocks 2H, 5H, 6H and 3H of the high band; returns the reconstructed signal and the
    /// quantized difference for block 4.
    @inline(__always)
    private static func decodeHigh(_ ihigh: Int, _ band: inout G722Band, _ tables: G722Tables) -> (signal: Int, difference: Int) {
        let dhigh = (band.det &* tables.highQM2(ihigh)) >> 15
        let rhigh = G722Band.clamp(dhigh &+ band.s, -16384, 16383)
        band.adaptHigh(tables.highWH(ihigh), tables)
        return (rhigh, dhigh)
    }
}
