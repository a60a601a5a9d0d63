/// The RFC 3261 §17 timer base values (Table 4). Tests and deployments may shorten them.
public struct SIPTimerValues: Sendable, Hashable {
    /// RTT estimate: 500 ms.
    public var t1: Duration
    /// Maximum retransmit interval for non-INVITE requests and INVITE responses: 4 s.
    public var t2: Duration
    /// Maximum time a message stays in the network: 5 s.
    public var t4: Duration

    public init(t1: Duration = .milliseconds(500), t2: Duration = .seconds(4), t4: Duration = .seconds(5)) {
        self.t1 = t1
        self.t2 = t2
        self.t4 = t4
    }

    public static let rfc3261 = SIPTimerValues()

    /// 64·T1: Timers B, F, H, J and L, and the UAS's wait for an ACK to a 2xx.
    public var transactionTimeout: Duration { t1 * 64 }
}

/// The server transaction timers (RFC 3261 §17.2, RFC 6026 Timer L).
public enum SIPTransactionTimer: String, Sendable, Hashable, CaseIterable {
    /// INVITE final-response retransmission (unreliable transports).
    case timerG
    /// Wait for the ACK to a non-2xx final response.
    case timerH
    /// Absorb ACK retransmissions in Confirmed.
    case timerI
    /// Absorb non-INVITE request retransmissions in Completed.
    case timerJ
    /// Absorb INVITE retransmissions after a 2xx (RFC 6026 Accepted state).
    case timerL
}

/// Why a server transaction ended.
public enum SIPTransactionTermination: Sendable, Hashable {
    /// It ran its course.
    case completed
    /// Timer H fired: no ACK came for a non-2xx final response.
    case timeout
    /// The transport reported a failure sending a response.
    case transportError
}

/// What a server transaction asks its owner to do.
public enum ServerTransactionAction: Sendable, Hashable {
    /// Write this response to the transport (to the address of the request's top Via,
    /// RFC 3261 §18.2.2 and RFC 3581).
    case send(SIPMessage)
    case startTimer(SIPTransactionTimer, after: Duration)
    case cancelTimer(SIPTransactionTimer)
    /// Hand this request (the INVITE, the request, or an ACK for a 2xx) to the TU.
    case deliverToTU(SIPMessage)
    /// The transaction is over: forget it and every timer it started.
    case terminated(SIPTransactionTermination)
}
