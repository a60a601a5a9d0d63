import ParleyModel
import SQLKit

/// Users and groups.
extension SQLStoreTransaction {
    private static let userColumns = [
        "id", "login", "display_name", "email", "profile_number", "pin_hash", "password_hash", "role",
        "group_name", "created_at",
    ]

    private func userValues(_ user: User) -> [any SQLExpression] {
        [
            bind(user.id), bind(user.login), bind(user.displayName), bind(user.email), bind(user.profileNumber),
            bind(user.pinHash), bind(user.passwordHash), bind(user.role.rawValue), bind(user.groupName),
            bind(user.createdAt),
        ]
    }

    // MARK: Users

    func insertUser(_ user: User) async throws {
        try await changing(onConflict: { StoreErrors.conflict($0, user: user) }) {
            try await db.insert(into: "users").columns(Self.userColumns).values(userValues(user)).run()
        }
    }

    func updateUser(_ user: User) async throws {
        let found = try await changing(onConflict: { StoreErrors.conflict($0, user: user) }) {
            let update = db.update("users")
            for (column, value) in zip(Self.userColumns, userValues(user)).dropFirst() {
                _ = update.set(column, to: value)
            }
            return try await affectsOne(update.where("id", .equal, bind(user.id)))
        }
        guard found else { throw ParleyError.notFound("user", user.id.rawValue) }
    }

    func deleteUser(id: RecordID) async throws {
        let found = try await changing(
            onConflict: { _ in StoreErrors.unknownConflict() },
            onForeignKey: { StoreErrors.userInUse(id) }
        ) {
            try await affectsOne(db.delete(from: "users").where("id", .equal, bind(id)))
        }
        guard found else { throw ParleyError.notFound("user", id.rawValue) }
    }

    func user(id: RecordID) async throws -> User? {
        try await first(db.select().column("*").from("users").where("id", .equal, bind(id)), table: "users") {
            try $0.user()
        }
    }

    func user(login: String) async throws -> User? {
        try await first(db.select().column("*").from("users").where("login", .equal, bind(login)), table: "users") {
            try $0.user()
        }
    }

    func user(profileNumber: String) async throws -> User? {
        let query = db.select().column("*").from("users").where("profile_number", .equal, bind(profileNumber))
        return try await first(query, table: "users") { try $0.user() }
    }

    func users(limit: Int, offset: Int) async throws -> [User] {
        let query = db.select().column("*").from("users")
            .orderBy("login").orderBy("id")
            .limit(clamp(limit)).offset(max(0, offset))
        return try await all(query, table: "users") { try $0.user() }
    }

    func countUsers() async throws -> Int {
        try await count("users")
    }

    // MARK: Groups

    func insertGroup(_ group: UserGroup) async throws {
        try await changing(onConflict: { StoreErrors.conflict($0, group: group) }) {
            try await db.insert(into: "groups")
                .columns("id", "name", "description", "created_at")
                .values(bind(group.id), bind(group.name), bind(group.description), bind(group.createdAt))
                .run()
        }
    }

    func deleteGroup(name: String) async throws {
        let found = try await changing(onConflict: { _ in StoreErrors.unknownConflict() }) {
            try await affectsOne(db.delete(from: "groups").where("name", .equal, bind(name)))
        }
        guard found else { throw ParleyError.notFound("group", name) }
    }

    func group(name: String) async throws -> UserGroup? {
        try await first(db.select().column("*").from("groups").where("name", .equal, bind(name)), table: "groups") {
            try $0.group()
        }
    }

    func groups() async throws -> [UserGroup] {
        try await all(db.select().column("*").from("groups").orderBy("name"), table: "groups") { try $0.group() }
    }

    func countUsers(inGroup name: String) async throws -> Int {
        try await count("users") { $0.where("group_name", .equal, bind(name)) }
    }
}
