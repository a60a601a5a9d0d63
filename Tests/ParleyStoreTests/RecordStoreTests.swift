import ParleyModel
import ParleyStore
import ParleyTestSupport
import Testing

@Suite("Tokens, licences, alarms and attendance", .timeLimit(.minutes(2)))
struct RecordStoreTests {
    @Test(arguments: StoreKind.allCases)
    func tokensRoundTripAreUniqueByHashAndDeletedPerUser(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let alice = Fixtures.user("alice")
            let bob = Fixtures.user("bob")
            try await insert(store, users: [alice, bob])
            let tokens = [
                APIToken(id: RecordID(rawValue: "tok_1"), userID: alice.id, secretHash: "h1", label: "ci", createdAt: Fixtures.t0),
                APIToken(id: RecordID(rawValue: "tok_2"), userID: alice.id, secretHash: "h2", label: "cli", createdAt: Fixtures.t0),
                APIToken(id: RecordID(rawValue: "tok_3"), userID: bob.id, secretHash: "h3", label: "ci", createdAt: Fixtures.t0),
            ]
            try await store.write { tx in
                for token in tokens { try await tx.insertToken(token) }
            }
            #expect(try await store.read { tx in try await tx.token(secretHash: "h2") } == tokens[1])
            #expect(try await store.read { tx in try await tx.token(secretHash: "nope") } == nil)

            let duplicate = await parleyError {
                let twin = APIToken(
                    id: RecordID(rawValue: "tok_4"), userID: bob.id, secretHash: "h1", label: "x", createdAt: Fixtures.t0
                )
                try await store.write { tx in try await tx.insertToken(twin) }
            }
            #expect(duplicate?.kind == .conflict)
            #expect(duplicate?.message.contains("h1") == false)

            let orphan = await parleyError {
                let token = APIToken(
                    id: RecordID(rawValue: "tok_5"), userID: RecordID(rawValue: "usr_ghost"), secretHash: "h5",
                    label: "x", createdAt: Fixtures.t0
                )
                try await store.write { tx in try await tx.insertToken(token) }
            }
            #expect(orphan?.kind == .notFound)
            #expect(orphan?.field == "userID")

            try await store.write { tx in try await tx.deleteTokens(userID: alice.id) }
            let left = try await store.read { tx in
                (try await tx.token(secretHash: "h1"), try await tx.token(secretHash: "h2"), try await tx.token(secretHash: "h3"))
            }
            #expect(left.0 == nil && left.1 == nil && left.2 == tokens[2])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func licenceGrantsAreListedInTheOrderTheyWereAdded(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let grants = [
                LicenceGrant(id: RecordID(rawValue: "lic_b"), hosts: 50, note: "expansion", addedAt: Fixtures.at(minutes: 10)),
                LicenceGrant(id: RecordID(rawValue: "lic_a"), hosts: 10, note: "initial", addedAt: Fixtures.t0),
            ]
            try await store.write { tx in
                for grant in grants { try await tx.insertLicenceGrant(grant) }
            }
            #expect(try await store.read { tx in try await tx.licenceGrants() } == [grants[1], grants[0]])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func alarmsAreRaisedClearedAndListedNewestFirst(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let old = Alarm(
                id: RecordID(rawValue: "alm_1"), code: "licence.hosts_exceeded", severity: .warning,
                message: "Too many hosts", raisedAt: Fixtures.t0, clearedAt: Fixtures.at(minutes: 5)
            )
            let current = Alarm(
                id: RecordID(rawValue: "alm_2"), code: "licence.hosts_exceeded", severity: .critical,
                message: "Too many hosts again", raisedAt: Fixtures.at(minutes: 30)
            )
            let other = Alarm(
                id: RecordID(rawValue: "alm_3"), code: "node.down", severity: .error, message: "Node down",
                raisedAt: Fixtures.at(minutes: 20)
            )
            try await store.write { tx in
                for alarm in [old, current, other] { try await tx.insertAlarm(alarm) }
            }
            let (active, none, open, everything, newest) = try await store.read { tx in
                (
                    try await tx.activeAlarm(code: "licence.hosts_exceeded"), try await tx.activeAlarm(code: "x"),
                    try await tx.alarms(includeCleared: false, limit: 10), try await tx.alarms(includeCleared: true, limit: 10),
                    try await tx.alarms(includeCleared: true, limit: 1)
                )
            }
            #expect(active == current)
            #expect(none == nil)
            #expect(open == [current, other])
            #expect(everything == [current, other, old])
            #expect(newest == [current])

            try await store.write { tx in try await tx.clearAlarm(id: current.id, at: Fixtures.at(minutes: 40)) }
            let cleared = try await store.read { tx in
                (try await tx.activeAlarm(code: "licence.hosts_exceeded"), try await tx.alarms(includeCleared: true, limit: 1))
            }
            #expect(cleared.0 == nil)
            #expect(cleared.1.first?.clearedAt == Fixtures.at(minutes: 40))

            let missing = await parleyError {
                try await store.write { tx in try await tx.clearAlarm(id: RecordID(rawValue: "alm_9"), at: Fixtures.t0) }
            }
            #expect(missing?.kind == .notFound)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func attendanceIsRecordedUpdatedAndListedByJoinTime(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let host = Fixtures.user("host")
            let meeting = try Fixtures.meeting("mtg_1", meetingID: "1234", host: host)
            try await insert(store, users: [host], meetings: [meeting])
            let late = AttendanceRecord(
                id: RecordID(rawValue: "att_2"), meetingRecordID: meeting.id, participantURI: "web:Bob",
                displayName: "Bob", joinedAt: Fixtures.at(minutes: 70)
            )
            var early = AttendanceRecord(
                id: RecordID(rawValue: "att_1"), meetingRecordID: meeting.id, participantURI: "sip:alice@example.org",
                displayName: "Alice", joinedAt: Fixtures.at(minutes: 61)
            )
            try await store.write { [early] tx in
                try await tx.insertAttendance(late)
                try await tx.insertAttendance(early)
            }
            early.leftAt = Fixtures.at(minutes: 119)
            early.codec = "opus"
            early.statistics = #"{"loss":0.01,"jitter_ms":4}"#
            try await store.write { [early] tx in try await tx.updateAttendance(early) }
            #expect(try await store.read { tx in try await tx.attendance(meetingRecordID: meeting.id) } == [early, late])
            #expect(try await store.read { tx in try await tx.attendance(meetingRecordID: RecordID(rawValue: "mtg_0")) }.isEmpty)

            let orphan = await parleyError {
                var record = late
                record.id = RecordID(rawValue: "att_3")
                record.meetingRecordID = RecordID(rawValue: "mtg_ghost")
                try await store.write { [record] tx in try await tx.insertAttendance(record) }
            }
            #expect(orphan?.kind == .notFound)
            #expect(orphan?.field == "meetingRecordID")

            let missing = await parleyError {
                var record = late
                record.id = RecordID(rawValue: "att_9")
                try await store.write { [record] tx in try await tx.updateAttendance(record) }
            }
            #expect(missing?.kind == .notFound)
        }
    }
}
