import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ParleyRTP

/// `parley load --web`: browser-protocol participants (docs/web-protocol.md) instead of SIP
/// calls. Each joins through the join form and its own WebSocket, streams 20 ms L16 frames
/// (talkers speech, the rest silence, seat 0 of each meeting the latency probe's 1 kHz bursts)
/// and measures what it receives with the same ``LegMeter`` as the SIP legs. Bounded: set-up
/// (at most `setupTimeout`), 1 s warm-up, `duration`, then every socket closes.
public final class WebLoadRunner: Sendable {
    public struct Plan: Sendable {
        public var baseURL: String
        public var meetings: [String]
        public var participants: Int
        public var talkersPerMeeting: Int
        public var duration: Duration
        public var setupTimeout: Duration
        /// 16 kHz speech the talkers loop.
        public var speech: [Int16]
        public var serverPID: Int32?

        public init(
            baseURL: String, meetings: [String], participants: Int, talkersPerMeeting: Int = 3, duration: Duration = .seconds(20),
            setupTimeout: Duration = .seconds(60), speech: [Int16], serverPID: Int32? = nil
        ) {
            self.baseURL = baseURL
            self.meetings = meetings
            self.participants = participants
            self.talkersPerMeeting = talkersPerMeeting
            self.duration = duration
            self.setupTimeout = setupTimeout
            self.speech = speech
            self.serverPID = serverPID
        }
    }

    final class Seat: Sendable {
        let index: Int
        let meeting: Int
        let place: Int
        let isListener: Bool
        let meter = NIOLockedValueBox(LegMeter())
        let socket: NIOLockedValueBox<WebParticipant?> = .init(nil)
        let welcomed = NIOLockedValueBox(false)
        let closed = NIOLockedValueBox<String?>(nil)

        init(index: Int, meeting: Int, place: Int, isListener: Bool) {
            self.index = index
            self.meeting = meeting
            self.place = place
            self.isListener = isListener
        }
    }

    public let plan: Plan
    let seats: [Seat]
    /// Measured window (monotonic ns), set when every seat is up.
    let window = NIOLockedValueBox<(start: Int64, end: Int64)?>(nil)
    let probeSentAt: NIOLockedValueBox<[Int64]>
    let latencies = NIOLockedValueBox<[Double]>([])
    let received = NIOLockedValueBox(0)
    let progress: @Sendable (LoadRunner.Progress) -> Void

    public init(plan: Plan, progress: @escaping @Sendable (LoadRunner.Progress) -> Void = { _ in }) {
        self.plan = plan
        self.progress = progress
        let count = max(1, plan.meetings.count)
        seats = (0..<plan.participants).map { index in
            let meeting = index % count
            let place = index / count
            let size = plan.participants / count + (meeting < plan.participants % count ? 1 : 0)
            return Seat(index: index, meeting: meeting, place: place, isListener: place == size - 1 && place > 0)
        }
        probeSentAt = NIOLockedValueBox([Int64](repeating: 0, count: count))
    }

    static func monotonic() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    static func realtime() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    public func run() async -> LoadReport {
        let began = Self.monotonic()
        await setUp()
        let setupSeconds = Double(Self.monotonic() - began) / 1e9
        let report = await stream(setupSeconds: setupSeconds)
        for seat in seats { seat.socket.withLockedValue { $0 }?.close() }
        try? await Task.sleep(for: .seconds(1))
        return report
    }

    // MARK: Set-up

    private func setUp() async {
        let deadline = ContinuousClock.now + plan.setupTimeout
        await withTaskGroup(of: Void.self) { group in
            // 16 joins at a time: the form post, the socket, `hello`, `welcome`.
            var next = 0
            for _ in 0..<min(16, seats.count) {
                let seat = seats[next]
                next += 1
                group.addTask { await self.join(seat, deadline: deadline) }
            }
            while await group.next() != nil {
                guard next < seats.count, ContinuousClock.now < deadline else { continue }
                let seat = seats[next]
                next += 1
                group.addTask { await self.join(seat, deadline: deadline) }
            }
        }
    }

    private func join(_ seat: Seat, deadline: ContinuousClock.Instant) async {
        let meetingID = plan.meetings[seat.meeting]
        let ticket: String
        do {
            ticket = try await WebParticipant.joinTicket(baseURL: plan.baseURL, meetingID: meetingID, name: "load \(seat.index)")
        } catch {
            seat.closed.withLockedValue { $0 = "join form: \(error)" }
            return
        }
        let meterSeat = seat
        let window = self.window
        let received = self.received
        let socket = WebParticipant.connect(baseURL: plan.baseURL, meetingID: meetingID, decodesAudio: seat.isListener) { header in
            let now = Self.monotonic()
            received.withLockedValue { $0 += 1 }
            guard let window = window.withLockedValue({ $0 }), now >= window.start, now < window.end else { return }
            meterSeat.meter.withLockedValue { $0.record(sequence: header.sequenceNumber, timestamp: header.timestamp, arrival: now) }
        }
        seat.socket.withLockedValue { $0 = socket }
        guard await socket.waitUntilConnected() else {
            seat.closed.withLockedValue { $0 = "WebSocket did not open" }
            return
        }
        try? await socket.send(text: #"{"type":"hello","version":1,"ticket":"\#(ticket)"}"#)
        let (welcomed, welcomedInput) = AsyncStream.makeStream(of: Void.self)
        Task {
            for await event in socket.events {
                switch event {
                case .text(let text):
                    if text.contains(#""type":"welcome""#) {
                        seat.welcomed.withLockedValue { $0 = true }
                        welcomedInput.yield()
                    }
                case .audio(_, let samples):
                    self.listen(seat, samples)
                case .closed(let code, let reason):
                    seat.closed.withLockedValue { $0 = "closed \(code.map(String.init) ?? "-") \(reason ?? "")" }
                    welcomedInput.finish()
                }
            }
            welcomedInput.finish()
        }
        let timeout = Task {
            try? await Task.sleep(until: deadline)
            welcomedInput.finish()
        }
        for await _ in welcomed { break }
        timeout.cancel()
    }

    /// The probe's listener: the first frame that is mostly 1 kHz after a burst gives the
    /// mouth-to-ear time.
    private func listen(_ seat: Seat, _ samples: [Int16]) {
        let now = Self.monotonic()
        guard let window = window.withLockedValue({ $0 }), now >= window.start, now < window.end else { return }
        let sent = probeSentAt.withLockedValue { $0[seat.meeting] }
        guard sent != 0, now - sent < 1_000_000_000, LoadRunner.isTone(samples) else { return }
        probeSentAt.withLockedValue { $0[seat.meeting] = 0 }
        latencies.withLockedValue { $0.append(Double(now - sent) / 1e6) }
    }

    // MARK: Streaming

    private func stream(setupSeconds: Double) async -> LoadReport {
        let up = seats.filter { $0.welcomed.withLockedValue { $0 } }
        let sockets = up.compactMap { seat in seat.socket.withLockedValue { $0 }.map { (seat, $0) } }
        let period: Int64 = 20_000_000
        let start = Self.monotonic() + period
        let windowStart = start + 1_000_000_000
        let windowEnd = windowStart + Int64(plan.duration.components.seconds) * 1_000_000_000
        window.withLockedValue { $0 = (windowStart, windowEnd) }
        let silence = [Int16](repeating: 0, count: 320)
        let tone = (0..<320).map { Int16(16_000 * sin(2 * Double.pi * 1_000 * Double($0) / 16_000)) }
        let speechFrames = max(1, plan.speech.count / 320)
        var tick = 0
        var lateTicks = 0
        var skippedTicks = 0
        var serverStart: ProcessSample?
        var toolStart: ProcessSample?
        var peakRSS: UInt64 = 0
        var lastProgress = start
        var receivedAtLastProgress = 0
        // Four senders, each with a share of the sockets, so one slow socket does not hold up the rest.
        let shares = (0..<4).map { share in sockets.enumerated().filter { $0.offset % 4 == share }.map(\.element) }
        while true {
            let deadline = start + Int64(tick) * period
            if deadline >= windowEnd { break }
            let now = Self.monotonic()
            if now < deadline {
                try? await Task.sleep(for: .nanoseconds(deadline - now))
            } else if now - deadline > 5 * period {
                // Fell behind by more than 100 ms: skip ahead rather than burst.
                let behind = Int((now - deadline) / period)
                skippedTicks += behind
                tick += behind
                continue
            } else if now - deadline > period / 2 {
                lateTicks += 1
            }
            if serverStart == nil, Self.monotonic() >= windowStart {
                serverStart = ProcessSample.read(pid: plan.serverPID, at: Self.realtime())
                toolStart = ProcessSample.read(pid: nil, at: Self.realtime())
            }
            let probePhase = tick % 100
            if probePhase == 0 {
                let sentAt = Self.monotonic()
                probeSentAt.withLockedValue { sent in for index in sent.indices { sent[index] = sentAt } }
            }
            let currentTick = tick
            await withTaskGroup(of: Void.self) { group in
                for share in shares {
                    group.addTask {
                        for (seat, socket) in share {
                            let samples: ArraySlice<Int16>
                            if seat.place == 0 {
                                samples = probePhase < 5 ? tone[...] : silence[...]
                            } else if seat.place <= self.plan.talkersPerMeeting {
                                let frame = (currentTick + seat.index * 37) % speechFrames
                                samples = self.plan.speech.count >= 320 ? self.plan.speech[(frame * 320)..<(frame * 320 + 320)] : silence[...]
                            } else {
                                samples = silence[...]
                            }
                            try? await socket.send(frame: WebParticipant.frame(sequence: UInt16(truncatingIfNeeded: currentTick), samples: samples))
                        }
                    }
                }
            }
            tick += 1
            let after = Self.monotonic()
            if after - lastProgress >= 1_000_000_000 {
                let total = received.withLockedValue { $0 }
                let server = ProcessSample.read(pid: plan.serverPID, at: Self.realtime())
                peakRSS = max(peakRSS, server?.residentBytes ?? 0)
                progress(
                    LoadRunner.Progress(
                        seconds: Double(after - start) / 1e9, phase: after < windowStart ? "warm-up" : "measuring", legsUp: sockets.count,
                        legsPlanned: plan.participants, packetsPerSecond: Double(total - receivedAtLastProgress) * 1e9 / Double(after - lastProgress),
                        serverCores: nil, serverRSSMegabytes: server.map { Double($0.residentBytes) / 1_048_576 }, toolCores: 0))
                receivedAtLastProgress = total
                lastProgress = after
            }
        }
        let serverEnd = ProcessSample.read(pid: plan.serverPID, at: Self.realtime())
        let toolEnd = ProcessSample.read(pid: nil, at: Self.realtime())
        let measured = Double(windowEnd - windowStart) / 1e9
        for (seat, _) in sockets { seat.meter.withLockedValue { $0.close(at: windowEnd) } }
        let meters = sockets.map { seat, _ in seat.meter.withLockedValue { $0 } }
        var failures: [String: Int] = [:]
        for seat in seats where !seat.welcomed.withLockedValue({ $0 }) {
            failures[String((seat.closed.withLockedValue { $0 } ?? "no welcome").prefix(80)), default: 0] += 1
        }
        return LoadReport.summarising(
            meters, planned: plan.participants, setupFailures: plan.participants - meters.count, setupSeconds: setupSeconds,
            measured: measured, codec: "L16 (WebSocket)", meetings: plan.meetings.count, talkersPerMeeting: plan.talkersPerMeeting,
            latencies: latencies.withLockedValue { $0 }, server: (serverStart, serverEnd), tool: (toolStart, toolEnd),
            peakRSS: plan.serverPID == nil ? nil : peakRSS, lateTicks: lateTicks, skippedTicks: skippedTicks, ticks: tick, failures: failures)
    }
}
