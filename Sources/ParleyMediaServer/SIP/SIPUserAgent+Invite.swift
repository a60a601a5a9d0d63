import Logging
import NIOCore
import ParleySIP

/// The TU for new requests: method policy, OPTIONS, the initial INVITE up to its 2xx, the
/// ACK, and CANCEL.
extension SIPUserAgent {
    /// A request the transaction layer hands over (once per transaction).
    func dispatch(_ request: SIPMessage, key: TransactionKey, flow: SIPFlow) {
        guard let method = request.method else { return }
        if method == .ack {
            handleAck(request, flow: flow)
            return
        }
        let freshTag = request.toTag == nil ? makeTag() : nil
        if let rejection = policy.rejection(for: request, toTag: freshTag ?? "") {
            respond(rejection, on: key)
            return
        }
        let unknownExtensions = request.require.filter { $0 != "timer" || configuration.sessionTimers == nil }
        if !unknownExtensions.isEmpty, method != .cancel {
            let headers: SIPHeaders = [.unsupported: unknownExtensions.joined(separator: ", ")]
            respond(makeResponse(to: request, status: 420, toTag: freshTag, headers: headers), on: key)
            return
        }
        if method != .cancel, let unsupported = policy.unsupportedMediaTypeResponse(for: request, toTag: freshTag ?? "") {
            respond(unsupported, on: key)
            return
        }
        switch method {
        case .options:
            var headers = capabilityHeaders
            headers.add(.accept, SIPContentType.sdp.mediaType)
            respond(makeResponse(to: request, status: 200, toTag: freshTag, headers: headers), on: key)
        case .invite where request.toTag == nil:
            handleInitialInvite(request, key: key, flow: flow)
        case .invite:
            handleReInvite(request, key: key, flow: flow)
        case .cancel:
            handleCancel(request, key: key)
        case .bye:
            handleBye(request, key: key, flow: flow)
        case .info:
            handleInfo(request, key: key, flow: flow)
        case .update:
            handleUpdate(request, key: key, flow: flow)
        default:
            respond(makeResponse(to: request, status: 501, toTag: freshTag, headers: [.allow: policy.allowHeaderValue]), on: key)
        }
    }

    // MARK: INVITE

    private func handleInitialInvite(_ invite: SIPMessage, key: TransactionKey, flow: SIPFlow) {
        let toTag = makeTag()
        guard let callID = invite.callID, let from = invite.from else { return }
        guard calls[callID] == nil else {
            respond(makeResponse(to: invite, status: 482, toTag: toTag), on: key)
            return
        }
        let offer: SDPSessionDescription?
        switch readSDP(invite) {
        case .success(let description): offer = description
        case .failure(let failure):
            respond(makeResponse(to: invite, status: failure.status, reason: failure.reason, toTag: toTag, headers: failure.headers), on: key)
            return
        }
        var media: SDPNegotiatedMedia?
        if let offer {
            do {
                media = try negotiator.answer(to: offer, local: SDPLocalMedia(address: advertisedHost, port: 9, sessionID: 1, sessionVersion: 1)).media
            } catch {
                respond(notAcceptable(invite, error, toTag: toTag), on: key)
                return
            }
        }
        var agreement: SessionTimerAgreement?
        if let timerPolicy = configuration.sessionTimers {
            switch timerPolicy.negotiate(request: invite) {
            case .notUsed: break
            case .intervalTooSmall:
                respond(timerPolicy.intervalTooSmallResponse(to: invite, toTag: toTag), on: key)
                return
            case .use(let agreed): agreement = agreed
            }
        }
        let dialog: Dialog
        do {
            dialog = try Dialog(uasFor: invite, localTag: toTag, localContact: contactURI(for: flow))
        } catch {
            metrics.malformed(answered: true)
            respond(makeResponse(to: invite, status: 400, reason: error.reasonPhrase, toTag: toTag), on: key)
            return
        }
        let call = SIPCall(
            callID: callID, localTag: toTag, inviteKey: key, dialog: dialog, flow: flow, remoteOffer: offer,
            peerAllowsUpdate: invite.allow.contains(.update)
        )
        call.sessionAgreement = agreement
        calls[callID] = call
        metrics.activeCalls(calls.count)
        logger.info("incoming call", metadata: metadata(callID).merging(["transport": "\(flow.transportName)"]) { $1 })
        call.timers[.ringing] = startTimer(after: configuration.ringingDelay) { agent, id in
            agent.ringingTimerFired(callID: callID, id: id)
        }

        let description = CallDescription(
            callID: callID, dialled: invite.requestURI?.user ?? "", fromURI: from.uri.description,
            fromDisplayName: from.displayName, source: flow.remote, transport: flow.transportName
        )
        let loop = self.loop
        let bound = NIOLoopBound(self, eventLoop: loop)
        let offeredMedia = media
        notifier.enqueue(callID: callID) { handler in
            let decision = await handler.incomingCall(description, media: offeredMedia)
            loop.execute { bound.value.decided(callID: callID, decision) }
        }
    }

    private func ringingTimerFired(callID: String, id: UInt64) {
        guard let call = calls[callID], call.timers[.ringing]?.id == id else { return }
        call.timers[.ringing] = nil
        guard call.phase == .deciding, let invite = serverTransactions[call.inviteKey]?.inviteTransaction?.request else { return }
        let ringing = makeResponse(to: invite, status: 180, toTag: call.localTag, headers: [.contact: "<\(contactURI(for: call.flow))>"])
        respond(ringing, on: call.inviteKey)
    }

    /// Call control's answer for a call, back on the loop.
    func decided(callID: String, _ decision: CallDecision) {
        guard let call = calls[callID], call.phase == .deciding else { return }  // cancelled meanwhile
        call.cancelTimer(.ringing)
        guard let invite = serverTransactions[call.inviteKey]?.inviteTransaction?.request else {
            finishCall(callID, reason: nil)
            return
        }
        switch decision {
        case .reject(let status, let reason):
            let valid = (300...699).contains(status)
            let response = respond(
                makeResponse(to: invite, status: valid ? status : 500, reason: valid ? reason : nil, toTag: call.localTag),
                on: call.inviteKey
            )
            call.dialog.didSend(response)
            logger.info("call rejected", metadata: metadata(callID).merging(["status": "\(status)"]) { $1 })
            finishCall(callID, reason: nil)
        case .accept(let address, let port):
            guard let rtpPort = UInt16(exactly: port), rtpPort > 0 else {
                logger.error("call control accepted with an invalid media port", metadata: metadata(callID))
                call.dialog.didSend(respond(makeResponse(to: invite, status: 500, toTag: call.localTag), on: call.inviteKey))
                finishCall(callID, reason: nil)
                return
            }
            call.localMedia = SDPLocalMedia(address: address, port: rtpPort, sessionID: UInt64.random(in: 1...UInt64(Int64.max)), sessionVersion: 1)
            accept(call, invite: invite)
        }
    }

    private func accept(_ call: SIPCall, invite: SIPMessage) {
        guard let local = call.localMedia else { return }
        let body: SDPSessionDescription
        if let offer = call.remoteOffer {
            guard let answer = try? negotiator.answer(to: offer, local: local) else {
                call.dialog.didSend(respond(makeResponse(to: invite, status: 488, toTag: call.localTag), on: call.inviteKey))
                finishCall(call.callID, reason: .localHangUp)
                return
            }
            body = call.nextDescription(answer.description)
            call.media = answer.media
        } else {
            body = call.nextDescription(negotiator.offer(local: local))
            call.pendingLocalOffer = body
        }
        var headers: SIPHeaders = [.contact: "<\(contactURI(for: call.flow))>"]
        for field in capabilityHeaders { headers.add(field.name, field.value) }
        for field in call.sessionAgreement?.responseHeaders ?? [:] { headers.add(field.name, field.value) }
        headers.add(.contentType, SIPContentType.sdp.mediaType)
        let ok = respond(
            makeResponse(to: invite, status: 200, toTag: call.localTag, headers: headers, body: body.serialized),
            on: call.inviteKey
        )
        call.dialog.didSend(ok)
        call.phase = .answering
        startRetransmission(of: ok, call: call)
        if let agreement = call.sessionAgreement {
            let timer = SessionTimer(agreement: agreement, now: ContinuousClock.now)
            let action = timer.nextAction
            call.sessionTimer = timer
            runSessionTimer(call, action)
        }
        logger.info("call answered", metadata: metadata(call.callID))
    }

    /// Retransmits a 2xx until its ACK (RFC 3261 §13.3.1.4).
    func startRetransmission(of response: SIPMessage, call: SIPCall) {
        call.cancelTimer(.retransmit2xx)
        call.cancelTimer(.ackTimeout)
        var retransmission = UAS2xxRetransmission(response: response, timers: configuration.timers)
        let actions = retransmission.start()
        call.retransmission = retransmission
        runRetransmission(actions, call: call)
    }

    private func runRetransmission(_ actions: [UAS2xxRetransmission.Action], call: SIPCall) {
        let callID = call.callID
        for action in actions {
            switch action {
            case .send(let response):
                sendResponse(response, flow: call.flow)
            case .startTimer(let timer, let delay):
                let slot: SIPCallTimer = timer == .retransmit ? .retransmit2xx : .ackTimeout
                call.cancelTimer(slot)
                call.timers[slot] = startTimer(after: delay) { agent, id in
                    agent.retransmissionTimerFired(timer, slot: slot, id: id, callID: callID)
                }
            case .cancelTimer(let timer):
                call.cancelTimer(timer == .retransmit ? .retransmit2xx : .ackTimeout)
            case .acknowledged:
                break
            case .ackTimeout:
                logger.warning("no ACK for our 2xx: ending the call", metadata: metadata(callID))
                call.retransmission = nil
                sendBye(call, reason: call.hangUpRequested ? .localHangUp : .ackTimeout, waitForAnswer: call.hangUpRequested)
            }
        }
    }

    private func retransmissionTimerFired(_ timer: UAS2xxRetransmission.Timer, slot: SIPCallTimer, id: UInt64, callID: String) {
        guard let call = calls[callID], call.timers[slot]?.id == id, var retransmission = call.retransmission else { return }
        call.timers[slot] = nil
        let actions = retransmission.timerFired(timer)
        call.retransmission = retransmission
        runRetransmission(actions, call: call)
    }

    // MARK: ACK

    /// An ACK: to a non-2xx it belongs to the INVITE transaction; to a 2xx, to the dialog.
    func receiveAck(_ ack: SIPMessage, flow: SIPFlow) {
        if let key = TransactionKey(request: ack), serverTransactions[key] != nil {
            transactionReceive(ack, key: key)
            return
        }
        handleAck(ack, flow: flow)
    }

    private func handleAck(_ ack: SIPMessage, flow: SIPFlow) {
        guard let callID = ack.callID, let call = calls[callID], call.dialog.matches(ack),
            var retransmission = call.retransmission, retransmission.matches(ack: ack)
        else { return }  // a retransmitted or stray ACK
        let actions = retransmission.ackReceived()
        call.retransmission = nil
        runRetransmission(actions, call: call)
        _ = call.dialog.receive(ack)
        call.flow = flow

        var media = call.media
        var answerFailed = false
        if let offer = call.pendingLocalOffer {
            call.pendingLocalOffer = nil
            if case .success(let answer?) = readSDP(ack), let negotiated = try? negotiator.process(answer: answer, toOffer: offer) {
                media = negotiated
            } else {
                answerFailed = true
            }
        }
        if call.phase == .answering {
            if answerFailed {
                logger.warning("no usable SDP answer in the ACK: ending the call", metadata: metadata(callID))
                sendBye(call, reason: .localHangUp, waitForAnswer: false)
                return
            }
            call.phase = .confirmed
            call.media = media
            logger.info("call established", metadata: metadata(callID))
            let established = media
            notifier.enqueue(callID: callID) { await $0.callEstablished(callID: callID, media: established) }
            if call.hangUpRequested { sendBye(call, reason: .localHangUp, waitForAnswer: true) }
        } else if let changed = media, changed != call.media, !answerFailed {
            call.media = changed
            notifier.enqueue(callID: callID) { await $0.mediaChanged(callID: callID, media: changed) }
        }
    }

    // MARK: CANCEL

    private func handleCancel(_ cancel: SIPMessage, key: TransactionKey) {
        let inviteKey = TransactionKey.invite(cancelledBy: cancel)
        let inviteTransaction = inviteKey.flatMap { serverTransactions[$0]?.inviteTransaction }
        let call = cancel.callID.flatMap { calls[$0] }.flatMap { $0.inviteKey == inviteKey ? $0 : nil }
        let decision = CancelDecision.decide(cancel: cancel, inviteTransaction: inviteTransaction, toTag: call?.localTag ?? makeTag())
        switch decision {
        case .cancelInvite(let ok, let terminated):
            respond(ok, on: key)
            if let inviteKey { call?.dialog.didSend(respond(terminated, on: inviteKey)) }
            if let call {
                logger.info("call cancelled", metadata: metadata(call.callID))
                finishCall(call.callID, reason: .cancelled)
            }
        case .alreadyAnswered(let ok):
            respond(ok, on: key)
        case .noMatchingTransaction(let notFound):
            respond(notFound, on: key)
        }
    }
}
