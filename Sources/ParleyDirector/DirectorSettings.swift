import ParleyModel

/// The director's part of the configuration.
public struct DirectorSettings: Sendable, Hashable {
    /// Digits in a meeting ID the director assigns (4-10).
    public var meetingIDDigits: Int
    /// Length of a meeting created with a start but neither end nor duration.
    public var defaultMeetingDuration: Duration
    /// How far back the licence audit counts users who created meetings.
    public var licenceAuditWindowDays: Int
    /// Sites a meeting may prefer; empty when the deployment declares none.
    public var sites: [String]
    /// PBKDF2 rounds for PINs and passwords.
    public var hashRounds: Int

    public init(
        meetingIDDigits: Int = 6,
        defaultMeetingDuration: Duration = .seconds(3600),
        licenceAuditWindowDays: Int = 30,
        sites: [String] = [],
        hashRounds: Int = 210_000
    ) {
        self.meetingIDDigits = meetingIDDigits
        self.defaultMeetingDuration = defaultMeetingDuration
        self.licenceAuditWindowDays = licenceAuditWindowDays
        self.sites = sites
        self.hashRounds = hashRounds
    }
}
