import ParleyMixer

/// Frames of a constant value make mixes exact to check: a participant sending 1000 adds
/// exactly 1000 to every sample of the mixes that include them.
func constantFrame(_ value: Int16) -> [Int16] {
    [Int16](repeating: value, count: ConferenceMixer.frameSamples)
}

extension ConferenceMixer {
    @discardableResult
    mutating func submit(_ frame: [Int16], for participant: MixerParticipantID) -> Bool {
        frame.withUnsafeBufferPointer { submit($0, for: participant) }
    }

    func outputFrame(for participant: MixerParticipantID) -> [Int16] {
        guard let buffer = output(for: participant) else { return [] }
        return withOutput(buffer) { Array($0) }
    }
}

/// A deterministic generator for the mixer tests.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
