import ParleySIP
import Testing

@Suite("INVITE server transaction (RFC 3261 §17.2.1, RFC 6026)")
struct ServerInviteTransactionTests {
    let invite = InviteTrace.invite

    func response(_ status: Int, tag: String = "as83kd9bs") -> SIPMessage {
        SIPMessage.response(to: invite, status: status, toTag: tag)
    }

    @Test("INVITE → 100 Trying at once and the INVITE goes to the TU; retransmissions re-send the last provisional")
    func tryingAndRetransmissions() {
        var transaction = ServerInviteTransaction(request: invite, reliableTransport: false)
        var trace = TransactionHarness()
        trace.apply(transaction.receive(invite))
        #expect(trace.sentStatuses == [100])
        #expect(trace.delivered == [invite])
        #expect(transaction.currentState == .proceeding)

        trace.apply(transaction.receive(invite))
        #expect(trace.sentStatuses == [100, 100])
        trace.apply(transaction.send(response(180)))
        trace.apply(transaction.receive(invite))
        #expect(trace.sentStatuses == [100, 100, 180, 180])
        #expect(trace.delivered.count == 1, "a retransmission is absorbed, not delivered again")
    }

    @Test("100 Trying carries no To tag and copies Timestamp")
    func tryingShape() throws {
        let stamped = makeInvite(extraHeaders: ["Timestamp: 54.2"])
        var transaction = ServerInviteTransaction(request: stamped, reliableTransport: false)
        let actions = transaction.receive(stamped)
        guard case .send(let trying) = actions.first else {
            Issue.record("no 100 Trying")
            return
        }
        #expect(trying.status == 100)
        #expect(trying.toTag == nil)
        #expect(trying.headers[.timestamp] == "54.2")
    }

    @Test("200 OK → Accepted: INVITE retransmissions absorbed, ACK to the TU, Timer L ends it after 64·T1")
    func accepted() {
        var transaction = ServerInviteTransaction(request: invite, reliableTransport: false)
        var trace = TransactionHarness()
        trace.apply(transaction.receive(invite))
        trace.apply(transaction.send(response(200)))
        #expect(transaction.currentState == .accepted)
        #expect(trace.timers.deadline(of: .timerL) == .seconds(32))
        trace.apply(transaction.receive(invite))
        #expect(trace.sentStatuses == [100, 200])
        let ack = InviteTrace.ackFor2xx(toTag: "as83kd9bs")
        trace.apply(transaction.receive(ack))
        #expect(trace.delivered.last == ack)
        // The UAS core's 2xx retransmissions pass through.
        trace.apply(transaction.send(response(200)))
        #expect(trace.sentStatuses == [100, 200, 200])
        trace.runTimers(until: .seconds(60)) { transaction.timerFired($0) }
        #expect(trace.termination == .completed)
        #expect(trace.now == .seconds(32))
        #expect(transaction.currentState == .terminated)
    }

    @Test("486 over UDP: Timer G doubles to T2 until Timer H gives up at 64·T1")
    func timerGAndH() {
        var transaction = ServerInviteTransaction(request: invite, reliableTransport: false)
        var trace = TransactionHarness()
        trace.apply(transaction.receive(invite))
        trace.apply(transaction.send(response(486)))
        #expect(transaction.currentState == .completed)
        trace.runTimers(until: .seconds(60)) { transaction.timerFired($0) }
        let retransmissions = trace.sent.filter { $0.status == 486 }.map(\.at)
        #expect(retransmissions == [
            .zero, .milliseconds(500), .milliseconds(1500), .milliseconds(3500), .milliseconds(7500),
            .milliseconds(11500), .milliseconds(15500), .milliseconds(19500), .milliseconds(23500),
            .milliseconds(27500), .milliseconds(31500),
        ])
        #expect(trace.termination == .timeout)
        #expect(trace.now == .seconds(32))
    }

    @Test("486 then ACK: Confirmed absorbs ACKs until Timer I (T4)")
    func confirmed() {
        var transaction = ServerInviteTransaction(request: invite, reliableTransport: false)
        var trace = TransactionHarness()
        trace.apply(transaction.receive(invite))
        trace.apply(transaction.send(response(486)))
        trace.runTimers(until: .milliseconds(600)) { transaction.timerFired($0) }
        #expect(trace.sentStatuses == [100, 486, 486])
        trace.apply(transaction.receive(invite))
        #expect(trace.sentStatuses == [100, 486, 486, 486], "a retransmitted INVITE gets the final response again")

        let ack = InviteTrace.ackForFailure(toTag: "as83kd9bs")
        trace.apply(transaction.receive(ack))
        #expect(transaction.currentState == .confirmed)
        #expect(!trace.timers.isRunning(.timerG) && !trace.timers.isRunning(.timerH))
        trace.apply(transaction.receive(ack))
        trace.apply(transaction.receive(invite))
        #expect(trace.sentStatuses.count == 4)
        #expect(trace.delivered.count == 1, "the ACK for a failure stays in the transaction")
        trace.runTimers(until: .seconds(60)) { transaction.timerFired($0) }
        #expect(trace.termination == .completed)
        #expect(trace.now == .milliseconds(500) + .seconds(5))
    }

    @Test("over TCP: no Timer G, and the ACK ends the transaction at once")
    func reliable() {
        var transaction = ServerInviteTransaction(request: invite, reliableTransport: true)
        var trace = TransactionHarness()
        trace.apply(transaction.receive(invite))
        trace.apply(transaction.send(response(603)))
        #expect(!trace.timers.isRunning(.timerG))
        #expect(trace.timers.isRunning(.timerH))
        trace.apply(transaction.receive(InviteTrace.ackForFailure(toTag: "as83kd9bs")))
        #expect(trace.termination == .completed)
    }

    @Test("a transport error while proceeding terminates the transaction")
    func transportError() {
        var transaction = ServerInviteTransaction(request: invite, reliableTransport: false)
        var trace = TransactionHarness()
        trace.apply(transaction.receive(invite))
        trace.apply(transaction.transportFailed())
        #expect(trace.termination == .transportError)
        #expect(transaction.send(response(200)).isEmpty)
    }

    @Test("stray events are ignored in every state")
    func strayEvents() {
        var transaction = ServerInviteTransaction(request: invite, reliableTransport: false)
        #expect(transaction.send(response(200)).isEmpty, "nothing to answer before the INVITE")
        #expect(transaction.timerFired(.timerG).isEmpty)
        #expect(transaction.receive(InviteTrace.ackForFailure(toTag: "x")).isEmpty)
        _ = transaction.receive(invite)
        #expect(transaction.timerFired(.timerH).isEmpty)
        #expect(transaction.timerFired(.timerJ).isEmpty)
    }
}

@Suite("2xx retransmission by the UAS core (RFC 3261 §13.3.1.4)")
struct UAS2xxRetransmissionTests {
    let ok = SIPMessage.response(to: InviteTrace.invite, status: 200, toTag: "as83kd9bs")

    struct Trace {
        var timers = ManualTimers<UAS2xxRetransmission.Timer>()
        var sentAt: [Duration] = []
        var outcome: UAS2xxRetransmission.Action?

        mutating func apply(_ actions: [UAS2xxRetransmission.Action]) {
            for action in actions {
                switch action {
                case .send: sentAt.append(timers.now)
                case .startTimer(let timer, let delay): timers.start(timer, after: delay)
                case .cancelTimer(let timer): timers.cancel(timer)
                case .acknowledged, .ackTimeout: outcome = action
                }
            }
        }
    }

    @Test("200 OK is re-sent at T1, 2·T1, 4·T1 ... capped at T2 until the ACK")
    func untilACK() {
        var machine = UAS2xxRetransmission(response: ok)
        var trace = Trace()
        trace.apply(machine.start())
        while let timer = trace.timers.fireNext() {
            trace.apply(machine.timerFired(timer))
            if trace.timers.now >= .milliseconds(7500) { break }
        }
        #expect(trace.sentAt == [.milliseconds(500), .milliseconds(1500), .milliseconds(3500), .milliseconds(7500)])
        let ack = InviteTrace.ackFor2xx(toTag: "as83kd9bs")
        #expect(machine.matches(ack: ack))
        #expect(!machine.matches(ack: InviteTrace.ackFor2xx(toTag: "someone-else")))
        trace.apply(machine.ackReceived())
        #expect(trace.outcome == .acknowledged)
        #expect(!trace.timers.isRunning(.retransmit) && !trace.timers.isRunning(.ackTimeout))
        #expect(machine.ackReceived().isEmpty, "a retransmitted ACK changes nothing")
        #expect(!machine.isWaitingForACK)
    }

    @Test("no ACK within 64·T1: give up and send BYE")
    func ackTimeout() {
        var machine = UAS2xxRetransmission(response: ok)
        var trace = Trace()
        trace.apply(machine.start())
        while trace.outcome == nil, let timer = trace.timers.fireNext() {
            trace.apply(machine.timerFired(timer))
        }
        #expect(trace.outcome == .ackTimeout)
        #expect(trace.timers.now == .seconds(32))
        #expect(trace.sentAt.count == 10)
        #expect(trace.sentAt.last == .milliseconds(31500))
        #expect(machine.timerFired(.retransmit).isEmpty)
    }
}
