/// The audio codecs Parley offers in SDP (issue "Dial-in audio conferencing"), with their
/// RTP facts from RFC 3551.
public enum AudioCodec: String, Hashable, Sendable, CaseIterable {
    /// G.711 µ-law, payload type 0.
    case pcmu = "PCMU"
    /// G.711 A-law, payload type 8.
    case pcma = "PCMA"
    /// G.722 wideband, payload type 9.
    case g722 = "G722"
    /// 16-bit linear PCM at 16 kHz, network byte order (RFC 3551's L16 at the wideband rate):
    /// the audio of browser participants (docs/web-protocol.md). Not offered in SDP.
    case l16 = "L16"

    /// The static RTP payload type.
    public var payloadType: UInt8 {
        switch self {
        case .pcmu: return 0
        case .pcma: return 8
        case .g722: return 9
        case .l16: return 96
        }
    }

    public init?(payloadType: UInt8) {
        switch payloadType {
        case 0: self = .pcmu
        case 8: self = .pcma
        case 9: self = .g722
        default: return nil
        }
    }

    /// The SDP encoding name (`a=rtpmap:9 G722/8000`).
    public var encodingName: String { rawValue }

    /// RTP timestamp rate. 8000 for all three: G.722 samples at 16 kHz but keeps the 8 kHz
    /// RTP clock for historical reasons (RFC 3551 section 4.5.2).
    public var clockRate: Int { 8000 }

    /// Audio sample rate of the codec.
    public var sampleRate: Int {
        switch self {
        case .pcmu, .pcma: return 8000
        case .g722, .l16: return 16000
        }
    }

    /// Payload bytes of a 20 ms frame of this codec: 160 at 64 kbit/s, 640 for L16.
    public var payloadBytes: Int {
        self == .l16 ? 2 * Self.widebandFrameSamples : Self.frameBytes
    }

    /// The largest ``payloadBytes`` of any codec.
    public static let maximumPayloadBytes = 2 * widebandFrameSamples

    /// RTP timestamp increment of a 20 ms packet.
    public static let frameTicks = 160

    /// Payload bytes of a 20 ms packet of the 64 kbit/s codecs (G.711, G.722); see ``payloadBytes``.
    public static let frameBytes = 160

    /// Samples of a 20 ms frame at the mixer's 16 kHz.
    public static let widebandFrameSamples = 320
}
