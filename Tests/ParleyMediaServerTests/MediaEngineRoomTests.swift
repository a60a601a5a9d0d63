import ParleyMediaServer
import ParleyRTP
import Testing

/// Rooms over real UDP on 127.0.0.1: in-test phones send tones, the test checks by
/// Goertzel power what each one hears. Durations are short (about 2 s of audio) and the
/// thresholds generous; nothing here measures speed.
@Suite("Media engine rooms", .serialized, .timeLimit(.minutes(1)))
struct MediaEngineRoomTests {
    /// A 8000-amplitude sine has a Goertzel power of 16e6; "heard" means well above 1e6.
    static let heard = 1e6

    @Test("two callers in a room hear each other, not themselves; roster and RTCP work")
    func twoCallersHearEachOther() async throws {
        let configuration = MediaEngine.Configuration(rtcpInterval: .milliseconds(500))
        try await withMediaEngine(configuration: configuration) { engine in
            var phones = [
                try MediaTestPhone(tone: 600, destinationPort: engine.localPort),
                try MediaTestPhone(tone: 1400, destinationPort: engine.localPort),
            ]
            defer { phones.forEach { $0.close() } }
            phones[0].answersSenderReports = true
            try await engine.createRoom(id: "room", maximumTalkers: 3)
            try await engine.addPhone(phones[0], id: "a", room: "room")
            try await engine.addPhone(phones[1], id: "b", room: "room")

            try await MediaTestRun.run(&phones, frames: 0..<100)

            let a = tail(phones[0].receivedAudio(), seconds: 0.8)
            let b = tail(phones[1].receivedAudio(), seconds: 0.8)
            #expect(a.count == 12_800)
            #expect(b.count == 12_800)
            #expect(power(1400, a) > Self.heard, "a hears b")
            #expect(power(600, a) * 30 < power(1400, a), "a does not hear itself")
            #expect(power(600, b) > Self.heard, "b hears a")
            #expect(power(1400, b) * 30 < power(600, b), "b does not hear itself")

            let roster = await engine.roster(room: "room").sorted { $0.legID < $1.legID }
            try #require(roster.count == 2)
            for entry in roster {
                #expect(entry.codec == .pcmu)
                #expect(entry.isTalking)
                #expect(!entry.isMuted)
                #expect(entry.levelDBov > -30)
                #expect(entry.packetsReceived >= 80)
                #expect(entry.packetsSent >= 80)
                #expect(entry.jitterMilliseconds >= 0)
            }
            #expect(phones[0].senderReportsReceived >= 1, "sender reports reach the caller")
            #expect(roster[0].roundTripMilliseconds != nil, "a's receiver reports give a round trip")
            let statistics = await engine.statistics()
            #expect(statistics.ticks >= 90)
            #expect(statistics.droppedUnknownSource == 0)
        }
    }

    @Test("a G.722 caller hears both G.711 talkers")
    func wideBandListenerHearsBoth() async throws {
        try await withMediaEngine { engine in
            var phones = [
                try MediaTestPhone(tone: 600, destinationPort: engine.localPort),
                try MediaTestPhone(tone: 1400, destinationPort: engine.localPort),
                try MediaTestPhone(codec: .g722, tone: nil, destinationPort: engine.localPort),
            ]
            defer { phones.forEach { $0.close() } }
            try await engine.createRoom(id: "room", maximumTalkers: 3)
            for (index, id) in ["a", "b", "c"].enumerated() {
                try await engine.addPhone(phones[index], id: id, room: "room")
            }

            try await MediaTestRun.run(&phones, frames: 0..<100)

            let c = tail(phones[2].receivedAudio(), seconds: 0.8)
            #expect(c.count == 12_800)
            #expect(power(600, c) > Self.heard, "c hears a")
            #expect(power(1400, c) > Self.heard, "c hears b")
            #expect(power(1000, c) * 30 < power(600, c), "and not much else")
            let a = tail(phones[0].receivedAudio(), seconds: 0.8)
            #expect(power(1400, a) > Self.heard)
            #expect(power(600, a) * 30 < power(1400, a))
            let roster = await engine.roster(room: "room")
            #expect(roster.first { $0.legID == "c" }?.codec == .g722)
            #expect(roster.first { $0.legID == "c" }?.isTalking == false)
        }
    }

    @Test("a muted caller is heard by nobody")
    func mutedCallerIsNotHeard() async throws {
        try await withMediaEngine { engine in
            var phones = [
                try MediaTestPhone(tone: 600, destinationPort: engine.localPort),
                try MediaTestPhone(tone: 1400, destinationPort: engine.localPort),
            ]
            defer { phones.forEach { $0.close() } }
            await engine.createRoom(id: "room")
            try await engine.addPhone(phones[0], id: "a")
            await engine.setMuted(legID: "a", true)  // before joining: kept when it joins
            await engine.addLeg("a", toRoom: "room")
            try await engine.addPhone(phones[1], id: "b", room: "room")

            try await MediaTestRun.run(&phones, frames: 0..<75)

            let b = tail(phones[1].receivedAudio(), seconds: 0.8)
            #expect(b.count == 12_800)
            #expect(power(600, b) < Self.heard / 100, "b does not hear muted a")
            let a = tail(phones[0].receivedAudio(), seconds: 0.8)
            #expect(power(1400, a) > Self.heard, "muted a still hears b")
            let roster = await engine.roster(room: "room")
            #expect(roster.first { $0.legID == "a" }?.isMuted == true)
            #expect(roster.first { $0.legID == "a" }?.isTalking == false)
            #expect(roster.first { $0.legID == "b" }?.isTalking == true)
        }
    }

    @Test("the entry tone reaches every member of the room")
    func entryToneReachesEveryone() async throws {
        try await withMediaEngine { engine in
            var phones = [
                try MediaTestPhone(tone: nil, destinationPort: engine.localPort),
                try MediaTestPhone(codec: .g722, tone: nil, destinationPort: engine.localPort),
            ]
            defer { phones.forEach { $0.close() } }
            await engine.createRoom(id: "room")
            try await engine.addPhone(phones[0], id: "a", room: "room")
            try await engine.addPhone(phones[1], id: "b", room: "room")
            try await MediaTestRun.run(&phones, frames: 0..<10)
            await engine.playTone(room: "room", .entry)
            try await MediaTestRun.run(&phones, frames: 10..<40)

            for phone in phones {
                let audio = phone.receivedAudio()
                #expect(MediaTestAudio.rms(audio[...]) > 1000, "\(phone.codec) hears the tone")
                let loudest = stride(from: 0, to: audio.count - 319, by: 320).map { MediaTestAudio.rms(audio[$0..<($0 + 320)]) }.max() ?? 0
                #expect(loudest > 3000)
                #expect(MediaTestAudio.rms(audio.prefix(320 * 8)) < 50, "silence before the tone")
            }
        }
    }
}
