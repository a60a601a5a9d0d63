import Foundation
import NIOCore
import ParleyMediaServer
import ParleyRTP
import Testing

/// Single legs over real UDP on 127.0.0.1: prompts, RFC 4733 digits, latching, timeout,
/// hold. Short runs, generous tolerances.
@Suite("Media engine legs", .serialized, .timeLimit(.minutes(1)))
struct MediaEngineLegTests {
    static let heard = 1e6

    @Test("a prompt plays to its leg only, and onPlaybackFinished fires once")
    func promptReachesOneLeg() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-prompts-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let beep = MediaTestAudio.wav(samples: MediaTestAudio.narrowbandTone(frequency: 1000, seconds: 0.6))
        try Data(beep).write(to: directory.appendingPathComponent("beep.wav"))
        let goodbye = MediaTestAudio.wav(samples: MediaTestAudio.narrowbandTone(frequency: 500, seconds: 0.25))
        try Data(goodbye).write(to: directory.appendingPathComponent("goodbye.wav"))

        let bundled = try PromptLibrary.bundled()
        let library = try PromptLibrary.load(overridingWith: directory.path)
        #expect(library.count == bundled.count + 1, "beep is added, goodbye replaced")
        #expect(library.audio(named: "goodbye")?.durationMilliseconds ?? 0 < 400)
        #expect(library.audio(named: "welcome") == bundled.audio(named: "welcome"), "missing files fall back")

        try await withMediaEngine(prompts: library) { engine in
            var phones = [
                try MediaTestPhone(tone: nil, destinationPort: engine.localPort),
                try MediaTestPhone(tone: nil, destinationPort: engine.localPort),
            ]
            defer { phones.forEach { $0.close() } }
            let a = MediaEventRecorder()
            let b = MediaEventRecorder()
            await engine.createRoom(id: "room")
            try await engine.addPhone(phones[0], id: "a", room: "room", events: a.events)
            try await engine.addPhone(phones[1], id: "b", room: "room", events: b.events)
            await engine.play(legID: "a", fileNames: ["beep", "no_such_prompt"])

            try await MediaTestRun.run(&phones, frames: 0..<75)

            let heardByA = phones[0].receivedAudio()[...]
            let heardByB = phones[1].receivedAudio()[...]
            #expect(heardByA.count >= 320 * 60)
            #expect(power(1000, heardByA) > Self.heard / 4, "a hears the prompt")
            #expect(power(1000, heardByB) < power(1000, heardByA) / 1000, "b does not")
            #expect(a.playbackFinished == 1)
            #expect(b.playbackFinished == 0)

            // Nothing playable: finished at the next tick. Barge-in: no event.
            await engine.play(legID: "b", fileNames: [])
            await engine.play(legID: "a", utterances: [.prompt(.welcome)])
            await engine.stopPlayback(legID: "a")
            try await MediaTestRun.run(&phones, frames: 75..<85)
            #expect(b.playbackFinished == 1)
            #expect(a.playbackFinished == 1)
        }
    }

    @Test("RFC 4733 digits come out of onDigit exactly once each")
    func digitsOnce() async throws {
        try await withMediaEngine { engine in
            var phone = try MediaTestPhone(tone: 800, destinationPort: engine.localPort)
            defer { phone.close() }
            phone.keyPresses = [10: "1", 22: "5", 34: "#", 46: "*"]
            let recorder = MediaEventRecorder()
            try await engine.addPhone(phone, id: "caller", events: recorder.events)  // in the IVR lobby
            var phones = [phone]
            try await MediaTestRun.run(&phones, frames: 0..<70)
            #expect(recorder.digits == ["1", "5", "#", "*"])
            #expect(phones[0].receivedRTP.count >= 50, "the lobby sends (silence) meanwhile")
        }
    }

    @Test("latching: a NATed caller latches in the window; strangers after it are dropped")
    func latching() async throws {
        let configuration = MediaEngine.Configuration(latchWindow: .milliseconds(300))
        try await withMediaEngine(configuration: configuration) { engine in
            let decoy = try MediaTestSocket()  // what a's SDP says; a sends from elsewhere
            defer { decoy.close() }
            var phones = [
                try MediaTestPhone(tone: 600, destinationPort: engine.localPort),
                try MediaTestPhone(tone: 1000, destinationPort: engine.localPort),
                try MediaTestPhone(tone: 1400, destinationPort: engine.localPort),
                try MediaTestPhone(tone: 1400, destinationPort: engine.localPort),
            ]
            defer { phones.forEach { $0.close() } }
            // Two strangers start after the window: one with its own SSRC, one copying a's
            // SSRC with a sequence number that does not continue a's stream.
            phones[2].sendFrames = 40..<100
            phones[3].sendFrames = 40..<100
            phones[3].ssrc = phones[0].ssrc
            phones[3].sequenceNumber = phones[0].sequenceNumber &+ 20_000
            await engine.createRoom(id: "room")
            try await engine.addPhone(phones[0], id: "a", room: "room", remote: try SocketAddress(ipAddress: "127.0.0.1", port: decoy.port))
            try await engine.addPhone(phones[1], id: "b", room: "room")

            try await MediaTestRun.run(&phones, frames: 0..<100)

            let a = tail(phones[0].receivedAudio(), seconds: 0.8)
            let b = tail(phones[1].receivedAudio(), seconds: 0.8)
            #expect(a.count == 12_800, "a is sent to where its RTP comes from")
            #expect(power(1000, a) > Self.heard, "a still hears b")
            #expect(power(1400, a) * 30 < power(1000, a), "a does not hear the strangers")
            #expect(power(600, b) > Self.heard, "b hears a")
            #expect(power(1400, b) * 30 < power(600, b), "b does not hear the strangers")
            #expect(phones[2].received.isEmpty && phones[3].received.isEmpty, "nothing is sent to the strangers")
            let statistics = await engine.statistics()
            #expect(statistics.latches >= 1)
            #expect(statistics.droppedUnknownSource >= 100)
            let snapshot = await engine.snapshot(legID: "a")
            #expect(snapshot?.remoteAddress == "127.0.0.1:\(phones[0].socket.port)")
        }
    }

    @Test("no RTP for the timeout fires onTimeout once; not while on hold")
    func rtpTimeout() async throws {
        let configuration = MediaEngine.Configuration(rtpTimeout: .milliseconds(400))
        try await withMediaEngine(configuration: configuration) { engine in
            var phones = [
                try MediaTestPhone(tone: 600, destinationPort: engine.localPort),
                try MediaTestPhone(tone: nil, destinationPort: engine.localPort),
            ]
            defer { phones.forEach { $0.close() } }
            phones[0].sendFrames = 0..<10  // then the caller vanishes
            phones[1].sendFrames = 0..<0  // on hold, silent
            let vanishing = MediaEventRecorder()
            let held = MediaEventRecorder()
            try await engine.addPhone(phones[0], id: "vanishing", events: vanishing.events)
            try await engine.createLeg(
                id: "held",
                parameters: MediaLegParameters(codec: .pcmu, remote: try phones[1].address, sends: false),
                events: held.events
            )
            try await MediaTestRun.run(&phones, frames: 0..<60)
            #expect(vanishing.timeouts == 1)
            #expect(held.timeouts == 0)
            #expect(phones[1].received.isEmpty, "nothing is sent on hold")
        }
    }

    @Test("hold stops sending, unhold resumes")
    func holdAndUnhold() async throws {
        try await withMediaEngine { engine in
            var phones = [
                try MediaTestPhone(tone: nil, destinationPort: engine.localPort),
                try MediaTestPhone(tone: 1000, destinationPort: engine.localPort),
            ]
            defer { phones.forEach { $0.close() } }
            await engine.createRoom(id: "room")
            try await engine.addPhone(phones[0], id: "a", room: "room")
            try await engine.addPhone(phones[1], id: "b", room: "room")
            let address = try phones[0].address
            try await MediaTestRun.run(&phones, frames: 0..<30)
            try await engine.updateLeg(id: "a", parameters: MediaLegParameters(codec: .pcmu, remote: address, sends: false))
            try await MediaTestRun.run(&phones, frames: 30..<60)
            try await engine.updateLeg(id: "a", parameters: MediaLegParameters(codec: .pcmu, remote: address))
            try await MediaTestRun.run(&phones, frames: 60..<90)

            #expect(phones[0].receivedCount(during: 5..<30) >= 20)
            #expect(phones[0].receivedCount(during: 32..<60) <= 2, "on hold")
            #expect(phones[0].receivedCount(during: 65..<90) >= 20, "resumed")
            #expect(power(1000, tail(phones[0].receivedAudio(), seconds: 0.3)) > Self.heard)
            #expect(phones[0].receivedRTP.filter(\.header.marker).count == 2, "marker on the first packet and after unhold")
            #expect(await engine.snapshot(legID: "a")?.isOnHold == false)
        }
    }
}
