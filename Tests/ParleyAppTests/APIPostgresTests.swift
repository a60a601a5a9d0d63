import Foundation
import ParleyConfig
import ParleyTestSupport
import ParleyWeb
import Testing

/// The API over PostgreSQL (`database.driver: postgres`), against the test PostgreSQL server.
@Suite("API: PostgreSQL smoke", .timeLimit(.minutes(1)))
struct APIPostgresTests {
    @Test func smoke() async throws {
        try await TestServer.with(.postgres) { server in
            let api = server.api
            #expect(server.configuration.database.driver == .postgres)
            expectStatus(try await api.send("GET /readyz", auth: .none), 200)
            let bob = try await api.host("bob", ["profileNumber": "3030"])
            expectProblem(try await api.send("POST /api/v1/users", body: json(["login": "bob"])), 409, code: "user.login_taken")
            let first = try await api.createMeeting(["title": "PG", "meetingID": "909090", "durationMinutes": 30])
            let room = try await api.createMeeting(["reservationless": true], auth: bob)
            #expect(room.meetingID == "3030")
            expectProblem(
                try await api.send("POST /api/v1/meetings", body: json(["meetingID": "909090", "start": TestTime.minutes(600)])), 409,
                code: "meeting.id_in_use")
            let count = try await api.meetingCount()
            #expect(count == 2)
            expectStatus(try await api.send("POST /api/v1/meetings/{id}/start", ["id": first.id]), 200)
            expectProblem(try await api.send("POST /api/v1/meetings/{id}/start", ["id": "3030"], auth: bob), 403, code: "licence.single_meeting")
            let alarms = try await api.send("GET /api/v1/alarms").decode(ItemsDTO<AlarmDTO>.self)
            #expect(alarms.items.map(\.code) == ["licence.hosts_exceeded"])
            expectStatus(try await api.send("POST /api/v1/licenses", body: json(["hosts": 5])), 201)
            expectStatus(try await api.send("POST /api/v1/meetings/{id}/start", ["id": "3030"], auth: bob), 200)
            #expect(try await api.send("GET /api/v1/alarms").decode(ItemsDTO<AlarmDTO>.self).items.isEmpty)
            let page = try await api.meetings("state=in_progress&limit=1")
            #expect(page.total == 2 && page.items.count == 1)
            expectStatus(try await api.send("DELETE /api/v1/meetings/{id}", ["id": "909090"]), 200)
            #expect(try await api.meetings("state=cancelled").items.map(\.id) == [first.id])
        }
    }
}
