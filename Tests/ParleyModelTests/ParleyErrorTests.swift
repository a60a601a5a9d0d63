import ParleyModel
import Testing

@Suite("ParleyError and User")
struct ParleyErrorTests {
    @Test(
        "Each kind maps to its HTTP status",
        arguments: [
            (ParleyError.Kind.badRequest, 400), (.unauthenticated, 401), (.forbidden, 403), (.refused, 403), (.notFound, 404),
            (.conflict, 409), (.invalid, 422), (.configuration, 500), (.storage, 500), (.unavailable, 503),
        ]
    )
    func httpStatus(kind: ParleyError.Kind, status: Int) {
        #expect(ParleyError(kind, code: "x", message: "m").httpStatus == status)
    }

    @Test("The description is field, message and fix")
    func description() {
        let full = ParleyError(.invalid, code: "meeting.too_short", message: "Too short.", field: "end", fix: "Make it longer.")
        #expect(full.description == "end: Too short. Make it longer.")
        #expect(ParleyError(.conflict, code: "c", message: "Taken.").description == "Taken.")
    }

    @Test("The helpers build not-found and validation errors naming the field")
    func helpers() {
        let missing = ParleyError.notFound("meeting", "123456")
        #expect(missing.kind == .notFound)
        #expect(missing.code == "meeting.not_found")
        #expect(missing.message.contains("123456"))
        let invalid = ParleyError.invalid("title", "Bad title.", fix: "Shorter.")
        #expect(invalid.kind == .invalid)
        #expect(invalid.code == "validation.title")
        #expect(invalid.field == "title")
        #expect(invalid.fix == "Shorter.")
    }

    @Test(
        "Logins are 1-64 letters, digits, '.', '_', '-', '@'",
        arguments: [
            ("alice", true), ("a", true), ("alice.smith@example.com", true), ("A_b-9", true), (String(repeating: "x", count: 64), true),
            ("", false), (String(repeating: "x", count: 65), false), ("al ice", false), ("alice/x", false), ("ålice", false),
            ("alice\n", false), ("a:b", false),
        ]
    )
    func logins(login: String, valid: Bool) {
        #expect(User.isValidLogin(login) == valid)
    }

    @Test("Only the user role cannot host")
    func canHost() {
        #expect(UserRole.admin.canHost)
        #expect(UserRole.host.canHost)
        #expect(!UserRole.user.canHost)
    }
}
