import NIOCore
import ParleyNetTest
import Testing

@Suite("Network-test probe format")
struct NetTestProbeTests {
    static let sample = NetTestProbe(
        kind: .echoReply, length: 200, session: 0xDEAD_BEEF, sequence: 7, clientTime: 1_000_000_123, responderTime: 42,
        sentTOS: 0xB8, receivedTOS: 0xB8, count: 8, cookie: 0x1234_5679)

    @Test func roundTripKeepsEveryField() throws {
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        Self.sample.write(to: &buffer)
        #expect(buffer.readableBytes == 200)
        let parsed = try NetTestProbe(parsing: &buffer)
        #expect(parsed == Self.sample)
        #expect(buffer.readableBytes == 0)
    }

    @Test func layoutMatchesTheDocumentedOffsets() {
        let bytes = Self.sample.bytes
        #expect(Array(bytes[0..<4]) == [0xD0, 0x4E, 0x54, 1])
        #expect(bytes[4] == NetTestProbe.Kind.echoReply.rawValue)
        #expect(Array(bytes[6..<8]) == [0, 200])
        #expect(Array(bytes[8..<12]) == [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(Array(bytes[12..<16]) == [0, 0, 0, 7])
        #expect(bytes[32] == 0xB8 && bytes[33] == 0xB8)
        #expect(Array(bytes[36..<40]) == [0, 0, 0, 8])
        #expect(bytes[44...].allSatisfy { $0 == 0 })
    }

    @Test func markerIsOutsideEveryRFC7983Range() {
        // STUN 0-3, ZRTP 16-19, DTLS 20-63, TURN 64-79, RTP/RTCP 128-191.
        let taken: [ClosedRange<UInt8>] = [0...3, 16...19, 20...63, 64...79, 128...191]
        #expect(!taken.contains { $0.contains(NetTestProbe.marker) })
        #expect(NetTestProbe.mayBeProbe(ByteBuffer(bytes: Self.sample.bytes)))
        #expect(!NetTestProbe.mayBeProbe(ByteBuffer(bytes: [0x80, 0x00])))
        #expect(!NetTestProbe.mayBeProbe(ByteBuffer()))
    }

    @Test func lengthIsClampedToTheAllowedRange() {
        #expect(NetTestProbe(kind: .echoRequest, length: 3, session: 1).length == 44)
        #expect(NetTestProbe(kind: .echoRequest, length: 9000, session: 1).length == 1472)
    }

    @Test(arguments: [
        (0, UInt8(0x80), NetTestProbeError.Code.badMagic),
        (2, UInt8(0x00), .badMagic),
        (3, UInt8(2), .unsupportedVersion),
        (4, UInt8(0), .unknownKind),
        (4, UInt8(200), .unknownKind),
        (5, UInt8(99), .unknownReason),
        (6, UInt8(0xFF), .badLength),
    ])
    func malformedHeadersAreTypedErrors(offset: Int, value: UInt8, code: NetTestProbeError.Code) {
        var bytes = Self.sample.bytes
        bytes[offset] = value
        var buffer = ByteBuffer(bytes: bytes)
        #expect(throws: NetTestProbeError(code, at: offset)) { try NetTestProbe(parsing: &buffer) }
        #expect(buffer.readerIndex == 0)
    }

    @Test func truncatedInputConsumesNothing() {
        let bytes = Self.sample.bytes
        for cut in [0, 1, 43, 44, 199] {
            var buffer = ByteBuffer(bytes: bytes.prefix(cut))
            #expect(throws: NetTestProbeError.self) { try NetTestProbe(parsing: &buffer) }
            #expect(buffer.readableBytes == cut)
        }
    }

    @Test func aStreamOfProbesParsesOneAtATime() throws {
        var buffer = ByteBufferAllocator().buffer(capacity: 512)
        let first = NetTestProbe(kind: .echoRequest, length: 60, session: 1, sequence: 0)
        let second = NetTestProbe(kind: .downloadRequest, session: 1, sequence: 1, count: 1_000_000)
        first.write(to: &buffer)
        second.write(to: &buffer)
        #expect(try NetTestProbe(parsing: &buffer) == first)
        #expect(try NetTestProbe(parsing: &buffer) == second)
        #expect(buffer.readableBytes == 0)
    }

    @Test func aDatagramWithTrailingBytesIsRejected() {
        var bytes = Self.sample.bytes
        bytes.append(0)
        #expect(throws: NetTestProbeError(.badLength, at: 200)) { try NetTestProbe(bytes: bytes) }
    }

    @Test func requestKinds() {
        #expect(NetTestProbe.Kind.allCases.filter(\.isRequest) == [.echoRequest, .streamRequest, .downloadRequest, .uploadRequest])
    }
}

@Suite("Network-test probe fuzzing (seeded)")
struct NetTestProbeFuzzTests {
    static let iterations = 20_000

    @Test func parserNeverCrashesAndRoundTrips() throws {
        var generator = SeededGenerator(seed: 7983)
        let seeds = [
            NetTestProbeTests.sample.bytes,
            NetTestProbe(kind: .streamRequest, length: 172, session: 9, count: 250, cookie: 77).bytes,
            NetTestProbe(kind: .refused, session: 2, reason: .rateLimited).bytes,
        ]
        var accepted = 0
        for iteration in 0..<Self.iterations {
            var bytes: [UInt8]
            if iteration % 2 == 0 {
                let length = Int.random(in: 0...300, using: &generator)
                bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                // Bias towards a valid start so the parser gets past the magic.
                if bytes.count >= 4, Bool.random(using: &generator) { bytes.replaceSubrange(0..<4, with: [0xD0, 0x4E, 0x54, 1]) }
            } else {
                bytes = seeds[iteration % seeds.count]
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0 where !bytes.isEmpty:
                        bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                    case 1 where !bytes.isEmpty:
                        bytes.removeLast(Int.random(in: 1...bytes.count, using: &generator))
                    default:
                        bytes.append(UInt8.random(in: 0...255, using: &generator))
                    }
                }
            }
            var buffer = ByteBuffer(bytes: bytes)
            do {
                let probe = try NetTestProbe(parsing: &buffer)
                accepted += 1
                #expect(buffer.readerIndex == probe.length)
                var out = ByteBufferAllocator().buffer(capacity: probe.length)
                probe.write(to: &out)
                #expect(try NetTestProbe(parsing: &out) == probe)
            } catch {
                #expect(buffer.readerIndex == 0)
            }
            _ = try? NetTestProbe(bytes: bytes)
        }
        #expect(accepted > 500)
    }
}

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
