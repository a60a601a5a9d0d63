import ParleyModel

/// What the node asks of the director about meetings. In `parley serve` the director runs in
/// the same process (ParleyApp adapts `Director` to this); in a cluster it will be the broker
/// agent's client. Keeping it a protocol keeps the node free of the store and the web layer.
public protocol MeetingDirectory: Sendable {
    /// The meeting a caller means by these digits, started if needed (licence rule applies).
    func admit(meetingID: String) async -> Admission
    func checkPassword(meeting: String, _ password: String) async -> Bool
    func checkHostPIN(meeting: String, _ pin: String) async -> Bool
    /// A participant entered; returns a handle for ``participantLeft(_:)``.
    func participantJoined(_ participant: ParticipantRecord) async -> String?
    func participantLeft(_ handle: String, leftAtMilliseconds: Int64, statistics: CallStatistics?) async
    /// Nobody has been in the meeting for the grace period: `meeting.end`.
    func meetingEmptied(meeting: String) async
}

/// The director's answer to a caller's meeting ID.
public enum Admission: Sendable, Hashable {
    case admitted(AdmittedMeeting)
    case refused(IVRStateMachine.LookupResult)
}

public struct AdmittedMeeting: Sendable, Hashable {
    /// The meeting's record ID (`mtg_…`): the room's identity on this node.
    public var meeting: String
    public var meetingID: String
    public var reservationless: Bool
    public var needsPassword: Bool
    public var hasHostPIN: Bool
    public var capacity: Int

    public init(meeting: String, meetingID: String, reservationless: Bool, needsPassword: Bool, hasHostPIN: Bool, capacity: Int) {
        self.meeting = meeting
        self.meetingID = meetingID
        self.reservationless = reservationless
        self.needsPassword = needsPassword
        self.hasHostPIN = hasHostPIN
        self.capacity = capacity
    }
}

/// An attendance record as the node knows it.
public struct ParticipantRecord: Sendable, Hashable {
    public var meeting: String
    public var uri: String
    public var displayName: String
    public var joinedAtMilliseconds: Int64
    public var codec: String

    public init(meeting: String, uri: String, displayName: String, joinedAtMilliseconds: Int64, codec: String) {
        self.meeting = meeting
        self.uri = uri
        self.displayName = displayName
        self.joinedAtMilliseconds = joinedAtMilliseconds
        self.codec = codec
    }
}
