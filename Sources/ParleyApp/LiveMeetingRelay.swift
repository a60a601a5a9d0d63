import NIOCore
import ParleyMediaServer
import ParleyModel
import Synchronization

/// The web role's way to the calls of a running meeting. In `parley serve` the node's call
/// control attaches itself when it starts; until then (or in a process without the node
/// role) no meeting is live here.
final class LiveMeetingRelay: LiveMeetingControl, BrowserParticipantControl {
    private let target = Mutex<(any LiveMeetingControl & BrowserParticipantControl)?>(nil)

    func attach(_ control: (any LiveMeetingControl & BrowserParticipantControl)?) {
        target.withLock { $0 = control }
    }

    private var current: (any LiveMeetingControl & BrowserParticipantControl)? { target.withLock { $0 } }

    // MARK: Browser participants

    func joinBrowser(_ request: BrowserJoinRequest, events: BrowserParticipantEvents) async -> BrowserJoinResult {
        await current?.joinBrowser(request, events: events) ?? .refused(.unavailable)
    }

    func setBrowserMuted(_ participation: BrowserParticipation, _ muted: Bool) async {
        await current?.setBrowserMuted(participation, muted)
    }

    func browserLeft(_ participation: BrowserParticipation) async {
        await current?.browserLeft(participation)
    }

    // MARK: Live meetings

    func roster(meeting: RecordID) async -> LiveRoster? {
        await current?.roster(meeting: meeting)
    }

    func setMuted(_ muted: Bool, participant: String, meeting: RecordID) async -> LiveActionOutcome {
        await current?.setMuted(muted, participant: participant, meeting: meeting) ?? .notLive
    }

    func eject(participant: String, meeting: RecordID) async -> LiveActionOutcome {
        await current?.eject(participant: participant, meeting: meeting) ?? .notLive
    }

    func muteAll(meeting: RecordID) async -> LiveActionOutcome {
        await current?.muteAll(meeting: meeting) ?? .notLive
    }

    func setLocked(_ locked: Bool, meeting: RecordID) async -> LiveActionOutcome {
        await current?.setLocked(locked, meeting: meeting) ?? .notLive
    }

    func endConference(meeting: RecordID) async {
        await current?.endConference(meeting: meeting)
    }
}
