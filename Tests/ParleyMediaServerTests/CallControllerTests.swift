import Logging
import NIOConcurrencyHelpers
import NIOCore
import ParleyModel
import ParleyRTP
import ParleySIP
import Testing

@testable import ParleyMediaServer

/// Records what call control asks of the media engine.
final class RecordingMedia: MediaControl, @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NIOLock()
    private var _log: [String] = []
    var log: [String] { lock.withLock { _log } }
    let advertisedAddress = "127.0.0.1"
    let advertisedPort = 5004

    private func note(_ s: String) { lock.withLock { _log.append(s) } }
    func prepareLeg(id: String) async throws -> Int { advertisedPort }
    func createLeg(id: String, media: SDPNegotiatedMedia, callbacks: MediaLegCallbacks) async throws { note("leg+ \(id)") }
    func updateLeg(id: String, media: SDPNegotiatedMedia) async { note("leg~ \(id) hold=\(media.isOnHold)") }
    func closeLeg(id: String) async -> LegSnapshot? {
        note("leg- \(id)")
        return LegSnapshot(
            legID: id, roomID: nil, codec: .pcmu, isMuted: false, isTalking: false, levelDBov: -127, isOnHold: false,
            packetsReceived: 100, packetsLost: 2, jitterMilliseconds: 1.5, roundTripMilliseconds: nil, packetsSent: 98, remoteAddress: nil)
    }
    func roster(room: String) async -> [LegSnapshot] { [] }
    func play(legID: String, fileNames: [String]) async { note("play \(legID) \(fileNames.joined(separator: ","))") }
    func stopPlayback(legID: String) async {}
    func createRoom(id: String) async { note("room+ \(id)") }
    func closeRoom(id: String) async { note("room- \(id)") }
    func addLeg(_ legID: String, toRoom room: String) async { note("join \(legID) \(room)") }
    func setMuted(legID: String, _ muted: Bool) async { note("mute \(legID) \(muted)") }
    func playTone(room: String, entry: Bool) async { note("tone \(room) \(entry)") }
}

/// A director stand-in with one meeting, 123456 (password 4242, host PIN 9999), and a
/// reservationless meeting 4711 (host PIN 1111).
final class FakeDirectory: MeetingDirectory, @unchecked Sendable {
    private let lock = NIOLock()
    private var _events: [String] = []
    var events: [String] { lock.withLock { _events } }
    private func note(_ s: String) { lock.withLock { _events.append(s) } }

    func admit(meetingID: String) async -> Admission {
        switch meetingID {
        case "123456": .admitted(AdmittedMeeting(meeting: "mtg_a", meetingID: meetingID, reservationless: false, needsPassword: true, hasHostPIN: true, capacity: 3))
        case "4711": .admitted(AdmittedMeeting(meeting: "mtg_r", meetingID: meetingID, reservationless: true, needsPassword: false, hasHostPIN: true, capacity: 100))
        case "5555": .admitted(AdmittedMeeting(meeting: "mtg_o", meetingID: meetingID, reservationless: false, needsPassword: false, hasHostPIN: false, capacity: 100))
        case "7777": .refused(.noLicence)
        default: .refused(.notFound)
        }
    }
    func checkPassword(meeting: String, _ password: String) async -> Bool { password == "4242" }
    func checkHostPIN(meeting: String, _ pin: String) async -> Bool { pin == (meeting == "mtg_r" ? "1111" : "9999") }
    func participantJoined(_ p: ParticipantRecord) async -> String? { note("joined \(p.meeting) \(p.uri)"); return "att_\(p.uri)" }
    func participantLeft(_ handle: String, leftAtMilliseconds: Int64, statistics: CallStatistics?) async {
        note("left \(handle) lost=\(statistics.map { "\($0.packetsLost)" } ?? "-")")
    }
    func meetingEmptied(meeting: String) async { note("emptied \(meeting)") }
}

final class RecordingSignalling: CallSignalling, @unchecked Sendable {
    let lock = NIOLock()
    var hungUp: [String] = []
    func hangUp(callID: String) async { lock.withLock { hungUp.append(callID) } }
}

@Suite("Call control")
struct CallControllerTests {
    let media = RecordingMedia()
    let directory = FakeDirectory()
    let signalling = RecordingSignalling()

    func controller(_ settings: CallControlSettings = CallControlSettings(emptyMeetingGrace: .milliseconds(10))) async -> CallController {
        let c = CallController(media: media, directory: directory, settings: settings, logger: Logger(label: "test"), wallClock: { 1_000 })
        await c.attach(signalling: signalling)
        return c
    }

    static let negotiated = SDPNegotiatedMedia(
        codec: .pcmu, payloadType: 0, telephoneEventPayloadType: 101, remoteAddress: "127.0.0.1", remoteRTPPort: 40000,
        remoteRTCPPort: 40001, localDirection: .sendrecv, ptime: 20, remotePtime: nil, mediaIndex: 0
    )

    func call(_ id: String, dialling: String, from: String = "sip:alice@example.com", source: String = "127.0.0.1") throws -> CallDescription {
        CallDescription(callID: id, dialled: dialling, fromURI: from, fromDisplayName: nil, source: try SocketAddress(ipAddress: source, port: 5060), transport: "udp")
    }

    func connect(_ c: CallController, _ d: CallDescription) async -> CallDecision {
        let decision = await c.incomingCall(d, media: Self.negotiated)
        if case .accept = decision { await c.callEstablished(callID: d.callID, media: nil) }
        return decision
    }

    func key(_ c: CallController, _ id: String, _ digits: String) async {
        for d in digits { await c.dtmf(callID: id, digit: d) }
    }

    @Test("access number: meeting ID, password, host PIN, joined")
    func ivrToRoom() async throws {
        let c = await controller()
        #expect(await connect(c, try call("c1", dialling: "conf")) == .accept(localMediaAddress: "127.0.0.1", localMediaPort: 5004))
        #expect(media.log.contains("play c1 welcome"))
        await key(c, "c1", "123456#")
        #expect(media.log.last == "play c1 enter_password")
        await key(c, "c1", "4242#")
        #expect(media.log.last == "play c1 enter_host_pin")
        await key(c, "c1", "9999#")
        #expect(media.log.last == "play c1 joining")
        await c.playbackFinished(callID: "c1")
        #expect(media.log.contains("join c1 mtg_a"))
        #expect(directory.events == ["joined mtg_a sip:alice@example.com"])
        #expect(await c.roster(meeting: RecordID(rawValue: "mtg_a"))?.participants.map(\.isHost) == [true])
    }

    @Test("unknown numbers are refused with 404; unknown meeting IDs flood-limit a source")
    func refusalsAndFlood() async throws {
        let c = await controller(CallControlSettings(floodLimit: 2))
        #expect(await c.incomingCall(try call("x", dialling: "hello"), media: Self.negotiated) == .reject(status: 404, reason: "No meeting or access number hello"))
        for i in 0..<2 {
            _ = await connect(c, try call("f\(i)", dialling: "999999", source: "127.0.0.9"))
        }
        #expect(await c.incomingCall(try call("f3", dialling: "999999", source: "127.0.0.9"), media: Self.negotiated)
            == .reject(status: 503, reason: "Too many unknown meeting IDs from this address; try later"))
        #expect(await connect(c, try call("ok", dialling: "5555", source: "127.0.0.10")) == .accept(localMediaAddress: "127.0.0.1", localMediaPort: 5004))
    }

    @Test("no licence: spoken, then hung up")
    func noLicence() async throws {
        let c = await controller()
        _ = await connect(c, try call("n", dialling: "7777"))
        #expect(media.log.last == "play n no_licence,goodbye")
        await c.playbackFinished(callID: "n")
        #expect(signalling.lock.withLock { signalling.hungUp } == ["n"])
    }

    @Test("keypad: mute, roll call, host-only commands, eject last, lock")
    func keypad() async throws {
        let c = await controller()
        for (id, host) in [("h", true), ("a", false), ("b", false)] {
            _ = await connect(c, try call(id, dialling: "123456", from: "sip:\(id)@x"))
            await key(c, id, "4242#")
            await key(c, id, host ? "9999#" : "#")
            await c.playbackFinished(callID: id)
        }
        await key(c, "a", "*6")
        #expect(media.log.suffix(2) == ["mute a true", "play a muted"])
        await key(c, "a", "#21")
        #expect(media.log.last == "play a there_are,number_3,participants")
        await key(c, "a", "#41")
        #expect(media.log.last == "play a host_only")
        await key(c, "h", "#43")
        #expect(media.log.suffix(2) == ["play b removed,goodbye", "play h ejected"])
        await c.playbackFinished(callID: "b")
        #expect(signalling.lock.withLock { signalling.hungUp } == ["b"])
        await key(c, "h", "#41")
        #expect(media.log.last == "play h locked_now")
        // Full (capacity 3) and locked: a fourth caller is refused at lookup.
        _ = await connect(c, try call("d", dialling: "123456"))
        #expect(media.log.last == "play d meeting_locked,try_again,enter_meeting_id")
        await key(c, "h", "*5")
        #expect(media.log.contains("mute b true") && !media.log.contains("mute h true"))
    }

    @Test("reservationless: callers wait for the host, then all enter")
    func waitForHost() async throws {
        let c = await controller()
        _ = await connect(c, try call("g", dialling: "4711"))
        await key(c, "g", "#")
        await c.playbackFinished(callID: "g")
        #expect(media.log.last == "play g waiting_for_host")
        #expect(await c.roster(meeting: RecordID(rawValue: "mtg_r"))?.participants.map(\.isWaiting) == [true])
        _ = await connect(c, try call("host", dialling: "4711"))
        await key(c, "host", "1111#")
        await c.playbackFinished(callID: "host")
        #expect(media.log.contains("join host mtg_r") && media.log.contains("join g mtg_r"))
        #expect(await c.roster(meeting: RecordID(rawValue: "mtg_r"))?.participants.map(\.isWaiting) == [false, false])
    }

    @Test("leaving: attendance closed, room emptied and ended after the grace")
    func leaving() async throws {
        let c = await controller()
        _ = await connect(c, try call("o", dialling: "5555"))
        await c.playbackFinished(callID: "o")
        await c.callEnded(callID: "o", reason: .remoteBye)
        #expect(media.log.contains("leg- o"))
        let deadline = ContinuousClock.now + .seconds(5)
        while !directory.events.contains("emptied mtg_o") && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(directory.events == ["joined mtg_o sip:alice@example.com", "left att_sip:alice@example.com lost=2", "emptied mtg_o"])
        #expect(media.log.contains("room- mtg_o"))
    }

    @Test("hold is passed to the media leg")
    func hold() async throws {
        let c = await controller()
        _ = await connect(c, try call("hh", dialling: "5555"))
        var held = Self.negotiated
        held.localDirection = SDPDirection.recvonly
        await c.mediaChanged(callID: "hh", media: held)
        #expect(media.log.last == "leg~ hh hold=true")
    }

    @Test("live control: roster, mute, mute all, lock, eject by participant ID")
    func liveControl() async throws {
        let c = await controller()
        let meeting = RecordID(rawValue: "mtg_a")
        #expect(await c.roster(meeting: meeting) == nil)
        #expect(await c.setLocked(true, meeting: meeting) == .notLive)
        for (id, host) in [("h", true), ("a", false)] {
            _ = await connect(c, try call(id, dialling: "123456", from: "sip:\(id)@x"))
            await key(c, id, "4242#")
            await key(c, id, host ? "9999#" : "#")
            await c.playbackFinished(callID: id)
        }
        let roster = try #require(await c.roster(meeting: meeting))
        #expect(roster.participants.map(\.uri) == ["sip:h@x", "sip:a@x"])
        #expect(roster.participants.allSatisfy { $0.id.hasPrefix("prt_") && $0.id.count == 20 && $0.joinedAt.millisecondsSinceEpoch == 1_000 })
        let alice = roster.participants[1].id
        #expect(await c.setMuted(true, participant: alice, meeting: meeting) == .done)
        #expect(media.log.suffix(2) == ["mute a true", "play a muted"])
        #expect(await c.roster(meeting: meeting)?.participants[1].isMuted == true)
        #expect(await c.setMuted(true, participant: "prt_nobody", meeting: meeting) == .unknownParticipant)
        #expect(await c.setMuted(false, participant: alice, meeting: RecordID(rawValue: "mtg_o")) == .notLive)
        #expect(await c.setLocked(true, meeting: meeting) == .done)
        #expect(await c.roster(meeting: meeting)?.isLocked == true)
        #expect(await c.muteAll(meeting: meeting) == .done)
        #expect(!media.log.contains("mute h true"))
        #expect(await c.eject(participant: alice, meeting: meeting) == .done)
        #expect(media.log.last == "play a removed,goodbye")
        #expect(await c.eject(participant: alice, meeting: meeting) == .unknownParticipant)
        await c.playbackFinished(callID: "a")
        #expect(signalling.lock.withLock { signalling.hungUp } == ["a"])
    }

    @Test("the meeting ends: the room closes, everyone hears goodbye and is hung up")
    func endConference() async throws {
        let c = await controller()
        for id in ["p", "q"] {
            _ = await connect(c, try call(id, dialling: "5555", from: "sip:\(id)@x"))
            await c.playbackFinished(callID: id)
        }
        await c.endConference(meeting: RecordID(rawValue: "mtg_o"))
        #expect(media.log.suffix(3) == ["room- mtg_o", "play p meeting_ended,goodbye", "play q meeting_ended,goodbye"])
        #expect(await c.setLocked(true, meeting: RecordID(rawValue: "mtg_o")) == .done)
        #expect(await c.eject(participant: "prt_x", meeting: RecordID(rawValue: "mtg_o")) == .notLive)
        for id in ["p", "q"] {
            await c.playbackFinished(callID: id)
            await c.callEnded(callID: id, reason: .remoteBye)
        }
        #expect(signalling.lock.withLock { signalling.hungUp } == ["p", "q"])
        #expect(await c.roster(meeting: RecordID(rawValue: "mtg_o")) == nil)
        #expect(!directory.events.contains("emptied mtg_o"))
    }

    @Test("entry tones can be turned off")
    func noEntryTones() async throws {
        let c = await controller(CallControlSettings(emptyMeetingGrace: .milliseconds(10), entryTones: false))
        _ = await connect(c, try call("t", dialling: "5555"))
        await c.playbackFinished(callID: "t")
        #expect(!media.log.contains { $0.hasPrefix("tone") })
    }
}
