import ParleySIP
import Testing

@Suite("Session timers (RFC 4028)")
struct SessionTimerTests {
    let policy = SessionTimerPolicy()

    @Test("the caller asks for 1800 s and supports timers: it refreshes, and we Require timer")
    func callerRefreshes() throws {
        let invite = makeInvite(extraHeaders: ["Session-Expires: 1800", "Supported: timer"])
        guard case .use(let agreement) = policy.negotiate(request: invite) else {
            Issue.record("expected session timers")
            return
        }
        #expect(agreement.interval == 1800)
        #expect(agreement.refresher == .uac)
        #expect(!agreement.localRefreshes)
        #expect(agreement.responseHeaders[.sessionExpires] == "1800;refresher=uac")
        #expect(agreement.responseHeaders[.require] == "timer")
    }

    @Test("too small an interval from a timer-aware caller: 422 with our Min-SE")
    func tooSmall() throws {
        let invite = makeInvite(extraHeaders: ["Session-Expires: 60", "k: timer"])
        #expect(policy.negotiate(request: invite) == .intervalTooSmall(minSE: 90))
        let response = policy.intervalTooSmallResponse(to: invite, toTag: "t")
        #expect(response.status == 422)
        #expect(response.reasonPhrase == "Session Interval Too Small")
        #expect(response.minSE == 90)
    }

    @Test("a caller without timer support: we raise the interval and refresh ourselves")
    func calleeRefreshes() throws {
        let invite = makeInvite(extraHeaders: ["Session-Expires: 60;refresher=uac"])
        guard case .use(let agreement) = policy.negotiate(request: invite) else {
            Issue.record("expected session timers")
            return
        }
        #expect(agreement.interval == 90)
        #expect(agreement.refresher == .uas)
        #expect(agreement.localRefreshes)
        #expect(agreement.responseHeaders[.require] == nil)
    }

    @Test("the interval is capped at ours but never below the caller's Min-SE; a chosen refresher is kept")
    func capping() throws {
        let long = makeInvite(extraHeaders: ["Session-Expires: 7200;refresher=uas", "Supported: timer"])
        guard case .use(let capped) = policy.negotiate(request: long) else {
            Issue.record("expected session timers")
            return
        }
        #expect(capped.interval == 1800)
        #expect(capped.refresher == .uas)
        let floor = makeInvite(extraHeaders: ["Session-Expires: 7200", "Min-SE: 3600", "Supported: timer"])
        guard case .use(let raised) = policy.negotiate(request: floor) else {
            Issue.record("expected session timers")
            return
        }
        #expect(raised.interval == 3600)
    }

    @Test("nobody asked: used by default with our interval, or not at all")
    func notRequested() throws {
        guard case .use(let agreement) = policy.negotiate(request: makeInvite()) else {
            Issue.record("expected session timers")
            return
        }
        #expect(agreement.interval == 1800)
        #expect(agreement.refresher == .uas)
        let off = SessionTimerPolicy(useWhenNotRequested: false)
        #expect(off.negotiate(request: makeInvite()) == .notUsed)
    }

    @Test("we refresh at half the interval; a refresh that gets no answer expires the session")
    func localRefresh() {
        var timer = SessionTimer(interval: .seconds(1800), localRefreshes: true, now: TestInstant.zero)
        #expect(timer.nextAction == .wakeUp(at: .seconds(900)))
        #expect(timer.tick(now: .seconds(899)) == .wakeUp(at: .seconds(900)))
        #expect(timer.tick(now: .seconds(900)) == .sendRefresh(thenWakeUpAt: .seconds(1768)))
        #expect(timer.refreshed(now: .seconds(905)) == .wakeUp(at: .seconds(1805)))
        #expect(timer.tick(now: .seconds(1805)) == .sendRefresh(thenWakeUpAt: .seconds(2673)))
        #expect(timer.tick(now: .seconds(2000)) == .wakeUp(at: .seconds(2673)))
        #expect(timer.tick(now: .seconds(2673)) == .expire)
        #expect(timer.tick(now: .seconds(2700)) == .none)
        #expect(timer.refreshed(now: .seconds(2701)) == .none)
    }

    @Test("the caller refreshes: without a refresh the session expires at interval − min(32, interval/3)")
    func remoteRefresh() {
        var timer = SessionTimer(interval: .seconds(90), localRefreshes: false, now: TestInstant.seconds(10))
        #expect(timer.nextAction == .wakeUp(at: .seconds(70)))
        #expect(timer.tick(now: .seconds(69)) == .wakeUp(at: .seconds(70)))
        #expect(timer.refreshed(now: .seconds(55)) == .wakeUp(at: .seconds(115)))
        // A re-INVITE can change the interval and the refresher.
        #expect(timer.refreshed(now: .seconds(60), interval: .seconds(1800), localRefreshes: false) == .wakeUp(at: .seconds(1828)))
        #expect(timer.tick(now: .seconds(1828)) == .expire)
    }

    @Test("stopping the timer silences it")
    func stop() {
        var timer = SessionTimer(interval: .seconds(90), localRefreshes: true, now: TestInstant.zero)
        timer.stop()
        #expect(timer.tick(now: .seconds(1000)) == .none)
        #expect(timer.nextAction == .none)
    }
}
