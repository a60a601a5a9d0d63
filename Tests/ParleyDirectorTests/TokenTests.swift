import ParleyDirector
import ParleyModel
import ParleyStore
import ParleyTestSupport
import Testing

@Suite("Director API tokens and sign-in")
struct TokenTests {
    @Test("The first admin token creates the `admin` user once", arguments: StoreKind.allCases)
    func adminToken(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            // withDirector already made one admin token; make two more.
            let (first, admin1) = try await f.director.createToken(forLogin: nil, label: "cli")
            let (second, admin2) = try await f.director.createToken(forLogin: nil, label: "cli")
            #expect(admin1.id == f.admin.user.id)
            #expect(admin2.id == f.admin.user.id)
            #expect(admin1.login == "admin")
            #expect(admin1.role == .admin)
            #expect(first != second)
            let users = try await f.director.users(limit: 100, offset: 0, by: f.admin)
            #expect(users.total == 1)
            #expect(users.items.map(\.login) == ["admin"])

            for token in [first, second] {
                #expect(token.hasPrefix("prl_"))
                #expect(token.utf8.count == 68)
                #expect(token.dropFirst(4).allSatisfy { "0123456789abcdef".contains($0) })
                let principal = try await f.director.authenticate(token: token)
                #expect(principal?.user.id == admin1.id)
                #expect(principal?.isAdmin == true)
            }
        }
    }

    @Test("A token for a named user authenticates as that user")
    func userToken() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            let (token, owner) = try await f.director.createToken(forLogin: "alice", label: "laptop")
            #expect(owner.id == alice.user.id)
            let principal = try await f.director.authenticate(token: token)
            #expect(principal?.user.login == "alice")
            #expect(principal?.isAdmin == false)
            let viaAPI = try await f.director.createToken(forLogin: "alice", label: "phone", by: f.admin)
            #expect(try await f.director.authenticate(token: viaAPI)?.user.id == alice.user.id)
            await expectError("user.not_found", .notFound, field: "user") {
                try await f.director.createToken(forLogin: "nobody", label: "x")
            }
        }
    }

    @Test("Wrong and malformed tokens authenticate nobody", arguments: StoreKind.allCases)
    func wrongTokens(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let (token, _) = try await f.director.createToken(forLogin: nil, label: "cli")
            let hex = token.dropFirst(4)
            let lastFlipped = String(token.dropLast()) + (token.hasSuffix("0") ? "1" : "0")
            let candidates = [
                "",
                "prl_",
                String(hex),  // no prefix
                "PRL_" + hex,
                "xyz_" + hex,
                String(token.dropLast()),  // too short
                token + "0",  // too long
                lastFlipped,
                token.uppercased(),
                "prl_" + String(repeating: "0", count: 64),
                " " + token,
                token + "\n",
                "prl_" + String(repeating: "é", count: 32),  // 68 bytes, not 68 characters
                SecretHasher.tokenHash(token),  // the stored hash is not a credential
            ]
            for candidate in candidates {
                #expect(try await f.director.authenticate(token: candidate) == nil, "\(candidate) must not authenticate")
            }
            #expect(try await f.director.authenticate(token: token) != nil)
        }
    }

    @Test("Only the token's hash is stored", arguments: StoreKind.allCases)
    func onlyHashStored(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let (token, admin) = try await f.director.createToken(forLogin: nil, label: "cli")
            let hash = SecretHasher.tokenHash(token)
            let (byHash, bySecret) = try await f.store.read { tx in
                (try await tx.token(secretHash: hash), try await tx.token(secretHash: token))
            }
            let record = try #require(byHash)
            #expect(record.secretHash == hash)
            #expect(record.userID == admin.id)
            #expect(record.label == "cli")
            #expect(record.createdAt == t0)
            #expect(!record.secretHash.contains(token.dropFirst(4)))
            #expect(bySecret == nil, "no row keeps the token text in place of its hash")
        }
    }

    @Test("A deleted user's tokens stop working")
    func deletedUser() async throws {
        try await withDirector { f in
            _ = try await f.user("alice")
            let (token, _) = try await f.director.createToken(forLogin: "alice", label: "x")
            #expect(try await f.director.authenticate(token: token) != nil)
            try await f.director.deleteUser(login: "alice", by: f.admin)
            #expect(try await f.director.authenticate(token: token) == nil)
            let hash = SecretHasher.tokenHash(token)
            #expect(try await f.store.read { tx in try await tx.token(secretHash: hash) } == nil)
        }
    }

    @Test("Sign-in with login and password checks the hash")
    func passwordSignIn() async throws {
        try await withDirector { f in
            _ = try await f.director.createUser(NewUser(login: "alice", password: "tr0ub4dor&3"), by: f.admin)
            #expect(try await f.director.authenticate(login: "alice", password: "tr0ub4dor&3")?.user.login == "alice")
            #expect(try await f.director.authenticate(login: "alice", password: "tr0ub4dor&4") == nil)
            #expect(try await f.director.authenticate(login: "alice", password: "") == nil)
            #expect(try await f.director.authenticate(login: "nobody", password: "tr0ub4dor&3") == nil)
            // The admin made by the first token has no password at all.
            #expect(try await f.director.authenticate(login: "admin", password: "") == nil)
            let stored = try await f.store.read { tx in try await tx.user(login: "alice") }
            let hash = try #require(stored?.passwordHash)
            #expect(hash.hasPrefix("pbkdf2-sha256$1000$"))
            #expect(!hash.contains("tr0ub4dor"))
        }
    }
}
