import NIOCore
import ParleySIP
import Testing

@Suite("SIP message parsing and writing")
struct SIPMessageParserTests {
    static let compact = wire(
        """
        INVITE sip:8000@parley.example.com SIP/2.0
        v: SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bKa1;rport
        f: Bob <sip:bob@example.org>;tag=55
        t: <sip:8000@parley.example.com>
        i: compact-1@192.0.2.4
        CSeq: 1 INVITE
        Max-Forwards: 70
        m: <sip:bob@192.0.2.4>
        k: timer, 100rel
        s: hello
        e: identity
        c: application/sdp
        l: 4

        v=0

        """
    )

    @Test("compact header forms are expanded and found by their full names")
    func compactForms() throws {
        let message = try #require(parseAndValidate(Self.compact).value)
        #expect(message.topVia?.host == "192.0.2.4")
        #expect(message.topVia?.rportRequested == true)
        #expect(message.from?.displayName == "Bob")
        #expect(message.callID == "compact-1@192.0.2.4")
        #expect(message.contacts?.first?.uri.host == "192.0.2.4")
        #expect(message.supported == ["timer", "100rel"])
        #expect(message.headers[.subject] == "hello")
        #expect(message.headers[.contentEncoding] == "identity")
        #expect(message.contentType == SIPContentType.sdp)
        #expect(message.contentLength == 4)
        #expect(String(buffer: message.body) == "v=0\r")
        // Written back with the canonical long names.
        let written = String(buffer: message.serialized)
        #expect(written.contains("\r\nVia: SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bKa1;rport\r\n"))
        #expect(written.contains("\r\nCall-ID: compact-1@192.0.2.4\r\n"))
        #expect(written.contains("\r\nContent-Length: 4\r\n"))
    }

    @Test("header names compare case-insensitively; unknown names keep their spelling")
    func headerNames() {
        #expect(SIPHeaderName("CALL-id") == .callID)
        #expect(SIPHeaderName("i") == .callID)
        #expect(SIPHeaderName("x") == .sessionExpires)
        #expect(SIPHeaderName("CALL-id").canonical == "Call-ID")
        #expect(SIPHeaderName("X-Parley-Node").canonical == "X-Parley-Node")
        #expect(SIPHeaderName("x-parley-node") == SIPHeaderName("X-Parley-Node"))
    }

    @Test("multi-value headers split at top-level commas only")
    func listSplitting() throws {
        let text = wire(
            """
            OPTIONS sip:a@example.com SIP/2.0
            Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com;branch=z9hG4bK2
            Via: SIP/2.0/UDP c.example.com;branch=z9hG4bK3
            Contact: "Smith, John" <sip:john@example.com>, <sip:j2@example.com;x=ab>;note="a,b"
            To: <sip:a@example.com>
            From: "Last, First" <sip:f@example.com>;tag=1
            Call-ID: split
            CSeq: 1 OPTIONS
            Max-Forwards: 70
            Allow: INVITE,ACK , BYE
            Date: Sat, 13 Nov 2010 23:29:00 GMT


            """
        )
        let message = try #require(parseAndValidate(text).value)
        #expect(message.vias?.map(\.host) == ["a.example.com", "b.example.com", "c.example.com"])
        #expect(message.contacts?.map { $0.displayName } == ["Smith, John", nil])
        #expect(message.from?.displayName == "Last, First")
        #expect(message.allow == [.invite, .ack, .bye])
        #expect(message.headers.lineCount(for: .via) == 2)
    }

    @Test("folded lines are joined with one space")
    func folding() throws {
        let text = wire(
            """
            OPTIONS sip:a@example.com SIP/2.0
            Via: SIP/2.0/UDP a.example.com
             ;branch=z9hG4bK1
            To:
            \t<sip:a@example.com>
            From: <sip:f@example.com>
              ;tag=1
            Call-ID: fold
            CSeq: 1
             OPTIONS
            Max-Forwards: 70


            """
        )
        let message = try #require(parseAndValidate(text).value)
        #expect(message.headers[.via] == "SIP/2.0/UDP a.example.com ;branch=z9hG4bK1")
        #expect(message.to?.uri.user == "a")
        #expect(message.from?.tag == "1")
        #expect(message.cseq == SIPCSeq(1, .options))
    }

    @Test("a datagram without Content-Length takes the rest as body; LF-only lines are tolerated")
    func datagramBody() throws {
        let text = "MESSAGE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\nTo: <sip:a@b>\nFrom: <sip:c@d>;tag=1\nCall-ID: x\nCSeq: 2 MESSAGE\nMax-Forwards: 1\n\nhello\nworld"
        let message = try #require(parseAndValidate(text).value)
        #expect(String(buffer: message.body) == "hello\nworld")
    }

    @Test("leading CRLFs before the start line are ignored")
    func leadingLineBreaks() throws {
        let message = try #require(parseAndValidate("\r\n\r\n" + RFC4475.lwsdisp).value)
        #expect(message.method == .options)
    }

    @Test("the body is a slice of the datagram, not a copy of the string")
    func bodySlice() throws {
        var buffer = ByteBuffer(string: RFC4475.esc01)
        let message = try SIPMessageParser().parseDatagram(&buffer)
        #expect(buffer.readableBytes == 0)
        #expect(message.body.readableBytes == 150)
        #expect(String(buffer: message.body).hasPrefix("v=0\r\n"))
    }

    @Test("a failed parse leaves the reader index where it was")
    func failureKeepsReaderIndex() {
        var buffer = ByteBuffer(string: RFC4475.clerr)
        let before = buffer.readerIndex
        #expect(throws: SIPParseError.self) { try SIPMessageParser().parseDatagram(&buffer) }
        #expect(buffer.readerIndex == before)
    }

    @Test("messages over 64 KiB are refused with 513")
    func sizeLimit() throws {
        let filler = String(repeating: "a", count: 70_000)
        let text = wire(
            """
            OPTIONS sip:a@example.com SIP/2.0
            X-Filler: \(filler)


            """
        )
        let error = try #require(parseAndValidate(text).error)
        #expect(error.code == .messageTooLarge)
        #expect(error.suggestedStatus == 513)
    }

    @Test("malformed header lines and start lines", arguments: [
        ("OPTIONS sip:a@b SIP/2.0\r\nNoColonHere\r\n\r\n", SIPParseError.Code.malformedHeader),
        ("OPTIONS sip:a@b SIP/2.0\r\n continuation-first: x\r\n\r\n", .malformedHeader),
        ("OPTIONS sip:a@b SIP/2.0\r\nBad Name: x\r\n\r\n", .malformedHeader),
        ("OPTIONS sip:a@b SIP/2.0\r\nTo: <sip:a@b>", .incompleteHeaders),
        ("OPTIONS sip:a@b\r\n\r\n", .malformedStartLine),
        ("OPT<IONS sip:a@b SIP/2.0\r\n\r\n", .invalidMethod),
        ("OPTIONS sip:a@b HTTP/1.1\r\n\r\n", .malformedStartLine),
        ("SIP/2.0 20 OK\r\n\r\n", .invalidStatusCode),
        ("SIP/2.0 700 Huh\r\n\r\n", .invalidStatusCode),
        ("SIP/2.0 200OK\r\n\r\n", .invalidStatusCode),
        ("SIP/3.0 200 OK\r\n\r\n", .unsupportedVersion),
        ("OPTIONS sip:a@b:99999 SIP/2.0\r\n\r\n", .invalidRequestURI),
        ("\r\n\r\n", .incompleteHeaders),
        ("", .incompleteHeaders),
    ])
    func malformed(text: String, code: SIPParseError.Code) throws {
        let error = try #require(parseAndValidate(text).error)
        #expect(error.code == code)
    }

    @Test("typed accessors for session timers, Supported and Allow")
    func sessionTimerHeaders() throws {
        let invite = makeInvite(extraHeaders: ["Session-Expires: 1800;refresher=uac", "Min-SE: 90", "Supported: timer", "Allow: INVITE, ACK, BYE"])
        #expect(invite.sessionExpires == SIPSessionExpires(seconds: 1800, refresher: .uac))
        #expect(invite.minSE == 90)
        #expect(invite.supported == ["timer"])
        #expect(invite.allow == [.invite, .ack, .bye])
        let bad = makeInvite(extraHeaders: ["Session-Expires: 1800;refresher=both"])
        #expect(bad.sessionExpires == nil)
        #expect(throws: SIPParseError(.invalidHeaderValue, header: "Session-Expires")) { try bad.validate() }
    }
}

@Suite("Round trips: parse → write → parse")
struct SIPRoundTripTests {
    static let valid: [(String, String)] = [
        ("wsinv", RFC4475.wsinv), ("intmeth", RFC4475.intmeth), ("esc01", RFC4475.esc01),
        ("escnull", RFC4475.escnull), ("esc02", RFC4475.esc02), ("lwsdisp", RFC4475.lwsdisp),
        ("longreq", RFC4475.longreq), ("semiuri", RFC4475.semiuri), ("transports", RFC4475.transports),
        ("unreason", RFC4475.unreason), ("noreason", RFC4475.noreason), ("bcast", RFC4475.bcast),
        ("compact", SIPMessageParserTests.compact),
    ]

    @Test("a written message parses back to an equal message", arguments: 0..<valid.count)
    func roundTrip(index: Int) throws {
        let (name, text) = Self.valid[index]
        let first = try #require(parseAndValidate(text).value, "\(name)")
        let second = try #require(parseAndValidate(first.serialized).value, "\(name) did not re-parse")
        #expect(second.startLine == first.startLine, "\(name)")
        #expect(second.headers == first.headers, "\(name)")
        #expect(second.body == first.body, "\(name)")
        // And the typed views agree.
        #expect(second.from == first.from && second.to == first.to && second.cseq == first.cseq, "\(name)")
        #expect(second.vias == first.vias && second.contacts == first.contacts, "\(name)")
        // Writing is stable after one normalisation.
        #expect(second.serialized == first.serialized, "\(name)")
    }

    @Test("mpart01 keeps its binary body across a round trip")
    func binaryBody() throws {
        let first = try #require(parseAndValidate(RFC4475.mpart01).value)
        let second = try #require(parseAndValidate(first.serialized).value)
        #expect(second.body == first.body)
    }

    @Test("a written name-addr re-parses to the same value")
    func nameAddressRoundTrip() throws {
        let original = SIPNameAddress(
            displayName: "Dr. \"Q\" \\ Ltd",
            uri: SIPURI(user: "q x@y", host: "example.com", port: 5070, parameters: [.init("transport", "tcp")]),
            parameters: [.init("tag", "abc"), .init("q", "0.5")]
        )
        let reparsed = try SIPNameAddress(parsing: original.description)
        #expect(reparsed == original)
        #expect(original.description == "\"Dr. \\\"Q\\\" \\\\ Ltd\" <sip:q%20x%40y@example.com:5070;transport=tcp>;tag=abc;q=0.5")
    }
}
