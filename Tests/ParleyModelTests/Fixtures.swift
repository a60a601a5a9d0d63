import ParleyModel

/// 2026-11-21T09:00:00Z, the reference "now" of the model tests.
let t0 = Timestamp(secondsSinceEpoch: 1_795_251_600)

/// `t0` moved by a number of minutes (negative for earlier).
func at(_ minutes: Int64) -> Timestamp {
    t0 + .seconds(minutes * 60)
}

/// A booked slot from `from` to `to` minutes after `t0`.
func slot(_ from: Int64, _ to: Int64) -> MeetingSchedule {
    .scheduled(start: at(from), end: at(to))
}

let hostA = RecordID(rawValue: "usr_aaaaaaaaaaaaaaaaaaaa")
let hostB = RecordID(rawValue: "usr_bbbbbbbbbbbbbbbbbbbb")

/// A stored meeting with just the fields the rules read.
func meeting(
    _ record: String,
    id: String = "123456",
    host: RecordID = hostA,
    schedule: MeetingSchedule,
    state: MeetingState = .scheduled,
    startedAt: Timestamp? = nil,
    endedAt: Timestamp? = nil,
    createdAt: Timestamp = at(-24 * 60)
) -> Meeting {
    Meeting(
        id: RecordID(rawValue: record), meetingID: MeetingID(id)!, title: "Weekly", hostID: host, schedule: schedule,
        expectedParticipants: 10, state: state, createdBy: host, createdAt: createdAt, startedAt: startedAt, endedAt: endedAt
    )
}
