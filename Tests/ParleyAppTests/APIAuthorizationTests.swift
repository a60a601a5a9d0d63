import Foundation
import ParleyWeb
import Testing

/// 403: hosts act on their own meetings and profile only; administration is for admins.
@Suite("API: authorization", .timeLimit(.minutes(1)))
struct APIAuthorizationTests {
    @Test func hostCannotTouchAnotherHostsMeeting() async throws {
        try await TestServer.with { server in
            let api = server.api
            let bob = try await api.host("bob")
            let carol = try await api.host("carol")
            let theirs = try await api.createMeeting(["title": "Carol's", "start": TestTime.minutes(60), "durationMinutes": 30], auth: carol)
            #expect(theirs.host == "carol")
            let mine = try await api.createMeeting(["title": "Bob's", "start": TestTime.minutes(60), "durationMinutes": 30], auth: bob)

            for (route, body) in [
                ("GET /api/v1/meetings/{id}", nil), ("PATCH /api/v1/meetings/{id}", json(["title": "Mine now"])),
                ("DELETE /api/v1/meetings/{id}", nil), ("POST /api/v1/meetings/{id}/start", nil),
                ("POST /api/v1/meetings/{id}/end", nil), ("GET /api/v1/meetings/{id}/attendance", nil),
            ] as [(String, String?)] {
                expectProblem(try await api.send(route, ["id": theirs.id], body: body, auth: bob), 403, code: "auth.not_your_meeting")
                expectProblem(try await api.send(route, ["id": theirs.meetingID], body: body, auth: bob), 403, code: "auth.not_your_meeting")
            }
            // Listing: a host sees only their own, and may not ask for someone else's.
            let listed = try await api.meetings(auth: bob)
            #expect(listed.items.map(\.id) == [mine.id] && listed.total == 1)
            expectProblem(try await api.send("GET /api/v1/meetings", query: "host=carol", auth: bob), 403, field: "host")
            #expect(try await api.meetings("host=bob", auth: bob).total == 1)
            // Scheduling for someone else is for admins.
            expectProblem(try await api.send("POST /api/v1/meetings", body: json(["host": "carol"]), auth: bob), 403, code: "auth.not_your_meeting")

            // Carol's meeting is untouched; the admin may see and change it.
            let now = try await api.send("GET /api/v1/meetings/{id}", ["id": theirs.id]).decode(MeetingDTO.self)
            #expect(now == theirs)
            expectStatus(try await api.send("PATCH /api/v1/meetings/{id}", ["id": theirs.id], body: json(["title": "Renamed by admin"])), 200)
        }
    }

    @Test func hostCannotAdminister() async throws {
        try await TestServer.with { server in
            let api = server.api
            let bob = try await api.host("bob", ["profileNumber": "4321"])
            try await api.createUser("carol")
            expectProblem(try await api.send("GET /api/v1/users", auth: bob), 403, code: "auth.admin_required")
            expectProblem(try await api.send("POST /api/v1/users", body: json(["login": "eve"]), auth: bob), 403, code: "auth.admin_required")
            expectProblem(try await api.send("GET /api/v1/users/{login}", ["login": "carol"], auth: bob), 403, code: "auth.not_yourself")
            expectProblem(
                try await api.send("PATCH /api/v1/users/{login}", ["login": "carol"], body: json(["displayName": "C"]), auth: bob), 403,
                code: "auth.not_yourself")
            expectProblem(
                try await api.send("PATCH /api/v1/users/{login}", ["login": "bob"], body: json(["role": "admin"]), auth: bob), 403,
                code: "auth.admin_required")
            expectProblem(try await api.send("DELETE /api/v1/users/{login}", ["login": "carol"], auth: bob), 403)
            expectProblem(try await api.send("POST /api/v1/users/{login}/tokens", ["login": "carol"], auth: bob), 403)
            expectProblem(try await api.send("GET /api/v1/groups", auth: bob), 403)
            expectProblem(try await api.send("POST /api/v1/groups", body: json(["name": "g"]), auth: bob), 403)
            expectProblem(try await api.send("GET /api/v1/groups/{name}", ["name": "g"], auth: bob), 403)
            expectProblem(try await api.send("DELETE /api/v1/groups/{name}", ["name": "g"], auth: bob), 403)
            expectProblem(try await api.send("GET /api/v1/alarms", auth: bob), 403)
            expectProblem(try await api.send("GET /api/v1/licenses", auth: bob), 403)
            expectProblem(try await api.send("POST /api/v1/licenses", body: json(["hosts": 100]), auth: bob), 403)

            // A host reads and changes their own profile.
            let me = try await api.send("GET /api/v1/users/{login}", ["login": "bob"], auth: bob).decode(UserDTO.self)
            #expect(me.profileNumber == "4321")
            let reply = try await api.send("PATCH /api/v1/users/{login}", ["login": "bob"], body: json(["displayName": "Bobby"]), auth: bob)
            #expect(try reply.decode(UserDTO.self).displayName == "Bobby")
            // Nothing the host tried was written.
            #expect(try await api.userCount() == 3)
            let licences = try await api.send("GET /api/v1/licenses").decode(LicenceStatusDTO.self)
            #expect(licences.installedHosts == 0)
        }
    }

    @Test func usersCannotHost() async throws {
        try await TestServer.with { server in
            let api = server.api
            let dan = try await api.host("dan", ["role": "user"])
            expectProblem(try await api.send("POST /api/v1/meetings", body: json(["title": "x"]), auth: dan), 403, code: "auth.cannot_host")
            expectProblem(
                try await api.send("POST /api/v1/meetings", body: json(["host": "dan"])), 422, code: "meeting.host_cannot_host", field: "host")
            #expect(try await api.meetingCount() == 0)
        }
    }

    @Test func adminCannotDeleteOrDemoteThemself() async throws {
        try await TestServer.with { server in
            let api = server.api
            expectProblem(try await api.send("DELETE /api/v1/users/{login}", ["login": "admin"]), 409, code: "user.delete_self")
            expectProblem(
                try await api.send("PATCH /api/v1/users/{login}", ["login": "admin"], body: json(["role": "host"])), 409, code: "user.last_admin")
            // A host with meetings is kept for their records.
            let bob = try await api.host("bob")
            try await api.createMeeting(["title": "b"], auth: bob)
            expectProblem(try await api.send("DELETE /api/v1/users/{login}", ["login": "bob"]), 409, code: "user.has_meetings")
            // A group with members is kept.
            expectStatus(try await api.send("POST /api/v1/groups", body: json(["name": "eng"])), 201)
            try await api.createUser("erin", ["group": "eng"])
            expectProblem(try await api.send("DELETE /api/v1/groups/{name}", ["name": "eng"]), 409, code: "group.not_empty")
        }
    }
}
