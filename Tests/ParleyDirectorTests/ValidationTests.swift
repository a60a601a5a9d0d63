import ParleyDirector
import ParleyModel
import ParleyTestSupport
import Testing

@Suite("Director validation")
struct ValidationTests {
    /// Every text of an error a client or log could show.
    func shown(_ error: ParleyError?) -> String {
        guard let error else { return "" }
        return [error.message, error.fix ?? "", error.field ?? "", error.description, String(describing: error)].joined(separator: "\n")
    }

    @Test(
        "Passwords that are refused are never echoed",
        arguments: ["hunter2", "", "x", String(repeating: "p4ssw0rd", count: 17)]
    )
    func passwordNotEchoed(password: String) async throws {
        try await withDirector { f in
            let error = await expectError("validation.password", .invalid, field: "password") {
                try await f.director.createUser(NewUser(login: "alice", password: password), by: f.admin)
            }
            if !password.isEmpty {
                #expect(!shown(error).contains(password))
            }
            _ = try await f.user("bob")
            let update = await expectError("validation.password", .invalid, field: "password") {
                try await f.director.updateUser(login: "bob", UserChanges(password: .some(password)), by: f.admin)
            }
            if !password.isEmpty {
                #expect(!shown(update).contains(password))
            }
        }
    }

    @Test("PINs and meeting passwords are 4-12 digits, named by field, and never echoed")
    func digitSecrets() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            for bad in ["12ab", "123", "1234567890123", "12 34", "١٢٣٤"] {
                let pin = await expectError("validation.pin", .invalid, field: "pin") {
                    try await f.director.createUser(NewUser(login: "carol", pin: bad), by: f.admin)
                }
                #expect(!shown(pin).contains(bad))
                let hostPIN = await expectError("validation.hostPIN", .invalid, field: "hostPIN") {
                    try await f.director.createMeeting(NewMeeting(start: at(0), end: at(60), hostPIN: bad), by: alice)
                }
                #expect(!shown(hostPIN).contains(bad))
                let password = await expectError("validation.password", .invalid, field: "password") {
                    try await f.director.createMeeting(NewMeeting(start: at(0), end: at(60), password: bad), by: alice)
                }
                #expect(!shown(password).contains(bad))
            }
            #expect(try await f.director.meetings(MeetingQuery(), by: alice).total == 0)
        }
    }

    @Test("Secrets are stored as hashes that verify")
    func secretsHashed() async throws {
        try await withDirector { f in
            let user = try await f.director.createUser(NewUser(login: "alice", profileNumber: "5550101", pin: "482916"), by: f.admin)
            let hasher = SecretHasher(rounds: 1_000)
            let pinHash = try #require(user.pinHash)
            #expect(pinHash != "482916")
            #expect(hasher.verify("482916", against: pinHash))
            let m = try await f.director.createMeeting(
                NewMeeting(start: at(0), end: at(60), password: "2468", hostPIN: "13579"), by: Principal(user: user)
            ).meeting
            let stored = try await f.stored(m)
            #expect(stored.passwordHash.map { hasher.verify("2468", against: $0) } == true)
            #expect(stored.hostPINHash.map { hasher.verify("13579", against: $0) } == true)
            #expect(stored.passwordHash?.hasPrefix("pbkdf2-sha256$1000$") == true)

            // Changing and clearing a meeting password.
            let changed = try await f.director.updateMeeting(m.id.rawValue, MeetingChanges(password: .some("9999")), by: f.admin)
            #expect(changed.meeting.passwordHash.map { hasher.verify("9999", against: $0) } == true)
            let cleared = try await f.director.updateMeeting(m.id.rawValue, MeetingChanges(password: .some(nil)), by: f.admin)
            #expect(cleared.meeting.passwordHash == nil)
            #expect(try await f.stored(m).passwordHash == nil)
        }
    }

    @Test("User fields are validated and the error names the field")
    func userFields() async throws {
        try await withDirector { f in
            let cases: [(NewUser, String)] = [
                (NewUser(login: ""), "login"),
                (NewUser(login: "al ice"), "login"),
                (NewUser(login: String(repeating: "a", count: 65)), "login"),
                (NewUser(login: "alice", displayName: "   "), "displayName"),
                (NewUser(login: "alice", displayName: "Alice\u{7}"), "displayName"),
                (NewUser(login: "alice", email: "alice"), "email"),
                (NewUser(login: "alice", email: "alice@localhost"), "email"),
                (NewUser(login: "alice", email: "a b@example.com"), "email"),
                (NewUser(login: "alice", profileNumber: "123"), "profileNumber"),
                (NewUser(login: "alice", profileNumber: "12345678901"), "profileNumber"),
                (NewUser(login: "alice", profileNumber: "12a45"), "profileNumber"),
            ]
            for (new, field) in cases {
                await expectError("validation.\(field)", .invalid, field: field) {
                    try await f.director.createUser(new, by: f.admin)
                }
            }
            await expectError("user.unknown_group", .invalid, field: "group") {
                try await f.director.createUser(NewUser(login: "alice", groupName: "nope"), by: f.admin)
            }
            let users = try await f.director.users(limit: 10, offset: 0, by: f.admin)
            #expect(users.total == 1, "only the admin exists")
        }
    }

    @Test("Control characters in a login are not echoed raw")
    func loginEchoIsSafe() async throws {
        try await withDirector { f in
            let error = await expectError("validation.login", .invalid, field: "login") {
                try await f.director.createUser(NewUser(login: "evil\u{1B}[2Jname"), by: f.admin)
            }
            #expect(error?.message.contains("\u{1B}") == false)
        }
    }

    @Test("Meeting fields are validated and the error names the field")
    func meetingFields() async throws {
        try await withDirector(settings: .test(sites: ["london", "paris"])) { f in
            let alice = try await f.user("alice")
            let cases: [(NewMeeting, String)] = [
                (NewMeeting(title: "", start: at(0), end: at(60)), "title"),
                (NewMeeting(title: "   ", start: at(0), end: at(60)), "title"),
                (NewMeeting(title: String(repeating: "t", count: 201), start: at(0), end: at(60)), "title"),
                (NewMeeting(title: "a\nb", start: at(0), end: at(60)), "title"),
                (NewMeeting(start: at(0), end: at(60), expectedParticipants: 0), "expectedParticipants"),
                (NewMeeting(start: at(0), end: at(60), expectedParticipants: 10_001), "expectedParticipants"),
                (NewMeeting(start: at(0), end: at(60), preferredSite: "tokyo"), "preferredSite"),
            ]
            for (new, field) in cases {
                await expectError("validation.\(field)", .invalid, field: field) {
                    try await f.director.createMeeting(new, by: alice)
                }
            }
            let ok = try await f.director.createMeeting(
                NewMeeting(title: String(repeating: "t", count: 200), start: at(0), end: at(60), expectedParticipants: 10_000, preferredSite: "paris"),
                by: alice
            )
            #expect(ok.meeting.preferredSite == "paris")
            #expect(ok.meeting.expectedParticipants == 10_000)
        }
    }
}
