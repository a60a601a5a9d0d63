import ParleyMixer
import ParleyRTP

/// One conference on the engine's event loop: its mixer, members, and the encoders of the
/// shared mix. Confined to the loop, like ``MediaLeg``.
///
/// Each tick the room feeds every member's decoded frame into the ``ConferenceMixer``, mixes
/// once, then encodes the shared mix once per codec in use (``sharedEncoders``) and sends
/// those bytes to every member that hears it; a talker's "mix minus me" and a member with a
/// prompt playing are encoded with the member's own encoder.
final class MediaRoom {
    let id: String
    var mixer: ConferenceMixer
    private(set) var members: [MediaLeg] = []
    /// Encoders of the shared mix, one per codec (indexed by ``MediaRoom/codecIndex(_:)``).
    var sharedEncoders: [MediaEncoder]
    /// The shared mix encoded this tick: one slot of `AudioCodec.maximumPayloadBytes` per codec.
    var sharedPayloads: [UInt8]
    /// A tone everyone in the room hears over the mix (entry/exit).
    var tone = PromptQueue()

    init(id: String, maximumTalkers: Int, expectedMembers: Int = 16) {
        self.id = id
        self.mixer = ConferenceMixer(
            configuration: ConferenceMixer.Configuration(
                maximumTalkers: maximumTalkers,
                initialCapacity: max(4, expectedMembers)
            )
        )
        self.sharedEncoders = AudioCodec.allCases.map { MediaEncoder(codec: $0) }
        self.sharedPayloads = [UInt8](repeating: 0, count: AudioCodec.allCases.count * AudioCodec.maximumPayloadBytes)
        members.reserveCapacity(max(4, expectedMembers))
    }

    static func codecIndex(_ codec: AudioCodec) -> Int {
        switch codec {
        case .pcmu: return 0
        case .pcma: return 1
        case .g722: return 2
        case .l16: return 3
        }
    }

    func add(_ leg: MediaLeg) {
        leg.mixerID = mixer.addParticipant(muted: leg.isMuted)
        leg.room = self
        leg.hearsSharedMix = true
        members.append(leg)
    }

    func remove(_ leg: MediaLeg) {
        if let participant = leg.mixerID {
            mixer.removeParticipant(participant)
        }
        leg.mixerID = nil
        leg.room = nil
        leg.hearsSharedMix = true
        members.removeAll { $0 === leg }
    }

    /// Removes every member (the room closes); returns them.
    func removeAll() -> [MediaLeg] {
        let legs = members
        for leg in legs {
            remove(leg)
        }
        return legs
    }
}
