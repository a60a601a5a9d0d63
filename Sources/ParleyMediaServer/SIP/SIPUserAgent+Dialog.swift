import Logging
import NIOCore
import ParleySIP

/// Why a request's SDP body cannot be used; the answer to give.
struct SDPBodyFailure: Error {
    var status: Int
    var reason: String
    var headers: SIPHeaders
}

/// Requests inside a dialog: BYE, INFO, re-INVITE and UPDATE.
extension SIPUserAgent {
    /// The call a request belongs to, or nil after answering it 481.
    private func dialogCall(for request: SIPMessage, key: TransactionKey, flow: SIPFlow) -> SIPCall? {
        guard let callID = request.callID, let call = calls[callID], call.dialog.matches(request) else {
            respond(makeResponse(to: request, status: 481), on: key)
            return nil
        }
        return call
    }

    /// Runs the dialog's checks (CSeq order, glare, pending offers); answers and returns false
    /// when the request is refused.
    private func dialogAccepts(_ request: SIPMessage, call: SIPCall, key: TransactionKey, flow: SIPFlow) -> Bool {
        switch call.dialog.receive(request) {
        case .accept:
            call.flow = flow
            return true
        case .reject(let status, let reason):
            let headers: SIPHeaders = status == 500 ? [.retryAfter: "\(Int.random(in: 0...10))"] : [:]
            call.dialog.didSend(respond(makeResponse(to: request, status: status, reason: reason, headers: headers), on: key))
            return false
        }
    }

    func handleBye(_ bye: SIPMessage, key: TransactionKey, flow: SIPFlow) {
        guard let call = dialogCall(for: bye, key: key, flow: flow) else { return }
        if call.phase == .terminating {  // both sides said goodbye at once
            respond(makeResponse(to: bye, status: 200), on: key)
            return
        }
        guard dialogAccepts(bye, call: call, key: key, flow: flow) else { return }
        respond(makeResponse(to: bye, status: 200), on: key)
        if call.phase == .deciding, let invite = serverTransactions[call.inviteKey]?.inviteTransaction?.request {
            respond(makeResponse(to: invite, status: 487, toTag: call.localTag), on: call.inviteKey)
        }
        logger.info("caller hung up", metadata: metadata(call.callID))
        finishCall(call.callID, reason: .remoteBye)
    }

    func handleInfo(_ info: SIPMessage, key: TransactionKey, flow: SIPFlow) {
        guard let call = dialogCall(for: info, key: key, flow: flow),
            dialogAccepts(info, call: call, key: key, flow: flow)
        else { return }
        guard info.hasBody, let type = info.contentType, type.matches(.dtmfRelay) || type.matches(.dtmf) else {
            respond(makeResponse(to: info, status: 200), on: key)
            return
        }
        let dtmf: SIPInfoDTMF
        do {
            dtmf = try SIPInfoDTMF(info: info)
        } catch {
            respond(makeResponse(to: info, status: 400, reason: "Invalid DTMF Body"), on: key)
            return
        }
        respond(makeResponse(to: info, status: 200), on: key)
        let callID = call.callID
        let digit = dtmf.digit.character
        notifier.enqueue(callID: callID) { await $0.dtmf(callID: callID, digit: digit) }
    }

    /// re-INVITE: a new offer (hold, unhold, codec or address change), no offer (we offer in
    /// the 2xx, the answer comes in the ACK), and/or a session refresh.
    func handleReInvite(_ invite: SIPMessage, key: TransactionKey, flow: SIPFlow) {
        guard let call = dialogCall(for: invite, key: key, flow: flow) else { return }
        guard call.phase != .terminating else {
            respond(makeResponse(to: invite, status: 481), on: key)
            return
        }
        guard dialogAccepts(invite, call: call, key: key, flow: flow) else { return }
        modifySession(invite, call: call, key: key)
    }

    /// UPDATE (RFC 3311): like a re-INVITE but answered at once and never ACKed.
    func handleUpdate(_ update: SIPMessage, key: TransactionKey, flow: SIPFlow) {
        guard let call = dialogCall(for: update, key: key, flow: flow),
            dialogAccepts(update, call: call, key: key, flow: flow)
        else { return }
        modifySession(update, call: call, key: key)
    }

    private func modifySession(_ request: SIPMessage, call: SIPCall, key: TransactionKey) {
        let isInvite = request.method == .invite
        guard let local = call.localMedia, call.phase != .deciding else {
            call.dialog.didSend(respond(makeResponse(to: request, status: 491), on: key))
            return
        }
        let refresh = negotiateRefresh(request, call: call)
        if case .refuse(let tooSmall) = refresh {
            call.dialog.didSend(respond(tooSmall, on: key))
            return
        }
        var body: SDPSessionDescription?
        var newMedia: SDPNegotiatedMedia?
        switch readSDP(request) {
        case .failure(let failure):
            call.dialog.didSend(respond(makeResponse(to: request, status: failure.status, reason: failure.reason, headers: failure.headers), on: key))
            return
        case .success(let offer?):
            do {
                let answer = try negotiator.answer(to: offer, local: local)
                body = call.nextDescription(answer.description)
                newMedia = answer.media
            } catch {
                call.dialog.didSend(respond(notAcceptable(request, error, toTag: nil), on: key))
                return
            }
        case .success(nil):
            if isInvite {
                let offer = call.nextDescription(negotiator.offer(local: local))
                call.pendingLocalOffer = offer
                body = offer
            }
        }
        var headers: SIPHeaders = [.contact: "<\(contactURI(for: call.flow))>"]
        for field in capabilityHeaders { headers.add(field.name, field.value) }
        if case .use(let agreement) = refresh {
            for field in agreement.responseHeaders { headers.add(field.name, field.value) }
        }
        if body != nil { headers.add(.contentType, SIPContentType.sdp.mediaType) }
        let ok = respond(makeResponse(to: request, status: 200, headers: headers, body: body?.serialized ?? ByteBuffer()), on: key)
        call.dialog.didSend(ok)
        if isInvite { startRetransmission(of: ok, call: call) }
        applyRefresh(refresh, call: call)
        if let newMedia, newMedia != call.media {
            call.media = newMedia
            let callID = call.callID
            logger.info("media changed", metadata: metadata(callID).merging(["on_hold": "\(newMedia.isOnHold)"]) { $1 })
            notifier.enqueue(callID: callID) { await $0.mediaChanged(callID: callID, media: newMedia) }
        }
    }

    // MARK: SDP bodies

    /// The SDP of a request: nil without a body, a failure for a body that is not SDP or
    /// does not parse (the Warning names the line, never its content).
    func readSDP(_ message: SIPMessage) -> Result<SDPSessionDescription?, SDPBodyFailure> {
        guard message.hasBody else { return .success(nil) }
        if let type = message.contentType, !type.matches(.sdp) {
            return .failure(SDPBodyFailure(status: 415, reason: "Unsupported Media Type", headers: [.accept: SIPContentType.sdp.mediaType]))
        }
        do {
            return .success(try SDPSessionDescription(parsing: String(decoding: message.body.readableBytesView, as: UTF8.self)))
        } catch {
            let warning = "399 \(advertisedHost) \"SDP \(error.code.rawValue) at line \(error.line)\""
            return .failure(SDPBodyFailure(status: 400, reason: "Invalid SDP Body", headers: [SIPHeaderName("Warning"): warning]))
        }
    }

    /// 488 with a Warning saying why (RFC 3261 §20.43: 304 media type, 305 media format).
    func notAcceptable(_ request: SIPMessage, _ error: SDPNegotiationError, toTag: String?) -> SIPMessage {
        let code = error.code == .noAudioStream ? 304 : 305
        let warning = "\(code) \(advertisedHost) \"\(error.reasonPhrase)\""
        return makeResponse(to: request, status: 488, toTag: toTag, headers: [SIPHeaderName("Warning"): warning])
    }

    // MARK: Session refresh (RFC 4028)

    enum RefreshNegotiation {
        case unchanged
        case use(SessionTimerAgreement)
        case refuse(SIPMessage)
        case stop
    }

    private func negotiateRefresh(_ request: SIPMessage, call: SIPCall) -> RefreshNegotiation {
        guard let timerPolicy = configuration.sessionTimers else { return .unchanged }
        switch timerPolicy.negotiate(request: request) {
        case .notUsed: return call.sessionTimer == nil ? .unchanged : .stop
        case .intervalTooSmall: return .refuse(timerPolicy.intervalTooSmallResponse(to: request, toTag: call.localTag))
        case .use(let agreement): return .use(agreement)
        }
    }

    private func applyRefresh(_ refresh: RefreshNegotiation, call: SIPCall) {
        switch refresh {
        case .use(let agreement):
            if var timer = call.sessionTimer {
                let action = timer.refreshed(now: .now, interval: agreement.intervalDuration, localRefreshes: agreement.localRefreshes)
                call.sessionTimer = timer
                runSessionTimer(call, action)
            } else {
                let timer = SessionTimer(agreement: agreement, now: ContinuousClock.now)
                call.sessionTimer = timer
                runSessionTimer(call, timer.nextAction)
            }
        case .stop:
            call.sessionTimer?.stop()
            call.sessionTimer = nil
            call.cancelTimer(.sessionTimer)
        case .unchanged, .refuse:
            break
        }
    }
}
