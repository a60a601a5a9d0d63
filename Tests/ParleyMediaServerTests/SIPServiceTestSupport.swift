import Foundation
import NIOCore
import ParleyMediaServer
import ParleySIP
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stand-in for call control: accepts every call, rejects `busy` with 486, and holds `slow`
/// until the test releases it. Records every event for the test to wait on.
actor RecordingCallHandler: CallHandling {
    enum Event: Sendable, Equatable {
        case incoming(callID: String, dialled: String, media: SDPNegotiatedMedia?)
        case established(callID: String, media: SDPNegotiatedMedia?)
        case mediaChanged(callID: String, media: SDPNegotiatedMedia)
        case dtmf(callID: String, digit: Character)
        case ended(callID: String, reason: CallEndReason)

        var callID: String {
            switch self {
            case .incoming(let id, _, _), .established(let id, _), .mediaChanged(let id, _), .dtmf(let id, _), .ended(let id, _):
                return id
            }
        }
    }

    private(set) var events: [Event] = []
    private var waiters: [UUID: (condition: @Sendable ([Event]) -> Bool, continuation: CheckedContinuation<Void, Never>)] = [:]
    private var heldCalls: [CheckedContinuation<Void, Never>] = []

    func incomingCall(_ call: CallDescription, media: SDPNegotiatedMedia?) async -> CallDecision {
        record(.incoming(callID: call.callID, dialled: call.dialled, media: media))
        switch call.dialled {
        case "busy":
            return .reject(status: 486, reason: "Busy Here")
        case "slow":
            await withCheckedContinuation { heldCalls.append($0) }
        default:
            break
        }
        return .accept(localMediaAddress: "127.0.0.1", localMediaPort: 40_000)
    }

    func callEstablished(callID: String, media: SDPNegotiatedMedia?) async {
        record(.established(callID: callID, media: media))
    }

    func mediaChanged(callID: String, media: SDPNegotiatedMedia) async {
        record(.mediaChanged(callID: callID, media: media))
    }

    func dtmf(callID: String, digit: Character) async {
        record(.dtmf(callID: callID, digit: digit))
    }

    func callEnded(callID: String, reason: CallEndReason) async {
        record(.ended(callID: callID, reason: reason))
    }

    /// Lets every held `slow` call be accepted (too late, if it was cancelled meanwhile).
    func releaseHeldCalls() {
        for held in heldCalls { held.resume() }
        heldCalls.removeAll()
    }

    func events(of callID: String) -> [Event] {
        events.filter { $0.callID == callID }
    }

    /// The first event (past or future) matching `predicate`, or nil after `timeout`.
    func waitFor(timeout: Duration = .seconds(5), _ predicate: @escaping @Sendable (Event) -> Bool) async -> Event? {
        let events = await waitUntil(timeout: timeout) { $0.contains(where: predicate) }
        return events.first(where: predicate)
    }

    /// The events once `condition` holds for them, or as they are after `timeout`.
    func waitUntil(timeout: Duration = .seconds(5), _ condition: @escaping @Sendable ([Event]) -> Bool) async -> [Event] {
        if condition(events) { return events }
        let id = UUID()
        await withCheckedContinuation { continuation in
            waiters[id] = (condition, continuation)
            Task {
                try? await Task.sleep(for: timeout)
                self.expire(id)
            }
        }
        return events
    }

    private func expire(_ id: UUID) {
        waiters.removeValue(forKey: id)?.continuation.resume()
    }

    private func record(_ event: Event) {
        events.append(event)
        for (id, waiter) in waiters where waiter.condition(events) {
            waiters.removeValue(forKey: id)
            waiter.continuation.resume()
        }
    }
}

/// A service on 127.0.0.1 with ports chosen by the system, short timers unless told otherwise.
func startTestService(
    _ handler: RecordingCallHandler,
    timers: SIPTimerValues = SIPTimerValues(t1: .milliseconds(100), t2: .milliseconds(400), t4: .milliseconds(500)),
    configure: (inout SIPServiceConfiguration) -> Void = { _ in }
) async throws -> SIPService {
    var configuration = SIPServiceConfiguration(bindAddress: "127.0.0.1", udpPort: 0, tcpPort: 0, timers: timers, ringingDelay: .milliseconds(50))
    configure(&configuration)
    return try await SIPService.start(configuration: configuration, handler: handler)
}

/// Builds the requests of the tests, as a phone would write them.
struct SIPTestDialogue {
    var clientPort: Int
    var serverPort: Int
    var transport = "UDP"
    var callID = "call-\(UUID().uuidString)@127.0.0.1"
    var fromTag = "caller\(Int.random(in: 1000...9999))"
    var toTag: String?
    var user = "1234"

    static func branch() -> String { "z9hG4bK\(UUID().uuidString.prefix(18))" }

    func request(
        _ method: String,
        cseq: Int = 1,
        cseqMethod: String? = nil,
        branch: String = SIPTestDialogue.branch(),
        headers: [String] = [],
        contentType: String? = nil,
        body: String = "",
        omit: Set<String> = []
    ) -> String {
        var lines = ["\(method) sip:\(user)@127.0.0.1:\(serverPort) SIP/2.0"]
        let all: [(String, String)] = [
            ("Via", "SIP/2.0/\(transport) 127.0.0.1:\(clientPort);branch=\(branch);rport"),
            ("Max-Forwards", "70"),
            ("From", "\"Test Caller\" <sip:caller@127.0.0.1:\(clientPort)>;tag=\(fromTag)"),
            ("To", "<sip:\(user)@127.0.0.1:\(serverPort)>" + (toTag.map { ";tag=\($0)" } ?? "")),
            ("Call-ID", callID),
            ("CSeq", "\(cseq) \(cseqMethod ?? method)"),
            ("Contact", "<sip:caller@127.0.0.1:\(clientPort)\(transport == "TCP" ? ";transport=tcp" : "")>"),
        ]
        for (name, value) in all where !omit.contains(name) { lines.append("\(name): \(value)") }
        lines += headers
        if let contentType { lines.append("Content-Type: \(contentType)") }
        lines.append("Content-Length: \(body.utf8.count)")
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    func invite(cseq: Int = 1, branch: String = SIPTestDialogue.branch(), sdp: String? = SIPTestDialogue.offer(), headers: [String] = []) -> String {
        request("INVITE", cseq: cseq, branch: branch, headers: headers, contentType: sdp == nil ? nil : "application/sdp", body: sdp ?? "")
    }

    /// The ACK for a 2xx (a new transaction) or, with the INVITE's branch, for a failure.
    func ack(cseq: Int = 1, branch: String = SIPTestDialogue.branch(), sdp: String? = nil) -> String {
        request("ACK", cseq: cseq, branch: branch, contentType: sdp == nil ? nil : "application/sdp", body: sdp ?? "")
    }

    static func offer(payloadTypes: [Int] = [0, 101], direction: String = "sendrecv", version: Int = 1, port: Int = 30_000) -> String {
        var lines = [
            "v=0", "o=caller 4242 \(version) IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
            "m=audio \(port) RTP/AVP " + payloadTypes.map(String.init).joined(separator: " "),
        ]
        for payloadType in payloadTypes {
            switch payloadType {
            case 0: lines.append("a=rtpmap:0 PCMU/8000")
            case 8: lines.append("a=rtpmap:8 PCMA/8000")
            case 18: lines.append("a=rtpmap:18 G729/8000")
            case 101: lines += ["a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15"]
            default: break
            }
        }
        lines.append("a=\(direction)")
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

extension SIPMessage {
    var bodyText: String { String(decoding: body.readableBytesView, as: UTF8.self) }
}
