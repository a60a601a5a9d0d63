import Logging
import NIOCore
import ParleyModel
import ParleySIP

/// Why a browser participant is not (or no longer) in the meeting; the `ended` frame's
/// `reason` (docs/web-protocol.md).
public enum BrowserLeaveReason: String, Sendable, Hashable {
    case left
    case ejected
    case meetingEnded = "meeting_ended"
    case locked
    case full
    case notFound = "not_found"
    case notStarted = "not_started"
    case noLicence = "no_licence"
    case unavailable

    /// What a caller hears before the node hangs up for this reason.
    var goodbyePrompts: [IVRPrompt] {
        switch self {
        case .meetingEnded: [.meetingEnded, .goodbye]
        case .locked: [.meetingLocked, .goodbye]
        case .ejected: [.removed, .goodbye]
        default: [.goodbye]
        }
    }

    /// What the page tells the participant.
    public var message: String {
        switch self {
        case .left: "You left the meeting."
        case .ejected: "The host removed you from the meeting."
        case .meetingEnded: "The meeting has ended."
        case .locked: "The host has locked the meeting; nobody else can join now."
        case .full: "The meeting is full."
        case .notFound: "No meeting has this ID."
        case .notStarted: "The meeting has not started yet."
        case .noLicence: "No licence allows another meeting to start now; ask your administrator."
        case .unavailable: "This conferencing node cannot take you now; try again in a minute."
        }
    }
}

/// A browser participant asking to join (the web role has checked the password already).
public struct BrowserJoinRequest: Sendable {
    public var meetingID: String
    public var displayName: String
    public var isHost: Bool
    /// The browser's address (logs, the attendance record's URI).
    public var source: SocketAddress
    /// A secret of the join ticket: a rejoin that presents the same one (and ``previousParticipant``)
    /// replaces its earlier, dropped connection and keeps its participant ID.
    public var resumeKey: String?
    public var previousParticipant: String?

    public init(
        meetingID: String, displayName: String, isHost: Bool, source: SocketAddress, resumeKey: String? = nil,
        previousParticipant: String? = nil
    ) {
        self.meetingID = meetingID
        self.displayName = displayName
        self.isHost = isHost
        self.source = source
        self.resumeKey = resumeKey
        self.previousParticipant = previousParticipant
    }
}

/// What the web role asks of the node about browser participants (``CallController``
/// conforms; in `parley serve` the web role reaches it through a relay).
public protocol BrowserParticipantControl: Sendable {
    func joinBrowser(_ request: BrowserJoinRequest, events: BrowserParticipantEvents) async -> BrowserJoinResult
    func setBrowserMuted(_ participation: BrowserParticipation, _ muted: Bool) async
    func browserLeft(_ participation: BrowserParticipation) async
}

/// What the node tells a browser participant's socket. Closures are called from call
/// control or the media loop: hand the event to the socket and return.
public struct BrowserParticipantEvents: Sendable {
    public var audio: BrowserAudioOutlet
    /// The participant's mute state changed (host, mute all, or the participant itself).
    public var muted: @Sendable (Bool) -> Void
    /// The node ended the participation; the web role sends `ended` and closes the socket.
    public var ended: @Sendable (BrowserLeaveReason) -> Void

    public init(
        audio: BrowserAudioOutlet, muted: @escaping @Sendable (Bool) -> Void, ended: @escaping @Sendable (BrowserLeaveReason) -> Void
    ) {
        self.audio = audio
        self.muted = muted
        self.ended = ended
    }
}

/// A browser participant in a meeting.
public struct BrowserParticipation: Sendable {
    /// The roster's name for it (`prt_…`).
    public var participantID: String
    /// The meeting's record (`mtg_…`).
    public var meeting: String
    public var isHost: Bool
    /// Muted when it joined (a rejoin keeps the mute of the dropped connection).
    public var isMuted: Bool
    /// Where the socket's binary frames go.
    public var inlet: BrowserAudioInlet
    let callID: String
}

public enum BrowserJoinResult: Sendable {
    case joined(BrowserParticipation)
    case refused(BrowserLeaveReason)
}

/// Browser participants: the same calls, rooms and roster as SIP callers, without the IVR.
extension CallController: BrowserParticipantControl {
    public func joinBrowser(_ request: BrowserJoinRequest, events: BrowserParticipantEvents) async -> BrowserJoinResult {
        // A rejoin after a dropped connection: the old call goes (its socket is dead), the
        // participant ID stays.
        var participantID = Self.newParticipantID()
        var wasMuted = false
        if let previous = request.previousParticipant, let key = request.resumeKey, browserResumption[key]?.participant == previous {
            if let stale = calls.first(where: { $0.value.participantID == previous && $0.value.browserResumeKey == key }) {
                calls[stale.key]?.browser = nil
                await callEnded(callID: stale.key, reason: .transportFailure)
            }
            if !calls.values.contains(where: { $0.participantID == previous }) {
                participantID = previous
                wasMuted = browserResumption[key]?.muted ?? false
            }
        }
        let admission = await directory.admit(meetingID: request.meetingID)
        let meeting: AdmittedMeeting
        switch admission {
        case .admitted(let admitted):
            meeting = admitted
        case .refused(let why):
            return .refused(Self.leaveReason(why))
        }
        if let room = rooms[meeting.meeting] {
            if room.closing { return .refused(.meetingEnded) }
            if room.locked && !request.isHost { return .refused(.locked) }
            if room.members.count + room.waiting.count >= meeting.capacity { return .refused(.full) }
        }
        guard let keypad = KeypadCommands(keymap: settings.keymap) else { return .refused(.unavailable) }
        let callID = "web-" + participantID
        let description = CallDescription(
            callID: callID, dialled: request.meetingID, fromURI: "web:\(request.source.ipAddress ?? "browser")",
            fromDisplayName: request.displayName, source: request.source, transport: "ws")
        var call = Call(description: description, participantID: participantID, media: nil, ivr: IVRStateMachine(), keypad: keypad)
        call.meeting = meeting
        call.browser = events
        call.browserResumeKey = request.resumeKey
        calls[callID] = call
        let inlet: BrowserAudioInlet
        do {
            inlet = try await media.createBrowserLeg(
                id: callID, placement: request.meetingID, outlet: events.audio, callbacks: callbacks(for: callID))
        } catch {
            calls[callID] = nil
            logger.error("browser media leg not created", metadata: ["participant": "\(participantID)", "error": "\(error)"])
            return .refused(.unavailable)
        }
        calls[callID]?.legReady = true
        if let key = request.resumeKey {
            if browserResumption.count > 10_000 { browserResumption.removeAll() }
            browserResumption[key] = (participantID, wasMuted)
        }
        if wasMuted {
            calls[callID]?.muted = true
            await media.setMuted(legID: callID, true)
        }
        await join(callID: callID, asHost: request.isHost)
        logger.info(
            "browser participant joined",
            metadata: ["participant": "\(participantID)", "meeting_id": "\(meeting.meetingID)", "host": "\(request.isHost)"])
        return .joined(
            BrowserParticipation(
                participantID: participantID, meeting: meeting.meeting, isHost: request.isHost, isMuted: wasMuted, inlet: inlet, callID: callID))
    }

    /// The participant muted or unmuted itself.
    public func setBrowserMuted(_ participation: BrowserParticipation, _ muted: Bool) async {
        guard let call = calls[participation.callID], call.muted != muted else { return }
        calls[participation.callID]?.muted = muted
        if let key = call.browserResumeKey { browserResumption[key]?.muted = muted }
        await media.setMuted(legID: participation.callID, muted)
    }

    /// The socket closed (the participant left, or the connection dropped).
    public func browserLeft(_ participation: BrowserParticipation) async {
        guard calls[participation.callID]?.browser != nil else { return }
        await callEnded(callID: participation.callID, reason: .remoteBye)
    }

    /// Ends a browser participant's call from the node's side: the socket hears why, then
    /// the call is gone (SIP calls get a BYE instead).
    func endBrowserCall(_ callID: String) async {
        guard let call = calls[callID], let browser = call.browser else { return }
        browser.ended(call.browserLeaveReason ?? .left)
        await callEnded(callID: callID, reason: .localHangUp)
    }

    static func leaveReason(_ lookup: IVRStateMachine.LookupResult) -> BrowserLeaveReason {
        switch lookup {
        case .found: .unavailable
        case .notFound: .notFound
        case .notStarted: .notStarted
        case .ended: .meetingEnded
        case .locked: .locked
        case .full: .full
        case .noLicence: .noLicence
        }
    }
}
