import ParleyDirector
import ParleyModel
import ParleyTestSupport
import Testing

@Suite("Director scheduling rules")
struct SchedulingTests {
    static let badLengths: [(Int64, Int64, String)] = [
        (60, 61, "meeting.too_short"),
        (60, 60, "meeting.end_before_start"),
        (60, 30, "meeting.end_before_start"),
        (60, 60 + 24 * 60 + 1, "meeting.too_long"),
    ]

    @Test("Meetings last 2 minutes to 24 hours; the error names the field `end`", arguments: badLengths)
    func lengths(from: Int64, to: Int64, code: String) async throws {
        try await withDirector { f in
            let host = try await f.user("alice")
            let error = await expectError(code, .invalid, field: "end") { try await f.schedule(host, from, to) }
            #expect(error?.httpStatus == 422)
            // Nothing was stored.
            #expect(try await f.director.meetings(MeetingQuery(), by: host).total == 0)
        }
    }

    @Test("Exactly 2 minutes and exactly 24 hours are accepted")
    func lengthBounds() async throws {
        try await withDirector { f in
            let host = try await f.user("alice")
            let short = try await f.schedule(host, 10, 12)
            #expect(short.schedule == .scheduled(start: at(10), end: at(12)))
            let long = try await f.schedule(host, 100, 100 + 24 * 60)
            #expect(long.schedule == .scheduled(start: at(100), end: at(100 + 24 * 60)))
        }
    }

    @Test("A duration works like an end; both at once are refused")
    func duration() async throws {
        try await withDirector { f in
            let host = try await f.user("alice")
            let m = try await f.director.createMeeting(NewMeeting(start: at(10), duration: .seconds(45 * 60)), by: host).meeting
            #expect(m.schedule == .scheduled(start: at(10), end: at(55)))
            await expectError("meeting.too_short", .invalid, field: "end") {
                try await f.director.createMeeting(NewMeeting(start: at(100), duration: .seconds(60)), by: host)
            }
            await expectError("validation.durationMinutes", .invalid, field: "durationMinutes") {
                try await f.director.createMeeting(NewMeeting(start: at(100), end: at(160), duration: .seconds(3600)), by: host)
            }
        }
    }

    @Test("Without start or end, a meeting starts now and lasts the default duration")
    func defaults() async throws {
        try await withDirector { f in
            let host = try await f.user("alice")
            let view = try await f.director.createMeeting(NewMeeting(), by: host)
            #expect(view.meeting.schedule == .scheduled(start: t0, end: at(60)))
            #expect(view.meeting.title == "Meeting")
            #expect(view.meeting.state == .scheduled)
            #expect(view.meeting.createdAt == t0)
            #expect(view.meeting.createdBy == host.user.id)
            #expect(view.meeting.hostID == host.user.id)
            #expect(view.hostLogin == "alice")
        }
    }

    @Test("A start more than 5 minutes in the past starts now, keeping the length", arguments: StoreKind.allCases)
    func pastStartMoves(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let host = try await f.user("alice")
            let m = try await f.schedule(host, -6, 24)
            #expect(m.schedule == .scheduled(start: t0, end: at(30)))
            #expect(try await f.stored(m).schedule == .scheduled(start: t0, end: at(30)))
            // Days in the past: also starts now.
            let bob = try await f.user("bob")
            let old = try await f.schedule(bob, -3 * 24 * 60, -3 * 24 * 60 + 10)
            #expect(old.schedule == .scheduled(start: t0, end: at(10)))
        }
    }

    @Test("A start 3 minutes in the past is kept", arguments: StoreKind.allCases)
    func recentPastStartKept(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let host = try await f.user("alice")
            let m = try await f.schedule(host, -3, 57)
            #expect(m.schedule == .scheduled(start: at(-3), end: at(57)))
            #expect(try await f.stored(m).schedule == .scheduled(start: at(-3), end: at(57)))
        }
    }

    @Test("One host cannot host two overlapping meetings; back-to-back is fine", arguments: StoreKind.allCases)
    func hostOverlap(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let alice = try await f.user("alice")
            let bob = try await f.user("bob")
            try await f.schedule(alice, 60, 120)
            let error = await expectError("meeting.host_overlap", .conflict) { try await f.schedule(alice, 90, 150) }
            #expect(error?.httpStatus == 409)
            await expectError("meeting.host_overlap", .conflict) { try await f.schedule(alice, 30, 61) }
            await expectError("meeting.host_overlap", .conflict) { try await f.schedule(alice, 70, 80) }
            await expectError("meeting.host_overlap", .conflict) { try await f.schedule(alice, 0, 24 * 60) }
            // Back to back on both sides.
            try await f.schedule(alice, 120, 180)
            try await f.schedule(alice, 0, 60)
            // Another host may use the same slot.
            try await f.schedule(bob, 60, 120)
            #expect(try await f.director.meetings(MeetingQuery(hostLogin: "alice"), by: f.admin).total == 3)
        }
    }

    @Test("An admin scheduling for a host is held to the host's overlaps")
    func adminForHost() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            try await f.schedule(alice, 60, 120)
            let new = NewMeeting(hostLogin: "alice", start: at(100), end: at(130))
            await expectError("meeting.host_overlap", .conflict) { try await f.director.createMeeting(new, by: f.admin) }
            let ok = try await f.director.createMeeting(NewMeeting(hostLogin: "alice", start: at(120), end: at(130)), by: f.admin)
            #expect(ok.meeting.hostID == alice.user.id)
            #expect(ok.meeting.createdBy == f.admin.user.id)
            #expect(ok.hostLogin == "alice")
        }
    }

    @Test("Cancelled and ended meetings do not block the host's time")
    func finishedDoNotBlock() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            let m = try await f.schedule(alice, 60, 120)
            _ = try await f.director.cancelMeeting(m.id.rawValue, by: alice)
            try await f.schedule(alice, 60, 120)
        }
    }

    @Test("Moving a meeting is checked against the host's other meetings, not against itself")
    func updateOverlap() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            let a = try await f.schedule(alice, 60, 120)
            try await f.schedule(alice, 180, 240)
            let moved = try await f.director.updateMeeting(a.id.rawValue, MeetingChanges(start: at(90), end: at(150)), by: alice)
            #expect(moved.meeting.schedule == .scheduled(start: at(90), end: at(150)))
            await expectError("meeting.host_overlap", .conflict) {
                try await f.director.updateMeeting(a.id.rawValue, MeetingChanges(end: at(200)), by: alice)
            }
            await expectError("meeting.too_long", .invalid, field: "end") {
                try await f.director.updateMeeting(a.id.rawValue, MeetingChanges(duration: .seconds(25 * 3600)), by: alice)
            }
            #expect(try await f.stored(a).schedule == .scheduled(start: at(90), end: at(150)))
        }
    }

    @Test("A reservationless meeting uses the host's profile number", arguments: StoreKind.allCases)
    func reservationless(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let alice = try await f.user("alice", profileNumber: "5550101")
            let view = try await f.director.createMeeting(NewMeeting(reservationless: true), by: alice)
            #expect(view.meeting.meetingID == MeetingID("5550101"))
            #expect(view.meeting.schedule == .reservationless)
            #expect(try await f.stored(view.meeting).schedule == .reservationless)
            // It is a standing room: it does not stop its host scheduling meetings.
            try await f.schedule(alice, 60, 120)
            // A second one would need the same ID.
            await expectError("meeting.id_in_use", .conflict, field: "meetingID") {
                try await f.director.createMeeting(NewMeeting(reservationless: true), by: alice)
            }
        }
    }

    @Test("A reservationless meeting needs a profile number", arguments: StoreKind.allCases)
    func reservationlessWithoutProfile(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let bob = try await f.user("bob")
            let error = await expectError("meeting.no_profile_number", .invalid) {
                try await f.director.createMeeting(NewMeeting(reservationless: true), by: bob)
            }
            #expect(error?.httpStatus == 422)
            #expect(error?.field != nil)
        }
    }

    @Test("A reservationless meeting has no times, and no other ID than the profile number")
    func reservationlessShape() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice", profileNumber: "5550101")
            await expectError("validation.reservationless", .invalid, field: "reservationless") {
                try await f.director.createMeeting(NewMeeting(start: at(10), reservationless: true), by: alice)
            }
            await expectError("validation.meetingID", .invalid, field: "meetingID") {
                try await f.director.createMeeting(NewMeeting(meetingID: MeetingID("1234"), reservationless: true), by: alice)
            }
        }
    }
}
