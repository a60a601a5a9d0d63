/// How bad an alarm is.
public enum AlarmSeverity: String, CaseIterable, Hashable, Sendable, Codable {
    case warning
    case error
    case critical
}

/// A condition an administrator must act on. Raised once, cleared when the condition ends;
/// the record is kept either way.
public struct Alarm: Hashable, Sendable {
    /// Stable machine-readable kind, e.g. `licence.hosts_exceeded`.
    public var code: String
    public var id: RecordID
    public var severity: AlarmSeverity
    public var message: String
    public var raisedAt: Timestamp
    public var clearedAt: Timestamp?

    public init(
        id: RecordID,
        code: String,
        severity: AlarmSeverity,
        message: String,
        raisedAt: Timestamp,
        clearedAt: Timestamp? = nil
    ) {
        self.id = id
        self.code = code
        self.severity = severity
        self.message = message
        self.raisedAt = raisedAt
        self.clearedAt = clearedAt
    }

    public var isActive: Bool { clearedAt == nil }
}

/// Installed host licences: each grant adds hosts; the total is what the audit compares with.
public struct LicenceGrant: Hashable, Sendable {
    public var id: RecordID
    public var hosts: Int
    public var note: String
    public var addedAt: Timestamp

    public init(id: RecordID, hosts: Int, note: String, addedAt: Timestamp) {
        self.id = id
        self.hosts = hosts
        self.note = note
        self.addedAt = addedAt
    }
}
