import NIOCore

/// A small deterministic generator (SplitMix64) so fuzz-style tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Signal helpers without a C math library: sine by range reduction and a Taylor series.
enum Signal {
    static let pi = 3.141_592_653_589_793

    static func sin(_ x: Double) -> Double {
        // Reduce to [-pi, pi].
        var value = x - 2 * pi * (x / (2 * pi)).rounded()
        // Then to [-pi/2, pi/2] using sin(pi - x) = sin(x).
        if value > pi / 2 { value = pi - value }
        if value < -pi / 2 { value = -pi - value }
        let x2 = value * value
        var term = value
        var sum = value
        for n in 1...10 {
            term *= -x2 / Double((2 * n) * (2 * n + 1))
            sum += term
        }
        return sum
    }

    static func sine(frequency: Double, sampleRate: Double, amplitude: Double, count: Int, phase: Double = 0) -> [Int16] {
        (0..<count).map { n in
            Int16(amplitude * sin(2 * pi * frequency * Double(n) / sampleRate + phase))
        }
    }

    /// Power of `samples[range]` at one frequency (Goertzel), normalised by length.
    static func power(of samples: [Int16], at frequency: Double, sampleRate: Double, range: Range<Int>) -> Double {
        let w = 2 * pi * frequency / sampleRate
        let coefficient = 2 * sin(w + pi / 2)  // 2·cos(w)
        var s1 = 0.0
        var s2 = 0.0
        for index in range {
            let s0 = Double(samples[index]) + coefficient * s1 - s2
            s2 = s1
            s1 = s0
        }
        let power = s1 * s1 + s2 * s2 - coefficient * s1 * s2
        return power / Double(range.count * range.count)
    }

    static func energy(_ samples: [Int16], range: Range<Int>) -> Double {
        range.reduce(0) { $0 + Double(samples[$1]) * Double(samples[$1]) }
    }

    /// 10·log10(ratio), from the binary exponent and a series (no libm).
    static func decibels(_ ratio: Double) -> Double {
        guard ratio > 0 else { return -.infinity }
        let mantissa = ratio.significand
        let z = (mantissa - 1) / (mantissa + 1)
        let z2 = z * z
        let ln = 2 * z * (1 + z2 * (1.0 / 3 + z2 * (1.0 / 5 + z2 * (1.0 / 7 + z2 * (1.0 / 9 + z2 / 11)))))
        let log2 = Double(ratio.exponent) + ln * 1.442_695_040_888_963_4
        return 3.010_299_956_639_812 * log2
    }
}

extension ByteBuffer {
    init(bytes: [UInt8]) {
        self = ByteBufferAllocator().buffer(capacity: bytes.count)
        self.writeBytes(bytes)
    }

    var bytes: [UInt8] { getBytes(at: readerIndex, length: readableBytes) ?? [] }
}
