import NIOCore
import ParleySTUN
import Testing

/// The keep-alive as a trace: a refresh every interval, the mapped address reported once and
/// again when the NAT rebinds, the binding given up after three silent refreshes.
@Suite("STUN keep-alive of a binding")
struct STUNKeepAliveTests {
    typealias KeepAlive = STUNKeepAlive<TestInstant>

    /// The answer to the request in `bytes`, mapping to `address`.
    static func answer(_ bytes: ByteBuffer, _ address: STUNAddress) throws -> ByteBuffer {
        var input = bytes
        let request = try STUNMessage(parsing: &input)
        return STUNMessage(type: .bindingSuccess, transactionID: request.transactionID, attributes: [.xorMappedAddress(address)])
            .bytes(signing: nil, fingerprint: true)
    }

    static func sent(_ actions: [KeepAlive.Action]) -> ByteBuffer? {
        for case .send(let bytes) in actions { return bytes }
        return nil
    }

    static func timer(_ actions: [KeepAlive.Action]) -> Duration? {
        actions.compactMap { if case .startTimer(let after) = $0 { after } else { nil } }.last
    }

    @Test("refresh every 15 s; the mapped address is reported when new and when it changes")
    func refreshes() throws {
        var keepAlive = KeepAlive()
        let first = STUNAddress(ip: "198.51.100.4", port: 40000)!
        let rebound = STUNAddress(ip: "198.51.100.4", port: 41234)!
        var now = TestInstant.zero
        var actions = keepAlive.start(now: now)
        var request = try #require(Self.sent(actions))
        now = now.advanced(by: .milliseconds(30))
        actions = keepAlive.receive(try Self.answer(request, first), now: now)
        #expect(actions == [.mapped(first), .startTimer(after: .seconds(15))])

        now = now.advanced(by: .seconds(15))
        actions = keepAlive.timerFired(now: now)
        request = try #require(Self.sent(actions), "a refresh is sent after the interval")
        actions = keepAlive.receive(try Self.answer(request, first), now: now)
        #expect(actions == [.startTimer(after: .seconds(15))], "same address: nothing to report")

        now = now.advanced(by: .seconds(15))
        request = try #require(Self.sent(keepAlive.timerFired(now: now)))
        #expect(keepAlive.receive(try Self.answer(request, rebound), now: now) == [.mapped(rebound), .startTimer(after: .seconds(15))])
        #expect(keepAlive.reflexiveAddress == rebound)
        #expect(keepAlive.receive(try Self.answer(request, first), now: now).isEmpty, "a late duplicate answer is ignored")
    }

    @Test("three refreshes in a row without an answer: the binding is lost; an answer in between resets the count")
    func lost() {
        var keepAlive = KeepAlive(interval: .seconds(15))
        var now = TestInstant.zero
        var actions = keepAlive.start(now: now)
        var lost: STUNClientFailure?
        var sends = 0
        for _ in 0..<100 {  // bounded: 3 refreshes of 3 requests and their timers
            sends += actions.filter { if case .send = $0 { true } else { false } }.count
            for case .lost(let failure) in actions { lost = failure }
            guard let after = Self.timer(actions) else { break }
            now = now.advanced(by: after)
            actions = keepAlive.timerFired(now: now)
        }
        #expect(lost == .timedOut)
        #expect(sends == 9)
        #expect(keepAlive.consecutiveFailures == 3)
        #expect(keepAlive.timerFired(now: now).isEmpty, "stopped after losing the binding")
    }

    @Test("stop ends everything")
    func stop() {
        var keepAlive = KeepAlive()
        _ = keepAlive.start(now: .zero)
        keepAlive.stop()
        #expect(keepAlive.timerFired(now: TestInstant.zero.advanced(by: .seconds(1))).isEmpty)
        #expect(keepAlive.start(now: .zero).isEmpty)
    }
}
