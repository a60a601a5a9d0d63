import NIOCore
import ParleySIP
import Testing

@Suite("Dialogs (RFC 3261 §12) and offer/answer state")
struct DialogTests {
    let localContact = SIPURI(user: "1234", host: "203.0.113.1", port: 5060)
    let ourVia = SIPVia(transport: "UDP", host: "203.0.113.1", port: 5060, branch: "z9hG4bKparley1")
    let answerSDP = ByteBuffer(string: "v=0\r\no=parley 1 1 IN IP4 203.0.113.1\r\ns=Parley\r\nc=IN IP4 203.0.113.1\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\n")

    func established(invite: SIPMessage = makeInvite()) throws -> Dialog {
        var dialog = try Dialog(uasFor: invite, localTag: "as83kd9bs", localContact: localContact)
        dialog.didSend(SIPMessage.response(to: invite, status: 200, toTag: "as83kd9bs", body: answerSDP))
        return dialog
    }

    @Test("an INVITE creates an early dialog keyed by Call-ID and both tags; the 200 confirms it")
    func creation() throws {
        let invite = makeInvite()
        var dialog = try Dialog(uasFor: invite, localTag: "as83kd9bs", localContact: localContact)
        #expect(dialog.id == DialogID(callID: "a84b4c76e66710@pc33.example.com", localTag: "as83kd9bs", remoteTag: "1928301774"))
        #expect(dialog.state == .early)
        #expect(dialog.remoteTarget == (try SIPURI(parsing: "sip:alice@192.0.2.10:5060")))
        #expect(dialog.routeSet.map(\.uri.host) == ["proxy.example.com"])
        #expect(dialog.remoteCSeq == 314159)
        #expect(dialog.offerAnswer == .remoteOfferPending)
        dialog.didSend(SIPMessage.response(to: invite, status: 180, toTag: "as83kd9bs"))
        #expect(dialog.state == .early)
        dialog.didSend(SIPMessage.response(to: invite, status: 200, toTag: "as83kd9bs", body: answerSDP))
        #expect(dialog.state == .confirmed)
        #expect(dialog.offerAnswer == .stable)
    }

    @Test("a failure response to the INVITE ends the early dialog")
    func rejected() throws {
        let invite = makeInvite()
        var dialog = try Dialog(uasFor: invite, localTag: "t", localContact: localContact)
        dialog.didSend(SIPMessage.response(to: invite, status: 486, toTag: "t"))
        #expect(dialog.state == .terminated)
    }

    @Test("an INVITE without Contact cannot make a dialog: 400 naming the header")
    func missingContact() throws {
        var invite = makeInvite()
        invite.headers.remove(.contact)
        #expect(throws: SIPParseError(.missingHeader, header: "Contact")) {
            try Dialog(uasFor: invite, localTag: "t", localContact: localContact)
        }
    }

    @Test("BYE from the phone ends the dialog; later requests get 481")
    func byeFromPhone() throws {
        var dialog = try established()
        let bye = makeInDialogRequest("BYE", cseq: 314160, toTag: "as83kd9bs")
        #expect(dialog.matches(bye))
        #expect(dialog.receive(bye) == .accept)
        #expect(dialog.state == .terminated)
        let info = makeInDialogRequest("INFO", cseq: 314161, toTag: "as83kd9bs")
        #expect(dialog.receive(info) == .reject(status: 481, reason: "Call/Transaction Does Not Exist"))
    }

    @Test("BYE from us: loose routing, tags swapped, next local CSeq, and it validates")
    func byeFromUs() throws {
        var dialog = try established()
        let bye = dialog.makeBye(via: ourVia)
        #expect(dialog.state == .terminated)
        #expect(bye.method == .bye)
        #expect(bye.requestURI == (try SIPURI(parsing: "sip:alice@192.0.2.10:5060")))
        #expect(bye.headers.lines(for: .route) == ["<sip:proxy.example.com;lr>"])
        #expect(bye.to?.tag == "1928301774")
        #expect(bye.to?.displayName == "Alice")
        #expect(bye.from?.tag == "as83kd9bs")
        #expect(bye.cseq == SIPCSeq(1, .bye))
        #expect(bye.maxForwards == 70)
        #expect(bye.topVia?.branch == "z9hG4bKparley1")
        let reparsed = try #require(parseAndValidate(bye.serialized).value)
        #expect(reparsed == bye.reparsedForm)
        #expect(DialogID(incomingResponse: SIPMessage.response(to: reparsed, status: 200)) == dialog.id)
    }

    @Test("strict routing: the first route becomes the Request-URI, the target the last Route")
    func strictRouting() throws {
        let invite = makeInvite(extraHeaders: [])
        var strict = invite
        strict.headers.replaceOrAdd(.recordRoute, "<sip:p1.example.com>, <sip:p2.example.com;lr>")
        var dialog = try established(invite: strict)
        let bye = dialog.makeBye(via: ourVia)
        #expect(bye.requestURI == (try SIPURI(parsing: "sip:p1.example.com")))
        #expect(bye.headers.lines(for: .route) == ["<sip:p2.example.com;lr>", "<sip:alice@192.0.2.10:5060>"])
    }

    @Test("a request with a lower CSeq is refused with 500")
    func cseqOrder() throws {
        var dialog = try established()
        #expect(dialog.receive(makeInDialogRequest("INFO", cseq: 314160, toTag: "as83kd9bs")) == .accept)
        #expect(dialog.receive(makeInDialogRequest("INFO", cseq: 314160, toTag: "as83kd9bs")) == .reject(status: 500, reason: "CSeq Out of Order"))
        #expect(dialog.remoteCSeq == 314160)
    }

    @Test("a request for another dialog is refused with 481")
    func otherDialog() throws {
        var dialog = try established()
        let stray = makeInDialogRequest("BYE", cseq: 314160, toTag: "not-ours")
        #expect(!dialog.matches(stray))
        #expect(dialog.receive(stray) == .reject(status: 481, reason: "Call/Transaction Does Not Exist"))
        #expect(dialog.state == .confirmed)
    }

    @Test("re-INVITE to hold: a new offer, a new target, and 500 for an overlapping re-INVITE")
    func reInviteHold() throws {
        var dialog = try established()
        let hold = makeInDialogRequest("INVITE", cseq: 314160, toTag: "as83kd9bs", body: OfferFixtures.hold, contact: "<sip:alice@192.0.2.11:5062>")
        #expect(dialog.receive(hold) == .accept)
        #expect(dialog.offerAnswer == .remoteOfferPending)
        #expect(dialog.remoteTarget.host == "192.0.2.11")
        let overlap = makeInDialogRequest("INVITE", cseq: 314161, toTag: "as83kd9bs", body: OfferFixtures.pcmuOnly)
        #expect(dialog.receive(overlap) == .reject(status: 500, reason: "Previous INVITE Pending"))
        dialog.didSend(SIPMessage.response(to: hold, status: 200, toTag: "as83kd9bs", body: answerSDP))
        #expect(dialog.offerAnswer == .stable)
        let unhold = makeInDialogRequest("INVITE", cseq: 314162, toTag: "as83kd9bs", body: OfferFixtures.pcmuOnly)
        #expect(dialog.receive(unhold) == .accept)
    }

    @Test("glare: our re-INVITE is pending, theirs gets 491; after our 200 things are stable")
    func glare() throws {
        var dialog = try established()
        let refresh = dialog.makeRequest(.invite, via: ourVia, body: answerSDP)
        #expect(refresh.cseq == SIPCSeq(1, .invite))
        #expect(refresh.contacts?.first?.uri == localContact)
        #expect(refresh.contentType == .sdp)
        #expect(dialog.offerAnswer == .localOfferPending)
        let theirs = makeInDialogRequest("INVITE", cseq: 314160, toTag: "as83kd9bs", body: OfferFixtures.hold)
        #expect(dialog.receive(theirs) == .reject(status: 491, reason: "Request Pending"))
        var ok = SIPMessage.response(to: refresh, status: 200, body: ByteBuffer(string: wire(OfferFixtures.pcmuOnly)))
        ok.headers.add(.contact, "<sip:alice@192.0.2.12>")
        dialog.receive(response: ok)
        #expect(dialog.offerAnswer == .stable)
        #expect(dialog.remoteTarget.host == "192.0.2.12")
        let ack = dialog.makeAck(forInviteCSeq: 1, via: ourVia)
        #expect(ack.cseq == SIPCSeq(1, .ack))
        #expect(dialog.localCSeq == 1)
    }

    @Test("an INVITE without SDP: our offer goes in the 200, the answer comes in the ACK")
    func offerInTwoHundred() throws {
        let invite = makeInvite(sdp: nil)
        var dialog = try Dialog(uasFor: invite, localTag: "t", localContact: localContact)
        #expect(dialog.offerAnswer == .stable)
        dialog.didSend(SIPMessage.response(to: invite, status: 200, toTag: "t", body: answerSDP))
        #expect(dialog.offerAnswer == .localOfferPending)
        let ack = makeInDialogRequest("ACK", cseq: 314159, toTag: "t", body: OfferFixtures.pcmuOnly)
        #expect(dialog.receive(ack) == .accept)
        #expect(dialog.offerAnswer == .stable)
    }

    @Test("UPDATE offers: 491 against our pending offer, 500 against theirs")
    func update() throws {
        var dialog = try established()
        #expect(dialog.receive(makeInDialogRequest("UPDATE", cseq: 314160, toTag: "as83kd9bs", body: OfferFixtures.hold)) == .accept)
        #expect(dialog.receive(makeInDialogRequest("UPDATE", cseq: 314161, toTag: "as83kd9bs", body: OfferFixtures.pcmuOnly)) == .reject(status: 500, reason: "Offer Pending"))
        let update = makeInDialogRequest("UPDATE", cseq: 314160, toTag: "as83kd9bs")
        dialog.didSend(SIPMessage.response(to: update, status: 200, body: answerSDP))
        #expect(dialog.offerAnswer == .stable)
        _ = dialog.makeRequest(.update, via: ourVia, body: answerSDP)
        #expect(dialog.receive(makeInDialogRequest("UPDATE", cseq: 314162, toTag: "as83kd9bs", body: OfferFixtures.hold)) == .reject(status: 491, reason: "Request Pending"))
        // A session refresh without a body is always fine.
        #expect(dialog.receive(makeInDialogRequest("UPDATE", cseq: 314163, toTag: "as83kd9bs")) == .accept)
    }

    @Test("481 or 408 to our in-dialog request ends the dialog")
    func deadPeer() throws {
        var dialog = try established()
        let info = dialog.makeRequest(.info, via: ourVia)
        dialog.receive(response: SIPMessage.response(to: info, status: 481))
        #expect(dialog.state == .terminated)
    }
}

extension SIPMessage {
    /// The message as it reads after a write and parse (Content-Length added).
    var reparsedForm: SIPMessage {
        var copy = self
        copy.headers.replaceOrAdd(.contentLength, "\(body.readableBytes)")
        return copy
    }
}
