/// The non-INVITE server transaction (RFC 3261 §17.2.2).
///
/// ```
/// idle ──request──▶ trying ──1xx──▶ proceeding ──final──▶ completed ──Timer J──▶ terminated
///                      └─────────────final──────────────────▲
/// ```
/// Retransmitted requests are absorbed in Trying and answered with the last response after.
public struct ServerNonInviteTransaction: Sendable {
    public enum State: Sendable, Hashable {
        case idle
        case trying
        case proceeding
        case completed
        case terminated
    }

    private enum InternalState: Sendable {
        case idle
        case trying
        case proceeding(lastProvisional: SIPMessage)
        case completed(finalResponse: SIPMessage)
        case terminated
    }

    public let request: SIPMessage
    public let isReliableTransport: Bool
    public let timers: SIPTimerValues
    private var state: InternalState = .idle

    public init(request: SIPMessage, reliableTransport: Bool, timers: SIPTimerValues = .rfc3261) {
        self.request = request
        self.isReliableTransport = reliableTransport
        self.timers = timers
    }

    public var currentState: State {
        switch state {
        case .idle: return .idle
        case .trying: return .trying
        case .proceeding: return .proceeding
        case .completed: return .completed
        case .terminated: return .terminated
        }
    }

    /// The request, or a retransmission of it.
    public mutating func receive(_ message: SIPMessage) -> [ServerTransactionAction] {
        switch state {
        case .idle:
            state = .trying
            return [.deliverToTU(message)]
        case .trying, .terminated:
            return []
        case .proceeding(let lastProvisional):
            return [.send(lastProvisional)]
        case .completed(let finalResponse):
            return [.send(finalResponse)]
        }
    }

    /// The TU sends a response.
    public mutating func send(_ response: SIPMessage) -> [ServerTransactionAction] {
        guard let status = response.status else { return [] }
        switch state {
        case .trying, .proceeding:
            if status < 200 {
                state = .proceeding(lastProvisional: response)
                return [.send(response)]
            }
            if isReliableTransport {
                state = .terminated
                return [.send(response), .terminated(.completed)]
            }
            state = .completed(finalResponse: response)
            return [.send(response), .startTimer(.timerJ, after: timers.transactionTimeout)]
        case .idle, .completed, .terminated:
            return []
        }
    }

    public mutating func timerFired(_ timer: SIPTransactionTimer) -> [ServerTransactionAction] {
        guard case .completed = state, timer == .timerJ else { return [] }
        state = .terminated
        return [.terminated(.completed)]
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
