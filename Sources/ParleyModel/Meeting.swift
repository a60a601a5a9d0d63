/// Where a meeting is in its life.
public enum MeetingState: String, CaseIterable, Hashable, Sendable, Codable {
    /// Booked; nobody has started it.
    case scheduled
    /// Running on a node (counted by the licence rule).
    case inProgress = "in_progress"
    /// Finished normally.
    case ended
    /// Cancelled by its host or an admin before or while it ran.
    case cancelled

    /// Ended or cancelled: the meeting no longer holds its meeting ID.
    public var isFinished: Bool { self == .ended || self == .cancelled }
}

/// When a meeting happens.
public enum MeetingSchedule: Hashable, Sendable {
    /// A booked slot: `start` inclusive, `end` exclusive.
    case scheduled(start: Timestamp, end: Timestamp)
    /// Always available under the host's profile number; no end.
    case reservationless

    public var start: Timestamp? {
        if case .scheduled(let start, _) = self { return start }
        return nil
    }

    public var end: Timestamp? {
        if case .scheduled(_, let end) = self { return end }
        return nil
    }

    /// Whether the two schedules share any instant. A reservationless meeting overlaps
    /// everything (it never ends).
    public func overlaps(_ other: MeetingSchedule) -> Bool {
        switch (self, other) {
        case (.scheduled(let s1, let e1), .scheduled(let s2, let e2)):
            return s1 < e2 && s2 < e1
        default:
            return true
        }
    }
}

/// A meeting as stored. Secrets are hashes.
public struct Meeting: Hashable, Sendable {
    public var id: RecordID
    public var meetingID: MeetingID
    public var title: String
    public var hostID: RecordID
    public var schedule: MeetingSchedule
    /// Hash of the password attendees give to join, if any.
    public var passwordHash: String?
    /// Hash of the PIN the host keys in to take host rights, if any.
    public var hostPINHash: String?
    public var expectedParticipants: Int
    public var preferredSite: String?
    public var state: MeetingState
    /// Who created the meeting (an admin may create for a host); counted by the licence audit.
    public var createdBy: RecordID
    public var createdAt: Timestamp
    public var startedAt: Timestamp?
    public var endedAt: Timestamp?

    public init(
        id: RecordID,
        meetingID: MeetingID,
        title: String,
        hostID: RecordID,
        schedule: MeetingSchedule,
        passwordHash: String? = nil,
        hostPINHash: String? = nil,
        expectedParticipants: Int,
        preferredSite: String? = nil,
        state: MeetingState = .scheduled,
        createdBy: RecordID,
        createdAt: Timestamp,
        startedAt: Timestamp? = nil,
        endedAt: Timestamp? = nil
    ) {
        self.id = id
        self.meetingID = meetingID
        self.title = title
        self.hostID = hostID
        self.schedule = schedule
        self.passwordHash = passwordHash
        self.hostPINHash = hostPINHash
        self.expectedParticipants = expectedParticipants
        self.preferredSite = preferredSite
        self.state = state
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.endedAt = endedAt
    }

    /// The span the meeting actually holds its ID: from its start (or when it started, if
    /// earlier) to its end (or when it ended, if earlier). Reservationless meetings hold it
    /// until they are ended or cancelled.
    public var occupancy: MeetingSchedule {
        switch schedule {
        case .reservationless:
            if let endedAt, state.isFinished {
                return .scheduled(start: min(startedAt ?? createdAt, endedAt), end: endedAt)
            }
            return .reservationless
        case .scheduled(let start, let end):
            let begin = min(start, startedAt ?? start)
            var finish = end
            if state.isFinished, let endedAt { finish = max(min(end, endedAt), begin) }
            return .scheduled(start: begin, end: finish)
        }
    }
}

/// One participant's stay in a meeting, written when the leg ends.
public struct AttendanceRecord: Hashable, Sendable {
    public var id: RecordID
    public var meetingRecordID: RecordID
    /// SIP URI, or `web:<name>` for browser participants.
    public var participantURI: String
    public var displayName: String
    public var joinedAt: Timestamp
    public var leftAt: Timestamp?
    public var codec: String?
    /// Final media statistics as a small JSON object (loss, jitter, RTT), if any.
    public var statistics: String?

    public init(
        id: RecordID,
        meetingRecordID: RecordID,
        participantURI: String,
        displayName: String,
        joinedAt: Timestamp,
        leftAt: Timestamp? = nil,
        codec: String? = nil,
        statistics: String? = nil
    ) {
        self.id = id
        self.meetingRecordID = meetingRecordID
        self.participantURI = participantURI
        self.displayName = displayName
        self.joinedAt = joinedAt
        self.leftAt = leftAt
        self.codec = codec
        self.statistics = statistics
    }
}
