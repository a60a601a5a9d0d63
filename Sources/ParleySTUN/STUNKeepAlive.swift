import NIOCore

/// Keeps a STUN binding, and with it a firewall or NAT pinhole, alive (the Webex talk's
/// "STUN pinholes"; RFC 8489 §5 on refreshing bindings): a Binding request every `interval`
/// (default 15 s, below the 30 s UDP timeouts common in firewalls), each one a short client
/// transaction. Reports the reflexive address when it first appears and whenever it changes
/// (a NAT rebinding), and gives the binding up after `maximumFailures` refreshes in a row got
/// no answer. Pure: time comes in as `now`, one timer at a time goes out as an action.
public struct STUNKeepAlive<Instant: InstantProtocol & Sendable>: Sendable where Instant.Duration == Duration {
    public enum Action: Hashable, Sendable {
        case send(ByteBuffer)
        /// Call ``timerFired(now:)`` after this long (a new timer replaces the previous one).
        case startTimer(after: Duration)
        /// The server-reflexive address, first seen or changed.
        case mapped(STUNAddress)
        /// `maximumFailures` refreshes in a row failed: the pinhole is probably gone.
        case lost(STUNClientFailure)
    }

    public static var defaultInterval: Duration { .seconds(15) }
    /// Three requests (0, 0.5, 1.5 s) and 2 s more of waiting: a refresh is over in 3.5 s.
    public static var refreshTiming: STUNRetransmissionTiming {
        STUNRetransmissionTiming(initialRTO: .milliseconds(500), requestCount: 3, lastWaitMultiplier: 4)
    }

    public let interval: Duration
    public let maximumFailures: Int
    public let signing: STUNSigning?
    public private(set) var reflexiveAddress: STUNAddress?
    public private(set) var consecutiveFailures = 0
    private var transaction: STUNClientTransaction<Instant>?
    private var stopped = false

    public init(interval: Duration = Self.defaultInterval, maximumFailures: Int = 3, signing: STUNSigning? = nil) {
        self.interval = max(.seconds(1), interval)
        self.maximumFailures = max(1, maximumFailures)
        self.signing = signing
    }

    /// Sends the first Binding request.
    public mutating func start(now: Instant) -> [Action] {
        guard !stopped, transaction == nil else { return [] }
        return refresh(now: now)
    }

    /// Stops refreshing: later events produce nothing.
    public mutating func stop() {
        stopped = true
        transaction = nil
    }

    public mutating func timerFired(now: Instant) -> [Action] {
        guard !stopped else { return [] }
        guard var running = transaction else { return refresh(now: now) }
        let actions = running.timerFired(now: now)
        transaction = running
        return handle(actions, now: now)
    }

    /// A datagram that may answer the current refresh.
    public mutating func receive(_ datagram: ByteBuffer, now: Instant) -> [Action] {
        guard !stopped, var running = transaction else { return [] }
        let actions = running.receive(datagram, now: now)
        transaction = running
        return handle(actions, now: now)
    }

    private mutating func refresh(now: Instant) -> [Action] {
        var next = STUNClientTransaction<Instant>(bindingWith: .random(), signing: signing, timing: Self.refreshTiming)
        let actions = next.start(now: now)
        transaction = next
        return handle(actions, now: now)
    }

    private mutating func handle(_ actions: [STUNClientTransaction<Instant>.Action], now: Instant) -> [Action] {
        var out: [Action] = []
        for action in actions {
            switch action {
            case .send(let bytes):
                out.append(.send(bytes))
            case .startTimer(let after):
                out.append(.startTimer(after: after))
            case .succeeded(let response, _):
                transaction = nil
                consecutiveFailures = 0
                if let address = response.reflexiveAddress, address != reflexiveAddress {
                    reflexiveAddress = address
                    out.append(.mapped(address))
                }
                out.append(.startTimer(after: interval))
            case .failed(let failure):
                transaction = nil
                consecutiveFailures += 1
                if consecutiveFailures >= maximumFailures {
                    stopped = true
                    out.append(.lost(failure))
                } else {
                    // Try again sooner than a full interval: the pinhole may be closing.
                    out.append(.startTimer(after: min(interval, .seconds(5))))
                }
            }
        }
        return out
    }
}
