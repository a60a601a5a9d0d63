import NIOCore
import ParleyRTP
import Testing

@Suite("RTCP packets (RFC 3550 section 6)")
struct RTCPTests {
    static let block1 = RTCPReportBlock(
        ssrc: 0x1111_1111, fractionLost: 51, cumulativeLost: -3, extendedHighestSequence: 0x0001_0002,
        jitter: 28, lastSenderReport: 0xB705_2000, delaySinceLastSenderReport: 0x0005_4000
    )
    static let block2 = RTCPReportBlock(
        ssrc: 0x2222_2222, fractionLost: 0, cumulativeLost: 0x7F_FFFF, extendedHighestSequence: 7,
        jitter: 0, lastSenderReport: 0, delaySinceLastSenderReport: 0
    )

    func roundTrip(_ packet: RTCPPacket) throws -> (RTCPPacket, Int) {
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        let written = packet.write(to: &buffer)
        #expect(written == buffer.readableBytes)
        #expect(written % 4 == 0)
        #expect(buffer.getInteger(at: 2, as: UInt16.self) == UInt16(written / 4 - 1))
        let parsed = try RTCPPacket(parsing: &buffer)
        #expect(buffer.readableBytes == 0)
        return (parsed, written)
    }

    @Test func senderReportRoundTrips() throws {
        let report = RTCPSenderReport(
            ssrc: 0xCAFE_BABE, ntpTimestamp: NTPTimestamp(seconds: 0xB710_0000, fraction: 0x8000_0000),
            rtpTimestamp: 123_456, packetCount: 50, octetCount: 8000, reportBlocks: [Self.block1, Self.block2]
        )
        let (parsed, length) = try roundTrip(.senderReport(report))
        #expect(parsed == .senderReport(report))
        #expect(length == 28 + 2 * 24)
    }

    @Test func receiverReportRoundTrips() throws {
        let report = RTCPReceiverReport(ssrc: 7, reportBlocks: [Self.block1])
        let (parsed, length) = try roundTrip(.receiverReport(report))
        #expect(parsed == .receiverReport(report))
        #expect(length == 32)
        let empty = RTCPReceiverReport(ssrc: 8)
        #expect(try roundTrip(.receiverReport(empty)).0 == .receiverReport(empty))
    }

    @Test func reportBlockSignExtendsCumulativeLoss() throws {
        var buffer = ByteBuffer(bytes: [
            0x81, 201, 0x00, 0x07, 0, 0, 0, 1,
            0, 0, 0, 2, 0x10, 0xFF, 0xFF, 0xFE, 0, 0, 0, 9, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0,
        ])
        guard case .receiverReport(let report) = try RTCPPacket(parsing: &buffer) else {
            Issue.record("not an RR")
            return
        }
        #expect(report.reportBlocks.first?.fractionLost == 0x10)
        #expect(report.reportBlocks.first?.cumulativeLost == -2)
        #expect(report.reportBlocks.first?.jitter == 4)
    }

    @Test func sourceDescriptionRoundTrips() throws {
        let description = RTCPSourceDescription(chunks: [
            .init(ssrc: 1, items: [.init(type: RTCPSourceDescription.Item.cname, text: "alice@192.0.2.1")]),
            .init(ssrc: 2, items: [
                .init(type: RTCPSourceDescription.Item.cname, text: "bob@host"),
                .init(type: RTCPSourceDescription.Item.name, text: "Bob"),
            ]),
            .init(ssrc: 3, items: []),
        ])
        let (parsed, _) = try roundTrip(.sourceDescription(description))
        guard case .sourceDescription(let out) = parsed else {
            Issue.record("not SDES")
            return
        }
        #expect(out == description)
        #expect(out.chunks.map(\.cname) == ["alice@192.0.2.1", "bob@host", nil])
    }

    @Test func cnameOnlyDescription() throws {
        let description = RTCPSourceDescription(ssrc: 9, cname: "parley@node1")
        let (parsed, length) = try roundTrip(.sourceDescription(description))
        #expect(parsed == .sourceDescription(description))
        // 4 header + 4 SSRC + 2 + 12 text + 1 terminator, padded: 24.
        #expect(length == 24)
    }

    @Test func goodbyeRoundTrips() throws {
        let bye = RTCPGoodbye(ssrcs: [1, 2], reason: "call ended")
        #expect(try roundTrip(.goodbye(bye)).0 == .goodbye(bye))
        let plain = RTCPGoodbye(ssrcs: [3])
        #expect(try roundTrip(.goodbye(plain)).0 == .goodbye(plain))
    }

    @Test func unknownTypesAreKept() throws {
        let app = RTCPPacket.other(.init(packetType: 204, count: 3, body: ByteBuffer(bytes: [0, 0, 0, 1, 0x6E, 0x61, 0x6D, 0x65])))
        #expect(try roundTrip(app).0 == app)
    }

    @Test func compoundPacketRoundTrips() throws {
        let compound = RTCPCompoundPacket(packets: [
            .senderReport(RTCPSenderReport(ssrc: 5, ntpTimestamp: NTPTimestamp(rawValue: 42), rtpTimestamp: 1, packetCount: 2, octetCount: 3)),
            .sourceDescription(RTCPSourceDescription(ssrc: 5, cname: "x")),
            .goodbye(RTCPGoodbye(ssrcs: [5], reason: "bye")),
        ])
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        compound.write(to: &buffer)
        #expect(MediaPacketKind(classifying: buffer) == .rtcp)
        let parsed = try RTCPCompoundPacket(parsing: &buffer)
        #expect(parsed == compound)
        #expect(parsed.startsWithReport)
        #expect(buffer.readableBytes == 0)
    }

    @Test func paddedLastPacket() throws {
        // RR with no blocks, P bit and 4 bytes of padding.
        var buffer = ByteBuffer(bytes: [0xA0, 201, 0x00, 0x02, 0, 0, 0, 9, 0, 0, 0, 4])
        let parsed = try RTCPCompoundPacket(parsing: &buffer)
        #expect(parsed.packets == [.receiverReport(RTCPReceiverReport(ssrc: 9))])
    }

    static let malformed: [(String, [UInt8], RTPParseError.Code)] = [
        ("empty", [], .truncated),
        ("three bytes", [0x80, 201, 0], .truncated),
        ("version 1", [0x40, 201, 0, 1, 0, 0, 0, 1], .badVersion),
        ("not an RTCP type", [0x80, 100, 0, 1, 0, 0, 0, 1], .badPacketType),
        ("length beyond datagram", [0x80, 201, 0, 9, 0, 0, 0, 1], .badLength),
        ("report count beyond length", [0x82, 201, 0, 1, 0, 0, 0, 1], .badLength),
        ("SR body too short", [0x80, 200, 0, 1, 0, 0, 0, 1], .badLength),
        ("padding longer than packet", [0xA0, 201, 0, 1, 0, 0, 0, 0x20], .badPadding),
        ("padding count zero", [0xA0, 201, 0, 1, 0, 0, 0, 0], .badPadding),
        ("SDES item beyond packet", [0x81, 202, 0, 2, 0, 0, 0, 1, 1, 40, 0x61, 0x62], .badItem),
        ("SDES chunk missing", [0x82, 202, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0], .badLength),
        ("BYE reason beyond packet", [0x81, 203, 0, 2, 0, 0, 0, 1, 9, 0x61, 0x62, 0x63], .badItem),
        ("BYE count beyond length", [0x83, 203, 0, 1, 0, 0, 0, 1], .badLength),
        ("second packet cut", [0x80, 201, 0, 1, 0, 0, 0, 1, 0x81], .truncated),
    ]

    @Test(arguments: malformed)
    func rejectsMalformedCompounds(name: String, bytes: [UInt8], code: RTPParseError.Code) {
        var buffer = ByteBuffer(bytes: bytes)
        do {
            _ = try RTCPCompoundPacket(parsing: &buffer)
            Issue.record("\(name) parsed")
        } catch {
            #expect(error.code == code, "\(name): \(error)")
            #expect(error.kind == .rtcp)
        }
        #expect(buffer.readerIndex == 0)
    }

    @Test func errorOffsetsAreRelativeToTheDatagram() {
        var buffer = ByteBuffer(bytes: [0x80, 201, 0, 1, 0, 0, 0, 1, 0x40, 201, 0, 1, 0, 0, 0, 1])
        #expect(throws: RTPParseError(.badVersion, kind: .rtcp, offset: 8)) {
            try RTCPCompoundPacket(parsing: &buffer)
        }
    }

    /// RFC 3550 section 6.4.1, figure 2: A = 46864.500 s, LSR = 46853.125 s, DLSR = 5.250 s.
    @Test func roundTripTimeFromTheRFCExample() {
        let block = RTCPReportBlock(
            ssrc: 1, fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 0, jitter: 0,
            lastSenderReport: 0xB705_2000, delaySinceLastSenderReport: 0x0005_4000
        )
        let arrival = NTPTimestamp(rawValue: UInt64(0xB710_8000) << 16)
        #expect(arrival.compact == 0xB710_8000)
        #expect(block.roundTripTime(arrival: arrival) == 0x0006_2000)
        #expect(block.roundTripDuration(arrival: arrival) == .milliseconds(6125))
        var noReport = block
        noReport.lastSenderReport = 0
        #expect(noReport.roundTripTime(arrival: arrival) == nil)
    }

    @Test func ntpConversions() {
        let ntp = NTPTimestamp(sinceUnixEpoch: .seconds(1) + .milliseconds(500))
        #expect(ntp.seconds == UInt32(NTPTimestamp.unixEpochOffset + 1))
        #expect(ntp.fraction == 0x8000_0000)
        #expect(NTPTimestamp.compactUnits(.milliseconds(1500)) == 0x0001_8000)
        #expect(NTPTimestamp.duration(compactUnits: 0x0002_4000) == .milliseconds(2250))
    }
}
