import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NIOCore
import ParleyLoad
import ParleyRTP
import ParleyTestSupport
import Testing

/// The browser participant protocol (docs/web-protocol.md) through `parley serve`, with the
/// load tool's WebSocket participant instead of a browser: the join form and its refusals,
/// the ticket, `welcome`, the roster, mixing between browser participants, chat, host-only
/// actions, and bad frames that close one socket and leave the meeting alone.
@Suite("Browser protocol over WebSocket", .serialized, .timeLimit(.minutes(2)))
struct BrowserProtocolTests {
    /// Collected events of one participant, read by the test while the socket runs.
    /// The fields of server messages this test reads.
    struct Message: Decodable, Sendable {
        struct Entry: Decodable, Sendable {
            var id: String
            var name: String
            var muted: Bool
            var kind: String
        }

        var type: String
        var participant: String?
        var host: Bool?
        var title: String?
        var reason: String?
        var code: String?
        var text: String?
        var participants: [Entry]?
    }

    actor Inbox {
        var texts: [Message] = []
        var audio: [Int16] = []
        var closed: (code: Int?, reason: String?)?
        var recording = false

        func add(_ event: WebParticipant.Event) {
            switch event {
            case .text(let text):
                if let message = try? JSONDecoder().decode(Message.self, from: Data(text.utf8)) { texts.append(message) }
            case .audio(_, let samples):
                if recording { audio += samples }
            case .closed(let code, let reason):
                closed = (code, reason)
            }
        }

        func record(_ on: Bool) { recording = on }
        func messages(_ type: String) -> [Message] { texts.filter { $0.type == type } }
    }

    struct Participant {
        let socket: WebParticipant
        let inbox = Inbox()

        init(_ socket: WebParticipant) {
            self.socket = socket
            let inbox = self.inbox
            Task { for await event in socket.events { await inbox.add(event) } }
        }

        func hello(_ ticket: String) async throws {
            #expect(await socket.waitUntilConnected())
            try await socket.send(text: #"{"type":"hello","version":1,"ticket":"\#(ticket)"}"#)
        }

        func waitFor(_ what: String, _ condition: @escaping @Sendable (Inbox) async -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if await condition(inbox) { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            Issue.record("timed out waiting for \(what): \(await inbox.texts.suffix(5).map(\.type))")
        }
    }

    static func post(_ url: String, form: String) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(form.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test("two browser participants: join form, ticket, roster, mixing, chat, host rights, bad frames")
    func twoBrowserParticipants() async throws {
        try await TestServer.with { server in
            let base = server.baseURL
            _ = try await server.api.createMeeting(["title": "Web call", "durationMinutes": 30, "meetingID": "777001", "password": "2468"])

            // The form, and what it says to wrong or missing input.
            let (formData, formResponse) = try await URLSession.shared.data(from: URL(string: "\(base)/join/777001")!)
            #expect((formResponse as? HTTPURLResponse)?.statusCode == 200)
            #expect(String(decoding: formData, as: UTF8.self).contains("Meeting password"))
            var (status, page) = try await Self.post("\(base)/join/777001", form: "name=Ada&password=1111")
            #expect(status == 403 && page.contains("password is not right"))
            (status, page) = try await Self.post("\(base)/join/777001", form: "name=&password=2468")
            #expect(status == 400 && page.contains("Give your name"))
            (status, page) = try await Self.post("\(base)/join/999999", form: "name=Ada")
            #expect(status == 404 && page.contains("No meeting has this ID"))

            let adaTicket = try await WebParticipant.joinTicket(baseURL: base, meetingID: "777001", name: "Ada", password: "2468")
            let bobTicket = try await WebParticipant.joinTicket(baseURL: base, meetingID: "777001", name: "Bob", password: "2468")

            // A forged ticket is refused with 4003 and a reason.
            let mallory = Participant(WebParticipant.connect(baseURL: base, meetingID: "777001"))
            try await mallory.hello(adaTicket.dropLast(3) + "AAA")
            try await mallory.waitFor("the forged ticket's refusal") { await $0.closed != nil }
            #expect(await mallory.inbox.closed?.code == 4003)
            #expect(await mallory.inbox.messages("ended").first?.reason == "bad_ticket")

            let ada = Participant(WebParticipant.connect(baseURL: base, meetingID: "777001"))
            let bob = Participant(WebParticipant.connect(baseURL: base, meetingID: "777001"))
            try await ada.hello(adaTicket)
            try await bob.hello(bobTicket)
            try await ada.waitFor("welcome") { await !$0.messages("welcome").isEmpty }
            try await bob.waitFor("both in Bob's roster") { inbox in
                await inbox.messages("roster").last?.participants?.count == 2
            }
            let welcome = try #require(await ada.inbox.messages("welcome").first)
            #expect(welcome.participant?.hasPrefix("prt_") == true && welcome.host == false)
            #expect(welcome.title == "Web call")
            let roster = try #require(await bob.inbox.messages("roster").last?.participants)
            #expect(Set(roster.map(\.name)) == ["Ada", "Bob"])
            #expect(roster.allSatisfy { $0.kind == "web" })

            // Ada speaks a 700 Hz tone, Bob sends silence; each records what it receives.
            await ada.inbox.record(true)
            await bob.inbox.record(true)
            let tone = TestAudio.tone(frequency: 700, seconds: 3, rate: 16000, amplitude: 8000)
            let silence = [Int16](repeating: 0, count: 320)
            let start = ContinuousClock.now
            for frame in 0..<150 {
                let slice = tone[(frame * 320)..<((frame + 1) * 320)]
                try await ada.socket.send(frame: WebParticipant.frame(sequence: UInt16(frame), samples: slice, talkspurtStart: frame == 0))
                try await bob.socket.send(frame: WebParticipant.frame(sequence: UInt16(frame), samples: silence[...]))
                try await Task.sleep(until: start + .milliseconds(20 * (frame + 1)))
            }
            await ada.inbox.record(false)
            await bob.inbox.record(false)
            let bobHeard = await bob.inbox.audio
            let adaHeard = await ada.inbox.audio
            #expect(bobHeard.count > 100 * 320, "Bob received \(bobHeard.count / 320) frames in 3 s")
            let bobLevel = TestAudio.level(of: 700, in: bobHeard.suffix(16000)[...], sampleRate: 16000)
            let adaLevel = TestAudio.level(of: 700, in: adaHeard.suffix(16000)[...], sampleRate: 16000)
            print("browser protocol: Bob hears Ada's 700 Hz at \(bobLevel) dBFS; Ada hears her own at \(adaLevel) dBFS")
            #expect(bobLevel > -20, "Bob hears Ada's tone at \(bobLevel) dBFS")
            #expect(adaLevel < -60, "Ada hears her own tone at \(adaLevel) dBFS")

            // Chat reaches both; a participant who is not the host cannot mute everyone.
            try await bob.socket.send(text: #"{"type":"chat","text":"hello from Bob"}"#)
            try await ada.waitFor("Bob's chat") { await $0.messages("chat").contains { $0.text == "hello from Bob" } }
            try await bob.socket.send(text: #"{"type":"muteAll"}"#)
            try await bob.waitFor("host_only") { await $0.messages("error").contains { $0.code == "host_only" } }
            try await bob.socket.send(text: #"{"type":"mute","muted":true}"#)
            try await ada.waitFor("Bob muted in Ada's roster") { inbox in
                let last = await inbox.messages("roster").last?.participants ?? []
                return last.contains { $0.name == "Bob" && $0.muted }
            }

            // A malformed frame closes Bob's socket (1008); Ada stays, and Bob leaves the roster.
            try await bob.socket.send(text: "{not json")
            try await bob.waitFor("Bob's socket to close") { await $0.closed != nil }
            #expect(await bob.inbox.closed?.code == 1008)
            try await ada.waitFor("Bob gone from Ada's roster") { inbox in
                await inbox.messages("roster").last?.participants?.count == 1
            }
            #expect(await ada.inbox.closed == nil)

            // The chat is kept with the meeting record.
            let reply = try await server.api.send("GET /api/v1/meetings/{id}/chat", ["id": "777001"])
            #expect(String(decoding: reply.body, as: UTF8.self).contains("hello from Bob"))
            ada.socket.close()
            try await ada.waitFor("Ada's close") { await $0.closed != nil }

            // Ada reconnects with the same ticket and her participant ID: she keeps it.
            let adaID = try #require(welcome.participant)
            let again = Participant(WebParticipant.connect(baseURL: base, meetingID: "777001"))
            #expect(await again.socket.waitUntilConnected())
            try await again.socket.send(text: #"{"type":"hello","version":1,"ticket":"\#(adaTicket)","participant":"\#(adaID)"}"#)
            try await again.waitFor("the rejoin's welcome") { await !$0.messages("welcome").isEmpty }
            #expect(await again.inbox.messages("welcome").first?.participant == adaID)
            again.socket.close()
        }
    }
}
