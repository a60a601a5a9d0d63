import Logging
import ParleyModel
import ParleyStore

/// A user to create.
public struct NewUser: Sendable, Hashable {
    public var login: String
    public var displayName: String?
    public var email: String?
    public var profileNumber: String?
    public var pin: String?
    public var password: String?
    public var role: UserRole
    public var groupName: String?

    public init(
        login: String, displayName: String? = nil, email: String? = nil, profileNumber: String? = nil,
        pin: String? = nil, password: String? = nil, role: UserRole = .host, groupName: String? = nil
    ) {
        self.login = login
        self.displayName = displayName
        self.email = email
        self.profileNumber = profileNumber
        self.pin = pin
        self.password = password
        self.role = role
        self.groupName = groupName
    }
}

/// Changes to a user. A nil field is left alone; `.some(nil)` clears an optional field.
public struct UserChanges: Sendable, Hashable {
    public var displayName: String?
    public var email: String??
    public var profileNumber: String??
    public var pin: String??
    public var password: String??
    public var role: UserRole?
    public var groupName: String??

    public init(
        displayName: String? = nil, email: String?? = nil, profileNumber: String?? = nil, pin: String?? = nil,
        password: String?? = nil, role: UserRole? = nil, groupName: String?? = nil
    ) {
        self.displayName = displayName
        self.email = email
        self.profileNumber = profileNumber
        self.pin = pin
        self.password = password
        self.role = role
        self.groupName = groupName
    }
}

extension Director {
    public func createUser(_ new: NewUser, by principal: Principal?) async throws -> User {
        if let principal { try principal.requireAdmin("create users") }
        guard User.isValidLogin(new.login) else {
            throw ParleyError.invalid(
                "login", "The login '\(ParleyError.echo(new.login))' is not valid.",
                fix: "Use 1-64 letters, digits, '.', '_', '-' or '@'."
            )
        }
        let displayName = try Validate.displayName(new.displayName ?? new.login)
        let email = try new.email.map(Validate.email)
        let profile = try new.profileNumber.map { try Validate.digits($0, field: "profileNumber", range: 4...10) }
        let pinHash = try new.pin.map { hasher.hash(try Validate.digits($0, field: "pin", range: 4...12)) }
        let passwordHash = try new.password.map { hasher.hash(try Validate.password($0)) }
        let user = User(
            id: .random(prefix: "usr"), login: new.login, displayName: displayName, email: email, profileNumber: profile,
            pinHash: pinHash, passwordHash: passwordHash, role: new.role, groupName: new.groupName, createdAt: now()
        )
        try await store.write { tx in
            if let group = user.groupName, try await tx.group(name: group) == nil {
                throw ParleyError(
                    .invalid, code: "user.unknown_group", message: "No group '\(group)' exists.", field: "group",
                    fix: "Create it first (POST /api/v1/groups) or leave the group out."
                )
            }
            try await tx.insertUser(user)
        }
        logger.info("user created", metadata: ["user": "\(user.login)", "role": "\(user.role.rawValue)"])
        return user
    }

    public func users(limit: Int, offset: Int, by principal: Principal) async throws -> (items: [User], total: Int) {
        try principal.requireAdmin("list users")
        guard (1...500).contains(limit) else { throw ParleyError.invalid("limit", "limit must be from 1 to 500.") }
        guard offset >= 0 else { throw ParleyError.invalid("offset", "offset must be 0 or more.") }
        return try await store.read { tx in
            (try await tx.users(limit: limit, offset: offset), try await tx.countUsers())
        }
    }

    public func user(login: String, by principal: Principal) async throws -> User {
        guard principal.isAdmin || principal.user.login == login else {
            throw ParleyError(.forbidden, code: "auth.not_yourself", message: "Only administrators may read other users' profiles.")
        }
        guard let user = try await store.read({ tx in try await tx.user(login: login) }) else {
            throw ParleyError.notFound("user", login)
        }
        return user
    }

    public func updateUser(login: String, _ changes: UserChanges, by principal: Principal) async throws -> User {
        let isSelf = principal.user.login == login
        guard principal.isAdmin || isSelf else {
            throw ParleyError(.forbidden, code: "auth.not_yourself", message: "Only administrators may change other users.")
        }
        if !principal.isAdmin && (changes.role != nil || changes.groupName != nil) {
            throw ParleyError(.forbidden, code: "auth.admin_required", message: "Only administrators may change a user's role or group.")
        }
        let displayName = try changes.displayName.map(Validate.displayName)
        let email = try changes.email.map { try $0.map(Validate.email) }
        let profile = try changes.profileNumber.map { try $0.map { try Validate.digits($0, field: "profileNumber", range: 4...10) } }
        let pinHash = try changes.pin.map { try $0.map { hasher.hash(try Validate.digits($0, field: "pin", range: 4...12)) } }
        let passwordHash = try changes.password.map { try $0.map { hasher.hash(try Validate.password($0)) } }
        return try await store.write { tx in
            guard var user = try await tx.user(login: login) else { throw ParleyError.notFound("user", login) }
            if let displayName { user.displayName = displayName }
            if let email { user.email = email }
            if let profile { user.profileNumber = profile }
            if let pinHash { user.pinHash = pinHash }
            if let passwordHash { user.passwordHash = passwordHash }
            if let role = changes.role {
                if user.role == .admin, role != .admin, login == principal.user.login {
                    throw ParleyError(.conflict, code: "user.last_admin", message: "You cannot remove your own admin role.", field: "role")
                }
                user.role = role
            }
            if let group = changes.groupName {
                if let group, try await tx.group(name: group) == nil {
                    throw ParleyError(.invalid, code: "user.unknown_group", message: "No group '\(group)' exists.", field: "group")
                }
                user.groupName = group
            }
            try await tx.updateUser(user)
            return user
        }
    }

    public func deleteUser(login: String, by principal: Principal) async throws {
        try principal.requireAdmin("delete users")
        guard login != principal.user.login else {
            throw ParleyError(.conflict, code: "user.delete_self", message: "You cannot delete your own user.", fix: "Sign in as another administrator.")
        }
        try await store.write { tx in
            guard let user = try await tx.user(login: login) else { throw ParleyError.notFound("user", login) }
            let hosted = try await tx.countMeetings(MeetingFilter(hostID: user.id))
            guard hosted == 0 else {
                throw ParleyError(
                    .conflict, code: "user.has_meetings",
                    message: "User '\(login)' hosts \(hosted) meetings and is kept for their records.",
                    fix: "Change the user's role to 'user' to stop them hosting instead."
                )
            }
            try await tx.deleteTokens(userID: user.id)
            try await tx.deleteUser(id: user.id)
        }
    }

    // MARK: Groups

    public func createGroup(name: String, description: String, by principal: Principal) async throws -> UserGroup {
        try principal.requireAdmin("create groups")
        guard (1...64).contains(name.utf8.count), name.utf8.allSatisfy({ Validate.isNameByte($0) }) else {
            throw ParleyError.invalid("name", "The group name '\(ParleyError.echo(name))' is not valid.", fix: "Use 1-64 letters, digits, '.', '_' or '-'.")
        }
        guard description.utf8.count <= 500 else {
            throw ParleyError.invalid("description", "The description is longer than 500 bytes.")
        }
        let group = UserGroup(id: .random(prefix: "grp"), name: name, description: description, createdAt: now())
        try await store.write { tx in try await tx.insertGroup(group) }
        return group
    }

    public func groups(by principal: Principal) async throws -> [UserGroup] {
        try principal.requireAdmin("list groups")
        return try await store.read { tx in try await tx.groups() }
    }

    public func group(name: String, by principal: Principal) async throws -> UserGroup {
        try principal.requireAdmin("read groups")
        guard let group = try await store.read({ tx in try await tx.group(name: name) }) else {
            throw ParleyError.notFound("group", name)
        }
        return group
    }

    public func deleteGroup(name: String, by principal: Principal) async throws {
        try principal.requireAdmin("delete groups")
        try await store.write { tx in
            guard try await tx.group(name: name) != nil else { throw ParleyError.notFound("group", name) }
            let members = try await tx.countUsers(inGroup: name)
            guard members == 0 else {
                throw ParleyError(
                    .conflict, code: "group.not_empty", message: "Group '\(name)' still has \(members) users.",
                    fix: "Move them to another group first."
                )
            }
            try await tx.deleteGroup(name: name)
        }
    }
}
