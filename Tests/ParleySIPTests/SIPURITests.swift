import ParleySIP
import Testing

@Suite("SIP URIs")
struct SIPURITests {
    @Test("all the parts of a sip URI")
    func parts() throws {
        let uri = try SIPURI(parsing: "sips:alice:secret@Example.COM:5061;transport=tls;lr;maddr=239.255.255.1?subject=hi%20there&priority=urgent")
        #expect(uri.scheme == .sips)
        #expect(uri.user == "alice")
        #expect(uri.password == "secret")
        #expect(uri.host == "Example.COM")
        #expect(uri.port == 5061)
        #expect(uri.transport == "tls")
        #expect(uri.isLooseRouter)
        #expect(uri.parameters.value("maddr") == "239.255.255.1")
        #expect(uri.headers.value("subject") == "hi there")
        #expect(uri.headers.value("priority") == "urgent")
        #expect(uri.description == "sips:alice:secret@Example.COM:5061;transport=tls;lr;maddr=239.255.255.1?subject=hi%20there&priority=urgent")
    }

    @Test("IPv6 references keep their brackets only on the wire")
    func ipv6() throws {
        let uri = try SIPURI(parsing: "sip:[2001:db8::10]:5060;transport=udp")
        #expect(uri.host == "2001:db8::10")
        #expect(uri.isIPv6)
        #expect(uri.port == 5060)
        #expect(uri.hostPort == "[2001:db8::10]:5060")
        #expect(uri.description == "sip:[2001:db8::10]:5060;transport=udp")
    }

    @Test("tel URIs")
    func tel() throws {
        let uri = try SIPURI(parsing: "tel:+1-201-555-0123;phone-context=example.com")
        #expect(uri.scheme == .tel)
        #expect(uri.user == "+1-201-555-0123")
        #expect(uri.parameters.value("phone-context") == "example.com")
        #expect(uri.description == "tel:+1-201-555-0123;phone-context=example.com")
    }

    @Test("escaping is resolved on parse and applied on write")
    func escaping() throws {
        let uri = try SIPURI(parsing: "sip:%61lice%20b@example.com;na%6De=v%2Fx")
        #expect(uri.user == "alice b")
        #expect(uri.parameters.value("name") == "v/x")
        #expect(uri.description == "sip:alice%20b@example.com;name=v/x")
        #expect(try SIPURI(parsing: uri.description) == uri)
    }

    @Test("malformed URIs are rejected", arguments: [
        "sip:", "sip:@example.com", "sip:user@", "sip:user@host:", "sip:user@host:65536",
        "sip:user@[::1", "sip:user@host;", "sip:user@host;=x", "sip:us er@host", "sip:%zz@host",
        "sip:user@host?x", "sip:host:50x", "1sip:host", ":host", "tel:", "sip:<user@host>",
    ])
    func malformed(text: String) {
        #expect(throws: SIPParseError.self) { try SIPURI(parsing: text) }
    }

    @Test("unknown schemes are typed so the server can answer 416")
    func unknownScheme() {
        #expect(throws: SIPParseError(.unsupportedURIScheme)) { try SIPURI(parsing: "http://example.com/") }
    }
}

@Suite("Via, name-addr, CSeq and Content-Type values")
struct SIPHeaderValueTests {
    @Test("Via with received, rport and IPv6 sent-by")
    func via() throws {
        let via = try SIPVia(parsing: "SIP/2.0/UDP [2001:db8::9]:5070;branch=z9hG4bKnashds7;received=192.0.2.1;rport=5071")
        #expect(via.transport == "UDP")
        #expect(via.host == "2001:db8::9")
        #expect(via.port == 5070)
        #expect(via.sentBy == "[2001:db8::9]:5070")
        #expect(via.branch == "z9hG4bKnashds7")
        #expect(via.hasRFC3261Branch)
        #expect(via.received == "192.0.2.1")
        #expect(via.rport == 5071)
        #expect(try SIPVia(parsing: via.description) == via)
    }

    @Test("malformed Via values", arguments: [
        "SIP/2.0/UDP", "SIP/2.0 UDP host", "SIP/3.0/UDP host", "SIP/2.0/UDP host;", "SIP/2.0/UDP host:port",
        "SIP/2.0/UDP host;rport=abc", "SIP/2.0/UDPhost", "SIP/2.0/UDP host junk", "",
    ])
    func badVia(text: String) {
        #expect(throws: SIPParseError.self) { try SIPVia(parsing: text) }
    }

    @Test("name-addr forms")
    func nameAddr() throws {
        let bare = try SIPNameAddress(parsing: "sip:a@example.com;tag=9")
        #expect(bare.displayName == nil)
        #expect(bare.tag == "9")
        #expect(bare.uri.parameters.isEmpty)
        let tokens = try SIPNameAddress(parsing: "Alice   Smith <sip:a@example.com;transport=tcp>;tag=1")
        #expect(tokens.displayName == "Alice Smith")
        #expect(tokens.uri.transport == "tcp")
        let ipv6 = try SIPNameAddress(parsing: "<sip:a@[::1]>;received=[::2]")
        #expect(ipv6.parameters.value("received") == "[::2]")
    }

    @Test("malformed name-addr values", arguments: [
        "\"unterminated <sip:a@b>", "<sip:a@b", "<sip:a@b> junk", "Bell, A <sip:a@b>", "<sip: a@b>",
        "<>", "\"x\" sip:a@b", "<sip:a@b>;", "<sip:a@b>;tag=", "<sip:a@b>;tag=\"open",
    ])
    func badNameAddr(text: String) {
        #expect(throws: SIPParseError.self) { try SIPNameAddress(parsing: text, header: "To") }
    }

    @Test("CSeq numbers must fit 32 bits")
    func cseq() throws {
        #expect(try SIPCSeq(parsing: "4294967295 BYE") == SIPCSeq(4_294_967_295, .bye))
        #expect(throws: SIPParseError.self) { try SIPCSeq(parsing: "4294967296 BYE") }
        #expect(throws: SIPParseError.self) { try SIPCSeq(parsing: "-1 BYE") }
        #expect(throws: SIPParseError.self) { try SIPCSeq(parsing: "1") }
        #expect(throws: SIPParseError.self) { try SIPCSeq(parsing: "1INVITE") }
    }

    @Test("Content-Type")
    func contentType() throws {
        let type = try SIPContentType(parsing: "Application/SDP ; charset=utf-8")
        #expect(type.matches(.sdp))
        #expect(type.description == "application/sdp;charset=utf-8")
        #expect(throws: SIPParseError.self) { try SIPContentType(parsing: "application") }
    }
}
