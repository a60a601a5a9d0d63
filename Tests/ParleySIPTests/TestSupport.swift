import NIOCore
import ParleySIP

/// Turns a readable multi-line literal into wire form: LF line ends become CRLF.
func wire(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
}

/// Parses a datagram and validates it, as the server does before handing a request on.
func parseAndValidate(_ bytes: ByteBuffer) -> Result<SIPMessage, SIPParseError> {
    var buffer = bytes
    do {
        let message = try SIPMessageParser().parseDatagram(&buffer)
        try message.validate()
        return .success(message)
    } catch {
        return .failure(error)
    }
}

func parseAndValidate(_ text: String) -> Result<SIPMessage, SIPParseError> {
    parseAndValidate(ByteBuffer(string: text))
}

extension Result {
    var value: Success? {
        if case .success(let value) = self { return value }
        return nil
    }

    var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// A deterministic instant for session-timer tests: an offset from an arbitrary origin.
struct TestInstant: InstantProtocol {
    var offset: Duration

    static let zero = TestInstant(offset: .zero)

    func advanced(by duration: Duration) -> TestInstant {
        TestInstant(offset: offset + duration)
    }

    func duration(to other: TestInstant) -> Duration {
        other.offset - offset
    }

    static func < (lhs: TestInstant, rhs: TestInstant) -> Bool {
        lhs.offset < rhs.offset
    }

    static func seconds(_ value: Int64) -> TestInstant {
        TestInstant(offset: .seconds(value))
    }
}

/// A manual clock for timer actions: timers are started and cancelled by the state machine
/// under test, and `advance(to:)` hands back those that fire, in deadline order.
struct ManualTimers<Timer: Hashable> {
    private(set) var now: Duration = .zero
    private var pending: [Timer: Duration] = [:]

    mutating func start(_ timer: Timer, after delay: Duration) {
        pending[timer] = now + delay
    }

    mutating func cancel(_ timer: Timer) {
        pending[timer] = nil
    }

    func isRunning(_ timer: Timer) -> Bool {
        pending[timer] != nil
    }

    func deadline(of timer: Timer) -> Duration? {
        pending[timer]
    }

    /// The next timer to fire, removed from the pending set, with the clock moved to it.
    mutating func fireNext() -> Timer? {
        guard let (timer, deadline) = pending.min(by: { $0.value < $1.value }) else { return nil }
        pending[timer] = nil
        now = deadline
        return timer
    }

    mutating func clear() {
        pending.removeAll()
    }
}

/// A small seeded generator (SplitMix64) so property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An INVITE from a phone, with an SDP offer, used across transaction and dialog tests.
func makeInvite(
    branch: String = "z9hG4bK776asdhds",
    cseq: UInt32 = 314159,
    callID: String = "a84b4c76e66710@pc33.example.com",
    toTag: String? = nil,
    sdp: String? = OfferFixtures.pcmuOnly,
    extraHeaders: [String] = []
) -> SIPMessage {
    var lines = [
        "INVITE sip:1234@parley.example.com SIP/2.0",
        "Via: SIP/2.0/UDP pc33.example.com:5060;branch=\(branch);rport",
        "Max-Forwards: 70",
        "To: <sip:1234@parley.example.com>" + (toTag.map { ";tag=" + $0 } ?? ""),
        "From: \"Alice\" <sip:alice@example.com>;tag=1928301774",
        "Call-ID: \(callID)",
        "CSeq: \(cseq) INVITE",
        "Contact: <sip:alice@192.0.2.10:5060>",
        "Record-Route: <sip:proxy.example.com;lr>",
    ]
    lines += extraHeaders
    if sdp != nil { lines.append("Content-Type: application/sdp") }
    let text = lines.joined(separator: "\r\n") + "\r\n\r\n" + (sdp.map(wire) ?? "")
    guard let message = try? SIPMessage(parsing: text) else {
        preconditionFailure("test fixture INVITE does not parse")
    }
    return message
}

/// A request in the dialog `makeInvite` creates, sent by the phone.
func makeInDialogRequest(
    _ method: String,
    cseq: UInt32,
    toTag: String,
    branch: String = "z9hG4bKnashds8",
    body: String? = nil,
    contentType: String = "application/sdp",
    contact: String? = nil
) -> SIPMessage {
    var lines = [
        "\(method) sip:alice-target@192.0.2.99 SIP/2.0",
        "Via: SIP/2.0/UDP pc33.example.com:5060;branch=\(branch)",
        "Max-Forwards: 70",
        "To: <sip:1234@parley.example.com>;tag=\(toTag)",
        "From: \"Alice\" <sip:alice@example.com>;tag=1928301774",
        "Call-ID: a84b4c76e66710@pc33.example.com",
        "CSeq: \(cseq) \(method)",
    ]
    if let contact { lines.append("Contact: \(contact)") }
    if body != nil { lines.append("Content-Type: \(contentType)") }
    let text = lines.joined(separator: "\r\n") + "\r\n\r\n" + (body.map(wire) ?? "")
    guard let message = try? SIPMessage(parsing: text) else {
        preconditionFailure("test fixture request does not parse")
    }
    return message
}
