import NIOCore

extension Dialog {
    /// Builds a request inside the dialog (RFC 3261 §12.2.1.1): Request-URI and Route from
    /// the remote target and route set (loose or strict routing), To/From with tags,
    /// Call-ID, the next local CSeq, Max-Forwards 70, the given Via (whose branch the caller
    /// makes unique), Contact for target-refresh requests. A body sent with INVITE or
    /// UPDATE is an offer. Sending BYE terminates the dialog.
    public mutating func makeRequest(
        _ method: SIPMethod,
        via: SIPVia,
        body: ByteBuffer = ByteBuffer(),
        contentType: SIPContentType? = .sdp,
        extraHeaders: SIPHeaders = [:]
    ) -> SIPMessage {
        if method != .ack {
            localCSeq &+= 1
        }
        var request = baseRequest(method, cseq: localCSeq, via: via)
        if method == .invite || method == .update {
            request.headers.add(.contact, "<\(localContact)>")
        }
        for field in extraHeaders {
            request.headers.add(field.name, field.value)
        }
        if body.readableBytes > 0 {
            if let contentType { request.headers.add(.contentType, contentType.description) }
            request.body = body
        }
        switch method {
        case .bye:
            state = .terminated
        case .invite:
            outgoingInviteCSeq = localCSeq
            if body.readableBytes > 0 { offerAnswer = .localOfferPending }
        case .update:
            if body.readableBytes > 0 { offerAnswer = .localOfferPending }
        default:
            break
        }
        return request
    }

    /// BYE for this dialog; the dialog is terminated.
    public mutating func makeBye(via: SIPVia) -> SIPMessage {
        makeRequest(.bye, via: via)
    }

    /// The ACK for a 2xx to our re-INVITE: same CSeq number as the INVITE (RFC 3261 §13.2.2.4).
    public func makeAck(forInviteCSeq sequenceNumber: UInt32, via: SIPVia, body: ByteBuffer = ByteBuffer()) -> SIPMessage {
        var request = baseRequest(.ack, cseq: sequenceNumber, via: via)
        if body.readableBytes > 0 {
            request.headers.add(.contentType, SIPContentType.sdp.description)
            request.body = body
        }
        return request
    }

    private func baseRequest(_ method: SIPMethod, cseq: UInt32, via: SIPVia) -> SIPMessage {
        var requestURI = remoteTarget
        var routes = routeSet.map { $0.description }
        if let first = routeSet.first, !first.uri.isLooseRouter {
            // Strict routing: the first route becomes the Request-URI, the remote target
            // the last Route (RFC 3261 §12.2.1.1).
            requestURI = first.uri
            requestURI.headers = []
            requestURI.parameters.remove("method")
            routes = routeSet.dropFirst().map { $0.description } + ["<\(remoteTarget)>"]
        }
        var headers = SIPHeaders()
        headers.add(.via, via.description)
        headers.add(.maxForwards, "70")
        for route in routes {
            headers.add(.route, route)
        }
        headers.add(.to, remote.description)
        headers.add(.from, local.description)
        headers.add(.callID, id.callID)
        headers.add(.cseq, SIPCSeq(cseq, method).description)
        return SIPMessage.request(method, uri: requestURI, headers: headers)
    }
}
