import NIOCore
import ParleySTUN
import Testing

@Suite("STUN message codec")
struct STUNMessageTests {
    static let id = STUNTransactionID(high: 0x0102_0304, middle: 0x0506_0708, low: 0x090A_0B0C)

    @Test("message type: method and class bits interleave as RFC 8489 §5 draws them")
    func messageTypeBits() throws {
        #expect(STUNMessageType.bindingRequest.rawValue == 0x0001)
        #expect(STUNMessageType.bindingIndication.rawValue == 0x0011)
        #expect(STUNMessageType.bindingSuccess.rawValue == 0x0101)
        #expect(STUNMessageType.bindingError.rawValue == 0x0111)
        // TURN Allocate (0x003) and the largest method.
        let allocate = try #require(STUNMethod(rawValue: 0x003))
        #expect(STUNMessageType(method: allocate, class: .errorResponse).rawValue == 0x0113)
        let largest = try #require(STUNMethod(rawValue: 0xFFF))
        #expect(STUNMessageType(method: largest, class: .errorResponse).rawValue == 0x3FFF)
        #expect(STUNMethod(rawValue: 0x1000) == nil)
        for raw in UInt16(0)...0x3FFF {
            #expect(STUNMessageType(rawValue: raw)?.rawValue == raw)
        }
        #expect(STUNMessageType(rawValue: 0x4001) == nil)
        #expect(STUNMessageType(rawValue: 0x8001) == nil)
    }

    @Test("RFC 7983 demultiplexing by first byte")
    func demultiplexing() {
        for byte in UInt8(0)...255 {
            #expect(STUNMessage.isSTUN(firstByte: byte) == (byte <= 3))
            #expect(STUNMessage.isRTPOrRTCP(firstByte: byte) == (128...191).contains(byte))
        }
    }

    @Test("round trip with every attribute, signed both ways and fingerprinted")
    func roundTrip() throws {
        let v4 = try #require(STUNAddress(ip: "203.0.113.7", port: 1))
        let v6 = try #require(STUNAddress(ip: "2001:db8::1", port: 65535))
        let message = STUNMessage(
            type: .bindingSuccess, transactionID: Self.id,
            attributes: [
                .xorMappedAddress(v6), .mappedAddress(v4), .username("alice:bob"), .software("Parley 0.1"),
                .errorCode(STUNErrorCode(420)), .unknownAttributes([0x0024, 0x7777, 0x0003]),
                .other(type: 0x8029, value: ByteBuffer(bytes: [1, 2, 3])),
            ])
        let key = STUNKey.shortTerm(password: "secret")
        let bytes = message.bytes(signing: STUNSigning(key: key, algorithms: [.sha256, .sha1]), fingerprint: true)
        #expect(bytes.readableBytes % 4 == 0)
        #expect(bytes.getInteger(at: 2, as: UInt16.self) == UInt16(bytes.readableBytes - 20))
        var input = bytes
        let parsed = try STUNMessage(parsing: &input)
        #expect(input.readableBytes == 0)
        #expect(Array(parsed.attributes.prefix(7)) == message.attributes)
        #expect(parsed.attributes.map(\.type).suffix(3) == [0x0008, 0x001C, 0x8028])
        #expect(parsed.xorMappedAddress == v6 && parsed.mappedAddress == v4)
        #expect(parsed.errorCode == STUNErrorCode(420, reason: "Unknown Attribute"))
        #expect(STUNMessageCheck.messageIntegrity(of: bytes, key: key) == .valid)
        #expect(STUNMessageCheck.messageIntegritySHA256(of: bytes, key: key) == .valid)
        #expect(STUNMessageCheck.fingerprint(of: bytes) == .valid)
        #expect(STUNMessageCheck.messageIntegrity(of: bytes, key: .shortTerm(password: "Secret")) == .invalid)
        // One flipped bit in an attribute breaks all three.
        var flipped = bytes
        flipped.setInteger(flipped.getInteger(at: 30, as: UInt8.self)! ^ 1, at: 30)
        #expect(STUNMessageCheck.messageIntegrity(of: flipped, key: key) == .invalid)
        #expect(STUNMessageCheck.messageIntegritySHA256(of: flipped, key: key) == .invalid)
        #expect(STUNMessageCheck.fingerprint(of: flipped) == .invalid)
    }

    @Test("RFC 3489 messages: the cookie field is kept, addresses plain")
    func rfc3489() throws {
        let classic = STUNMessage(type: .bindingRequest, transactionID: Self.id, magicCookie: 0xDEAD_BEEF)
        var input = classic.bytes()
        let parsed = try STUNMessage(parsing: &input)
        #expect(parsed.isRFC3489 && parsed.magicCookie == 0xDEAD_BEEF)
        #expect(parsed == classic)
    }

    @Test("attributes after MESSAGE-INTEGRITY (but SHA-256 and FINGERPRINT) and after FINGERPRINT are ignored")
    func attributesAfterIntegrity() throws {
        let key = STUNKey.shortTerm(password: "k")
        var bytes = STUNMessage(type: .bindingRequest, transactionID: Self.id, attributes: [.username("u")])
            .bytes(signing: STUNSigning(key: key))
        bytes.writeBytes([0x80, 0x22, 0x00, 0x04, 0x61, 0x62, 0x63, 0x64])  // SOFTWARE "abcd" after it
        bytes.setInteger(UInt16(bytes.readableBytes - 20), at: 2)
        var input = bytes
        let parsed = try STUNMessage(parsing: &input)
        #expect(parsed.software == nil)
        #expect(parsed.attributes.map(\.type) == [0x0006, 0x0008])
        #expect(STUNMessageCheck.messageIntegrity(of: bytes, key: key) == .valid)
    }

    @Test(
        "malformed messages are typed errors and leave the reader index",
        arguments: [
            ([UInt8](repeating: 0, count: 19), STUNParseError.Code.truncated),
            ([0xC0, 0x01, 0, 0, 0x21, 0x12, 0xA4, 0x42] + [UInt8](repeating: 0, count: 12), .notSTUN),
            ([0x00, 0x01, 0, 2, 0x21, 0x12, 0xA4, 0x42] + [UInt8](repeating: 0, count: 14), .badLength),
            ([0x00, 0x01, 0, 8, 0x21, 0x12, 0xA4, 0x42] + [UInt8](repeating: 0, count: 12) + [0x80, 0x22, 0, 5, 1, 2, 3, 4], .truncated),
            ([0x00, 0x01, 0, 12, 0x21, 0x12, 0xA4, 0x42] + [UInt8](repeating: 0, count: 12) + [0, 0x20, 0, 8, 0, 3, 0, 0, 1, 2, 3, 4], .badAttribute),
            ([0x00, 0x01, 0, 8, 0x21, 0x12, 0xA4, 0x42] + [UInt8](repeating: 0, count: 12) + [0, 0x09, 0, 4, 0, 0, 7, 0], .badAttribute),
            ([0x00, 0x01, 0, 8, 0x21, 0x12, 0xA4, 0x42] + [UInt8](repeating: 0, count: 12) + [0x80, 0x28, 0, 2, 1, 2, 0, 0], .badAttribute),
        ])
    func malformed(bytes: [UInt8], code: STUNParseError.Code) {
        var input = ByteBuffer(bytes: bytes)
        #expect(throws: STUNParseError.self) { try STUNMessage(parsing: &input) }
        do {
            _ = try STUNMessage(parsing: &input)
        } catch {
            #expect(error.code == code, "\(error)")
            #expect(error.headerWasValid == (code == .badAttribute))
        }
        #expect(input.readerIndex == 0)
    }

    @Test("a datagram longer than its message keeps the rest")
    func trailingBytes() throws {
        var input = STUNMessage(type: .bindingRequest, transactionID: Self.id).bytes()
        input.writeBytes([9, 9])
        _ = try STUNMessage(parsing: &input)
        #expect(input.readableBytes == 2)
    }

    @Test("over-long text is cut to the protocol's limits when written")
    func longText() throws {
        let message = STUNMessage(
            type: .bindingRequest, transactionID: Self.id, attributes: [.username(String(repeating: "u", count: 600)), .software(String(repeating: "s", count: 900))])
        var input = message.bytes()
        let parsed = try STUNMessage(parsing: &input)
        #expect(parsed.username?.utf8.count == 512)
        #expect(parsed.software?.utf8.count == 763)
    }

    @Test(
        "addresses as text",
        arguments: [
            ("192.0.2.1", "192.0.2.1"), ("::", "::"), ("::1", "::1"), ("2001:0DB8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"),
            ("1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0"), ("::ffff:192.0.2.9", "::ffff:c000:209"), ("fe80::1:2:3:4", "fe80::1:2:3:4"),
        ])
    func addressText(input: String, canonical: String) throws {
        let address = try #require(STUNAddress(ip: input, port: 7))
        #expect(address.ipText == canonical)
        #expect(STUNAddress(ip: address.ipText, port: 7) == address)
        let socket = try #require(address.socketAddress)
        #expect(STUNAddress(socket) == address)
    }

    @Test("not addresses", arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1::2::3", ":::", "1:2:3:4:5:6:7:8:9", "g::1", "example.org", "1:2:3:4:5:6:7::8"])
    func notAddresses(text: String) {
        #expect(STUNAddress(ip: text, port: 1) == nil)
    }

    @Test func socketAddressConversion() throws {
        let v4 = try SocketAddress(ipAddress: "127.0.0.1", port: 3478)
        #expect(STUNAddress(v4)?.description == "127.0.0.1:3478")
        let v6 = try SocketAddress(ipAddress: "::1", port: 5004)
        #expect(STUNAddress(v6)?.description == "[::1]:5004")
    }
}
