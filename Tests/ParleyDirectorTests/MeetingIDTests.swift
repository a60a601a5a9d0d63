import ParleyDirector
import ParleyModel
import ParleyTestSupport
import Testing

@Suite("Director meeting IDs")
struct MeetingIDTests {
    @Test("Assigned meeting IDs have the configured number of digits", arguments: [4, 6, 10])
    func assignedDigits(digits: Int) async throws {
        try await withDirector(settings: .test(meetingIDDigits: digits)) { f in
            let host = try await f.user("alice")
            var seen = Set<MeetingID>()
            for i in 0..<5 {
                let m = try await f.schedule(host, Int64(i) * 60, Int64(i) * 60 + 30)
                #expect(m.meetingID.digits.utf8.count == digits)
                #expect(m.meetingID.digits.first != "0")
                seen.insert(m.meetingID)
            }
            #expect(seen.count == 5, "live meetings never share an assigned ID")
        }
    }

    @Test("A vanity meeting ID is kept", arguments: StoreKind.allCases)
    func vanity(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let host = try await f.user("alice")
            let m = try await f.schedule(host, 60, 120, id: "2468")
            #expect(m.meetingID == MeetingID("2468"))
            let view = try await f.director.meeting("2468", by: host)
            #expect(view.meeting.id == m.id)
            #expect(view.hostLogin == "alice")
        }
    }

    @Test("A meeting ID is held by one unfinished meeting, whatever the times", arguments: StoreKind.allCases)
    func heldWhileNotFinished(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let alice = try await f.user("alice")
            let bob = try await f.user("bob")
            try await f.schedule(alice, 60, 120, id: "777777")
            // Next week, another host: still refused, the first meeting has not happened yet.
            await expectError("meeting.id_in_use", .conflict, field: "meetingID") {
                try await f.schedule(bob, 7 * 24 * 60, 7 * 24 * 60 + 60, id: "777777")
            }
            // Nor may another meeting be moved onto it.
            let other = try await f.schedule(bob, 200, 260)
            await expectError("meeting.id_in_use", .conflict, field: "meetingID") {
                try await f.director.updateMeeting(other.id.rawValue, MeetingChanges(meetingID: MeetingID("777777")), by: bob)
            }
        }
    }

    @Test("A running meeting holds its ID", arguments: StoreKind.allCases)
    func heldWhileRunning(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let alice = try await f.user("alice")
            let m = try await f.schedule(alice, 0, 60, id: "777777")
            _ = try await f.director.startMeeting(m.id.rawValue, by: alice)
            await expectError("meeting.id_in_use", .conflict, field: "meetingID") {
                try await f.schedule(alice, 24 * 60, 25 * 60, id: "777777")
            }
        }
    }

    @Test("Cancelling releases the ID, even for the very same slot", arguments: StoreKind.allCases)
    func cancelReleases(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let alice = try await f.user("alice")
            let bob = try await f.user("bob")
            let first = try await f.schedule(alice, 60, 120, id: "555000")
            _ = try await f.director.cancelMeeting("555000", by: alice)
            let second = try await f.schedule(bob, 60, 120, id: "555000")
            #expect(second.meetingID == first.meetingID)
            // The ID now finds the live meeting, not the cancelled one.
            let found = try await f.director.meeting("555000", by: f.admin)
            #expect(found.meeting.id == second.id)
            #expect(try await f.stored(first).state == .cancelled)
        }
    }

    @Test("An ended meeting's ID is free for a slot after its booked time, not during it", arguments: StoreKind.allCases)
    func endedReuse(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let alice = try await f.user("alice")
            let bob = try await f.user("bob")
            // Booked 0-60; runs from 0 to 20.
            let first = try await f.schedule(alice, 0, 60, id: "424242")
            _ = try await f.director.startMeeting("424242", by: alice)
            f.clock.set(at(20))
            let ended = try await f.director.endMeeting("424242", by: alice)
            #expect(ended.state == .ended)

            // Overlaps the rest of the booked slot: refused.
            let refused = await expectError("meeting.id_in_use", .conflict, field: "meetingID") {
                try await f.schedule(bob, 30, 90, id: "424242")
            }
            #expect(refused?.message.contains("earlier meeting") == true)
            // Starts when the booked slot ends: allowed.
            let later = try await f.schedule(bob, 60, 120, id: "424242")
            #expect(later.meetingID == first.meetingID)
        }
    }

    @Test("An ended meeting that ran over keeps its ID for the time it really ran", arguments: StoreKind.allCases)
    func endedActualTime(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let alice = try await f.user("alice")
            let bob = try await f.user("bob")
            // Booked 0-60, started at 0, ended at 90.
            _ = try await f.schedule(alice, 0, 60, id: "424242")
            _ = try await f.director.startMeeting("424242", by: alice)
            f.clock.set(at(90))
            _ = try await f.director.endMeeting("424242", by: alice)

            // A slot starting 3 minutes ago (kept, within the grace) is after the booked slot
            // but inside the time the meeting really ran.
            await expectError("meeting.id_in_use", .conflict, field: "meetingID") {
                try await f.schedule(bob, 87, 147, id: "424242")
            }
            let later = try await f.schedule(bob, 90, 150, id: "424242")
            #expect(later.meetingID == MeetingID("424242"))
        }
    }

    @Test("Looking a meeting up by ID prefers the live meeting, else the latest")
    func lookupByMeetingID() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            _ = try await f.schedule(alice, 0, 60, id: "8888")
            _ = try await f.director.startMeeting("8888", by: alice)
            f.clock.set(at(30))
            _ = try await f.director.endMeeting("8888", by: alice)
            #expect(try await f.director.meeting("8888", by: alice).meeting.state == .ended)
            f.clock.set(at(100))
            let next = try await f.schedule(alice, 120, 180, id: "8888")
            #expect(try await f.director.meeting("8888", by: alice).meeting.id == next.id)
            await expectError("meeting.not_found", .notFound) {
                try await f.director.meeting("9999", by: alice)
            }
            await expectError("meeting.not_found", .notFound) {
                try await f.director.meeting("mtg_00000000000000000000", by: alice)
            }
        }
    }
}
