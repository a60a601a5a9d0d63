/// A participant of a ``ConferenceMixer``: a slot in its preallocated storage and a
/// generation, so an identifier kept after removal never reaches the slot's next occupant.
public struct MixerParticipantID: Hashable, Sendable, CustomStringConvertible {
    let slot: Int
    let generation: UInt32

    init(slot: Int, generation: UInt32) {
        self.slot = slot
        self.generation = generation
    }

    public var description: String { "participant \(slot).\(generation)" }
}
