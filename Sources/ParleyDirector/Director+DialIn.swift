import Logging
import ParleyModel
import ParleyStore

/// What a node learns about a meeting when a caller keys in its ID.
public struct DialInMeeting: Sendable, Hashable {
    public var recordID: RecordID
    public var meetingID: MeetingID
    public var title: String
    public var state: MeetingState
    public var reservationless: Bool
    public var needsPassword: Bool
    public var hasHostPIN: Bool
    public var expectedParticipants: Int
}

/// Why a caller cannot enter a meeting (the IVR speaks it).
public enum DialInRefusal: Error, Sendable, Hashable {
    case notFound
    case notStarted
    case ended
    case noLicence
}

extension Director {
    /// The meeting a caller means by `digits` right now: the one in progress, else the
    /// scheduled one whose slot has begun (from 5 minutes before its start), else a
    /// reservationless one. Starts it (`meeting.start`, with the licence rule) when needed.
    public func admitCaller(meetingID digits: String) async throws(DialInRefusal) -> DialInMeeting {
        let meeting = try await dialInCandidate(digits)
        if meeting.state == .scheduled {
            do {
                _ = try await startMeeting(meeting.id.rawValue, by: nil)
            } catch let error as ParleyError where error.code == "licence.single_meeting" {
                throw .noLicence
            } catch {
                logger.error("dial-in start failed", metadata: ["meeting_id": "\(digits)", "error": "\(error)"])
                throw .notStarted
            }
        }
        return DialInMeeting(
            recordID: meeting.id, meetingID: meeting.meetingID, title: meeting.title, state: .inProgress,
            reservationless: meeting.schedule == .reservationless, needsPassword: meeting.passwordHash != nil,
            hasHostPIN: meeting.hostPINHash != nil, expectedParticipants: meeting.expectedParticipants
        )
    }

    /// The meeting `digits` names for a caller right now, as ``admitCaller(meetingID:)`` finds
    /// it, without starting it: the browser join form shows its title and whether it wants a
    /// password before anyone is admitted.
    public func lookUpDialIn(meetingID digits: String) async throws(DialInRefusal) -> DialInMeeting {
        let meeting = try await dialInCandidate(digits)
        return DialInMeeting(
            recordID: meeting.id, meetingID: meeting.meetingID, title: meeting.title, state: meeting.state,
            reservationless: meeting.schedule == .reservationless, needsPassword: meeting.passwordHash != nil,
            hasHostPIN: meeting.hostPINHash != nil, expectedParticipants: meeting.expectedParticipants
        )
    }

    /// Whether the user is the meeting's host (for the web role: a signed-in host joins as host).
    public func isHost(_ principal: Principal, of recordID: RecordID) async -> Bool {
        if principal.isAdmin { return true }
        guard let meeting = try? await store.read({ tx in try await tx.meeting(id: recordID) }) else { return false }
        return meeting.hostID == principal.user.id
    }

    private func dialInCandidate(_ digits: String) async throws(DialInRefusal) -> Meeting {
        guard let id = MeetingID(digits) else { throw .notFound }
        let now = now()
        let candidates: [Meeting]
        do {
            candidates = try await store.read { tx in try await tx.meetings(MeetingFilter(meetingID: id, limit: 100)) }
        } catch {
            logger.error("dial-in lookup failed", metadata: ["meeting_id": "\(digits)", "error": "\(error)"])
            throw .notFound
        }
        let unfinished = candidates.filter { !$0.state.isFinished }
        guard let meeting = unfinished.first(where: { $0.state == .inProgress }) ?? unfinished.first else {
            throw candidates.isEmpty ? .notFound : .ended
        }
        if meeting.state == .scheduled, case .scheduled(let start, let end) = meeting.schedule {
            if now < start - MeetingRules.pastStartGrace { throw .notStarted }
            if now >= end { throw .ended }
        }
        return meeting
    }

    /// Whether `password` is the meeting's attendee password (true when it has none).
    public func checkMeetingPassword(_ recordID: RecordID, _ password: String) async -> Bool {
        guard let meeting = try? await store.read({ tx in try await tx.meeting(id: recordID) }) else { return false }
        guard let hash = meeting.passwordHash else { return true }
        return hasher.verify(password, against: hash)
    }

    /// Whether `pin` is the meeting's host PIN, or the host's own profile PIN.
    public func checkHostPIN(_ recordID: RecordID, _ pin: String) async -> Bool {
        let found: (Meeting, User?)? = try? await store.read { tx in
            guard let meeting = try await tx.meeting(id: recordID) else { return nil }
            return (meeting, try await tx.user(id: meeting.hostID))
        }
        guard let (meeting, host) = found else { return false }
        if let hash = meeting.hostPINHash, hasher.verify(pin, against: hash) { return true }
        if let hash = host?.pinHash, hasher.verify(pin, against: hash) { return true }
        return false
    }
}

extension Director {
    /// Starts an attendance record and returns its ID.
    public func beginAttendance(meeting: RecordID, uri: String, displayName: String, joinedAt: Timestamp, codec: String) async -> RecordID? {
        let record = AttendanceRecord(
            id: .random(prefix: "att"), meetingRecordID: meeting, participantURI: String(uri.prefix(512)),
            displayName: String(displayName.prefix(128)), joinedAt: joinedAt, codec: codec
        )
        do {
            try await store.write { tx in try await tx.insertAttendance(record) }
            return record.id
        } catch {
            logger.error("attendance record not written", metadata: ["meeting": "\(meeting)", "error": "\(error)"])
            return nil
        }
    }

    /// Completes an attendance record with the leave time and final media statistics.
    public func finishAttendance(_ id: RecordID, meeting: RecordID, leftAt: Timestamp, statistics: String?) async {
        do {
            try await store.write { tx in
                guard var record = try await tx.attendance(meetingRecordID: meeting).first(where: { $0.id == id }) else { return }
                record.leftAt = leftAt
                record.statistics = statistics
                try await tx.updateAttendance(record)
            }
        } catch {
            logger.error("attendance record not completed", metadata: ["meeting": "\(meeting)", "error": "\(error)"])
        }
    }
}
