import NIOCore

/// A dialog created by an INVITE we received (RFC 3261 §12, UAS side), with the
/// offer/answer state of its session (RFC 3264, RFC 6337).
///
/// Pure state: it records what was sent and received, decides on in-dialog requests
/// (CSeq order, 491 glare, 500 overlap), and builds the requests we send (BYE, re-INVITE,
/// UPDATE) with the right Request-URI, Route set, tags and CSeq.
public struct Dialog: Sendable {
    public enum State: Sendable, Hashable {
        case early
        case confirmed
        case terminated
    }

    /// Where the SDP offer/answer exchange stands.
    public enum OfferAnswerState: Sendable, Hashable {
        /// No offer outstanding.
        case stable
        /// We received an offer and owe an answer.
        case remoteOfferPending
        /// We sent an offer (in a 2xx or a request) and wait for the answer.
        case localOfferPending
    }

    public let id: DialogID
    public internal(set) var state: State
    /// Our side: the INVITE's To with our tag.
    public let local: SIPNameAddress
    /// The peer: the INVITE's From with its tag.
    public let remote: SIPNameAddress
    /// Where requests go: the peer's latest Contact.
    public private(set) var remoteTarget: SIPURI
    /// Record-Route of the INVITE, in order.
    public let routeSet: [SIPNameAddress]
    public internal(set) var localCSeq: UInt32
    public private(set) var remoteCSeq: UInt32
    public var localContact: SIPURI
    public internal(set) var offerAnswer: OfferAnswerState
    let initialInviteCSeq: UInt32
    var incomingInviteCSeq: UInt32?
    var outgoingInviteCSeq: UInt32?

    /// Creates the dialog for an INVITE we will answer with `localTag` in the To.
    /// Throws a `SIPParseError` naming the header if the INVITE lacks what a dialog needs
    /// (a Contact to send requests to, parsable From/To/CSeq/Call-ID).
    public init(
        uasFor invite: SIPMessage,
        localTag: String,
        localContact: SIPURI,
        initialLocalCSeq: UInt32 = 1
    ) throws(SIPParseError) {
        guard let callID = invite.callID else { throw SIPParseError(.missingHeader, header: "Call-ID") }
        guard let from = invite.from else { throw SIPParseError(.invalidHeaderValue, header: "From") }
        guard var to = invite.to else { throw SIPParseError(.invalidHeaderValue, header: "To") }
        guard let cseq = invite.cseq else { throw SIPParseError(.invalidHeaderValue, header: "CSeq") }
        guard let target = invite.contacts?.first?.uri else {
            throw SIPParseError(.missingHeader, header: "Contact")
        }
        guard let routes = invite.recordRoutes else {
            throw SIPParseError(.invalidHeaderValue, header: "Record-Route")
        }
        to.tag = localTag
        self.id = DialogID(callID: callID, localTag: localTag, remoteTag: from.tag ?? "")
        self.state = .early
        self.local = to
        self.remote = from
        self.remoteTarget = target
        self.routeSet = routes
        self.localCSeq = initialLocalCSeq &- 1
        self.remoteCSeq = cseq.sequenceNumber
        self.localContact = localContact
        self.initialInviteCSeq = cseq.sequenceNumber
        self.incomingInviteCSeq = cseq.sequenceNumber
        self.offerAnswer = invite.hasBody ? .remoteOfferPending : .stable
    }

    /// Whether a received request belongs to this dialog.
    public func matches(_ request: SIPMessage) -> Bool {
        DialogID(incomingRequest: request) == id
    }

    /// Whether a response to one of our requests belongs to this dialog.
    public func matches(response: SIPMessage) -> Bool {
        DialogID(incomingResponse: response) == id
    }

    /// Records a response we sent to an INVITE or UPDATE of this dialog.
    public mutating func didSend(_ response: SIPMessage) {
        guard let status = response.status, let cseq = response.cseq, status >= 200 else { return }
        let isInitial = cseq.method == .invite && cseq.sequenceNumber == initialInviteCSeq && state == .early
        if cseq.method == .invite {
            if isInitial {
                state = status < 300 ? .confirmed : .terminated
            }
            if incomingInviteCSeq == cseq.sequenceNumber { incomingInviteCSeq = nil }
        }
        guard cseq.method == .invite || cseq.method == .update else { return }
        if status >= 300 {
            if offerAnswer == .remoteOfferPending { offerAnswer = .stable }
        } else if response.hasBody {
            // An answer to their offer, or (INVITE without SDP) our offer in the 2xx.
            offerAnswer = offerAnswer == .remoteOfferPending ? .stable : .localOfferPending
        }
    }

    /// Decides on a request that `matches` this dialog and passed the transaction layer.
    public mutating func receive(_ request: SIPMessage) -> DialogRequestDisposition {
        guard let method = request.method, let cseq = request.cseq, matches(request) else {
            return .reject(status: 481, reason: SIPStatus.reasonPhrase(for: 481))
        }
        if method == .ack {
            if request.hasBody, offerAnswer == .localOfferPending { offerAnswer = .stable }
            return .accept
        }
        if method == .cancel { return .accept }
        guard state != .terminated else {
            return .reject(status: 481, reason: SIPStatus.reasonPhrase(for: 481))
        }
        guard cseq.sequenceNumber > remoteCSeq else {
            return .reject(status: 500, reason: "CSeq Out of Order")
        }
        remoteCSeq = cseq.sequenceNumber

        switch method {
        case .bye:
            state = .terminated
            return .accept
        case .invite:
            if incomingInviteCSeq != nil {
                return .reject(status: 500, reason: "Previous INVITE Pending")
            }
            if outgoingInviteCSeq != nil || offerAnswer == .localOfferPending {
                return .reject(status: 491, reason: SIPStatus.reasonPhrase(for: 491))
            }
            incomingInviteCSeq = cseq.sequenceNumber
            if request.hasBody { offerAnswer = .remoteOfferPending }
            refreshTarget(from: request)
            return .accept
        case .update:
            if request.hasBody {
                if offerAnswer == .localOfferPending {
                    return .reject(status: 491, reason: SIPStatus.reasonPhrase(for: 491))
                }
                if offerAnswer == .remoteOfferPending {
                    return .reject(status: 500, reason: "Offer Pending")
                }
                offerAnswer = .remoteOfferPending
            }
            refreshTarget(from: request)
            return .accept
        default:
            return .accept
        }
    }

    /// Records a response the peer sent to one of our requests (re-INVITE, UPDATE, BYE...).
    public mutating func receive(response: SIPMessage) {
        guard let status = response.status, let cseq = response.cseq, status >= 200 else { return }
        if status == 481 || status == 408 {
            state = .terminated
        }
        guard cseq.method == .invite || cseq.method == .update else { return }
        if cseq.method == .invite, outgoingInviteCSeq == cseq.sequenceNumber {
            outgoingInviteCSeq = nil
        }
        if status >= 300 || response.hasBody, offerAnswer == .localOfferPending {
            offerAnswer = .stable
        }
        if status < 300 { refreshTarget(from: response) }
    }

    /// Ends the dialog without a BYE (the call is torn down another way).
    public mutating func terminate() {
        state = .terminated
    }

    private mutating func refreshTarget(from message: SIPMessage) {
        if let contact = message.contacts?.first?.uri {
            remoteTarget = contact
        }
    }
}
