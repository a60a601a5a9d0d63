import Foundation
import NIOCore
import ParleyMediaServer
import ParleySIP
import Testing

/// A running service on 127.0.0.1, its call-control stand-in, and a UDP client socket.
struct SIPServiceHarness {
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
