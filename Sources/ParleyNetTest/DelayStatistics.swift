/// Summary of delay samples (round trips, connect times), in nanoseconds.
///
/// Percentiles use the nearest-rank method: the p-th percentile of n sorted samples is the
/// sample at rank ⌈p/100 × n⌉ (1-based), so it is always a measured value.
public struct DelayStatistics: Hashable, Sendable {
    /// The samples, sorted ascending.
    public let sorted: [UInt64]

    public init(samples: some Sequence<UInt64>) {
        self.sorted = samples.sorted()
    }

    public var count: Int { sorted.count }
    public var isEmpty: Bool { sorted.isEmpty }
    public var minimum: UInt64? { sorted.first }
    public var maximum: UInt64? { sorted.last }

    /// The arithmetic mean, nil without samples.
    public var mean: Double? {
        guard !sorted.isEmpty else { return nil }
        var total = 0.0
        for sample in sorted { total += Double(sample) }
        return total / Double(sorted.count)
    }

    /// The nearest-rank percentile (`percent` in 0…100), nil without samples.
    public func percentile(_ percent: Double) -> UInt64? {
        guard !sorted.isEmpty else { return nil }
        let clamped = percent.isNaN ? 50 : min(max(percent, 0), 100)
        let rank = Int((clamped / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    public var median: UInt64? { percentile(50) }
    public var p95: UInt64? { percentile(95) }
}

extension UInt64 {
    /// Nanoseconds as milliseconds.
    public var nanosecondsAsMilliseconds: Double { Double(self) / 1_000_000 }
}
