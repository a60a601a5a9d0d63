import ParleyModel
import ParleyStore
import ParleyTestSupport
import Testing

@Suite("Users and groups", .timeLimit(.minutes(2)))
struct UserStoreTests {
    @Test(arguments: StoreKind.allCases)
    func usersRoundTripWithAndWithoutOptionalFields(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let full = Fixtures.user("alice", profileNumber: "4001", role: .admin, group: "ops", full: true)
            let bare = Fixtures.user("bob", role: .user)
            try await insert(store, users: [full, bare])
            let (byID, byLogin, byProfile, bareBack) = try await store.read { tx in
                (
                    try await tx.user(id: full.id), try await tx.user(login: "alice"),
                    try await tx.user(profileNumber: "4001"), try await tx.user(id: bare.id)
                )
            }
            #expect(byID == full)
            #expect(byLogin == full)
            #expect(byProfile == full)
            #expect(bareBack == bare)
            let missing = try await store.read { tx in
                (
                    try await tx.user(id: RecordID(rawValue: "usr_nobody")), try await tx.user(login: "nobody"),
                    try await tx.user(profileNumber: "9999")
                )
            }
            #expect(missing.0 == nil && missing.1 == nil && missing.2 == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func updateChangesEveryFieldAndMissingUserIsNotFound(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let original = Fixtures.user("alice")
            try await insert(store, users: [original])
            var changed = Fixtures.user("alice2", profileNumber: "5005", role: .admin, group: "ops", full: true)
            changed = User(
                id: original.id, login: changed.login, displayName: "Alice Two", email: changed.email,
                profileNumber: changed.profileNumber, pinHash: changed.pinHash, passwordHash: changed.passwordHash,
                role: changed.role, groupName: changed.groupName, createdAt: Fixtures.at(minutes: 5)
            )
            try await store.write { [changed] tx in try await tx.updateUser(changed) }
            #expect(try await store.read { tx in try await tx.user(id: original.id) } == changed)
            #expect(try await store.read { tx in try await tx.user(login: "alice") } == nil)

            let error = await parleyError {
                try await store.write { tx in try await tx.updateUser(Fixtures.user("ghost")) }
            }
            #expect(error?.kind == .notFound)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func usersArePagedInLoginOrderAndCounted(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            // Byte-wise order on both engines: upper case before lower case.
            let logins = ["erin", "Bob", "carol", "alice", "dave"]
            try await insert(store, users: logins.map { Fixtures.user($0, group: $0 < "d" ? "red" : "blue") })
            let (first, second, last, beyond, count) = try await store.read { tx in
                (
                    try await tx.users(limit: 2, offset: 0), try await tx.users(limit: 2, offset: 2),
                    try await tx.users(limit: 2, offset: 4), try await tx.users(limit: 2, offset: 10),
                    try await tx.countUsers()
                )
            }
            #expect(first.map(\.login) == ["Bob", "alice"])
            #expect(second.map(\.login) == ["carol", "dave"])
            #expect(last.map(\.login) == ["erin"])
            #expect(beyond.isEmpty)
            #expect(count == 5)
            let (red, blue, none) = try await store.read { tx in
                (
                    try await tx.countUsers(inGroup: "red"), try await tx.countUsers(inGroup: "blue"),
                    try await tx.countUsers(inGroup: "green")
                )
            }
            #expect(red == 3 && blue == 2 && none == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func duplicateLoginProfileNumberAndIDAreConflicts(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            try await insert(store, users: [Fixtures.user("alice", profileNumber: "4001"), Fixtures.user("bob")])
            // Several users without a profile number are fine.
            try await insert(store, users: [Fixtures.user("carol")])

            let login = await parleyError {
                var twin = Fixtures.user("alice")
                twin.id = RecordID(rawValue: "usr_other")
                try await insert(store, users: [twin])
            }
            #expect(login?.kind == .conflict)
            #expect(login?.field == "login")
            #expect(login?.message == "A user with login 'alice' already exists.")

            let profile = await parleyError {
                try await insert(store, users: [Fixtures.user("dave", profileNumber: "4001")])
            }
            #expect(profile?.kind == .conflict)
            #expect(profile?.field == "profileNumber")
            #expect(profile?.message.contains("'4001'") == true)

            let id = await parleyError {
                var clash = Fixtures.user("erin")
                clash.id = RecordID(rawValue: "usr_alice")
                try await insert(store, users: [clash])
            }
            #expect(id?.kind == .conflict)
            #expect(id?.field == "id")

            let update = await parleyError {
                var bob = Fixtures.user("bob")
                bob.login = "alice"
                try await store.write { [bob] tx in try await tx.updateUser(bob) }
            }
            #expect(update?.field == "login")
            #expect(try await store.read { tx in try await tx.countUsers() } == 3)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func deletingAUserRemovesTokensButNotWhileHostingMeetings(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let alice = Fixtures.user("alice")
            let host = Fixtures.user("host")
            try await insert(store, users: [alice, host], meetings: [try Fixtures.meeting("mtg_1", meetingID: "1234", host: host)])
            let token = APIToken(
                id: RecordID(rawValue: "tok_1"), userID: alice.id, secretHash: "hash-1", label: "ci", createdAt: Fixtures.t0
            )
            try await store.write { tx in try await tx.insertToken(token) }

            try await store.write { tx in try await tx.deleteUser(id: alice.id) }
            let (gone, tokenGone) = try await store.read { tx in
                (try await tx.user(id: alice.id), try await tx.token(secretHash: "hash-1"))
            }
            #expect(gone == nil)
            #expect(tokenGone == nil)

            let missing = await parleyError { try await store.write { tx in try await tx.deleteUser(id: alice.id) } }
            #expect(missing?.kind == .notFound)

            let inUse = await parleyError { try await store.write { tx in try await tx.deleteUser(id: host.id) } }
            #expect(inUse?.kind == .conflict)
            #expect(inUse?.code == "user.in_use")
            #expect(try await store.read { tx in try await tx.user(id: host.id) } == host)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func groupsRoundTripInNameOrderWithUniqueNames(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let groups = ["sales", "Ops", "eng"].map(Fixtures.group)
            try await store.write { tx in
                for group in groups { try await tx.insertGroup(group) }
            }
            let (all, one, none) = try await store.read { tx in
                (try await tx.groups(), try await tx.group(name: "eng"), try await tx.group(name: "nope"))
            }
            #expect(all.map(\.name) == ["Ops", "eng", "sales"])
            #expect(one == groups[2])
            #expect(none == nil)

            let duplicate = await parleyError {
                var twin = Fixtures.group("eng")
                twin.id = RecordID(rawValue: "grp_other")
                try await store.write { [twin] tx in try await tx.insertGroup(twin) }
            }
            #expect(duplicate?.kind == .conflict)
            #expect(duplicate?.field == "name")
            #expect(duplicate?.message == "A group named 'eng' already exists.")

            try await store.write { tx in try await tx.deleteGroup(name: "eng") }
            #expect(try await store.read { tx in try await tx.groups() }.map(\.name) == ["Ops", "sales"])
            let missing = await parleyError { try await store.write { tx in try await tx.deleteGroup(name: "eng") } }
            #expect(missing?.kind == .notFound)
        }
    }
}
