/// Identifies a dialog (RFC 3261 §12): Call-ID, local tag and remote tag.
public struct DialogID: Sendable, Hashable, CustomStringConvertible {
    public var callID: String
    public var localTag: String
    /// Empty when the peer sent no From tag (an RFC 2543 client).
    public var remoteTag: String

    public init(callID: String, localTag: String, remoteTag: String) {
        self.callID = callID
        self.localTag = localTag
        self.remoteTag = remoteTag
    }

    /// The dialog a request we receive belongs to: local tag from To, remote from From.
    /// Nil when the To has no tag, i.e. the request is outside any dialog.
    public init?(incomingRequest request: SIPMessage) {
        guard let callID = request.callID, let localTag = request.toTag else { return nil }
        self.init(callID: callID, localTag: localTag, remoteTag: request.fromTag ?? "")
    }

    /// The dialog a response to our own request belongs to: local tag from From, remote from To.
    public init?(incomingResponse response: SIPMessage) {
        guard let callID = response.callID, let localTag = response.fromTag else { return nil }
        self.init(callID: callID, localTag: localTag, remoteTag: response.toTag ?? "")
    }

    public var description: String { "\(callID);local=\(localTag);remote=\(remoteTag)" }
}

/// What to do with a request received inside a dialog.
public enum DialogRequestDisposition: Sendable, Hashable {
    /// Hand it to the call: BYE ends the dialog, a re-INVITE or UPDATE carries an offer
    /// (or, without a body, asks for one), INFO and OPTIONS are answered by the TU.
    case accept
    /// Answer with this status. A 500 must carry a Retry-After of 0-10 s chosen by the
    /// owner (RFC 3261 §14.2, RFC 3311 §5.2).
    case reject(status: Int, reason: String)
}
