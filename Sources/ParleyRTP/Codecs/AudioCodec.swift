/// The audio codecs Parley offers in SDP (issue "Dial-in audio conferencing"), with their
/// RTP facts from RFC 3551.
public enum AudioCodec: String, Hashable, Sendable, CaseIterable {
    /// G.711 µ-law, payload type 0.
    case pcmu = "PCMU"
    /// G.711 A-law, payload type 8.
    case pcma = "PCMA"
    /// G.722 wideband, payload type 9.
    case g722 = "G722"

    /// The static RTP payload type.
    public var payloadType: UInt8 {
        switch self {
        case .pcmu: return 0
        case .pcma: return 8
        case .g722: return 9
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
        case .g722: return 16000
        }
    }

    /// RTP timestamp increment of a 20 ms packet.
    public static let frameTicks = 160

    /// Payload bytes of a 20 ms packet (64 kbit/s for all three).
    public static let frameBytes = 160

    /// Samples of a 20 ms frame at the mixer's 16 kHz.
    public static let widebandFrameSamples = 320
}
