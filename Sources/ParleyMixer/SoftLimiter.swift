/// The mixer's output limiter: a static soft-knee curve from a 32-bit sum to 16 bits.
///
/// Below the knee (`threshold`) samples pass unchanged. Above it the excess `e` is
/// compressed as `T + R·e / (R + e)` with `R = 32767 - T`: the curve leaves the knee with
/// slope 1 (no corner to hear), rises monotonically and only approaches full scale, so no
/// sum — even ten full-scale talkers — clips hard or wraps around. Only samples above the
/// knee cost a division.
public struct SoftLimiter: Hashable, Sendable {
    /// Where compression starts (default 24576, about -2.5 dBFS).
    public let threshold: Int32
    private let range: Int32

    public init(threshold: Int16 = 24576) {
        let knee = Swift.max(1024, Int32(threshold))
        self.threshold = knee
        self.range = 32767 - knee
    }

    /// One sample.
    @inline(__always)
    public func limit(_ value: Int32) -> Int16 {
        let magnitude = value.magnitude
        guard magnitude > UInt32(threshold) else { return Int16(truncatingIfNeeded: value) }
        let excess = Int64(magnitude) - Int64(threshold)
        let compressed = Int64(threshold) + Int64(range) * excess / (Int64(range) + excess)
        let limited = Int16(truncatingIfNeeded: Swift.min(compressed, 32767))
        return value < 0 ? -limited : limited
    }

    /// A whole buffer.
    public func limit(_ input: UnsafeBufferPointer<Int32>, into output: UnsafeMutableBufferPointer<Int16>) {
        let count = Swift.min(input.count, output.count)
        for index in 0..<count {
            output[index] = limit(input[index])
        }
    }
}
