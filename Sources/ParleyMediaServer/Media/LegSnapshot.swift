import ParleyModel
import ParleyRTP

/// One leg as the roster, the API and the attendance record see it.
public struct LegSnapshot: Sendable, Hashable {
    public var legID: String
    /// The room the leg is in; nil in the IVR lobby.
    public var roomID: String?
    public var codec: AudioCodec
    public var isMuted: Bool
    /// Speaking now (with hysteresis), from the room's mixer; false outside a room.
    public var isTalking: Bool
    /// Level of the last frame in dBov (-127 for silence).
    public var levelDBov: Float
    public var isOnHold: Bool
    /// RTP packets accepted from the caller (audio and telephone-events).
    public var packetsReceived: UInt64
    /// Packets lost by RFC 3550's count (expected − received, not below zero).
    public var packetsLost: UInt64
    /// Interarrival jitter (RFC 3550 A.8) in milliseconds.
    public var jitterMilliseconds: Double
    /// Round trip from the caller's RTCP reports; nil until one arrived.
    public var roundTripMilliseconds: Double?
    /// RTP packets sent to the caller.
    public var packetsSent: UInt64
    /// Where media is sent (the latched source, else the signalled address).
    public var remoteAddress: String?

    public init(
        legID: String, roomID: String?, codec: AudioCodec, isMuted: Bool, isTalking: Bool,
        levelDBov: Float, isOnHold: Bool, packetsReceived: UInt64, packetsLost: UInt64,
        jitterMilliseconds: Double, roundTripMilliseconds: Double?, packetsSent: UInt64, remoteAddress: String?
    ) {
        self.legID = legID
        self.roomID = roomID
        self.codec = codec
        self.isMuted = isMuted
        self.isTalking = isTalking
        self.levelDBov = levelDBov
        self.isOnHold = isOnHold
        self.packetsReceived = packetsReceived
        self.packetsLost = packetsLost
        self.jitterMilliseconds = jitterMilliseconds
        self.roundTripMilliseconds = roundTripMilliseconds
        self.packetsSent = packetsSent
        self.remoteAddress = remoteAddress
    }
}

extension LegSnapshot {
    /// The figures the roster and the attendance record keep.
    public var statistics: CallStatistics {
        CallStatistics(
            packetsReceived: packetsReceived, packetsLost: packetsLost, packetsSent: packetsSent,
            jitterMilliseconds: jitterMilliseconds, roundTripMilliseconds: roundTripMilliseconds, levelDBov: Double(levelDBov)
        )
    }
}
