/// Caps STUN responses per source address and in total, so a node's media port cannot be used
/// to reflect traffic at a spoofed victim (RFC 8489 §16.1.3 on amplification).
///
/// A token bucket per source IP address (any port) plus one for all sources together.
/// Pure: time is an input (`now`, in nanoseconds of any monotonic clock). The per-source table
/// is bounded with two generations: when the current one holds half of `maximumSources` it
/// becomes the previous one and the oldest is forgotten, so a flood that spoofs a new address
/// in every packet costs O(1) per packet and bounded memory; the global bucket still caps it.
public struct STUNRateLimiter: Sendable {
    public struct Limits: Hashable, Sendable {
        /// Responses per second to one IP address, sustained.
        public var perSourcePerSecond: Double
        /// Responses one IP address may get at once after a quiet period.
        public var perSourceBurst: Double
        /// Responses per second to everyone together.
        public var totalPerSecond: Double
        public var totalBurst: Double
        /// Addresses remembered (both generations together).
        public var maximumSources: Int

        /// 10 per second and source (a browser or phone sends a few checks and a keep-alive
        /// every 15 s), 20 at once; 1000 per second in all.
        public init(
            perSourcePerSecond: Double = 10, perSourceBurst: Double = 20, totalPerSecond: Double = 1000, totalBurst: Double = 2000,
            maximumSources: Int = 8192
        ) {
            self.perSourcePerSecond = max(0, perSourcePerSecond)
            self.perSourceBurst = max(1, perSourceBurst)
            self.totalPerSecond = max(0, totalPerSecond)
            self.totalBurst = max(1, totalBurst)
            self.maximumSources = max(2, maximumSources)
        }
    }

    private struct Bucket: Sendable {
        var tokens: Double
        var updatedAt: UInt64

        mutating func refill(now: UInt64, rate: Double, burst: Double) {
            let elapsed = Double(now &- updatedAt) / 1_000_000_000
            if now > updatedAt { tokens = min(burst, tokens + elapsed * rate) }
            updatedAt = max(updatedAt, now)
        }
    }

    public let limits: Limits
    private var current: [STUNAddress.Host: Bucket] = [:]
    private var previous: [STUNAddress.Host: Bucket] = [:]
    private var total: Bucket

    public init(limits: Limits = Limits()) {
        self.limits = limits
        self.total = Bucket(tokens: limits.totalBurst, updatedAt: 0)
    }

    /// Addresses remembered.
    public var trackedSources: Int { current.count + previous.count }

    /// Takes a token for `source` (and one from the global bucket); false when either is empty.
    public mutating func admit(_ source: STUNAddress.Host, now: UInt64) -> Bool {
        total.refill(now: now, rate: limits.totalPerSecond, burst: limits.totalBurst)
        var bucket = current[source] ?? previous.removeValue(forKey: source) ?? Bucket(tokens: limits.perSourceBurst, updatedAt: now)
        bucket.refill(now: now, rate: limits.perSourcePerSecond, burst: limits.perSourceBurst)
        let admitted = bucket.tokens >= 1 && total.tokens >= 1
        if admitted {
            bucket.tokens -= 1
            total.tokens -= 1
        }
        if current[source] == nil, current.count >= limits.maximumSources / 2 {
            previous = current
            current = [:]
        }
        current[source] = bucket
        return admitted
    }
}
