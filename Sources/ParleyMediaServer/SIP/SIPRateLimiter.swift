/// A token bucket per source address, so that one source flooding INVITEs cannot starve the
/// others (issue 3, "Bad input").
///
/// Pure: time is an input (`now`, in nanoseconds of any monotonic clock). The table is bounded
/// with two generations: when the current one holds `maximumSources` addresses it becomes the
/// previous one and the oldest generation is forgotten. A forgotten source starts again with a
/// full bucket, which is what a new source gets anyway, and the work per packet stays O(1)
/// even when a flood spoofs a new address in every packet.
struct SIPRateLimiter: Sendable {
    private struct Bucket: Sendable {
        var tokens: Double
        var updatedAt: Int64
    }

    let limit: SIPRateLimit
    private var current: [String: Bucket] = [:]
    private var previous: [String: Bucket] = [:]

    init(limit: SIPRateLimit) {
        self.limit = limit
        current.reserveCapacity(min(limit.maximumSources, 1024))
    }

    /// Number of addresses remembered (both generations).
    var trackedSources: Int { current.count + previous.count }

    /// Takes one token for `source`; false when its bucket is empty.
    mutating func admit(source: String, nowNanoseconds now: Int64) -> Bool {
        var bucket = current[source] ?? previous.removeValue(forKey: source)
            ?? Bucket(tokens: Double(limit.burst), updatedAt: now)
        let elapsed = Double(max(0, now - bucket.updatedAt)) / 1_000_000_000
        bucket.tokens = min(Double(limit.burst), bucket.tokens + elapsed * limit.invitesPerSecond)
        bucket.updatedAt = now
        let admitted = bucket.tokens >= 1
        if admitted { bucket.tokens -= 1 }
        store(bucket, for: source)
        return admitted
    }

    private mutating func store(_ bucket: Bucket, for source: String) {
        if current[source] == nil, current.count >= max(1, limit.maximumSources / 2) {
            previous = current
            current = [:]
        }
        current[source] = bucket
    }
}
