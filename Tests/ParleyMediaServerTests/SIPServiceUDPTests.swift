import Foundation
import NIOCore
import ParleyMediaServer
import ParleySIP
import Testing

/// The SIP service on real sockets, driven by a tiny UDP client that checks each answer.
@Suite("SIP service over UDP", .timeLimit(.minutes(1)))
struct SIPServiceUDPTests {
    /// A running service, its call-control stand-in, and a client socket.
    struct Harness {
        let handler = RecordingCallHandler()
        let service: SIPService
        let client: SIPTestSocket
        var dialogue: SIPTestDialogue

        init(configure: (inout SIPServiceConfiguration) -> Void = { _ in }) async throws {
            service = try await startTestService(handler, configure: configure)
            client = try SIPTestSocket.udp()
            dialogue = SIPTestDialogue(clientPort: client.localPort, serverPort: service.udpPort)
        }

        func send(_ text: String) {
            client.send(text, to: service.udpPort)
        }

        /// Stops the service, answering its BYEs (for tests that leave a call up) so that the
        /// drain ends at once instead of waiting for the BYE to time out.
        func finish(answeringBye: Bool = false) async {
            let service = self.service
            let stopping = Task { await service.stop() }
            if answeringBye {
                while let bye = await client.request(.bye, timeout: .milliseconds(500)) {
                    send(String(buffer: SIPMessage.response(to: bye, status: 200).serialized))
                }
            }
            await stopping.value
            client.close()
        }

        /// INVITE, 200, ACK: returns the 200 and remembers its To tag.
        mutating func establishCall(sdp: String? = SIPTestDialogue.offer()) async throws -> SIPMessage {
            send(dialogue.invite(sdp: sdp))
            let ok = try #require(await client.response(200, method: .invite))
            dialogue.toTag = ok.toTag
            send(dialogue.ack())
            let callID = dialogue.callID
            _ = try #require(await handler.waitFor { $0.callID == callID && $0.isEstablished })
            return ok
        }
    }

    @Test("OPTIONS out of dialog: 200 with Allow, Accept, Supported and Server")
    func options() async throws {
        let harness = try await Harness()
        harness.send(harness.dialogue.request("OPTIONS"))
        let ok = try #require(await harness.client.response(200))
        #expect(ok.allow.contains(.invite) && ok.allow.contains(.bye) && ok.allow.contains(.info))
        #expect(ok.headers[.accept] == "application/sdp")
        #expect(ok.supported.contains("timer"))
        #expect(ok.headers[.server] == "Parley/0.1")
        #expect(ok.toTag != nil)
        await harness.finish()
    }

    @Test("REGISTER is known but not allowed: 405 with Allow")
    func registerNotAllowed() async throws {
        let harness = try await Harness()
        harness.send(harness.dialogue.request("REGISTER"))
        let refused = try #require(await harness.client.response(405))
        #expect(refused.allow.contains(.invite))
        #expect(!refused.allow.contains(.register))
        await harness.finish()
    }

    @Test("an unknown method: 501")
    func unknownMethod() async throws {
        let harness = try await Harness()
        harness.send(harness.dialogue.request("FROBNICATE"))
        let refused = try #require(await harness.client.response(501))
        #expect(refused.cseq?.method == SIPMethod("FROBNICATE"))
        await harness.finish()
    }

    @Test("a bad Content-Length is answered 400 naming it")
    func badContentLength() async throws {
        let harness = try await Harness()
        let text = harness.dialogue.request("OPTIONS").replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: lots")
        harness.send(text)
        let refused = try #require(await harness.client.response(400))
        #expect(refused.reasonPhrase == "Invalid Content-Length")
        #expect(await harness.service.statistics().malformedAnswered == 1)
        await harness.finish()
    }

    @Test("a bad start line with usable headers is answered 400")
    func badStartLine() async throws {
        let harness = try await Harness()
        let text = harness.dialogue.request("OPTIONS").replacingOccurrences(of: " SIP/2.0\r\n", with: "  SIP/2.0 extra\r\n")
        harness.send(text)
        let refused = try #require(await harness.client.response(400))
        #expect(refused.reasonPhrase == "Malformed Start Line")
        await harness.finish()
    }

    @Test("missing mandatory headers: 400 naming the header")
    func missingHeaders() async throws {
        let harness = try await Harness()
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
        let harness = try await Harness()
        harness.send("this is not SIP at all\r\n\r\n")
        harness.send(harness.dialogue.request("OPTIONS"))
        _ = try #require(await harness.client.response(200))  // the service is still answering
        let statistics = await harness.service.statistics()
        #expect(statistics.malformedDropped == 1)
        #expect(statistics.requestsReceived == 1)
        await harness.finish()
    }

    @Test("INVITE without SDP: 100, then 200 with our offer; the answer comes in the ACK")
    func inviteWithoutSDP() async throws {
        var harness = try await Harness()
        harness.send(harness.dialogue.invite(sdp: nil))
        _ = try #require(await harness.client.response(100))
        let ok = try #require(await harness.client.response(200))
        #expect(ok.contentType?.mediaType == "application/sdp")
        let offer = try SDPSessionDescription(parsing: ok.bodyText)
        #expect(offer.media.first?.formats == ["9", "0", "8", "101"])
        #expect(offer.media.first?.port == 40_000)
        #expect(ok.headers[.contact]?.contains("sip:parley@127.0.0.1:\(harness.service.udpPort)") == true)

        harness.dialogue.toTag = ok.toTag
        let answer = SIPTestDialogue.offer(payloadTypes: [8, 101])
        harness.send(harness.dialogue.ack(sdp: answer))
        let callID = harness.dialogue.callID
        let established = try #require(await harness.handler.waitFor { $0.callID == callID && $0.isEstablished })
        guard case .established(_, let media) = established else { return }
        #expect(media?.codec == .pcma)
        #expect(media?.remoteRTPPort == 30_000)
        #expect(await harness.handler.events(of: callID).first == .incoming(callID: callID, dialled: "1234", media: nil))
        await harness.finish(answeringBye: true)
    }

    @Test("INVITE with no codec in common: 488 with a Warning")
    func noCommonCodec() async throws {
        let harness = try await Harness()
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
        let harness = try await Harness()
        harness.send(harness.dialogue.invite(sdp: "this is no SDP\r\n"))
        let refused = try #require(await harness.client.response(400))
        #expect(refused.reasonPhrase == "Invalid SDP Body")
        await harness.finish()
    }

    @Test("the 2xx is retransmitted (T1, 2·T1, …) until the ACK, then stops")
    func retransmitsUntilACK() async throws {
        var harness = try await Harness()
        harness.send(harness.dialogue.invite())
        var statuses: [Int] = []
        var toTag: String?
        let deadline = ContinuousClock.now + .seconds(5)
        while statuses.filter({ $0 == 200 }).count < 4, ContinuousClock.now < deadline {
            guard let message = await harness.client.receive(timeout: .seconds(1)), let status = message.status else { continue }
            statuses.append(status)
            if status == 200 { toTag = message.toTag }
        }
        // 100 Trying at once, then the 200 and three retransmissions (T1 = 100 ms: +100, +300, +700 ms).
        #expect(statuses.filter { $0 != 180 } == [100, 200, 200, 200, 200])
        #expect(toTag != nil)
        harness.dialogue.toTag = toTag
        harness.send(harness.dialogue.ack())
        let callID = harness.dialogue.callID
        _ = try #require(await harness.handler.waitFor { $0.callID == callID && $0.isEstablished })
        // Drain what was already in flight, then nothing more may come for 4·T1.
        while await harness.client.receive(timeout: .milliseconds(50)) != nil {}
        #expect(await harness.client.receive(timeout: .milliseconds(600)) == nil)
        await harness.finish(answeringBye: true)
    }

    @Test("a call control rejection becomes the final answer: busy → 486")
    func busy() async throws {
        var harness = try await Harness()
        harness.dialogue.user = "busy"
        let branch = SIPTestDialogue.branch()
        harness.send(harness.dialogue.invite(branch: branch))
        let busy = try #require(await harness.client.response(486))
        #expect(busy.toTag != nil)
        harness.send(harness.dialogue.ack(branch: branch))
        await harness.finish()
    }

    @Test("CANCEL before the answer: 180 while deciding, 200 to CANCEL, 487 to INVITE, callEnded(.cancelled)")
    func cancel() async throws {
        var harness = try await Harness()
        harness.dialogue.user = "slow"
        let branch = SIPTestDialogue.branch()
        harness.send(harness.dialogue.invite(branch: branch))
        let ringing = try #require(await harness.client.response(180))
        harness.send(harness.dialogue.request("CANCEL", branch: branch))
        let cancelOK = try #require(await harness.client.response(200, method: .cancel))
        let terminated = try #require(await harness.client.response(487, method: .invite))
        #expect(cancelOK.toTag == terminated.toTag && terminated.toTag == ringing.toTag)
        harness.dialogue.toTag = terminated.toTag
        harness.send(harness.dialogue.ack(branch: branch))

        await harness.handler.releaseHeldCalls()
        let callID = harness.dialogue.callID
        let ended = await harness.handler.waitFor { $0.callID == callID && $0.isEnded }
        #expect(ended == .ended(callID: callID, reason: .cancelled))
        // The late acceptance must not produce a 200.
        #expect(await harness.client.response(200, method: .invite, timeout: .milliseconds(300)) == nil)
        await harness.finish()
    }

    @Test("INFO with DTMF is delivered; other bodies get 415")
    func infoDTMF() async throws {
        var harness = try await Harness()
        _ = try await harness.establishCall()
        let callID = harness.dialogue.callID
        harness.send(harness.dialogue.request("INFO", cseq: 2, contentType: "application/dtmf-relay", body: "Signal=5\r\nDuration=160\r\n"))
        _ = try #require(await harness.client.response(200, method: .info))
        harness.send(harness.dialogue.request("INFO", cseq: 3, contentType: "application/dtmf", body: "#"))
        _ = try #require(await harness.client.response(200, method: .info))
        harness.send(harness.dialogue.request("INFO", cseq: 4, contentType: "text/plain", body: "hello"))
        let unsupported = try #require(await harness.client.response(415, method: .info))
        #expect(unsupported.headers[.accept]?.contains("application/dtmf-relay") == true)

        _ = await harness.handler.waitFor { $0 == .dtmf(callID: callID, digit: "#") }
        let digits = await harness.handler.events(of: callID).compactMap { event -> Character? in
            if case .dtmf(_, let digit) = event { return digit }
            return nil
        }
        #expect(digits == ["5", "#"])
        await harness.finish(answeringBye: true)
    }

    @Test("BYE ends the call: 200 and callEnded(.remoteBye)")
    func remoteBye() async throws {
        var harness = try await Harness()
        _ = try await harness.establishCall()
        harness.send(harness.dialogue.request("BYE", cseq: 2))
        _ = try #require(await harness.client.response(200, method: .bye))
        let callID = harness.dialogue.callID
        let ended = await harness.handler.waitFor { $0.callID == callID && $0.isEnded }
        #expect(ended == .ended(callID: callID, reason: .remoteBye))
        #expect(await harness.service.statistics().activeCalls == 0)
        await harness.finish()
    }

    @Test("BYE, INFO and re-INVITE outside a dialog: 481")
    func outsideDialog() async throws {
        var harness = try await Harness()
        harness.dialogue.toTag = "nosuchtag"
        harness.send(harness.dialogue.request("BYE", cseq: 2))
        _ = try #require(await harness.client.response(481, method: .bye))
        harness.send(harness.dialogue.request("INFO", cseq: 3))
        _ = try #require(await harness.client.response(481, method: .info))
        harness.send(harness.dialogue.invite(cseq: 4))
        _ = try #require(await harness.client.response(481, method: .invite))
        await harness.finish()
    }

    @Test("hangUp sends BYE in the dialog and reports callEnded(.localHangUp) after the 200")
    func localHangUp() async throws {
        var harness = try await Harness()
        let ok = try await harness.establishCall()
        let callID = harness.dialogue.callID
        let service = harness.service
        let hangUp = Task { await service.hangUp(callID: callID) }
        let bye = try #require(await harness.client.request(.bye))
        #expect(bye.requestURI?.user == "caller")  // the Contact of the INVITE
        #expect(bye.fromTag == ok.toTag && bye.toTag == harness.dialogue.fromTag)
        #expect(bye.cseq?.method == .bye)
        harness.send(String(buffer: SIPMessage.response(to: bye, status: 200).serialized))
        await hangUp.value
        let ended = await harness.handler.waitFor { $0.callID == callID && $0.isEnded }
        #expect(ended == .ended(callID: callID, reason: .localHangUp))
        await harness.finish()
    }

    @Test("re-INVITE to hold: sendonly is answered recvonly and reported as mediaChanged")
    func holdReInvite() async throws {
        var harness = try await Harness()
        _ = try await harness.establishCall()
        let callID = harness.dialogue.callID
        harness.send(harness.dialogue.invite(cseq: 2, sdp: SIPTestDialogue.offer(direction: "sendonly", version: 2)))
        let ok = try #require(await harness.client.response(200, method: .invite))
        let answer = try SDPSessionDescription(parsing: ok.bodyText)
        #expect(answer.media.first?.direction == .recvonly)
        #expect(answer.origin.sessionVersion == 2)
        harness.send(harness.dialogue.ack(cseq: 2))
        let changed = try #require(await harness.handler.waitFor { $0.callID == callID && $0.isMediaChanged })
        guard case .mediaChanged(_, let media) = changed else { return }
        #expect(media.isOnHold)
        #expect(media.localDirection == .recvonly)
        await harness.finish(answeringBye: true)
    }

    @Test("a flood of INVITEs from one source gets 503 with Retry-After beyond its budget")
    func rateLimit() async throws {
        var harness = try await Harness { $0.inviteRateLimit = SIPRateLimit(invitesPerSecond: 0.5, burst: 3) }
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

    @Test("session timers: too small an interval gets 422 with Min-SE; a good one is echoed")
    func sessionTimers() async throws {
        var harness = try await Harness()
        harness.send(harness.dialogue.invite(headers: ["Supported: timer", "Session-Expires: 30"]))
        let tooSmall = try #require(await harness.client.response(422))
        #expect(tooSmall.minSE == 90)

        harness.dialogue.callID = "timer-ok-\(Int.random(in: 0...1_000_000))"
        harness.send(harness.dialogue.invite(headers: ["Supported: timer", "Session-Expires: 1800;refresher=uac"]))
        let ok = try #require(await harness.client.response(200, method: .invite))
        #expect(ok.sessionExpires == SIPSessionExpires(seconds: 1800, refresher: .uac))
        #expect(ok.require.contains("timer"))
        harness.dialogue.toTag = ok.toTag
        harness.send(harness.dialogue.ack())
        await harness.finish(answeringBye: true)
    }

    @Test("stop() answers new INVITEs 503 while draining and BYEs established calls")
    func gracefulStop() async throws {
        var harness = try await Harness()
        let first = try await harness.establishCall()
        #expect(first.status == 200)
        let callID = harness.dialogue.callID
        let service = harness.service
        let stopping = Task { await service.stop() }
        let bye = try #require(await harness.client.request(.bye))
        harness.dialogue.callID = "late-\(Int.random(in: 0...1_000_000))"
        harness.dialogue.toTag = nil
        harness.send(harness.dialogue.invite())
        let draining = try #require(await harness.client.response(503, method: .invite))
        #expect(draining.headers[.retryAfter] != nil)
        harness.send(String(buffer: SIPMessage.response(to: bye, status: 200).serialized))
        await stopping.value
        let ended = await harness.handler.waitFor { $0.callID == callID && $0.isEnded }
        #expect(ended == .ended(callID: callID, reason: .localHangUp))
        harness.client.close()
    }
}

extension RecordingCallHandler.Event {
    var isEstablished: Bool {
        if case .established = self { return true }
        return false
    }

    var isEnded: Bool {
        if case .ended = self { return true }
        return false
    }

    var isMediaChanged: Bool {
        if case .mediaChanged = self { return true }
        return false
    }
}
