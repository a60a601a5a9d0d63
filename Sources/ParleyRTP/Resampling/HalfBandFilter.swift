/// The 47-tap half-band low-pass FIR shared by the 8 ↔ 16 kHz resamplers.
///
/// A half-band filter has every other coefficient zero except the centre (0.5), so a factor
/// of two costs 12 multiplies per output pair instead of 47. Designed as a Kaiser-windowed
/// sinc (β = 7) and quantized to Q15 with the odd taps summing exactly to 0.5, so DC passes
/// with unity gain. At 16 kHz: passband ripple < 0.12 dB up to 3.4 kHz, attenuation
/// > 37 dB at 4.6 kHz, > 70 dB from 4.8 kHz (about 94 dB at 7 kHz). Group delay is 23
/// samples at 16 kHz (1.44 ms).
///
/// The resamplers run the filter on eight outputs at once (``oddTapSum(around:)``) over
/// 16-bit samples widened to `Int32`. That is exact: a pair of samples sums to 17 bits and
/// the odd taps' magnitudes add up to 18202, so every partial sum stays below 2³¹ (with the
/// decimator's centre term and rounding, below 1.8 · 10⁹), and the wrapping operators never
/// wrap.
enum HalfBandFilter {
    /// Centre tap, Q15.
    static let centre = 16384
    /// One side of the odd taps, Q15: h[±1], h[±3], ..., h[±23]. A tuple rather than an
    /// array: its elements fold into the code as constants.
    static let oddTaps = (10366, -3290, 1787, -1096, 693, -433, 261, -148, 77, -35, 13, -3)
    /// Outputs computed together.
    static let lanes = 8
    typealias Lanes = SIMD8<Int32>

    /// Eight consecutive samples from `pointer`, which need not be aligned.
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Int32>) -> Lanes {
        UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
    }

    /// For each of eight consecutive positions of `x`, the odd-tap half of the filter
    /// centred between `x[0]` and `x[1]`: Σ h[2i + 1] · (x[-i] + x[1 + i]) for i in 0..<12.
    /// Reads `x[-11]` through `x[19]`.
    @inline(__always)
    static func oddTapSum(around x: UnsafePointer<Int32>) -> Lanes {
        let h = oddTaps  // a constant tuple: folded into the code, no global access
        var sum = Int32(h.0) &* (load(x) &+ load(x + 1))
        sum &+= Int32(h.1) &* (load(x - 1) &+ load(x + 2))
        sum &+= Int32(h.2) &* (load(x - 2) &+ load(x + 3))
        sum &+= Int32(h.3) &* (load(x - 3) &+ load(x + 4))
        sum &+= Int32(h.4) &* (load(x - 4) &+ load(x + 5))
        sum &+= Int32(h.5) &* (load(x - 5) &+ load(x + 6))
        sum &+= Int32(h.6) &* (load(x - 6) &+ load(x + 7))
        sum &+= Int32(h.7) &* (load(x - 7) &+ load(x + 8))
        sum &+= Int32(h.8) &* (load(x - 8) &+ load(x + 9))
        sum &+= Int32(h.9) &* (load(x - 9) &+ load(x + 10))
        sum &+= Int32(h.10) &* (load(x - 10) &+ load(x + 11))
        sum &+= Int32(h.11) &* (load(x - 11) &+ load(x + 12))
        return sum
    }

    /// Clamps to the 16-bit range and narrows (saturates rather than wraps).
    @inline(__always)
    static func saturate(_ values: Lanes) -> SIMD8<Int16> {
        var result = SIMD8<Int16>()
        for lane in 0..<lanes {
            let value = values[lane]
            result[lane] = Int16(truncatingIfNeeded: value > 32767 ? 32767 : (value < -32768 ? -32768 : value))
        }
        return result
    }
}
