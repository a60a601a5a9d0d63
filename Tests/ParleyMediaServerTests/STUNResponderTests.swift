import Logging
import NIOCore
import ParleySTUN
import Testing

@testable import ParleyMediaServer

/// The media port's STUN responder, without sockets: answers, credentials, the rate limit.
@Suite("STUN responder")
struct STUNResponderTests {
    static let second: UInt64 = 1_000_000_000

    static func binding(_ id: UInt32 = 1, attributes: [STUNAttribute] = [], signing: STUNSigning? = nil) -> ByteBuffer {
        STUNMessage(type: .bindingRequest, transactionID: STUNTransactionID(high: id, middle: 2, low: 3), attributes: attributes)
            .bytes(signing: signing, fingerprint: true)
    }

    static func parse(_ bytes: ByteBuffer?) throws -> STUNMessage {
        var input = try #require(bytes)
        return try STUNMessage(parsing: &input)
    }

    @Test("answers Binding with the source's reflexive address")
    func answers() throws {
        let source = try SocketAddress(ipAddress: "198.51.100.7", port: 40_123)
        let responder = STUNResponder(password: nil, logger: .init(label: "test"))
        let response = try Self.parse(responder.respond(to: Self.binding(), from: source, now: Self.second))
        #expect(response.type == .bindingSuccess)
        #expect(response.xorMappedAddress?.description == "198.51.100.7:40123")
        #expect(responder.statistics.answered == 1)
        // Not STUN at all, or a response: nothing, counted as ignored.
        #expect(responder.respond(to: ByteBuffer(bytes: [0, 1, 2]), from: source, now: Self.second) == nil)
        #expect(responder.statistics.ignored == 1)
    }

    @Test("USERNAME: 401 without media.stun.password, signed answers with it")
    func credentials() throws {
        let source = try SocketAddress(ipAddress: "198.51.100.7", port: 40_123)
        let signing = STUNSigning(key: .shortTerm(password: "pinhole"))
        let request = Self.binding(attributes: [.username("caller")], signing: signing)
        let open = STUNResponder(password: nil, logger: .init(label: "test"))
        #expect(try Self.parse(open.respond(to: request, from: source, now: Self.second)).errorCode == .unauthenticated)
        #expect(open.statistics.errors == 1)
        let protected = STUNResponder(password: "pinhole", logger: .init(label: "test"))
        let answer = try #require(protected.respond(to: request, from: source, now: Self.second))
        #expect(STUNMessageCheck.messageIntegrity(of: answer, key: signing.key) == .valid)
    }

    @Test("one source gets its burst, then its rate; others are not affected")
    func rateLimit() throws {
        let source = try SocketAddress(ipAddress: "198.51.100.7", port: 40_123)
        let responder = STUNResponder(
            password: nil, limits: .init(perSourcePerSecond: 5, perSourceBurst: 10), logger: .init(label: "test"))
        let now = 7 * Self.second
        let answered = (0..<100).filter { responder.respond(to: Self.binding(UInt32($0)), from: source, now: now) != nil }.count
        #expect(answered == 10)
        #expect(responder.statistics.rateLimited == 90)
        let other = try SocketAddress(ipAddress: "198.51.100.8", port: 40_123)
        #expect(responder.respond(to: Self.binding(), from: other, now: now) != nil)
        // Half a second later: 2 or 3 more for the first source (5 per second).
        let later = (0..<10).filter { responder.respond(to: Self.binding(UInt32($0)), from: source, now: now + Self.second / 2) != nil }.count
        #expect((2...3).contains(later))
    }

    @Test("the demultiplexer sends first bytes 0-3 to STUN and nothing else")
    func demultiplexing() {
        #expect(STUNResponder.isSTUN(Self.binding()))
        #expect(!STUNResponder.isSTUN(ByteBuffer(bytes: [0x80, 0x00])))
        #expect(!STUNResponder.isSTUN(ByteBuffer(bytes: [0x04])))
        #expect(!STUNResponder.isSTUN(ByteBuffer()))
    }
}
