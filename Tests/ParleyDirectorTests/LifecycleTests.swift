import ParleyDirector
import ParleyModel
import ParleyTestSupport
import Testing

@Suite("Director meeting start and end")
struct LifecycleTests {
    @Test("A meeting cannot start earlier than 5 minutes before its start", arguments: StoreKind.allCases)
    func notStartedYet(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let alice = try await f.user("alice")
            let m = try await f.schedule(alice, 60, 120)
            f.clock.set(at(54))
            let error = await expectError("meeting.not_started_yet", .conflict) {
                try await f.director.startMeeting(m.id.rawValue, by: alice)
            }
            #expect(error?.fix != nil)
            #expect(try await f.stored(m).state == .scheduled)
            f.clock.set(at(55))
            let outcome = try await f.director.startMeeting(m.id.rawValue, by: alice)
            guard case .started(let started) = outcome else {
                Issue.record("expected .started, got \(outcome)")
                return
            }
            #expect(started.state == .inProgress)
            #expect(started.startedAt == at(55))
            let stored = try await f.stored(m)
            #expect(stored.state == .inProgress)
            #expect(stored.startedAt == at(55))
        }
    }

    @Test("A meeting cannot start once its booked end has passed")
    func over() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            let m = try await f.schedule(alice, 0, 60)
            f.clock.set(at(60))
            await expectError("meeting.over", .conflict) { try await f.director.startMeeting(m.id.rawValue, by: alice) }
            f.clock.set(at(59))
            _ = try await f.director.startMeeting(m.id.rawValue, by: alice)
        }
    }

    @Test("Starting a running meeting reports it as already running", arguments: StoreKind.allCases)
    func alreadyRunning(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let alice = try await f.user("alice")
            let m = try await f.schedule(alice, 0, 60, id: "246810")
            _ = try await f.director.startMeeting("246810", by: alice)
            f.clock.set(at(2))
            let again = try await f.director.startMeeting("246810", by: nil)
            guard case .alreadyRunning(let running) = again else {
                Issue.record("expected .alreadyRunning, got \(again)")
                return
            }
            #expect(running.id == m.id)
            #expect(running.startedAt == t0, "the first start time is kept")
        }
    }

    @Test("Ending a scheduled meeting finishes it; it cannot start again", arguments: StoreKind.allCases)
    func endScheduled(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let alice = try await f.user("alice")
            let m = try await f.schedule(alice, 0, 60)
            _ = try await f.director.startMeeting(m.id.rawValue, by: alice)
            f.clock.set(at(25))
            let ended = try await f.director.endMeeting(m.id.rawValue, by: alice)
            #expect(ended.state == .ended)
            #expect(ended.endedAt == at(25))
            let stored = try await f.stored(m)
            #expect(stored.state == .ended)
            #expect(stored.startedAt == t0)
            #expect(stored.endedAt == at(25))
            await expectError("meeting.finished", .conflict) { try await f.director.startMeeting(m.id.rawValue, by: alice) }
            await expectError("meeting.not_in_progress", .conflict) { try await f.director.endMeeting(m.id.rawValue, by: alice) }
            await expectError("meeting.finished", .conflict) { try await f.director.cancelMeeting(m.id.rawValue, by: alice) }
            await expectError("meeting.finished", .conflict) {
                try await f.director.updateMeeting(m.id.rawValue, MeetingChanges(title: "Again"), by: alice)
            }
        }
    }

    @Test("Ending a reservationless meeting makes it ready for next time", arguments: StoreKind.allCases)
    func endReservationless(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let alice = try await f.user("alice", profileNumber: "5550101")
            let room = try await f.director.createMeeting(NewMeeting(reservationless: true), by: alice).meeting
            // Any time: a reservationless meeting has no slot.
            f.clock.set(at(3 * 24 * 60))
            _ = try await f.director.startMeeting("5550101", by: nil)
            f.clock.set(at(3 * 24 * 60 + 40))
            let ended = try await f.director.endMeeting("5550101", by: alice)
            #expect(ended.state == .scheduled)
            #expect(try await f.stored(room).state == .scheduled)
            f.clock.set(at(10 * 24 * 60))
            let outcome = try await f.director.startMeeting("5550101", by: alice)
            #expect(outcome == .started(try await f.stored(room)))
        }
    }

    @Test("A meeting that is not running cannot be ended")
    func endNotRunning() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            let m = try await f.schedule(alice, 0, 60)
            await expectError("meeting.not_in_progress", .conflict) { try await f.director.endMeeting(m.id.rawValue, by: alice) }
        }
    }

    @Test("A cancelled meeting cannot start; cancelling a running meeting records when it stopped")
    func cancel() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            let a = try await f.schedule(alice, 0, 60)
            _ = try await f.director.cancelMeeting(a.id.rawValue, by: alice)
            await expectError("meeting.finished", .conflict) { try await f.director.startMeeting(a.id.rawValue, by: alice) }

            let b = try await f.schedule(alice, 0, 60)
            _ = try await f.director.startMeeting(b.id.rawValue, by: alice)
            f.clock.set(at(10))
            let cancelled = try await f.director.cancelMeeting(b.id.rawValue, by: alice)
            #expect(cancelled.meeting.state == .cancelled)
            #expect(cancelled.meeting.endedAt == at(10))
            // Nothing is in progress any more, so another meeting may start without a licence.
            let c = try await f.schedule(try await f.user("bob"), 10, 60)
            _ = try await f.director.startMeeting(c.id.rawValue, by: nil)
        }
    }

    @Test("A running meeting keeps its start and ID, but its end can move")
    func updateRunning() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            let m = try await f.schedule(alice, 0, 60)
            _ = try await f.director.startMeeting(m.id.rawValue, by: alice)
            await expectError("meeting.in_progress", .conflict, field: "start") {
                try await f.director.updateMeeting(m.id.rawValue, MeetingChanges(start: at(5)), by: alice)
            }
            await expectError("meeting.in_progress", .conflict, field: "meetingID") {
                try await f.director.updateMeeting(m.id.rawValue, MeetingChanges(meetingID: MeetingID("13579")), by: alice)
            }
            f.clock.set(at(50))
            let longer = try await f.director.updateMeeting(m.id.rawValue, MeetingChanges(end: at(90)), by: alice)
            #expect(longer.meeting.schedule == .scheduled(start: t0, end: at(90)))
            #expect(longer.meeting.state == .inProgress)
        }
    }
}
