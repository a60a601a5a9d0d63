/// In-meeting keypad commands: a configurable keymap from digit sequences to commands.
///
/// Defaults (issue "Dial-in audio conferencing"): `*6` mute/unmute yourself, `#21` roll call,
/// and for the host `#41` lock/unlock, `#43` eject the last caller who entered, `*5` mute all
/// except the host. A sequence starts with `*` or `#`; digits that match no prefix of any
/// command are dropped, and an unfinished sequence is dropped after `timeout`.
public struct KeypadCommands: Sendable {
    public enum Command: String, Sendable, Hashable, CaseIterable {
        case toggleMute = "toggle_mute"
        case rollCall = "roll_call"
        case toggleLock = "toggle_lock"
        case ejectLast = "eject_last"
        case muteAll = "mute_all"

        /// Whether only the host may use it.
        public var hostOnly: Bool {
            switch self {
            case .toggleMute, .rollCall: false
            case .toggleLock, .ejectLast, .muteAll: true
            }
        }
    }

    public static let defaultKeymap: [String: Command] = [
        "*6": .toggleMute, "#21": .rollCall, "#41": .toggleLock, "#43": .ejectLast, "*5": .muteAll,
    ]

    public let keymap: [String: Command]
    private var pending = ""

    /// Fails (nil) when a sequence is a prefix of another, which would make it unreachable.
    public init?(keymap: [String: Command] = KeypadCommands.defaultKeymap) {
        for a in keymap.keys {
            guard let first = a.first, first == "*" || first == "#", a.count >= 2,
                a.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber || $0 == "*" || $0 == "#" })
            else { return nil }
            for b in keymap.keys where a != b && b.hasPrefix(a) { return nil }
        }
        self.keymap = keymap
    }

    /// Feeds one digit; returns the command when a sequence completes.
    public mutating func digit(_ key: Character) -> Command? {
        let candidate = pending + String(key)
        if let command = keymap[candidate] {
            pending = ""
            return command
        }
        if keymap.keys.contains(where: { $0.hasPrefix(candidate) }) {
            pending = candidate
        } else if keymap.keys.contains(where: { $0.hasPrefix(String(key)) }) {
            pending = String(key)
        } else {
            pending = ""
        }
        return nil
    }

    /// The inter-digit timer fired: an unfinished sequence is dropped.
    public mutating func timeout() {
        pending = ""
    }

    public var isCollecting: Bool { !pending.isEmpty }
}
