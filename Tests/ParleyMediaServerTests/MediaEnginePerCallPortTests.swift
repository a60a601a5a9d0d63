import NIOCore
import ParleyMediaServer
import ParleyRTP
import Testing

/// Per-call ports (`media.port_range`) over real UDP on 127.0.0.1: each call gets its own
/// even RTP port and the odd RTCP port after it, sends from them, and gives them back.
@Suite("Media engine per-call ports", .serialized, .timeLimit(.minutes(1)))
struct MediaEnginePerCallPortTests {
    @Test("each call its own RTP/RTCP pair from the range; media flows through it; closed legs free it")
    func perCallPorts() async throws {
        // Four pairs somewhere above the ephemeral-port crowd; a taken port is skipped.
        let base = 2 * Int.random(in: 10_000..<16_000)
        let range = base...(base + 7)
        let configuration = MediaEngine.Configuration(rtcpInterval: .milliseconds(500), perCallPorts: range)
        try await withMediaEngine(configuration: configuration) { engine in
            let portA = try await engine.prepareLeg(id: "a")
            let portB = try await engine.prepareLeg(id: "b")
            #expect(range.contains(portA) && range.contains(portB) && portA % 2 == 0 && portB % 2 == 0 && portA != portB)

            var phones = [try MediaTestPhone(tone: 700, destinationPort: portA), try MediaTestPhone(tone: 1100, destinationPort: portB)]
            defer { phones.forEach { $0.close() } }
            phones[0].answersSenderReports = true
            try await engine.createRoom(id: "room", maximumTalkers: 3)
            for (id, phone) in zip(["a", "b"], phones) {
                // The phone takes RTCP on its RTP socket, so the test sees the reports.
                let parameters = MediaLegParameters(
                    codec: .pcmu, telephoneEventPayloadType: phone.telephoneEventPayloadType, remote: try phone.address,
                    remoteRTCPPort: phone.socket.port)
                try await engine.createLeg(id: id, parameters: parameters, events: MediaLegEvents())
                await engine.addLeg(id, toRoom: "room")
            }
            try await MediaTestRun.run(&phones, frames: 0..<80)

            let a = tail(phones[0].receivedAudio(), seconds: 0.6)
            let b = tail(phones[1].receivedAudio(), seconds: 0.6)
            #expect(power(1100, a) > 1e6 && power(700, b) > 1e6, "each hears the other through its own port")
            #expect(phones[0].sourcePorts == [portA, portA + 1], "RTP from the call's even port, RTCP from the odd one")
            #expect(phones[1].sourcePorts.isSubset(of: [portB, portB + 1]) && phones[1].sourcePorts.contains(portB))
            #expect(phones[0].senderReportsReceived > 0)
            let rtt = await engine.snapshot(legID: "a")?.roundTripMilliseconds
            #expect(rtt != nil, "the phone's receiver reports reached the call's RTCP path")

            // Released on close (also for a call that never got its leg), reused round-robin.
            #expect(await engine.closeLeg(id: "a") != nil)
            #expect(await engine.closeLeg(id: "b") != nil)
            var ports: [Int] = []
            for id in ["c", "d", "e", "f"] { ports.append(try await engine.prepareLeg(id: id)) }
            #expect(Set(ports).count == 4 && ports.allSatisfy(range.contains))
            await #expect(throws: MediaEngineError.self) { try await engine.prepareLeg(id: "g") }
            #expect(await engine.closeLeg(id: "c") == nil, "no leg, but the pair is free again")
            #expect(try await engine.prepareLeg(id: "g") == ports[0])
        }
    }
}
