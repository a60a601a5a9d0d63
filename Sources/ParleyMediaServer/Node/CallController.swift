import Logging
import NIOCore
import ParleySIP

/// Call control: the node's side of every call after SIP has done its part.
///
/// A call goes lobby (IVR: meeting ID, password, host PIN) → waiting for the host (a
/// reservationless meeting whose host is not there yet) → in the meeting's room, where keypad
/// commands work → gone. The actor owns the control-plane state (calls, rooms); audio never
/// passes through it. Director calls are awaited, so state is re-read after every await.
public actor CallController: CallHandling {
    enum Phase: Sendable, Equatable {
        case lobby
        case waitingForHost
        case inRoom
        case leaving
    }

    struct Call: Sendable {
        var description: CallDescription
        /// The roster's and the API's name for the call (`prt_…`); the SIP Call-ID stays internal.
        var participantID: String
        /// When the caller reached the meeting (waiting room or conference), wall clock ms.
        var joinedAt: Int64 = 0
        var media: SDPNegotiatedMedia?
        var ivr: IVRStateMachine
        var keypad: KeypadCommands
        var phase: Phase = .lobby
        var meeting: AdmittedMeeting?
        var isHost = false
        var muted = false
        var legReady = false
        var attendance: String?
        var digitTimer = 0
        /// Hang up once the queued prompts have played (ejected, meeting ended, locked out).
        var hangUpAfterPrompts = false
        /// A browser participant's socket (nil for SIP calls).
        var browser: BrowserParticipantEvents?
        /// Why a browser participant's call is ending, for its `ended` frame.
        var browserLeaveReason: BrowserLeaveReason?
        var browserResumeKey: String?

        /// The codec the roster and attendance record show (L16 for browsers).
        var codecName: String { browser != nil ? "L16" : media.map { $0.codec.encodingName } ?? "?" }
    }

    struct Room: Sendable {
        var meeting: AdmittedMeeting
        /// Call IDs in the order they entered.
        var members: [String] = []
        var waiting: [String] = []
        var locked = false
        var hostPresent = false
        var emptyGeneration = 0
        /// The meeting ended: everyone is being said goodbye to.
        var closing = false
    }

    let media: any MediaControl
    let directory: any MeetingDirectory
    let settings: CallControlSettings
    let logger: Logger
    let wallClock: @Sendable () -> Int64
    var signalling: (any CallSignalling)?
    var calls: [String: Call] = [:]
    var rooms: [String: Room] = [:]
    var failures: [String: [ContinuousClock.Instant]] = [:]
    /// Browser participants by join-ticket secret: a rejoin after a drop keeps its participant
    /// ID and its mute (bounded; cleared beyond 10,000 tickets).
    var browserResumption: [String: (participant: String, muted: Bool)] = [:]

    public init(
        media: any MediaControl, directory: any MeetingDirectory, settings: CallControlSettings, logger: Logger,
        wallClock: @escaping @Sendable () -> Int64
    ) {
        self.media = media
        self.directory = directory
        self.settings = settings
        self.logger = logger
        self.wallClock = wallClock
    }

    /// The SIP service, once started (it needs the handler first).
    public func attach(signalling: any CallSignalling) {
        self.signalling = signalling
    }

    // MARK: CallHandling

    public func incomingCall(_ call: CallDescription, media negotiated: SDPNegotiatedMedia?) async -> CallDecision {
        let user = call.dialled
        let isAccess = settings.accessNumbers.contains(user)
        guard isAccess || (4...10).contains(user.count) && user.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return .reject(status: 404, reason: "No meeting or access number \(user.prefix(32))")
        }
        if isFlooding(source: call.source) {
            return .reject(status: 503, reason: "Too many unknown meeting IDs from this address; try later")
        }
        guard let keypad = KeypadCommands(keymap: settings.keymap) else {
            return .reject(status: 500, reason: "Keypad map misconfigured")
        }
        let port: Int
        do {
            // A call to a meeting ID goes straight to that meeting's media shard.
            port = try await media.prepareLeg(id: call.callID, placement: isAccess ? nil : user)
        } catch {
            logger.warning("no media port for a call", metadata: ["sip_call_id": "\(call.callID)", "error": "\(error)"])
            return .reject(status: 503, reason: "No media port free on this node; try again later")
        }
        calls[call.callID] = Call(
            description: call, participantID: Self.newParticipantID(), media: negotiated, ivr: IVRStateMachine(), keypad: keypad)
        return .accept(localMediaAddress: media.advertisedAddress, localMediaPort: port)
    }

    public func callEstablished(callID: String, media negotiated: SDPNegotiatedMedia?) async {
        guard var call = calls[callID] else { return }
        if let negotiated { call.media = negotiated }
        guard let legMedia = call.media else {
            logger.warning("call without agreed media; hanging up", metadata: ["sip_call_id": "\(callID)"])
            calls[callID] = call
            await hangUp(callID)
            return
        }
        calls[callID] = call
        do {
            try await media.createLeg(id: callID, media: legMedia, callbacks: callbacks(for: callID))
        } catch {
            logger.error("media leg not created", metadata: ["sip_call_id": "\(callID)", "error": "\(error)"])
            await hangUp(callID)
            return
        }
        calls[callID]?.legReady = true
        let dialled = call.description.dialled
        let direct = settings.accessNumbers.contains(dialled) ? nil : dialled
        var ivr = calls[callID]?.ivr ?? IVRStateMachine()
        let actions = ivr.start(meetingID: direct)
        calls[callID]?.ivr = ivr
        await perform(actions, callID: callID)
    }

    public func mediaChanged(callID: String, media negotiated: SDPNegotiatedMedia) async {
        guard calls[callID] != nil else { return }
        calls[callID]?.media = negotiated
        await media.updateLeg(id: callID, media: negotiated)
    }

    public func dtmf(callID: String, digit: Character) async {
        await digitPressed(callID: callID, digit: digit)
    }

    public func callEnded(callID: String, reason: CallEndReason) async {
        guard let call = calls.removeValue(forKey: callID) else { return }
        logger.info("call ended", metadata: ["sip_call_id": "\(callID)", "reason": "\(reason)"])
        // The leg goes first (it leaves its room with it), so its final figures go into the
        // attendance record.
        // A call that never got its leg still releases its prepared port.
        let closed = await media.closeLeg(id: callID)
        let final = call.legReady ? closed : nil
        if let meeting = call.meeting?.meeting {
            await leaveRoom(callID: callID, call: call, meeting: meeting, final: final)
        }
    }

    /// A fresh participant identifier: `prt_` and 16 hex digits.
    static func newParticipantID() -> String {
        let hex = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return "prt_" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    // MARK: Events from the media leg

    func callbacks(for callID: String) -> MediaLegCallbacks {
        MediaLegCallbacks(
            onDigit: { digit in Task { await self.digitPressed(callID: callID, digit: digit) } },
            onPlaybackFinished: { Task { await self.playbackFinished(callID: callID) } },
            onTimeout: {
                Task {
                    self.logger.notice("no RTP from caller; hanging up", metadata: ["sip_call_id": "\(callID)"])
                    await self.hangUp(callID)
                }
            }
        )
    }

    func digitPressed(callID: String, digit: Character) async {
        guard var call = calls[callID] else { return }
        switch call.phase {
        case .lobby:
            let actions = call.ivr.digit(digit)
            calls[callID] = call
            await perform(actions, callID: callID)
        case .inRoom:
            let command = call.keypad.digit(digit)
            calls[callID] = call
            if let command { await run(command, callID: callID) }
        case .waitingForHost, .leaving:
            break
        }
    }

    func playbackFinished(callID: String) async {
        if calls[callID]?.hangUpAfterPrompts == true {
            await hangUp(callID)
            return
        }
        guard var call = calls[callID], call.phase == .lobby else { return }
        let actions = call.ivr.playbackFinished()
        calls[callID] = call
        await perform(actions, callID: callID)
    }

    func digitTimerFired(callID: String, generation: Int) async {
        guard var call = calls[callID], call.phase == .lobby, call.digitTimer == generation else { return }
        let actions = call.ivr.digitTimerFired()
        calls[callID] = call
        await perform(actions, callID: callID)
    }

    func hangUp(_ callID: String) async {
        calls[callID]?.phase = .leaving
        calls[callID]?.hangUpAfterPrompts = false
        if calls[callID]?.browser != nil {
            await endBrowserCall(callID)
            return
        }
        await signalling?.hangUp(callID: callID)
    }

    /// Tells the caller why it must go ("the meeting has ended", "…locked", "the host has
    /// removed you", then "goodbye"), then hangs up (at the latest after `limit`, should the
    /// playback never report its end). A browser participant's `ended` frame gives the same reason.
    func sayGoodbye(_ callID: String, _ reason: BrowserLeaveReason, limit: Duration = .seconds(15)) async {
        guard calls[callID] != nil else { return }
        calls[callID]?.phase = .leaving
        calls[callID]?.hangUpAfterPrompts = true
        calls[callID]?.browserLeaveReason = reason
        await media.stopPlayback(legID: callID)
        await media.play(legID: callID, fileNames: reason.goodbyePrompts.map(\.rawValue))
        Task {
            try? await Task.sleep(for: limit)
            if self.calls[callID]?.hangUpAfterPrompts == true { await self.hangUp(callID) }
        }
    }

    // MARK: Flood protection

    func isFlooding(source: SocketAddress) -> Bool {
        let key = source.ipAddress ?? "?"
        let now = ContinuousClock.now
        let recent = (failures[key] ?? []).filter { now - $0 < settings.floodWindow }
        failures[key] = recent.isEmpty ? nil : recent
        return recent.count >= settings.floodLimit
    }

    func recordFailure(callID: String) {
        guard let source = calls[callID]?.description.source.ipAddress else { return }
        if failures.count > 10_000 { failures.removeAll() }
        failures[source, default: []].append(ContinuousClock.now)
    }
}
