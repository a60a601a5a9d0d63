import ParleyDirector
import ParleyModel
import ParleyTestSupport
import Testing

@Suite("Director users and groups")
struct UserTests {
    @Test("Users are created with defaults, listed in login order and paged")
    func createAndList() async throws {
        try await withDirector { f in
            let bob = try await f.director.createUser(
                NewUser(login: "bob", displayName: "  Bob B.  ", email: "bob@example.com", profileNumber: "5550102"), by: f.admin
            )
            #expect(bob.displayName == "Bob B.")
            #expect(bob.email == "bob@example.com")
            #expect(bob.profileNumber == "5550102")
            #expect(bob.role == .host)
            #expect(bob.createdAt == t0)
            #expect(bob.id.rawValue.hasPrefix("usr_"))
            let alice = try await f.director.createUser(NewUser(login: "alice"), by: f.admin)
            #expect(alice.displayName == "alice")
            _ = try await f.user("carol", role: .user)

            let all = try await f.director.users(limit: 10, offset: 0, by: f.admin)
            #expect(all.total == 4)
            #expect(all.items.map(\.login) == ["admin", "alice", "bob", "carol"])
            let page = try await f.director.users(limit: 2, offset: 1, by: f.admin)
            #expect(page.items.map(\.login) == ["alice", "bob"])
            #expect(page.total == 4)
            #expect(try await f.director.user(login: "bob", by: f.admin) == bob)
        }
    }

    @Test("Logins and profile numbers are unique", arguments: StoreKind.allCases)
    func uniqueness(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            _ = try await f.director.createUser(NewUser(login: "alice", profileNumber: "5550101"), by: f.admin)
            let login = await expectError("user.login_taken", .conflict) {
                try await f.director.createUser(NewUser(login: "alice"), by: f.admin)
            }
            #expect(login?.field == "login")
            let profile = await expectError("user.profile_number_taken", .conflict) {
                try await f.director.createUser(NewUser(login: "bob", profileNumber: "5550101"), by: f.admin)
            }
            #expect(profile?.field == "profileNumber")
            _ = try await f.director.createUser(NewUser(login: "bob", profileNumber: "5550102"), by: f.admin)
            await expectError("user.profile_number_taken", .conflict) {
                try await f.director.updateUser(login: "bob", UserChanges(profileNumber: .some("5550101")), by: f.admin)
            }
        }
    }

    @Test("Updating a user changes only what is given; .some(nil) clears")
    func update() async throws {
        try await withDirector { f in
            _ = try await f.director.createGroup(name: "sales", description: "Sales team", by: f.admin)
            _ = try await f.director.createUser(
                NewUser(login: "alice", email: "alice@example.com", profileNumber: "5550101", pin: "1234"), by: f.admin
            )
            let changed = try await f.director.updateUser(
                login: "alice", UserChanges(email: .some(nil), role: .admin, groupName: .some("sales")), by: f.admin
            )
            #expect(changed.email == nil)
            #expect(changed.profileNumber == "5550101")
            #expect(changed.pinHash != nil)
            #expect(changed.role == .admin)
            #expect(changed.groupName == "sales")
            #expect(try await f.director.user(login: "alice", by: f.admin) == changed)
            await expectError("user.not_found", .notFound) {
                try await f.director.updateUser(login: "nobody", UserChanges(displayName: "x"), by: f.admin)
            }
            await expectError("user.last_admin", .conflict, field: "role") {
                try await f.director.updateUser(login: "admin", UserChanges(role: .host), by: f.admin)
            }
        }
    }

    @Test("Users who host meetings are kept; admins cannot delete themselves")
    func delete() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            _ = try await f.user("bob")
            try await f.schedule(alice, 0, 60)
            await expectError("user.has_meetings", .conflict) { try await f.director.deleteUser(login: "alice", by: f.admin) }
            await expectError("user.delete_self", .conflict) { try await f.director.deleteUser(login: "admin", by: f.admin) }
            await expectError("user.not_found", .notFound) { try await f.director.deleteUser(login: "nobody", by: f.admin) }
            try await f.director.deleteUser(login: "bob", by: f.admin)
            await expectError("user.not_found", .notFound) { try await f.director.user(login: "bob", by: f.admin) }
            #expect(try await f.director.users(limit: 10, offset: 0, by: f.admin).items.map(\.login) == ["admin", "alice"])
        }
    }

    @Test("Groups: created, listed by name, unique, deleted only when empty")
    func groups() async throws {
        try await withDirector { f in
            let sales = try await f.director.createGroup(name: "sales", description: "Sales team", by: f.admin)
            _ = try await f.director.createGroup(name: "eng", description: "", by: f.admin)
            #expect(try await f.director.groups(by: f.admin).map(\.name) == ["eng", "sales"])
            #expect(try await f.director.group(name: "sales", by: f.admin) == sales)
            await expectError("group.name_taken", .conflict) {
                try await f.director.createGroup(name: "sales", description: "", by: f.admin)
            }
            for bad in ["", "has space", String(repeating: "g", count: 65), "ünï"] {
                await expectError("validation.name", .invalid, field: "name") {
                    try await f.director.createGroup(name: bad, description: "", by: f.admin)
                }
            }
            _ = try await f.director.createUser(NewUser(login: "alice", groupName: "sales"), by: f.admin)
            await expectError("group.not_empty", .conflict) { try await f.director.deleteGroup(name: "sales", by: f.admin) }
            _ = try await f.director.updateUser(login: "alice", UserChanges(groupName: .some(nil)), by: f.admin)
            try await f.director.deleteGroup(name: "sales", by: f.admin)
            await expectError("group.not_found", .notFound) { try await f.director.group(name: "sales", by: f.admin) }
            await expectError("group.not_found", .notFound) { try await f.director.deleteGroup(name: "sales", by: f.admin) }
        }
    }
}
