/// An audio codec as SDP names it: encoding name, RTP clock rate, and its RFC 3551 static
/// payload type when it has one.
public struct SDPCodec: Sendable, Hashable, CustomStringConvertible {
    public var encodingName: String
    /// The RTP clock rate (8000 for G.722, whose RTP clock is 8 kHz by RFC 3551's mistake).
    public var clockRate: Int
    public var channels: Int?
    public var staticPayloadType: UInt8?

    public init(encodingName: String, clockRate: Int, channels: Int? = nil, staticPayloadType: UInt8? = nil) {
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
        self.staticPayloadType = staticPayloadType
    }

    public static let g722 = SDPCodec(encodingName: "G722", clockRate: 8000, staticPayloadType: 9)
    public static let pcmu = SDPCodec(encodingName: "PCMU", clockRate: 8000, staticPayloadType: 0)
    public static let pcma = SDPCodec(encodingName: "PCMA", clockRate: 8000, staticPayloadType: 8)
    /// RFC 4733 named telephone events; its payload type is always dynamic.
    public static let telephoneEvent = SDPCodec(encodingName: "telephone-event", clockRate: 8000)

    /// Whether an rtpmap describes this codec (name case-insensitive; one channel by default).
    public func matches(_ map: SDPRTPMap) -> Bool {
        map.encodingName.lowercased() == encodingName.lowercased()
            && map.clockRate == clockRate
            && (map.channels ?? 1) == (channels ?? 1)
    }

    func rtpMap(payloadType: UInt8) -> SDPRTPMap {
        SDPRTPMap(payloadType: payloadType, encodingName: encodingName, clockRate: clockRate, channels: channels)
    }

    public var description: String { "\(encodingName)/\(clockRate)" }
}

/// What offer/answer settled for the one audio stream.
public struct SDPNegotiatedMedia: Sendable, Hashable {
    public var codec: SDPCodec
    /// The payload type both sides use for `codec`.
    public var payloadType: UInt8
    /// The telephone-event payload type, if both sides have it (the offerer's number).
    public var telephoneEventPayloadType: UInt8?
    /// Where the peer receives RTP (`0.0.0.0` for an RFC 2543 hold).
    public var remoteAddress: String
    public var remoteRTPPort: UInt16
    public var remoteRTCPPort: UInt16
    /// The direction from our side: `sends` says whether to send RTP, `receives` whether
    /// to expect it.
    public var localDirection: SDPDirection
    /// Our packetisation in milliseconds.
    public var ptime: Int
    /// The peer's `a=ptime`, if it gave one.
    public var remotePtime: Int?
    /// Index of the audio `m=` line in the description.
    public var mediaIndex: Int

    public init(
        codec: SDPCodec, payloadType: UInt8, telephoneEventPayloadType: UInt8?, remoteAddress: String, remoteRTPPort: UInt16,
        remoteRTCPPort: UInt16, localDirection: SDPDirection, ptime: Int, remotePtime: Int?, mediaIndex: Int
    ) {
        self.codec = codec
        self.payloadType = payloadType
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.remoteAddress = remoteAddress
        self.remoteRTPPort = remoteRTPPort
        self.remoteRTCPPort = remoteRTCPPort
        self.localDirection = localDirection
        self.ptime = ptime
        self.remotePtime = remotePtime
        self.mediaIndex = mediaIndex
    }

    /// Whether the peer has put the call on hold (it does not want our media).
    public var isOnHold: Bool { !localDirection.sends }
}

/// Why no session could be agreed; the server answers 488 Not Acceptable Here.
public struct SDPNegotiationError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// No audio stream over RTP/AVP with a non-zero port.
        case noAudioStream
        /// An audio stream, but no codec in common.
        case noCommonCodec
        /// The audio stream has no connection address.
        case missingConnection
        /// An answer that rejects our audio stream or does not match our offer.
        case answerRejected
    }

    public var code: Code

    public init(_ code: Code) {
        self.code = code
    }

    public var suggestedStatus: Int { 488 }
    public var reasonPhrase: String {
        switch code {
        case .noAudioStream: return "No Audio Stream"
        case .noCommonCodec: return "No Common Codec"
        case .missingConnection: return "Missing Connection Address"
        case .answerRejected: return "Answer Rejected Offer"
        }
    }

    public var description: String { "SDPNegotiationError(\(code.rawValue))" }
}
