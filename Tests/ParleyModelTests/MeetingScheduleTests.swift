import ParleyModel
import Testing

@Suite("MeetingSchedule and Meeting")
struct MeetingScheduleTests {
    @Test(
        "Overlap of two booked slots: start inclusive, end exclusive",
        arguments: [
            // (a, b, overlaps)
            ((0, 60), (0, 60), true),  // identical
            ((0, 60), (60, 120), false),  // back to back
            ((60, 120), (0, 60), false),  // back to back, other order
            ((0, 60), (59, 120), true),  // one minute shared
            ((0, 60), (30, 45), true),  // b inside a
            ((30, 45), (0, 60), true),  // a inside b
            ((0, 60), (-60, 1), true),  // b ends a minute into a
            ((0, 60), (-60, 0), false),  // b ends where a starts
            ((0, 60), (120, 180), false),  // far apart
            ((0, 60), (0, 2), true),  // same start
            ((0, 60), (58, 60), true),  // same end
        ] as [((Int64, Int64), (Int64, Int64), Bool)]
    )
    func scheduledOverlaps(a: (Int64, Int64), b: (Int64, Int64), expected: Bool) {
        let sa = slot(a.0, a.1)
        let sb = slot(b.0, b.1)
        #expect(sa.overlaps(sb) == expected)
        #expect(sb.overlaps(sa) == expected, "overlap must be symmetric")
    }

    @Test("Slots one millisecond apart do not overlap; one millisecond shared does")
    func millisecondEdges() {
        let a = MeetingSchedule.scheduled(start: t0, end: t0 + .seconds(3600))
        let touching = MeetingSchedule.scheduled(start: t0 + .seconds(3600), end: t0 + .seconds(7200))
        let sharing = MeetingSchedule.scheduled(start: t0 + .milliseconds(3_599_999), end: t0 + .seconds(7200))
        #expect(!a.overlaps(touching))
        #expect(a.overlaps(sharing))
    }

    @Test("A reservationless schedule overlaps everything, itself included")
    func reservationlessOverlaps() {
        let r = MeetingSchedule.reservationless
        #expect(r.overlaps(slot(0, 60)))
        #expect(slot(0, 60).overlaps(r))
        #expect(r.overlaps(slot(100_000, 100_002)))
        #expect(r.overlaps(.reservationless))
    }

    @Test("start and end are the booked slot's, nil for reservationless")
    func accessors() {
        #expect(slot(0, 60).start == t0)
        #expect(slot(0, 60).end == at(60))
        #expect(MeetingSchedule.reservationless.start == nil)
        #expect(MeetingSchedule.reservationless.end == nil)
    }

    @Test("Only ended and cancelled meetings are finished")
    func finishedStates() {
        #expect(!MeetingState.scheduled.isFinished)
        #expect(!MeetingState.inProgress.isFinished)
        #expect(MeetingState.ended.isFinished)
        #expect(MeetingState.cancelled.isFinished)
        #expect(MeetingState.inProgress.rawValue == "in_progress")
        #expect(MeetingState(rawValue: "in_progress") == .inProgress)
    }

    @Test("Occupancy of a booked meeting: the slot, widened by an early start, shortened by an early end")
    func occupancyScheduled() {
        let booked = meeting("mtg_1", schedule: slot(0, 60))
        #expect(booked.occupancy == slot(0, 60))

        let startedEarly = meeting("mtg_2", schedule: slot(0, 60), state: .inProgress, startedAt: at(-4))
        #expect(startedEarly.occupancy == slot(-4, 60))

        let endedEarly = meeting("mtg_3", schedule: slot(0, 60), state: .ended, startedAt: at(1), endedAt: at(20))
        #expect(endedEarly.occupancy == slot(0, 20))

        let ranOver = meeting("mtg_4", schedule: slot(0, 60), state: .ended, startedAt: at(0), endedAt: at(90))
        #expect(ranOver.occupancy == slot(0, 60))

        let cancelledBefore = meeting("mtg_5", schedule: slot(0, 60), state: .cancelled, endedAt: at(-30))
        #expect(cancelledBefore.occupancy == slot(0, 0))
    }

    @Test("Occupancy of a reservationless meeting: open while it is not finished")
    func occupancyReservationless() {
        let open = meeting("mtg_1", schedule: .reservationless, state: .scheduled, startedAt: at(0), endedAt: at(30))
        #expect(open.occupancy == .reservationless)
        let cancelled = meeting("mtg_2", schedule: .reservationless, state: .cancelled, startedAt: at(0), endedAt: at(30))
        #expect(cancelled.occupancy == slot(0, 30))
    }
}
