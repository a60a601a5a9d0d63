import NIOCore

/// ITU-T G.722 encoder, 64 kbit/s mode: 16 kHz 16-bit PCM in, one byte per two samples out.
///
/// The transmit QMF splits each pair of input samples into a low band (0-4 kHz) and a high
/// band (4-8 kHz) sample; the low band is coded with 6-bit ADPCM, the high band with 2-bit
/// ADPCM; the byte is `high << 6 | low`. A 20 ms frame is 320 samples → 160 bytes.
///
/// RTP note (RFC 3551 section 4.5.2): G.722's RTP clock rate is 8000 Hz even though it
/// samples at 16 kHz, so a 20 ms packet advances the timestamp by 160.
///
/// The encoder is a small value with fixed storage; encoding never allocates (the QMF
/// works in a stack buffer of one block). Use ``copyState(from:)`` to hand a stream over
/// between encoders without a glitch (the mixer integration does this when a listener
/// moves from the shared mix to a personal one).
public struct G722Encoder: Sendable {
    private var low = G722Band(det: 32)
    private var high = G722Band(det: 8)
    /// Transmit QMF delay line.
    private var history = G722QMFHistory()

    /// Sample pairs per block: the stack buffer is 24 + 2 × 160 values (688 bytes).
    private static let block = 160

    public init() {}

    /// Continues the stream exactly where `other` is (same ADPCM and filter state).
    public mutating func copyState(from other: G722Encoder) {
        low = other.low
        high = other.high
        history = other.history
    }

    /// Encodes `min(pcm.count / 2, output.count)` sample pairs; returns the bytes written.
    @discardableResult
    public mutating func encode(_ pcm: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let count = min(pcm.count / 2, output.count)
        guard count > 0, let input = pcm.baseAddress, let codes = output.baseAddress else { return 0 }
        withUnsafeTemporaryAllocation(of: Int16.self, capacity: G722QMFHistory.taps + 2 * Self.block) { buffer in
            guard let line = buffer.baseAddress else { return }
            var done = 0
            while done < count {
                let pairs = min(count &- done, Self.block)
                Self.encodeBlock(
                    input + 2 &* done,
                    pairs,
                    into: codes + done,
                    line: line,
                    low: &low,
                    high: &high,
                    history: &history
                )
                done &+= pairs
            }
        }
        return count
    }

    /// Encodes one block of at most ``block`` sample pairs, with `line` for the filter.
    ///
    /// Not inlined, on purpose: the state comes in as `inout` parameters, which the compiler
    /// may keep in registers for the loops (they alias nothing); inlined into `encode`'s
    /// closure they would be captured variables, read and written through memory.
    @inline(never)
    private static func encodeBlock(
        _ input: UnsafePointer<Int16>,
        _ pairs: Int,
        into codes: UnsafeMutablePointer<UInt8>,
        line: UnsafeMutablePointer<Int16>,
        low: inout G722Band,
        high: inout G722Band,
        history: inout G722QMFHistory
    ) {
        let tables = G722Tables.shared
        history.store(to: line)
        (line + G722QMFHistory.taps).initialize(from: input, count: 2 &* pairs)
        // Transmit QMF first, over the whole block: the bands' adaptation is the serial
        // part, and the loop that runs it is then short (measured: about a quarter faster
        // than filtering inside it; four windows at a time, as the decoder does, measured
        // slower here). The band samples replace the line's first values.
        G722QMFHistory.split(line, pairs: pairs)
        for index in 0..<pairs {
            let xlow = Int(line[2 &* index])
            let xhigh = Int(line[2 &* index &+ 1])
            // Block 4 is called here rather than from the quantizers: see its note.
            let (ilow, dlow) = quantizeLow(xlow, &low, tables)
            low.block4(dlow, tables)
            let (ihigh, dhigh) = quantizeHigh(xhigh, &high, tables)
            high.block4(dhigh, tables)
            codes[index] = UInt8(truncatingIfNeeded: ihigh << 6 | ilow)
        }
        history.load(from: line + 2 &* pairs)
    }

    /// Appends the coded bytes for `pcm` to `buffer`; returns how many.
    @discardableResult
    public mutating func encode(_ pcm: UnsafeBufferPointer<Int16>, appendingTo buffer: inout ByteBuffer) -> Int {
        let needed = pcm.count / 2
        return buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: needed) { raw in
            encode(pcm, into: UnsafeMutableBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[0..<needed]))
        }
    }

    /// Blocks 1L-3L: low-band 6-bit quantization and scale factor adaptation; returns the
    /// code and the quantized difference for block 4.
    @inline(__always)
    private static func quantizeLow(_ xlow: Int, _ band: inout G722Band, _ tables: G722Tables) -> (code: Int, difference: Int) {
        // SUBTRA.
        let el = G722Band.saturate(xlow &- band.s)
        // QUANTL: the decision interval of |el| (rounded down for a negative el), with the
        // sign as the table row.
        let sign = el >> 63
        let index = band.lowInterval(el ^ sign) | (sign & 32)
        // INVQAL: the prediction loop uses the 4-bit core of the code.
        let dlow = (band.det &* tables.intervalQM4(index)) >> 15
        band.adaptLow(tables.intervalWL(index), tables)
        return (tables.intervalCode(index), dlow)
    }

    /// Blocks 1H-3H: high-band 2-bit quantization and scale factor adaptation; returns the
    /// code and the quantized difference for block 4.
    @inline(__always)
    private static func quantizeHigh(_ xhigh: Int, _ band: inout G722Band, _ tables: G722Tables) -> (code: Int, difference: Int) {
        let eh = G722Band.saturate(xhigh &- band.s)
        // QUANTH: the outer interval at or above 564 × det >> 12. The codes (the standard's
        // ihp and ihn) are 3 and 2 inner and outer for a positive difference, 1 and 0 for
        // a negative one.
        let sign = eh >> 63
        let outer = (eh ^ sign) >= (564 &* band.det) >> 12
        let ihigh = (sign == 0 ? 2 : 0) | (outer ? 0 : 1)
        let dhigh = (band.det &* tables.highQM2(ihigh)) >> 15
        band.adaptHigh(tables.highWH(ihigh), tables)
        return (ihigh, dhigh)
    }
}
