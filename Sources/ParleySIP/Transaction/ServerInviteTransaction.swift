/// The INVITE server transaction (RFC 3261 §17.2.1, with the RFC 6026 Accepted state).
///
/// A pure state machine: feed it the requests that match its `TransactionKey`, the
/// responses the TU sends and the timers it asked for; execute the actions it returns.
///
/// ```
/// idle ──INVITE──▶ proceeding ──2xx──▶ accepted ──Timer L──▶ terminated
///                      │
///                   300-699
///                      ▼
///                  completed ──ACK──▶ confirmed ──Timer I──▶ terminated
///                      └──Timer H──▶ terminated (timeout)
/// ```
public struct ServerInviteTransaction: Sendable {
    public enum State: Sendable, Hashable {
        case idle
        case proceeding
        case completed
        case confirmed
        case accepted
        case terminated
    }

    private enum InternalState: Sendable {
        case idle
        case proceeding(lastProvisional: SIPMessage?)
        case completed(finalResponse: SIPMessage, retransmitInterval: Duration)
        case confirmed
        case accepted
        case terminated
    }

    /// The INVITE that created the transaction.
    public let request: SIPMessage
    public let isReliableTransport: Bool
    public let timers: SIPTimerValues
    /// Send 100 Trying as soon as the INVITE arrives (RFC 3261 §17.2.1 allows waiting 200 ms).
    public let sendsTryingImmediately: Bool
    private var state: InternalState = .idle
    /// The final response the TU sent, once it has.
    public private(set) var finalResponse: SIPMessage?

    public init(
        request: SIPMessage,
        reliableTransport: Bool,
        timers: SIPTimerValues = .rfc3261,
        sendsTryingImmediately: Bool = true
    ) {
        self.request = request
        self.isReliableTransport = reliableTransport
        self.timers = timers
        self.sendsTryingImmediately = sendsTryingImmediately
    }

    public var currentState: State {
        switch state {
        case .idle: return .idle
        case .proceeding: return .proceeding
        case .completed: return .completed
        case .confirmed: return .confirmed
        case .accepted: return .accepted
        case .terminated: return .terminated
        }
    }

    /// A request matching this transaction: the INVITE itself, a retransmission, or the
    /// ACK for a non-2xx final response.
    public mutating func receive(_ message: SIPMessage) -> [ServerTransactionAction] {
        let isACK = message.method == .ack
        switch state {
        case .idle:
            guard !isACK else { return [] }
            guard sendsTryingImmediately else {
                state = .proceeding(lastProvisional: nil)
                return [.deliverToTU(message)]
            }
            let trying = SIPMessage.response(to: message, status: 100)
            state = .proceeding(lastProvisional: trying)
            return [.send(trying), .deliverToTU(message)]
        case .proceeding(let lastProvisional):
            guard !isACK, let lastProvisional else { return [] }
            return [.send(lastProvisional)]
        case .completed(let finalResponse, _):
            guard isACK else { return [.send(finalResponse)] }
            if isReliableTransport {
                state = .terminated
                return [.cancelTimer(.timerH), .terminated(.completed)]
            }
            state = .confirmed
            return [.cancelTimer(.timerG), .cancelTimer(.timerH), .startTimer(.timerI, after: timers.t4)]
        case .accepted:
            return isACK ? [.deliverToTU(message)] : []
        case .confirmed, .terminated:
            return []
        }
    }

    /// The TU sends a response to the INVITE.
    public mutating func send(_ response: SIPMessage) -> [ServerTransactionAction] {
        guard let status = response.status else { return [] }
        switch state {
        case .proceeding:
            switch status {
            case 100..<200:
                state = .proceeding(lastProvisional: response)
                return [.send(response)]
            case 200..<300:
                finalResponse = response
                state = .accepted
                return [.send(response), .startTimer(.timerL, after: timers.transactionTimeout)]
            default:
                finalResponse = response
                state = .completed(finalResponse: response, retransmitInterval: timers.t1)
                var actions: [ServerTransactionAction] = [.send(response)]
                if !isReliableTransport {
                    actions.append(.startTimer(.timerG, after: timers.t1))
                }
                actions.append(.startTimer(.timerH, after: timers.transactionTimeout))
                return actions
            }
        case .accepted:
            // Retransmissions of the 2xx by the UAS core (RFC 6026 §7.1).
            return (200..<300).contains(status) ? [.send(response)] : []
        case .idle, .completed, .confirmed, .terminated:
            return []
        }
    }

    public mutating func timerFired(_ timer: SIPTransactionTimer) -> [ServerTransactionAction] {
        switch (state, timer) {
        case (.completed(let finalResponse, let interval), .timerG):
            let next = min(interval * 2, timers.t2)
            state = .completed(finalResponse: finalResponse, retransmitInterval: next)
            return [.send(finalResponse), .startTimer(.timerG, after: next)]
        case (.completed, .timerH):
            state = .terminated
            return [.terminated(.timeout)]
        case (.confirmed, .timerI), (.accepted, .timerL):
            state = .terminated
            return [.terminated(.completed)]
        default:
            return []
        }
    }

    /// The transport failed to send a response (RFC 3261 §17.2.4).
    public mutating func transportFailed() -> [ServerTransactionAction] {
        switch state {
        case .proceeding, .completed:
            state = .terminated
            return [.terminated(.transportError)]
        default:
            return []
        }
    }
}
