import NIOCore

/// ITU-T G.722 decoder, 64 kbit/s mode: one byte in, two 16 kHz samples out.
///
/// Each byte carries a 6-bit low-band and a 2-bit high-band ADPCM code. The low band is
/// reconstructed with the 6-bit inverse quantizer while the predictor adapts on the 4-bit
/// core (as in the encoder, which keeps the two in step); the receive QMF recombines the
/// bands. A 160-byte RTP payload (20 ms) gives 320 samples. Decoding never allocates and is
/// deterministic: the same bytes from the same state give the same samples.
public struct G722Decoder: Sendable {
    private var low = G722Band(det: 32)
    private var high = G722Band(det: 8)
    /// Receive QMF delay line.
    private var history = G722QMFHistory()

    public init() {}

    /// Decodes `min(codes.count, output.count / 2)` bytes; returns the samples written.
    @discardableResult
    public mutating func decode(_ codes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        let count = min(codes.count, output.count / 2)
        let tables = G722Tables.shared
        var low = self.low
        var high = self.high
        let written = history.withStorage { storage, start in
            for index in 0..<count {
                let code = Int(codes[index])
                let rlow = Self.decodeLow(code & 0x3F, &low, tables)
                let rhigh = Self.decodeHigh((code >> 6) & 0x03, &high, tables)
                // Receive QMF.
                let x = G722QMFHistory.push(storage, &start, rlow + rhigh, rlow - rhigh)
                var out1 = 0
                var out2 = 0
                for i in 0..<12 {
                    out2 += x[2 * i] * tables.qmf[i]
                    out1 += x[2 * i + 1] * tables.qmf[11 - i]
                }
                output[2 * index] = Int16(G722Band.saturate(out1 >> 11))
                output[2 * index + 1] = Int16(G722Band.saturate(out2 >> 11))
            }
            return count * 2
        }
        self.low = low
        self.high = high
        return written ?? 0
    }

    /// Decodes a payload slice; returns the samples written.
    @discardableResult
    public mutating func decode(_ payload: ByteBuffer, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        payload.withUnsafeReadableBytes { decode($0, into: output) }
    }

    /// Blocks 5L, 6L, 2L, 3L and 4 of the low band.
    @inline(__always)
    private static func decodeLow(_ code: Int, _ band: inout G722Band, _ tables: G722Tables) -> Int {
        // INVQBL and RECONS with the full 6-bit code.
        var rlow = band.s + ((band.det * tables.qm6[code]) >> 15)
        // LIMIT.
        if rlow > 16383 {
            rlow = 16383
        } else if rlow < -16384 {
            rlow = -16384
        }
        // INVQAL: the predictor adapts on the 4-bit core.
        let ril = code >> 2
        let dlow = (band.det * tables.qm4[ril]) >> 15
        band.adaptLow(ril, tables)
        band.block4(dlow)
        return rlow
    }

    /// Blocks 2H, 5H, 6H, 3H and 4 of the high band.
    @inline(__always)
    private static func decodeHigh(_ ihigh: Int, _ band: inout G722Band, _ tables: G722Tables) -> Int {
        let dhigh = (band.det * tables.qm2[ihigh]) >> 15
        var rhigh = dhigh + band.s
        if rhigh > 16383 {
            rhigh = 16383
        } else if rhigh < -16384 {
            rhigh = -16384
        }
        band.adaptHigh(ihigh, tables)
        band.block4(dhigh)
        return rhigh
    }
}
