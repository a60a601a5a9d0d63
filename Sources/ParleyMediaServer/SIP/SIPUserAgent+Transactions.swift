import Logging
import NIOCore
import ParleySIP

/// A server transaction (RFC 3261 §17.2) and the timers it started.
struct ServerTransactionEntry {
    enum Machine {
        case invite(ServerInviteTransaction)
        case nonInvite(ServerNonInviteTransaction)
    }

    var machine: Machine
    let flow: SIPFlow
    var timers: [SIPTransactionTimer: SIPTimerHandle] = [:]

    var inviteTransaction: ServerInviteTransaction? {
        if case .invite(let transaction) = machine { return transaction }
        return nil
    }

    mutating func apply(
        invite: (inout ServerInviteTransaction) -> [ServerTransactionAction],
        nonInvite: (inout ServerNonInviteTransaction) -> [ServerTransactionAction]
    ) -> [ServerTransactionAction] {
        switch machine {
        case .invite(var transaction):
            let actions = invite(&transaction)
            machine = .invite(transaction)
            return actions
        case .nonInvite(var transaction):
            let actions = nonInvite(&transaction)
            machine = .nonInvite(transaction)
            return actions
        }
    }
}

/// A client transaction of ours (BYE, session refresh) and what it is for.
struct ClientTransactionEntry {
    enum Purpose {
        case bye
        case refresh
    }

    var machine: SIPClientTransaction
    let flow: SIPFlow
    let callID: String
    let purpose: Purpose
    var timers: [SIPClientTransaction.Timer: SIPTimerHandle] = [:]
    /// The ACK for a non-2xx final response to our INVITE, sent again on retransmissions.
    var failureAck: SIPMessage?
}

extension SIPUserAgent {
    // MARK: Timers

    /// Schedules `fire` on the loop after `delay`; it receives the handle's id to check that
    /// the timer is still the current one.
    func startTimer(after delay: Duration, _ fire: @escaping (SIPUserAgent, UInt64) -> Void) -> SIPTimerHandle {
        nextTimerID &+= 1
        let id = nextTimerID
        let scheduled = loop.assumeIsolated().scheduleTask(in: TimeAmount(max(delay, .zero))) { [weak self] in
            if let self { fire(self, id) }
        }
        return SIPTimerHandle(id: id, scheduled: scheduled)
    }

    // MARK: Server transactions

    /// A request (or retransmission) for the transaction `key`.
    func transactionReceive(_ request: SIPMessage, key: TransactionKey) {
        guard var entry = serverTransactions[key] else { return }
        let actions = entry.apply(invite: { $0.receive(request) }, nonInvite: { $0.receive(request) })
        serverTransactions[key] = entry
        execute(actions, key: key, flow: entry.flow)
    }

    /// The TU answers the request of transaction `key`. Adds our Server header if missing and
    /// returns the response as sent.
    @discardableResult
    func respond(_ response: SIPMessage, on key: TransactionKey) -> SIPMessage {
        var response = response
        if !response.headers.contains(.server) { response.headers.add(.server, configuration.userAgent) }
        guard var entry = serverTransactions[key] else { return response }
        let actions = entry.apply(invite: { $0.send(response) }, nonInvite: { $0.send(response) })
        serverTransactions[key] = entry
        execute(actions, key: key, flow: entry.flow)
        return response
    }

    private func execute(_ actions: [ServerTransactionAction], key: TransactionKey, flow: SIPFlow) {
        for action in actions {
            switch action {
            case .send(let response):
                sendResponse(response, flow: flow)
            case .startTimer(let timer, let delay):
                let handle = startTimer(after: delay) { agent, id in agent.transactionTimerFired(timer, id: id, key: key) }
                if serverTransactions[key] != nil {
                    serverTransactions[key]?.timers.removeValue(forKey: timer)?.cancel()
                    serverTransactions[key]?.timers[timer] = handle
                } else {
                    handle.cancel()
                }
            case .cancelTimer(let timer):
                serverTransactions[key]?.timers.removeValue(forKey: timer)?.cancel()
            case .deliverToTU(let request):
                dispatch(request, key: key, flow: flow)
            case .terminated(let termination):
                if let entry = serverTransactions.removeValue(forKey: key) {
                    for handle in entry.timers.values { handle.cancel() }
                }
                if termination == .timeout {
                    logger.debug("no ACK for a final response", metadata: ["transaction": "\(key)"])
                }
            }
        }
    }

    private func transactionTimerFired(_ timer: SIPTransactionTimer, id: UInt64, key: TransactionKey) {
        guard var entry = serverTransactions[key], entry.timers[timer]?.id == id else { return }
        entry.timers.removeValue(forKey: timer)
        let actions = entry.apply(invite: { $0.timerFired(timer) }, nonInvite: { $0.timerFired(timer) })
        serverTransactions[key] = entry
        execute(actions, key: key, flow: entry.flow)
    }

    // MARK: Client transactions

    /// Sends `request` of call `callID` in a client transaction; `clientTransactionEnded` gets
    /// its final response, or nil on timeout or when the flow is gone.
    func startClientTransaction(_ request: SIPMessage, flow: SIPFlow, callID: String, purpose: ClientTransactionEntry.Purpose) {
        guard let branch = request.topVia?.branch, canSend(on: flow) else {
            clientTransactionEnded(callID: callID, purpose: purpose, request: request, response: nil)
            return
        }
        var machine = SIPClientTransaction(request: request, reliableTransport: flow.isReliable, timers: configuration.timers)
        let actions = machine.start()
        clientTransactions[branch] = ClientTransactionEntry(machine: machine, flow: flow, callID: callID, purpose: purpose)
        executeClient(actions, branch: branch)
    }

    /// A response to one of our requests.
    func receiveResponse(_ response: SIPMessage) {
        guard let branch = response.topVia?.branch else { return }
        guard var entry = clientTransactions[branch] else {
            resendAckIfNeeded(for: response)
            return
        }
        let actions = entry.machine.receive(response)
        clientTransactions[branch] = entry
        if actions.isEmpty { resendAckIfNeeded(for: response) }
        executeClient(actions, branch: branch)
    }

    /// A retransmitted 2xx to our re-INVITE: its ACK was lost, send it again.
    private func resendAckIfNeeded(for response: SIPMessage) {
        guard response.method == .invite, let status = response.status, (200..<300).contains(status),
            let callID = response.callID, let call = calls[callID], let ack = call.lastAck,
            ack.cseq?.sequenceNumber == response.cseq?.sequenceNumber
        else { return }
        sendRequest(ack, flow: call.flow)
    }

    private func executeClient(_ actions: [SIPClientTransaction.Action], branch: String) {
        guard let entry = clientTransactions[branch] else { return }
        for action in actions {
            switch action {
            case .send(let request):
                sendRequest(request, flow: entry.flow)
            case .startTimer(let timer, let delay):
                let handle = startTimer(after: delay) { agent, id in agent.clientTimerFired(timer, id: id, branch: branch) }
                if clientTransactions[branch] != nil {
                    clientTransactions[branch]?.timers.removeValue(forKey: timer)?.cancel()
                    clientTransactions[branch]?.timers[timer] = handle
                } else {
                    handle.cancel()
                }
            case .cancelTimer(let timer):
                clientTransactions[branch]?.timers.removeValue(forKey: timer)?.cancel()
            case .final(let response):
                if entry.machine.isInvite, let status = response.status, status >= 300 {
                    let ack = Self.ackForFailure(of: entry.machine.request, response: response)
                    clientTransactions[branch]?.failureAck = ack
                    sendRequest(ack, flow: entry.flow)
                }
                clientTransactionEnded(callID: entry.callID, purpose: entry.purpose, request: entry.machine.request, response: response)
            case .repeatAck:
                if let ack = clientTransactions[branch]?.failureAck { sendRequest(ack, flow: entry.flow) }
            case .timedOut:
                clientTransactionEnded(callID: entry.callID, purpose: entry.purpose, request: entry.machine.request, response: nil)
            case .terminated:
                if let ended = clientTransactions.removeValue(forKey: branch) {
                    for handle in ended.timers.values { handle.cancel() }
                }
            }
        }
    }

    private func clientTimerFired(_ timer: SIPClientTransaction.Timer, id: UInt64, branch: String) {
        guard var entry = clientTransactions[branch], entry.timers[timer]?.id == id else { return }
        entry.timers.removeValue(forKey: timer)
        let actions = entry.machine.timerFired(timer)
        clientTransactions[branch] = entry
        executeClient(actions, branch: branch)
    }

    /// The ACK for a non-2xx final response to an INVITE we sent: part of the INVITE's
    /// transaction, so with its branch (RFC 3261 §17.1.1.3).
    static func ackForFailure(of invite: SIPMessage, response: SIPMessage) -> SIPMessage {
        var headers = SIPHeaders()
        if let via = invite.headers.values(for: .via).first { headers.add(.via, via) }
        headers.add(.maxForwards, "70")
        for route in invite.headers.lines(for: .route) { headers.add(.route, route) }
        if let to = response.headers[.to] { headers.add(.to, to) }
        if let from = invite.headers[.from] { headers.add(.from, from) }
        if let callID = invite.callID { headers.add(.callID, callID) }
        if let cseq = invite.cseq { headers.add(.cseq, SIPCSeq(cseq.sequenceNumber, .ack).description) }
        let uri = invite.requestURI ?? SIPURI(host: "invalid")
        return SIPMessage.request(.ack, uri: uri, headers: headers)
    }
}
