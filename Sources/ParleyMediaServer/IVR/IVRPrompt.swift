/// The spoken prompts, named as the WAV files in `Prompts/en/` (scripts/make-prompts.sh).
public enum IVRPrompt: String, CaseIterable, Sendable, Hashable {
    case welcome
    case enterMeetingID = "enter_meeting_id"
    case enterPassword = "enter_password"
    case enterHostPIN = "enter_host_pin"
    case meetingNotFound = "meeting_not_found"
    case notStarted = "not_started"
    case meetingEnded = "meeting_ended"
    case meetingLocked = "meeting_locked"
    case meetingFull = "meeting_full"
    case wrongPassword = "wrong_password"
    case tryAgain = "try_again"
    case tooManyTries = "too_many_tries"
    case goodbye
    case joining
    case waitingForHost = "waiting_for_host"
    case noLicence = "no_licence"
    case muted
    case unmuted
    case lockedNow = "locked_now"
    case unlockedNow = "unlocked_now"
    case allMuted = "all_muted"
    case ejected
    /// To the caller a host removed.
    case removed
    case hostOnly = "host_only"
    case onlyYou = "only_you"
    case thereAre = "there_are"
    case participants
}

/// One item of spoken output: a prompt, or a number read out of the number prompts.
public enum IVRUtterance: Sendable, Hashable {
    case prompt(IVRPrompt)
    case number(Int)

    /// The WAV file names that speak this utterance, in order.
    public var fileNames: [String] {
        switch self {
        case .prompt(let p): return [p.rawValue]
        case .number(let n): return Self.numberFiles(n)
        }
    }

    /// "1234" → one thousand, two hundred, thirty, four (files number_1, number_thousand, …).
    static func numberFiles(_ value: Int) -> [String] {
        var n = max(0, min(value, 999_999))
        if n == 0 { return ["number_0"] }
        var out: [String] = []
        if n >= 1000 {
            out += numberFiles(n / 1000) + ["number_thousand"]
            n %= 1000
        }
        if n >= 100 {
            out += ["number_\(n / 100)", "number_hundred"]
            n %= 100
        }
        if n >= 20 {
            out.append("number_\(n / 10 * 10)")
            n %= 10
            if n > 0 { out.append("number_\(n)") }
        } else if n > 0 {
            out.append("number_\(n)")
        }
        return out
    }
}
