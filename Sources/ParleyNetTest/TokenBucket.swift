/// A token bucket: `rate` tokens a second, at most `burst` saved. Time is an input (ns).
public struct TokenBucket: Hashable, Sendable {
    public let rate: Double
    public let burst: Double
    private var tokens: Double
    private var last: UInt64

    public init(rate: Double, burst: Double, now: UInt64) {
        self.rate = max(0, rate)
        self.burst = max(1, burst)
        self.tokens = self.burst
        self.last = now
    }

    /// Takes `cost` tokens if there are enough; false (and nothing taken) otherwise.
    public mutating func take(_ cost: Double = 1, now: UInt64) -> Bool {
        if now > last {
            tokens = min(burst, tokens + Double(now - last) / 1_000_000_000 * rate)
            last = now
        }
        guard tokens >= cost else { return false }
        tokens -= cost
        return true
    }

    /// When the bucket was last refilled (its last use).
    public var lastUse: UInt64 { last }
}
