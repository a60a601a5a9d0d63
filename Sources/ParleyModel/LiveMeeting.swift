/// One participant of a running meeting as the roster shows it: who, what they can do, and
/// how their media is doing right now.
public struct LiveParticipant: Hashable, Sendable {
    /// Node-local identifier of the participant (`prt_…`), used by the mute and eject routes.
    public var id: String
    public var displayName: String
    /// SIP URI, or `web:<name>` for a browser participant.
    public var uri: String
    public var isHost: Bool
    public var isMuted: Bool
    /// Speaking now, from the mixer's level detector.
    public var isTalking: Bool
    /// Waiting for the host (reservationless meeting) rather than in the conference.
    public var isWaiting: Bool
    public var codec: String
    public var joinedAt: Timestamp
    /// Media figures of the leg; nil until the media engine has them.
    public var media: CallStatistics?

    public init(
        id: String, displayName: String, uri: String, isHost: Bool, isMuted: Bool, isTalking: Bool, isWaiting: Bool,
        codec: String, joinedAt: Timestamp, media: CallStatistics?
    ) {
        self.id = id
        self.displayName = displayName
        self.uri = uri
        self.isHost = isHost
        self.isMuted = isMuted
        self.isTalking = isTalking
        self.isWaiting = isWaiting
        self.codec = codec
        self.joinedAt = joinedAt
        self.media = media
    }
}

/// A running meeting on a node.
public struct LiveRoster: Hashable, Sendable {
    public var meeting: RecordID
    public var isLocked: Bool
    public var participants: [LiveParticipant]

    public init(meeting: RecordID, isLocked: Bool, participants: [LiveParticipant]) {
        self.meeting = meeting
        self.isLocked = isLocked
        self.participants = participants
    }
}

/// Media statistics of one leg, live in the roster and final in the attendance record
/// (stored there as JSON with these property names).
public struct CallStatistics: Hashable, Sendable, Codable {
    public var packetsReceived: UInt64
    public var packetsLost: UInt64
    public var packetsSent: UInt64
    /// Interarrival jitter (RFC 3550) in milliseconds.
    public var jitterMilliseconds: Double
    /// Round trip from the caller's RTCP reports, when it sent any.
    public var roundTripMilliseconds: Double?
    /// Level of the last frame in dBov (-127 is silence).
    public var levelDBov: Double

    public init(
        packetsReceived: UInt64, packetsLost: UInt64, packetsSent: UInt64, jitterMilliseconds: Double,
        roundTripMilliseconds: Double?, levelDBov: Double
    ) {
        self.packetsReceived = packetsReceived
        self.packetsLost = packetsLost
        self.packetsSent = packetsSent
        self.jitterMilliseconds = jitterMilliseconds
        self.roundTripMilliseconds = roundTripMilliseconds
        self.levelDBov = levelDBov
    }

    /// Lost packets as a share of those expected, in percent (0 when nothing was expected).
    public var lossPercent: Double {
        let expected = packetsReceived + packetsLost
        return expected == 0 ? 0 : Double(packetsLost) * 100 / Double(expected)
    }
}

/// What came of a host's action on a running meeting.
public enum LiveActionOutcome: Hashable, Sendable {
    case done
    /// The meeting has no conference on this node (not started, ended, or everyone left).
    case notLive
    case unknownParticipant
}

/// The node's side of a running meeting, as the web role and the director drive it: the
/// roster, and host actions that act on the live calls. In `parley serve` call control
/// answers directly; in a cluster the director forwards to the node hosting the meeting.
public protocol LiveMeetingControl: Sendable {
    /// The roster, or nil when the meeting has no conference here.
    func roster(meeting: RecordID) async -> LiveRoster?
    func setMuted(_ muted: Bool, participant: String, meeting: RecordID) async -> LiveActionOutcome
    /// Hangs up one participant.
    func eject(participant: String, meeting: RecordID) async -> LiveActionOutcome
    /// Mutes everyone but the hosts.
    func muteAll(meeting: RecordID) async -> LiveActionOutcome
    /// A locked meeting admits no new callers except hosts.
    func setLocked(_ locked: Bool, meeting: RecordID) async -> LiveActionOutcome
    /// The meeting ended: say goodbye to everyone and hang up.
    func endConference(meeting: RecordID) async
}
