import ParleyDirector
import ParleyModel
import ParleyTestSupport
import Testing

@Suite("Director authorization")
struct AuthorizationTests {
    @Test("A host cannot see, change, cancel, start or end another host's meeting", arguments: StoreKind.allCases)
    func notYourMeeting(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let alice = try await f.user("alice")
            let bob = try await f.user("bob")
            let m = try await f.schedule(alice, 0, 60, id: "314159")
            for reference in [m.id.rawValue, "314159"] {
                await expectError("auth.not_your_meeting", .forbidden) { try await f.director.meeting(reference, by: bob) }
                await expectError("auth.not_your_meeting", .forbidden) {
                    try await f.director.updateMeeting(reference, MeetingChanges(title: "Mine now"), by: bob)
                }
                await expectError("auth.not_your_meeting", .forbidden) { try await f.director.cancelMeeting(reference, by: bob) }
                await expectError("auth.not_your_meeting", .forbidden) { try await f.director.startMeeting(reference, by: bob) }
                await expectError("auth.not_your_meeting", .forbidden) { try await f.director.attendance(reference, by: bob) }
            }
            let stored = try await f.stored(m)
            #expect(stored.title == "Weekly")
            #expect(stored.state == .scheduled)

            _ = try await f.director.startMeeting(m.id.rawValue, by: alice)
            await expectError("auth.not_your_meeting", .forbidden) { try await f.director.endMeeting(m.id.rawValue, by: bob) }
            #expect(try await f.stored(m).state == .inProgress)
        }
    }

    @Test("The host and an admin may manage the meeting")
    func hostAndAdmin() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            let m = try await f.schedule(alice, 0, 60)
            #expect(try await f.director.meeting(m.id.rawValue, by: alice).meeting.id == m.id)
            #expect(try await f.director.meeting(m.id.rawValue, by: f.admin).meeting.id == m.id)
            let renamed = try await f.director.updateMeeting(m.id.rawValue, MeetingChanges(title: "  Budget  "), by: f.admin)
            #expect(renamed.meeting.title == "Budget")
            #expect(try await f.director.attendance(m.id.rawValue, by: alice).isEmpty)
            _ = try await f.director.startMeeting(m.id.rawValue, by: f.admin)
            _ = try await f.director.endMeeting(m.id.rawValue, by: alice)
        }
    }

    @Test("Users with the role `user` cannot host meetings", arguments: StoreKind.allCases)
    func userCannotHost(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let carol = try await f.user("carol", role: .user, profileNumber: "5550199")
            let error = await expectError("auth.cannot_host", .forbidden) { try await f.schedule(carol, 0, 60) }
            #expect(error?.httpStatus == 403)
            await expectError("auth.cannot_host", .forbidden) {
                try await f.director.createMeeting(NewMeeting(reservationless: true), by: carol)
            }
            // Nor can an admin make them host one.
            await expectError("meeting.host_cannot_host", .invalid, field: "host") {
                try await f.director.createMeeting(NewMeeting(hostLogin: "carol", start: at(0), end: at(60)), by: f.admin)
            }
            #expect(try await f.director.meetings(MeetingQuery(), by: f.admin).total == 0)
        }
    }

    @Test("Only admins schedule for another host")
    func scheduleForOthers() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            _ = try await f.user("bob")
            await expectError("auth.not_your_meeting", .forbidden) {
                try await f.director.createMeeting(NewMeeting(hostLogin: "bob", start: at(0), end: at(60)), by: alice)
            }
            // Naming oneself is fine.
            let own = try await f.director.createMeeting(NewMeeting(hostLogin: "alice", start: at(0), end: at(60)), by: alice)
            #expect(own.meeting.hostID == alice.user.id)
            await expectError("meeting.unknown_host", .invalid, field: "host") {
                try await f.director.createMeeting(NewMeeting(hostLogin: "nobody", start: at(0), end: at(60)), by: f.admin)
            }
        }
    }

    @Test("A host listing meetings sees only their own", arguments: StoreKind.allCases)
    func listOwnMeetings(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let alice = try await f.user("alice")
            let bob = try await f.user("bob")
            let a1 = try await f.schedule(alice, 0, 60)
            let a2 = try await f.schedule(alice, 60, 120)
            let b1 = try await f.schedule(bob, 0, 60)

            let mine = try await f.director.meetings(MeetingQuery(), by: alice)
            #expect(mine.total == 2)
            #expect(Set(mine.items.map(\.meeting.id)) == [a1.id, a2.id])
            #expect(mine.items.allSatisfy { $0.hostLogin == "alice" })
            #expect(try await f.director.meetings(MeetingQuery(hostLogin: "alice"), by: alice).total == 2)
            await expectError("auth.not_your_meeting", .forbidden) {
                try await f.director.meetings(MeetingQuery(hostLogin: "bob"), by: alice)
            }

            let everything = try await f.director.meetings(MeetingQuery(), by: f.admin)
            #expect(everything.total == 3)
            let bobs = try await f.director.meetings(MeetingQuery(hostLogin: "bob"), by: f.admin)
            #expect(bobs.items.map(\.meeting.id) == [b1.id])
            #expect(try await f.director.meetings(MeetingQuery(hostLogin: "nobody"), by: f.admin).total == 0)
        }
    }

    @Test("Meeting lists filter by time window and state", arguments: StoreKind.allCases)
    func listFilters(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let alice = try await f.user("alice", profileNumber: "5550101")
            let early = try await f.schedule(alice, 0, 60)
            let middle = try await f.schedule(alice, 60, 120)
            let late = try await f.schedule(alice, 120, 180)
            let room = try await f.director.createMeeting(NewMeeting(reservationless: true), by: alice).meeting

            // Slots that only touch the window's edges are outside it; the standing room is always in.
            let window = try await f.director.meetings(MeetingQuery(from: at(60), to: at(120)), by: alice)
            #expect(Set(window.items.map(\.meeting.id)) == [middle.id, room.id])
            #expect(window.total == 2)
            let after = try await f.director.meetings(MeetingQuery(from: at(100)), by: alice)
            #expect(Set(after.items.map(\.meeting.id)) == [middle.id, late.id, room.id])

            _ = try await f.director.startMeeting(early.id.rawValue, by: alice)
            let running = try await f.director.meetings(MeetingQuery(states: [.inProgress]), by: alice)
            #expect(running.items.map(\.meeting.id) == [early.id])
            let all = try await f.director.meetings(MeetingQuery(), by: alice)
            #expect(all.items.map(\.meeting.id) == [room.id, early.id, middle.id, late.id], "reservationless first, then by start")
        }
    }

    @Test("Meeting lists are paged and bounded")
    func listPaging() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            for i in 0..<5 { try await f.schedule(alice, Int64(i) * 60, Int64(i) * 60 + 30) }
            let page = try await f.director.meetings(MeetingQuery(limit: 2, offset: 2), by: alice)
            #expect(page.total == 5)
            #expect(page.items.map(\.meeting.schedule.start) == [at(120), at(180)])
            await expectError("validation.limit", .invalid, field: "limit") {
                try await f.director.meetings(MeetingQuery(limit: 0), by: alice)
            }
            await expectError("validation.limit", .invalid, field: "limit") {
                try await f.director.meetings(MeetingQuery(limit: 501), by: alice)
            }
            await expectError("validation.offset", .invalid, field: "offset") {
                try await f.director.meetings(MeetingQuery(offset: -1), by: alice)
            }
        }
    }

    @Test("Only admins manage users, groups, licences, alarms and tokens")
    func adminOnly() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            let carol = try await f.user("carol", role: .user)
            for who in [alice, carol] {
                await expectError("auth.admin_required", .forbidden) { try await f.director.users(limit: 10, offset: 0, by: who) }
                await expectError("auth.admin_required", .forbidden) {
                    try await f.director.createUser(NewUser(login: "mallory", role: .admin), by: who)
                }
                await expectError("auth.admin_required", .forbidden) { try await f.director.deleteUser(login: "bob", by: who) }
                await expectError("auth.admin_required", .forbidden) {
                    try await f.director.addLicences(hosts: 100, note: "", by: who)
                }
                await expectError("auth.admin_required", .forbidden) { try await f.director.licenceStatus(by: who) }
                await expectError("auth.admin_required", .forbidden) {
                    try await f.director.alarms(includeCleared: true, by: who)
                }
                await expectError("auth.admin_required", .forbidden) {
                    try await f.director.createGroup(name: "sales", description: "", by: who)
                }
                await expectError("auth.admin_required", .forbidden) { try await f.director.groups(by: who) }
                await expectError("auth.admin_required", .forbidden) {
                    try await f.director.createToken(forLogin: "alice", label: "x", by: who)
                }
            }
            await expectError("user.not_found", .notFound) { try await f.director.user(login: "mallory", by: f.admin) }
            #expect(try await f.director.licenceStatus(by: f.admin).installedHosts == 0)
        }
    }

    @Test("Users read and change only themselves, and never their own role")
    func selfService() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            _ = try await f.user("bob")
            #expect(try await f.director.user(login: "alice", by: alice).login == "alice")
            await expectError("auth.not_yourself", .forbidden) { try await f.director.user(login: "bob", by: alice) }
            await expectError("auth.not_yourself", .forbidden) {
                try await f.director.updateUser(login: "bob", UserChanges(displayName: "Bobby"), by: alice)
            }
            await expectError("auth.admin_required", .forbidden) {
                try await f.director.updateUser(login: "alice", UserChanges(role: .admin), by: alice)
            }
            let renamed = try await f.director.updateUser(login: "alice", UserChanges(displayName: "Alice A."), by: alice)
            #expect(renamed.displayName == "Alice A.")
            #expect(renamed.role == .host)
        }
    }
}
