import Foundation
import ParleyWeb
import Testing

/// Paging and filters of the lists.
@Suite("API: paging and filters", .timeLimit(.minutes(1)))
struct APIListingTests {
    @Test func meetingsArePaged() async throws {
        try await TestServer.with { server in
            let api = server.api
            var created: [MeetingDTO] = []
            for hour in 1...5 {
                created.append(try await api.createMeeting(["title": "M\(hour)", "start": TestTime.minutes(hour * 60), "durationMinutes": 30]))
            }
            let first = try await api.meetings("limit=2&offset=0")
            #expect(first.total == 5 && first.limit == 2 && first.offset == 0)
            #expect(first.items.map(\.title) == ["M1", "M2"])
            let second = try await api.meetings("limit=2&offset=2")
            #expect(second.items.map(\.title) == ["M3", "M4"] && second.offset == 2 && second.total == 5)
            let last = try await api.meetings("limit=2&offset=4")
            #expect(last.items.map(\.title) == ["M5"] && last.total == 5)
            let beyond = try await api.meetings("limit=2&offset=10")
            #expect(beyond.items.isEmpty && beyond.total == 5)
            let all = try await api.meetings()
            #expect(all.limit == 50 && all.offset == 0 && all.items == created)
        }
    }

    @Test func usersArePaged() async throws {
        try await TestServer.with { server in
            let api = server.api
            for login in ["dora", "carl", "bea"] { try await api.createUser(login) }
            var reply = try await api.send("GET /api/v1/users", query: "limit=2")
            var page = try reply.decode(Page<UserDTO>.self)
            #expect(page.total == 4 && page.limit == 2 && page.items.map(\.login) == ["admin", "bea"])
            reply = try await api.send("GET /api/v1/users", query: "limit=2&offset=2")
            page = try reply.decode(Page<UserDTO>.self)
            #expect(page.items.map(\.login) == ["carl", "dora"] && page.offset == 2)
        }
    }

    @Test func meetingFilters() async throws {
        try await TestServer.with { server in
            let api = server.api
            let bob = try await api.host("bob")
            let a = try await api.createMeeting(["title": "A", "start": TestTime.minutes(60), "durationMinutes": 60])
            let b = try await api.createMeeting(["title": "B", "start": TestTime.minutes(180), "durationMinutes": 60], auth: bob)
            let c = try await api.createMeeting(["title": "C", "start": TestTime.minutes(300), "durationMinutes": 60])
            expectStatus(try await api.send("DELETE /api/v1/meetings/{id}", ["id": c.id]), 200)

            func titles(_ query: String) async throws -> [String] {
                let page = try await api.meetings(query)
                #expect(page.total == page.items.count)
                return page.items.map(\.title)
            }
            #expect(try await titles("state=scheduled") == ["A", "B"])
            #expect(try await titles("state=cancelled") == ["C"])
            #expect(try await titles("state=scheduled,cancelled") == ["A", "B", "C"])
            #expect(try await titles("state=in_progress").isEmpty)
            #expect(try await titles("host=bob") == ["B"])
            #expect(try await titles("host=admin&state=scheduled") == ["A"])
            #expect(try await titles("host=nobody").isEmpty)
            #expect(try await titles("meetingID=\(b.meetingID)") == ["B"])
            // from: ends after; to: starts before.
            let from = TestTime.minutes(150).addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
            let to = TestTime.minutes(240).addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
            #expect(try await titles("from=\(from)") == ["B", "C"])
            #expect(try await titles("to=\(to)") == ["A", "B"])
            #expect(try await titles("from=\(from)&to=\(to)") == ["B"])
            #expect(try await titles("from=\(from)&to=\(to)&state=cancelled").isEmpty)
            // Paging applies after filtering.
            let paged = try await api.meetings("state=scheduled,cancelled&limit=1&offset=1")
            #expect(paged.total == 3 && paged.items.map(\.id) == [b.id])
            _ = a

            expectProblem(try await api.send("GET /api/v1/meetings", query: "state=bogus"), 400, code: "request.bad_query", field: "state")
            expectProblem(try await api.send("GET /api/v1/meetings", query: "from=yesterday"), 400, field: "from")
            expectProblem(try await api.send("GET /api/v1/meetings", query: "to=2026-13-01T00:00:00Z"), 400, field: "to")
            expectProblem(try await api.send("GET /api/v1/meetings", query: "meetingID=12"), 400, field: "meetingID")
        }
    }

    @Test func alarmsListClearedOnlyWhenAsked() async throws {
        try await TestServer.with { server in
            let api = server.api
            // One creator and no licence: the audit raises the alarm; a licence clears it.
            try await api.createMeeting(["title": "x"])
            var active = try await api.send("GET /api/v1/alarms").decode(ItemsDTO<AlarmDTO>.self)
            #expect(active.items.map(\.code) == ["licence.hosts_exceeded"])
            expectStatus(try await api.send("POST /api/v1/licenses", body: json(["hosts": 1])), 201)
            active = try await api.send("GET /api/v1/alarms").decode(ItemsDTO<AlarmDTO>.self)
            #expect(active.items.isEmpty)
            for query in ["all=true", "all=1"] {
                let all = try await api.send("GET /api/v1/alarms", query: query).decode(ItemsDTO<AlarmDTO>.self)
                #expect(all.items.count == 1 && all.items.first?.active == false && all.items.first?.clearedAt != nil)
            }
            #expect(try await api.send("GET /api/v1/alarms", query: "all=false").decode(ItemsDTO<AlarmDTO>.self).items.isEmpty)
        }
    }
}
