/// What a user may do. Admins manage everything; hosts schedule and run their own meetings;
/// users attend and keep a profile (phone profile number and PIN).
public enum UserRole: String, CaseIterable, Hashable, Sendable, Codable {
    case admin
    case host
    case user

    /// Whether this role may create meetings.
    public var canHost: Bool { self != .user }
}

/// A person known to the system.
///
/// Credential fields hold hashes only (see ``SecretHash``); they are never logged and never
/// leave the process through the API.
public struct User: Hashable, Sendable {
    public var id: RecordID
    /// Sign-in name: 1-64 characters of letters, digits, `.`, `_`, `-`, `@`.
    public var login: String
    public var displayName: String
    public var email: String?
    /// The number a caller keys in to identify themself by phone; also the meeting ID of the
    /// user's reservationless meeting. 4-10 digits.
    public var profileNumber: String?
    public var pinHash: String?
    public var passwordHash: String?
    public var role: UserRole
    public var groupName: String?
    public var createdAt: Timestamp

    public init(
        id: RecordID,
        login: String,
        displayName: String,
        email: String? = nil,
        profileNumber: String? = nil,
        pinHash: String? = nil,
        passwordHash: String? = nil,
        role: UserRole,
        groupName: String? = nil,
        createdAt: Timestamp
    ) {
        self.id = id
        self.login = login
        self.displayName = displayName
        self.email = email
        self.profileNumber = profileNumber
        self.pinHash = pinHash
        self.passwordHash = passwordHash
        self.role = role
        self.groupName = groupName
        self.createdAt = createdAt
    }

    /// Whether `login` is an acceptable sign-in name.
    public static func isValidLogin(_ login: String) -> Bool {
        let utf8 = login.utf8
        guard (1...64).contains(utf8.count) else { return false }
        return utf8.allSatisfy { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: "@")
        }
    }
}

/// A named set of users (a department, a team), used for reporting and defaults.
public struct UserGroup: Hashable, Sendable {
    public var id: RecordID
    /// 1-64 characters of letters, digits, `.`, `_`, `-`.
    public var name: String
    public var description: String
    public var createdAt: Timestamp

    public init(id: RecordID, name: String, description: String, createdAt: Timestamp) {
        self.id = id
        self.name = name
        self.description = description
        self.createdAt = createdAt
    }
}

/// An API token: the hash of the secret, and whose it is. The secret itself is shown once.
public struct APIToken: Hashable, Sendable {
    public var id: RecordID
    public var userID: RecordID
    /// Hex SHA-256 of the token text.
    public var secretHash: String
    public var label: String
    public var createdAt: Timestamp

    public init(id: RecordID, userID: RecordID, secretHash: String, label: String, createdAt: Timestamp) {
        self.id = id
        self.userID = userID
        self.secretHash = secretHash
        self.label = label
        self.createdAt = createdAt
    }
}
