/// The running RFC 4028 session timer of one dialog.
///
/// Time is an input: every event carries `now`, and the timer answers with the instant it
/// wants to be woken at. When we are the refresher it asks for a refresh at half the
/// interval; when the peer is, or our refresh got no answer, it expires the session at
/// `interval − min(32 s, interval/3)` after the last refresh, and the owner sends BYE.
public struct SessionTimer<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public enum Action: Sendable, Hashable {
        /// Call `tick(now:)` again at this instant.
        case wakeUp(at: Instant)
        /// Send a session refresh (re-INVITE or UPDATE), then tick again at the instant given.
        case sendRefresh(thenWakeUpAt: Instant)
        /// The session expired: send BYE.
        case expire
        /// The timer is stopped or has already expired.
        case none
    }

    private enum State: Sendable {
        case running(lastRefresh: Instant)
        case refreshing(lastRefresh: Instant)
        case expired
        case stopped
    }

    public private(set) var interval: Duration
    public private(set) var localRefreshes: Bool
    private var state: State

    /// Starts the timer when the session is established (2xx sent).
    public init(interval: Duration, localRefreshes: Bool, now: Instant) {
        self.interval = interval
        self.localRefreshes = localRefreshes
        self.state = .running(lastRefresh: now)
    }

    /// Starts from a negotiated agreement.
    public init(agreement: SessionTimerAgreement, now: Instant) {
        self.init(interval: agreement.intervalDuration, localRefreshes: agreement.localRefreshes, now: now)
    }

    /// The first wake-up to schedule.
    public var nextAction: Action {
        switch state {
        case .running(let last):
            return .wakeUp(at: localRefreshes ? refreshTime(after: last) : expiryTime(after: last))
        case .refreshing(let last):
            return .wakeUp(at: expiryTime(after: last))
        case .expired, .stopped:
            return .none
        }
    }

    /// A session refresh succeeded (theirs received and answered 2xx, or ours answered 2xx),
    /// possibly with a new interval and refresher.
    public mutating func refreshed(now: Instant, interval: Duration? = nil, localRefreshes: Bool? = nil) -> Action {
        switch state {
        case .expired, .stopped:
            return .none
        case .running, .refreshing:
            if let interval { self.interval = interval }
            if let localRefreshes { self.localRefreshes = localRefreshes }
            state = .running(lastRefresh: now)
            return nextAction
        }
    }

    /// The wake-up arrived (or any other moment to check).
    public mutating func tick(now: Instant) -> Action {
        switch state {
        case .running(let last):
            if localRefreshes {
                let expiry = expiryTime(after: last)
                if now >= expiry {
                    state = .expired
                    return .expire
                }
                guard now >= refreshTime(after: last) else { return .wakeUp(at: refreshTime(after: last)) }
                state = .refreshing(lastRefresh: last)
                return .sendRefresh(thenWakeUpAt: expiry)
            }
            let expiry = expiryTime(after: last)
            guard now >= expiry else { return .wakeUp(at: expiry) }
            state = .expired
            return .expire
        case .refreshing(let last):
            let expiry = expiryTime(after: last)
            guard now >= expiry else { return .wakeUp(at: expiry) }
            state = .expired
            return .expire
        case .expired, .stopped:
            return .none
        }
    }

    /// The dialog ended: no more actions.
    public mutating func stop() {
        state = .stopped
    }

    private func refreshTime(after last: Instant) -> Instant {
        last.advanced(by: interval / 2)
    }

    private func expiryTime(after last: Instant) -> Instant {
        last.advanced(by: interval - min(.seconds(32), interval / 3))
    }
}
