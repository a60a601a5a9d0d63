/// The dial-in conversation: meeting ID, password, host PIN, then joining.
///
/// A pure state machine (STYLE.md, "State machines"): the call feeds it events (the call
/// started, a DTMF digit, the director's answer, prompts finished playing, a timer fired) and
/// executes the actions it returns. It never blocks and never reads a clock; the digit timer is
/// an action and comes back as an event.
///
/// - `#` ends an entry; `*` clears what was typed so far.
/// - A digit while prompts play stops them (barge-in).
/// - Each entry gets `maximumTries` tries; then "too many tries", "goodbye" and hang-up.
/// - No digit for `digitTimeout`: what was typed counts as entered, or the question is asked
///   again (which uses a try).
public struct IVRStateMachine: Sendable {
    /// What the director answered about a meeting ID.
    public enum LookupResult: Sendable, Hashable {
        case found(needsPassword: Bool, hasHostPIN: Bool)
        case notFound
        case notStarted
        case ended
        case locked
        case full
        /// No licence allows another meeting to start now.
        case noLicence
    }

    public enum Action: Sendable, Hashable {
        /// Play these in order (after anything already queued).
        case play([IVRUtterance])
        /// Stop playback now (the caller pressed a key).
        case stopPlayback
        /// Ask the director about this meeting ID; answer with ``lookupResult(_:)``.
        case lookUp(meetingID: String)
        /// Check the meeting password; answer with ``passwordChecked(_:)``.
        case checkPassword(String)
        /// Check the host PIN; answer with ``hostPINChecked(_:)``.
        case checkHostPIN(String)
        /// (Re)start the inter-digit timer; it comes back as ``digitTimerFired()``.
        case startDigitTimer(Duration)
        case cancelDigitTimer
        /// Put the caller into the meeting (after the queued prompts have played).
        case join(asHost: Bool)
        /// End the call (after the queued prompts have played).
        case hangUp
    }

    enum Field: Sendable, Hashable {
        case meetingID
        case password
        case hostPIN
    }

    enum State: Sendable, Hashable {
        case idle
        case collecting(Field, digits: String, tries: Int)
        case waiting(Field, tries: Int)
        case joining(asHost: Bool)
        case leaving
        case done
    }

    public var maximumTries: Int
    public var digitTimeout: Duration
    private var state: State = .idle
    private var meetingFacts = (needsPassword: false, hasHostPIN: false)

    public init(maximumTries: Int = 3, digitTimeout: Duration = .seconds(10)) {
        self.maximumTries = maximumTries
        self.digitTimeout = digitTimeout
    }

    /// Whether the conversation is over (joined or hung up).
    public var isFinished: Bool { state == .done }

    // MARK: Events

    /// The call is answered. With a meeting ID from the dialled URI, it is looked up at once;
    /// otherwise the caller is welcomed and asked for one.
    public mutating func start(meetingID: String?) -> [Action] {
        guard state == .idle else { return [] }
        if let meetingID {
            state = .waiting(.meetingID, tries: 1)
            return [.lookUp(meetingID: meetingID)]
        }
        state = .collecting(.meetingID, digits: "", tries: 1)
        return [.play([.prompt(.welcome)]), .startDigitTimer(digitTimeout)]
    }

    public mutating func digit(_ key: Character) -> [Action] {
        guard case .collecting(let field, var digits, let tries) = state else { return [] }
        var actions: [Action] = [.stopPlayback]
        switch key {
        case "#":
            actions.append(.cancelDigitTimer)
            return actions + submit(field, digits: digits, tries: tries)
        case "*":
            digits = ""
        case "0"..."9":
            if digits.count < 16 { digits.append(key) }
        default:
            return []
        }
        state = .collecting(field, digits: digits, tries: tries)
        return actions + [.startDigitTimer(digitTimeout)]
    }

    public mutating func digitTimerFired() -> [Action] {
        guard case .collecting(let field, let digits, let tries) = state else { return [] }
        // Silence at the host-PIN question means "not the host"; elsewhere it asks again.
        if digits.isEmpty && field != .hostPIN {
            return retry(field, tries: tries, because: [])
        }
        return submit(field, digits: digits, tries: tries)
    }

    public mutating func lookupResult(_ result: LookupResult) -> [Action] {
        guard case .waiting(.meetingID, let tries) = state else { return [] }
        switch result {
        case .found(let needsPassword, let hasHostPIN):
            meetingFacts = (needsPassword, hasHostPIN)
            if needsPassword { return ask(.password, tries: 1) }
            if hasHostPIN { return ask(.hostPIN, tries: 1) }
            return join(asHost: false)
        case .notFound: return retry(.meetingID, tries: tries, because: [.prompt(.meetingNotFound)])
        case .notStarted: return retry(.meetingID, tries: tries, because: [.prompt(.notStarted)])
        case .ended: return retry(.meetingID, tries: tries, because: [.prompt(.meetingEnded)])
        case .locked: return retry(.meetingID, tries: tries, because: [.prompt(.meetingLocked)])
        case .full: return retry(.meetingID, tries: tries, because: [.prompt(.meetingFull)])
        case .noLicence: return leave([.prompt(.noLicence)])
        }
    }

    public mutating func passwordChecked(_ ok: Bool) -> [Action] {
        guard case .waiting(.password, let tries) = state else { return [] }
        guard ok else { return retry(.password, tries: tries, because: [.prompt(.wrongPassword)]) }
        return meetingFacts.hasHostPIN ? ask(.hostPIN, tries: 1) : join(asHost: false)
    }

    public mutating func hostPINChecked(_ ok: Bool) -> [Action] {
        guard case .waiting(.hostPIN, let tries) = state else { return [] }
        guard ok else { return retry(.hostPIN, tries: tries, because: [.prompt(.wrongPassword)]) }
        return join(asHost: true)
    }

    /// The queued prompts have all played: a pending join or hang-up happens now.
    public mutating func playbackFinished() -> [Action] {
        switch state {
        case .joining(let asHost):
            state = .done
            return [.join(asHost: asHost)]
        case .leaving:
            state = .done
            return [.hangUp]
        default:
            return []
        }
    }

    // MARK: Transitions

    private mutating func submit(_ field: Field, digits: String, tries: Int) -> [Action] {
        switch field {
        case .meetingID:
            guard !digits.isEmpty else { return retry(.meetingID, tries: tries, because: []) }
            state = .waiting(.meetingID, tries: tries)
            return [.lookUp(meetingID: digits)]
        case .password:
            state = .waiting(.password, tries: tries)
            return [.checkPassword(digits)]
        case .hostPIN:
            // "#" alone: not the host.
            guard !digits.isEmpty else { return join(asHost: false) }
            state = .waiting(.hostPIN, tries: tries)
            return [.checkHostPIN(digits)]
        }
    }

    private mutating func ask(_ field: Field, tries: Int) -> [Action] {
        state = .collecting(field, digits: "", tries: tries)
        return [.play([.prompt(Self.question(field))]), .startDigitTimer(digitTimeout)]
    }

    private mutating func retry(_ field: Field, tries: Int, because reason: [IVRUtterance]) -> [Action] {
        guard tries < maximumTries else {
            return leave(reason + [.prompt(.tooManyTries)])
        }
        state = .collecting(field, digits: "", tries: tries + 1)
        return [.play(reason + [.prompt(.tryAgain), .prompt(Self.question(field))]), .startDigitTimer(digitTimeout)]
    }

    private mutating func join(asHost: Bool) -> [Action] {
        state = .joining(asHost: asHost)
        return [.cancelDigitTimer, .play([.prompt(.joining)])]
    }

    private mutating func leave(_ reason: [IVRUtterance]) -> [Action] {
        state = .leaving
        return [.cancelDigitTimer, .play(reason + [.prompt(.goodbye)])]
    }

    private static func question(_ field: Field) -> IVRPrompt {
        switch field {
        case .meetingID: .enterMeetingID
        case .password: .enterPassword
        case .hostPIN: .enterHostPIN
        }
    }
}
