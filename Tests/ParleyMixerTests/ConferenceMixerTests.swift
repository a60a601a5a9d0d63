import ParleyMixer
import Testing

@Suite("Conference mixer")
struct ConferenceMixerTests {
    @Test func aParticipantNeverHearsThemself() {
        var mixer = ConferenceMixer()
        let alice = mixer.addParticipant()
        let bob = mixer.addParticipant()
        let carol = mixer.addParticipant()
        let dave = mixer.addParticipant()  // listening only
        mixer.submit(constantFrame(1000), for: alice)
        mixer.submit(constantFrame(2000), for: bob)
        mixer.submit(constantFrame(4000), for: carol)
        mixer.submit(constantFrame(0), for: dave)
        let tick = mixer.mix(tick: 1)
        #expect(tick.talkerCount == 3)
        #expect(tick.bufferCount == 4)
        #expect(mixer.outputFrame(for: alice).allSatisfy { $0 == 6000 })
        #expect(mixer.outputFrame(for: bob).allSatisfy { $0 == 5000 })
        #expect(mixer.outputFrame(for: carol).allSatisfy { $0 == 3000 })
        #expect(mixer.outputFrame(for: dave).allSatisfy { $0 == 7000 })
        #expect(mixer.output(for: dave) == .shared)
        #expect(mixer.output(for: alice)?.isShared == false)
        #expect(mixer.talker(at: 0) == carol)  // loudest first
        #expect(mixer.talker(at: 3) == nil)
    }

    @Test func nonTalkersShareOneMix() {
        var mixer = ConferenceMixer()
        let people = (0..<10).map { _ in mixer.addParticipant() }
        for (index, person) in people.enumerated() {
            mixer.submit(constantFrame(index < 2 ? 3000 : 0), for: person)
        }
        let tick = mixer.mix(tick: 1)
        #expect(tick.talkerCount == 2)
        let outputs = people.compactMap { mixer.output(for: $0) }
        #expect(Set(outputs).count == 3)  // shared + two personal
        #expect(outputs[2...].allSatisfy { $0 == .shared })
        #expect(outputs[0] != outputs[1])
        #expect(mixer.outputFrame(for: people[5]).allSatisfy { $0 == 6000 })
        #expect(mixer.outputFrame(for: people[0]).allSatisfy { $0 == 3000 })
    }

    @Test(arguments: [1, 3, 4])
    func onlyTheKLoudestAreMixed(k: Int) {
        var mixer = ConferenceMixer(configuration: .init(maximumTalkers: k))
        let levels: [Int16] = [500, 3000, 1000, 8000, 2000, 4000]
        let people = levels.map { _ in mixer.addParticipant() }
        for (person, level) in zip(people, levels) {
            mixer.submit(constantFrame(level), for: person)
        }
        let tick = mixer.mix(tick: 1)
        #expect(tick.talkerCount == k)
        let loudest = levels.sorted(by: >).prefix(k)
        let expected = loudest.reduce(0) { $0 + Int($1) }
        let listener = people[0]  // the quietest is never among the K here
        #expect(mixer.outputFrame(for: listener).first.map(Int.init) == min(expected, 32767) || expected > 24576)
        for rank in 0..<k {
            let talker = mixer.talker(at: rank)
            #expect(talker == people[levels.firstIndex(of: loudest[loudest.startIndex + rank])!])
        }
        var mixed = 0
        mixer.forEachParticipant { _, state in
            if state.isMixed { mixed += 1 }
            #expect(state.isTalking)
        }
        #expect(mixed == k)
    }

    @Test func limiterNeverWrapsOnTenFullScaleTalkers() {
        var mixer = ConferenceMixer(configuration: .init(maximumTalkers: 10))
        let people = (0..<10).map { _ in mixer.addParticipant() }
        // Full-scale square waves, all in phase: sums of ±327670.
        let square = (0..<ConferenceMixer.frameSamples).map { ($0 / 20) % 2 == 0 ? Int16.max : Int16.min }
        for person in people {
            mixer.submit(square, for: person)
        }
        let tick = mixer.mix(tick: 1)
        #expect(tick.talkerCount == 10)
        let listener = mixer.addParticipant()
        for buffer in [mixer.output(for: people[0]), mixer.output(for: listener)].compactMap({ $0 }) {
            mixer.withOutput(buffer) { frame in
                for (index, sample) in frame.enumerated() {
                    // Same sign as the input (no wrap-around), close to but never at full scale.
                    #expect(sample.signum() == square[index].signum())
                    #expect(sample.magnitude > 30000 && sample.magnitude < 32767)
                }
            }
        }
    }

    @Test func mutedParticipantsContributeNothing() {
        var mixer = ConferenceMixer()
        let loud = mixer.addParticipant(muted: true)
        let talker = mixer.addParticipant()
        let listener = mixer.addParticipant()
        mixer.submit(constantFrame(20000), for: loud)
        mixer.submit(constantFrame(1000), for: talker)
        mixer.submit(constantFrame(0), for: listener)
        mixer.mix(tick: 1)
        #expect(mixer.outputFrame(for: listener).allSatisfy { $0 == 1000 })
        #expect(mixer.outputFrame(for: talker).allSatisfy { $0 == 0 })
        #expect(mixer.outputFrame(for: loud).allSatisfy { $0 == 1000 })  // the muted still hear
        let state = mixer.state(of: loud)
        #expect(state?.isMuted == true)
        #expect(state?.isTalking == false)
        #expect(state?.isMixed == false)
        #expect((state?.level ?? -200) > -5)  // level still measured
        // Unmuted, they join the mix on the next tick.
        mixer.setMuted(false, for: loud)
        mixer.submit(constantFrame(20000), for: loud)
        mixer.submit(constantFrame(1000), for: talker)
        mixer.mix(tick: 2)
        #expect(mixer.outputFrame(for: listener).allSatisfy { $0 == 21000 })
    }

    @Test func talkingHasHysteresisAndHangover() {
        var mixer = ConferenceMixer(configuration: .init(hangoverFrames: 5))
        let speaker = mixer.addParticipant()
        var flags: [Bool] = []
        // 10 frames of speech (-30 dBov), then silence.
        for tick in 0..<40 {
            mixer.submit(constantFrame(tick < 10 ? 1000 : 0), for: speaker)
            mixer.mix(tick: UInt64(tick))
            flags.append(mixer.state(of: speaker)?.isTalking ?? false)
        }
        #expect(flags.prefix(10).allSatisfy { $0 })
        // The smoothed level falls 1.5 dB a frame from -30 dBov; with the hangover the flag
        // stays up well past the end of speech, then drops.
        let lastTalking = flags.lastIndex(of: true) ?? 0
        #expect(lastTalking >= 15 && lastTalking < 39, "last talking frame \(lastTalking)")
        #expect(flags.last == false)
        // A quiet participant (-60 dBov) never counts as talking.
        let whisper = mixer.addParticipant()
        mixer.submit(constantFrame(30), for: whisper)
        mixer.mix(tick: 100)
        #expect(mixer.state(of: whisper)?.isTalking == false)
    }

    @Test func selectionDoesNotFlapBetweenSimilarTalkers() {
        var mixer = ConferenceMixer(configuration: .init(maximumTalkers: 1))
        let a = mixer.addParticipant()
        let b = mixer.addParticipant()
        var chosen: [MixerParticipantID?] = []
        for tick in 0..<20 {
            // Alternating slightly louder, within the 3 dB hysteresis.
            mixer.submit(constantFrame(tick % 2 == 0 ? 2000 : 2400), for: a)
            mixer.submit(constantFrame(tick % 2 == 0 ? 2400 : 2000), for: b)
            mixer.mix(tick: UInt64(tick))
            chosen.append(mixer.talker(at: 0))
        }
        #expect(Set(chosen.compactMap { $0 }).count == 1)
    }

    @Test func participantsComeAndGoBetweenTicks() {
        var mixer = ConferenceMixer(configuration: .init(initialCapacity: 2))
        let a = mixer.addParticipant()
        let b = mixer.addParticipant()
        let c = mixer.addParticipant()  // grows beyond the initial capacity
        #expect(mixer.participantCount == 3)
        mixer.submit(constantFrame(1000), for: a)
        mixer.submit(constantFrame(2000), for: b)
        mixer.submit(constantFrame(4000), for: c)
        mixer.mix(tick: 1)
        #expect(mixer.outputFrame(for: a).allSatisfy { $0 == 6000 })
        let removed = mixer.removeParticipant(c)
        let removedTwice = mixer.removeParticipant(c)
        #expect(removed)
        #expect(!removedTwice)
        #expect(mixer.output(for: c) == nil)
        #expect(mixer.state(of: c) == nil)
        #expect(mixer.talker(at: 2) == nil)
        let d = mixer.addParticipant()  // reuses c's slot with a new generation
        #expect(d != c)
        #expect(mixer.output(for: c) == nil)
        let accepted = mixer.submit([Int16](), for: c)
        #expect(!accepted)
        mixer.submit(constantFrame(1000), for: a)
        mixer.submit(constantFrame(2000), for: b)
        mixer.mix(tick: 2)
        #expect(mixer.outputFrame(for: d).allSatisfy { $0 == 3000 })
        #expect(mixer.participantCount == 3)
    }

    @Test func missingFramesAreSilenceAndAnEmptyRoomIsSilent() {
        var mixer = ConferenceMixer()
        let a = mixer.addParticipant()
        let b = mixer.addParticipant()
        mixer.submit(constantFrame(1000), for: a)
        mixer.mix(tick: 1)
        #expect(mixer.outputFrame(for: b).allSatisfy { $0 == 1000 })
        // Next tick nobody submits: a stays "talking" (hangover) but contributes silence.
        let tick = mixer.mix(tick: 2)
        #expect(mixer.outputFrame(for: b).allSatisfy { $0 == 0 })
        #expect(tick.tick == 2)
        for index in 3..<40 {
            mixer.mix(tick: UInt64(index))
        }
        #expect(mixer.lastTick.isSilent)
        #expect(mixer.outputFrame(for: a).allSatisfy { $0 == 0 })
    }

    @Test func randomisedMixesNeverIncludeTheListenerThemself() {
        var generator = SeededGenerator(seed: 2024)
        var mixer = ConferenceMixer(configuration: .init(maximumTalkers: 3))
        let people = (0..<12).map { _ in mixer.addParticipant() }
        for tick in 0..<200 {
            var frames: [MixerParticipantID: Int16] = [:]
            for person in people {
                // Distinct powers of two would overflow; use small distinct values or silence.
                let value: Int16 = Bool.random(using: &generator) ? Int16.random(in: 200...2000, using: &generator) : 0
                frames[person] = value
                mixer.submit(constantFrame(value), for: person)
            }
            mixer.mix(tick: UInt64(tick))
            let talkers = (0..<3).compactMap { mixer.talker(at: $0) }
            let total = talkers.reduce(0) { $0 + Int(frames[$1] ?? 0) }
            for person in people {
                let expected = talkers.contains(person) ? total - Int(frames[person] ?? 0) : total
                #expect(mixer.outputFrame(for: person).first.map(Int.init) == expected)
            }
        }
    }
}
