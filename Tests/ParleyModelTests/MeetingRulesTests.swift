import ParleyModel
import Testing

@Suite("MeetingRules.normalize")
struct MeetingRulesNormalizeTests {
    @Test(
        "Lengths from 2 minutes to 24 hours are accepted unchanged",
        arguments: [.seconds(120), .seconds(121), .seconds(3600), .seconds(86_399), .seconds(86_400)] as [Duration]
    )
    func acceptedLengths(length: Duration) throws {
        let schedule = MeetingSchedule.scheduled(start: at(10), end: at(10) + length)
        #expect(try MeetingRules.normalize(schedule, now: t0) == schedule)
    }

    @Test(
        "Too short, too long and backwards meetings are refused with a code and the field `end`",
        arguments: refusedLengthCases
    )
    func refusedLengths(length: Duration, code: String) {
        let schedule = MeetingSchedule.scheduled(start: at(10), end: at(10) + length)
        let error = #expect(throws: ParleyError.self) { try MeetingRules.normalize(schedule, now: t0) }
        #expect(error?.kind == .invalid)
        #expect(error?.code == code)
        #expect(error?.field == "end")
        #expect(error?.httpStatus == 422)
        #expect(error?.fix != nil)
    }

    static let refusedLengthCases: [(Duration, String)] = [
        (.seconds(119), "meeting.too_short"),
        (.milliseconds(1), "meeting.too_short"),
        (.seconds(24 * 3600 + 1), "meeting.too_long"),
        (.milliseconds(24 * 3600 * 1000 + 1), "meeting.too_long"),
        (.seconds(7 * 24 * 3600), "meeting.too_long"),
        (.zero, "meeting.end_before_start"),
        (.seconds(-60), "meeting.end_before_start"),
    ]

    @Test("The too-short message says how long the meeting was")
    func messagesDescribeLength() {
        let short = #expect(throws: ParleyError.self) { try MeetingRules.normalize(slot(0, 1), now: t0) }
        #expect(short?.message.contains("60 seconds") == true)
        let long = #expect(throws: ParleyError.self) { try MeetingRules.normalize(slot(0, 25 * 60 + 30), now: t0) }
        #expect(long?.message.contains("25 hours 30 minutes") == true)
    }

    @Test("A start 3 minutes (or exactly 5 minutes) in the past is kept", arguments: [-3, -5, 0, 30] as [Int64])
    func recentStartKept(minutes: Int64) throws {
        let schedule = slot(minutes, minutes + 60)
        #expect(try MeetingRules.normalize(schedule, now: t0) == schedule)
    }

    @Test("A start more than 5 minutes in the past starts now, keeping the length", arguments: [-6, -60, -1440, -525_600] as [Int64])
    func oldStartMovesToNow(minutes: Int64) throws {
        let schedule = slot(minutes, minutes + 45)
        #expect(try MeetingRules.normalize(schedule, now: t0) == slot(0, 45))
    }

    @Test("A start 5 minutes and 1 millisecond in the past already moves")
    func graceBoundary() throws {
        let start = t0 - .seconds(300) - .milliseconds(1)
        let moved = try MeetingRules.normalize(.scheduled(start: start, end: start + .seconds(600)), now: t0)
        #expect(moved == .scheduled(start: t0, end: t0 + .seconds(600)))
    }

    @Test("The length rules run before the past-start rule, so an old but too-long meeting is refused")
    func lengthBeforeMove() {
        let error = #expect(throws: ParleyError.self) { try MeetingRules.normalize(slot(-48 * 60, 0), now: t0) }
        #expect(error?.code == "meeting.too_long")
    }

    @Test("Reservationless schedules pass through")
    func reservationless() throws {
        #expect(try MeetingRules.normalize(.reservationless, now: t0) == .reservationless)
    }

    @Test("The constants match the documented rules")
    func constants() {
        #expect(MeetingRules.minimumDuration == .seconds(120))
        #expect(MeetingRules.maximumDuration == .seconds(86_400))
        #expect(MeetingRules.pastStartGrace == .seconds(300))
    }
}

@Suite("MeetingRules.hostConflict")
struct MeetingRulesHostConflictTests {
    @Test("An overlapping meeting of the host that is not finished conflicts")
    func overlapConflicts() {
        let other = meeting("mtg_1", schedule: slot(0, 60))
        #expect(MeetingRules.hostConflict(slot(30, 90), among: [other])?.id == other.id)
        let running = meeting("mtg_2", schedule: slot(0, 60), state: .inProgress, startedAt: at(0))
        #expect(MeetingRules.hostConflict(slot(59, 90), among: [running])?.id == running.id)
    }

    @Test("Back-to-back meetings do not conflict, in either order")
    func backToBack() {
        let other = meeting("mtg_1", schedule: slot(0, 60))
        #expect(MeetingRules.hostConflict(slot(60, 120), among: [other]) == nil)
        #expect(MeetingRules.hostConflict(slot(-60, 0), among: [other]) == nil)
    }

    @Test("Finished meetings and the host's reservationless room do not block scheduling")
    func ignored() {
        let ended = meeting("mtg_1", schedule: slot(0, 60), state: .ended, startedAt: at(0), endedAt: at(60))
        let cancelled = meeting("mtg_2", schedule: slot(0, 60), state: .cancelled)
        let room = meeting("mtg_3", id: "5551234", schedule: .reservationless)
        let runningRoom = meeting("mtg_4", id: "5551234", schedule: .reservationless, state: .inProgress, startedAt: at(0))
        #expect(MeetingRules.hostConflict(slot(0, 60), among: [ended, cancelled, room, runningRoom]) == nil)
    }

    @Test("The meeting being changed does not conflict with itself")
    func excluding() {
        let own = meeting("mtg_1", schedule: slot(0, 60))
        #expect(MeetingRules.hostConflict(slot(30, 90), among: [own], excluding: own.id) == nil)
        let other = meeting("mtg_2", schedule: slot(80, 100))
        #expect(MeetingRules.hostConflict(slot(30, 90), among: [own, other], excluding: own.id)?.id == other.id)
    }

    @Test("A reservationless request never has a host conflict")
    func reservationlessRequest() {
        let other = meeting("mtg_1", schedule: slot(0, 60))
        #expect(MeetingRules.hostConflict(.reservationless, among: [other]) == nil)
    }
}

@Suite("MeetingRules.idConflict")
struct MeetingRulesIDConflictTests {
    @Test("A scheduled or running meeting holds its ID at every time", arguments: [MeetingState.scheduled, .inProgress])
    func liveMeetingHoldsID(state: MeetingState) {
        let holder = meeting("mtg_1", schedule: slot(0, 60), state: state, startedAt: state == .inProgress ? at(0) : nil)
        #expect(MeetingRules.idConflict(slot(0, 60), among: [holder])?.id == holder.id)
        #expect(MeetingRules.idConflict(slot(24 * 60, 25 * 60), among: [holder])?.id == holder.id)
        #expect(MeetingRules.idConflict(slot(-24 * 60, -23 * 60), among: [holder])?.id == holder.id)
        #expect(MeetingRules.idConflict(.reservationless, among: [holder])?.id == holder.id)
    }

    @Test("A cancelled meeting releases its ID entirely")
    func cancelledReleases() {
        let cancelled = meeting("mtg_1", schedule: slot(0, 60), state: .cancelled)
        #expect(MeetingRules.idConflict(slot(0, 60), among: [cancelled]) == nil)
        #expect(MeetingRules.idConflict(.reservationless, among: [cancelled]) == nil)
    }

    @Test("An ended meeting's ID is free for a later slot, not for one overlapping its booked time")
    func endedBookedTime() {
        // Booked 0-60, ran 0-30.
        let ended = meeting("mtg_1", schedule: slot(0, 60), state: .ended, startedAt: at(0), endedAt: at(30))
        #expect(MeetingRules.idConflict(slot(45, 90), among: [ended])?.id == ended.id, "overlaps the booked slot")
        #expect(MeetingRules.idConflict(slot(60, 120), among: [ended]) == nil, "starts when the booked slot ends")
        #expect(MeetingRules.idConflict(slot(-60, 0), among: [ended]) == nil, "ends when the booked slot starts")
        #expect(MeetingRules.idConflict(slot(24 * 60, 25 * 60), among: [ended]) == nil)
    }

    @Test("An ended meeting that started early or ran over keeps its ID for its actual time")
    func endedActualTime() {
        // Booked 0-60, started 4 minutes early and ran until 90.
        let ranOver = meeting("mtg_1", schedule: slot(0, 60), state: .ended, startedAt: at(-4), endedAt: at(90))
        #expect(MeetingRules.idConflict(slot(60, 120), among: [ranOver])?.id == ranOver.id, "it really ran until 90")
        #expect(MeetingRules.idConflict(slot(-30, -2), among: [ranOver])?.id == ranOver.id, "it really started at -4")
        #expect(MeetingRules.idConflict(slot(90, 150), among: [ranOver]) == nil)
        #expect(MeetingRules.idConflict(slot(-30, -4), among: [ranOver]) == nil)
    }

    @Test("A reservationless request cannot reuse an ID an ended meeting held (it never ends)")
    func reservationlessAfterEnded() {
        let ended = meeting("mtg_1", schedule: slot(0, 60), state: .ended, startedAt: at(0), endedAt: at(60))
        #expect(MeetingRules.idConflict(.reservationless, among: [ended])?.id == ended.id)
    }

    @Test("The meeting being changed does not conflict with itself; others still do")
    func excluding() {
        let own = meeting("mtg_1", schedule: slot(0, 60))
        #expect(MeetingRules.idConflict(slot(0, 60), among: [own], excluding: own.id) == nil)
        let cancelled = meeting("mtg_2", schedule: slot(0, 60), state: .cancelled)
        let live = meeting("mtg_3", schedule: slot(200, 260))
        #expect(MeetingRules.idConflict(slot(0, 60), among: [own, cancelled, live], excluding: own.id)?.id == live.id)
    }

    @Test("No meetings with the ID, no conflict")
    func empty() {
        #expect(MeetingRules.idConflict(slot(0, 60), among: []) == nil)
    }
}
