import NIOCore
import ParleySTUN
import Testing

/// Seeded, bounded fuzzing of the STUN codec, the checks, the server and the client: random
/// bytes and mutations of valid messages. Nothing may crash; failed parses leave the reader
/// index alone; what parses survives a write/parse round trip.
@Suite("STUN fuzzing (seeded)")
struct STUNFuzzTests {
    static let iterations = 20_000

    static func seeds() -> [[UInt8]] {
        let id = STUNTransactionID(high: 1, middle: 2, low: 3)
        let key = STUNKey.shortTerm(password: "k")
        return [
            RFC5769Tests.request, RFC5769Tests.ipv4Response, RFC5769Tests.ipv6Response, RFC5769Tests.longTermRequest,
            STUNMessage(
                type: .bindingError, transactionID: id,
                attributes: [.errorCode(.unknownAttribute), .unknownAttributes([1, 2, 3]), .software("fuzz")]
            ).bytes(signing: STUNSigning(key: key, algorithms: [.sha1, .sha256]), fingerprint: true).bytes,
            STUNMessage(type: .bindingRequest, transactionID: id, magicCookie: 7, attributes: [.mappedAddress(STUNAddress(ip: "::1", port: 9)!)]).bytes().bytes,
        ]
    }

    static func inputs(seed: UInt64) -> [[UInt8]] {
        var generator = SeededGenerator(seed: seed)
        let seeds = Self.seeds()
        return (0..<iterations).map { iteration in
            switch iteration % 3 {
            case 0:
                let length = Int.random(in: 0...120, using: &generator)
                var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                // Half of them get a plausible header: type, a length that fits, the cookie.
                if bytes.count >= 20, Bool.random(using: &generator) {
                    bytes[0] &= 0x01
                    bytes[2] = 0
                    bytes[3] = UInt8((bytes.count - 20) & ~3)
                    bytes.replaceSubrange(4..<8, with: [0x21, 0x12, 0xA4, 0x42])
                }
                return bytes
            default:
                var bytes = seeds[iteration % seeds.count]
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    switch Int.random(in: 0..<4, using: &generator) {
                    case 0 where !bytes.isEmpty:
                        bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
                    case 1 where !bytes.isEmpty:
                        bytes.removeLast(Int.random(in: 1...bytes.count, using: &generator))
                    case 2:
                        bytes.append(UInt8.random(in: 0...255, using: &generator))
                    default:
                        if !bytes.isEmpty {
                            bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                        }
                    }
                }
                return bytes
            }
        }
    }

    @Test func parserNeverCrashes() throws {
        var accepted = 0
        for bytes in Self.inputs(seed: 8489) {
            var input = ByteBuffer(bytes: bytes)
            do {
                let message = try STUNMessage(parsing: &input)
                accepted += 1
                var written = message.bytes()
                let again = try STUNMessage(parsing: &written)
                var rewritten = again.bytes()
                #expect(try STUNMessage(parsing: &rewritten) == again)
            } catch {
                #expect(input.readerIndex == 0 && input.readableBytes == bytes.count)
            }
        }
        #expect(accepted > 2000)
    }

    @Test func checksServerAndClientNeverCrash() {
        let key = STUNKey.shortTerm(password: "k")
        let server = STUNBindingServer(configuration: .init(password: "k"))
        let source = STUNAddress(ip: "192.0.2.1", port: 1)!
        var output = ByteBuffer()
        var answered = 0
        for bytes in Self.inputs(seed: 5389).prefix(10_000) {
            let datagram = ByteBuffer(bytes: bytes)
            _ = STUNMessageCheck.fingerprint(of: datagram)
            _ = STUNMessageCheck.messageIntegrity(of: datagram, key: key)
            _ = STUNMessageCheck.messageIntegritySHA256(of: datagram, key: key)
            output.clear()
            if server.respond(to: datagram, from: source, into: &output) != .ignored {
                answered += 1
                var response = output
                #expect(throws: Never.self) { try STUNMessage(parsing: &response) }
                // A response is never much larger than its request.
                #expect(output.readableBytes <= max(bytes.count, 20) + 48)
            }
            var client = STUNClientTransaction<TestInstant>(bindingWith: STUNTransactionID(high: 0x0102_0304, middle: 0x0506_0708, low: 0x090A_0B0C))
            _ = client.start(now: .zero)
            _ = client.receive(datagram, now: .zero)
        }
        #expect(answered > 100)
    }
}
