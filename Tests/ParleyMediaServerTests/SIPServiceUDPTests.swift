import Foundation
import NIOCore
import ParleyMediaServer
import ParleySIP
import Testing

/// The SIP service on real sockets, driven by a tiny UDP client that checks each answer:
/// method policy, malformed input, SDP refusals, rate limiting.
@Suite("SIP service over UDP", .timeLimit(.minutes(1)))
struct SIPServiceUDPTests {
    @Test("REGISTER is known but not allowed: 405 with Allow")
    func registerNotAllowed() async throws {
        let harness = try await SIPServiceHarness()
        harness.send(harness.dialogue.request("REGISTER"))
        let refused = try #require(await harness.client.response(405))
        #expect(refused.allow.contains(.invite))
        #expect(!refused.allow.contains(.register))
        await harness.finish()
    }

    @Test("an unknown method: 501")
    func unknownMethod() async throws {
        let harness = try await SIPServiceHarness()
        harness.send(harness.dialogue.request("FROBNICATE"))
        let refused = try #require(await harness.client.response(501))
        #expect(refused.cseq?.method == SIPMethod("FROBNICATE"))
        await harness.finish()
    }

    @Test("a bad Content-Length is answered 400 naming it")
    func badContentLength() async throws {
        let harness = try await SIPServiceHarness()
        let text = harness.dialogue.request("OPTIONS").replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: lots")
        harness.send(text)
        let refused = try #require(await harness.client.response(400))
        #expect(refused.reasonPhrase == "Invalid Content-Length")
        #expect(await harness.service.statistics().malformedAnswered == 1)
        await harness.finish()
    }

    @Test("a bad start line with usable headers is answered 400")
    func badStartLine() async throws {
        let harness = try await SIPServiceHarness()
        let text = harness.dialogue.request("OPTIONS").replacingOccurrences(of: " SIP/2.0\r\n", with: "  SIP/2.0 extra\r\n")
        harness.send(text)
        let refused = try #require(await harness.client.response(400))
        #expect(refused.reasonPhrase == "Malformed Start Line")
        await harness.finish()
    }

    @Test("missing mandatory headers: 400 naming the header")
    func missingHeaders() async throws {
        let harness = try await SIPServiceHarness()
        harness.send(harness.dialogue.request("OPTIONS", omit: ["Max-Forwards"]))
        let noMaxForwards = try #require(await harness.client.response(400))
        #expect(noMaxForwards.reasonPhrase == "Missing Max-Forwards Header")
        harness.send(harness.dialogue.request("INVITE", omit: ["From"]))
        let noFrom = try #require(await harness.client.response(400))
        #expect(noFrom.reasonPhrase == "Missing From Header")
        await harness.finish()
    }

    @Test("garbage is dropped and counted")
    func garbageDropped() async throws {
        let harness = try await SIPServiceHarness()
        harness.send("this is not SIP at all\r\n\r\n")
        harness.send(harness.dialogue.request("OPTIONS"))
        _ = try #require(await harness.client.response(200))  // the service is still answering
        let statistics = await harness.service.statistics()
        #expect(statistics.malformedDropped == 1)
        #expect(statistics.requestsReceived == 1)
        await harness.finish()
    }

    @Test("INVITE with no codec in common: 488 with a Warning")
    func noCommonCodec() async throws {
        let harness = try await SIPServiceHarness()
        let branch = SIPTestDialogue.branch()
        harness.send(harness.dialogue.invite(branch: branch, sdp: SIPTestDialogue.offer(payloadTypes: [18])))
        let refused = try #require(await harness.client.response(488))
        #expect(refused.headers["Warning"]?.hasPrefix("305 ") == true)
        #expect(refused.toTag != nil)
        harness.send(harness.dialogue.ack(branch: branch))
        #expect(await harness.handler.events.isEmpty)  // call control never heard of it
        await harness.finish()
    }

    @Test("INVITE with garbage SDP: 400")
    func garbageSDP() async throws {
        let harness = try await SIPServiceHarness()
        harness.send(harness.dialogue.invite(sdp: "this is no SDP\r\n"))
        let refused = try #require(await harness.client.response(400))
        #expect(refused.reasonPhrase == "Invalid SDP Body")
        await harness.finish()
    }

    @Test("a call control rejection becomes the final answer: busy → 486")
    func busy() async throws {
        var harness = try await SIPServiceHarness()
        harness.dialogue.user = "busy"
        let branch = SIPTestDialogue.branch()
        harness.send(harness.dialogue.invite(branch: branch))
        let busy = try #require(await harness.client.response(486))
        #expect(busy.toTag != nil)
        harness.send(harness.dialogue.ack(branch: branch))
        await harness.finish()
    }

    @Test("a flood of INVITEs from one source gets 503 with Retry-After beyond its budget")
    func rateLimit() async throws {
        var harness = try await SIPServiceHarness { $0.inviteRateLimit = SIPRateLimit(invitesPerSecond: 0.5, burst: 3) }
        harness.dialogue.user = "busy"
        for _ in 0..<4 {
            harness.dialogue.callID = "flood-\(Int.random(in: 0...1_000_000))"
            harness.send(harness.dialogue.invite())
        }
        let limited = try #require(await harness.client.response(503))
        #expect(limited.headers[.retryAfter] == "5")
        #expect(await harness.service.statistics().rateLimited == 1)
        // OPTIONS (and other sources' INVITEs) are not limited.
        harness.send(harness.dialogue.request("OPTIONS"))
        _ = try #require(await harness.client.response(200, method: .options))
        await harness.finish()
    }
}
