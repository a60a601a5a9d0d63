import NIOCore

/// One event loop's share of a `parley load --web` run: the seats whose channels live on it,
/// the clock that makes them send, and what they measured. Confined to `eventLoop` (the runner
/// reaches it through `NIOLoopBound`, one submit at a time), so no frame in or out takes a lock.
///
/// The clock runs on deadlines 20 ms apart from a start shared by every loop (no drift): a tick
/// more than 10 ms late counts as late; more than 100 ms behind, it skips the missed ticks
/// rather than bursting them. Each tick writes one frame to every streaming seat and flushes it.
final class WebLoadLoop {
    /// When streaming starts and what is measured, in monotonic nanoseconds.
    struct Schedule: Sendable {
        var start: Int64
        var windowStart: Int64
        var windowEnd: Int64
        var period: Int64 = 20_000_000
    }

    /// What the loop's seats measured, collected once at the end.
    struct Results: Sendable {
        var meters: [LegMeter]
        var latencies: [Double]
        var ticks: Int
        var lateTicks: Int
        var skippedTicks: Int
        /// Seats that could not write every frame (their socket was full).
        var seatsWithUnsentFrames: Int
    }

    static let probePeriodTicks = 100
    static let probeBurstTicks = 5

    let eventLoop: any EventLoop
    let frames: WebLoadAudioFrames
    let talkersPerMeeting: Int
    /// Monotonic nanoseconds on the event loop's clock (``WebLoadRunner/monotonic()``; a manual
    /// clock in tests): ticks are scheduled at these instants.
    let now: () -> Int64
    /// Every seat connected through this loop, closed at the end.
    var seats: [WebLoadSeatHandler] = []
    /// The welcomed seats, in seat order, once streaming starts.
    private var streaming: [WebLoadSeatHandler] = []
    /// The measured window; nothing is recorded outside it.
    private(set) var window: (start: Int64, end: Int64) = (.max, .max)
    /// Per meeting: when the probe's current burst left (0 once heard or before the first).
    var probeSentAt: [Int64]
    /// Mouth-to-ear samples, milliseconds.
    var latencies: [Double] = []
    /// Audio frames received, for the progress lines.
    var received = 0
    private var schedule: Schedule?
    private var tick = 0
    private var lateTicks = 0
    private var skippedTicks = 0
    private var finished: EventLoopPromise<Void>?

    init(
        eventLoop: any EventLoop, frames: WebLoadAudioFrames, talkersPerMeeting: Int, meetings: Int,
        now: @escaping () -> Int64 = WebLoadRunner.monotonic
    ) {
        self.eventLoop = eventLoop
        self.now = now
        self.frames = frames
        self.talkersPerMeeting = talkersPerMeeting
        probeSentAt = [Int64](repeating: 0, count: max(1, meetings))
    }

    // MARK: Clock

    /// Starts the clock for the welcomed seats; the future succeeds at the window's end.
    func startStreaming(_ schedule: Schedule) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        finished = promise
        self.schedule = schedule
        window = (schedule.windowStart, schedule.windowEnd)
        streaming = seats.filter(\.isWelcomed).sorted { $0.seat.index < $1.seat.index }
        scheduleTick(at: schedule.start)
        return promise.futureResult
    }

    private func scheduleTick(at deadline: Int64) {
        eventLoop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(UInt64(max(0, deadline)))) { [self] in fire() }
    }

    private func fire() {
        guard let schedule else { return }
        let deadline = schedule.start + Int64(tick) * schedule.period
        guard deadline < schedule.windowEnd else {
            eventLoop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(UInt64(max(0, schedule.windowEnd)))) { [self] in
                finished?.succeed()
                finished = nil
            }
            return
        }
        let now = self.now()
        let behind = now - deadline
        if behind > 5 * schedule.period {
            // Fell behind by more than 100 ms: skip ahead rather than burst.
            let missed = Int(behind / schedule.period)
            skippedTicks += missed
            tick += missed
            scheduleTick(at: schedule.start + Int64(tick) * schedule.period)
            return
        } else if behind > schedule.period / 2 {
            lateTicks += 1
        }
        sendTick()
        tick += 1
        scheduleTick(at: schedule.start + Int64(tick) * schedule.period)
    }

    /// One frame to every streaming seat: the probe (place 0) sends a 100 ms burst of 1 kHz every
    /// 2 s, the talkers (places 1…talkers) their speech from staggered offsets, the rest silence.
    private func sendTick() {
        let header = frames.maskedHeader(sequence: UInt16(truncatingIfNeeded: tick), timestamp: UInt32(truncatingIfNeeded: tick) &* 160)
        let probePhase = tick % Self.probePeriodTicks
        for seat in streaming {
            let place = seat.seat.place
            let payload: WebLoadAudioFrames.Payload
            if place == 0 {
                if probePhase == 0 { probeSentAt[seat.seat.meeting] = now() }
                payload = probePhase < Self.probeBurstTicks ? .tone : .silence
            } else if place <= talkersPerMeeting, frames.speechFrames > 0 {
                payload = .speech((tick + seat.seat.index * 37) % frames.speechFrames)
            } else {
                payload = .silence
            }
            seat.sendAudio(header: header, payload: payload)
        }
    }

    // MARK: End

    /// The streaming seats' meters (closed at the window's end) and the clock's health.
    func results() -> Results {
        let end = window.end
        return Results(
            meters: streaming.map { $0.closeMeter(at: end) }, latencies: latencies, ticks: tick, lateTicks: lateTicks,
            skippedTicks: skippedTicks, seatsWithUnsentFrames: streaming.filter { $0.unsentFrames > 0 }.count)
    }

    /// Closes every seat's socket (1000, then the channel after at most a second); the future
    /// succeeds when all are closed.
    func closeAll() -> EventLoopFuture<Void> {
        let closed = seats.map { $0.leave() }
        seats = []
        streaming = []
        return EventLoopFuture.andAllComplete(closed, on: eventLoop)
    }
}
