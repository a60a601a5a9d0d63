import ParleyRTP
import ParleySIP

/// One caller of a load run: its SIP dialog and its RTP stream.
struct LoadLeg {
    enum State: Equatable {
        case waiting
        case inviting
        case up
        case hangingUp
        case done
        case failed(String)
    }

    let index: Int
    let meeting: Int
    let place: Int
    let meetingID: String
    /// 127.x.y.z in network byte order, and as text.
    let source: UInt32
    let sourceText: String
    let callID: String
    let fromTag: String
    var state: State = .waiting
    var sentAt: Int64 = 0
    var retransmits = 0
    /// The To header of the 200 (with the node's tag), for ACK and BYE.
    var toHeader: String?
    /// Where the node wants our RTP (from its SDP answer), network byte order.
    var mediaAddress: UInt32 = 0
    var mediaPort: UInt16 = 0
    // RTP sending.
    let ssrc: UInt32
    var sequence: UInt16
    var timestamp: UInt32
    var speechFrame: Int
    var meter = LegMeter()
    /// Whether this leg was up for the whole measured window.
    var upAtWindowStart = false

    init(index: Int, plan: LoadPlan, runTag: String) {
        self.index = index
        let seat = plan.seat(of: index)
        meeting = seat.meeting
        place = seat.place
        meetingID = plan.meetings[seat.meeting]
        source = plan.sourceAddress(of: index)
        sourceText = "127.\(plan.sourceNetwork).\((source >> 16) & 0xFF).\(source >> 24)"
        callID = "load-\(runTag)-\(index)"
        fromTag = "l\(index)t\(runTag)"
        ssrc = UInt32.random(in: 1...UInt32.max)
        sequence = UInt16.random(in: 0...UInt16.max)
        timestamp = UInt32.random(in: 0...UInt32.max)
        speechFrame = Int.random(in: 0..<1_000_000)
    }

    var isStreaming: Bool {
        switch state {
        case .up, .hangingUp: true
        default: false
        }
    }

    // MARK: SIP messages (RFC 3261 UAC, over UDP from this leg's own address)

    func invite(plan: LoadPlan, localPort: Int) -> String {
        let payloadType = plan.codec.payloadType
        let sdp = [
            "v=0", "o=load \(index) 1 IN IP4 \(sourceText)", "s=parley load", "c=IN IP4 \(sourceText)", "t=0 0",
            "m=audio \(localPort) RTP/AVP \(payloadType) 101",
            "a=rtpmap:\(payloadType) \(plan.codec.rawValue)/8000", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15",
            "a=ptime:20", "a=sendrecv", "",
        ].joined(separator: "\r\n")
        return request(
            "INVITE", plan: plan, localPort: localPort, cseq: 1, branch: "z9hG4bK-\(callID)-i", to: "<sip:\(meetingID)@\(plan.host)>",
            extra: ["Contact: <sip:load\(index)@\(sourceText):\(localPort)>", "Content-Type: application/sdp"], body: sdp)
    }

    /// ACK: for a 2xx a new transaction (new branch); for a failure the INVITE's branch.
    func ack(plan: LoadPlan, localPort: Int, to: String, success: Bool) -> String {
        request("ACK", plan: plan, localPort: localPort, cseq: 1, branch: "z9hG4bK-\(callID)-" + (success ? "a" : "i"), to: to)
    }

    func bye(plan: LoadPlan, localPort: Int) -> String {
        request("BYE", plan: plan, localPort: localPort, cseq: 2, branch: "z9hG4bK-\(callID)-b", to: toHeader ?? "<sip:\(meetingID)@\(plan.host)>")
    }

    private func request(
        _ method: String, plan: LoadPlan, localPort: Int, cseq: Int, branch: String, to: String, extra: [String] = [], body: String = ""
    ) -> String {
        var lines = [
            "\(method) sip:\(meetingID)@\(plan.host):\(plan.sipPort) SIP/2.0",
            "Via: SIP/2.0/UDP \(sourceText):\(localPort);branch=\(branch);rport",
            "Max-Forwards: 70",
            "From: \"Load \(index)\" <sip:load\(index)@\(sourceText)>;tag=\(fromTag)",
            "To: \(to)",
            "Call-ID: \(callID)",
            "CSeq: \(cseq) \(method)",
            "User-Agent: parley-load",
        ]
        lines += extra
        lines.append("Content-Length: \(body.utf8.count)")
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    /// The media address and port of an SDP answer (`c=IN IP4 …`, `m=audio …`).
    static func mediaTarget(fromSDP sdp: String) -> (address: UInt32, port: UInt16)? {
        var address: UInt32?
        var port: UInt16?
        for line in sdp.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("c=IN IP4 ") {
                let octets = line.dropFirst(9).split(separator: ".").compactMap { UInt32($0) }
                if octets.count == 4, octets.allSatisfy({ $0 < 256 }) {
                    address = octets[0] | octets[1] << 8 | octets[2] << 16 | octets[3] << 24
                }
            } else if line.hasPrefix("m=audio ") {
                port = line.dropFirst(8).split(separator: " ").first.flatMap { UInt16($0) }
            }
        }
        guard let address, let port, port != 0 else { return nil }
        return (address, port.bigEndian)
    }
}
