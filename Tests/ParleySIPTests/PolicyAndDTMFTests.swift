import NIOCore
import ParleySIP
import Testing

@Suite("Method policy (405 / 501 / 415)")
struct SIPMethodPolicyTests {
    let policy = SIPMethodPolicy.default

    @Test("classification", arguments: [
        ("INVITE", SIPMethodPolicy.Classification.supported), ("ACK", .supported), ("BYE", .supported),
        ("CANCEL", .supported), ("OPTIONS", .supported), ("INFO", .supported), ("UPDATE", .supported),
        ("REGISTER", .notAllowed), ("SUBSCRIBE", .notAllowed), ("NOTIFY", .notAllowed), ("PUBLISH", .notAllowed),
        ("MESSAGE", .notAllowed), ("REFER", .notAllowed), ("PRACK", .notAllowed),
        ("NEWMETHOD", .notImplemented), ("invite", .notImplemented),
    ])
    func classify(method: String, expected: SIPMethodPolicy.Classification) {
        #expect(policy.classify(SIPMethod(method)) == expected)
    }

    @Test("REGISTER gets 405 with Allow; an unknown method 501; ACK nothing")
    func rejections() throws {
        let register = try #require(parseAndValidate(RFC4475.escnull).value)
        let notAllowed = try #require(policy.rejection(for: register, toTag: "t"))
        #expect(notAllowed.status == 405)
        #expect(notAllowed.headers[.allow] == "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE")
        #expect(notAllowed.toTag == "t")
        let unknown = try #require(parseAndValidate(RFC4475.intmeth).value)
        #expect(policy.rejection(for: unknown, toTag: "t")?.status == 501)
        #expect(policy.rejection(for: InviteTrace.ackForFailure(toTag: "x"), toTag: "t") == nil)
        #expect(policy.rejection(for: InviteTrace.invite, toTag: "t") == nil)
    }

    @Test("INFO bodies must be DTMF; INVITE bodies SDP")
    func contentTypes() {
        let dtmf = makeInDialogRequest("INFO", cseq: 2, toTag: "t", body: "Signal=1", contentType: "application/dtmf-relay")
        #expect(policy.unsupportedMediaTypeResponse(for: dtmf, toTag: "t") == nil)
        let text = makeInDialogRequest("INFO", cseq: 2, toTag: "t", body: "hello", contentType: "text/plain")
        let response = policy.unsupportedMediaTypeResponse(for: text, toTag: "t")
        #expect(response?.status == 415)
        #expect(response?.headers[.accept] == "application/dtmf-relay, application/dtmf")
        #expect(policy.unsupportedMediaTypeResponse(for: InviteTrace.invite, toTag: "t") == nil)
        let bodiless = makeInDialogRequest("INFO", cseq: 3, toTag: "t")
        #expect(policy.unsupportedMediaTypeResponse(for: bodiless, toTag: "t") == nil)
    }
}

@Suite("DTMF over SIP INFO")
struct SIPInfoDTMFTests {
    @Test("application/dtmf-relay", arguments: [
        ("Signal=5\r\nDuration=160\r\n", DTMFDigit.five, 160 as Int?),
        ("signal= *\nduration = 100", .star, 100),
        ("Signal=#\r\n", .pound, nil),
        ("Signal=10\r\nDuration=250", .star, 250),
        ("Signal=11", .pound, nil),
        ("Signal=d\r\nDuration=-5", .d, nil),
        ("Duration=160\r\nSignal=0", .zero, 160),
    ])
    func dtmfRelay(body: String, digit: DTMFDigit, duration: Int?) throws {
        let event = try SIPInfoDTMF(contentType: .dtmfRelay, body: ByteBuffer(string: body))
        #expect(event == SIPInfoDTMF(digit: digit, durationMilliseconds: duration))
    }

    @Test("application/dtmf", arguments: [("5", DTMFDigit.five), ("#", .pound), (" 9\r\n", .nine), ("11", .pound), ("A", .a)])
    func dtmf(body: String, digit: DTMFDigit) throws {
        #expect(try SIPInfoDTMF(contentType: .dtmf, body: ByteBuffer(string: body)).digit == digit)
    }

    @Test("from an INFO request")
    func fromRequest() throws {
        let info = makeInDialogRequest("INFO", cseq: 7, toTag: "t", body: "Signal=7\nDuration=200\n", contentType: "application/dtmf-relay")
        #expect(try SIPInfoDTMF(info: info) == SIPInfoDTMF(digit: .seven, durationMilliseconds: 200))
    }

    @Test("bodies without a digit, and other types, are errors")
    func errors() {
        #expect(throws: SIPInfoDTMF.ParseError.missingSignal) { try SIPInfoDTMF(contentType: .dtmfRelay, body: ByteBuffer(string: "Duration=160")) }
        #expect(throws: SIPInfoDTMF.ParseError.missingSignal) { try SIPInfoDTMF(contentType: .dtmfRelay, body: ByteBuffer(string: "Signal=X")) }
        #expect(throws: SIPInfoDTMF.ParseError.missingSignal) { try SIPInfoDTMF(contentType: .dtmf, body: ByteBuffer(string: "16")) }
        #expect(throws: SIPInfoDTMF.ParseError.unsupportedContentType) { try SIPInfoDTMF(contentType: .sdp, body: ByteBuffer(string: "5")) }
    }

    @Test("digits print as the keypad shows them")
    func characters() {
        #expect(DTMFDigit.allCases.map(\.description).joined() == "0123456789*#ABCD")
        #expect(DTMFDigit.allCases.allSatisfy { DTMFDigit(character: $0.character) == $0 })
    }
}

@Suite("Building responses (RFC 3261 §8.2.6)")
struct SIPResponseTests {
    @Test("Vias, From, Call-ID and CSeq are copied; the To gets our tag")
    func copies() throws {
        let request = try #require(parseAndValidate(RFC4475.transports).value)
        let response = SIPMessage.response(to: request, status: 200, toTag: "abc")
        #expect(response.status == 200)
        #expect(response.reasonPhrase == "OK")
        #expect(response.headers.lines(for: .via) == request.headers.lines(for: .via))
        #expect(response.headers[.from] == request.headers[.from])
        #expect(response.to?.tag == "abc")
        #expect(response.callID == request.callID)
        #expect(response.cseq == request.cseq)
        let reparsed = try #require(parseAndValidate(response.serialized).value)
        #expect(reparsed.contentLength == 0)
        #expect(reparsed.to?.tag == "abc")
    }

    @Test("an existing To tag is kept; 100 Trying gets none")
    func tags() {
        let inDialog = makeInDialogRequest("BYE", cseq: 9, toTag: "ours")
        #expect(SIPMessage.response(to: inDialog, status: 200, toTag: "other").toTag == "ours")
        #expect(SIPMessage.response(to: InviteTrace.invite, status: 100, toTag: "x").toTag == nil)
    }

    @Test("extra headers and a body; Content-Length always matches the body")
    func body() throws {
        let body = ByteBuffer(string: "v=0\r\n")
        var response = SIPMessage.response(
            to: InviteTrace.invite, status: 200, toTag: "t",
            headers: [.contact: "<sip:1234@203.0.113.1>", .contentType: "application/sdp", .contentLength: "999"],
            body: body
        )
        #expect(String(buffer: response.serialized).contains("Content-Length: 5\r\n"))
        response.body = ByteBuffer()
        #expect(String(buffer: response.serialized).contains("Content-Length: 0\r\n"))
    }
}

@Suite("Symmetric response routing (RFC 3261 §18.2, RFC 3581)")
struct SIPViaStampTests {
    @Test("a phone behind NAT: received and rport are filled in, and responses go there")
    func natted() throws {
        var invite = makeInvite()
        #expect(invite.responseDestination?.host == "pc33.example.com" && invite.responseDestination?.port == 5060)
        invite.recordSource(host: "198.51.100.9", port: 40112)
        #expect(invite.headers[.via] == "SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bK776asdhds;rport=40112;received=198.51.100.9")
        let destination = try #require(invite.responseDestination)
        #expect(destination.host == "198.51.100.9" && destination.port == 40112)
        let response = SIPMessage.response(to: invite, status: 180, toTag: "t")
        #expect(response.responseDestination?.port == 40112)
    }

    @Test("without rport only received is added, and only when the host differs; other Vias stay")
    func withoutRport() throws {
        var request = try #require(parseAndValidate(RFC4475.transports).value)
        request.recordSource(host: "t1.example.com", port: 5060)
        #expect(request.headers == (try #require(parseAndValidate(RFC4475.transports).value)).headers)
        request.recordSource(host: "192.0.2.44", port: 5070)
        #expect(request.topVia?.received == "192.0.2.44")
        #expect(request.topVia?.rport == nil)
        #expect(request.vias?.count == 5)
        #expect(request.responseDestination?.host == "192.0.2.44")
        #expect(request.responseDestination?.port == 5060)
    }
}
