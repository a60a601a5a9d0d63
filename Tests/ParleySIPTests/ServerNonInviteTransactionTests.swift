import ParleySIP
import Testing

@Suite("Non-INVITE server transaction (RFC 3261 §17.2.2)")
struct ServerNonInviteTransactionTests {
    let bye = makeInDialogRequest("BYE", cseq: 314160, toTag: "as83kd9bs")

    @Test("BYE → TU; retransmissions absorbed in Trying, answered with the 200 after; Timer J ends it")
    func timerJ() {
        var transaction = ServerNonInviteTransaction(request: bye, reliableTransport: false)
        var trace = TransactionHarness()
        trace.apply(transaction.receive(bye))
        #expect(trace.delivered == [bye])
        #expect(transaction.currentState == .trying)
        trace.apply(transaction.receive(bye))
        #expect(trace.sent.isEmpty)

        trace.apply(transaction.send(SIPMessage.response(to: bye, status: 200)))
        #expect(transaction.currentState == .completed)
        #expect(trace.timers.deadline(of: .timerJ) == .seconds(32))
        trace.apply(transaction.receive(bye))
        trace.apply(transaction.receive(bye))
        #expect(trace.sentStatuses == [200, 200, 200])
        #expect(trace.delivered.count == 1)

        trace.runTimers(until: .seconds(40)) { transaction.timerFired($0) }
        #expect(trace.termination == .completed)
        #expect(trace.now == .seconds(32))
        #expect(transaction.receive(bye).isEmpty)
    }

    @Test("a provisional response is re-sent for retransmissions while Proceeding")
    func proceeding() {
        let info = makeInDialogRequest("INFO", cseq: 5, toTag: "t", body: "Signal=5\nDuration=160", contentType: "application/dtmf-relay")
        var transaction = ServerNonInviteTransaction(request: info, reliableTransport: false)
        var trace = TransactionHarness()
        trace.apply(transaction.receive(info))
        trace.apply(transaction.send(SIPMessage.response(to: info, status: 100)))
        trace.apply(transaction.receive(info))
        #expect(transaction.currentState == .proceeding)
        #expect(trace.sentStatuses == [100, 100])
        trace.apply(transaction.send(SIPMessage.response(to: info, status: 200)))
        #expect(trace.sentStatuses == [100, 100, 200])
    }

    @Test("over TCP the final response ends the transaction at once (Timer J = 0)")
    func reliable() {
        var transaction = ServerNonInviteTransaction(request: bye, reliableTransport: true)
        var trace = TransactionHarness()
        trace.apply(transaction.receive(bye))
        trace.apply(transaction.send(SIPMessage.response(to: bye, status: 200)))
        #expect(trace.termination == .completed)
        #expect(!trace.timers.isRunning(.timerJ))
    }

    @Test("a transport error after responding terminates; before, it is ignored")
    func transportError() {
        var transaction = ServerNonInviteTransaction(request: bye, reliableTransport: false)
        var trace = TransactionHarness()
        trace.apply(transaction.receive(bye))
        #expect(transaction.transportFailed().isEmpty)
        trace.apply(transaction.send(SIPMessage.response(to: bye, status: 200)))
        trace.apply(transaction.transportFailed())
        #expect(trace.termination == .transportError)
        #expect(transaction.timerFired(.timerJ).isEmpty)
    }
}

@Suite("Transaction keys and CANCEL (RFC 3261 §9.2, §17.2.3)")
struct TransactionKeyAndCancelTests {
    let invite = InviteTrace.invite

    @Test("ACK and CANCEL find the INVITE transaction; the 2xx ACK does not")
    func matching() throws {
        let inviteKey = try #require(TransactionKey(request: invite))
        #expect(inviteKey.method == .invite)
        #expect(inviteKey.sentBy == "pc33.example.com:5060")
        #expect(TransactionKey(request: InviteTrace.ackForFailure(toTag: "x")) == inviteKey)
        #expect(TransactionKey(request: InviteTrace.ackFor2xx(toTag: "x")) != inviteKey)
        let cancel = InviteTrace.cancel()
        #expect(TransactionKey(request: cancel) != inviteKey, "the CANCEL has its own transaction")
        #expect(TransactionKey.invite(cancelledBy: cancel) == inviteKey)
        #expect(TransactionKey.invite(cancelledBy: invite) == nil)
        let other = makeInvite(branch: "z9hG4bKother")
        #expect(TransactionKey(request: other) != inviteKey)
    }

    @Test("CANCEL before the answer: 200 to the CANCEL, 487 to the INVITE, then the ACK for the 487")
    func cancelBeforeAnswer() throws {
        var transaction = ServerInviteTransaction(request: invite, reliableTransport: false)
        var trace = TransactionHarness()
        trace.apply(transaction.receive(invite))
        trace.apply(transaction.send(SIPMessage.response(to: invite, status: 180, toTag: "as83kd9bs")))

        let cancel = InviteTrace.cancel()
        let decision = CancelDecision.decide(cancel: cancel, inviteTransaction: transaction, toTag: "as83kd9bs")
        guard case .cancelInvite(let cancelResponse, let inviteResponse) = decision else {
            Issue.record("expected to cancel the INVITE, got \(decision)")
            return
        }
        #expect(cancelResponse.status == 200)
        #expect(cancelResponse.cseq == SIPCSeq(314159, .cancel))
        #expect(cancelResponse.toTag == "as83kd9bs")
        #expect(inviteResponse.status == 487)
        #expect(inviteResponse.cseq == SIPCSeq(314159, .invite))
        #expect(inviteResponse.toTag == "as83kd9bs")

        var cancelTransaction = ServerNonInviteTransaction(request: cancel, reliableTransport: false)
        var cancelTrace = TransactionHarness()
        cancelTrace.apply(cancelTransaction.receive(cancel))
        cancelTrace.apply(cancelTransaction.send(cancelResponse))
        #expect(cancelTrace.sentStatuses == [200])

        trace.apply(transaction.send(inviteResponse))
        #expect(trace.sentStatuses == [100, 180, 487])
        trace.apply(transaction.receive(InviteTrace.ackForFailure(toTag: "as83kd9bs")))
        #expect(transaction.currentState == .confirmed)
    }

    @Test("CANCEL after the 200: the CANCEL gets 200 and changes nothing")
    func cancelAfterAnswer() {
        var transaction = ServerInviteTransaction(request: invite, reliableTransport: false)
        _ = transaction.receive(invite)
        _ = transaction.send(SIPMessage.response(to: invite, status: 200, toTag: "t"))
        let decision = CancelDecision.decide(cancel: InviteTrace.cancel(), inviteTransaction: transaction, toTag: "t")
        guard case .alreadyAnswered(let response) = decision else {
            Issue.record("expected alreadyAnswered, got \(decision)")
            return
        }
        #expect(response.status == 200)
        #expect(transaction.currentState == .accepted)
    }

    @Test("CANCEL for no known INVITE: 481")
    func cancelUnknown() {
        let decision = CancelDecision.decide(cancel: InviteTrace.cancel(), inviteTransaction: nil, toTag: "t")
        guard case .noMatchingTransaction(let response) = decision else {
            Issue.record("expected 481, got \(decision)")
            return
        }
        #expect(response.status == 481)
        #expect(response.reasonPhrase == "Call/Transaction Does Not Exist")
    }
}
