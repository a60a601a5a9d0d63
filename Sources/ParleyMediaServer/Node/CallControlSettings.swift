/// How the node treats callers (configuration `ivr.*`, `meetings.*`).
public struct CallControlSettings: Sendable, Hashable {
    /// Request-URI users that reach the IVR instead of a meeting.
    public var accessNumbers: Set<String>
    /// Callers of a reservationless meeting wait until the host joins with the host PIN.
    public var waitForHost: Bool
    /// How often a waiting caller hears "please wait".
    public var waitPromptInterval: Duration
    /// How long an empty meeting stays in progress before `meeting.end`.
    public var emptyMeetingGrace: Duration
    /// Failed meeting IDs from one source within `floodWindow` before its calls are refused.
    public var floodLimit: Int
    public var floodWindow: Duration
    public var keymap: [String: KeypadCommands.Command]
    /// Entry and exit tones to the room when someone joins or leaves.
    public var entryTones: Bool

    public init(
        accessNumbers: Set<String> = ["conf", "8000"],
        waitForHost: Bool = true,
        waitPromptInterval: Duration = .seconds(20),
        emptyMeetingGrace: Duration = .seconds(60),
        floodLimit: Int = 10,
        floodWindow: Duration = .seconds(60),
        keymap: [String: KeypadCommands.Command] = KeypadCommands.defaultKeymap,
        entryTones: Bool = true
    ) {
        self.accessNumbers = accessNumbers
        self.waitForHost = waitForHost
        self.waitPromptInterval = waitPromptInterval
        self.emptyMeetingGrace = emptyMeetingGrace
        self.floodLimit = floodLimit
        self.floodWindow = floodWindow
        self.keymap = keymap
        self.entryTones = entryTones
    }
}
