import NIOCore
import ParleySIP
import Testing

@Suite("SDP parsing and writing")
struct SDPParsingTests {
    @Test("a phone's offer: origin, connection, media, rtpmap, fmtp, ptime, direction")
    func phoneOffer() throws {
        let sdp = try SDPSessionDescription(parsing: wire(OfferFixtures.pcmuOnly))
        #expect(sdp.origin == SDPOrigin(username: "alice", sessionID: 2_890_844_526, sessionVersion: 2_890_844_526, address: "192.0.2.10"))
        #expect(sdp.connection?.host == "192.0.2.10")
        let audio = try #require(sdp.media.first)
        #expect(audio.isPlainRTPAudio)
        #expect(audio.port == 49170)
        #expect(audio.payloadTypes == [0, 101])
        #expect(audio.rtpMap(for: 101) == SDPRTPMap(payloadType: 101, encodingName: "telephone-event", clockRate: 8000))
        #expect(audio.fmtp(for: 101) == "0-15")
        #expect(audio.ptime == 20)
        #expect(audio.direction == .sendrecv)
        #expect(audio.rtcpPort == 49171)
    }

    @Test("connection at media level, a=rtcp, static payload types without rtpmap")
    func mediaLevel() throws {
        let sdp = try SDPSessionDescription(parsing: wire(OfferFixtures.wideband))
        #expect(sdp.connection == nil)
        #expect(sdp.media.count == 2)
        let audio = sdp.media[0]
        #expect(sdp.effectiveConnection(of: audio)?.host == "198.51.100.7")
        #expect(audio.rtcpPort == 40001)
        #expect(audio.rtpMap(for: 111)?.channels == 2)
        #expect(sdp.effectiveDirection(of: audio) == .sendrecv)
        let torture = try SDPSessionDescription(parsing: "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nm=audio 1 RTP/AVP 0 8 9\r\n")
        #expect(torture.media[0].rtpMap(for: 9)?.encodingName == "G722")
    }

    @Test("the session in an RFC 4475 body parses from the message's body slice")
    func fromMessageBody() throws {
        let message = try #require(parseAndValidate(RFC4475.esc01).value)
        var body = message.body
        let sdp = try SDPSessionDescription(parsing: &body)
        #expect(body.readableBytes == 0)
        #expect(sdp.media.map(\.media) == ["audio", "video"])
        #expect(sdp.media[1].attributeValues("rtpmap") == ["31 LPC"])
    }

    @Test("round trip: parse → write → parse", arguments: [
        OfferFixtures.pcmuOnly, OfferFixtures.wideband, OfferFixtures.hold, OfferFixtures.holdNullAddress,
        OfferFixtures.inactive, OfferFixtures.noCommonCodec,
        "v=0\no=- 1 2 IN IP6 ::1\ns=x\ni=info\nu=http://example.com\ne=a@b\nc=IN IP6 ::1\nb=AS:64\nt=0 0\nr=7d 1h 0 25h\nk=clear:x\na=tool:x\nm=audio 5004/2 RTP/AVP 0\ni=media info\nb=TIAS:64000\na=recvonly\n",
    ])
    func roundTrip(text: String) throws {
        let first = try SDPSessionDescription(parsing: wire(text))
        let second = try SDPSessionDescription(parsing: first.text)
        #expect(second == first)
        #expect(second.text == first.text)
    }

    @Test("garbage SDP is a typed error with the line number", arguments: [
        ("", SDPParseError.Code.empty, 1),
        ("o=- 1 1 IN IP4 h\r\n", .missingVersion, 1),
        ("v=1\r\n", .unsupportedVersion, 1),
        ("v=0\r\ns=-\r\n", .missingOrigin, 1),
        ("v=0\r\no=- 1 1 IN IP4 h\r\n", .missingSessionName, 1),
        ("v=0\r\no=- x 1 IN IP4 h\r\ns=-\r\n", .invalidOrigin, 2),
        ("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4\r\n", .invalidConnection, 4),
        ("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=now\r\n", .invalidTiming, 4),
        ("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nm=audio x RTP/AVP 0\r\n", .invalidMedia, 4),
        ("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nm=audio 70000 RTP/AVP 0\r\n", .invalidMedia, 4),
        ("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nm =video 1 RTP/AVP 0\r\n", .malformedLine, 4),
        ("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nm=audio 1 RTP/AVP 0\r\nv=0\r\n", .malformedLine, 5),
        ("v=0\r\nHello\r\n", .malformedLine, 2),
    ])
    func garbage(text: String, code: SDPParseError.Code, line: Int) {
        #expect(throws: SDPParseError(code, line: line)) { try SDPSessionDescription(parsing: text) }
    }
}

@Suite("SDP offer/answer")
struct SDPNegotiatorTests {
    let negotiator = SDPNegotiator()
    let local = SDPLocalMedia(address: "203.0.113.1", port: 5004, sessionID: 42, sessionVersion: 1)

    func answer(_ offer: String) throws -> SDPAnswer {
        let description = try SDPSessionDescription(parsing: wire(offer))
        return try negotiator.answer(to: description, local: local)
    }

    @Test("a PCMU-only phone gets PCMU and its telephone-event number echoed")
    func pcmuOnly() throws {
        let answer = try answer(OfferFixtures.pcmuOnly)
        #expect(answer.media.codec == .pcmu)
        #expect(answer.media.payloadType == 0)
        #expect(answer.media.telephoneEventPayloadType == 101)
        #expect(answer.media.remoteAddress == "192.0.2.10")
        #expect(answer.media.remoteRTPPort == 49170)
        #expect(answer.media.localDirection == .sendrecv)
        #expect(answer.media.isOnHold == false)
        #expect(answer.description.text == wire(
            """
            v=0
            o=parley 42 1 IN IP4 203.0.113.1
            s=Parley
            c=IN IP4 203.0.113.1
            t=0 0
            m=audio 5004 RTP/AVP 0 101
            a=rtpmap:0 PCMU/8000
            a=rtpmap:101 telephone-event/8000
            a=fmtp:101 0-15
            a=ptime:20
            a=sendrecv

            """
        ))
    }

    @Test("G.722 is preferred over the offerer's order; other streams are rejected in place")
    func g722Preferred() throws {
        let answer = try answer(OfferFixtures.wideband)
        #expect(answer.media.codec == .g722)
        #expect(answer.media.payloadType == 9)
        #expect(answer.media.telephoneEventPayloadType == 96)
        #expect(answer.media.remoteRTCPPort == 40001)
        #expect(answer.description.media.count == 2)
        #expect(answer.description.media[0].formats == ["9", "96"])
        #expect(answer.description.media[0].fmtp(for: 96) == "0-16")
        #expect(answer.description.media[1].port == 0)
        #expect(answer.description.media[1].media == "video")
    }

    @Test("an offer with no codec in common is refused with a 488 reason")
    func noCommonCodec() {
        #expect(throws: SDPNegotiationError(.noCommonCodec)) { try answer(OfferFixtures.noCommonCodec) }
        #expect(SDPNegotiationError(.noCommonCodec).suggestedStatus == 488)
    }

    @Test("video only, or SRTP only, has no audio stream we can take")
    func noAudio() {
        let video = "v=0\no=- 1 1 IN IP4 h\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\nm=video 4000 RTP/AVP 97\n"
        #expect(throws: SDPNegotiationError(.noAudioStream)) { try answer(video) }
        let srtp = "v=0\no=- 1 1 IN IP4 h\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\nm=audio 4000 RTP/SAVP 0\n"
        #expect(throws: SDPNegotiationError(.noAudioStream)) { try answer(srtp) }
        let noConnection = "v=0\no=- 1 1 IN IP4 h\ns=-\nt=0 0\nm=audio 4000 RTP/AVP 0\n"
        #expect(throws: SDPNegotiationError(.missingConnection)) { try answer(noConnection) }
    }

    @Test("a second audio stream is rejected; only one is answered")
    func secondAudioStream() throws {
        let offer = "v=0\no=- 1 1 IN IP4 h\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\nm=audio 4000 RTP/AVP 8\nm=audio 4002 RTP/AVP 0\n"
        let answer = try answer(offer)
        #expect(answer.media.codec == .pcma)
        #expect(answer.description.media.map(\.port) == [5004, 0])
    }

    @Test("hold and unhold: the direction is mirrored")
    func hold() throws {
        let held = try answer(OfferFixtures.hold)
        #expect(held.description.media[0].direction == .recvonly)
        #expect(held.media.localDirection == .recvonly)
        #expect(held.media.isOnHold)

        let nullHold = try answer(OfferFixtures.holdNullAddress)
        #expect(nullHold.description.media[0].direction == .recvonly)
        #expect(nullHold.media.isOnHold)
        #expect(nullHold.media.remoteAddress == "0.0.0.0")

        let inactive = try answer(OfferFixtures.inactive)
        #expect(inactive.description.media[0].direction == .inactive)
        #expect(inactive.media.localDirection.receives == false)

        let resumed = try answer(OfferFixtures.pcmuOnly)
        #expect(resumed.media.isOnHold == false)
        #expect(resumed.description.media[0].direction == .sendrecv)
    }

    @Test("an INVITE without SDP: we offer in the 200, the phone answers in the ACK")
    func offerInTwoHundred() throws {
        let offer = negotiator.offer(local: local)
        #expect(offer.text == wire(
            """
            v=0
            o=parley 42 1 IN IP4 203.0.113.1
            s=Parley
            c=IN IP4 203.0.113.1
            t=0 0
            m=audio 5004 RTP/AVP 9 0 8 101
            a=rtpmap:9 G722/8000
            a=rtpmap:0 PCMU/8000
            a=rtpmap:8 PCMA/8000
            a=rtpmap:101 telephone-event/8000
            a=fmtp:101 0-16
            a=ptime:20
            a=sendrecv

            """
        ))
        let ackAnswer = try SDPSessionDescription(parsing: wire(
            """
            v=0
            o=bob 7 7 IN IP4 192.0.2.20
            s=-
            c=IN IP4 192.0.2.20
            t=0 0
            m=audio 6000 RTP/AVP 8 101
            a=rtpmap:101 telephone-event/8000
            a=recvonly

            """
        ))
        let media = try negotiator.process(answer: ackAnswer, toOffer: offer)
        #expect(media.codec == .pcma)
        #expect(media.telephoneEventPayloadType == 101)
        #expect(media.remoteRTPPort == 6000)
        #expect(media.localDirection == .sendonly)

        let rejected = try SDPSessionDescription(parsing: "v=0\r\no=b 7 8 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nm=audio 0 RTP/AVP 0\r\n")
        #expect(throws: SDPNegotiationError(.answerRejected)) { try negotiator.process(answer: rejected, toOffer: offer) }
        let foreign = try SDPSessionDescription(parsing: "v=0\r\no=b 7 8 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nm=audio 9 RTP/AVP 18\r\n")
        #expect(throws: SDPNegotiationError(.noCommonCodec)) { try negotiator.process(answer: foreign, toOffer: offer) }
    }

    @Test("IPv6 local address and a dynamic codec in our own offer")
    func ipv6AndDynamic() throws {
        let opus = SDPCodec(encodingName: "opus", clockRate: 48000, channels: 2)
        let negotiator = SDPNegotiator(codecs: [opus, .pcmu])
        let offer = negotiator.offer(local: SDPLocalMedia(address: "2001:db8::1", port: 7000, sessionID: 1, sessionVersion: 2))
        #expect(offer.connection == SDPConnection(addressType: "IP6", address: "2001:db8::1"))
        #expect(offer.media[0].formats == ["96", "0", "101"])
        #expect(offer.media[0].rtpMap(for: 96)?.channels == 2)
    }
}
