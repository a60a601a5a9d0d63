/// What one ``ConferenceMixer/mix(tick:)`` produced. Small and allocation-free; details per
/// participant come from ``ConferenceMixer/output(for:)`` and ``ConferenceMixer/state(of:)``.
public struct MixTick: Hashable, Sendable {
    /// The tick number the caller passed in.
    public var tick: UInt64
    /// Talkers selected this tick (0…K); each has a personal buffer.
    public var talkerCount: Int
    /// Distinct output buffers: the shared one plus one per talker.
    public var bufferCount: Int { 1 + talkerCount }
    /// True when nobody is talking: the shared mix is digital silence, which the media
    /// server may send as comfort noise or not at all.
    public var isSilent: Bool { talkerCount == 0 }
    /// Samples in each buffer (320: 20 ms at 16 kHz).
    public var frameSamples: Int
}
