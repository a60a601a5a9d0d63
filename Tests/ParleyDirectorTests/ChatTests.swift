import ParleyDirector
import ParleyModel
import ParleyStore
import ParleyTestSupport
import Testing

@Suite("Chat kept with the meeting record", .timeLimit(.minutes(2)))
struct ChatTests {
    @Test("A message is cleaned, stamped by the director's clock and kept in order", arguments: StoreKind.allCases)
    func recordAndReplay(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let alice = try await f.user("alice")
            let m = try await f.schedule(alice, 0, 60)
            f.clock.advance(by: .seconds(90))
            let first = try await f.director.recordChat(
                meeting: m.id, participant: "prt_0123", displayName: "  Ada  ", text: "  Hello, everyone!\n"
            )
            #expect(first.text == "Hello, everyone!")
            #expect(first.displayName == "Ada")
            #expect(first.participant == "prt_0123")
            #expect(first.meetingRecordID == m.id)
            #expect(first.sentAt == at(1) + .seconds(30))
            #expect(first.id.rawValue.wholeMatch(of: /cht_[0-9a-f]{20}/) != nil)

            f.clock.advance(by: .seconds(1))
            let second = try await f.director.recordChat(meeting: m.id, participant: "prt_4567", displayName: "Bob", text: "Hi")
            #expect(try await f.director.chatHistory(meeting: m.id, limit: 50) == [first, second])
            #expect(try await f.director.chatHistory(meeting: m.id, limit: 1) == [second])
            #expect(try await f.director.chatHistory(meeting: m.id, limit: 0).isEmpty)
        }
    }

    @Test("Empty messages are refused", arguments: ["", "   ", "\n\t \n", "\u{0}\u{7}\u{1B}", " \r\n "])
    func emptyIsRefused(text: String) async throws {
        try await withDirector { f in
            let m = try await f.schedule(try await f.user("alice"), 0, 60)
            let error = await expectError("chat.empty", .invalid, field: "text") {
                try await f.director.recordChat(meeting: m.id, participant: "prt_1", displayName: "Ada", text: text)
            }
            #expect(error?.fix != nil)
            #expect(try await f.director.chatHistory(meeting: m.id, limit: 10).isEmpty)
        }
    }

    @Test("At most 1000 characters, counted after trimming")
    func lengthLimit() async throws {
        try await withDirector { f in
            let m = try await f.schedule(try await f.user("alice"), 0, 60)
            let send = { (text: String) in
                try await f.director.recordChat(meeting: m.id, participant: "prt_1", displayName: "Ada", text: text)
            }
            let longest = String(repeating: "é", count: 1000)
            #expect(try await send("  " + longest + "\n").text == longest)
            #expect(try await send(String(repeating: "🎉", count: 1000)).text.count == 1000)

            let error = await expectError("chat.too_long", .invalid, field: "text") { try await send(longest + "!") }
            #expect(error?.message.contains("1000") == true)
            #expect(error?.message.contains("1001") == true)
            // One "character" carrying thousands of combining marks is refused too.
            await expectError("chat.too_long", .invalid, field: "text") {
                try await send("a" + String(repeating: "\u{301}", count: 20_000))
            }
            #expect(try await f.director.chatHistory(meeting: m.id, limit: 10).count == 2)
        }
    }

    @Test("Control characters are removed except newline and tab")
    func controlCharacters() async throws {
        try await withDirector { f in
            let m = try await f.schedule(try await f.user("alice"), 0, 60)
            let message = try await f.director.recordChat(
                meeting: m.id, participant: "prt_\u{0}1", displayName: "A\u{7}da\nL",
                text: "\u{1B}[31mred\u{1B}[0m\r\nline two\tcol\u{0}\u{8}\u{7F}\u{85}\u{9B}!"
            )
            #expect(message.text == "[31mred[0m\nline two\tcol!")
            #expect(message.displayName == "AdaL")
            #expect(message.participant == "prt_1")
            #expect(try await f.director.chatHistory(meeting: m.id, limit: 1).first?.text == message.text)
        }
    }

    @Test("A message for a meeting record that does not exist is refused")
    func unknownMeeting() async throws {
        try await withDirector { f in
            await expectError("meeting.not_found", .notFound, field: "meetingRecordID") {
                try await f.director.recordChat(
                    meeting: RecordID(rawValue: "mtg_ghost"), participant: "prt_1", displayName: "Ada", text: "hello"
                )
            }
        }
    }

    @Test("The host and administrators read the chat; other hosts may not", arguments: StoreKind.allCases)
    func authorization(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let alice = try await f.user("alice")
            let bob = try await f.user("bob")
            let m = try await f.schedule(alice, 0, 60, id: "314159")
            #expect(try await f.director.chat(m.id.rawValue, by: alice).isEmpty)
            let sent = try await f.director.recordChat(meeting: m.id, participant: "prt_1", displayName: "Ada", text: "hello")
            for reference in [m.id.rawValue, "314159"] {
                #expect(try await f.director.chat(reference, by: alice) == [sent])
                #expect(try await f.director.chat(reference, by: f.admin) == [sent])
                await expectError("auth.not_your_meeting", .forbidden) { try await f.director.chat(reference, by: bob) }
            }
            await expectError("meeting.not_found", .notFound) { try await f.director.chat("mtg_ghost", by: f.admin) }
        }
    }
}
