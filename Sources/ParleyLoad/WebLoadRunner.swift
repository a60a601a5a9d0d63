import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// `parley load --web`: browser-protocol participants (docs/web-protocol.md) instead of SIP
/// calls. Each joins through the join form and its own WebSocket, streams 20 ms L16 frames
/// (talkers speech, the rest silence, seat 0 of each meeting the latency probe's 1 kHz bursts)
/// and measures what it receives with the same ``LegMeter`` as the SIP legs. Bounded: set-up
/// (at most `setupTimeout`), 1 s warm-up, `duration`, then every socket closes (within a second)
/// and the event loops shut down.
///
/// The sockets are plain NIO channels on a small event-loop group the runner owns (one thread
/// up to 500 participants, two above), each meeting's seats on one loop: a ``WebLoadLoop``
/// per loop ticks every 20 ms and writes each seat's pre-masked frame, and each seat's
/// ``WebLoadSeatHandler`` measures what arrives, on the loop, without locks or per-frame
/// allocation. The tool must stay cheap next to the server it measures.
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
        /// Event-loop threads for the sockets; nil picks one up to 500 participants, two above.
        public var threads: Int?

        public init(
            baseURL: String, meetings: [String], participants: Int, talkersPerMeeting: Int = 3, duration: Duration = .seconds(20),
            setupTimeout: Duration = .seconds(60), speech: [Int16], serverPID: Int32? = nil, threads: Int? = nil
        ) {
            self.baseURL = baseURL
            self.meetings = meetings
            self.participants = participants
            self.talkersPerMeeting = talkersPerMeeting
            self.duration = duration
            self.setupTimeout = setupTimeout
            self.speech = speech
            self.serverPID = serverPID
            self.threads = threads
        }
    }

    /// One participant: where it sits, and how its set-up went (written by its join and its
    /// channel's handler, read once at the end).
    final class Seat: Sendable {
        let index: Int
        let meeting: Int
        let place: Int
        let isListener: Bool
        let welcomed = NIOLockedValueBox(false)
        let closed = NIOLockedValueBox<String?>(nil)

        init(index: Int, meeting: Int, place: Int, isListener: Bool) {
            self.index = index
            self.meeting = meeting
            self.place = place
            self.isListener = isListener
        }
    }

    /// Where the sockets go: `ws://host:port/prefix/join/{meetingID}/socket`.
    struct Target: Sendable {
        var host: String
        var port: Int
        var pathPrefix: String

        /// Nil for anything but an `http://` base URL (the client speaks plain `ws://`).
        init?(baseURL: String) {
            guard let url = URL(string: baseURL), url.scheme?.lowercased() == "http", let host = url.host, !host.isEmpty else { return nil }
            self.host = host
            port = url.port ?? 80
            pathPrefix = url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path
        }

        var hostHeader: String { port == 80 ? host : "\(host):\(port)" }
    }

    public let plan: Plan
    let seats: [Seat]
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
    }

    /// Monotonic nanoseconds, on the event loops' own clock (CLOCK_MONOTONIC on Linux), so the
    /// loops' ticks can be scheduled at these instants.
    static func monotonic() -> Int64 {
        Int64(NIODeadline.now().uptimeNanoseconds)
    }

    static func realtime() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    public func run() async -> LoadReport {
        let began = Self.monotonic()
        let threads = max(1, plan.threads ?? (plan.participants > 500 ? 2 : 1))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let frames = WebLoadAudioFrames(speech: plan.speech, maskKey: UInt32.random(in: 1...UInt32.max))
        var loops: [NIOLoopBound<WebLoadLoop>] = []
        for eventLoop in group.makeIterator() {
            let (talkers, meetings) = (plan.talkersPerMeeting, plan.meetings.count)
            if let loop = try? await eventLoop.submit({
                NIOLoopBound(WebLoadLoop(eventLoop: eventLoop, frames: frames, talkersPerMeeting: talkers, meetings: meetings), eventLoop: eventLoop)
            }).get() {
                loops.append(loop)
            }
        }
        if let target = Target(baseURL: plan.baseURL), !loops.isEmpty {
            await setUp(target: target, loops: loops)
        } else {
            let reason = loops.isEmpty ? "the event loops did not start" : "the load tool's WebSocket client speaks ws:// only: give it the node's plain HTTP address"
            for seat in seats { seat.closed.withLockedValue { $0 = reason } }
        }
        let setupSeconds = Double(Self.monotonic() - began) / 1e9
        let report = await stream(loops: loops, setupSeconds: setupSeconds)
        let closed = loops.map { loop in loop.eventLoop.flatSubmit { loop.value.closeAll() } }
        for done in closed { try? await done.get() }
        try? await group.shutdownGracefully()
        return report
    }

    // MARK: Set-up

    private func setUp(target: Target, loops: [NIOLoopBound<WebLoadLoop>]) async {
        let deadline = ContinuousClock.now + plan.setupTimeout
        let remaining = ContinuousClock.now.duration(to: deadline).components
        let socketDeadline = NIODeadline.now() + .seconds(remaining.seconds) + .nanoseconds(remaining.attoseconds / 1_000_000_000)
        await withTaskGroup(of: Void.self) { group in
            // 16 joins at a time: the form post, the socket, `hello`, `welcome`.
            var next = 0
            for _ in 0..<min(16, seats.count) {
                let seat = seats[next]
                next += 1
                group.addTask { await self.join(seat, target: target, loop: loops[seat.meeting % loops.count], deadline: socketDeadline) }
            }
            while await group.next() != nil {
                guard next < seats.count, ContinuousClock.now < deadline else { continue }
                let seat = seats[next]
                next += 1
                group.addTask { await self.join(seat, target: target, loop: loops[seat.meeting % loops.count], deadline: socketDeadline) }
            }
        }
    }

    /// The join form, then the socket on the seat's meeting's loop, `hello` and `welcome`, all
    /// by `deadline` (the seat's handler closes the channel then).
    private func join(_ seat: Seat, target: Target, loop: NIOLoopBound<WebLoadLoop>, deadline: NIODeadline) async {
        let meetingID = plan.meetings[seat.meeting]
        let ticket: String
        do {
            ticket = try await WebParticipant.joinTicket(baseURL: plan.baseURL, meetingID: meetingID, name: "load \(seat.index)")
        } catch {
            seat.closed.withLockedValue { $0 = "join form: \(error)" }
            return
        }
        let path = "\(target.pathPrefix)/join/\(meetingID)/socket"
        do {
            let upgrade = try await ClientBootstrap(group: loop.eventLoop)
                // Every frame goes out when written: no Nagle delay behind the previous one's ACK.
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.seconds(10))
                .connect(host: target.host, port: target.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try Self.configure(channel, seat: seat, loop: loop, host: target.hostHeader, path: path, deadline: deadline)
                    }
                }
            guard let handler = try await upgrade.get() else {
                seat.closed.withLockedValue { $0 = $0 ?? "WebSocket did not open" }
                return
            }
            try await handler.eventLoop.flatSubmit { handler.value.greet(ticket: ticket) }.get()
        } catch {
            seat.closed.withLockedValue { $0 = $0 ?? "WebSocket did not open: \(error)" }
        }
    }

    /// The pipeline of one seat's socket: HTTP/1.1 and NIO's WebSocket client upgrade; once
    /// upgraded, the seat's handler in front of the frame codec the upgrader adds.
    private static func configure(
        _ channel: any Channel, seat: Seat, loop: NIOLoopBound<WebLoadLoop>, host: String, path: String, deadline: NIODeadline
    ) throws -> EventLoopFuture<NIOLoopBound<WebLoadSeatHandler>?> {
        let handler = WebLoadSeatHandler(seat: seat, channel: channel, loop: loop.value, deadline: deadline)
        loop.value.seats.append(handler)
        let bound = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        let upgrader = NIOTypedWebSocketClientUpgrader<NIOLoopBound<WebLoadSeatHandler>?>(
            maxFrameSize: 1 << 16, enableAutomaticErrorHandling: false,
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    // The upgrader has just added its frame encoder and decoder. The seat's
                    // handler replaces the decoder (it reads every byte itself) and goes in front
                    // of the encoder, which cannot be removed and stays idle: the handler writes
                    // finished frames towards the socket.
                    let pipeline = channel.pipeline.syncOperations
                    let encoder = try pipeline.handler(type: WebSocketFrameEncoder.self)
                    try pipeline.addHandler(bound.value, position: .before(encoder))
                    pipeline.removeHandler(try pipeline.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self), promise: nil)
                    return bound
                }
            })
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        headers.add(name: "Content-Length", value: "0")
        let upgrade = NIOTypedHTTPClientUpgradeConfiguration<NIOLoopBound<WebLoadSeatHandler>?>(
            upgradeRequestHead: HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers), upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.close(promise: nil)
                return channel.eventLoop.makeSucceededFuture(nil)
            })
        var configuration = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: upgrade)
        configuration.leftOverBytesStrategy = .forwardBytes
        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: configuration)
    }

    // MARK: Streaming

    private func stream(loops: [NIOLoopBound<WebLoadLoop>], setupSeconds: Double) async -> LoadReport {
        let legsUp = seats.filter { $0.welcomed.withLockedValue { $0 } }.count
        let period: Int64 = 20_000_000
        let start = Self.monotonic() + period
        let windowStart = start + 1_000_000_000
        let windowEnd = windowStart + Int64(plan.duration.components.seconds) * 1_000_000_000
        let schedule = WebLoadLoop.Schedule(start: start, windowStart: windowStart, windowEnd: windowEnd, period: period)
        let finished = loops.map { loop in loop.eventLoop.flatSubmit { loop.value.startStreaming(schedule) } }

        // Progress once a second, the CPU samples at the window's edges; the loops do the rest.
        var serverStart: ProcessSample?
        var toolStart: ProcessSample?
        var peakRSS: UInt64 = 0
        var lastProgress = start
        var lastTool = ProcessSample.read(pid: nil, at: Self.realtime())
        var receivedAtLastProgress = 0
        while true {
            let wake = min(lastProgress + 1_000_000_000, toolStart == nil ? windowStart : .max, windowEnd)
            let now = Self.monotonic()
            if wake > now { try? await Task.sleep(for: .nanoseconds(wake - now)) }
            let after = Self.monotonic()
            if toolStart == nil, after >= windowStart {
                serverStart = ProcessSample.read(pid: plan.serverPID, at: Self.realtime())
                toolStart = ProcessSample.read(pid: nil, at: Self.realtime())
            }
            if after >= windowEnd { break }
            guard after - lastProgress >= 1_000_000_000 else { continue }
            var total = 0
            for loop in loops { total += (try? await loop.eventLoop.submit { loop.value.received }.get()) ?? 0 }
            let server = ProcessSample.read(pid: plan.serverPID, at: Self.realtime())
            let tool = ProcessSample.read(pid: nil, at: Self.realtime())
            peakRSS = max(peakRSS, server?.residentBytes ?? 0)
            progress(
                LoadRunner.Progress(
                    seconds: Double(after - start) / 1e9, phase: after < windowStart ? "warm-up" : "measuring", legsUp: legsUp,
                    legsPlanned: plan.participants, packetsPerSecond: Double(total - receivedAtLastProgress) * 1e9 / Double(after - lastProgress),
                    serverCores: nil, serverRSSMegabytes: server.map { Double($0.residentBytes) / 1_048_576 },
                    toolCores: both(lastTool, tool).map { ProcessSample.cores(from: $0, to: $1) } ?? 0))
            receivedAtLastProgress = total
            lastProgress = after
            lastTool = tool
        }
        for done in finished { try? await done.get() }
        let serverEnd = ProcessSample.read(pid: plan.serverPID, at: Self.realtime())
        let toolEnd = ProcessSample.read(pid: nil, at: Self.realtime())
        let measured = Double(windowEnd - windowStart) / 1e9

        // One collection per loop.
        var meters: [LegMeter] = []
        var latencies: [Double] = []
        var (ticks, lateTicks, skippedTicks, unsent) = (0, 0, 0, 0)
        for loop in loops {
            guard let results = try? await loop.eventLoop.submit({ loop.value.results() }).get() else { continue }
            meters += results.meters
            latencies += results.latencies
            // Every loop runs the same schedule: the worst one speaks for the tool.
            ticks = max(ticks, results.ticks)
            lateTicks = max(lateTicks, results.lateTicks)
            skippedTicks = max(skippedTicks, results.skippedTicks)
            unsent += results.seatsWithUnsentFrames
        }
        var failures: [String: Int] = [:]
        for seat in seats where !seat.welcomed.withLockedValue({ $0 }) {
            failures[String((seat.closed.withLockedValue { $0 } ?? "no welcome").prefix(80)), default: 0] += 1
        }
        if unsent > 0 { failures["frames not sent: the server stopped reading the socket", default: 0] += unsent }
        return LoadReport.summarising(
            meters, planned: plan.participants, setupFailures: plan.participants - meters.count, setupSeconds: setupSeconds,
            measured: measured, codec: "L16 (WebSocket)", meetings: plan.meetings.count, talkersPerMeeting: plan.talkersPerMeeting,
            latencies: latencies, server: (serverStart, serverEnd), tool: (toolStart, toolEnd),
            peakRSS: plan.serverPID == nil ? nil : peakRSS, lateTicks: lateTicks, skippedTicks: skippedTicks, ticks: ticks, failures: failures)
    }
}
