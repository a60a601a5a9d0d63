/// The scheduling rules of the reference system, as pure functions over stored meetings.
///
/// - A scheduled meeting lasts from 2 minutes to 24 hours.
/// - A start more than 5 minutes in the past starts now (the length is kept).
/// - One host cannot host two overlapping scheduled meetings (a host's reservationless
///   meeting is a standing room and does not block scheduling).
/// - A meeting ID is held by at most one meeting that is not finished; an ended meeting's ID
///   may be reused, but not for a slot that overlaps the ended meeting's booked or actual time.
///   Cancelled meetings release their ID entirely.
/// - Reservationless meetings use the host's profile number as meeting ID.
public enum MeetingRules {
    public static let minimumDuration: Duration = .seconds(2 * 60)
    public static let maximumDuration: Duration = .seconds(24 * 3600)
    public static let pastStartGrace: Duration = .seconds(5 * 60)
    public static let expectedParticipantsRange = 1...10_000
    public static let titleLength = 1...200

    /// Validates a requested schedule and applies the "past start starts now" rule.
    public static func normalize(_ schedule: MeetingSchedule, now: Timestamp) throws(ParleyError) -> MeetingSchedule {
        guard case .scheduled(var start, var end) = schedule else { return schedule }
        guard start < end else {
            throw ParleyError(
                .invalid, code: "meeting.end_before_start",
                message: "The meeting ends (\(end)) before or when it starts (\(start)).",
                field: "end", fix: "Give an end later than the start, or a duration of 2 minutes to 24 hours."
            )
        }
        let length = end - start
        guard length >= minimumDuration else {
            throw ParleyError(
                .invalid, code: "meeting.too_short",
                message: "A meeting lasts at least 2 minutes; this one lasts \(Self.describe(length)).",
                field: "end", fix: "Move the end to at least 2 minutes after the start."
            )
        }
        guard length <= maximumDuration else {
            throw ParleyError(
                .invalid, code: "meeting.too_long",
                message: "A meeting lasts at most 24 hours; this one lasts \(Self.describe(length)).",
                field: "end", fix: "Schedule separate meetings for more than 24 hours."
            )
        }
        if start < now - pastStartGrace {
            start = now
            end = now + length
        }
        return .scheduled(start: start, end: end)
    }

    /// The first meeting of the same host, other than `excluding`, that is not finished and
    /// overlaps `schedule`. Only scheduled meetings take part.
    public static func hostConflict(
        _ schedule: MeetingSchedule,
        among hostMeetings: [Meeting],
        excluding: RecordID? = nil
    ) -> Meeting? {
        guard case .scheduled = schedule else { return nil }
        return hostMeetings.first { other in
            other.id != excluding && !other.state.isFinished
                && other.schedule != .reservationless && other.schedule.overlaps(schedule)
        }
    }

    /// The first meeting with the same meeting ID, other than `excluding`, that keeps
    /// `schedule` from using that ID.
    public static func idConflict(
        _ schedule: MeetingSchedule,
        among sameID: [Meeting],
        excluding: RecordID? = nil
    ) -> Meeting? {
        sameID.first { other in
            guard other.id != excluding else { return false }
            switch other.state {
            case .scheduled, .inProgress:
                return true
            case .cancelled:
                return false
            case .ended:
                return heldSpan(of: other).overlaps(schedule)
            }
        }
    }

    /// The span an ended meeting keeps its ID for: its booked slot and the time it really ran.
    static func heldSpan(of meeting: Meeting) -> MeetingSchedule {
        let ran: (Timestamp, Timestamp)? = meeting.startedAt.flatMap { s in meeting.endedAt.map { (s, $0) } }
        switch meeting.schedule {
        case .reservationless:
            guard let ran else { return .scheduled(start: meeting.createdAt, end: meeting.createdAt) }
            return .scheduled(start: ran.0, end: ran.1)
        case .scheduled(let start, let end):
            guard let ran else { return meeting.schedule }
            return .scheduled(start: min(start, ran.0), end: max(end, ran.1))
        }
    }

    static func describe(_ d: Duration) -> String {
        let seconds = d.components.seconds
        if seconds < 120 { return "\(seconds) seconds" }
        if seconds < 7200 { return "\(seconds / 60) minutes" }
        return "\(seconds / 3600) hours \((seconds % 3600) / 60) minutes"
    }
}

/// The licence rules of the reference system ("License Requirements"): active host-based
/// licensing with an audit, and one meeting at a time when no licence is installed.
public enum LicenceRules {
    public static let alarmCode = "licence.hosts_exceeded"

    /// Whether another meeting may start, given how many are in progress and how many host
    /// licences are installed. Throws the refusal the caller shows or speaks.
    public static func checkStart(inProgress: Int, installedHosts: Int) throws(ParleyError) {
        guard installedHosts == 0, inProgress >= 1 else { return }
        throw ParleyError(
            .refused, code: "licence.single_meeting",
            message: "No host licences are installed, so only one meeting may be in progress at a time, and one already is.",
            fix: "Wait for it to end, or install host licences with `parley license add --hosts N` (or POST /api/v1/licenses)."
        )
    }

    /// The audit's verdict: whether the active hosts exceed the installed licences.
    public static func exceeds(activeHosts: Int, installedHosts: Int) -> Bool {
        activeHosts > installedHosts
    }

    public static func alarmMessage(activeHosts: Int, installedHosts: Int, windowDays: Int) -> String {
        "\(activeHosts) users created meetings in the last \(windowDays) days, but only \(installedHosts) host licences are installed. "
            + "Add licences with `parley license add --hosts \(activeHosts - installedHosts)`."
    }
}
