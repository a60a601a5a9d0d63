import NIOCore
import ParleySTUN
import Testing

@Suite("STUN Binding server logic")
struct STUNBindingServerTests {
    static let id = STUNTransactionID(high: 0xA, middle: 0xB, low: 0xC)
    static let source = STUNAddress(ip: "203.0.113.9", port: 51000)!

    /// Answers `request` and parses the answer.
    static func answer(
        _ request: ByteBuffer, server: STUNBindingServer = STUNBindingServer(), from source: STUNAddress = Self.source
    ) throws -> (STUNBindingServer.Outcome, STUNMessage?, ByteBuffer) {
        var output = ByteBuffer()
        let outcome = server.respond(to: request, from: source, into: &output)
        guard output.readableBytes > 0 else { return (outcome, nil, output) }
        var input = output
        return (outcome, try STUNMessage(parsing: &input), output)
    }

    static func binding(_ attributes: [STUNAttribute] = [], signing: STUNSigning? = nil) -> ByteBuffer {
        STUNMessage(type: .bindingRequest, transactionID: id, attributes: attributes).bytes(signing: signing, fingerprint: true)
    }

    @Test("a Binding request gets XOR-MAPPED-ADDRESS, SOFTWARE and FINGERPRINT")
    func plainBinding() throws {
        let (outcome, response, bytes) = try Self.answer(Self.binding())
        #expect(outcome == .success)
        let message = try #require(response)
        #expect(message.type == .bindingSuccess && message.transactionID == Self.id && !message.isRFC3489)
        #expect(message.xorMappedAddress == Self.source)
        #expect(message.mappedAddress == nil)
        #expect(message.software == "Parley")
        #expect(STUNMessageCheck.fingerprint(of: bytes) == .valid)
        #expect(!message.hasMessageIntegrity)
        // Not an amplifier: 20 bytes in, at most a few dozen out.
        #expect(bytes.readableBytes <= 60)
    }

    @Test("an IPv6 source is mapped as IPv6")
    func ipv6Source() throws {
        let source = try #require(STUNAddress(ip: "2001:db8::42", port: 3478))
        let (_, response, _) = try Self.answer(Self.binding(), from: source)
        #expect(response?.xorMappedAddress == source)
    }

    @Test("an RFC 3489 request (no magic cookie) gets MAPPED-ADDRESS and its cookie back")
    func classicClient() throws {
        let request = STUNMessage(type: .bindingRequest, transactionID: Self.id, magicCookie: 0x1234_5678).bytes()
        let (outcome, response, bytes) = try Self.answer(request)
        #expect(outcome == .success)
        let message = try #require(response)
        #expect(message.magicCookie == 0x1234_5678 && message.transactionID == Self.id)
        #expect(message.mappedAddress == Self.source && message.xorMappedAddress == nil)
        #expect(STUNMessageCheck.fingerprint(of: bytes) == .absent)
    }

    @Test("an unknown comprehension-required attribute gets 420 with UNKNOWN-ATTRIBUTES")
    func unknownAttributes() throws {
        // CHANGE-REQUEST asking for another address and port (RFC 5780 NAT discovery).
        let request = Self.binding([.other(type: 0x0003, value: ByteBuffer(bytes: [0, 0, 0, 6])), .other(type: 0x8888, value: ByteBuffer())])
        let (outcome, response, _) = try Self.answer(request)
        #expect(outcome == .errorResponse)
        #expect(response?.type == .bindingError)
        #expect(response?.errorCode?.code == 420)
        #expect(response?.unknownAttributes == [0x0003])
    }

    @Test("CHANGE-REQUEST without flags (RFC 3489 clients) is answered; with a flag it is 420")
    func changeRequest() throws {
        let classic = STUNMessage(
            type: .bindingRequest, transactionID: Self.id, magicCookie: 0x0170_7742,
            attributes: [.other(type: 0x0003, value: ByteBuffer(bytes: [0, 0, 0, 0]))]
        ).bytes()
        let (outcome, response, _) = try Self.answer(classic)
        #expect(outcome == .success && response?.mappedAddress == Self.source)
        let changeIP = Self.binding([.other(type: 0x0003, value: ByteBuffer(bytes: [0, 0, 0, 4]))])
        #expect(try Self.answer(changeIP).1?.unknownAttributes == [0x0003])
    }

    @Test("USERNAME without a configured password: 401, unsigned")
    func usernameWithoutPassword() throws {
        let request = Self.binding([.username("u")], signing: STUNSigning(key: .shortTerm(password: "p")))
        let (outcome, response, _) = try Self.answer(request)
        #expect(outcome == .errorResponse)
        #expect(response?.errorCode == .unauthenticated)
        #expect(response?.hasMessageIntegrity == false)
    }

    @Test("short-term credentials: signed back with the algorithm the request used", arguments: [STUNIntegrityAlgorithm.sha1, .sha256])
    func shortTerm(algorithm: STUNIntegrityAlgorithm) throws {
        let server = STUNBindingServer(configuration: .init(password: "VOkJxbRl1RmTxUk/WvJxBt"))
        let key = STUNKey.shortTerm(password: "VOkJxbRl1RmTxUk/WvJxBt")
        let (outcome, response, bytes) = try Self.answer(Self.binding([.username("evtj:h6vY")], signing: STUNSigning(key: key, algorithms: [algorithm])), server: server)
        #expect(outcome == .success)
        #expect(response?.xorMappedAddress == Self.source)
        #expect(STUNMessageCheck.fingerprint(of: bytes) == .valid)
        switch algorithm {
        case .sha1:
            #expect(STUNMessageCheck.messageIntegrity(of: bytes, key: key) == .valid)
            #expect(STUNMessageCheck.messageIntegritySHA256(of: bytes, key: key) == .absent)
        case .sha256:
            #expect(STUNMessageCheck.messageIntegritySHA256(of: bytes, key: key) == .valid)
            #expect(STUNMessageCheck.messageIntegrity(of: bytes, key: key) == .absent)
        }
        // The wrong password: 401. USERNAME without integrity, or integrity without USERNAME: 400.
        let wrong = Self.binding([.username("evtj:h6vY")], signing: STUNSigning(key: .shortTerm(password: "nope"), algorithms: [algorithm]))
        #expect(try Self.answer(wrong, server: server).1?.errorCode == .unauthenticated)
        #expect(try Self.answer(Self.binding([.username("evtj:h6vY")]), server: server).1?.errorCode == .badRequest)
        #expect(try Self.answer(Self.binding(signing: STUNSigning(key: key, algorithms: [algorithm])), server: server).1?.errorCode == .badRequest)
        // Without USERNAME the request is answered, unsigned.
        let (_, plain, plainBytes) = try Self.answer(Self.binding(), server: server)
        #expect(plain?.type == .bindingSuccess)
        #expect(STUNMessageCheck.messageIntegrity(of: plainBytes, key: key) == .absent)
    }

    @Test("the RFC 5769 sample request is refused for its PRIORITY attribute (ICE is not spoken here)")
    func rfc5769Request() throws {
        let server = STUNBindingServer(configuration: .init(password: "VOkJxbRl1RmTxUk/WvJxBt"))
        let (_, response, _) = try Self.answer(ByteBuffer(bytes: RFC5769Tests.request), server: server)
        #expect(response?.errorCode?.code == 420)
    }

    @Test("not answered: indications, responses, bad fingerprints, non-STUN")
    func ignored() throws {
        let indication = STUNMessage(type: .bindingIndication, transactionID: Self.id).bytes(fingerprint: true)
        #expect(try Self.answer(indication).0 == .ignored)
        let response = STUNMessage(type: .bindingSuccess, transactionID: Self.id).bytes(fingerprint: true)
        #expect(try Self.answer(response).0 == .ignored)
        var broken = Self.binding()
        broken.setInteger(UInt8(0), at: broken.writerIndex - 1)
        #expect(try Self.answer(broken).0 == .ignored)
        #expect(try Self.answer(ByteBuffer(bytes: [0x80, 0x00, 0x00, 0x01])).0 == .ignored)
        #expect(try Self.answer(ByteBuffer(bytes: [0, 1, 0])).0 == .ignored)
    }

    @Test("a bad attribute value or another method: 400")
    func badRequests() throws {
        var bad = ByteBuffer(bytes: [0x00, 0x01, 0, 12, 0x21, 0x12, 0xA4, 0x42] + [UInt8](repeating: 7, count: 12))
        bad.writeBytes([0, 0x20, 0, 8, 0, 9, 0, 0, 1, 2, 3, 4])
        #expect(try Self.answer(bad).1?.errorCode == .badRequest)
        let allocate = STUNMessage(type: STUNMessageType(method: STUNMethod(rawValue: 3)!, class: .request), transactionID: Self.id).bytes()
        let (_, response, _) = try Self.answer(allocate)
        #expect(response?.errorCode == .badRequest)
        #expect(response?.type.method.rawValue == 3)
    }
}

@Suite("STUN rate limiter")
struct STUNRateLimiterTests {
    static let second: UInt64 = 1_000_000_000

    @Test("a source gets its burst, then its rate")
    func perSource() {
        var limiter = STUNRateLimiter(limits: .init(perSourcePerSecond: 10, perSourceBurst: 20))
        let host = STUNAddress.Host.ipv4(0x0A00_0001)
        let start = 5 * Self.second
        let admitted = (0..<50).filter { _ in limiter.admit(host, now: start) }.count
        #expect(admitted == 20)
        // A second later, ten more.
        let later = (0..<50).filter { _ in limiter.admit(host, now: start + Self.second) }.count
        #expect(later == 10)
        // Another source is not affected.
        let other = limiter.admit(.ipv4(0x0A00_0002), now: start + Self.second)
        #expect(other)
    }

    @Test("the global cap holds against spoofed sources, and memory stays bounded")
    func global() {
        var limiter = STUNRateLimiter(limits: .init(totalPerSecond: 100, totalBurst: 100, maximumSources: 64))
        var admitted = 0
        for index in 0..<1000 {
            if limiter.admit(.ipv4(UInt32(index)), now: Self.second) { admitted += 1 }
        }
        #expect(admitted == 100)
        #expect(limiter.trackedSources <= 64)
    }
}
