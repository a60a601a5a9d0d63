/// A participant's state after the last tick, for the roster (level, talking) and the media
/// server (which buffer to send).
public struct ParticipantMixState: Hashable, Sendable {
    /// Level of the last frame, in dBov (``AudioLevel/floor`` for silence or no frame).
    public var level: Float
    /// Smoothed level (instant attack, slow release) used for talker selection.
    public var smoothedLevel: Float
    /// Speaking, with hysteresis and hangover. Always false while muted.
    public var isTalking: Bool
    /// Among the K talkers mixed this tick.
    public var isMixed: Bool
    public var isMuted: Bool
    /// The buffer this participant hears.
    public var output: MixBufferID
}
