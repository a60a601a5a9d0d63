import Foundation
import ParleyTestSupport
import ParleyWeb
import Testing

/// Real SIP callers: baresip agents dial `parley serve` (in process, loopback, ports chosen at
/// run time), each plays its own sine tone and records what it hears. The meeting's mixer must
/// give everyone the others' tones and not their own; a caller through the IVR keys the
/// meeting ID as RFC 4733 telephone-events. The callers cover G.711 µ-law and A-law, G.722,
/// and SIP over UDP and TCP.
///
/// Tones are clear of the entry tone (a 440-660 Hz glide), of the DTMF frequencies and of
/// each other's harmonics and second-order intermodulation products. Levels are measured
/// in the last seconds before hang-up, when everyone has been in the meeting for a while.
@Suite("Interop: baresip callers in a meeting", .serialized, .timeLimit(.minutes(1)))
struct BaresipInteropTests {
    /// How long everyone stays in the meeting together, and the part of it that is measured.
    static let together: Duration = .seconds(5)
    static let measured = 3.5

    @Test("baresip is installed")
    func baresipInstalled() {
        #expect(BaresipAgent.executable != nil, Comment(rawValue: BaresipAgent.installMessage))
        #expect(BaresipAgent.modulePath != nil, Comment(rawValue: BaresipAgent.installMessage))
    }

    @Test("three callers dial the meeting ID: each hears the other two tones, not its own")
    func threeCallersHearEachOther() async throws {
        let specs: [BaresipAgent.Spec] = [
            .init(name: "ada", frequency: 1013),
            .init(name: "bob", frequency: 1583, codec: "PCMA", transport: "tcp"),
            .init(name: "cyd", frequency: 2237, codec: "G722"),
        ]
        try await TestServer.with { server in
            let meeting = try await server.api.createMeeting(["title": "baresip", "durationMinutes": 30])
            let udp = try await server.ports.port("node.sip.udp")
            let tcp = try await server.ports.port("node.sip.tcp")
            try await BaresipAgent.with(specs) { agents in
                for agent in agents {
                    let port = agent.spec.transport == "tcp" ? tcp : udp
                    try await agent.call("sip:\(meeting.meetingID)@127.0.0.1:\(port);transport=\(agent.spec.transport)")
                }
                let present = try await Self.waitForAttendance(server, meeting: meeting.id, names: specs.map(\.name))
                for spec in specs {
                    let codec = present.first { $0.participant.contains("sip:\(spec.name)@") }?.codec
                    #expect(codec == spec.codec, "\(spec.name) joined with \(codec ?? "no codec"), not \(spec.codec)")
                }
                try await Task.sleep(for: Self.together)
                let heard = try agents.map { try Self.levels(of: $0, among: specs) }
                for agent in agents { try await agent.hangUp() }
                Self.expectEachHearsOnlyTheOthers(heard)
            }
        }
    }

    @Test("a caller through the IVR keys the meeting ID as RFC 4733 digits and joins another caller")
    func callerThroughTheIVR() async throws {
        let specs: [BaresipAgent.Spec] = [
            .init(name: "dan", frequency: 1129),
            .init(name: "eve", frequency: 1871),
        ]
        try await TestServer.with { server in
            let meeting = try await server.api.createMeeting(["title": "baresip IVR", "durationMinutes": 30])
            let sip = try await server.ports.port("node.sip.udp")
            try await BaresipAgent.with(specs) { agents in
                let (direct, dialler) = (agents[0], agents[1])
                try await direct.call("sip:\(meeting.meetingID)@127.0.0.1:\(sip)")
                _ = try await Self.waitForAttendance(server, meeting: meeting.id, names: [direct.name])

                // The access number: the IVR welcomes the caller and asks for the meeting ID.
                try await dialler.call("sip:conf@127.0.0.1:\(sip)")
                try await dialler.waitUntilHearing(rms: 300, within: .seconds(5))
                try await dialler.press(meeting.meetingID + "#")
                _ = try await Self.waitForAttendance(server, meeting: meeting.id, names: specs.map(\.name))
                try await Task.sleep(for: Self.together)
                let heard = try agents.map { try Self.levels(of: $0, among: specs) }
                for agent in agents { try await agent.hangUp() }
                Self.expectEachHearsOnlyTheOthers(heard)
                // baresip 1.0 has no SIP INFO for keypad digits: they went as telephone-events.
                await dialler.stop()
                for digit in meeting.meetingID + "#" {
                    #expect(dialler.process.stdout.contains("send DTMF digit: '\(digit)'"), "\(dialler.log)")
                }
            }
        }
    }

    // MARK: Helpers

    /// Waits until the meeting's attendance shows exactly these callers present (joined, not
    /// left), and returns their records.
    static func waitForAttendance(
        _ server: TestServer, meeting: String, names: [String], within limit: Duration = .seconds(10)
    ) async throws -> [AttendanceDTO] {
        var present: [AttendanceDTO] = []
        let joined = try await poll(limit) {
            let reply = try await server.api.send("GET /api/v1/meetings/{id}/attendance", ["id": meeting])
            present = try reply.decode(AttendanceItems.self).items.filter { $0.leftAt == nil }
            return present.count == names.count && names.allSatisfy { name in present.contains { $0.participant.contains("sip:\(name)@") } }
        }
        if !joined {
            throw TestSupportError("Expected \(names) in the meeting within \(limit); present: \(present.map(\.participant)).")
        }
        return present
    }

    struct AttendanceItems: Decodable {
        var items: [AttendanceDTO]
    }

    /// What one agent heard in the last ``measured`` seconds: the level of every agent's tone.
    struct Heard: CustomStringConvertible {
        var name: String
        var codec: String
        var own: Double
        var ownLevel: Double
        /// Other agents' tones: name, frequency, level in dBFS.
        var others: [(name: String, frequency: Double, level: Double)]
        /// The median level at frequencies where no tone is.
        var floor: Double
        var seconds: Double

        var description: String {
            let others = others.map { "\($0.name) \(Int($0.frequency)) Hz \(format($0.level))" }.joined(separator: ", ")
            return "\(name) (\(codec)) hears \(others); own \(Int(own)) Hz \(format(ownLevel)); "
                + "floor \(format(floor)) dBFS over \(format(seconds)) s"
        }

        private func format(_ value: Double) -> String { String(format: "%.1f", value) }
    }

    static func levels(of agent: BaresipAgent, among specs: [BaresipAgent.Spec]) throws -> Heard {
        let recording = try agent.recording()
        let window = recording.samples.suffix(Int(measured * Double(recording.rate)))
        let rate = Double(recording.rate)
        let tones = specs.map(\.frequency)
        // Probe frequencies between the tones (and the entry tone's glide), in the G.711 band.
        let probes = stride(from: 300.0, through: 3300, by: 137).filter { probe in
            !tones.contains { abs($0 - probe) < 60 } && !(400...700).contains(probe)
        }
        let floorLevels = probes.map { TestAudio.level(of: $0, in: window, sampleRate: rate) }.sorted()
        return Heard(
            name: agent.name, codec: agent.spec.codec, own: agent.spec.frequency,
            ownLevel: TestAudio.level(of: agent.spec.frequency, in: window, sampleRate: rate),
            others: specs.filter { $0.name != agent.name }.map {
                ($0.name, $0.frequency, TestAudio.level(of: $0.frequency, in: window, sampleRate: rate))
            },
            floor: floorLevels[floorLevels.count / 2], seconds: Double(window.count) / rate)
    }

    /// Each hears every other tone loud and clear (sent at -12 dBFS), and its own at least
    /// 20 dB below the quietest of them: the mix leaves the listener out.
    static func expectEachHearsOnlyTheOthers(_ heard: [Heard], sourceLocation: SourceLocation = #_sourceLocation) {
        let report = heard.map(\.description).joined(separator: "\n")
        Attachment.record(report, named: "levels.txt", sourceLocation: sourceLocation)
        for one in heard {
            #expect(one.seconds >= measured - 0.1, "\(one.name) recorded too little.\n\(report)", sourceLocation: sourceLocation)
            for other in one.others {
                #expect(other.level > -30, "\(one.name) hardly hears \(other.name).\n\(report)", sourceLocation: sourceLocation)
                #expect(
                    other.level > one.floor + 25, "\(one.name) hears \(other.name) near the noise.\n\(report)", sourceLocation: sourceLocation)
            }
            let quietest = one.others.map(\.level).min() ?? 0
            #expect(one.ownLevel < quietest - 20, "\(one.name) hears its own tone.\n\(report)", sourceLocation: sourceLocation)
        }
    }
}
