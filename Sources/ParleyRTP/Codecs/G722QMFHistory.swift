/// The 24-sample delay line of a G.722 quadrature mirror filter, and the two filters.
///
/// A coder copies the history in front of a block's new samples in a stack buffer (the
/// "line"), filters every window of 24 straight out of it with 16-bit multiply-adds
/// (`pmaddwd` on x86), and keeps the line's last 24 values for the next block. Every value in the line fits 16 bits: PCM in
/// the encoder, `rlow ± rhigh` (each within -16384...16383) in the decoder; a sum of 24
/// products (|x| ≤ 32768, Σ|qmf| = 2 × 6482) stays within 425 million, far inside 32 bits.
///
/// Both filters are computed as the window's sum with all 24 coefficients and with the
/// even positions negated; the reference's two half sums (`sumOdd`, `sumEven`) are their
/// half difference and half sum.
struct G722QMFHistory: Sendable {
    static let taps = 24
    /// Oldest first.
    private var first = SIMD8<Int16>()
    private var second = SIMD8<Int16>()
    private var third = SIMD8<Int16>()

    /// Writes the history to `line[0..<24]`.
    @inline(__always)
    func store(to line: UnsafeMutablePointer<Int16>) {
        let raw = UnsafeMutableRawPointer(line)
        raw.storeBytes(of: first, as: SIMD8<Int16>.self)
        raw.storeBytes(of: second, toByteOffset: 16, as: SIMD8<Int16>.self)
        raw.storeBytes(of: third, toByteOffset: 32, as: SIMD8<Int16>.self)
    }

    /// Takes `line[0..<24]` as the history.
    @inline(__always)
    mutating func load(from line: UnsafePointer<Int16>) {
        let raw = UnsafeRawPointer(line)
        first = raw.loadUnaligned(as: SIMD8<Int16>.self)
        second = raw.loadUnaligned(fromByteOffset: 16, as: SIMD8<Int16>.self)
        third = raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Int16>.self)
    }

    /// The QMF coefficients by window position (oldest first): `qmf[i]` at 2i and
    /// `qmf[11 - i]` at 2i + 1. The sum over a window is the sum of the odd-position
    /// products ("sumEven" in the reference) plus the even-position ones ("sumOdd").
    @inline(__always)
    static var coefficients: (SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>) {
        (
            SIMD8(3, -11, -11, 53, 12, -156, 32, 362),
            SIMD8(-210, -805, 951, 3876, 3876, 951, -805, -210),
            SIMD8(362, 32, -156, 12, 53, -11, -11, 3)
        )
    }

    /// The same with the even positions negated: odd-position products minus even ones.
    /// (Separate even and odd sums would be vectors half zeros, which the compiler then
    /// reshuffles into 32-bit multiplies; two full-width ones stay multiply-adds.)
    @inline(__always)
    static var alternatingCoefficients: (SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>) {
        (
            SIMD8(-3, -11, 11, 53, -12, -156, -32, 362),
            SIMD8(210, -805, -951, 3876, -3876, 951, 805, -210),
            SIMD8(-362, 32, 156, 12, -53, -11, 11, 3)
        )
    }

    /// Σ window[p] × taps[p] over the 24 values at `window`.
    @inline(__always)
    static func filter(_ window: UnsafePointer<Int16>, _ taps: (SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>)) -> Int {
        let raw = UnsafeRawPointer(window)
        // Sign-extended 16-bit values times 16-bit constants: one multiply-add per pair.
        let x0 = G722Vector.widen(raw.loadUnaligned(as: SIMD8<Int16>.self))
        let x1 = G722Vector.widen(raw.loadUnaligned(fromByteOffset: 16, as: SIMD8<Int16>.self))
        let x2 = G722Vector.widen(raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Int16>.self))
        return Int(G722Vector.sum(x0 &* taps.0 &+ x1 &* taps.1 &+ x2 &* taps.2))
    }

    /// Transmit QMF over the window of 24 input samples at `window` (oldest first):
    /// the low- and high-band samples, (sumEven ± sumOdd) >> 14.
    @inline(__always)
    static func split(_ window: UnsafePointer<Int16>) -> (low: Int, high: Int) {
        (filter(window, coefficients) >> 14, filter(window, alternatingCoefficients) >> 14)
    }

    /// Receive QMF over the window of 24 values `rlow ± rhigh` at `window` (oldest first):
    /// the two output samples, in order. The reference's odd- and even-position sums are
    /// half the sum and difference of the two filters (exactly: both are even), so each
    /// is shifted by one more than the reference's 11.
    @inline(__always)
    static func join(_ window: UnsafePointer<Int16>) -> (first: Int16, second: Int16) {
        let sum = filter(window, coefficients)
        let difference = filter(window, alternatingCoefficients)
        let first = (sum &+ difference) >> 12
        let second = (sum &- difference) >> 12
        return (Int16(truncatingIfNeeded: G722Band.saturate(first)), Int16(truncatingIfNeeded: G722Band.saturate(second)))
    }

    /// Both filters for four consecutive windows at once, the first at `window`: lane j is
    /// the window at `window + 2j`. Each pair of taps multiplies one 8-value load (the pair
    /// at every window) by a constant pair, so no horizontal sums are needed.
    @inline(__always)
    static func filterFour(_ window: UnsafePointer<Int16>) -> (sum: SIMD4<Int32>, difference: SIMD4<Int32>) {
        let raw = UnsafeRawPointer(window)
        var sum = SIMD4<Int32>()
        var difference = SIMD4<Int32>()
        let c = coefficients
        @inline(__always) func tap(_ pair: Int, _ even: Int32, _ odd: Int32) {
            let x = G722Vector.widen(raw.loadUnaligned(fromByteOffset: 4 &* pair, as: SIMD8<Int16>.self))
            sum &+= G722Vector.pairSums(x &* SIMD8(even, odd, even, odd, even, odd, even, odd))
            difference &+= G722Vector.pairSums(x &* SIMD8(0 &- even, odd, 0 &- even, odd, 0 &- even, odd, 0 &- even, odd))
        }
        // The pairs of `coefficients`, (qmf[i], qmf[11 - i]).
        tap(0, c.0[0], c.0[1])
        tap(1, c.0[2], c.0[3])
        tap(2, c.0[4], c.0[5])
        tap(3, c.0[6], c.0[7])
        tap(4, c.1[0], c.1[1])
        tap(5, c.1[2], c.1[3])
        tap(6, c.1[4], c.1[5])
        tap(7, c.1[6], c.1[7])
        tap(8, c.2[0], c.2[1])
        tap(9, c.2[2], c.2[3])
        tap(10, c.2[4], c.2[5])
        tap(11, c.2[6], c.2[7])
        return (sum, difference)
    }

    /// ``join(_:)`` for four consecutive windows, the first at `window`; writes the eight
    /// samples to `output[0..<8]`.
    @inline(__always)
    static func joinFour(_ window: UnsafePointer<Int16>, into output: UnsafeMutablePointer<Int16>) {
        let (sum, difference) = filterFour(window)
        let first = (sum &+ difference) &>> 12
        let second = (sum &- difference) &>> 12
        @inline(__always) func saturate(_ value: Int32) -> Int16 {
            Int16(truncatingIfNeeded: min(max(value, -32768), 32767))
        }
        let samples = SIMD8<Int16>(
            saturate(first[0]), saturate(second[0]),
            saturate(first[1]), saturate(second[1]),
            saturate(first[2]), saturate(second[2]),
            saturate(first[3]), saturate(second[3])
        )
        UnsafeMutableRawPointer(output).storeBytes(of: samples, as: SIMD8<Int16>.self)
    }

    /// Transmit QMF over the `pairs` windows of a line holding the history and then
    /// `pairs` sample pairs: pair k's band samples (low, high) go to line[2k] and
    /// line[2k + 1], which no later window (from line[2k + 4] on) reads.
    @inline(__always)
    static func split(_ line: UnsafeMutablePointer<Int16>, pairs: Int) {
        for index in 0..<pairs {
            let (low, high) = split(line + (2 &* index &+ 2))
            // Band samples are within ±25928: the truncation is exact.
            line[2 &* index] = Int16(truncatingIfNeeded: low)
            line[2 &* index &+ 1] = Int16(truncatingIfNeeded: high)
        }
    }

    /// Receive QMF over the `pairs` windows of a line holding the history and then
    /// `pairs` pairs `rlow ± rhigh`, four windows at a time and then one at a time; writes
    /// `2 × pairs` samples.
    static func join(_ line: UnsafePointer<Int16>, pairs: Int, into samples: UnsafeMutablePointer<Int16>) {
        var index = 0
        while index &+ 4 <= pairs {
            joinFour(line + (2 &* index &+ 2), into: samples + 2 &* index)
            index &+= 4
        }
        while index < pairs {
            let (first, second) = join(line + (2 &* index &+ 2))
            samples[2 &* index] = first
            samples[2 &* index &+ 1] = second
            index &+= 1
        }
    }
}
