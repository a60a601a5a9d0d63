/// The 20 ms media clock as a pure value: tick `n` is due at `start + n · period` on a
/// monotonic clock, so lateness never accumulates into drift.
///
/// The owner reads its clock when a tick fires, calls ``begin(now:)`` and schedules the next
/// wake-up at ``nextDeadline``. A late tick runs at once (the next deadline may already be
/// past, in which case the event loop runs it immediately). When the loop was stalled for
/// longer than `maximumCatchUp` periods (a suspended process, a debugger), the missed ticks
/// are skipped rather than sent in a burst; the RTP timestamps still advance with the tick
/// number, so receivers see a gap, not a time warp.
///
/// Times are nanoseconds of a monotonic clock (`NIODeadline.uptimeNanoseconds` in the
/// engine, anything in tests).
struct MediaTickSchedule: Hashable, Sendable {
    /// When tick 0 was due.
    let start: UInt64
    /// Nanoseconds per tick (20 ms).
    let period: UInt64
    /// A tick starting later than this after its deadline counts as late.
    let lateThreshold: UInt64
    /// Most missed ticks run back to back before the schedule skips ahead.
    let maximumCatchUp: UInt64

    /// The number of the next tick to run.
    private(set) var nextTick: UInt64 = 0
    /// Ticks that started more than `lateThreshold` after their deadline.
    private(set) var lateTicks: UInt64 = 0
    /// Ticks skipped after a stall.
    private(set) var skippedTicks: UInt64 = 0

    /// What ``begin(now:)`` decided.
    struct Tick: Hashable, Sendable {
        /// The tick to run now.
        var number: UInt64
        /// Nanoseconds after its deadline it starts.
        var lateness: UInt64
        var isLate: Bool
        /// Ticks skipped just before this one.
        var skipped: UInt64
    }

    init(start: UInt64, period: UInt64 = 20_000_000, lateThreshold: UInt64 = 5_000_000, maximumCatchUp: UInt64 = 5) {
        self.start = start
        self.period = max(1, period)
        self.lateThreshold = lateThreshold
        self.maximumCatchUp = max(1, maximumCatchUp)
    }

    /// When tick `number` is due.
    func deadline(of number: UInt64) -> UInt64 {
        start &+ number &* period
    }

    /// When the next tick is due: schedule the wake-up for this instant.
    var nextDeadline: UInt64 { deadline(of: nextTick) }

    /// A wake-up at `now`: returns the tick to run, or nil when woken early (the owner
    /// schedules again for ``nextDeadline``).
    mutating func begin(now: UInt64) -> Tick? {
        let due = deadline(of: nextTick)
        guard now >= due else { return nil }
        var skipped: UInt64 = 0
        var lateness = now - due
        if lateness >= maximumCatchUp * period {
            // Stalled: jump to the tick due now, without a burst of catch-up ticks.
            let current = (now - start) / period
            skipped = current - nextTick
            nextTick = current
            lateness = now - deadline(of: current)
            skippedTicks += skipped
        }
        let isLate = lateness > lateThreshold
        if isLate {
            lateTicks += 1
        }
        let tick = Tick(number: nextTick, lateness: lateness, isLate: isLate, skipped: skipped)
        nextTick += 1
        return tick
    }
}
