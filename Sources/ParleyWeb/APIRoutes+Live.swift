import Hummingbird
import ParleyDirector
import ParleyModel

/// The running meeting: its roster, and the host's actions on the live calls. Hosts act on
/// their own meetings, administrators on any (the director's rule for seeing a meeting).
extension APIRoutes {
    func registerLive(_ api: RouterGroup<APIContext>) {
        api.get("meetings/:id/participants") { _, context in
            let view = try await director.meeting(try context.parameters.require("id"), by: try context.requirePrincipal())
            let roster = await live.roster(meeting: view.meeting.id)
            return JSONReply(RosterDTO(view.meeting, roster))
        }
        api.post("meetings/:id/participants/:participant/mute") { _, context in
            try await participantAction(context, muted: true)
        }
        api.post("meetings/:id/participants/:participant/unmute") { _, context in
            try await participantAction(context, muted: false)
        }
        api.delete("meetings/:id/participants/:participant") { _, context in
            let view = try await director.meeting(try context.parameters.require("id"), by: try context.requirePrincipal())
            let participant = try context.parameters.require("participant")
            try Self.check(await live.eject(participant: participant, meeting: view.meeting.id), view.meeting, participant)
            return Response(status: .noContent)
        }
        api.post("meetings/:id/mute-all") { _, context in
            try await meetingAction(context) { await live.muteAll(meeting: $0) }
        }
        api.post("meetings/:id/lock") { _, context in
            try await meetingAction(context) { await live.setLocked(true, meeting: $0) }
        }
        api.post("meetings/:id/unlock") { _, context in
            try await meetingAction(context) { await live.setLocked(false, meeting: $0) }
        }
    }

    func participantAction(_ context: APIContext, muted: Bool) async throws -> JSONReply<ParticipantDTO> {
        let view = try await director.meeting(try context.parameters.require("id"), by: try context.requirePrincipal())
        let participant = try context.parameters.require("participant")
        try Self.check(await live.setMuted(muted, participant: participant, meeting: view.meeting.id), view.meeting, participant)
        guard let entry = await live.roster(meeting: view.meeting.id)?.participants.first(where: { $0.id == participant }) else {
            throw Self.participantGone(participant, view.meeting)
        }
        return JSONReply(ParticipantDTO(entry))
    }

    func meetingAction(
        _ context: APIContext, _ action: @Sendable (RecordID) async -> LiveActionOutcome
    ) async throws -> JSONReply<RosterDTO> {
        let view = try await director.meeting(try context.parameters.require("id"), by: try context.requirePrincipal())
        try Self.check(await action(view.meeting.id), view.meeting, nil)
        return JSONReply(RosterDTO(view.meeting, await live.roster(meeting: view.meeting.id)))
    }

    static func check(_ outcome: LiveActionOutcome, _ meeting: Meeting, _ participant: String?) throws(ParleyError) {
        switch outcome {
        case .done:
            return
        case .notLive:
            throw ParleyError(
                .conflict, code: "meeting_not_live",
                message: "Meeting \(meeting.meetingID.digits) has no conference running (it is \(meeting.state.rawValue.replacingUnderscores)).",
                fix: "Live actions work while the meeting is in progress and someone is connected; see GET /api/v1/meetings/\(meeting.id.rawValue)/participants.")
        case .unknownParticipant:
            throw participantGone(participant ?? "?", meeting)
        }
    }

    static func participantGone(_ participant: String, _ meeting: Meeting) -> ParleyError {
        ParleyError(
            .notFound, code: "participant_not_found",
            message: "No participant '\(ParleyError.echo(participant))' is connected to meeting \(meeting.meetingID.digits).",
            fix: "List the connected participants with GET /api/v1/meetings/\(meeting.id.rawValue)/participants; they may have hung up.")
    }
}

extension String {
    /// `in_progress` → `in progress`, for messages.
    fileprivate var replacingUnderscores: String {
        String(map { $0 == "_" ? " " : $0 })
    }
}
