import NIOCore
import ParleySIP

/// Where a message came from, and so where its answers go: a UDP source address, or a TCP
/// connection (responses and in-dialog requests go back over the same connection).
enum SIPFlow: Sendable, Hashable {
    case udp(remote: SocketAddress)
    case tcp(connection: Int, remote: SocketAddress)

    var remote: SocketAddress {
        switch self {
        case .udp(let remote), .tcp(_, let remote): return remote
        }
    }

    var isReliable: Bool {
        if case .tcp = self { return true }
        return false
    }

    /// `udp` or `tcp`, as ``CallDescription/transport`` and the Via transport (uppercased).
    var transportName: String { isReliable ? "tcp" : "udp" }
}

/// A timer the UAS core scheduled on its loop. The id guards against a cancelled timer that
/// was already due: the handler checks that its id is still the current one.
struct SIPTimerHandle {
    let id: UInt64
    let scheduled: Scheduled<Void>

    func cancel() { scheduled.cancel() }
}

/// The timers of one call.
enum SIPCallTimer: Hashable {
    case ringing
    case retransmit2xx
    case ackTimeout
    case sessionTimer
}

/// One call the UAS core handles: its dialog, where its offer/answer stands, its timers.
///
/// A class confined to the SIP event loop (owned by ``SIPUserAgent``'s table), so the many
/// small updates a call receives happen in place.
final class SIPCall {
    enum Phase: Equatable {
        /// Call control is deciding (`incomingCall` running); 100 sent, maybe 180.
        case deciding
        /// 2xx sent, waiting for the ACK.
        case answering
        /// ACK received: the call is up.
        case confirmed
        /// Our BYE is out; waiting for its answer.
        case terminating
    }

    let callID: String
    let localTag: String
    let inviteKey: TransactionKey
    var phase: Phase = .deciding
    var dialog: Dialog
    var flow: SIPFlow
    /// The SDP offer of the initial INVITE, if it had one.
    let remoteOffer: SDPSessionDescription?
    /// Our address, port and o= line; set when call control accepts.
    var localMedia: SDPLocalMedia?
    /// The last description we sent, to bump `o=` version only when it changes.
    var localDescription: SDPSessionDescription?
    /// Our offer (in a 2xx) that waits for its answer in the ACK.
    var pendingLocalOffer: SDPSessionDescription?
    var media: SDPNegotiatedMedia?
    /// The 2xx (to the INVITE or to a re-INVITE) being retransmitted until its ACK.
    var retransmission: UAS2xxRetransmission?
    var timers: [SIPCallTimer: SIPTimerHandle] = [:]
    var sessionTimer: SessionTimer<ContinuousClock.Instant>?
    /// The RFC 4028 agreement of the initial INVITE, applied when the 2xx is sent.
    var sessionAgreement: SessionTimerAgreement?
    /// Whether the peer listed UPDATE in Allow (then we refresh with UPDATE, else re-INVITE).
    let peerAllowsUpdate: Bool
    /// The ACK we sent for our last re-INVITE's 2xx, sent again if the 2xx is retransmitted.
    var lastAck: SIPMessage?
    /// `hangUp` came while the 2xx waited for its ACK: send BYE once it comes.
    var hangUpRequested = false
    var endReason: CallEndReason?
    /// `hangUp` callers waiting for the call to be gone.
    var waiters: [EventLoopPromise<Void>] = []

    init(
        callID: String,
        localTag: String,
        inviteKey: TransactionKey,
        dialog: Dialog,
        flow: SIPFlow,
        remoteOffer: SDPSessionDescription?,
        peerAllowsUpdate: Bool
    ) {
        self.callID = callID
        self.localTag = localTag
        self.inviteKey = inviteKey
        self.dialog = dialog
        self.flow = flow
        self.remoteOffer = remoteOffer
        self.peerAllowsUpdate = peerAllowsUpdate
    }

    func cancelTimer(_ timer: SIPCallTimer) {
        timers.removeValue(forKey: timer)?.cancel()
    }

    func cancelAllTimers() {
        for handle in timers.values { handle.cancel() }
        timers.removeAll()
        sessionTimer?.stop()
    }

    /// The next `o=` for a description we are about to send: the same version if nothing but
    /// the version would change, else one more (RFC 3264 §8).
    func nextDescription(_ description: SDPSessionDescription) -> SDPSessionDescription {
        guard var local = localMedia else { return description }
        var candidate = description
        if let previous = localDescription {
            candidate.origin.sessionVersion = previous.origin.sessionVersion
            if candidate != previous {
                candidate.origin.sessionVersion = previous.origin.sessionVersion &+ 1
            }
        }
        local.sessionVersion = candidate.origin.sessionVersion
        localMedia = local
        localDescription = candidate
        return candidate
    }
}
