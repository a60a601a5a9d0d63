/// One of the mixer's output buffers for the current tick.
///
/// Index 0 is the shared mix (every selected talker) that all non-talkers hear; indices
/// 1…K are the personal "mix minus me" of each selected talker. The index is small and
/// stable within a tick, so the media server can key its encode cache on `(index, codec)`
/// and encode each distinct mix once per codec.
public struct MixBufferID: Hashable, Sendable, CustomStringConvertible {
    public let index: Int

    init(index: Int) {
        self.index = index
    }

    /// The shared mix.
    public static let shared = MixBufferID(index: 0)

    public var isShared: Bool { index == 0 }

    public var description: String { isShared ? "shared mix" : "personal mix \(index)" }
}
