import NIOCore
import ParleyRTP
import Testing

/// Seeded, bounded fuzzing of every parser: random bytes and mutations of valid packets.
/// Parsers must throw typed errors or succeed — never crash — and must leave the reader
/// index alone when they fail. Successful parses must survive a write/parse round trip.
@Suite("Parser fuzzing (seeded)")
struct ParserFuzzTests {
    static let iterations = 20_000

    /// Valid seeds to mutate, so the fuzzer reaches deep into each grammar.
    static func seeds() -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        var buffer = ByteBufferAllocator().buffer(capacity: 512)
        RTPPacket(
            header: RTPHeader(marker: true, payloadType: 0, sequenceNumber: 9, timestamp: 160, ssrc: 5, csrcs: [1, 2],
                              headerExtension: RTPHeaderExtension(profile: 0xBEDE, data: ByteBuffer(bytes: [1, 2, 3, 4]))),
            payload: ByteBuffer(bytes: Array(repeating: 0xFF, count: 20)),
            paddingLength: 3
        ).write(to: &buffer)
        seeds.append(buffer.bytes)
        buffer.clear()
        RTCPCompoundPacket(packets: [
            .senderReport(RTCPSenderReport(ssrc: 1, ntpTimestamp: NTPTimestamp(rawValue: 7), rtpTimestamp: 2, packetCount: 3, octetCount: 4,
                                           reportBlocks: [RTCPReportBlock(ssrc: 2, fractionLost: 1, cumulativeLost: 2, extendedHighestSequence: 3, jitter: 4, lastSenderReport: 5, delaySinceLastSenderReport: 6)])),
            .sourceDescription(RTCPSourceDescription(ssrc: 1, cname: "fuzz@parley")),
            .goodbye(RTCPGoodbye(ssrcs: [1], reason: "done")),
        ]).write(to: &buffer)
        seeds.append(buffer.bytes)
        buffer.clear()
        TelephoneEvent(event: 5, isEnd: true, duration: 800).write(to: &buffer)
        seeds.append(buffer.bytes)
        return seeds
    }

    static func inputs(seed: UInt64) -> [[UInt8]] {
        var generator = SeededGenerator(seed: seed)
        let seeds = Self.seeds()
        return (0..<iterations).map { iteration in
            if iteration % 2 == 0 {
                let length = Int.random(in: 0...96, using: &generator)
                var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                // Bias half of the random inputs towards version 2, where the parsing starts.
                if !bytes.isEmpty, Bool.random(using: &generator) { bytes[0] = 0x80 | (bytes[0] & 0x3F) }
                return bytes
            }
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

    @Test func rtpParserNeverCrashes() throws {
        var accepted = 0
        for bytes in Self.inputs(seed: 3550) {
            var buffer = ByteBuffer(bytes: bytes)
            do {
                let packet = try RTPPacket(parsing: &buffer)
                accepted += 1
                #expect(buffer.readableBytes == 0)
                var out = ByteBufferAllocator().buffer(capacity: bytes.count)
                packet.write(to: &out)
                #expect(out.readableBytes == bytes.count)
                #expect(try RTPPacket(parsing: &out) == packet)
            } catch {
                #expect(buffer.readerIndex == 0)
                #expect(buffer.readableBytes == bytes.count)
            }
        }
        #expect(accepted > 100)
    }

    @Test func rtcpParserNeverCrashes() throws {
        var accepted = 0
        for bytes in Self.inputs(seed: 3551) {
            var buffer = ByteBuffer(bytes: bytes)
            do {
                let compound = try RTCPCompoundPacket(parsing: &buffer)
                accepted += 1
                var out = ByteBufferAllocator().buffer(capacity: bytes.count)
                compound.write(to: &out)
                _ = try RTCPCompoundPacket(parsing: &out)
            } catch {
                #expect(buffer.readerIndex == 0)
            }
            // Single-packet parsing over the same bytes, packet by packet.
            var single = ByteBuffer(bytes: bytes)
            while single.readableBytes > 0, (try? RTCPPacket(parsing: &single)) != nil {}
        }
        #expect(accepted > 50)
    }

    @Test func telephoneEventParserNeverCrashes() {
        var receiver = DTMFReceiver()
        for bytes in Self.inputs(seed: 4733) {
            var buffer = ByteBuffer(bytes: bytes)
            while let event = try? TelephoneEvent(parsing: &buffer) {
                _ = receiver.receive(event, timestamp: UInt32(bytes.count))
            }
            #expect(buffer.readableBytes < 4)
        }
    }

    @Test func demultiplexerAndDecodersAcceptAnything() {
        var decoders = AudioCodec.allCases.map { MediaDecoder(codec: $0) }
        var jitterBuffer = JitterBuffer()
        var statistics = RTPReceiveStatistics(ssrc: 0)
        var frame = [Int16](repeating: 0, count: 320)
        var time: Int64 = 0
        for bytes in Self.inputs(seed: 7983).prefix(5000) {
            let buffer = ByteBuffer(bytes: bytes)
            _ = MediaPacketKind(classifying: buffer)
            bytes.withUnsafeBytes { raw in
                for index in decoders.indices {
                    frame.withUnsafeMutableBufferPointer { _ = decoders[index].decode(raw, into: $0) }
                }
                if raw.count >= 4 {
                    let timestamp = UInt32(raw.load(as: UInt32.self))
                    let sequence = UInt16(truncatingIfNeeded: timestamp)
                    _ = jitterBuffer.insert(sequenceNumber: sequence, timestamp: timestamp, payloadType: 0, marker: false, payload: raw, now: time)
                    statistics.record(sequenceNumber: sequence, timestamp: timestamp, arrival: UInt32(truncatingIfNeeded: time))
                }
            }
            let output = jitterBuffer.pop(now: time)
            frame.withUnsafeMutableBufferPointer { _ = decoders[0].render(output, from: jitterBuffer, into: $0) }
            time += 160
        }
        _ = statistics.makeReportBlock(now: NTPTimestamp(rawValue: 0))
    }
}
