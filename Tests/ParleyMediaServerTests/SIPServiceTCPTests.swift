import Foundation
import NIOCore
import ParleyMediaServer
import ParleySIP
import Testing

/// The SIP service over TCP: answers on the same connection, a whole call, and the 64 KiB
/// limit that closes a connection which can no longer be framed.
@Suite("SIP service over TCP", .timeLimit(.minutes(1)))
struct SIPServiceTCPTests {
    @Test("a call over one TCP connection: responses and our BYE come back on it")
    func callOverTCP() async throws {
        let handler = RecordingCallHandler()
        let service = try await startTestService(handler)
        let client = try SIPTestSocket.tcp(connectingTo: service.tcpPort)
        defer { client.close() }
        var dialogue = SIPTestDialogue(clientPort: client.localPort, serverPort: service.tcpPort, transport: "TCP")

        client.send(dialogue.request("OPTIONS"))
        _ = try #require(await client.response(200, method: .options))

        client.send(dialogue.invite())
        let ok = try #require(await client.response(200, method: .invite))
        #expect(ok.headers[.contact]?.contains("transport=tcp") == true)
        dialogue.toTag = ok.toTag
        client.send(dialogue.ack())
        let callID = dialogue.callID
        let established = await handler.waitFor { $0.callID == callID && $0.isEstablished }
        #expect(established != nil)
        let first = await handler.events(of: callID).first
        guard case .incoming(_, let dialled, let media)? = first else {
            Issue.record("call control did not hear of the call first: \(String(describing: first))")
            return
        }
        #expect(dialled == "1234")
        #expect(media?.codec == .pcmu && media?.telephoneEventPayloadType == 101)

        let hangUp = Task { await service.hangUp(callID: callID) }
        let bye = try #require(await client.request(.bye))
        #expect(bye.topVia?.transport == "TCP")
        client.send(String(buffer: SIPMessage.response(to: bye, status: 200).serialized))
        await hangUp.value
        let ended = await handler.waitFor { $0.callID == callID && $0.isEnded }
        #expect(ended == .ended(callID: callID, reason: .localHangUp))
        await service.stop()
    }

    @Test("a message over 64 KiB closes the connection and is counted")
    func oversizedMessage() async throws {
        let handler = RecordingCallHandler()
        let service = try await startTestService(handler)
        let client = try SIPTestSocket.tcp(connectingTo: service.tcpPort)
        defer { client.close() }
        let dialogue = SIPTestDialogue(clientPort: client.localPort, serverPort: service.tcpPort, transport: "TCP")
        let body = String(repeating: "x", count: 70_000)
        client.send(dialogue.request("INFO", contentType: "text/plain", body: body))
        #expect(await client.receive(timeout: .seconds(2)) == nil)  // closed without an answer
        #expect(await service.statistics().malformedDropped == 1)

        // Other connections are unaffected.
        let other = try SIPTestSocket.tcp(connectingTo: service.tcpPort)
        defer { other.close() }
        other.send(SIPTestDialogue(clientPort: other.localPort, serverPort: service.tcpPort, transport: "TCP").request("OPTIONS"))
        _ = try #require(await other.response(200))
        await service.stop()
    }
}
