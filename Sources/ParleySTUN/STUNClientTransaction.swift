import NIOCore

/// Why a client transaction ended without a success response.
public enum STUNClientFailure: Hashable, Sendable, CustomStringConvertible {
    /// No response after Rc requests and Rm × RTO more (39.5 s with the defaults).
    case timedOut
    /// The server answered with an error response.
    case errorResponse(STUNErrorCode)
    /// A success response with comprehension-required attributes this client does not know
    /// (RFC 8489 §6.3.3: the transaction has failed).
    case unknownAttributes([UInt16])

    public var description: String {
        switch self {
        case .timedOut: return "no STUN response (timed out)"
        case .errorResponse(let error): return "STUN error response \(error)"
        case .unknownAttributes(let types): return "STUN response with unknown attributes \(types)"
        }
    }
}

/// RFC 8489 §6.2.1: RTO 500 ms doubling after each send, Rc = 7 requests, then Rm = 16
/// initial RTOs of waiting.
public struct STUNRetransmissionTiming: Hashable, Sendable {
    public var initialRTO: Duration
    public var requestCount: Int
    public var lastWaitMultiplier: Int

    public init(initialRTO: Duration = .milliseconds(500), requestCount: Int = 7, lastWaitMultiplier: Int = 16) {
        self.initialRTO = initialRTO
        self.requestCount = max(1, requestCount)
        self.lastWaitMultiplier = max(1, lastWaitMultiplier)
    }

    public static let rfc8489 = STUNRetransmissionTiming()

    /// When the transaction gives up, counted from the first send.
    public var totalTime: Duration {
        var total = Duration.zero
        var rto = initialRTO
        for _ in 1..<requestCount {
            total += rto
            rto *= 2
        }
        return total + initialRTO * lastWaitMultiplier
    }
}

/// One STUN client transaction over UDP (RFC 8489 §6.2.1): the request, its retransmissions
/// and the response that ends it.
///
/// ```
/// idle ──start──▶ waiting(n) ──timer, n < Rc──▶ waiting(n+1), RTO doubled
///                   │  └──timer, n = Rc──▶ lastWait (Rm × RTO) ──timer──▶ done: timedOut
///                   └──matching response──▶ done: succeeded / failed
/// ```
///
/// Pure: no sockets, no clock. Events carry `now` (any monotonic instant); timers are returned
/// as ``Action/startTimer(after:)`` and come back as ``timerFired(now:)``. Responses with
/// another transaction ID, requests and indications are ignored (`[]`), as are responses whose
/// FINGERPRINT or MESSAGE-INTEGRITY is wrong (RFC 8489 §6.3 and §9.1.4: discarded as if never
/// received).
public struct STUNClientTransaction<Instant: InstantProtocol & Sendable>: Sendable where Instant.Duration == Duration {
    public enum Action: Hashable, Sendable {
        /// Send these bytes to the server (the same bytes every time).
        case send(ByteBuffer)
        /// Call ``timerFired(now:)`` after this long (one timer at a time: a new one replaces
        /// the previous).
        case startTimer(after: Duration)
        /// The transaction succeeded. `roundTrip` is nil when the request was retransmitted
        /// (Karn: the response cannot be matched to one send).
        case succeeded(STUNMessage, roundTrip: Duration?)
        case failed(STUNClientFailure)
    }

    private enum State: Sendable {
        case idle
        case waiting(sent: Int, rto: Duration, firstSent: Instant)
        case lastWait(firstSent: Instant)
        case done
    }

    public let request: STUNMessage
    public let timing: STUNRetransmissionTiming
    /// The key the request was signed with: responses must carry a valid integrity with it.
    public let signing: STUNSigning?
    /// What every ``Action/send(_:)`` carries: the request, signed and fingerprinted.
    public let requestBytes: ByteBuffer
    private var state: State = .idle

    /// - Parameters:
    ///   - request: usually a Binding request with a fresh random transaction ID.
    ///   - signing: short-term credentials: signs the request and checks the response.
    ///   - fingerprint: adds FINGERPRINT (helps a server tell STUN from media on a shared port).
    public init(request: STUNMessage, signing: STUNSigning? = nil, fingerprint: Bool = true, timing: STUNRetransmissionTiming = .rfc8489) {
        self.request = request
        self.timing = timing
        self.signing = signing
        self.requestBytes = request.bytes(signing: signing, fingerprint: fingerprint)
    }

    /// A Binding request with a random transaction ID.
    public init(
        bindingWith transactionID: STUNTransactionID = .random(), attributes: [STUNAttribute] = [], signing: STUNSigning? = nil,
        timing: STUNRetransmissionTiming = .rfc8489
    ) {
        self.init(
            request: STUNMessage(type: .bindingRequest, transactionID: transactionID, attributes: attributes), signing: signing,
            timing: timing)
    }

    public var isFinished: Bool {
        if case .done = state { return true }
        return false
    }

    /// Sends the first request.
    public mutating func start(now: Instant) -> [Action] {
        guard case .idle = state else { return [] }
        guard timing.requestCount > 1 else {
            state = .lastWait(firstSent: now)
            return [.send(requestBytes), .startTimer(after: timing.initialRTO * timing.lastWaitMultiplier)]
        }
        state = .waiting(sent: 1, rto: timing.initialRTO, firstSent: now)
        return [.send(requestBytes), .startTimer(after: timing.initialRTO)]
    }

    /// The timer of the last ``Action/startTimer(after:)`` expired.
    public mutating func timerFired(now: Instant) -> [Action] {
        switch state {
        case .waiting(let sent, let rto, let firstSent):
            guard sent + 1 < timing.requestCount else {
                // The last request: after it, wait Rm × RTO (RFC 8489 §6.2.1).
                state = .lastWait(firstSent: firstSent)
                return [.send(requestBytes), .startTimer(after: timing.initialRTO * timing.lastWaitMultiplier)]
            }
            let next = rto * 2
            state = .waiting(sent: sent + 1, rto: next, firstSent: firstSent)
            return [.send(requestBytes), .startTimer(after: next)]
        case .lastWait:
            state = .done
            return [.failed(.timedOut)]
        case .idle, .done:
            return []
        }
    }

    /// A datagram from the server (or anyone: non-matching ones are ignored).
    public mutating func receive(_ datagram: ByteBuffer, now: Instant) -> [Action] {
        let firstSent: Instant
        let retransmitted: Bool
        switch state {
        case .waiting(let sent, _, let first):
            firstSent = first
            retransmitted = sent > 1
        case .lastWait(let first):
            firstSent = first
            retransmitted = true
        case .idle, .done:
            return []
        }
        var input = datagram
        guard let response = try? STUNMessage(parsing: &input),
            response.transactionID == request.transactionID, response.type.method == request.type.method,
            response.type.messageClass == .successResponse || response.type.messageClass == .errorResponse,
            STUNMessageCheck.fingerprint(of: datagram) != .invalid,
            integrityAccepted(response, datagram: datagram)
        else { return [] }
        state = .done
        if response.type.messageClass == .errorResponse {
            return [.failed(.errorResponse(response.errorCode ?? .badRequest))]
        }
        let unknown = response.unknownComprehensionRequiredTypes
        guard unknown.isEmpty else { return [.failed(.unknownAttributes(unknown))] }
        return [.succeeded(response, roundTrip: retransmitted ? nil : firstSent.duration(to: now))]
    }

    /// Unsigned requests accept any response. Signed ones need a valid MESSAGE-INTEGRITY
    /// (SHA-256 when present) on success responses; error responses without one are taken
    /// (a 400 or 401 may be unsigned, RFC 8489 §9.1.3), with a wrong one discarded.
    private func integrityAccepted(_ response: STUNMessage, datagram: ByteBuffer) -> Bool {
        guard let signing else { return true }
        let sha256 = STUNMessageCheck.messageIntegritySHA256(of: datagram, key: signing.key)
        let sha1 = STUNMessageCheck.messageIntegrity(of: datagram, key: signing.key)
        let result = sha256 != .absent ? sha256 : sha1
        switch result {
        case .valid: return true
        case .invalid: return false
        case .absent: return response.type.messageClass == .errorResponse
        }
    }
}
