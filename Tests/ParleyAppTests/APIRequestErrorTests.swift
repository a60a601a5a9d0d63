import Foundation
import ParleyWeb
import Testing

/// Authentication and request checking: 401, 400 and 422 as problem documents naming the field.
@Suite("API: authentication and bad requests", .timeLimit(.minutes(1)))
struct APIRequestErrorTests {
    @Test func everyRouteNeedsAToken() async throws {
        try await TestServer.with { server in
            for route in WebRouter.apiRoutes {
                let reply = try await server.api.send(route, ["login": "admin", "name": "g", "id": "123456", "participant": "prt_0"], auth: .none)
                let problem = expectProblem(reply, 401, code: "auth.token_required")
                #expect(reply.header("WWW-Authenticate") == "Bearer realm=\"parley\"", "\(route)")
                #expect(problem?.fix?.contains("parley admin token create") == true)
            }
        }
    }

    @Test func badTokensAreRefused() async throws {
        try await TestServer.with { server in
            let api = server.api
            let unknown = "prl_" + String(repeating: "0", count: 64)
            for auth: Auth in [.bearer(unknown), .bearer("prl_short"), .bearer("not-a-token"), .header("Basic YWRtaW46YWRtaW4="), .header("Bearer")] {
                let reply = try await api.send("GET /api/v1/me", auth: auth)
                expectProblem(reply, 401, code: "auth.token_required")
                #expect(reply.header("WWW-Authenticate") == "Bearer realm=\"parley\"")
            }
            // A deleted user's token stops working.
            let gone = try await api.host("gone")
            expectStatus(try await api.send("GET /api/v1/me", auth: gone), 200)
            expectStatus(try await api.send("DELETE /api/v1/users/{login}", ["login": "gone"]), 204)
            expectProblem(try await api.send("GET /api/v1/me", auth: gone), 401)
        }
    }

    @Test func malformedBodiesAre400() async throws {
        try await TestServer.with { server in
            let api = server.api
            let before = try await api.meetingCount()
            expectProblem(try await api.send("POST /api/v1/meetings", body: "{\"title\": "), 400, code: "request.malformed_json")
            expectProblem(try await api.send("POST /api/v1/meetings", body: ""), 400, code: "request.malformed_json")
            expectProblem(try await api.send("POST /api/v1/meetings", body: "[1, 2]"), 400, code: "request.not_object")
            expectProblem(try await api.send("POST /api/v1/users", body: "{}"), 400, code: "request.missing_field", field: "login")
            expectProblem(try await api.send("POST /api/v1/licenses", body: "{\"note\": \"x\"}"), 400, code: "request.missing_field", field: "hosts")
            #expect(try await api.meetingCount() == before)
        }
    }

    @Test(arguments: [
        ("expectedParticipants", "\"ten\""), ("expectedParticipants", "1.5"), ("reservationless", "\"yes\""), ("title", "42"),
        ("start", "\"tomorrow\""), ("durationMinutes", "true"), ("meetingID", "123456"),
    ])
    func wrongTypesNameTheField(field: String, value: String) async throws {
        try await TestServer.with { server in
            let reply = try await server.api.send("POST /api/v1/meetings", body: "{\"\(field)\": \(value)}")
            let problem = expectProblem(reply, 400, code: "request.wrong_type", field: field)
            #expect(problem?.detail.contains(field) == true)
            #expect(try await server.api.meetingCount() == 0)
        }
    }

    @Test func unknownFieldsAreRefusedWithTheAllowedList() async throws {
        try await TestServer.with { server in
            let api = server.api
            let problem = expectProblem(
                try await api.send("POST /api/v1/meetings", body: json(["title": "x", "colour": "blue"])), 400, code: "request.unknown_field",
                field: "colour")
            #expect(problem?.fix?.contains("durationMinutes") == true)
            expectProblem(
                try await api.send("POST /api/v1/users", body: json(["login": "x", "admin": true])), 400, code: "request.unknown_field",
                field: "admin")
            expectProblem(
                try await api.send("PATCH /api/v1/users/{login}", ["login": "admin"], body: json(["login": "root"])), 400,
                code: "request.unknown_field", field: "login")
            expectProblem(try await api.send("POST /api/v1/groups", body: json(["name": "g", "members": []])), 400, code: "request.unknown_field")
            expectProblem(
                try await api.send("POST /api/v1/licenses", body: json(["hosts": 1, "expires": "never"])), 400, code: "request.unknown_field")
            #expect(try await api.meetingCount() == 0)
            #expect(try await api.userCount() == 1)
        }
    }

    @Test func outOfRangeValuesAre422() async throws {
        try await TestServer.with { server in
            let api = server.api
            let cases: [([String: Any], String)] = [
                (["expectedParticipants": 0], "expectedParticipants"),
                (["expectedParticipants": 10_001], "expectedParticipants"),
                (["durationMinutes": 1], "durationMinutes"),
                (["durationMinutes": 1441], "durationMinutes"),
                (["meetingID": "12a4"], "meetingID"),
                (["meetingID": "123"], "meetingID"),
                (["password": "12"], "password"),
                (["hostPIN": "abcd"], "hostPIN"),
                (["title": ""], "title"),
                (["title": String(repeating: "t", count: 201)], "title"),
                (["preferredSite": "mars"], "preferredSite"),
                (["host": "nobody"], "host"),
            ]
            for (body, field) in cases {
                expectProblem(try await api.send("POST /api/v1/meetings", body: json(body)), 422, field: field)
            }
            expectProblem(try await api.send("POST /api/v1/licenses", body: json(["hosts": 0])), 422, field: "hosts")
            expectProblem(try await api.send("POST /api/v1/users", body: json(["login": "bad login"])), 422, field: "login")
            expectProblem(try await api.send("POST /api/v1/users", body: json(["login": "x", "profileNumber": "12"])), 422, field: "profileNumber")
            expectProblem(try await api.send("POST /api/v1/users", body: json(["login": "x", "email": "nope"])), 422, field: "email")
            expectProblem(try await api.send("POST /api/v1/users", body: json(["login": "x", "role": "root"])), 422, field: "role")
            expectProblem(try await api.send("POST /api/v1/users", body: json(["login": "x", "group": "nope"])), 422, code: "user.unknown_group")
            expectProblem(try await api.send("GET /api/v1/meetings", query: "limit=0"), 400, code: "request.bad_query", field: "limit")
            expectProblem(try await api.send("GET /api/v1/meetings", query: "limit=501"), 400, field: "limit")
            expectProblem(try await api.send("GET /api/v1/meetings", query: "offset=-1"), 400, field: "offset")
            expectProblem(try await api.send("GET /api/v1/users", query: "limit=many"), 400, field: "limit")
            expectProblem(try await api.send("GET /api/v1/alarms", query: "all=maybe"), 400, field: "all")
            // Nothing was written.
            #expect(try await api.meetingCount() == 0)
            #expect(try await api.userCount() == 1)
            let licences = try await api.send("GET /api/v1/licenses").decode(LicenceStatusDTO.self)
            #expect(licences.installedHosts == 0)
        }
    }

    @Test func scheduleRulesAre422() async throws {
        try await TestServer.with { server in
            let api = server.api
            let start = TestTime.minutes(60)
            expectProblem(
                try await api.send("POST /api/v1/meetings", body: json(["start": start, "end": TestTime.minutes(30)])), 422,
                code: "meeting.end_before_start", field: "end")
            expectProblem(
                try await api.send("POST /api/v1/meetings", body: json(["start": start, "end": start])), 422, code: "meeting.end_before_start")
            expectProblem(
                try await api.send("POST /api/v1/meetings", body: json(["start": start, "end": TestTime.minutes(61)])), 422, code: "meeting.too_short"
            )
            expectProblem(
                try await api.send("POST /api/v1/meetings", body: json(["start": start, "end": TestTime.minutes(60 + 24 * 60 + 1)])), 422,
                code: "meeting.too_long")
            let both = expectProblem(
                try await api.send("POST /api/v1/meetings", body: json(["start": start, "end": TestTime.minutes(90), "durationMinutes": 30])), 422)
            #expect(both?.detail.contains("either an end or a duration") == true)
            expectProblem(
                try await api.send("POST /api/v1/meetings", body: json(["reservationless": true, "start": start])), 422, field: "reservationless")
            #expect(try await api.meetingCount() == 0)
            // The bounds themselves are fine: 2 minutes and 24 hours.
            try await api.createMeeting(["start": start, "end": TestTime.minutes(62)])
            try await api.createMeeting(["start": TestTime.minutes(600), "durationMinutes": 1440])
            #expect(try await api.meetingCount() == 2)
        }
    }

    @Test func duplicateLoginIs409AndWritesNothing() async throws {
        try await TestServer.with { server in
            let api = server.api
            try await api.createUser("bob", ["profileNumber": "5001"])
            let count = try await api.userCount()
            expectProblem(try await api.send("POST /api/v1/users", body: json(["login": "bob"])), 409, code: "user.login_taken", field: "login")
            expectProblem(
                try await api.send("POST /api/v1/users", body: json(["login": "other", "profileNumber": "5001"])), 409,
                code: "user.profile_number_taken", field: "profileNumber")
            expectStatus(try await api.send("POST /api/v1/groups", body: json(["name": "g"])), 201)
            expectProblem(try await api.send("POST /api/v1/groups", body: json(["name": "g"])), 409, code: "group.name_taken", field: "name")
            #expect(try await api.userCount() == count)
        }
    }

    @Test func unknownThingsAre404() async throws {
        try await TestServer.with { server in
            let api = server.api
            expectProblem(try await api.send("GET /api/v1/users/{login}", ["login": "nobody"]), 404, code: "user.not_found")
            expectProblem(try await api.send("GET /api/v1/meetings/{id}", ["id": "999999"]), 404, code: "meeting.not_found")
            expectProblem(try await api.send("GET /api/v1/meetings/{id}", ["id": "mtg_00000000000000000000"]), 404)
            expectProblem(try await api.send("POST /api/v1/meetings/{id}/start", ["id": "999999"]), 404)
            expectProblem(try await api.send("GET /api/v1/groups/{name}", ["name": "none"]), 404, code: "group.not_found")
            let route = try await api.raw("GET", "/api/v1/nothing-here")
            expectProblem(route, 404, code: "route.not_found")
        }
    }
}
