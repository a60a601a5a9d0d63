import Foundation
import ParleyModel
import ParleyWeb
import Testing

/// The scheduling rules through the API: overlap, meeting IDs, reservationless meetings, the
/// past-start rule, and that a refused create writes nothing.
@Suite("API: meeting rules", .timeLimit(.minutes(1)))
struct APIMeetingRuleTests {
    @Test func hostOverlapIs409() async throws {
        try await TestServer.with { server in
            let api = server.api
            let bob = try await api.host("bob")
            let first = try await api.createMeeting(["title": "A", "start": TestTime.minutes(60), "durationMinutes": 60], auth: bob)
            let count = try await api.meetingCount()
            let problem = expectProblem(
                try await api.send("POST /api/v1/meetings", body: json(["start": TestTime.minutes(90), "durationMinutes": 60]), auth: bob), 409,
                code: "meeting.host_overlap")
            #expect(problem?.detail.contains(first.meetingID) == true)
            // The admin scheduling for bob meets the same rule.
            expectProblem(
                try await api.send("POST /api/v1/meetings", body: json(["host": "bob", "start": TestTime.minutes(30), "durationMinutes": 31])), 409,
                code: "meeting.host_overlap")
            #expect(try await api.meetingCount() == count)
            // Back to back is not an overlap; another host at the same time is fine.
            try await api.createMeeting(["start": TestTime.minutes(120), "durationMinutes": 30], auth: bob)
            try await api.createMeeting(["start": TestTime.minutes(90), "durationMinutes": 60])
            // Moving a meeting onto another is refused too.
            let later = try await api.createMeeting(["start": TestTime.minutes(300), "durationMinutes": 30], auth: bob)
            expectProblem(
                try await api.send("PATCH /api/v1/meetings/{id}", ["id": later.id], body: json(["start": TestTime.minutes(70)]), auth: bob), 409,
                code: "meeting.host_overlap")
            #expect(try await api.send("GET /api/v1/meetings/{id}", ["id": later.id]).decode(MeetingDTO.self) == later)
        }
    }

    @Test func vanityIDInUseIs409UntilCancelled() async throws {
        try await TestServer.with { server in
            let api = server.api
            let bob = try await api.host("bob")
            let held = try await api.createMeeting(["meetingID": "777777", "start": TestTime.minutes(60), "durationMinutes": 30], auth: bob)
            #expect(held.meetingID == "777777")
            let count = try await api.meetingCount()
            // Held by an unfinished meeting: refused at any time, for any host.
            for body: [String: Any] in [
                ["meetingID": "777777", "start": TestTime.minutes(600), "durationMinutes": 30],
                ["meetingID": "777777", "start": TestTime.minutes(60), "durationMinutes": 30],
            ] {
                expectProblem(try await api.send("POST /api/v1/meetings", body: json(body)), 409, code: "meeting.id_in_use", field: "meetingID")
            }
            let other = try await api.createMeeting(["start": TestTime.minutes(600), "durationMinutes": 30])
            expectProblem(
                try await api.send("PATCH /api/v1/meetings/{id}", ["id": other.id], body: json(["meetingID": "777777"])), 409,
                code: "meeting.id_in_use")
            #expect(try await api.meetingCount() == count + 1)

            // Cancelling releases the ID (the cancelled meeting is kept for the record).
            let cancelled = try await api.send("DELETE /api/v1/meetings/{id}", ["id": "777777"], auth: bob).decode(MeetingDTO.self)
            #expect(cancelled.id == held.id && cancelled.state == "cancelled")
            expectProblem(try await api.send("DELETE /api/v1/meetings/{id}", ["id": held.id], auth: bob), 409, code: "meeting.finished")
            let reused = try await api.createMeeting(["meetingID": "777777", "start": TestTime.minutes(60), "durationMinutes": 30])
            #expect(reused.meetingID == "777777" && reused.id != held.id)
            #expect(try await api.meetings("meetingID=777777").total == 2)
            // The meeting ID now names the live meeting.
            #expect(try await api.send("GET /api/v1/meetings/{id}", ["id": "777777"]).decode(MeetingDTO.self).id == reused.id)
        }
    }

    @Test func endedMeetingsIDIsReusableOnlyOutsideItsTime() async throws {
        try await TestServer.with { server in
            let api = server.api
            let first = try await api.createMeeting(["meetingID": "55555", "durationMinutes": 60])
            expectStatus(try await api.send("POST /api/v1/meetings/{id}/start", ["id": first.id]), 200)
            let ended = try await api.send("POST /api/v1/meetings/{id}/end", ["id": "55555"]).decode(MeetingDTO.self)
            #expect(ended.state == "ended")
            let bob = try await api.host("bob")
            // Its booked hour still holds the ID...
            expectProblem(
                try await api.send(
                    "POST /api/v1/meetings", body: json(["meetingID": "55555", "start": TestTime.minutes(30), "durationMinutes": 10]), auth: bob),
                409, code: "meeting.id_in_use")
            // ...but a later slot may reuse it.
            let again = try await api.createMeeting(["meetingID": "55555", "start": TestTime.minutes(120), "durationMinutes": 10], auth: bob)
            #expect(again.meetingID == "55555" && again.host == "bob")
        }
    }

    @Test func reservationlessUsesTheProfileNumber() async throws {
        try await TestServer.with { server in
            let api = server.api
            let bob = try await api.host("bob")
            expectProblem(
                try await api.send("POST /api/v1/meetings", body: json(["reservationless": true]), auth: bob), 422, code: "meeting.no_profile_number",
                field: "reservationless")
            #expect(try await api.meetingCount() == 0)

            let dave = try await api.host("dave", ["profileNumber": "8080"])
            let room = try await api.createMeeting(["reservationless": true, "title": "Dave's room"], auth: dave)
            #expect(room.meetingID == "8080" && room.reservationless && room.start == nil && room.end == nil && room.host == "dave")
            expectProblem(
                try await api.send("POST /api/v1/meetings", body: json(["reservationless": true, "meetingID": "9999"]), auth: dave), 422,
                field: "meetingID")
            // The admin may open it for a host; the profile number is in use while it stands.
            expectProblem(
                try await api.send("POST /api/v1/meetings", body: json(["reservationless": true, "host": "dave"])), 409, code: "meeting.id_in_use")
            // A standing room does not block the host's scheduled meetings.
            try await api.createMeeting(["start": TestTime.minutes(60), "durationMinutes": 30], auth: dave)
            // Ending a reservationless meeting makes it ready for next time.
            expectStatus(try await api.send("POST /api/v1/meetings/{id}/start", ["id": "8080"], auth: dave), 200)
            let after = try await api.send("POST /api/v1/meetings/{id}/end", ["id": "8080"], auth: dave).decode(MeetingDTO.self)
            #expect(after.state == "scheduled" && after.endedAt != nil)
            // PATCHing times of a reservationless meeting is refused.
            expectProblem(
                try await api.send("PATCH /api/v1/meetings/{id}", ["id": room.id], body: json(["durationMinutes": 30]), auth: dave), 422,
                field: "start")
        }
    }

    @Test func startMoreThanFiveMinutesInThePastStartsNow() async throws {
        try await TestServer.with { server in
            let api = server.api
            let before = TestTime.nowSeconds
            let moved = try await api.createMeeting(["start": TestTime.minutes(-60), "durationMinutes": 30])
            let start = try #require(TestTime.parse(moved.start))
            let end = try #require(TestTime.parse(moved.end))
            #expect(start.secondsSinceEpoch >= before - 1 && start.secondsSinceEpoch <= TestTime.nowSeconds + 1)
            #expect(end - start == .seconds(1800))
            // Within the 5 minutes of grace the start is kept.
            let bob = try await api.host("bob")
            let recent = TestTime.seconds(-120)
            let kept = try await api.createMeeting(["start": recent, "durationMinutes": 30], auth: bob)
            #expect(kept.start == recent)
        }
    }

    @Test func startRules() async throws {
        try await TestServer.with { server in
            let api = server.api
            let later = try await api.createMeeting(["start": TestTime.minutes(60), "durationMinutes": 30])
            expectProblem(try await api.send("POST /api/v1/meetings/{id}/start", ["id": later.id]), 409, code: "meeting.not_started_yet")
            expectProblem(try await api.send("POST /api/v1/meetings/{id}/end", ["id": later.id]), 409, code: "meeting.not_in_progress")
            let now = try await api.createMeeting(["durationMinutes": 10, "start": TestTime.seconds(0)])
            let started = try await api.send("POST /api/v1/meetings/{id}/start", ["id": now.id]).decode(MeetingDTO.self)
            // Starting again answers the running meeting unchanged.
            let again = try await api.send("POST /api/v1/meetings/{id}/start", ["id": now.id]).decode(MeetingDTO.self)
            #expect(again == started && again.state == "in_progress")
            // A running meeting keeps its start and its ID; its end may move.
            expectProblem(
                try await api.send("PATCH /api/v1/meetings/{id}", ["id": now.id], body: json(["start": TestTime.minutes(2)])), 409,
                code: "meeting.in_progress")
            expectProblem(
                try await api.send("PATCH /api/v1/meetings/{id}", ["id": now.id], body: json(["meetingID": "4444"])), 409, code: "meeting.in_progress"
            )
            let longer = try await api.send("PATCH /api/v1/meetings/{id}", ["id": now.id], body: json(["durationMinutes": 20])).decode(
                MeetingDTO.self)
            #expect(longer.start == started.start && longer.state == "in_progress")
            // Cancelling a running meeting ends it.
            let cancelled = try await api.send("DELETE /api/v1/meetings/{id}", ["id": now.id]).decode(MeetingDTO.self)
            #expect(cancelled.state == "cancelled" && cancelled.endedAt != nil)
            expectProblem(try await api.send("POST /api/v1/meetings/{id}/start", ["id": now.id]), 409, code: "meeting.finished")
            expectProblem(
                try await api.send("PATCH /api/v1/meetings/{id}", ["id": now.id], body: json(["title": "x"])), 409, code: "meeting.finished")
        }
    }

    @Test func refusedCreatesLeaveNothingBehind() async throws {
        try await TestServer.with { server in
            let api = server.api
            let bob = try await api.host("bob")
            try await api.createMeeting(["meetingID": "123123", "start": TestTime.minutes(60), "durationMinutes": 60], auth: bob)
            let meetings = try await api.meetingCount()
            let licences = try await api.send("GET /api/v1/licenses").decode(LicenceStatusDTO.self)
            let refusals: [(String, Int)] = [
                (json(["start": TestTime.minutes(90)]), 409),  // host overlap
                (json(["meetingID": "123123", "start": TestTime.minutes(600)]), 409),  // ID in use
                (json(["start": TestTime.minutes(600), "durationMinutes": 1]), 422),
                (json(["reservationless": true]), 422),
                (json(["title": 1]), 400),
                ("{", 400),
            ]
            for (body, status) in refusals {
                expectProblem(try await api.send("POST /api/v1/meetings", body: body, auth: bob), status)
            }
            #expect(try await api.meetingCount() == meetings)
            // The refusals were not counted as meeting creation by the licence audit either.
            let after = try await api.send("GET /api/v1/licenses").decode(LicenceStatusDTO.self)
            #expect(after.activeHosts == licences.activeHosts)
        }
    }
}
