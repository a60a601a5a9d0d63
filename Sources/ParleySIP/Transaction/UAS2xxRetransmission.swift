/// The UAS core's retransmission of a 2xx to an INVITE until the ACK arrives
/// (RFC 3261 §13.3.1.4).
///
/// After the transaction has sent the 2xx once, call `start()`. The 2xx is sent again at T1,
/// 2·T1, 4·T1, ... capped at T2, over every transport (the hop-by-hop reliability of TCP
/// does not reach the caller through proxies). If no ACK arrives within 64·T1 the session
/// is confirmed dead: the action `.ackTimeout` tells the owner to send BYE.
public struct UAS2xxRetransmission: Sendable {
    public enum Timer: String, Sendable, Hashable {
        case retransmit
        case ackTimeout
    }

    public enum Action: Sendable, Hashable {
        case send(SIPMessage)
        case startTimer(Timer, after: Duration)
        case cancelTimer(Timer)
        /// The ACK arrived: the dialog is confirmed on both sides.
        case acknowledged
        /// No ACK within 64·T1: end the dialog with BYE (RFC 3261 §13.3.1.4).
        case ackTimeout
    }

    private enum State: Sendable {
        case idle
        case waiting(interval: Duration)
        case acknowledged
        case timedOut
    }

    /// The 2xx being retransmitted.
    public let response: SIPMessage
    public let timers: SIPTimerValues
    private var state: State = .idle

    public init(response: SIPMessage, timers: SIPTimerValues = .rfc3261) {
        self.response = response
        self.timers = timers
    }

    public var isWaitingForACK: Bool {
        if case .waiting = state { return true }
        return false
    }

    /// Starts the timers; the 2xx itself was already sent by the transaction.
    public mutating func start() -> [Action] {
        guard case .idle = state else { return [] }
        state = .waiting(interval: timers.t1)
        return [.startTimer(.retransmit, after: timers.t1), .startTimer(.ackTimeout, after: timers.transactionTimeout)]
    }

    /// Whether `ack` acknowledges this 2xx: same Call-ID, tags and CSeq number.
    public func matches(ack: SIPMessage) -> Bool {
        guard ack.method == .ack, let ackCSeq = ack.cseq, let cseq = response.cseq else { return false }
        return ack.callID == response.callID && ackCSeq.sequenceNumber == cseq.sequenceNumber
            && ack.fromTag == response.fromTag && ack.toTag == response.toTag
    }

    public mutating func ackReceived() -> [Action] {
        guard case .waiting = state else { return [] }
        state = .acknowledged
        return [.cancelTimer(.retransmit), .cancelTimer(.ackTimeout), .acknowledged]
    }

    public mutating func timerFired(_ timer: Timer) -> [Action] {
        guard case .waiting(let interval) = state else { return [] }
        switch timer {
        case .retransmit:
            let next = min(interval * 2, timers.t2)
            state = .waiting(interval: next)
            return [.send(response), .startTimer(.retransmit, after: next)]
        case .ackTimeout:
            state = .timedOut
            return [.cancelTimer(.retransmit), .ackTimeout]
        }
    }
}
