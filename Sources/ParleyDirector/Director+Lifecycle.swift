import Logging
import Metrics
import ParleyModel
import ParleyStore

/// What a meeting's start looks like to whoever asked for it.
public enum MeetingStartOutcome: Sendable, Hashable {
    case started(Meeting)
    /// It was already running (a second caller arrived).
    case alreadyRunning(Meeting)
}

extension Director {
    /// `meeting.start`: the one place a meeting goes into progress, used by the API and by
    /// the media node when the first caller (or the host) arrives. Applies the licence rule:
    /// with no host licence installed only one meeting may be in progress.
    /// - Parameter principal: nil for the system (a node acting on a caller's behalf).
    public func startMeeting(_ reference: String, by principal: Principal?) async throws -> MeetingStartOutcome {
        let now = now()
        let outcome: MeetingStartOutcome = try await store.write { tx in
            var meeting = try await self.find(reference, tx: tx)
            if let principal { try principal.requireHostOrAdmin(of: meeting, "start this meeting") }
            switch meeting.state {
            case .inProgress:
                return .alreadyRunning(meeting)
            case .ended, .cancelled:
                throw ParleyError(
                    .conflict, code: "meeting.finished", message: "Meeting \(meeting.meetingID) has \(meeting.state == .ended ? "ended" : "been cancelled").",
                    fix: "Schedule a new meeting."
                )
            case .scheduled:
                break
            }
            if case .scheduled(let start, let end) = meeting.schedule {
                guard now >= start - MeetingRules.pastStartGrace else {
                    throw ParleyError(
                        .conflict, code: "meeting.not_started_yet",
                        message: "Meeting \(meeting.meetingID) is scheduled to start at \(start); it can be started from 5 minutes before.",
                        fix: "Try again closer to the start time, or move the start (PATCH the meeting)."
                    )
                }
                guard now < end else {
                    throw ParleyError(
                        .conflict, code: "meeting.over", message: "Meeting \(meeting.meetingID) was booked until \(end), which has passed.",
                        fix: "Schedule a new meeting."
                    )
                }
            }
            let running = try await tx.countMeetings(MeetingFilter(states: [.inProgress]))
            let installed = try await tx.licenceGrants().reduce(0) { $0 + $1.hosts }
            do {
                try LicenceRules.checkStart(inProgress: running, installedHosts: installed)
            } catch {
                self.metrics.meetingsRefused.increment()
                throw error
            }
            meeting.state = .inProgress
            meeting.startedAt = now
            try await tx.updateMeeting(meeting)
            return .started(meeting)
        }
        if case .started(let meeting) = outcome {
            metrics.meetingsStarted.increment()
            logger.info("meeting started", metadata: ["meeting_id": "\(meeting.meetingID)"])
        }
        await refreshInProgressGauge()
        return outcome
    }

    /// `meeting.end`: the meeting stops being in progress. A scheduled meeting becomes
    /// `ended` (its ID is free for later, non-overlapping meetings); a reservationless meeting
    /// goes back to `scheduled`, ready for the next time its host opens it.
    public func endMeeting(_ reference: String, by principal: Principal?) async throws -> Meeting {
        let now = now()
        let meeting: Meeting = try await store.write { tx in
            var meeting = try await self.find(reference, tx: tx)
            if let principal { try principal.requireHostOrAdmin(of: meeting, "end this meeting") }
            guard meeting.state == .inProgress else {
                throw ParleyError(
                    .conflict, code: "meeting.not_in_progress",
                    message: "Meeting \(meeting.meetingID) is \(meeting.state.rawValue.replacingUnderscores), not in progress."
                )
            }
            meeting.endedAt = now
            meeting.state = meeting.schedule == .reservationless ? .scheduled : .ended
            try await tx.updateMeeting(meeting)
            return meeting
        }
        logger.info("meeting ended", metadata: ["meeting_id": "\(meeting.meetingID)"])
        await refreshInProgressGauge()
        return meeting
    }

    func refreshInProgressGauge() async {
        if let count = try? await store.read({ tx in try await tx.countMeetings(MeetingFilter(states: [.inProgress])) }) {
            metrics.meetingsInProgress.record(count)
        }
    }
}

extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
