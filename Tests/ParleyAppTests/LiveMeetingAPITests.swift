import Foundation
import ParleyTestSupport
import ParleyWeb
import Testing

/// The live roster and host actions through `parley serve`: real sipp callers dial a meeting,
/// the API lists, mutes, locks and ejects them, and ending the meeting hangs up the rest.
@Suite("API: live meetings", .timeLimit(.minutes(2)))
struct LiveMeetingAPITests {
    @Test func rosterAndHostActionsActOnLiveCalls() async throws {
        let sipp = try #require(Self.sippPath, "sipp is not installed (Debian package sip-tester): run scripts/setup.sh --tests")
        try await TestServer.with { server in
            let api = server.api
            let meeting = try await api.createMeeting(["title": "Live", "durationMinutes": 30, "meetingID": "555123"])
            var reply = try await api.send("GET /api/v1/meetings/{id}/participants", ["id": meeting.id])
            var roster = try reply.decode(RosterDTO.self)
            #expect(!roster.live && roster.items.isEmpty && roster.meetingID == "555123")
            expectProblem(try await api.send("POST /api/v1/meetings/{id}/lock", ["id": meeting.id]), 409, code: "meeting_not_live")

            // Two callers who stay until the node hangs up on them.
            let sipPort = try await server.ports.port("node.sip.udp")
            let directory = try TemporaryDirectory(prefix: "parley-live")
            defer { try? directory.remove() }
            let scenario = directory.appending("wait-for-bye.xml")
            try SIPpScenarios.waitForBye(user: "555123").write(toFile: scenario, atomically: true, encoding: .utf8)
            let callers = try ParleyProcess(
                executable: sipp,
                [
                    "-sf", scenario, "127.0.0.1:\(sipPort)", "-t", "u1", "-i", "127.0.0.1", "-p", "\(try PostgresServer.freePort(udp: true))",
                    "-mp", "\(try PostgresServer.freePort(udp: true))", "-m", "2", "-l", "2", "-r", "10", "-timeout", "40s", "-timeout_error",
                    "-nostdin", "-trace_err",
                ], in: directory, name: "sipp")
            do {
                roster = try await Self.waitForRoster(api, meeting.id, "both callers in the conference") { $0.items.count == 2 && !$0.items.contains(where: \.waiting) }
                #expect(roster.live && !roster.locked)
                #expect(roster.items.allSatisfy { $0.uri.hasPrefix("sip:sipp@") && $0.codec == "PCMU" && !$0.host && !$0.muted && $0.id.hasPrefix("prt_") })
                let (first, second) = (roster.items[0].id, roster.items[1].id)

                reply = try await api.send("POST /api/v1/meetings/{id}/participants/{participant}/mute", ["id": meeting.id, "participant": first])
                #expect(try reply.decode(ParticipantDTO.self).muted)
                reply = try await api.send("GET /api/v1/meetings/{id}/participants", ["id": "555123"])
                #expect(try reply.decode(RosterDTO.self).items.map(\.muted) == [true, false])
                reply = try await api.send("POST /api/v1/meetings/{id}/participants/{participant}/unmute", ["id": meeting.id, "participant": first])
                #expect(try reply.decode(ParticipantDTO.self).muted == false)
                expectProblem(
                    try await api.send("POST /api/v1/meetings/{id}/participants/{participant}/mute", ["id": meeting.id, "participant": "prt_nobody"]),
                    404, code: "participant_not_found")
                reply = try await api.send("POST /api/v1/meetings/{id}/mute-all", ["id": meeting.id])
                #expect(try reply.decode(RosterDTO.self).items.map(\.muted) == [true, true])
                reply = try await api.send("POST /api/v1/meetings/{id}/lock", ["id": meeting.id])
                #expect(try reply.decode(RosterDTO.self).locked)
                reply = try await api.send("POST /api/v1/meetings/{id}/unlock", ["id": meeting.id])
                #expect(try reply.decode(RosterDTO.self).locked == false)

                // Another host may not see or act on this meeting.
                let carol = try await api.host("carol")
                expectProblem(try await api.send("GET /api/v1/meetings/{id}/participants", ["id": meeting.id], auth: carol), 403)

                reply = try await api.send("DELETE /api/v1/meetings/{id}/participants/{participant}", ["id": meeting.id, "participant": second])
                expectStatus(reply, 204)
                roster = try await Self.waitForRoster(api, meeting.id, "the ejected caller to leave") { $0.items.map(\.id) == [first] }

                // Ending the meeting says goodbye to the remaining caller and hangs up.
                reply = try await api.send("POST /api/v1/meetings/{id}/end", ["id": meeting.id])
                #expect(try reply.decode(MeetingDTO.self).state == "ended")
                let exit = try await callers.waitForExit(within: .seconds(30))
                #expect(exit.exited && exit.status == 0, "both calls should end with the node's BYE\n\(callers.transcript)")
            } catch {
                await callers.stop()
                throw error
            }
            reply = try await api.send("GET /api/v1/meetings/{id}/participants", ["id": meeting.id])
            #expect(try reply.decode(RosterDTO.self).live == false)

            // Each leg's attendance record has its leave time and final media figures.
            let records = try await Self.waitForAttendance(api, meeting.id, count: 2)
            #expect(records.allSatisfy { $0.leftAt != nil && $0.codec == "PCMU" })
            #expect(records.allSatisfy { ($0.media?.packetsSent ?? 0) > 0 }, "\(records)")
            let missing = Self.liveRoutes.subtracting(api.coveredRoutes)
            #expect(missing.isEmpty, "live routes never answered with success: \(missing.sorted())")
        }
    }

    /// The routes that act on running meetings (the other routes' coverage test skips them).
    static let liveRoutes: Set<String> = Set(WebRouter.apiRoutes.filter { $0.contains("/participants") || $0.hasSuffix("lock") || $0.hasSuffix("/mute-all") })

    static let sippPath = ["/usr/bin/sipp", "/usr/local/bin/sipp"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func waitForRoster(
        _ api: LiveAPI, _ meeting: String, _ what: String, until condition: (RosterDTO) -> Bool
    ) async throws -> RosterDTO {
        let deadline = ContinuousClock.now + .seconds(15)
        var last: RosterDTO?
        while ContinuousClock.now < deadline {
            let roster = try await api.send("GET /api/v1/meetings/{id}/participants", ["id": meeting]).decode(RosterDTO.self)
            if condition(roster) { return roster }
            last = roster
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestSupportError("Timed out waiting for \(what); last roster: \(String(describing: last))")
    }

    static func waitForAttendance(_ api: LiveAPI, _ meeting: String, count: Int) async throws -> [AttendanceDTO] {
        let deadline = ContinuousClock.now + .seconds(10)
        var records: [AttendanceDTO] = []
        while ContinuousClock.now < deadline {
            records = try await api.send("GET /api/v1/meetings/{id}/attendance", ["id": meeting]).decode(ItemsDTO<AttendanceDTO>.self).items
            if records.count == count && records.allSatisfy({ $0.leftAt != nil }) { return records }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestSupportError("Timed out waiting for \(count) closed attendance records; have \(records)")
    }
}
