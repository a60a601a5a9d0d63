import NIOCore
import ParleyRTP
import ParleySIP
import Testing

@testable import ParleyMediaServer

@Suite("Media clock and latching")
struct MediaScheduleAndLatchTests {
    let ms: UInt64 = 1_000_000

    @Test("ticks follow start + n·20 ms; a late tick runs at once without drift")
    func deadlines() {
        var schedule = MediaTickSchedule(start: 1_000 * ms)
        #expect(schedule.nextDeadline == 1_000 * ms)
        #expect(schedule.begin(now: 999 * ms) == nil, "early wake-up: nothing runs")
        #expect(schedule.begin(now: 1_000 * ms)?.number == 0)
        #expect(schedule.nextDeadline == 1_020 * ms)
        // 13 ms late: runs, counts as late, and the next deadline is still on the grid.
        let late = schedule.begin(now: 1_033 * ms)
        #expect(late?.number == 1)
        #expect(late?.isLate == true)
        #expect(late?.lateness == 13 * ms)
        #expect(schedule.nextDeadline == 1_040 * ms)
        // 2 ms late is on time.
        #expect(schedule.begin(now: 1_042 * ms)?.isLate == false)
        #expect(schedule.lateTicks == 1)
    }

    @Test("after a short stall the missed ticks run back to back")
    func catchUp() {
        var schedule = MediaTickSchedule(start: 0)
        _ = schedule.begin(now: 0)
        // Woken 50 ms late for tick 1 (due at 20): ticks 1, 2, 3 run at once.
        #expect(schedule.begin(now: 70 * ms)?.number == 1)
        #expect(schedule.begin(now: 70 * ms)?.number == 2)
        #expect(schedule.begin(now: 70 * ms)?.number == 3)
        #expect(schedule.begin(now: 70 * ms) == nil)
        #expect(schedule.skippedTicks == 0)
    }

    @Test("after a long stall the schedule skips ahead instead of bursting")
    func skipAhead() {
        var schedule = MediaTickSchedule(start: 0)
        _ = schedule.begin(now: 0)
        let tick = schedule.begin(now: 1_005 * ms)
        #expect(tick?.number == 50)
        #expect(tick?.skipped == 49)
        #expect(schedule.skippedTicks == 49)
        #expect(schedule.nextDeadline == 1_020 * ms)
    }

    @Test("a new source latches only inside the window")
    func latchWindow() {
        var latch = MediaSourceLatch(window: 5_000 * ms, now: 0)
        #expect(latch.evaluate(fromCurrentSource: false, ssrc: 7, sequence: 100, now: 10 * ms) == .latch)
        #expect(latch.evaluate(fromCurrentSource: true, ssrc: 7, sequence: 101, now: 30 * ms) == .accept)
        #expect(latch.evaluate(fromCurrentSource: false, ssrc: 9, sequence: 1, now: 4_000 * ms) == .latch, "still inside")
        #expect(latch.evaluate(fromCurrentSource: false, ssrc: 11, sequence: 5, now: 5_001 * ms) == .reject)
    }

    @Test("after the window only the same SSRC continuing its sequence may move")
    func latchContinuation() {
        var latch = MediaSourceLatch(window: 5_000 * ms, now: 0)
        _ = latch.evaluate(fromCurrentSource: true, ssrc: 42, sequence: 65_530, now: 0)
        _ = latch.evaluate(fromCurrentSource: true, ssrc: 42, sequence: 65_535, now: 6_000 * ms)
        #expect(latch.evaluate(fromCurrentSource: false, ssrc: 43, sequence: 0, now: 6_020 * ms) == .reject, "other SSRC")
        #expect(latch.evaluate(fromCurrentSource: false, ssrc: 42, sequence: 10_000, now: 6_020 * ms) == .reject, "jump")
        #expect(latch.evaluate(fromCurrentSource: false, ssrc: 42, sequence: 65_535, now: 6_020 * ms) == .reject, "replay")
        #expect(latch.evaluate(fromCurrentSource: false, ssrc: 42, sequence: 2, now: 6_020 * ms) == .latch, "wraps and continues")
        latch.reopen(now: 7_000 * ms)
        #expect(latch.evaluate(fromCurrentSource: false, ssrc: 99, sequence: 0, now: 7_100 * ms) == .latch, "re-signalled")
    }

    @Test("negotiated SDP maps to leg parameters, hold included")
    func parametersFromSDP() throws {
        func media(_ address: String, _ port: UInt16, _ direction: SDPDirection, codec: SDPCodec = .g722) -> SDPNegotiatedMedia {
            SDPNegotiatedMedia(
                codec: codec, payloadType: codec.staticPayloadType ?? 96, telephoneEventPayloadType: 101,
                remoteAddress: address, remoteRTPPort: port, remoteRTCPPort: port + 1,
                localDirection: direction, ptime: 20, remotePtime: nil, mediaIndex: 0
            )
        }
        let active = try #require(MediaLegParameters(negotiated: media("192.0.2.7", 4000, .sendrecv)))
        #expect(active.codec == .g722)
        #expect(active.payloadType == 9)
        #expect(active.telephoneEventPayloadType == 101)
        #expect(active.remote == (try SocketAddress(ipAddress: "192.0.2.7", port: 4000)))
        #expect(!active.isOnHold && active.receives)
        #expect(MediaLegParameters(negotiated: media("192.0.2.7", 4000, .recvonly))?.isOnHold == true)
        let oldHold = try #require(MediaLegParameters(negotiated: media("0.0.0.0", 4000, .sendrecv)))
        #expect(oldHold.isOnHold && oldHold.remote == nil)
        let unknown = SDPCodec(encodingName: "opus", clockRate: 48000, channels: 2)
        #expect(MediaLegParameters(negotiated: media("192.0.2.7", 4000, .sendrecv, codec: unknown)) == nil)
        #expect(active.remoteRTCPPort == 4001)
        // Hostile or broken addresses are never sent to (a send there would close the shared
        // socket): the leg waits to latch its caller's real source instead.
        for hostile in ["255.255.255.255", "224.0.0.1", "239.255.255.250", "ff02::1"] {
            let leg = try #require(MediaLegParameters(negotiated: media(hostile, 4000, .sendrecv)))
            #expect(leg.remote == nil && !leg.isOnHold, "\(hostile)")
        }
        #expect(MediaLegParameters(negotiated: media("2001:db8::7", 4000, .sendrecv))?.remote != nil)
    }
}

@Suite("Per-call port pool")
struct MediaPortPoolTests {
    @Test("even RTP ports with room for RTCP, round-robin, never one in use, none when full")
    func allocation() throws {
        #expect(MediaPortPool(20_001...20_002) == nil, "no even port with an odd one after it")
        var pool = try #require(MediaPortPool(20_001...20_007))
        #expect(pool.capacity == 3)
        #expect([pool.allocate(), pool.allocate(), pool.allocate()] == [20_002, 20_004, 20_006])
        #expect(pool.allocate() == nil)
        pool.release(20_004)
        #expect(pool.allocate() == 20_004)
        pool.release(20_002)
        pool.release(20_006)
        // Round-robin: the next after 20_004 comes first, not the lowest free.
        #expect(pool.allocate() == 20_006)
        #expect(pool.allocate() == 20_002)
        #expect(pool.used == 3)
    }
}
