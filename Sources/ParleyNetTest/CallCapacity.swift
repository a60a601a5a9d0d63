/// The voice codecs the estimate covers. Both send 64 kb/s of payload in 20 ms packets.
public enum VoiceCodec: String, Hashable, Sendable, CaseIterable {
    case g711 = "G.711"
    case g722 = "G.722"

    /// Payload bits per second (G.722 codes 16 kHz audio into the same 64 kb/s as G.711).
    public var payloadBitsPerSecond: Int { 64_000 }
    /// Packets per second at 20 ms packetisation.
    public var packetsPerSecond: Int { 50 }
    /// Payload bytes per packet: 64 000 / 8 / 50 = 160.
    public var payloadBytes: Int { payloadBitsPerSecond / 8 / packetsPerSecond }

    /// Bytes per packet on an Ethernet wire: payload + RTP 12 + UDP 8 + IPv4 20 + Ethernet 18
    /// (14 header + 4 FCS) = 218.
    public var wireBytesPerPacket: Int { payloadBytes + 12 + 8 + 20 + 18 }

    /// One direction of one call on the wire: 218 × 8 × 50 = 87 200 b/s.
    public var wireBitsPerSecond: Int { wireBytesPerPacket * 8 * packetsPerSecond }
}

/// How many concurrent calls a measured link carries, for one codec.
///
/// ```
/// usable       = headroom × min(upload, download)          headroom = 0.8
/// raw          = ⌊usable / 87.2 kb/s⌋                       (one direction of a call)
/// lossFactor   = clamp((10 % − loss) / (10 % − 1 %), 0, 1)  loss = the worse direction
/// jitterFactor = clamp((100 ms − jitter) / (100 ms − 30 ms), 0, 1)
/// calls        = ⌊raw × lossFactor × jitterFactor⌋
/// ```
/// Each call sends and receives 87.2 kb/s, so the slower direction limits; 20 % is kept for
/// signalling, RTCP and other traffic. Up to 1 % loss and 30 ms jitter a call sounds fine and
/// nothing is discounted; the discount grows linearly to zero calls at 10 % loss (packet loss
/// concealment no longer hides it) or 100 ms jitter (beyond what a jitter buffer absorbs
/// without audible delay). The figure is an upper bound: the throughput is a short TCP test,
/// not a sustained load.
public struct CallCapacityEstimate: Hashable, Sendable {
    public static let headroom = 0.8
    public static let lossWithoutDiscount = 0.01
    public static let lossLimit = 0.10
    public static let jitterWithoutDiscount = 30_000_000.0  // ns
    public static let jitterLimit = 100_000_000.0  // ns

    public var codec: VoiceCodec
    /// Calls the bandwidth alone carries.
    public var rawCalls: Int
    public var lossFactor: Double
    public var jitterFactor: Double
    /// The estimate.
    public var calls: Int

    /// - Parameters:
    ///   - uploadBitsPerSecond, downloadBitsPerSecond: measured throughput each way.
    ///   - loss: the worse direction's loss (0…1).
    ///   - jitterNanoseconds: the worse direction's jitter.
    public init(codec: VoiceCodec, uploadBitsPerSecond: Double, downloadBitsPerSecond: Double, loss: Double, jitterNanoseconds: Double) {
        self.codec = codec
        let slower = min(uploadBitsPerSecond, downloadBitsPerSecond)
        let usable = slower.isFinite && slower > 0 ? slower * Self.headroom : 0
        let raw = (usable / Double(codec.wireBitsPerSecond)).rounded(.down)
        self.rawCalls = raw < Double(Int32.max) ? Int(raw) : Int(Int32.max)
        self.lossFactor = Self.discount(loss, free: Self.lossWithoutDiscount, limit: Self.lossLimit)
        self.jitterFactor = Self.discount(jitterNanoseconds, free: Self.jitterWithoutDiscount, limit: Self.jitterLimit)
        self.calls = Int((Double(rawCalls) * lossFactor * jitterFactor).rounded(.down))
    }

    /// 1 up to `free`, 0 from `limit`, linear between; a missing (NaN) measure counts as 0.
    static func discount(_ value: Double, free: Double, limit: Double) -> Double {
        guard !value.isNaN else { return 0 }
        if value <= free { return 1 }
        if value >= limit { return 0 }
        return (limit - value) / (limit - free)
    }
}
