/// Audio level measurement in dBov (decibels relative to the overload point of 16-bit
/// PCM), as RFC 6464 and conference rosters use it: 0 dBov is a full-scale square wave, a
/// full-scale sine is about -3 dBov, silence is ``floor``.
///
/// The logarithm is computed from the floating-point exponent and a short series for the
/// mantissa (error below 0.001 dB), so the module needs no C math library or Foundation.
public enum AudioLevel {
    /// The level reported for digital silence.
    public static let floor: Float = -127

    /// The mean square of 16-bit samples as a level in dBov.
    public static func dBov(meanSquare: Double) -> Float {
        guard meanSquare > 0 else { return floor }
        // 10·log10(ms / 32768²) = 10·log10(2)·(log2(ms) - 30).
        let level = 3.010_299_956_639_812 * (log2(meanSquare) - 30)
        return Float(Swift.max(Double(floor), Swift.min(0, level)))
    }

    /// The level of a frame of 16-bit samples.
    public static func dBov(_ samples: UnsafeBufferPointer<Int16>) -> Float {
        guard !samples.isEmpty else { return floor }
        return dBov(meanSquare: Double(sumOfSquares(samples)) / Double(samples.count))
    }

    /// Σ x² over the samples, exact in 64 bits for any frame shorter than 2^33 samples.
    @inline(__always)
    static func sumOfSquares(_ samples: UnsafeBufferPointer<Int16>) -> Int64 {
        var sum: Int64 = 0
        for sample in samples {
            let value = Int64(sample)
            sum &+= value * value
        }
        return sum
    }

    /// Base-2 logarithm of a positive finite value.
    static func log2(_ value: Double) -> Double {
        let exponent = Double(value.exponent)
        let mantissa = value.significand  // in [1, 2)
        // ln(m) = 2·atanh(z), z = (m - 1) / (m + 1) ∈ [0, 1/3).
        let z = (mantissa - 1) / (mantissa + 1)
        let z2 = z * z
        let series = z * (1 + z2 * (1.0 / 3 + z2 * (1.0 / 5 + z2 * (1.0 / 7 + z2 * (1.0 / 9 + z2 / 11)))))
        return exponent + 2 * series * 1.442_695_040_888_963_4
    }
}
