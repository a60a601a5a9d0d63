import Foundation
import ParleyWeb
import Testing

/// The licence rule (one meeting at a time without licences) and the audit alarm.
@Suite("API: licences", .timeLimit(.minutes(1)))
struct APILicenceTests {
    @Test func withoutLicencesOnlyOneMeetingRuns() async throws {
        try await TestServer.with { server in
            let api = server.api
            let bob = try await api.host("bob")
            let first = try await api.createMeeting(["title": "First", "durationMinutes": 30])
            let second = try await api.createMeeting(["title": "Second", "durationMinutes": 30], auth: bob)
            let status = try await api.send("GET /api/v1/licenses").decode(LicenceStatusDTO.self)
            #expect(status.singleMeetingMode && status.installedHosts == 0)

            let started = try await api.send("POST /api/v1/meetings/{id}/start", ["id": first.id]).decode(MeetingDTO.self)
            #expect(started.state == "in_progress")
            let refused = expectProblem(
                try await api.send("POST /api/v1/meetings/{id}/start", ["id": second.id], auth: bob), 403, code: "licence.single_meeting")
            #expect(refused?.fix?.contains("parley license add") == true)
            #expect(refused?.type == "urn:parley:problem:licence.single_meeting")
            // The refusal changed nothing.
            let unchanged = try await api.send("GET /api/v1/meetings/{id}", ["id": second.id]).decode(MeetingDTO.self)
            #expect(unchanged.state == "scheduled" && unchanged.startedAt == nil)
            #expect(try await api.meetings("state=in_progress").items.map(\.id) == [first.id])
            let metrics = try await api.raw("GET", "/metrics", auth: .none).text
            #expect(metrics.contains("parley_meetings_refused_total"))

            let added = try await api.send("POST /api/v1/licenses", body: json(["hosts": 2, "note": "order 42"]))
            expectStatus(added, 201)
            let after = try added.decode(LicenceStatusDTO.self)
            #expect(!after.singleMeetingMode && after.installedHosts == 2 && after.grants.count == 1 && after.grants[0].hosts == 2)

            let now = try await api.send("POST /api/v1/meetings/{id}/start", ["id": second.id], auth: bob).decode(MeetingDTO.self)
            #expect(now.state == "in_progress")
            #expect(try await api.meetings("state=in_progress").total == 2)
        }
    }

    @Test func endingTheRunningMeetingLetsAnotherStart() async throws {
        try await TestServer.with { server in
            let api = server.api
            let bob = try await api.host("bob")
            let first = try await api.createMeeting(["durationMinutes": 30])
            let second = try await api.createMeeting(["durationMinutes": 30], auth: bob)
            expectStatus(try await api.send("POST /api/v1/meetings/{id}/start", ["id": first.id]), 200)
            expectProblem(try await api.send("POST /api/v1/meetings/{id}/start", ["id": second.id], auth: bob), 403, code: "licence.single_meeting")
            expectStatus(try await api.send("POST /api/v1/meetings/{id}/end", ["id": first.id]), 200)
            expectStatus(try await api.send("POST /api/v1/meetings/{id}/start", ["id": second.id], auth: bob), 200)
        }
    }

    @Test func alarmWhenCreatorsExceedLicencesClearsWithMoreLicences() async throws {
        try await TestServer.with { server in
            let api = server.api
            expectStatus(try await api.send("POST /api/v1/licenses", body: json(["hosts": 1])), 201)
            let bob = try await api.host("bob")
            try await api.createMeeting(["title": "admin's", "start": TestTime.minutes(60)])
            var alarms = try await api.send("GET /api/v1/alarms").decode(ItemsDTO<AlarmDTO>.self)
            #expect(alarms.items.isEmpty, "one creator, one licence")

            try await api.createMeeting(["title": "bob's", "start": TestTime.minutes(60)], auth: bob)
            alarms = try await api.send("GET /api/v1/alarms").decode(ItemsDTO<AlarmDTO>.self)
            let alarm = try #require(alarms.items.first)
            #expect(alarms.items.count == 1)
            #expect(alarm.code == "licence.hosts_exceeded" && alarm.active && alarm.severity == "error" && alarm.clearedAt == nil)
            #expect(alarm.message.contains("parley license add --hosts 1"))
            var status = try await api.send("GET /api/v1/licenses").decode(LicenceStatusDTO.self)
            #expect(status.exceeded && status.activeHosts == 2 && status.installedHosts == 1)
            // The audit raises it once, however often it runs.
            try await api.createMeeting(["title": "bob's second", "start": TestTime.minutes(180)], auth: bob)
            #expect(try await api.send("GET /api/v1/alarms").decode(ItemsDTO<AlarmDTO>.self).items.count == 1)

            status = try await api.send("POST /api/v1/licenses", body: json(["hosts": 1, "note": "top-up"])).decode(LicenceStatusDTO.self)
            #expect(!status.exceeded && status.installedHosts == 2 && status.grants.map(\.note) == ["", "top-up"])
            alarms = try await api.send("GET /api/v1/alarms").decode(ItemsDTO<AlarmDTO>.self)
            #expect(alarms.items.isEmpty)
            let history = try await api.send("GET /api/v1/alarms", query: "all=true").decode(ItemsDTO<AlarmDTO>.self)
            #expect(history.items.map(\.id) == [alarm.id] && history.items[0].clearedAt != nil && !history.items[0].active)
        }
    }
}
