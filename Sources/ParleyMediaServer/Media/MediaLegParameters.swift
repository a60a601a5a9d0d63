import NIOCore
import ParleyRTP
import ParleySIP

/// The negotiated media of a leg: what SDP offer/answer settled (``SDPNegotiatedMedia``),
/// in the engine's terms. Given at ``MediaEngine/createLeg(id:parameters:events:)`` and
/// again at every re-INVITE with ``MediaEngine/updateLeg(id:parameters:)``.
public struct MediaLegParameters: Sendable, Hashable {
    public var codec: AudioCodec
    /// The payload type both sides use for `codec` (normally its static type).
    public var payloadType: UInt8
    /// The RFC 4733 telephone-event payload type, when negotiated.
    public var telephoneEventPayloadType: UInt8?
    /// Where the peer said it receives RTP; nil when unknown (no SDP yet, `0.0.0.0` hold,
    /// a host name). Media is sent here until the peer's own packets latch another address.
    public var remote: SocketAddress?
    /// The peer's RTCP port when it is not the RTP port (no `a=rtcp-mux`); used by per-call
    /// ports, where RTCP has its own socket. Nil means RTP port + 1.
    public var remoteRTCPPort: Int?
    /// Whether we send media (false on hold: the peer's `sendonly`/`inactive`).
    public var sends: Bool
    /// Whether we expect media (false when the peer is `recvonly`/`inactive`; the RTP
    /// timeout does not run then).
    public var receives: Bool

    public init(
        codec: AudioCodec,
        payloadType: UInt8? = nil,
        telephoneEventPayloadType: UInt8? = nil,
        remote: SocketAddress?,
        sends: Bool = true,
        receives: Bool = true,
        remoteRTCPPort: Int? = nil
    ) {
        self.codec = codec
        self.payloadType = payloadType ?? codec.payloadType
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.remote = remote
        self.sends = sends
        self.receives = receives
        self.remoteRTCPPort = remoteRTCPPort
    }

    /// The leg is on hold: we send nothing and the RTP timeout is paused.
    public var isOnHold: Bool { !sends }

    /// From the SIP service's negotiation result. Nil when the codec is not one the engine
    /// implements (the SIP service only negotiates PCMU, PCMA and G722, so this means a
    /// programming error upstream).
    public init?(negotiated media: SDPNegotiatedMedia) {
        // L16 is the browser participants' format, never negotiated in SDP.
        guard let codec = AudioCodec(rawValue: media.codec.encodingName.uppercased()), codec != .l16 else { return nil }
        // RFC 2543 hold: connection address 0.0.0.0 (or port 0).
        let heldByAddress = media.remoteRTPPort == 0 || media.remoteAddress == "0.0.0.0" || media.remoteAddress == "::"
        var remote: SocketAddress?
        if !heldByAddress, let address = try? SocketAddress(ipAddress: media.remoteAddress, port: Int(media.remoteRTPPort)),
            address.isUnicastMediaTarget
        {
            // A multicast or broadcast c= is hostile or broken: sending there would fail with
            // EACCES, which closes the node's shared media socket. Such a caller is treated as
            // one with no address: media latches from its first packets instead.
            remote = address
        }
        self.init(
            codec: codec,
            payloadType: media.payloadType,
            telephoneEventPayloadType: media.telephoneEventPayloadType,
            remote: remote,
            sends: media.localDirection.sends && !heldByAddress,
            receives: media.localDirection.receives,
            remoteRTCPPort: Int(media.remoteRTCPPort)
        )
    }
}

/// What a media leg tells call control. Every closure is called on the engine's event loop,
/// from the media path: keep them short (hand the event to call control, for example with
/// `Task { await call.digit(d) }`) and never block.
public struct MediaLegEvents: Sendable {
    /// An RFC 4733 key press (once per press, however many packets carried it).
    public var onDigit: @Sendable (Character) -> Void
    /// The queued prompts have all been played (not called after ``MediaEngine/stopPlayback(legID:)``).
    public var onPlaybackFinished: @Sendable () -> Void
    /// No RTP for the configured timeout while not on hold: the caller has vanished. Called
    /// once; again only after media resumed and stopped again.
    public var onTimeout: @Sendable () -> Void

    public init(
        onDigit: @escaping @Sendable (Character) -> Void = { _ in },
        onPlaybackFinished: @escaping @Sendable () -> Void = {},
        onTimeout: @escaping @Sendable () -> Void = {}
    ) {
        self.onDigit = onDigit
        self.onPlaybackFinished = onPlaybackFinished
        self.onTimeout = onTimeout
    }
}

extension SocketAddress {
    /// Whether media may be sent here: a unicast IPv4 or IPv6 address with a port (not
    /// multicast, broadcast, unspecified, or port 0).
    var isUnicastMediaTarget: Bool {
        guard let port, port > 0 else { return false }
        switch self {
        case .v4:
            let octets = (ipAddress ?? "").split(separator: ".").compactMap { UInt8($0) }
            guard octets.count == 4, let first = octets.first else { return false }
            return first != 0 && !(224...239).contains(first) && octets != [255, 255, 255, 255]
        case .v6:
            guard let text = ipAddress?.lowercased() else { return false }
            return text != "::" && !text.hasPrefix("ff")
        case .unixDomainSocket:
            return false
        }
    }
}
