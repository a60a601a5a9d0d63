import Foundation
import ParleyLoad
import ParleyMediaServer
import ParleyTestSupport
import ParleyWeb
import Testing

/// `parley load`'s engine against an in-process `parley serve`: a short, bounded run sets up
/// every leg over SIP, streams, measures and hangs up. Nothing here asserts speed: the
/// quality figures are reported, not checked (they belong to docs/performance.md).
@Suite("Load tool against a node", .timeLimit(.minutes(1)))
struct LoadToolTests {
    @Test func shortRunSetsUpStreamsMeasuresAndHangsUp() async throws {
        try await TestServer.with { server in
            let api = server.api
            expectStatus(try await api.send("POST /api/v1/licenses", body: json(["hosts": 5])), 201)
            var meetingIDs: [String] = []
            for index in 0..<2 {
                try await api.createUser("loadhost\(index)", ["role": "host"])
                let meeting = try await api.createMeeting(["title": "load \(index)", "host": "loadhost\(index)", "durationMinutes": 10])
                meetingIDs.append(meeting.meetingID)
            }
            let sipPort = try await server.ports.port("node.sip.udp")
            let speech = try PromptLibrary.bundled().audio(named: "welcome")?.samples ?? []
            let plan = LoadPlan(
                sipPort: sipPort, meetings: meetingIDs, legs: 6, talkersPerMeeting: 1, callsPerSecond: 50, duration: .seconds(2),
                setupTimeout: .seconds(10), speech: speech, serverPID: getpid())
            let report = try await Task.detached { try LoadRunner(plan: plan).run() }.value

            #expect(report.legsPlanned == 6 && report.legsUp == 6 && report.setupFailures == 0, "\(report.table)")
            #expect(report.p5PacketsPerSecond > 0, "every leg heard the node\n\(report.table)")
            #expect(report.failures.isEmpty, "\(report.failures)")
            #expect(report.serverCPUCores != nil && report.serverRSSMegabytes != nil)
            #expect(report.table.contains("verdict:"))
            let encoded = try JSONEncoder().encode(report)
            #expect(try JSONDecoder().decode(LoadReport.self, from: encoded) == report)

            // Every call ended with its BYE: the attendance records are closed.
            for id in meetingIDs {
                let deadline = ContinuousClock.now + .seconds(5)
                var records: [AttendanceDTO] = []
                while ContinuousClock.now < deadline {
                    records = try await api.send("GET /api/v1/meetings/{id}/attendance", ["id": id]).decode(ItemsDTO<AttendanceDTO>.self).items
                    if records.count == 3 && records.allSatisfy({ $0.leftAt != nil }) { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(records.count == 3 && records.allSatisfy { $0.leftAt != nil && ($0.media?.packetsReceived ?? 0) > 50 }, "\(records)")
            }
        }
    }

    @Test("--web: browser-protocol participants join, stream and are measured")
    func shortWebRun() async throws {
        try await TestServer.with { server in
            let api = server.api
            expectStatus(try await api.send("POST /api/v1/licenses", body: json(["hosts": 5])), 201)
            var meetingIDs: [String] = []
            for index in 0..<2 {
                try await api.createUser("webhost\(index)", ["role": "host"])
                let meeting = try await api.createMeeting(["title": "web load \(index)", "host": "webhost\(index)", "durationMinutes": 10])
                meetingIDs.append(meeting.meetingID)
            }
            let speech = try PromptLibrary.bundled().audio(named: "welcome")?.samples ?? []
            let plan = WebLoadRunner.Plan(
                baseURL: server.baseURL, meetings: meetingIDs, participants: 6, talkersPerMeeting: 1, duration: .seconds(2),
                setupTimeout: .seconds(10), speech: speech, serverPID: getpid())
            let report = await WebLoadRunner(plan: plan).run()
            #expect(report.legsPlanned == 6 && report.legsUp == 6 && report.failures.isEmpty, "\(report.table)")
            #expect(report.p5PacketsPerSecond > 0, "every participant heard the node\n\(report.table)")
            #expect(report.codec.hasPrefix("L16") && report.table.contains("verdict:"))
            // Everyone left: the roster empties.
            let deadline = ContinuousClock.now + .seconds(5)
            var live = true
            while ContinuousClock.now < deadline, live {
                let reply = try await api.send("GET /api/v1/meetings/{id}/participants", ["id": meetingIDs[0]])
                live = String(decoding: reply.body, as: UTF8.self).contains("prt_")
                if live { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(!live, "the participants left when the run ended")
        }
    }

    @Test func refusesNonLoopbackTargets() throws {
        #expect(throws: (any Error).self) { try LoadRunner(plan: LoadPlan(host: "192.0.2.1", meetings: ["123456"], legs: 1, speech: [])) }
        #expect(throws: (any Error).self) { try LoadRunner(plan: LoadPlan(meetings: [], legs: 1, speech: [])) }
    }
}
