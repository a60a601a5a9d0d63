import NIOCore
import ParleySIP

/// The boundary between the SIP service (signalling: transports, transactions, dialogs, SDP)
/// and call control (IVR, meetings, media legs).
///
/// The SIP service negotiates SDP itself (``SDPNegotiator``, our codecs in preference order)
/// and tells call control about calls through this protocol; call control asks the SIP service
/// to end calls through ``CallSignalling``. Neither side sees the other's internals, so each
/// can be tested with a simple stand-in for the other.
public protocol CallHandling: Sendable {
    /// A new INVITE passed the SIP checks and SDP negotiation (`media` is nil when the INVITE
    /// had no SDP and the media will be agreed in the ACK). Return how to answer; the SIP
    /// service has already sent 100 Trying and sends 180 Ringing while this runs for longer
    /// than a moment.
    func incomingCall(_ call: CallDescription, media: SDPNegotiatedMedia?) async -> CallDecision

    /// The caller's ACK arrived (with the negotiated media when the offer was in our 200).
    func callEstablished(callID: String, media: SDPNegotiatedMedia?) async

    /// A re-INVITE or UPDATE changed the media: hold, unhold, new address or codec.
    func mediaChanged(callID: String, media: SDPNegotiatedMedia) async

    /// A DTMF digit arrived by SIP INFO (RTP digits are the media leg's business).
    func dtmf(callID: String, digit: Character) async

    /// The call is over: BYE from the caller, CANCEL, timeout, or our own hang-up completed.
    func callEnded(callID: String, reason: CallEndReason) async
}

/// What call control needs to know about a new call.
public struct CallDescription: Sendable, Hashable {
    /// SIP Call-ID: identifies the call across both sides.
    public var callID: String
    /// The user part of the Request-URI: a meeting ID or an access number (`conf`, `8000`).
    public var dialled: String
    /// The caller's From URI (`sip:alice@pbx.example.com`) and display name, if any.
    public var fromURI: String
    public var fromDisplayName: String?
    /// Where the signalling came from (for logs, rate limiting).
    public var source: SocketAddress
    /// `udp` or `tcp`.
    public var transport: String

    public init(callID: String, dialled: String, fromURI: String, fromDisplayName: String?, source: SocketAddress, transport: String) {
        self.callID = callID
        self.dialled = dialled
        self.fromURI = fromURI
        self.fromDisplayName = fromDisplayName
        self.source = source
        self.transport = transport
    }
}

/// How to answer an INVITE.
public enum CallDecision: Sendable, Hashable {
    /// Answer 200 OK with an SDP whose media address is `localMediaAddress`:`localMediaPort`.
    case accept(localMediaAddress: String, localMediaPort: Int)
    /// Answer with this final status (404, 480, 486, 503 …) and reason phrase.
    case reject(status: Int, reason: String)
}

/// Why a call ended.
public enum CallEndReason: Sendable, Hashable {
    case remoteBye
    case cancelled
    case localHangUp
    /// No ACK for our 200 (Timer H / 64·T1).
    case ackTimeout
    /// Session timer expired (RFC 4028).
    case sessionExpired
    case transportFailure
}

/// What call control may ask of the SIP service.
public protocol CallSignalling: Sendable {
    /// Ends an established call with BYE (or an unanswered one with the given status). Ends
    /// with ``CallHandling/callEnded(callID:reason:)`` `.localHangUp`.
    func hangUp(callID: String) async
}
