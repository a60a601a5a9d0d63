import Foundation
import NIOCore
import ParleyMediaServer
import ParleySIP
import Testing

/// Whole calls over UDP against the real service: answer, retransmission, CANCEL, BYE both
/// ways, INFO DTMF, re-INVITE and UPDATE, session timers, graceful stop.
@Suite("SIP service calls", .timeLimit(.minutes(1)))
struct SIPServiceCallTests {
    @Test("INVITE without SDP: 100, then 200 with our offer; the answer comes in the ACK")
    func inviteWithoutSDP() async throws {
        var harness = try await SIPServiceHarness()
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

    @Test("the 2xx is retransmitted (T1, 2·T1, …) until the ACK, then stops")
    func retransmitsUntilACK() async throws {
        var harness = try await SIPServiceHarness()
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

    @Test("CANCEL before the answer: 180 while deciding, 200 to CANCEL, 487 to INVITE, callEnded(.cancelled)")
    func cancel() async throws {
        var harness = try await SIPServiceHarness()
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
        var harness = try await SIPServiceHarness()
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
        var harness = try await SIPServiceHarness()
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
        var harness = try await SIPServiceHarness()
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
        var harness = try await SIPServiceHarness()
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
        var harness = try await SIPServiceHarness()
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

    @Test("a retransmitted INVITE is absorbed: one call for call control, the last response repeated")
    func retransmittedInvite() async throws {
        var harness = try await SIPServiceHarness()
        harness.dialogue.user = "slow"
        let branch = SIPTestDialogue.branch()
        let invite = harness.dialogue.invite(branch: branch)
        harness.send(invite)
        _ = try #require(await harness.client.response(180))
        harness.send(invite)
        let repeated = try #require(await harness.client.receive())
        #expect(repeated.status == 180)  // the last provisional, again
        await harness.handler.releaseHeldCalls()
        let ok = try #require(await harness.client.response(200, method: .invite))
        harness.dialogue.toTag = ok.toTag
        harness.send(harness.dialogue.ack())
        let callID = harness.dialogue.callID
        _ = await harness.handler.waitFor { $0.callID == callID && $0.isEstablished }
        let incoming = await harness.handler.events.filter { if case .incoming = $0 { true } else { false } }
        #expect(incoming.count == 1)
        await harness.finish(answeringBye: true)
    }

    @Test("UPDATE with SDP changes the media like a re-INVITE; without SDP it is a plain refresh")
    func update() async throws {
        var harness = try await SIPServiceHarness()
        _ = try await harness.establishCall()
        let callID = harness.dialogue.callID
        harness.send(harness.dialogue.request(
            "UPDATE", cseq: 2, contentType: "application/sdp", body: SIPTestDialogue.offer(direction: "sendonly", version: 2)))
        let ok = try #require(await harness.client.response(200, method: .update))
        #expect(try SDPSessionDescription(parsing: ok.bodyText).media.first?.direction == .recvonly)
        let changed = await harness.handler.waitFor { $0.callID == callID && $0.isMediaChanged }
        #expect(changed != nil)
        harness.send(harness.dialogue.request("UPDATE", cseq: 3))
        let refreshed = try #require(await harness.client.response(200, method: .update))
        #expect(!refreshed.hasBody)
        await harness.finish(answeringBye: true)
    }

    @Test("session timers: too small an interval gets 422 with Min-SE; a good one is echoed")
    func sessionTimers() async throws {
        var harness = try await SIPServiceHarness()
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
        var harness = try await SIPServiceHarness()
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
