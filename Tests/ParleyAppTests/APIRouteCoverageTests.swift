import Foundation
import ParleyWeb
import Testing

/// Every route of WebRouter.apiRoutes answers with success over real HTTP, with bodies that
/// match docs/openapi.yaml.
@Suite("API: every route", .timeLimit(.minutes(1)))
struct APIRouteCoverageTests {
    @Test func everyRouteSucceeds() async throws {
        try await TestServer.with { server in
            let api = server.api

            // Who am I
            let me = try await api.send("GET /api/v1/me").decode(UserDTO.self)
            #expect(me.login == "admin" && me.role == "admin")

            // Groups
            var reply = try await api.send("POST /api/v1/groups", body: json(["name": "sales", "description": "Sales team"]))
            expectStatus(reply, 201)
            #expect(try reply.decode(GroupDTO.self).description == "Sales team")
            reply = try await api.send("GET /api/v1/groups")
            #expect(try reply.decode(ItemsDTO<GroupDTO>.self).items.map(\.name) == ["sales"])
            reply = try await api.send("GET /api/v1/groups/{name}", ["name": "sales"])
            #expect(try reply.decode(GroupDTO.self).name == "sales")

            // Users
            let bob = try await api.createUser(
                "bob", ["displayName": "Bob", "email": "bob@example.com", "profileNumber": "4242", "role": "host", "group": "sales"])
            #expect(bob.displayName == "Bob" && bob.profileNumber == "4242" && bob.group == "sales" && !bob.hasPIN && !bob.hasPassword)
            reply = try await api.send("GET /api/v1/users")
            let users = try reply.decode(Page<UserDTO>.self)
            #expect(users.total == 2 && users.items.map(\.login) == ["admin", "bob"])
            reply = try await api.send("GET /api/v1/users/{login}", ["login": "bob"])
            #expect(try reply.decode(UserDTO.self) == bob)
            reply = try await api.send("PATCH /api/v1/users/{login}", ["login": "bob"], body: json(["displayName": "Robert", "email": NSNull()]))
            expectStatus(reply, 200)
            let changed = try reply.decode(UserDTO.self)
            #expect(changed.displayName == "Robert" && changed.email == nil && changed.profileNumber == "4242")
            reply = try await api.send("POST /api/v1/users/{login}/tokens", ["login": "bob"], body: json(["label": "laptop"]))
            expectStatus(reply, 201)
            let token = try reply.decode(TokenDTO.self)
            #expect(token.user == "bob")
            #expect(token.token.wholeMatch(of: /prl_[0-9a-f]{64}/) != nil)
            let asBob = try await api.send("GET /api/v1/me", auth: .bearer(token.token)).decode(UserDTO.self)
            #expect(asBob.login == "bob" && asBob.displayName == "Robert")

            // Meetings
            let start = TestTime.minutes(120)
            let kickoff = try await api.createMeeting(["title": "Kickoff", "start": start, "durationMinutes": 30, "meetingID": "246810"])
            #expect(kickoff.meetingID == "246810" && kickoff.start == start && kickoff.state == "scheduled" && kickoff.host == "admin")
            #expect(kickoff.end == TestTime.minutes(150))
            let page = try await api.meetings()
            #expect(page.total == 1 && page.items == [kickoff])
            reply = try await api.send("GET /api/v1/meetings/{id}", ["id": kickoff.id])
            #expect(try reply.decode(MeetingDTO.self) == kickoff)
            reply = try await api.send("GET /api/v1/meetings/{id}", ["id": "246810"])
            #expect(try reply.decode(MeetingDTO.self) == kickoff)
            reply = try await api.send(
                "PATCH /api/v1/meetings/{id}", ["id": kickoff.id],
                body: json(["title": "Kickoff v2", "durationMinutes": 45, "expectedParticipants": 12]))
            expectStatus(reply, 200)
            let patched = try reply.decode(MeetingDTO.self)
            #expect(
                patched.title == "Kickoff v2" && patched.start == start && patched.end == TestTime.minutes(165) && patched.expectedParticipants == 12)

            let now = try await api.createMeeting(["title": "Now", "durationMinutes": 10])
            reply = try await api.send("POST /api/v1/meetings/{id}/start", ["id": now.id])
            expectStatus(reply, 200)
            let running = try reply.decode(MeetingDTO.self)
            #expect(running.state == "in_progress" && running.startedAt != nil)
            reply = try await api.send("GET /api/v1/meetings/{id}/attendance", ["id": now.id])
            #expect(try reply.decode(ItemsDTO<AttendanceDTO>.self).items.isEmpty)
            reply = try await api.send("GET /api/v1/meetings/{id}/chat", ["id": now.id])
            #expect(try reply.decode(ItemsDTO<ChatMessageDTO>.self).items.isEmpty)
            reply = try await api.send("POST /api/v1/meetings/{id}/end", ["id": now.id])
            expectStatus(reply, 200)
            let ended = try reply.decode(MeetingDTO.self)
            #expect(ended.state == "ended" && ended.endedAt != nil)
            reply = try await api.send("DELETE /api/v1/meetings/{id}", ["id": kickoff.id])
            expectStatus(reply, 200)
            #expect(try reply.decode(MeetingDTO.self).state == "cancelled")

            // Licences and alarms
            reply = try await api.send("GET /api/v1/licenses")
            let before = try reply.decode(LicenceStatusDTO.self)
            #expect(before.installedHosts == 0 && before.singleMeetingMode && before.auditWindowDays == 30)
            reply = try await api.send("POST /api/v1/licenses", body: json(["hosts": 3, "note": "PO-1"]))
            expectStatus(reply, 201)
            let after = try reply.decode(LicenceStatusDTO.self)
            #expect(after.installedHosts == 3 && !after.singleMeetingMode && after.grants.map(\.note) == ["PO-1"])
            reply = try await api.send("GET /api/v1/alarms")
            expectStatus(reply, 200)
            _ = try reply.decode(ItemsDTO<AlarmDTO>.self)

            // Deletes
            try await api.createUser("temp")
            reply = try await api.send("DELETE /api/v1/users/{login}", ["login": "temp"])
            expectStatus(reply, 204)
            expectProblem(try await api.send("GET /api/v1/users/{login}", ["login": "temp"]), 404, code: "user.not_found")
            reply = try await api.send("PATCH /api/v1/users/{login}", ["login": "bob"], body: json(["group": NSNull()]))
            #expect(try reply.decode(UserDTO.self).group == nil)
            reply = try await api.send("DELETE /api/v1/groups/{name}", ["name": "sales"])
            expectStatus(reply, 204)
            expectProblem(try await api.send("GET /api/v1/groups/{name}", ["name": "sales"]), 404)

            // The live routes need callers: LiveMeetingAPITests covers them with sipp.
            let missing = Set(WebRouter.apiRoutes).subtracting(api.coveredRoutes).subtracting(LiveMeetingAPITests.liveRoutes)
            #expect(missing.isEmpty, "routes never answered with success: \(missing.sorted())")
        }
    }

    @Test func tokenBodyMayBeEmpty() async throws {
        try await TestServer.with { server in
            try await server.api.createUser("kim")
            let reply = try await server.api.send("POST /api/v1/users/{login}/tokens", ["login": "kim"])
            expectStatus(reply, 201)
            let token = try reply.decode(TokenDTO.self)
            #expect(token.user == "kim")
            expectProblem(try await server.api.send("POST /api/v1/users/{login}/tokens", ["login": "nobody"]), 404, code: "user.not_found")
        }
    }
}
