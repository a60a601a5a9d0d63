import Crypto
import NIOCore
import ParleySTUN
import Testing

/// The test vectors of RFC 5769 ("Test Vectors for STUN"), byte for byte. In 2.1-2.3 the
/// padding of USERNAME and SOFTWARE is 0x20 (spaces), on purpose: the integrity covers it.
@Suite("RFC 5769 test vectors")
struct RFC5769Tests {
    static let password = STUNKey.shortTerm(password: "VOkJxbRl1RmTxUk/WvJxBt")
    static let transactionID = STUNTransactionID(bytes: hex("b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"))!

    /// 2.1: a Binding request with SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME,
    /// MESSAGE-INTEGRITY and FINGERPRINT.
    static let request = hex(
        """
        00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
        00 24 00 04 6e 00 01 ff
        80 29 00 08 93 2f f9 b1 51 26 3b 36
        00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
        00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
        80 28 00 04 e5 7a 3b cf
        """)

    /// 2.2: the IPv4 response, XOR-MAPPED-ADDRESS 192.0.2.1:32853.
    static let ipv4Response = hex(
        """
        01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
        00 20 00 08 00 01 a1 47 e1 12 a6 43
        00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
        80 28 00 04 c0 7d 4c 96
        """)

    /// 2.3: the IPv6 response, [2001:db8:1234:5678:11:2233:4455:6677]:32853.
    static let ipv6Response = hex(
        """
        01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
        00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
        00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
        80 28 00 04 c8 fb 0b 4c
        """)

    /// 2.4: a request with long-term credentials (USERNAME "マトリックス", NONCE, REALM
    /// "example.org", password "TheMatrIX" after SASLprep), no FINGERPRINT; zero padding.
    static let longTermRequest = hex(
        """
        00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
        00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00
        00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41
        00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
        00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66
        """)

    @Test("2.1 sample request")
    func sampleRequest() throws {
        var input = buffer(Self.request)
        let message = try STUNMessage(parsing: &input)
        #expect(input.readableBytes == 0)
        #expect(message.type == .bindingRequest)
        #expect(message.transactionID == Self.transactionID)
        #expect(!message.isRFC3489)
        #expect(message.software == "STUN test client")
        #expect(message.username == "evtj:h6vY")
        #expect(message.hasMessageIntegrity)
        // PRIORITY and ICE-CONTROLLED are kept as they are.
        #expect(message.attributes.contains(.other(type: 0x0024, value: buffer(hex("6e 00 01 ff")))))
        #expect(message.attributes.contains(.other(type: 0x8029, value: buffer(hex("93 2f f9 b1 51 26 3b 36")))))
        // PRIORITY is comprehension-required and unknown to a plain Binding server.
        #expect(message.unknownComprehensionRequiredTypes == [0x0024])
        #expect(message.attributes.last == .fingerprint(0xe57a_3bcf))
        #expect(STUNMessageCheck.messageIntegrity(of: buffer(Self.request), key: Self.password) == .valid)
        #expect(STUNMessageCheck.messageIntegrity(of: buffer(Self.request), key: .shortTerm(password: "wrong")) == .invalid)
        #expect(STUNMessageCheck.messageIntegritySHA256(of: buffer(Self.request), key: Self.password) == .absent)
        #expect(STUNMessageCheck.fingerprint(of: buffer(Self.request)) == .valid)
    }

    @Test("2.2 sample IPv4 response")
    func ipv4Response() throws {
        var input = buffer(Self.ipv4Response)
        let message = try STUNMessage(parsing: &input)
        #expect(message.type == .bindingSuccess)
        #expect(message.software == "test vector")
        let expected = try #require(STUNAddress(ip: "192.0.2.1", port: 32853))
        #expect(message.xorMappedAddress == expected)
        #expect(message.reflexiveAddress?.description == "192.0.2.1:32853")
        #expect(STUNMessageCheck.messageIntegrity(of: buffer(Self.ipv4Response), key: Self.password) == .valid)
        #expect(STUNMessageCheck.fingerprint(of: buffer(Self.ipv4Response)) == .valid)
        // The XOR encoding written back is the vector's.
        let written = STUNMessage(type: .bindingSuccess, transactionID: Self.transactionID, attributes: [.xorMappedAddress(expected)]).bytes()
        #expect(Array(written.bytes[20...]) == Array(Self.ipv4Response[36..<48]))
    }

    @Test("2.3 sample IPv6 response")
    func ipv6Response() throws {
        var input = buffer(Self.ipv6Response)
        let message = try STUNMessage(parsing: &input)
        let expected = try #require(STUNAddress(ip: "2001:db8:1234:5678:11:2233:4455:6677", port: 32853))
        #expect(message.xorMappedAddress == expected)
        #expect(expected.description == "[2001:db8:1234:5678:11:2233:4455:6677]:32853")
        #expect(STUNMessageCheck.messageIntegrity(of: buffer(Self.ipv6Response), key: Self.password) == .valid)
        #expect(STUNMessageCheck.fingerprint(of: buffer(Self.ipv6Response)) == .valid)
        let written = STUNMessage(type: .bindingSuccess, transactionID: Self.transactionID, attributes: [.xorMappedAddress(expected)]).bytes()
        #expect(Array(written.bytes[20...]) == Array(Self.ipv6Response[36..<60]))
    }

    @Test("2.4 long-term credentials: checked, and rebuilt byte for byte")
    func longTermRequest() throws {
        var input = buffer(Self.longTermRequest)
        let message = try STUNMessage(parsing: &input)
        #expect(message.username == "マトリックス")
        #expect(STUNMessageCheck.fingerprint(of: buffer(Self.longTermRequest)) == .absent)
        let key = STUNKey(bytes: Array(Insecure.MD5.hash(data: Array("マトリックス:example.org:TheMatrIX".utf8))))
        #expect(STUNMessageCheck.messageIntegrity(of: buffer(Self.longTermRequest), key: key) == .valid)
        // The writer signs the same attributes into the same bytes (zero padding here).
        var unsigned = message
        unsigned.attributes.removeAll { $0.type == 0x0008 }
        #expect(unsigned.bytes(signing: STUNSigning(key: key)).bytes == Self.longTermRequest)
    }
}
