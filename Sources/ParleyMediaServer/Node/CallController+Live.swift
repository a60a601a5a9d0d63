import Logging
import ParleyModel
import ParleySIP

/// The roster and host actions on running meetings, for the API (``LiveMeetingControl``).
/// Participants are named by their `prt_…` identifiers; the SIP Call-IDs stay inside.
extension CallController: LiveMeetingControl {
    public func roster(meeting: RecordID) async -> LiveRoster? {
        guard rooms[meeting.rawValue] != nil else { return nil }
        let legs = await media.roster(room: meeting.rawValue)
        // Re-read after the await: calls may have come or gone meanwhile.
        guard let room = rooms[meeting.rawValue] else { return nil }
        let byLeg = Dictionary(legs.map { ($0.legID, $0) }, uniquingKeysWith: { first, _ in first })
        let participants = (room.members + room.waiting).compactMap { callID -> LiveParticipant? in
            guard let call = calls[callID] else { return nil }
            let leg = byLeg[callID]
            return LiveParticipant(
                id: call.participantID, displayName: call.description.fromDisplayName ?? call.description.fromURI,
                uri: call.description.fromURI, isHost: call.isHost, isMuted: call.muted, isTalking: leg?.isTalking ?? false,
                isWaiting: call.phase == .waitingForHost, codec: call.codecName,
                joinedAt: Timestamp(millisecondsSinceEpoch: call.joinedAt), media: leg?.statistics
            )
        }
        return LiveRoster(meeting: meeting, isLocked: room.locked, participants: participants)
    }

    public func setMuted(_ muted: Bool, participant: String, meeting: RecordID) async -> LiveActionOutcome {
        let found = member(participant, of: meeting)
        guard case .found(let callID) = found else { return found.outcome }
        guard calls[callID]?.muted != muted else { return .done }
        calls[callID]?.muted = muted
        await media.setMuted(legID: callID, muted)
        await media.play(legID: callID, fileNames: [(muted ? IVRPrompt.muted : .unmuted).rawValue])
        calls[callID]?.browser?.muted(muted)
        logger.info("participant \(muted ? "muted" : "unmuted") by the API", metadata: ["sip_call_id": "\(callID)"])
        return .done
    }

    public func eject(participant: String, meeting: RecordID) async -> LiveActionOutcome {
        let found = member(participant, of: meeting)
        guard case .found(let callID) = found else { return found.outcome }
        logger.info("participant ejected by the API", metadata: ["sip_call_id": "\(callID)"])
        await sayGoodbye(callID, .ejected)
        return .done
    }

    public func muteAll(meeting: RecordID) async -> LiveActionOutcome {
        guard let room = rooms[meeting.rawValue] else { return .notLive }
        for member in room.members where calls[member]?.isHost != true && calls[member]?.muted != true {
            calls[member]?.muted = true
            calls[member]?.browser?.muted(true)
            await media.setMuted(legID: member, true)
            await media.play(legID: member, fileNames: [IVRPrompt.muted.rawValue])
        }
        return .done
    }

    public func setLocked(_ locked: Bool, meeting: RecordID) async -> LiveActionOutcome {
        guard rooms[meeting.rawValue] != nil else { return .notLive }
        rooms[meeting.rawValue]?.locked = locked
        logger.info("meeting \(locked ? "locked" : "unlocked") by the API", metadata: ["meeting": "\(meeting.rawValue)"])
        return .done
    }

    public func endConference(meeting: RecordID) async {
        guard var room = rooms[meeting.rawValue], !room.closing else { return }
        room.closing = true
        rooms[meeting.rawValue] = room
        // Out of the mix first, so the goodbye is heard alone.
        await media.closeRoom(id: meeting.rawValue)
        for callID in room.members + room.waiting {
            await sayGoodbye(callID, .meetingEnded)
        }
        logger.info("meeting ended; callers said goodbye", metadata: ["meeting": "\(meeting.rawValue)", "callers": "\(room.members.count + room.waiting.count)"])
    }

    private enum Lookup {
        case found(String)
        case notLive
        case unknown

        var outcome: LiveActionOutcome {
            switch self {
            case .found: .done
            case .notLive: .notLive
            case .unknown: .unknownParticipant
            }
        }
    }

    /// The Call-ID of participant `id` when it is in (or waiting for) the meeting.
    private func member(_ id: String, of meeting: RecordID) -> Lookup {
        guard let room = rooms[meeting.rawValue], !room.closing else { return .notLive }
        let callID = (room.members + room.waiting).first { calls[$0]?.participantID == id && calls[$0]?.phase != .leaving }
        return callID.map(Lookup.found) ?? .unknown
    }
}
