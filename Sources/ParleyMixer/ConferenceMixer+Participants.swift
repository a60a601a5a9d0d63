extension ConferenceMixer {
    /// Participants currently in the mixer.
    public var participantCount: Int { activeCount }

    /// Adds a participant (between ticks). Uses a free preallocated slot, or grows the
    /// storage when all are taken. The participant hears the shared mix until the next tick.
    public mutating func addParticipant(muted: Bool = false) -> MixerParticipantID {
        if freeSlots.isEmpty {
            grow()
        }
        let slot = freeSlots.removeLast()
        let generation = slots[slot].generation &+ 1
        slots[slot] = Slot(active: true, generation: generation, muted: muted)
        activeCount += 1
        return MixerParticipantID(slot: slot, generation: generation)
    }

    /// Removes a participant (between ticks). Returns false when it was not present.
    @discardableResult
    public mutating func removeParticipant(_ participant: MixerParticipantID) -> Bool {
        guard let slot = slotIndex(of: participant) else { return false }
        slots[slot].active = false
        slots[slot].selected = false
        slots[slot].talking = false
        slots[slot].hasFrame = false
        // Drop them from the last tick's talker list so `talker(at:)` never names them.
        var kept = 0
        for rank in 0..<talkerCount where talkers[rank] != slot {
            talkers[kept] = talkers[rank]
            kept += 1
        }
        talkerCount = kept
        freeSlots.append(slot)
        activeCount -= 1
        return true
    }

    /// Mutes or unmutes a participant: a muted participant contributes nothing to any mix
    /// from the next tick on (their level is still measured, for "you are muted" hints).
    @discardableResult
    public mutating func setMuted(_ muted: Bool, for participant: MixerParticipantID) -> Bool {
        guard let slot = slotIndex(of: participant) else { return false }
        slots[slot].muted = muted
        return true
    }

    /// Calls `body` for every participant with its state after the last tick (roster).
    public func forEachParticipant(_ body: (MixerParticipantID, ParticipantMixState) throws -> Void) rethrows {
        for index in slots.indices where slots[index].active {
            let id = MixerParticipantID(slot: index, generation: slots[index].generation)
            if let state = state(of: id) {
                try body(id, state)
            }
        }
    }

    /// Doubles the participant storage (allocates; only when joining beyond capacity).
    private mutating func grow() {
        let old = slots.count
        let added = Swift.max(old, 1)
        slots.append(contentsOf: repeatElement(Slot(), count: added))
        inputs.append(contentsOf: repeatElement(0, count: added * Self.frameSamples))
        freeSlots.reserveCapacity(old + added)
        freeSlots.append(contentsOf: (old..<(old + added)).reversed())
    }
}
