import NIOCore
import ParleySIP
import Testing

@Suite("RFC 4475 torture messages: valid ones are accepted")
struct RFC4475ValidTests {
    @Test("wsinv: a short tortuous INVITE")
    func wsinv() throws {
        let message = try #require(parseAndValidate(RFC4475.wsinv).value)
        #expect(message.method == .invite)
        #expect(message.requestURI?.user == "vivekg")
        #expect(message.requestURI?.parameters.contains("unknownparam") == true)
        #expect(message.to?.tag == "1918181833n")
        #expect(message.from?.displayName == "J Rosenberg \\\"")
        #expect(message.from?.tag == "98asjd8")
        #expect(message.maxForwards == 68)
        #expect(message.cseq == SIPCSeq(9, .invite))
        #expect(message.callID == "wsinv.ndaksdj@192.0.2.1")
        let vias = try #require(message.vias)
        #expect(vias.count == 3)
        #expect(vias[0].transport == "UDP" && vias[0].host == "192.0.2.2" && vias[0].branch == "390skdjuw")
        #expect(vias[1].transport == "TCP" && vias[1].host == "spindle.example.com" && vias[1].branch == "z9hG4bK9ikj8")
        #expect(vias[2].host == "192.168.255.111" && vias[2].branch == "z9hG4bK30239")
        #expect(message.headers[.subject] == "")
        #expect(message.headers["NewFangledHeader"] == "newfangled value continued newfangled value")
        #expect(message.headers["UnknownHeaderWithUnusualValue"] == ";;,,;;,;")
        let contact = try #require(message.contacts?.first)
        #expect(contact.displayName == "Quoted string \"\"")
        #expect(contact.parameters.value("newparam") == "newvalue")
        #expect(contact.parameters.contains("secondparam"))
        #expect(contact.parameters.value("q") == "0.33")
        #expect(message.routes?.first?.uri.isLooseRouter == true)
        #expect(message.contentType?.matches(.sdp) == true)
        #expect(message.body.readableBytes == 150)
    }

    @Test("intmeth: a wide range of valid characters")
    func intmeth() throws {
        let message = try #require(parseAndValidate(RFC4475.intmeth).value)
        #expect(message.method?.rawValue == "!interesting-Method0123456789_*+`.%indeed'~")
        let uri = try #require(message.requestURI)
        #expect(uri.user == "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
        #expect(uri.password == "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
        #expect(uri.host == "example.com")
        #expect(message.to?.displayName == "BEL:\u{07} NUL:\u{00} DEL:\u{7F}")
        #expect(message.from?.displayName == "token1~` token2'+_ token3*%!.-")
        #expect(message.from?.tag == "_token~1'+`*%!-.")
        #expect(message.from?.parameters.value("fromParam''~+*_!.-%") == "\"работающий\"")
        #expect(message.callID == "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{")
        #expect(message.headers["extensionHeader-!.%*+_`'~"] == "\u{FEFF}大停電")
        // An endpoint answers an unknown method with 501 (RFC 4475 §3.1.1.2).
        #expect(SIPMethodPolicy.default.classify(try #require(message.method)) == .notImplemented)
    }

    @Test("esc01: valid % escaping")
    func esc01() throws {
        let message = try #require(parseAndValidate(RFC4475.esc01).value)
        #expect(message.requestURI?.user == "sips:user@example.com")
        #expect(message.requestURI?.host == "example.net")
        #expect(message.to?.uri.user == "user")
        #expect(message.from?.uri.user == "I have spaces")
        #expect(message.callID == "esc01.239409asdfakjkn23onasd0-3234")
        let contact = try #require(message.contacts?.first?.uri)
        #expect(contact.user == "caller")
        #expect(contact.parameters.contains("lr"))
        #expect(contact.parameters.value("name") == "value%41")
        #expect(message.contentType?.matches(.sdp) == true)
        // Escaping on the way out keeps the meaning.
        #expect(message.requestURI?.description == "sip:sips%3Auser%40example.com@example.net")
        #expect(contact.description == "sip:caller@host5.example.net;lr;name=value%2541")
    }

    @Test("escnull: escaped NULs in URIs")
    func escnull() throws {
        let message = try #require(parseAndValidate(RFC4475.escnull).value)
        #expect(message.to?.uri.user == "null-\u{00}-null")
        let contacts = try #require(message.contacts)
        #expect(contacts.map { $0.uri.user } == ["\u{00}", "\u{00}\u{00}"])
        #expect(contacts[1].uri.description == "sip:%00%00@host5.example.com")
        #expect(message.contentLength == 0)
    }

    @Test("esc02: % that is not an escape, in a method and an unknown header name")
    func esc02() throws {
        let message = try #require(parseAndValidate(RFC4475.esc02).value)
        #expect(message.method?.rawValue == "RE%47IST%45R")
        #expect(message.to?.displayName == "%Z%45")
        #expect(message.topVia?.branch == "z9hG4bK209%fzsnel234")
        #expect(message.contacts?.count == 2)
        #expect(message.headers["C%6Fntact"] == "<sip:alias2@host2.example.com>")
    }

    @Test("lwsdisp: no LWS between display name and <")
    func lwsdisp() throws {
        let message = try #require(parseAndValidate(RFC4475.lwsdisp).value)
        #expect(message.from?.displayName == "caller")
        #expect(message.from?.uri.user == "caller")
    }

    @Test("longreq: long values in header fields")
    func longreq() throws {
        let message = try #require(parseAndValidate(RFC4475.longreq).value)
        #expect(message.vias?.count == 34)
        #expect(message.vias?.last?.received == "192.0.2.5")
        #expect(message.to?.uri.port == 6000)
        #expect(message.from?.tag?.hasSuffix("424") == true)
        #expect(message.body.readableBytes == 150)
    }

    @Test("dblreq: octets after Content-Length in a datagram are discarded")
    func dblreq() throws {
        let message = try #require(parseAndValidate(RFC4475.dblreq).value)
        #expect(message.method == .register)
        #expect(message.body.readableBytes == 0)
    }

    @Test("semiuri: semicolons in the user part")
    func semiuri() throws {
        let message = try #require(parseAndValidate(RFC4475.semiuri).value)
        #expect(message.requestURI?.user == "user;par=u@example.net")
        #expect(message.requestURI?.host == "example.com")
        #expect(message.requestURI?.parameters.isEmpty == true)
        #expect(message.headers.values(for: .accept).count == 6)
    }

    @Test("transports: varied and unknown transports")
    func transports() throws {
        let message = try #require(parseAndValidate(RFC4475.transports).value)
        #expect(message.vias?.map(\.transport) == ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"])
    }

    @Test("mpart01: a multipart body stays an opaque slice")
    func mpart01() throws {
        let message = try #require(parseAndValidate(RFC4475.mpart01).value)
        #expect(message.contentType?.type == "multipart")
        #expect(message.contentType?.parameters.value("boundary") == "7a9cbec02ceef655")
        let body = Array(message.body.readableBytesView)
        #expect(body.contains(0xFF) && body.contains(0x00))
        #expect(message.body.readableBytes == message.contentLength)
    }

    @Test("unreason: a UTF-8 reason phrase")
    func unreason() throws {
        let message = try #require(parseAndValidate(RFC4475.unreason).value)
        #expect(message.status == 200)
        #expect(message.reasonPhrase == "= 2**3 * 5**2 но сто девяносто девять - простое")
        #expect(message.body.readableBytes == 154)
    }

    @Test("noreason: an empty reason phrase")
    func noreason() throws {
        let message = try #require(parseAndValidate(RFC4475.noreason).value)
        #expect(message.status == 100)
        #expect(message.reasonPhrase == "")
    }
}

@Suite("RFC 4475 torture messages: invalid ones are rejected with a typed error")
struct RFC4475InvalidTests {
    static let cases: [(name: String, message: String, code: SIPParseError.Code, header: String?)] = [
        ("badinv01", RFC4475.badinv01, .invalidHeaderValue, "Via"),
        ("clerr", RFC4475.clerr, .truncatedBody, "Content-Length"),
        ("ncl", RFC4475.ncl, .invalidContentLength, "Content-Length"),
        ("scalar02", RFC4475.scalar02, .invalidHeaderValue, "CSeq"),
        ("scalarlg", RFC4475.scalarlg, .invalidHeaderValue, "CSeq"),
        ("quotbal", RFC4475.quotbal, .invalidHeaderValue, "To"),
        ("ltgtruri", RFC4475.ltgtruri, .invalidRequestURI, nil),
        ("lwsruri", RFC4475.lwsruri, .malformedStartLine, nil),
        ("lwsstart", RFC4475.lwsstart, .malformedStartLine, nil),
        ("trws", RFC4475.trws, .malformedStartLine, nil),
        ("escruri", RFC4475.escruri, .invalidRequestURI, nil),
        ("baddate", RFC4475.baddate, .invalidHeaderValue, "Date"),
        ("regbadct", RFC4475.regbadct, .invalidHeaderValue, "Contact"),
        ("badaspec", RFC4475.badaspec, .invalidHeaderValue, "To"),
        ("baddn", RFC4475.baddn, .invalidURI, "To"),
        ("badvers", RFC4475.badvers, .unsupportedVersion, nil),
        ("mismatch01", RFC4475.mismatch01, .cseqMethodMismatch, "CSeq"),
        ("mismatch02", RFC4475.mismatch02, .cseqMethodMismatch, "CSeq"),
        ("bigcode", RFC4475.bigcode, .invalidStatusCode, nil),
        ("insuf", RFC4475.insuf, .missingHeader, "To"),
        ("unkscm", RFC4475.unkscm, .unsupportedURIScheme, nil),
        ("multi01", RFC4475.multi01, .duplicateHeader, "To"),
        ("mcl01", RFC4475.mcl01, .multipleContentLength, "Content-Length"),
    ]

    @Test("rejected with the expected code", arguments: 0..<cases.count)
    func rejected(index: Int) throws {
        let fixture = Self.cases[index]
        let error = try #require(parseAndValidate(fixture.message).error, "\(fixture.name) was accepted")
        #expect(error.code == fixture.code, "\(fixture.name): \(error)")
        #expect(error.header == fixture.header, "\(fixture.name): \(error)")
    }

    @Test("the server gets the status and a reason phrase naming the header")
    func answers() throws {
        let insuf = try #require(parseAndValidate(RFC4475.insuf).error)
        #expect(insuf.suggestedStatus == 400)
        #expect(insuf.reasonPhrase == "Missing To Header")
        #expect(try #require(parseAndValidate(RFC4475.badvers).error).suggestedStatus == 505)
        #expect(try #require(parseAndValidate(RFC4475.unkscm).error).suggestedStatus == 416)
        #expect(try #require(parseAndValidate(RFC4475.mismatch01).error).reasonPhrase == "CSeq Method Mismatch")
    }

    @Test("a 400 can still be built for a message that failed validation")
    func badRequestForInsuf() throws {
        var buffer = ByteBuffer(string: RFC4475.insuf)
        let message = try SIPMessageParser().parseDatagram(&buffer)
        let error = try #require(throws: SIPParseError.self) { try message.validate() }
        let response = SIPMessage.response(to: message, status: error.suggestedStatus, reason: error.reasonPhrase)
        #expect(response.status == 400)
        #expect(response.reasonPhrase == "Missing To Header")
        #expect(response.headers[.via] == "SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf")
        #expect(response.headers[.cseq] == "193942 INVITE")
    }

    @Test("errors carry the offset where the fault was found")
    func offsets() throws {
        let clerr = try #require(parseAndValidate(RFC4475.clerr).error)
        #expect(clerr.offset == RFC4475.clerr.utf8.count)
        let ltgt = try #require(parseAndValidate(RFC4475.ltgtruri).error)
        #expect(ltgt.offset == 7)
    }
}

@Suite("RFC 4475 semantics the SIP core decides")
struct RFC4475SemanticsTests {
    @Test("badbranch: parses, but gets no transaction key (answer 400 statelessly)")
    func badbranch() throws {
        let message = try #require(parseAndValidate(RFC4475.badbranch).value)
        #expect(message.topVia?.branch == "z9hG4bK")
        #expect(TransactionKey(request: message) == nil)
    }

    @Test("bcast: a well-formed response whose second Via is a broadcast address")
    func bcast() throws {
        let message = try #require(parseAndValidate(RFC4475.bcast).value)
        #expect(message.status == 200)
        #expect(message.vias?.last?.host == "255.255.255.255")
    }

    @Test("invut: parses; the policy answers 415 with Accept")
    func invut() throws {
        let message = try #require(parseAndValidate(RFC4475.invut).value)
        let response = try #require(SIPMethodPolicy.default.unsupportedMediaTypeResponse(for: message, toTag: "t1"))
        #expect(response.status == 415)
        #expect(response.headers[.accept] == "application/sdp")
    }

    @Test("zeromf: Max-Forwards 0 is valid for a UAS")
    func zeromf() throws {
        let message = try #require(parseAndValidate(RFC4475.zeromf).value)
        #expect(message.maxForwards == 0)
    }

    @Test("cparam01: Content-Type parameters do not hide the media type")
    func cparam01() throws {
        let message = try #require(parseAndValidate(RFC4475.cparam01).value)
        #expect(message.contentType?.matches(.sdp) == true)
        #expect(message.contentType?.parameters.value("charset") == "\"ISO-10646\"")
    }
}
