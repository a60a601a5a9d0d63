import ParleySIP

/// Runs a server transaction against a manual clock and records what it asked for,
/// so tests read as traces: "at 1.5 s the 486 is sent again".
struct TransactionHarness {
    var timers = ManualTimers<SIPTransactionTimer>()
    /// (time, status) of every response written.
    var sent: [(at: Duration, status: Int)] = []
    var delivered: [SIPMessage] = []
    var termination: SIPTransactionTermination?

    var now: Duration { timers.now }
    var sentStatuses: [Int] { sent.map(\.status) }

    mutating func apply(_ actions: [ServerTransactionAction]) {
        for action in actions {
            switch action {
            case .send(let response):
                sent.append((timers.now, response.status ?? 0))
            case .startTimer(let timer, let delay):
                timers.start(timer, after: delay)
            case .cancelTimer(let timer):
                timers.cancel(timer)
            case .deliverToTU(let request):
                delivered.append(request)
            case .terminated(let reason):
                termination = reason
                timers.clear()
            }
        }
    }

    /// Fires timers in order while they fall before `limit`; each fired timer goes to `fire`.
    mutating func runTimers(until limit: Duration, fire: (SIPTransactionTimer) -> [ServerTransactionAction]) {
        while let next = nextDeadline(), next <= limit, let timer = timers.fireNext() {
            apply(fire(timer))
        }
    }

    private func nextDeadline() -> Duration? {
        SIPTransactionTimer.allCases.compactMap { timers.deadline(of: $0) }.min()
    }
}

/// Requests of the INVITE transaction's life, built the way a phone builds them.
enum InviteTrace {
    static let invite = makeInvite()

    static func cancel(of invite: SIPMessage = invite) -> SIPMessage {
        message(invite, method: "CANCEL", toTag: nil)
    }

    /// The ACK for a non-2xx final response: same branch, To tag from the response.
    static func ackForFailure(of invite: SIPMessage = invite, toTag: String) -> SIPMessage {
        message(invite, method: "ACK", toTag: toTag)
    }

    /// The ACK for a 2xx: a new transaction, so a new branch.
    static func ackFor2xx(of invite: SIPMessage = invite, toTag: String) -> SIPMessage {
        message(invite, method: "ACK", toTag: toTag, branch: "z9hG4bKack2xx")
    }

    private static func message(_ invite: SIPMessage, method: String, toTag: String?, branch: String? = nil) -> SIPMessage {
        let via = branch.map { "SIP/2.0/UDP pc33.example.com:5060;branch=\($0)" } ?? (invite.headers[.via] ?? "")
        let cseq = invite.cseq?.sequenceNumber ?? 0
        let text = [
            "\(method) sip:1234@parley.example.com SIP/2.0",
            "Via: \(via)",
            "Max-Forwards: 70",
            "To: <sip:1234@parley.example.com>" + (toTag.map { ";tag=\($0)" } ?? ""),
            "From: \"Alice\" <sip:alice@example.com>;tag=1928301774",
            "Call-ID: \(invite.callID ?? "")",
            "CSeq: \(cseq) \(method)",
            "", "",
        ].joined(separator: "\r\n")
        guard let request = try? SIPMessage(parsing: text) else {
            preconditionFailure("trace request does not parse")
        }
        return request
    }
}
