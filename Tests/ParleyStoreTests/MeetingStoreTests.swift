import ParleyModel
import ParleyStore
import ParleyTestSupport
import Testing

@Suite("Meetings", .timeLimit(.minutes(2)))
struct MeetingStoreTests {
    let hostA = Fixtures.user("hosta")
    let hostB = Fixtures.user("hostb")
    let admin = Fixtures.user("admin", role: .admin)

    /// Six meetings covering both schedules, every state and ties in start time:
    /// sorted, they are m5, m3, m4, m1, m6, m2.
    func sample() throws -> [Meeting] {
        [
            try Fixtures.meeting("mtg_1", meetingID: "1234", host: hostA),
            try Fixtures.meeting(
                "mtg_2", meetingID: "5678", host: hostA,
                schedule: .scheduled(start: Fixtures.at(minutes: 180), end: Fixtures.at(minutes: 240)),
                state: .inProgress
            ),
            try Fixtures.meeting("mtg_3", meetingID: "99999", host: hostB, schedule: .reservationless, createdBy: admin),
            try Fixtures.meeting(
                "mtg_4", meetingID: "1111", host: hostB,
                schedule: .scheduled(start: Fixtures.at(minutes: -60), end: Fixtures.t0),
                state: .ended, createdAt: Fixtures.at(minutes: -1440)
            ),
            try Fixtures.meeting("mtg_5", meetingID: "2222", host: hostA, schedule: .reservationless, state: .cancelled),
            try Fixtures.meeting(
                "mtg_6", meetingID: "123456", host: hostB,
                schedule: .scheduled(start: Fixtures.at(minutes: 60), end: Fixtures.at(minutes: 90)),
                createdAt: Fixtures.at(minutes: 10)
            ),
        ]
    }

    func loaded(_ store: ParleyStore) async throws {
        try await insert(store, users: [hostA, hostB, admin], meetings: try sample())
    }

    func ids(_ store: ParleyStore, _ filter: MeetingFilter) async throws -> [String] {
        try await store.read { tx in try await tx.meetings(filter) }.map(\.id.rawValue)
    }

    @Test(arguments: StoreKind.allCases)
    func meetingsRoundTripWithAndWithoutOptionalFields(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let full = try Fixtures.meeting("mtg_full", meetingID: "4321", host: hostA, state: .inProgress, full: true)
            let bare = try Fixtures.meeting("mtg_bare", meetingID: "87654321", host: hostB, schedule: .reservationless)
            try await insert(store, users: [hostA, hostB], meetings: [full, bare])
            let (fullBack, bareBack, missing) = try await store.read { tx in
                (
                    try await tx.meeting(id: full.id), try await tx.meeting(id: bare.id),
                    try await tx.meeting(id: RecordID(rawValue: "mtg_none"))
                )
            }
            #expect(fullBack == full)
            #expect(bareBack == bare)
            #expect(missing == nil)

            var changed = full
            changed.state = .ended
            changed.title = "Renamed"
            changed.schedule = .reservationless
            changed.endedAt = Fixtures.at(minutes: 200)
            changed.passwordHash = nil
            try await store.write { [changed] tx in try await tx.updateMeeting(changed) }
            #expect(try await store.read { tx in try await tx.meeting(id: full.id) } == changed)

            let ghost = await parleyError {
                let meeting = try Fixtures.meeting("mtg_ghost", meetingID: "7777", host: hostA)
                try await store.write { tx in try await tx.updateMeeting(meeting) }
            }
            #expect(ghost?.kind == .notFound)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func unfilteredMeetingsAreOrderedByStartThenMeetingIDThenRecordID(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            try await loaded(store)
            #expect(try await ids(store, MeetingFilter()) == ["mtg_5", "mtg_3", "mtg_4", "mtg_1", "mtg_6", "mtg_2"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func everyFilterFieldNarrowsTheResult(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            try await loaded(store)
            #expect(try await ids(store, MeetingFilter(hostID: hostA.id)) == ["mtg_5", "mtg_1", "mtg_2"])
            #expect(try await ids(store, MeetingFilter(meetingID: try Fixtures.meetingID("1234"))) == ["mtg_1"])
            #expect(
                try await ids(store, MeetingFilter(states: [.scheduled, .inProgress]))
                    == ["mtg_3", "mtg_1", "mtg_6", "mtg_2"]
            )
            #expect(try await ids(store, MeetingFilter(states: [.ended])) == ["mtg_4"])
            #expect(
                try await ids(store, MeetingFilter(endsAfter: Fixtures.at(minutes: 100)))
                    == ["mtg_5", "mtg_3", "mtg_1", "mtg_2"]
            )
            #expect(
                try await ids(store, MeetingFilter(startsBefore: Fixtures.at(minutes: 60))) == ["mtg_5", "mtg_3", "mtg_4"]
            )
            let window = MeetingFilter(endsAfter: Fixtures.at(minutes: 60), startsBefore: Fixtures.at(minutes: 120))
            #expect(try await ids(store, window) == ["mtg_5", "mtg_3", "mtg_1", "mtg_6"])
            #expect(try await ids(store, MeetingFilter(hostID: hostB.id, states: [.scheduled])) == ["mtg_3", "mtg_6"])
            #expect(try await ids(store, MeetingFilter(states: [])).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pagingAndCountsIgnoreLimitAndOffset(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            try await loaded(store)
            let page = MeetingFilter(limit: 2, offset: 1)
            #expect(try await ids(store, page) == ["mtg_3", "mtg_4"])
            #expect(try await ids(store, MeetingFilter(limit: 10, offset: 5)) == ["mtg_2"])
            #expect(try await ids(store, MeetingFilter(limit: 0)).isEmpty)
            let counts = try await store.read { tx in
                (
                    try await tx.countMeetings(page),
                    try await tx.countMeetings(MeetingFilter(hostID: hostA.id, limit: 1)),
                    try await tx.countMeetings(MeetingFilter(states: [.scheduled], endsAfter: Fixtures.at(minutes: 100))),
                    try await tx.countMeetings(MeetingFilter(states: []))
                )
            }
            #expect(counts.0 == 6)
            #expect(counts.1 == 3)
            #expect(counts.2 == 2)
            #expect(counts.3 == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func meetingCreatorsAreCountedOncePerCreatorSinceAnInstant(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            try await loaded(store)
            let counts = try await store.read { tx in
                (
                    try await tx.countMeetingCreators(since: Fixtures.at(minutes: -2880)),
                    try await tx.countMeetingCreators(since: Fixtures.t0),
                    try await tx.countMeetingCreators(since: Fixtures.at(minutes: 1)),
                    try await tx.countMeetingCreators(since: Fixtures.at(minutes: 11))
                )
            }
            #expect(counts.0 == 3)
            #expect(counts.1 == 3)
            #expect(counts.2 == 1)
            #expect(counts.3 == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aMeetingIDIsHeldByOneLiveMeetingAndFreedWhenItEnds(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            var first = try Fixtures.meeting("mtg_a", meetingID: "4444", host: hostA)
            let second = try Fixtures.meeting("mtg_b", meetingID: "4444", host: hostB)
            try await insert(store, users: [hostA, hostB], meetings: [first])

            let taken = await parleyError { try await insert(store, meetings: [second]) }
            #expect(taken?.kind == .conflict)
            #expect(taken?.field == "meetingID")
            #expect(taken?.message.contains("'4444'") == true)

            first.state = .ended
            try await store.write { [first] tx in try await tx.updateMeeting(first) }
            try await insert(store, meetings: [second])

            // The ended meeting cannot take the ID back while the new one holds it.
            first.state = .inProgress
            let back = await parleyError { try await store.write { [first] tx in try await tx.updateMeeting(first) } }
            #expect(back?.field == "meetingID")

            // Cancelled and ended meetings may share the ID freely.
            let third = try Fixtures.meeting("mtg_c", meetingID: "4444", host: hostA, state: .cancelled)
            try await insert(store, meetings: [third])
            let all = try await store.read { tx in
                try await tx.meetings(MeetingFilter(meetingID: try Fixtures.meetingID("4444")))
            }
            #expect(all.count == 3)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aMeetingMustHaveAnExistingHost(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let orphan = try Fixtures.meeting("mtg_x", meetingID: "1234", host: Fixtures.user("ghost"))
            let error = await parleyError { try await insert(store, meetings: [orphan]) }
            #expect(error?.kind == .notFound)
            #expect(error?.field == "hostID")
            #expect(try await store.read { tx in try await tx.countMeetings(MeetingFilter()) } == 0)
        }
    }
}
