import NIOCore
import ParleySTUN
import Testing

/// The client transaction as a protocol trace: events in, actions out, time moved by hand.
@Suite("STUN client transaction (RFC 8489 §6.2.1 timers)")
struct STUNClientTransactionTests {
    typealias Transaction = STUNClientTransaction<TestInstant>

    static let id = STUNTransactionID(high: 1, middle: 2, low: 3)
    static let mapped = STUNAddress(ip: "198.51.100.4", port: 40000)!

    static func response(_ type: STUNMessageType = .bindingSuccess, id: STUNTransactionID = Self.id, signing: STUNSigning? = nil) -> ByteBuffer {
        let attributes: [STUNAttribute] = type.messageClass == .errorResponse ? [.errorCode(.unauthenticated)] : [.xorMappedAddress(mapped)]
        return STUNMessage(type: type, transactionID: id, attributes: attributes).bytes(signing: signing, fingerprint: true)
    }

    /// Runs the transaction with no answer and records when it sends and when it gives up.
    @Test("no answer: 7 requests at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s; failure at 39.5 s")
    func timeoutSchedule() {
        var transaction = Transaction(bindingWith: Self.id)
        var now = TestInstant.zero
        var sends: [Duration] = []
        var failedAt: Duration?
        var actions = transaction.start(now: now)
        for _ in 0..<20 {  // bounded: the schedule has 8 timer events
            var timer: Duration?
            for action in actions {
                switch action {
                case .send: sends.append(now.offset)
                case .startTimer(let after): timer = after
                case .failed(let failure):
                    #expect(failure == .timedOut)
                    failedAt = now.offset
                case .succeeded: Issue.record("no response was given")
                }
            }
            guard let timer else { break }
            now = now.advanced(by: timer)
            actions = transaction.timerFired(now: now)
        }
        #expect(sends == [0, 500, 1500, 3500, 7500, 15500, 31500].map { Duration.milliseconds($0) })
        #expect(failedAt == .milliseconds(39500))
        #expect(STUNRetransmissionTiming.rfc8489.totalTime == .milliseconds(39500))
        #expect(transaction.isFinished)
        #expect(transaction.timerFired(now: now).isEmpty)
    }

    @Test("with Rc = 1: one request, then Rm × RTO of waiting")
    func singleRequest() {
        let timing = STUNRetransmissionTiming(initialRTO: .milliseconds(100), requestCount: 1, lastWaitMultiplier: 3)
        var transaction = Transaction(bindingWith: Self.id, timing: timing)
        let first = transaction.start(now: .zero)
        #expect(first.count == 2 && first.last == .startTimer(after: .milliseconds(300)))
        #expect(transaction.timerFired(now: TestInstant.zero.advanced(by: .milliseconds(300))) == [.failed(.timedOut)])
        #expect(timing.totalTime == .milliseconds(300))
    }

    @Test("every send carries the same bytes: the request with FINGERPRINT")
    func sameBytes() throws {
        var transaction = Transaction(bindingWith: Self.id)
        guard case .send(let first) = transaction.start(now: .zero).first,
            case .send(let second) = transaction.timerFired(now: TestInstant.zero.advanced(by: .milliseconds(500))).first
        else {
            Issue.record("expected sends")
            return
        }
        #expect(first == second)
        var input = first
        let request = try STUNMessage(parsing: &input)
        #expect(request.type == .bindingRequest && request.transactionID == Self.id)
        #expect(STUNMessageCheck.fingerprint(of: first) == .valid)
    }

    @Test("an answer to the first request succeeds with its round-trip time")
    func success() {
        var transaction = Transaction(bindingWith: Self.id)
        _ = transaction.start(now: .zero)
        let actions = transaction.receive(Self.response(), now: TestInstant.zero.advanced(by: .milliseconds(42)))
        guard case .succeeded(let response, let roundTrip) = actions.first else {
            Issue.record("expected success, got \(actions)")
            return
        }
        #expect(response.xorMappedAddress == Self.mapped)
        #expect(roundTrip == .milliseconds(42))
        #expect(transaction.isFinished)
        #expect(transaction.receive(Self.response(), now: .zero).isEmpty)
    }

    @Test("after a retransmission the round-trip time is unknown (Karn)")
    func retransmittedSuccess() throws {
        var transaction = Transaction(bindingWith: Self.id)
        _ = transaction.start(now: .zero)
        _ = transaction.timerFired(now: TestInstant.zero.advanced(by: .milliseconds(500)))
        let actions = transaction.receive(Self.response(), now: TestInstant.zero.advanced(by: .milliseconds(600)))
        let expected = try #require(Self.parsed(Self.response()))
        #expect(actions == [.succeeded(expected, roundTrip: nil)])
    }

    static func parsed(_ bytes: ByteBuffer) -> STUNMessage? {
        var input = bytes
        return try? STUNMessage(parsing: &input)
    }

    @Test("other transactions, requests, garbage and bad fingerprints are ignored")
    func ignored() {
        var transaction = Transaction(bindingWith: Self.id)
        _ = transaction.start(now: .zero)
        #expect(transaction.receive(Self.response(id: STUNTransactionID(high: 9, middle: 9, low: 9)), now: .zero).isEmpty)
        #expect(transaction.receive(Self.response(.bindingRequest), now: .zero).isEmpty)
        #expect(transaction.receive(Self.response(.bindingIndication), now: .zero).isEmpty)
        #expect(transaction.receive(ByteBuffer(bytes: [0x80, 0, 1, 2]), now: .zero).isEmpty)
        var broken = Self.response()
        broken.setInteger(UInt8(0xFF), at: broken.writerIndex - 1)
        #expect(transaction.receive(broken, now: .zero).isEmpty)
        #expect(!transaction.isFinished)
    }

    @Test("an error response fails the transaction with its code")
    func errorResponse() {
        var transaction = Transaction(bindingWith: Self.id)
        _ = transaction.start(now: .zero)
        #expect(transaction.receive(Self.response(.bindingError), now: .zero) == [.failed(.errorResponse(.unauthenticated))])
    }

    @Test("a signed request needs a signed success response")
    func signed() {
        let signing = STUNSigning(key: .shortTerm(password: "pw"), algorithms: [.sha256])
        var transaction = Transaction(bindingWith: Self.id, attributes: [.username("user")], signing: signing)
        _ = transaction.start(now: .zero)
        #expect(STUNMessageCheck.messageIntegritySHA256(of: transaction.requestBytes, key: signing.key) == .valid)
        #expect(transaction.receive(Self.response(), now: .zero).isEmpty)
        let wrong = STUNSigning(key: .shortTerm(password: "other"))
        #expect(transaction.receive(Self.response(signing: wrong), now: .zero).isEmpty)
        let actions = transaction.receive(Self.response(signing: signing), now: .zero)
        #expect(actions.count == 1)
        if case .succeeded = actions.first {} else { Issue.record("expected success, got \(actions)") }
    }

    @Test("a success response with an unknown comprehension-required attribute fails")
    func unknownAttribute() {
        var transaction = Transaction(bindingWith: Self.id)
        _ = transaction.start(now: .zero)
        let response = STUNMessage(type: .bindingSuccess, transactionID: Self.id, attributes: [.other(type: 0x7001, value: ByteBuffer())])
        #expect(transaction.receive(response.bytes(), now: .zero) == [.failed(.unknownAttributes([0x7001]))])
    }
}
