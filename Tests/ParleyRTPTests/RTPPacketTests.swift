import NIOCore
import ParleyRTP
import Testing

@Suite("RTP packets (RFC 3550 section 5)")
struct RTPPacketTests {
    static let minimal: [UInt8] = [
        0x80, 0x00, 0x00, 0x01,  // V=2, PT 0, seq 1
        0x00, 0x00, 0x00, 0xA0,  // timestamp 160
        0xDE, 0xAD, 0xBE, 0xEF,  // SSRC
        0x01, 0x02, 0x03,  // payload
    ]

    @Test func parsesTheFixedHeaderAndPayload() throws {
        var buffer = ByteBuffer(bytes: Self.minimal)
        let packet = try RTPPacket(parsing: &buffer)
        #expect(packet.header.payloadType == 0)
        #expect(packet.header.marker == false)
        #expect(packet.header.sequenceNumber == 1)
        #expect(packet.header.timestamp == 160)
        #expect(packet.header.ssrc == 0xDEAD_BEEF)
        #expect(packet.header.csrcs.isEmpty)
        #expect(packet.header.headerExtension == nil)
        #expect(packet.payload.bytes == [1, 2, 3])
        #expect(buffer.readableBytes == 0)
    }

    @Test func roundTripsEveryField() throws {
        var extensionData = ByteBuffer(bytes: [0x10, 0xAA, 0x00, 0x00])
        extensionData.moveReaderIndex(forwardBy: 0)
        let header = RTPHeader(
            marker: true,
            payloadType: 101,
            sequenceNumber: 65535,
            timestamp: 0xFFFF_FF00,
            ssrc: 0x1234_5678,
            csrcs: [1, 2, 0xFFFF_FFFF],
            headerExtension: RTPHeaderExtension(profile: 0xBEDE, data: extensionData)
        )
        let original = RTPPacket(header: header, payload: ByteBuffer(bytes: Array(repeating: 0x55, count: 160)), paddingLength: 4)
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        let written = original.write(to: &buffer)
        #expect(written == buffer.readableBytes)
        #expect(written == 12 + 12 + 8 + 160 + 4)
        let parsed = try RTPPacket(parsing: &buffer)
        #expect(parsed == original)
        #expect(parsed.header.csrcs.map { $0 } == [1, 2, 0xFFFF_FFFF])
    }

    @Test func skipsAnExtensionItDoesNotUnderstand() throws {
        let bytes: [UInt8] = [
            0x90, 0x08, 0x00, 0x07, 0, 0, 0, 1, 0, 0, 0, 2,
            0x10, 0x00, 0x00, 0x02,  // profile 0x1000, 2 words
            9, 9, 9, 9, 9, 9, 9, 9,
            0xD5, 0xD5,
        ]
        var buffer = ByteBuffer(bytes: bytes)
        let packet = try RTPPacket(parsing: &buffer)
        #expect(packet.header.payloadType == 8)
        #expect(packet.header.headerExtension?.profile == 0x1000)
        #expect(packet.header.headerExtension?.data.readableBytes == 8)
        #expect(packet.payload.bytes == [0xD5, 0xD5])
    }

    @Test func stripsPadding() throws {
        let bytes: [UInt8] = [0xA0, 0x00, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xAB, 0, 0, 3]
        var buffer = ByteBuffer(bytes: bytes)
        let packet = try RTPPacket(parsing: &buffer)
        #expect(packet.payload.bytes == [0xAB])
        #expect(packet.paddingLength == 3)
    }

    @Test func setsTheMarkerBit() {
        var buffer = ByteBufferAllocator().buffer(capacity: 16)
        RTPHeader(marker: true, payloadType: 9, sequenceNumber: 0, timestamp: 0, ssrc: 0).write(to: &buffer)
        #expect(buffer.getInteger(at: 1, as: UInt8.self) == 0x89)
    }

    static let malformed: [(String, [UInt8], RTPParseError.Code)] = [
        ("empty", [], .truncated),
        ("eleven bytes", Array(minimal.prefix(11)), .truncated),
        ("version 1", [0x40] + Array(minimal.dropFirst()), .badVersion),
        ("version 0", [0x00] + Array(minimal.dropFirst()), .badVersion),
        ("padding longer than packet", [0xA0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xAB, 0x10], .badPadding),
        ("padding count zero", [0xA0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xAB, 0x00], .badPadding),
        ("padding bit with no payload", [0xA0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1], .badPadding),
        ("CSRC count beyond length", [0x8F, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3], .csrcOverflow),
        ("extension header cut", [0x90, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE], .badExtension),
        ("extension longer than packet", [0x90, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0x00, 0x04, 1, 2, 3, 4], .badExtension),
    ]

    @Test(arguments: malformed)
    func rejectsMalformedPackets(name: String, bytes: [UInt8], code: RTPParseError.Code) {
        var buffer = ByteBuffer(bytes: bytes)
        let before = buffer.readerIndex
        #expect(throws: RTPParseError.self, "\(name)") {
            try RTPPacket(parsing: &buffer)
        }
        do {
            _ = try RTPPacket(parsing: &buffer)
        } catch {
            #expect(error.code == code, "\(name)")
            #expect(error.kind == .rtp)
            #expect(error.description.hasPrefix("rtp."))
        }
        #expect(buffer.readerIndex == before, "a failed parse leaves the reader index alone")
    }

    @Test func csrcListsAreValues() {
        let list: RTPCSRCList = [7, 8]
        #expect(list == RTPCSRCList([7, 8]))
        #expect(list != RTPCSRCList([7]))
        #expect(Array(list) == [7, 8])
        #expect(RTPCSRCList().count == 0)
    }
}

@Suite("Demultiplexing one media port (RFC 5761, RFC 7983)")
struct MediaPacketKindTests {
    @Test(arguments: [
        (UInt8(0x00), UInt8(0x01), MediaPacketKind.stun),
        (0x01, 0x01, .stun),
        (0x03, 0x00, .stun),
        (0x10, 0x00, .zrtp),
        (0x14, 0xFE, .dtls),  // change_cipher_spec
        (0x16, 0xFE, .dtls),  // handshake
        (0x17, 0xFE, .dtls),  // application data
        (0x3F, 0x00, .dtls),
        (0x40, 0x00, .turnChannel),
        (0x80, 0x00, .rtp),  // PCMU
        (0x80, 0x89, .rtp),  // G722 with marker
        (0x80, 0x65, .rtp),  // dynamic 101
        (0x80, 0xC8, .rtcp),  // SR 200
        (0x81, 0xC9, .rtcp),  // RR 201
        (0x81, 0xCA, .rtcp),  // SDES 202
        (0x81, 0xCB, .rtcp),  // BYE 203
        (0x80, 0xCC, .rtcp),  // APP 204
        (0x8F, 0xCD, .rtcp),  // RTPFB 205
        (0xBF, 0xC0, .rtcp),
        (0xC0, 0x00, .unknown),
        (0x04, 0x00, .unknown),
    ])
    func classifiesByFirstBytes(first: UInt8, second: UInt8, expected: MediaPacketKind) {
        #expect(MediaPacketKind(classifying: ByteBuffer(bytes: [first, second, 0, 0])) == expected)
    }

    @Test func shortInputIsUnknownOrByFirstByte() {
        #expect(MediaPacketKind(classifying: ByteBuffer(bytes: [])) == .unknown)
        #expect(MediaPacketKind(classifying: ByteBuffer(bytes: [0x80])) == .unknown)
        #expect(MediaPacketKind(classifying: ByteBuffer(bytes: [0x00])) == .stun)
    }

    @Test func doesNotConsume() {
        let buffer = ByteBuffer(bytes: [0x80, 0x00])
        _ = MediaPacketKind(classifying: buffer)
        #expect(buffer.readableBytes == 2)
    }
}
