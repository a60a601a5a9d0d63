import ParleyModel

/// Which meetings a query returns. Every field narrows the result; nil means "any".
public struct MeetingFilter: Hashable, Sendable {
    public var hostID: RecordID?
    public var meetingID: MeetingID?
    public var states: Set<MeetingState>?
    /// Meetings whose booked slot ends after this instant (reservationless always match).
    public var endsAfter: Timestamp?
    /// Meetings whose booked slot starts before this instant (reservationless always match).
    public var startsBefore: Timestamp?
    public var limit: Int
    public var offset: Int

    public init(
        hostID: RecordID? = nil,
        meetingID: MeetingID? = nil,
        states: Set<MeetingState>? = nil,
        endsAfter: Timestamp? = nil,
        startsBefore: Timestamp? = nil,
        limit: Int = 1000,
        offset: Int = 0
    ) {
        self.hostID = hostID
        self.meetingID = meetingID
        self.states = states
        self.endsAfter = endsAfter
        self.startsBefore = startsBefore
        self.limit = limit
        self.offset = offset
    }
}

/// The operations on stored records, inside one transaction.
///
/// Obtained from ``ParleyStore/read(_:)`` or ``ParleyStore/write(_:)``; not to be kept
/// beyond the closure. Uniqueness violations throw ``ParleyError`` of kind `.conflict`
/// naming the field (`login`, `profileNumber`, `name`, `meetingID`).
public protocol StoreTransaction: Sendable {
    // MARK: Users
    func insertUser(_ user: User) async throws
    func updateUser(_ user: User) async throws
    func deleteUser(id: RecordID) async throws
    func user(id: RecordID) async throws -> User?
    func user(login: String) async throws -> User?
    func user(profileNumber: String) async throws -> User?
    /// Ordered by login.
    func users(limit: Int, offset: Int) async throws -> [User]
    func countUsers() async throws -> Int

    // MARK: Groups
    func insertGroup(_ group: UserGroup) async throws
    func deleteGroup(name: String) async throws
    func group(name: String) async throws -> UserGroup?
    /// Ordered by name.
    func groups() async throws -> [UserGroup]
    func countUsers(inGroup name: String) async throws -> Int

    // MARK: Meetings
    func insertMeeting(_ meeting: Meeting) async throws
    func updateMeeting(_ meeting: Meeting) async throws
    func meeting(id: RecordID) async throws -> Meeting?
    /// Ordered by start (reservationless first), then meeting ID, then record ID.
    func meetings(_ filter: MeetingFilter) async throws -> [Meeting]
    /// How many meetings match, ignoring `limit` and `offset`.
    func countMeetings(_ filter: MeetingFilter) async throws -> Int
    /// Distinct `createdBy` of meetings created at or after `since`.
    func countMeetingCreators(since: Timestamp) async throws -> Int

    // MARK: API tokens
    func insertToken(_ token: APIToken) async throws
    func token(secretHash: String) async throws -> APIToken?
    func deleteTokens(userID: RecordID) async throws
    /// Deletes one token (portal sign-out); nothing happens when it does not exist.
    func deleteToken(secretHash: String) async throws

    // MARK: Licences
    func insertLicenceGrant(_ grant: LicenceGrant) async throws
    func licenceGrants() async throws -> [LicenceGrant]

    // MARK: Alarms
    func insertAlarm(_ alarm: Alarm) async throws
    /// Sets `clearedAt` of the alarm with this ID.
    func clearAlarm(id: RecordID, at: Timestamp) async throws
    /// The uncleared alarm with this code, if any.
    func activeAlarm(code: String) async throws -> Alarm?
    /// Newest first.
    func alarms(includeCleared: Bool, limit: Int) async throws -> [Alarm]

    // MARK: Attendance
    func insertAttendance(_ record: AttendanceRecord) async throws
    func updateAttendance(_ record: AttendanceRecord) async throws
    /// Ordered by join time.
    func attendance(meetingRecordID: RecordID) async throws -> [AttendanceRecord]

    // MARK: Chat
    func insertChatMessage(_ message: ChatMessage) async throws
    /// The newest `limit` messages of the meeting, returned oldest first (by sent time, then ID).
    func chatMessages(meetingRecordID: RecordID, limit: Int) async throws -> [ChatMessage]
}
