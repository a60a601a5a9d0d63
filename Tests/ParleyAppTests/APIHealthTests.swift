import Foundation
import ParleyWeb
import Testing

/// Health, readiness and metrics (no token needed).
@Suite("API: health and metrics", .timeLimit(.minutes(1)))
struct APIHealthTests {
    @Test func healthReadinessAndMetrics() async throws {
        try await TestServer.with { server in
            let api = server.api
            var reply = try await api.send("GET /healthz", auth: .none)
            expectStatus(reply, 200)
            #expect(try reply.json() == .object(["status": .string("ok")]))
            reply = try await api.send("GET /readyz", auth: .none)
            expectStatus(reply, 200)
            #expect(try reply.json() == .object(["status": .string("ready")]))

            try await api.createMeeting(["title": "counted"])
            reply = try await api.send("GET /metrics", auth: .none)
            expectStatus(reply, 200)
            #expect(reply.header("content-type")?.hasPrefix("text/plain") == true)
            let lines = reply.text.split(separator: "\n")
            let created = lines.first { $0.hasPrefix("parley_meetings_created_total") }
            #expect(created != nil, "no parley_meetings_created_total in:\n\(reply.text)")
            // Several servers share this test process's registry, so only "at least one".
            if let created, let value = Double(created.split(separator: " ").last ?? "") {
                #expect(value >= 1)
            }
            for name in ["parley_meetings_in_progress", "parley_licence_hosts_installed", "parley_alarms_active"] {
                #expect(reply.text.contains(name), "\(name) is missing")
            }
        }
    }

    @Test func unknownRoutesAreProblems() async throws {
        try await TestServer.with { server in
            let reply = try await server.api.raw("GET", "/nowhere", auth: .none)
            let problem = expectProblem(reply, 404, code: "route.not_found")
            #expect(problem?.instance == "/nowhere")
        }
    }
}
