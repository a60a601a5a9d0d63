/// Converts elapsed time into RTP timestamp units and back.
///
/// Media code takes time as an input, in the units of the stream's RTP clock: the owner
/// reads its injected clock once per batch of packets and passes `ticks(elapsed)` to the
/// jitter buffer and receive statistics. (G.711, G.722 and telephone-event all use 8000.)
public struct RTPClock: Hashable, Sendable {
    /// Ticks per second.
    public var rate: Int

    public init(rate: Int) {
        self.rate = max(1, rate)
    }

    /// The 8000 Hz clock of G.711, G.722 (RFC 3551 section 4.5.2) and their telephone-events.
    public static let narrowband = RTPClock(rate: 8000)

    /// `elapsed` in ticks, rounded down.
    public func ticks(_ elapsed: Duration) -> Int64 {
        let (seconds, attoseconds) = elapsed.components
        return seconds * Int64(rate) + (attoseconds / 1_000_000_000) * Int64(rate) / 1_000_000_000
    }

    /// `ticks` as a duration.
    public func duration(ticks: Int64) -> Duration {
        .nanoseconds(ticks * 1_000_000_000 / Int64(rate))
    }
}
