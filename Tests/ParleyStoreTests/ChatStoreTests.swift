import ParleyModel
import ParleyStore
import ParleyTestSupport
import Testing

@Suite("Chat messages", .timeLimit(.minutes(2)))
struct ChatStoreTests {
    static func message(
        _ id: String, in meeting: Meeting, at minutes: Int64, text: String = "hello", from participant: String = "prt_1"
    ) -> ChatMessage {
        ChatMessage(
            id: RecordID(rawValue: id), meetingRecordID: meeting.id, participant: participant,
            displayName: "Ada Lovelace", text: text, sentAt: Fixtures.at(minutes: minutes)
        )
    }

    @Test(arguments: StoreKind.allCases)
    func messagesRoundTripPerMeetingInSentOrder(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let host = Fixtures.user("host")
            let first = try Fixtures.meeting("mtg_1", meetingID: "1234", host: host)
            let second = try Fixtures.meeting("mtg_2", meetingID: "5678", host: host)
            try await insert(store, users: [host], meetings: [first, second])
            let messages = [
                Self.message("cht_c", in: first, at: 3, text: "Line one\nline two\twith a tab, ünïcödé and 🎉"),
                Self.message("cht_a", in: first, at: 1),
                Self.message("cht_z", in: second, at: 2, from: "prt_2"),
                // Same instant as cht_c: the ID breaks the tie.
                Self.message("cht_b", in: first, at: 3),
            ]
            try await store.write { tx in
                for message in messages { try await tx.insertChatMessage(message) }
            }
            let history = try await store.read { tx in try await tx.chatMessages(meetingRecordID: first.id, limit: 100) }
            #expect(history == [messages[1], messages[3], messages[0]])
            let other = try await store.read { tx in try await tx.chatMessages(meetingRecordID: second.id, limit: 100) }
            #expect(other == [messages[2]])
            let none = try await store.read { tx in
                try await tx.chatMessages(meetingRecordID: RecordID(rawValue: "mtg_none"), limit: 100)
            }
            #expect(none.isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aLimitKeepsTheNewestMessagesOldestFirst(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let host = Fixtures.user("host")
            let meeting = try Fixtures.meeting("mtg_1", meetingID: "1234", host: host)
            try await insert(store, users: [host], meetings: [meeting])
            let messages = (0..<10).map { Self.message("cht_\($0)", in: meeting, at: Int64($0), text: "message \($0)") }
            try await store.write { tx in
                for message in messages.shuffled() { try await tx.insertChatMessage(message) }
            }
            let read = { (limit: Int) in
                try await store.read { tx in try await tx.chatMessages(meetingRecordID: meeting.id, limit: limit) }
            }
            #expect(try await read(3) == Array(messages[7...]))
            #expect(try await read(10) == messages)
            #expect(try await read(50) == messages)
            #expect(try await read(0).isEmpty)
            #expect(try await read(-1).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aMessageNeedsItsMeetingAndAUniqueID(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let host = Fixtures.user("host")
            let meeting = try Fixtures.meeting("mtg_1", meetingID: "1234", host: host)
            try await insert(store, users: [host], meetings: [meeting])
            let message = Self.message("cht_1", in: meeting, at: 0)
            try await store.write { tx in try await tx.insertChatMessage(message) }

            let duplicate = await parleyError { try await store.write { tx in try await tx.insertChatMessage(message) } }
            #expect(duplicate?.kind == .conflict)
            #expect(duplicate?.code == "chat_message.duplicate_id")

            var orphan = Self.message("cht_2", in: meeting, at: 0)
            orphan.meetingRecordID = RecordID(rawValue: "mtg_ghost")
            let missing = await parleyError { [orphan] in try await store.write { tx in try await tx.insertChatMessage(orphan) } }
            #expect(missing?.kind == .notFound)
            #expect(missing?.field == "meetingRecordID")
            // The failed inserts left the stored history as it was.
            #expect(try await store.read { tx in try await tx.chatMessages(meetingRecordID: meeting.id, limit: 10) } == [message])
        }
    }

    /// A store made by a build that only knew schema 1 (no chat table, version 1 recorded)
    /// moves forward on open, keeping its records, and the move is applied once.
    @Test(arguments: StoreKind.allCases)
    func aVersion1StoreMigratesForwardKeepingItsRecords(kind: StoreKind) async throws {
        #expect(ParleyStore.currentSchemaVersion == 2)
        try await withTestStoreConfiguration(kind) { configuration async throws in
            let host = Fixtures.user("host", profileNumber: "4001", full: true)
            let meeting = try Fixtures.meeting("mtg_1", meetingID: "1234", host: host, full: true)
            let attendance = AttendanceRecord(
                id: RecordID(rawValue: "att_1"), meetingRecordID: meeting.id, participantURI: "sip:ada@example.org",
                displayName: "Ada", joinedAt: Fixtures.t0
            )
            let old = try await ParleyStore.open(configuration, logger: makeTestLogger())
            try await insert(old, users: [host], meetings: [meeting])
            try await old.write { tx in try await tx.insertAttendance(attendance) }
            try await old.executeForTesting("DROP TABLE chat_messages")
            try await old.executeForTesting("DELETE FROM parley_schema WHERE version >= 2")
            try await old.close()

            for _ in 0..<2 {
                let store = try await ParleyStore.open(configuration, logger: makeTestLogger())
                let kept = try await store.read { tx in
                    (try await tx.user(login: "host"), try await tx.meeting(id: meeting.id), try await tx.attendance(meetingRecordID: meeting.id))
                }
                #expect(kept.0 == host)
                #expect(kept.1 == meeting)
                #expect(kept.2 == [attendance])
                try await store.close()
            }

            let store = try await ParleyStore.open(configuration, logger: makeTestLogger())
            let message = Self.message("cht_1", in: meeting, at: 5)
            try await store.write { tx in try await tx.insertChatMessage(message) }
            #expect(try await store.read { tx in try await tx.chatMessages(meetingRecordID: meeting.id, limit: 10) } == [message])
            try await store.close()
        }
    }
}
