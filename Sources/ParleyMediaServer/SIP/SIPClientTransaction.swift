import ParleySIP

/// A client transaction for the few requests the node sends inside a dialog: BYE, and the
/// UPDATE or re-INVITE of a session refresh (RFC 3261 §17.1).
///
/// A pure state machine like ParleySIP's server transactions: `start()`, feed it responses and
/// the timers it asked for, execute the actions. Over UDP the request is retransmitted from T1
/// (doubling, capped at T2 for non-INVITE, Timers A and E); 64·T1 without a final response is
/// a timeout (Timers B and F). After the final response the transaction lingers (Timers D and
/// K) to absorb retransmitted responses; the owner sends the ACK for an INVITE.
struct SIPClientTransaction: Sendable {
    enum Timer: String, Sendable, Hashable {
        case retransmit
        case timeout
        case linger
    }

    enum Action: Sendable, Hashable {
        case send(SIPMessage)
        case startTimer(Timer, after: Duration)
        case cancelTimer(Timer)
        /// The first final response arrived: hand it to the owner.
        case final(SIPMessage)
        /// A retransmission of a non-2xx final response to an INVITE: send the ACK again.
        case repeatAck
        /// No final response within 64·T1 (treated as 408).
        case timedOut
        /// Forget the transaction.
        case terminated
    }

    private enum State: Sendable, Hashable {
        case idle
        case calling(interval: Duration)
        case proceeding
        case completed
        case terminated
    }

    let request: SIPMessage
    let isInvite: Bool
    let isReliableTransport: Bool
    let timers: SIPTimerValues
    private var state: State = .idle

    init(request: SIPMessage, reliableTransport: Bool, timers: SIPTimerValues) {
        self.request = request
        self.isInvite = request.method == .invite
        self.isReliableTransport = reliableTransport
        self.timers = timers
    }

    var isFinished: Bool { state == .completed || state == .terminated }

    mutating func start() -> [Action] {
        guard state == .idle else { return [] }
        state = .calling(interval: timers.t1)
        var actions: [Action] = [.send(request)]
        if !isReliableTransport { actions.append(.startTimer(.retransmit, after: timers.t1)) }
        actions.append(.startTimer(.timeout, after: timers.transactionTimeout))
        return actions
    }

    mutating func receive(_ response: SIPMessage) -> [Action] {
        guard let status = response.status else { return [] }
        switch state {
        case .calling, .proceeding:
            if status < 200 {
                if case .calling = state {
                    state = .proceeding
                    // An INVITE stops retransmitting once answered; a non-INVITE goes on at T2.
                    if isInvite { return [.cancelTimer(.retransmit)] }
                }
                return []
            }
            let reliable = isReliableTransport
            let linger: Duration = isInvite ? (reliable ? .zero : .seconds(32)) : (reliable ? .zero : timers.t4)
            state = .completed
            return [.cancelTimer(.retransmit), .cancelTimer(.timeout), .final(response), .startTimer(.linger, after: linger)]
        case .completed:
            return isInvite && status >= 300 ? [.repeatAck] : []
        case .idle, .terminated:
            return []
        }
    }

    mutating func timerFired(_ timer: Timer) -> [Action] {
        switch (state, timer) {
        case (.calling(let interval), .retransmit):
            let next = isInvite ? interval * 2 : min(interval * 2, timers.t2)
            state = .calling(interval: next)
            return [.send(request), .startTimer(.retransmit, after: next)]
        case (.proceeding, .retransmit):
            return isInvite ? [] : [.send(request), .startTimer(.retransmit, after: timers.t2)]
        case (.calling, .timeout), (.proceeding, .timeout):
            state = .terminated
            return [.cancelTimer(.retransmit), .timedOut, .terminated]
        case (.completed, .linger):
            state = .terminated
            return [.terminated]
        default:
            return []
        }
    }
}
