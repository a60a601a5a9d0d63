import NIOCore
import ParleyNetTest
import Testing

@Suite("Network-test responder logic")
struct NetTestResponderCoreTests {
    static let ms: UInt64 = 1_000_000
    static let client = try! SocketAddress(ipAddress: "192.0.2.10", port: 52_000)
    static let otherPort = try! SocketAddress(ipAddress: "192.0.2.10", port: 52_001)
    static let stranger = try! SocketAddress(ipAddress: "198.51.100.7", port: 4000)

    func echo(_ sequence: UInt32, session: UInt32 = 1, length: Int = 172) -> NetTestProbe {
        NetTestProbe(kind: .echoRequest, length: length, session: session, sequence: sequence, clientTime: UInt64(sequence) * 20 * Self.ms, sentTOS: 0xB8)
    }

    func reply(_ action: NetTestResponderCore.Action) throws -> NetTestProbe {
        guard case .reply(let probe) = action else {
            Issue.record("expected a reply, got \(action)")
            throw CancellationError()
        }
        return probe
    }

    @Test func anEchoReplyIsTheRequestWithTheResponderFields() throws {
        var core = NetTestResponderCore(secret: 1, now: 0)
        let first = try reply(core.handle(echo(0), from: Self.client, receivedTOS: 0xB8, replyTOS: 0xB8, now: 5 * Self.ms))
        #expect(first.kind == .echoReply)
        #expect(first.length == 172)
        #expect(first.sequence == 0 && first.session == 1)
        #expect(first.clientTime == 0)
        #expect(first.responderTime == 5 * Self.ms)
        #expect(first.receivedTOS == 0xB8 && first.sentTOS == 0xB8)
        #expect(first.count == 1)
        #expect(first.cookie != 0)
        let second = try reply(core.handle(echo(2), from: Self.client, receivedTOS: NetTestProbe.unknownTOS, replyTOS: 0, now: 45 * Self.ms))
        #expect(second.count == 2)
        #expect(second.receivedTOS == NetTestProbe.unknownTOS)
        #expect(second.cookie == first.cookie)
        // Another session from the same address counts from 1 again.
        #expect(try reply(core.handle(echo(0, session: 2), from: Self.client, receivedTOS: 0, replyTOS: 0, now: 50 * Self.ms)).count == 1)
    }

    @Test func repliesAndOtherKindsAreNotAnswered() {
        var core = NetTestResponderCore(secret: 1, now: 0)
        for kind in NetTestProbe.Kind.allCases where kind != .echoRequest && kind != .streamRequest {
            let action = core.handle(NetTestProbe(kind: kind, session: 1), from: Self.client, receivedTOS: 0, replyTOS: 0, now: 0)
            #expect(action == .drop(kind.isRequest ? .tcpOnly : .notARequest))
        }
        #expect(core.answered == 0)
    }

    @Test func eachHostIsRateLimited() {
        var limits = NetTestResponderCore.Limits()
        limits.packetsPerSecond = 50
        limits.burst = 10
        var core = NetTestResponderCore(limits: limits, secret: 1, now: 0)
        var answered = 0
        // 100 probes in the same instant from two ports of one host: only the burst passes.
        for sequence in UInt32(0)..<100 {
            let source = sequence % 2 == 0 ? Self.client : Self.otherPort
            if case .reply = core.handle(echo(sequence), from: source, receivedTOS: 0, replyTOS: 0, now: Self.ms) { answered += 1 }
        }
        #expect(answered == 10)
        // Another host is not affected.
        #expect(core.handle(echo(0), from: Self.stranger, receivedTOS: 0, replyTOS: 0, now: Self.ms) != .drop(.rateLimited))
        // A second later the bucket has refilled with 50 tokens, capped at the burst.
        answered = 0
        for sequence in UInt32(100)..<200 {
            if case .reply = core.handle(echo(sequence), from: Self.client, receivedTOS: 0, replyTOS: 0, now: 1_001 * Self.ms) { answered += 1 }
        }
        #expect(answered == 10)
    }

    @Test func aSessionIsServedForItsLifetimeOnly() {
        var core = NetTestResponderCore(secret: 1, now: 0)
        #expect(core.handle(echo(0), from: Self.client, receivedTOS: 0, replyTOS: 0, now: 0) != .drop(.sessionExpired))
        #expect(core.handle(echo(1), from: Self.client, receivedTOS: 0, replyTOS: 0, now: 29_000 * Self.ms) != .drop(.sessionExpired))
        #expect(core.handle(echo(2), from: Self.client, receivedTOS: 0, replyTOS: 0, now: 31_000 * Self.ms) == .drop(.sessionExpired))
    }

    @Test func theTablesStayBounded() {
        var limits = NetTestResponderCore.Limits()
        limits.maximumSources = 64
        limits.maximumSessions = 64
        var core = NetTestResponderCore(limits: limits, secret: 1, now: 0)
        for index in 0..<1_000 {
            let source = try! SocketAddress(ipAddress: "10.0.\(index / 250).\(index % 250 + 1)", port: 1000 + index)
            _ = core.handle(echo(0, session: UInt32(index)), from: source, receivedTOS: 0, replyTOS: 0, now: UInt64(index) * Self.ms)
        }
        #expect(core.tableSizes.sources <= 64)
        #expect(core.tableSizes.sessions <= 64)
        // Idle entries make room again later.
        let late = try! SocketAddress(ipAddress: "10.9.9.9", port: 1)
        if case .reply = core.handle(echo(0), from: late, receivedTOS: 0, replyTOS: 0, now: 60_000 * Self.ms) {} else {
            Issue.record("a new source was refused after the others went idle")
        }
    }

    @Test func aStreamNeedsTheCookieOfAnEarlierEcho() throws {
        var core = NetTestResponderCore(secret: 42, now: 0)
        let streamRequest = NetTestProbe(kind: .streamRequest, length: 172, session: 1, sequence: 0, count: 100, cookie: 12345)
        let refused = try reply(core.handle(streamRequest, from: Self.client, receivedTOS: 0, replyTOS: 0, now: 0))
        #expect(refused.kind == .refused && refused.reason == .badCookie)
        #expect(refused.length == streamRequest.length)
        #expect(core.activeStreams == 0)

        let echoed = try reply(core.handle(echo(0), from: Self.client, receivedTOS: 0, replyTOS: 0, now: Self.ms))
        var request = streamRequest
        request.cookie = echoed.cookie
        // A spoofed source cannot use someone else's cookie.
        #expect(try reply(core.handle(request, from: Self.stranger, receivedTOS: 0, replyTOS: 0, now: Self.ms)).reason == .badCookie)
        #expect(core.handle(request, from: Self.client, receivedTOS: 0xB8, replyTOS: 0xB8, now: 2 * Self.ms) == .streamStarted)
        #expect(core.handle(request, from: Self.client, receivedTOS: 0, replyTOS: 0, now: 3 * Self.ms) == .drop(.streamRunning))
        #expect(core.nextStreamDeadline == 2 * Self.ms)
    }

    @Test func aCookieLastsItsPeriodAndTheNext() throws {
        var core = NetTestResponderCore(secret: 42, now: 0)
        let cookie = try reply(core.handle(echo(0), from: Self.client, receivedTOS: 0, replyTOS: 0, now: 0)).cookie
        let request = NetTestProbe(kind: .streamRequest, session: 2, count: 1, cookie: cookie)
        #expect(core.handle(request, from: Self.client, receivedTOS: 0, replyTOS: 0, now: 61_000 * Self.ms) == .streamStarted)
        _ = core.dueStreamPackets(now: 61_000 * Self.ms)
        var later = request
        later.session = 3
        #expect(try reply(core.handle(later, from: Self.client, receivedTOS: 0, replyTOS: 0, now: 121_000 * Self.ms)).reason == .badCookie)
    }

    @Test func aStreamSendsItsPacketsEvery20Milliseconds() throws {
        var core = NetTestResponderCore(secret: 42, now: 0)
        let cookie = try reply(core.handle(echo(0), from: Self.client, receivedTOS: 0, replyTOS: 0, now: 0)).cookie
        let request = NetTestProbe(kind: .streamRequest, length: 100, session: 1, sequence: 1, clientTime: 77, count: 50, cookie: cookie)
        #expect(core.handle(request, from: Self.client, receivedTOS: 0xB8, replyTOS: 0xB8, now: 0) == .streamStarted)
        var packets: [NetTestProbe] = []
        var now: UInt64 = 0
        var rounds = 0
        while let deadline = core.nextStreamDeadline, rounds < 1_000 {
            now = max(now, deadline)
            for (destination, packet) in core.dueStreamPackets(now: now) {
                #expect(destination == Self.client)
                packets.append(packet)
            }
            rounds += 1
        }
        #expect(packets.count == 50)
        #expect(packets.map(\.sequence) == Array(0..<50))
        #expect(packets.allSatisfy { $0.kind == .streamPacket && $0.length == 100 && $0.count == 50 && $0.clientTime == 77 })
        #expect(packets.last?.responderTime == 49 * 20 * Self.ms)
        #expect(core.activeStreams == 0)
    }

    @Test func streamsAreCappedInLengthAndNumber() throws {
        var limits = NetTestResponderCore.Limits()
        limits.maximumStreams = 2
        var core = NetTestResponderCore(limits: limits, secret: 42, now: 0)
        var started = 0
        for index in 0..<4 {
            let source = try SocketAddress(ipAddress: "203.0.113.\(index + 1)", port: 9)
            let cookie = try reply(core.handle(echo(0), from: source, receivedTOS: 0, replyTOS: 0, now: 0)).cookie
            let request = NetTestProbe(kind: .streamRequest, session: 1, count: 1_000_000, cookie: cookie)
            switch core.handle(request, from: source, receivedTOS: 0, replyTOS: 0, now: 0) {
            case .streamStarted: started += 1
            case .reply(let refusal): #expect(refusal.reason == .busy)
            case .drop(let reason): Issue.record("dropped: \(reason)")
            }
        }
        #expect(started == 2)
        let first = core.dueStreamPackets(now: 0)
        #expect(first.count == 2)
        #expect(first.allSatisfy { $0.1.count == 500 })
    }

    @Test func aLateLoopSkipsAheadInsteadOfBursting() throws {
        var core = NetTestResponderCore(secret: 42, now: 0)
        let cookie = try reply(core.handle(echo(0), from: Self.client, receivedTOS: 0, replyTOS: 0, now: 0)).cookie
        let request = NetTestProbe(kind: .streamRequest, session: 1, count: 100, cookie: cookie)
        #expect(core.handle(request, from: Self.client, receivedTOS: 0, replyTOS: 0, now: 0) == .streamStarted)
        #expect(core.dueStreamPackets(now: 0).count == 1)
        // One second late: at most three packets now, the rest of the missed second skipped.
        #expect(core.dueStreamPackets(now: 1_000 * Self.ms).count == 3)
        let deadline = try #require(core.nextStreamDeadline)
        #expect(deadline > 1_000 * Self.ms - 100 * Self.ms && deadline <= 1_020 * Self.ms)
    }

    @Test func hostDropsThePort() throws {
        #expect(NetTestResponderCore.host(of: Self.client) == NetTestResponderCore.host(of: Self.otherPort))
        #expect(NetTestResponderCore.host(of: Self.client).port == 0)
    }
}
