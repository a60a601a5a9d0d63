/// The conference mixing engine: one 20 ms frame in per participant, the distinct mixes out.
///
/// ## Design
/// Every tick (20 ms, driven by the owner's deadline clock) each participant contributes one
/// 320-sample frame at 16 kHz. The mixer then:
///
/// 1. measures each frame's level (mean square → dBov) and smooths it (instant attack,
///    `releasePerFrame` dB/frame release);
/// 2. decides who is talking, with hysteresis (start above `talkStartLevel`, stop after
///    `hangoverFrames` below `talkStopLevel`); muted participants never talk;
/// 3. selects the K loudest talkers (`maximumTalkers`, default 3), giving those already
///    selected a `selectionHysteresis` bonus so the choice does not flap;
/// 4. sums the K talkers once into a 32-bit accumulator and produces K + 1 buffers: the
///    shared mix (all K talkers) and, for each talker, the accumulator minus their own
///    frame. Every buffer goes through the ``SoftLimiter``, so sums never wrap.
///
/// A participant never hears themself: only talkers are in the mix, and each talker gets
/// the personal buffer without their own frame. Everyone else — listeners, muted people,
/// talkers beyond K — hears the one shared buffer, so the media server encodes it once per
/// codec and sends the same payload to all of them. With N participants and K talkers a
/// tick costs N level measurements, K frame additions and K + 1 limited outputs: the cost
/// of mixing does not grow with N, and at most K + 1 encodes per codec are needed.
///
/// ## Memory
/// The mixer owns all its buffers: participant input frames (one contiguous array), K + 1
/// output frames and the accumulator, allocated at `init` for `initialCapacity`
/// participants. Steady-state ticks, frame submission and output reads never allocate;
/// adding participants beyond the capacity grows storage once (between ticks).
///
/// ## Use
/// ```swift
/// var mixer = ConferenceMixer()
/// let alice = mixer.addParticipant()
/// // each tick, for each leg: decode into the mixer's input frame
/// mixer.withInputFrame(for: alice) { frame in decoder.render(output, from: jitterBuffer, into: frame) }
/// let tick = mixer.mix(tick: n)
/// // for each leg: which buffer, then encode once per (buffer, codec)
/// if let buffer = mixer.output(for: alice) { mixer.withOutput(buffer) { pcm in … } }
/// ```
/// A value type with no locks: the event loop that owns the meeting owns its mixer.
public struct ConferenceMixer: Sendable {
    /// Samples per frame: 20 ms at 16 kHz.
    public static let frameSamples = 320

    struct Slot: Sendable {
        var active = false
        var generation: UInt32 = 0
        var muted = false
        var hasFrame = false
        var level = AudioLevel.floor
        var smoothedLevel = AudioLevel.floor
        var talking = false
        var hangover = 0
        var selected = false
        /// Index of the output buffer this participant hears.
        var output = 0
    }

    public let configuration: Configuration
    let limiter: SoftLimiter

    var slots: [Slot]
    /// Input frames, `frameSamples` per slot.
    var inputs: [Int16]
    var freeSlots: [Int]
    var activeCount = 0

    /// Slots of the talkers mixed in the last tick, loudest first; `talkerCount` valid.
    var talkers: [Int]
    var talkerCount = 0
    /// Scores of the talkers being selected (parallel to `talkers`).
    private var talkerScores: [Float]
    /// K + 1 output frames: shared, then one per talker.
    private var outputs: [Int16]
    private var accumulator: [Int32]
    private var sharedIsSilent = true
    public private(set) var lastTick = MixTick(tick: 0, talkerCount: 0, frameSamples: frameSamples)

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.limiter = SoftLimiter(threshold: configuration.limiterThreshold)
        let capacity = configuration.initialCapacity
        let talkers = configuration.maximumTalkers
        self.slots = [Slot](repeating: Slot(), count: capacity)
        self.inputs = [Int16](repeating: 0, count: capacity * Self.frameSamples)
        self.freeSlots = Array((0..<capacity).reversed())
        self.talkers = [Int](repeating: 0, count: talkers)
        self.talkerScores = [Float](repeating: 0, count: talkers)
        self.outputs = [Int16](repeating: 0, count: (talkers + 1) * Self.frameSamples)
        self.accumulator = [Int32](repeating: 0, count: Self.frameSamples)
    }

    // MARK: Input

    /// Lets `body` write this tick's frame for a participant straight into the mixer's
    /// storage (320 samples, zeroed beforehand is not guaranteed: write all of them). Nil
    /// for an unknown participant.
    @discardableResult
    public mutating func withInputFrame<Result>(
        for participant: MixerParticipantID,
        _ body: (UnsafeMutableBufferPointer<Int16>) throws -> Result
    ) rethrows -> Result? {
        guard let slot = slotIndex(of: participant) else { return nil }
        slots[slot].hasFrame = true
        let base = slot * Self.frameSamples
        return try inputs.withUnsafeMutableBufferPointer { storage in
            try body(UnsafeMutableBufferPointer(rebasing: storage[base..<(base + Self.frameSamples)]))
        }
    }

    /// Copies this tick's frame for a participant (a short frame is padded with silence).
    /// Returns false for an unknown participant.
    @discardableResult
    public mutating func submit(_ frame: UnsafeBufferPointer<Int16>, for participant: MixerParticipantID) -> Bool {
        let written: Bool? = withInputFrame(for: participant) { target in
            let count = Swift.min(frame.count, target.count)
            for index in 0..<count {
                target[index] = frame[index]
            }
            for index in count..<target.count {
                target[index] = 0
            }
            return true
        }
        return written != nil
    }

    // MARK: Tick

    /// Mixes the frames submitted since the previous tick. Participants without a frame
    /// count as silent. Afterwards every participant's ``output(for:)`` and
    /// ``state(of:)`` describe this tick, until the next call.
    @discardableResult
    public mutating func mix(tick: UInt64) -> MixTick {
        measureLevels()
        selectTalkers()
        produceOutputs()
        for slot in slots.indices where slots[slot].active {
            slots[slot].hasFrame = false
        }
        lastTick = MixTick(tick: tick, talkerCount: talkerCount, frameSamples: Self.frameSamples)
        return lastTick
    }

    /// Levels, smoothing and the talking flag with hysteresis.
    private mutating func measureLevels() {
        let frameSamples = Self.frameSamples
        let configuration = self.configuration
        inputs.withUnsafeBufferPointer { inputs in
            slots.withUnsafeMutableBufferPointer { slots in
                for index in slots.indices where slots[index].active {
                    var slot = slots[index]
                    if slot.hasFrame {
                        let frame = UnsafeBufferPointer(rebasing: inputs[(index * frameSamples)..<((index + 1) * frameSamples)])
                        let sum = AudioLevel.sumOfSquares(frame)
                        slot.level = AudioLevel.dBov(meanSquare: Double(sum) / Double(frameSamples))
                    } else {
                        slot.level = AudioLevel.floor
                    }
                    slot.smoothedLevel = Swift.max(slot.level, slot.smoothedLevel - configuration.releasePerFrame)
                    if slot.muted {
                        slot.talking = false
                        slot.hangover = 0
                    } else if slot.smoothedLevel >= configuration.talkStartLevel {
                        slot.talking = true
                        slot.hangover = configuration.hangoverFrames
                    } else if slot.talking {
                        if slot.smoothedLevel >= configuration.talkStopLevel {
                            slot.hangover = configuration.hangoverFrames
                        } else if slot.hangover > 0 {
                            slot.hangover -= 1
                        } else {
                            slot.talking = false
                        }
                    }
                    slots[index] = slot
                }
            }
        }
    }

    /// Picks the K loudest talkers (insertion into a K-long sorted list: O(N·K)).
    private mutating func selectTalkers() {
        let limit = configuration.maximumTalkers
        let hysteresis = configuration.selectionHysteresis
        var count = 0
        slots.withUnsafeMutableBufferPointer { slots in
            talkers.withUnsafeMutableBufferPointer { talkers in
                talkerScores.withUnsafeMutableBufferPointer { scores in
                    for index in slots.indices where slots[index].active {
                        let slot = slots[index]
                        guard slot.talking, !slot.muted else { continue }
                        let score = slot.smoothedLevel + (slot.selected ? hysteresis : 0)
                        // Find the insertion point among the current best, loudest first.
                        var position = count
                        while position > 0, scores[position - 1] < score {
                            position -= 1
                        }
                        guard position < limit else { continue }
                        var move = Swift.min(count, limit - 1)
                        while move > position {
                            talkers[move] = talkers[move - 1]
                            scores[move] = scores[move - 1]
                            move -= 1
                        }
                        talkers[position] = index
                        scores[position] = score
                        count = Swift.min(count + 1, limit)
                    }
                    for index in slots.indices {
                        slots[index].selected = false
                        slots[index].output = 0
                    }
                    for rank in 0..<count {
                        slots[talkers[rank]].selected = true
                        slots[talkers[rank]].output = rank + 1
                    }
                }
            }
        }
        talkerCount = count
    }

    /// Sums the talkers once, then writes the shared mix and each mix-minus, limited.
    private mutating func produceOutputs() {
        let frameSamples = Self.frameSamples
        let count = talkerCount
        let limiter = self.limiter
        if count == 0 {
            if !sharedIsSilent {
                outputs.withUnsafeMutableBufferPointer { outputs in
                    UnsafeMutableBufferPointer(rebasing: outputs[0..<frameSamples]).update(repeating: 0)
                }
                sharedIsSilent = true
            }
            return
        }
        sharedIsSilent = false
        slots.withUnsafeBufferPointer { slots in
            talkers.withUnsafeBufferPointer { talkers in
                inputs.withUnsafeBufferPointer { inputs in
                    accumulator.withUnsafeMutableBufferPointer { sum in
                        outputs.withUnsafeMutableBufferPointer { outputs in
                            sum.update(repeating: 0)
                            for rank in 0..<count where slots[talkers[rank]].hasFrame {
                                let base = talkers[rank] * frameSamples
                                for sample in 0..<frameSamples {
                                    sum[sample] &+= Int32(inputs[base + sample])
                                }
                            }
                            for sample in 0..<frameSamples {
                                outputs[sample] = limiter.limit(sum[sample])
                            }
                            for rank in 0..<count {
                                let output = (rank + 1) * frameSamples
                                let slot = talkers[rank]
                                if slots[slot].hasFrame {
                                    let base = slot * frameSamples
                                    for sample in 0..<frameSamples {
                                        outputs[output + sample] = limiter.limit(sum[sample] &- Int32(inputs[base + sample]))
                                    }
                                } else {
                                    for sample in 0..<frameSamples {
                                        outputs[output + sample] = outputs[sample]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: Output

    /// The buffer a participant hears after the last tick; nil for an unknown participant.
    public func output(for participant: MixerParticipantID) -> MixBufferID? {
        guard let slot = slotIndex(of: participant) else { return nil }
        return MixBufferID(index: slots[slot].output)
    }

    /// Reads an output buffer of the last tick (320 samples at 16 kHz). An index beyond
    /// the last tick's buffers reads the shared mix.
    public func withOutput<Result>(
        _ buffer: MixBufferID,
        _ body: (UnsafeBufferPointer<Int16>) throws -> Result
    ) rethrows -> Result {
        let index = buffer.index < lastTick.bufferCount ? buffer.index : 0
        let base = index * Self.frameSamples
        return try outputs.withUnsafeBufferPointer { outputs in
            try body(UnsafeBufferPointer(rebasing: outputs[base..<(base + Self.frameSamples)]))
        }
    }

    /// The participant mixed at `rank` (0 = loudest) in the last tick.
    public func talker(at rank: Int) -> MixerParticipantID? {
        guard rank >= 0, rank < talkerCount else { return nil }
        let slot = talkers[rank]
        return MixerParticipantID(slot: slot, generation: slots[slot].generation)
    }

    /// Level, talking flag and output of a participant after the last tick.
    public func state(of participant: MixerParticipantID) -> ParticipantMixState? {
        guard let index = slotIndex(of: participant) else { return nil }
        let slot = slots[index]
        return ParticipantMixState(
            level: slot.level,
            smoothedLevel: slot.smoothedLevel,
            isTalking: slot.talking,
            isMixed: slot.selected,
            isMuted: slot.muted,
            output: MixBufferID(index: slot.output)
        )
    }

    func slotIndex(of participant: MixerParticipantID) -> Int? {
        guard
            participant.slot >= 0, participant.slot < slots.count,
            slots[participant.slot].active,
            slots[participant.slot].generation == participant.generation
        else { return nil }
        return participant.slot
    }
}
