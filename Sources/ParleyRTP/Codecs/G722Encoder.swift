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
/// The encoder is a small value with fixed storage; encoding never allocates. Use
/// ``copyState(from:)`` to hand a stream over between encoders without a glitch (the mixer
/// integration does this when a listener moves from the shared mix to a personal one).
public struct G722Encoder: Sendable {
    private var low = G722Band(det: 32)
    private var high = G722Band(det: 8)
    /// Transmit QMF delay line.
    private var history = G722QMFHistory()

    public init() {}

    /// Continues the stream exactly where `other` is (same ADPCM and filter state).
    public mutating func copyState(from other: G722Encoder) {
        low = other.low
        high = other.high
        history.copy(from: other.history)
    }

    /// Encodes `min(pcm.count / 2, output.count)` sample pairs; returns the bytes written.
    @discardableResult
    public mutating func encode(_ pcm: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let count = min(pcm.count / 2, output.count)
        let tables = G722Tables.shared
        var low = self.low
        var high = self.high
        let written = history.withStorage { storage, start in
            for index in 0..<count {
                // Transmit QMF: shift in two samples, keep every other output.
                let x = G722QMFHistory.push(storage, &start, Int(pcm[2 * index]), Int(pcm[2 * index + 1]))
                var sumOdd = 0
                var sumEven = 0
                for i in 0..<12 {
                    sumOdd += x[2 * i] * tables.qmf[i]
                    sumEven += x[2 * i + 1] * tables.qmf[11 - i]
                }
                let xlow = (sumEven + sumOdd) >> 14
                let xhigh = (sumEven - sumOdd) >> 14
                let ilow = Self.encodeLow(xlow, &low, tables)
                let ihigh = Self.encodeHigh(xhigh, &high, tables)
                output[index] = UInt8(truncatingIfNeeded: ihigh << 6 | ilow)
            }
            return count
        }
        self.low = low
        self.high = high
        return written ?? 0
    }

    /// Appends the coded bytes for `pcm` to `buffer`; returns how many.
    @discardableResult
    public mutating func encode(_ pcm: UnsafeBufferPointer<Int16>, appendingTo buffer: inout ByteBuffer) -> Int {
        let needed = pcm.count / 2
        return buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: needed) { raw in
            encode(pcm, into: UnsafeMutableBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[0..<needed]))
        }
    }

    /// Blocks 1L-3L and 4: low-band 6-bit quantization and adaptation.
    @inline(__always)
    private static func encodeLow(_ xlow: Int, _ band: inout G722Band, _ tables: G722Tables) -> Int {
        // SUBTRA.
        let el = G722Band.saturate(xlow - band.s)
        // QUANTL: find the decision interval of |el|.
        let wd = el >= 0 ? el : -(el + 1)
        var i = 1
        while i < 30 {
            if wd < (tables.q6[i] * band.det) >> 12 { break }
            i += 1
        }
        let ilow = el < 0 ? tables.iln[i] : tables.ilp[i]
        // INVQAL: the prediction loop uses the 4-bit core of the code.
        let ril = ilow >> 2
        let dlow = (band.det * tables.qm4[ril]) >> 15
        band.adaptLow(ril, tables)
        band.block4(dlow)
        return ilow
    }

    /// Blocks 1H-3H and 4: high-band 2-bit quantization and adaptation.
    @inline(__always)
    private static func encodeHigh(_ xhigh: Int, _ band: inout G722Band, _ tables: G722Tables) -> Int {
        let eh = G722Band.saturate(xhigh - band.s)
        let wd = eh >= 0 ? eh : -(eh + 1)
        let mih = wd >= (564 * band.det) >> 12 ? 2 : 1
        let ihigh = eh < 0 ? tables.ihn[mih] : tables.ihp[mih]
        let dhigh = (band.det * tables.qm2[ihigh]) >> 15
        band.adaptHigh(ihigh, tables)
        band.block4(dhigh)
        return ihigh
    }
}
