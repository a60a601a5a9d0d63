/// The 47-tap half-band low-pass FIR shared by the 8 ↔ 16 kHz resamplers.
///
/// A half-band filter has every other coefficient zero except the centre (0.5), so a factor
/// of two costs 12 multiplies per output pair instead of 47. Designed as a Kaiser-windowed
/// sinc (β = 7) and quantized to Q15 with the odd taps summing exactly to 0.5, so DC passes
/// with unity gain. At 16 kHz: passband ripple < 0.12 dB up to 3.4 kHz, attenuation
/// > 37 dB at 4.6 kHz, > 70 dB from 4.8 kHz (about 94 dB at 7 kHz). Group delay is 23
/// samples at 16 kHz (1.44 ms).
enum HalfBandFilter {
    /// Centre tap, Q15.
    static let centre = 16384
    /// One side of the odd taps, Q15: h[±1], h[±3], ..., h[±23].
    static let oddTaps: [Int] = [10366, -3290, 1787, -1096, 693, -433, 261, -148, 77, -35, 13, -3]
    /// Taps either side of the centre in units of the 16 kHz rate.
    static let halfLength = 23

    @inline(__always)
    static func clamp(_ value: Int) -> Int16 {
        Int16(value > 32767 ? 32767 : (value < -32768 ? -32768 : value))
    }
}
