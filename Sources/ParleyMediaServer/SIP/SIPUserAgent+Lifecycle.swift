import Logging
import NIOCore
import ParleySIP

/// Ending calls (BYE both ways, hang-up, session expiry), session refreshes we send, and the
/// service's drain and shutdown.
extension SIPUserAgent {
    // MARK: Ending calls

    /// Sends BYE for `call`. With `waitForAnswer` the call stays in the table until the BYE's
    /// final response (or its timeout); otherwise it ends now and the BYE is best effort.
    func sendBye(_ call: SIPCall, reason: CallEndReason, waitForAnswer: Bool) {
        guard call.phase != .terminating else { return }
        call.cancelAllTimers()
        call.retransmission = nil
        call.phase = .terminating
        call.endReason = reason
        var extra = SIPHeaders()
        if reason == .sessionExpired { extra.add(.reason, "SIP;cause=408;text=\"Session Expired\"") }
        if reason == .ackTimeout { extra.add(.reason, "SIP;cause=408;text=\"No ACK\"") }
        var bye = call.dialog.makeRequest(.bye, via: makeVia(for: call.flow), extraHeaders: extra)
        bye.headers.add(.userAgent, configuration.userAgent)
        logger.info("sending BYE", metadata: metadata(call.callID).merging(["reason": "\(reason)"]) { $1 })
        let callID = call.callID
        if !waitForAnswer { finishCall(callID, reason: reason) }
        startClientTransaction(bye, flow: call.flow, callID: callID, purpose: .bye)
    }

    /// Removes a call, tells call control why it ended (nil: it never started, e.g. rejected)
    /// and wakes `hangUp` callers.
    func finishCall(_ callID: String, reason: CallEndReason?) {
        guard let call = calls.removeValue(forKey: callID) else { return }
        call.cancelAllTimers()
        call.dialog.terminate()
        metrics.activeCalls(calls.count)
        if let reason {
            notifier.enqueue(callID: callID) { await $0.callEnded(callID: callID, reason: reason) }
        }
        for waiter in call.waiters { waiter.succeed(()) }
        call.waiters.removeAll()
        if draining, calls.isEmpty { drainPromise?.succeed(()) }
    }

    /// Our BYE or refresh got its final response (nil: timeout or no way to send).
    func clientTransactionEnded(callID: String, purpose: ClientTransactionEntry.Purpose, request: SIPMessage, response: SIPMessage?) {
        guard let call = calls[callID] else { return }
        switch purpose {
        case .bye:
            finishCall(callID, reason: call.endReason ?? .localHangUp)
        case .refresh:
            refreshEnded(call, request: request, response: response)
        }
    }

    /// `hangUp(callID:)` from call control: BYE for an established call, 480 for one still
    /// being decided, BYE after the ACK for one answered but not yet acknowledged.
    func hangUp(callID: String) -> EventLoopFuture<Void> {
        guard let call = calls[callID] else { return loop.makeSucceededVoidFuture() }
        let promise = loop.makePromise(of: Void.self)
        call.waiters.append(promise)
        switch call.phase {
        case .deciding:
            if let invite = serverTransactions[call.inviteKey]?.inviteTransaction?.request {
                call.dialog.didSend(respond(makeResponse(to: invite, status: 480, toTag: call.localTag), on: call.inviteKey))
            }
            finishCall(callID, reason: .localHangUp)
        case .answering:
            call.hangUpRequested = true
        case .confirmed:
            sendBye(call, reason: .localHangUp, waitForAnswer: true)
        case .terminating:
            break
        }
        return promise.futureResult
    }

    // MARK: Session timers (RFC 4028)

    func runSessionTimer(_ call: SIPCall, _ action: SessionTimer<ContinuousClock.Instant>.Action) {
        call.cancelTimer(.sessionTimer)
        switch action {
        case .wakeUp(let instant):
            scheduleSessionTimer(call, at: instant)
        case .sendRefresh(let instant):
            sendRefresh(call)
            scheduleSessionTimer(call, at: instant)
        case .expire:
            logger.info("session expired", metadata: metadata(call.callID))
            sendBye(call, reason: .sessionExpired, waitForAnswer: false)
        case .none:
            break
        }
    }

    private func scheduleSessionTimer(_ call: SIPCall, at instant: ContinuousClock.Instant) {
        let callID = call.callID
        call.timers[.sessionTimer] = startTimer(after: ContinuousClock.now.duration(to: instant)) { agent, id in
            guard let call = agent.calls[callID], call.timers[.sessionTimer]?.id == id, var timer = call.sessionTimer else { return }
            call.timers[.sessionTimer] = nil
            let action = timer.tick(now: .now)
            call.sessionTimer = timer
            agent.runSessionTimer(call, action)
        }
    }

    /// Our refresh: UPDATE without a body when the peer allows it, else a re-INVITE with
    /// our current description unchanged.
    private func sendRefresh(_ call: SIPCall) {
        guard call.phase == .confirmed, let timer = call.sessionTimer else { return }
        let seconds = Int(timer.interval.components.seconds)
        let extra: SIPHeaders = [.sessionExpires: "\(seconds);refresher=uas", .supported: "timer"]
        var request: SIPMessage
        if call.peerAllowsUpdate {
            request = call.dialog.makeRequest(.update, via: makeVia(for: call.flow), extraHeaders: extra)
        } else {
            let body = call.localDescription?.serialized ?? ByteBuffer()
            request = call.dialog.makeRequest(.invite, via: makeVia(for: call.flow), body: body, extraHeaders: extra)
        }
        request.headers.add(.userAgent, configuration.userAgent)
        startClientTransaction(request, flow: call.flow, callID: call.callID, purpose: .refresh)
    }

    private func refreshEnded(_ call: SIPCall, request: SIPMessage, response: SIPMessage?) {
        guard let response, let status = response.status else {
            logger.warning("session refresh got no answer", metadata: metadata(call.callID))
            sendBye(call, reason: .sessionExpired, waitForAnswer: false)
            return
        }
        call.dialog.receive(response: response)
        if request.method == .invite, (200..<300).contains(status), let cseq = request.cseq {
            let ack = call.dialog.makeAck(forInviteCSeq: cseq.sequenceNumber, via: makeVia(for: call.flow))
            call.lastAck = ack
            sendRequest(ack, flow: call.flow)
        }
        if status == 481 || status == 408 {
            logger.info("session refresh: the dialog is gone", metadata: metadata(call.callID))
            finishCall(call.callID, reason: .sessionExpired)
        } else if (200..<300).contains(status), var timer = call.sessionTimer {
            let agreed = response.sessionExpires
            let interval = agreed.map { Duration.seconds(Int64($0.seconds)) }
            let action = timer.refreshed(now: .now, interval: interval, localRefreshes: agreed?.refresher.map { $0 == .uas })
            call.sessionTimer = timer
            runSessionTimer(call, action)
        }
    }

    // MARK: Drain and shutdown

    /// Stops taking calls (new INVITEs get 503, the TCP listener closes) and ends every call.
    /// The future completes when the table is empty or `drainTimeout` has passed.
    func beginDrain() -> EventLoopFuture<Void> {
        if let drainPromise { return drainPromise.futureResult }
        let promise = loop.makePromise(of: Void.self)
        drainPromise = promise
        draining = true
        tcpServerChannel?.close(promise: nil)
        logger.info("SIP service draining", metadata: ["calls": "\(calls.count)"])
        for call in Array(calls.values) {
            switch call.phase {
            case .deciding:
                if let invite = serverTransactions[call.inviteKey]?.inviteTransaction?.request {
                    let unavailable = makeResponse(to: invite, status: 503, toTag: call.localTag, headers: [.retryAfter: "30"])
                    call.dialog.didSend(respond(unavailable, on: call.inviteKey))
                }
                finishCall(call.callID, reason: .localHangUp)
            case .answering:
                call.hangUpRequested = true
            case .confirmed:
                sendBye(call, reason: .localHangUp, waitForAnswer: true)
            case .terminating:
                break
            }
        }
        if calls.isEmpty { promise.succeed(()) }
        let timeout = startTimer(after: configuration.drainTimeout) { agent, _ in agent.drainPromise?.succeed(()) }
        promise.futureResult.assumeIsolated().whenComplete { _ in timeout.cancel() }
        return promise.futureResult
    }

    /// Closes every socket and forgets all state. Returns the deliveries to call control that
    /// are still running, for `stop()` to await.
    func shutDown() -> EventLoopFuture<[Task<Void, Never>]> {
        isShutDown = true
        for callID in Array(calls.keys) {
            finishCall(callID, reason: .localHangUp)
        }
        for entry in serverTransactions.values {
            for handle in entry.timers.values { handle.cancel() }
        }
        serverTransactions.removeAll()
        for entry in clientTransactions.values {
            for handle in entry.timers.values { handle.cancel() }
        }
        clientTransactions.removeAll()
        var closing: [EventLoopFuture<Void>] = []
        for channel in [udpChannel, tcpServerChannel].compactMap({ $0 }) + Array(connections.values) {
            let promise = loop.makePromise(of: Void.self)
            channel.close(promise: promise)
            closing.append(promise.futureResult)
        }
        udpChannel = nil
        tcpServerChannel = nil
        connections.removeAll()
        let pending = notifier.pendingTasks
        return EventLoopFuture.whenAllComplete(closing, on: loop).map { _ in pending }
    }
}
