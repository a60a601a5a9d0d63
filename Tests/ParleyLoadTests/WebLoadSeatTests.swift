import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
@testable import ParleyLoad
import ParleyRTP
import Testing

/// A web load seat and its loop's clock on `EmbeddedChannel`s and a manual clock, no sockets:
/// hello and welcome, pings, the server's close, the 20 ms ticks (late, skipped), the probe's
/// mouth-to-ear and the measured window.
@Suite("Load tool: web seats on their event loop")
struct WebLoadSeatTests {
    static let millisecond: Int64 = 1_000_000

    /// Monotonic time that moves only when the test says, with the embedded loop's.
    final class Clock {
        var now: Int64 = 0
        let eventLoop = EmbeddedEventLoop()

        func advance(to milliseconds: Int64) {
            now = milliseconds * WebLoadSeatTests.millisecond
            eventLoop.advanceTime(to: .uptimeNanoseconds(UInt64(now)))
        }
    }

    static func makeLoop(_ clock: Clock, speech: [Int16] = []) -> WebLoadLoop {
        WebLoadLoop(
            eventLoop: clock.eventLoop, frames: WebLoadAudioFrames(speech: speech, maskKey: 0x1122_3344), talkersPerMeeting: 1, meetings: 1,
            now: { clock.now })
    }

    static func makeSeat(_ seat: WebLoadRunner.Seat, loop: WebLoadLoop, clock: Clock, deadline: NIODeadline = .uptimeNanoseconds(60_000_000_000))
        throws -> (EmbeddedChannel, WebLoadSeatHandler)
    {
        let channel = EmbeddedChannel(loop: clock.eventLoop)
        let handler = WebLoadSeatHandler(seat: seat, channel: channel, loop: loop, deadline: deadline)
        loop.seats.append(handler)
        try channel.pipeline.syncOperations.addHandler(handler)
        channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 8080), promise: nil)
        return (channel, handler)
    }

    static func serverFrame(_ opcode: WebSocketClientFraming.Opcode, _ payload: ByteBuffer) -> ByteBuffer {
        var frame = ByteBuffer()
        WebSocketClientFraming.writeFrame(opcode, payload: payload, maskKey: nil, into: &frame)
        return frame
    }

    static func audio(sequence: UInt16, samples: [Int16]) -> ByteBuffer {
        var payload = ByteBuffer()
        BrowserAudioFrameHeader(sequenceNumber: sequence, timestamp: UInt32(sequence) * 160).write(to: &payload)
        for sample in samples { payload.writeInteger(sample, endianness: .big) }
        return serverFrame(.binary, payload)
    }

    /// The next frame the seat wrote, unmasked (every client frame must be masked).
    static func clientFrame(_ channel: EmbeddedChannel) throws -> (opcode: WebSocketClientFraming.Opcode, payload: ByteBuffer)? {
        guard var bytes = try channel.readOutbound(as: ByteBuffer.self) else { return nil }
        var frame = try #require(try WebSocketClientFraming.readFrame(from: &bytes, maxPayload: 1 << 16))
        #expect(bytes.readableBytes == 0, "one frame per write")
        let key = try #require(frame.maskKey, "client frames are masked")
        WebSocketClientFraming.mask(&frame.payload, at: frame.payload.readerIndex, length: frame.payload.readableBytes, key: key)
        return (frame.opcode, frame.payload)
    }

    static func welcome(_ channel: EmbeddedChannel) throws {
        try channel.writeInbound(serverFrame(.text, ByteBuffer(string: #"{"audio":{"format":"L16"},"participant":"prt_1","type":"welcome","version":1}"#)))
    }

    @Test("hello, welcome, pong, and the server's close echoed with its reason kept")
    func signalling() throws {
        let clock = Clock()
        let loop = Self.makeLoop(clock)
        let seat = WebLoadRunner.Seat(index: 0, meeting: 0, place: 1, isListener: false)
        let (channel, handler) = try Self.makeSeat(seat, loop: loop, clock: clock)
        var outcome: Result<Void, any Error>?
        handler.greet(ticket: "T1").assumeIsolated().whenComplete { outcome = $0 }
        let hello = try #require(try Self.clientFrame(channel))
        #expect(hello.opcode == .text && String(buffer: hello.payload) == #"{"type":"hello","version":1,"ticket":"T1"}"#)
        #expect(outcome == nil)

        try channel.writeInbound(Self.serverFrame(.text, ByteBuffer(string: #"{"locked":false,"participants":[],"type":"roster"}"#)))
        #expect(!handler.isWelcomed)
        try Self.welcome(channel)
        #expect(handler.isWelcomed && seat.welcomed.withLockedValue { $0 })
        if case .success = outcome {} else { Issue.record("welcome did not complete the greeting: \(String(describing: outcome))") }

        try channel.writeInbound(Self.serverFrame(.ping, ByteBuffer(string: "beat")))
        let pong = try #require(try Self.clientFrame(channel))
        #expect(pong.opcode == .pong && String(buffer: pong.payload) == "beat")

        try channel.writeInbound(Self.serverFrame(.text, ByteBuffer(string: #"{"message":"The meeting has ended.","reason":"meeting_ended","type":"ended"}"#)))
        try channel.writeInbound(Self.serverFrame(.close, WebSocketClientFraming.closePayload(code: 4000, reason: "")))
        var close = try #require(try Self.clientFrame(channel))
        #expect(close.opcode == .close && close.payload.readInteger(as: UInt16.self) == 4000)
        #expect(!channel.isActive)
        #expect(seat.closed.withLockedValue { $0 } == "closed 4000 ended: meeting_ended")
    }

    @Test("no welcome by the set-up deadline: the socket closes and the seat says why")
    func noWelcome() throws {
        let clock = Clock()
        let loop = Self.makeLoop(clock)
        let seat = WebLoadRunner.Seat(index: 3, meeting: 0, place: 3, isListener: false)
        let (channel, handler) = try Self.makeSeat(seat, loop: loop, clock: clock, deadline: .uptimeNanoseconds(5_000_000_000))
        var outcome: Result<Void, any Error>?
        handler.greet(ticket: "T").assumeIsolated().whenComplete { outcome = $0 }
        clock.advance(to: 4_999)
        #expect(channel.isActive && outcome == nil)
        clock.advance(to: 5_000)
        #expect(!channel.isActive && !handler.isWelcomed)
        if case .failure = outcome {} else { Issue.record("the greeting should have failed: \(String(describing: outcome))") }
        #expect(seat.closed.withLockedValue { $0 } == "no welcome")
    }

    @Test("the clock: one frame per seat per 20 ms deadline, late and skipped ticks, probe to listener, the window")
    func clock() throws {
        let clock = Clock()
        let speech = (0..<(320 * 4)).map { Int16(truncatingIfNeeded: $0 * 31) }
        let loop = Self.makeLoop(clock, speech: speech)
        let probe = WebLoadRunner.Seat(index: 0, meeting: 0, place: 0, isListener: false)
        let listener = WebLoadRunner.Seat(index: 1, meeting: 0, place: 1, isListener: true)
        let (probeChannel, probeHandler) = try Self.makeSeat(probe, loop: loop, clock: clock)
        let (listenerChannel, listenerHandler) = try Self.makeSeat(listener, loop: loop, clock: clock)
        for (channel, handler) in [(probeChannel, probeHandler), (listenerChannel, listenerHandler)] {
            _ = handler.greet(ticket: "T")
            _ = try Self.clientFrame(channel)
            try Self.welcome(channel)
        }

        var finished = false
        let ms = Self.millisecond
        loop.startStreaming(.init(start: 20 * ms, windowStart: 40 * ms, windowEnd: 300 * ms)).assumeIsolated().whenSuccess { finished = true }
        var sent: [UInt16] = []
        func tick(at milliseconds: Int64) throws {
            clock.advance(to: milliseconds)
            while let frame = try Self.clientFrame(probeChannel) {
                var payload = frame.payload
                #expect(frame.opcode == .binary && payload.readableBytes == 648)
                let header = try BrowserAudioFrameHeader(parsing: &payload)
                #expect(header.timestamp == UInt32(header.sequenceNumber) * 160)
                var samples: [Int16] = []
                while let sample = payload.readInteger(endianness: .big, as: Int16.self) { samples.append(sample) }
                // The probe's burst: five frames of tone every 100 ticks, then silence.
                #expect(samples == (header.sequenceNumber < 5 ? WebLoadAudioFrames.probeTone() : [Int16](repeating: 0, count: 320)))
                sent.append(header.sequenceNumber)
            }
            while let frame = try Self.clientFrame(listenerChannel) {
                var payload = frame.payload
                let header = try BrowserAudioFrameHeader(parsing: &payload)
                // A talker: its speech from its own offset ((tick + index × 37) mod frames).
                let index = (Int(header.sequenceNumber) + 37) % 4
                var samples: [Int16] = []
                while let sample = payload.readInteger(endianness: .big, as: Int16.self) { samples.append(sample) }
                #expect(samples == Array(speech[(index * 320)..<(index * 320 + 320)]))
            }
        }
        try tick(at: 19)
        #expect(sent.isEmpty)
        try tick(at: 20)
        #expect(sent == [0])
        // Before the window: counted for progress, not measured.
        try listenerChannel.writeInbound(Self.audio(sequence: 90, samples: [Int16](repeating: 0, count: 320)))
        try tick(at: 40)
        try tick(at: 60)
        // The mix carries the probe's tone 40 ms after the burst began.
        try listenerChannel.writeInbound(Self.audio(sequence: 91, samples: WebLoadAudioFrames.probeTone()))
        try tick(at: 95)  // tick 3, 15 ms late
        try tick(at: 250)  // tick 4, 150 ms behind: 7 ticks skipped, then tick 11 at once
        #expect(sent == [0, 1, 2, 3, 11])
        for milliseconds in stride(from: Int64(260), through: 299, by: 20) { try tick(at: milliseconds) }
        #expect(sent == [0, 1, 2, 3, 11, 12, 13])
        #expect(!finished)
        try tick(at: 300)
        #expect(finished)
        // After the window: not measured either.
        try listenerChannel.writeInbound(Self.audio(sequence: 92, samples: [Int16](repeating: 0, count: 320)))

        #expect(loop.received == 3)
        let results = loop.results()
        #expect(results.ticks == 14 && results.lateTicks == 1 && results.skippedTicks == 7 && results.seatsWithUnsentFrames == 0)
        #expect(results.meters.map(\.received) == [0, 1])
        #expect(results.latencies == [40])

        // The end: a close (1000) from each seat, the channels closed a second later at most.
        var closed = false
        loop.closeAll().assumeIsolated().whenComplete { _ in closed = true }
        for channel in [probeChannel, listenerChannel] {
            var close = try #require(try Self.clientFrame(channel))
            #expect(close.opcode == .close && close.payload.readInteger(as: UInt16.self) == 1000)
        }
        #expect(!closed)
        clock.advance(to: 1_300)
        #expect(closed && !probeChannel.isActive && !listenerChannel.isActive)
    }
}
