import NIOCore
import ParleySIP
import Testing

/// Property-style fuzzing: a seeded generator mutates valid messages (byte flips,
/// truncations, duplications, huge numbers, stray separators) and every parser must
/// either parse or return its typed error — never trap. Seeds are fixed, so a failure
/// reproduces; raise `iterations` locally for a longer run.
@Suite("Parser fuzzing")
struct ParserFuzzTests {
    static let corpus: [[UInt8]] = [
        RFC4475.wsinv, RFC4475.intmeth, RFC4475.esc01, RFC4475.escnull, RFC4475.esc02, RFC4475.lwsdisp,
        RFC4475.dblreq, RFC4475.semiuri, RFC4475.transports, RFC4475.unreason, RFC4475.noreason,
        RFC4475.badinv01, RFC4475.quotbal, RFC4475.insuf, RFC4475.bcast, RFC4475.cparam01,
        SIPMessageParserTests.compact,
    ].map { Array($0.utf8) } + [Array(RFC4475.mpart01.readableBytesView)]

    static let interesting: [UInt8] = Array("\r\n:;,<>\"\\%@=/?[] \t0123456789-".utf8) + [0x00, 0x7F, 0x80, 0xC3, 0xFF]

    static func mutate(_ input: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !bytes.isEmpty else { return bytes }
            let position = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<8, using: &random) {
            case 0:  // flip a byte to anything
                bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 1:  // flip a byte to a grammar character
                bytes[position] = interesting.randomElement(using: &random) ?? 0
            case 2:  // truncate
                bytes.removeSubrange(position...)
            case 3:  // duplicate a range
                let end = min(bytes.count, position + Int.random(in: 1...200, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            case 4:  // a huge or negative number where digits are
                if let digit = bytes[position...].firstIndex(where: { $0 >= 0x30 && $0 <= 0x39 }) {
                    let huge = ["99999999999999999999999999", "-1", "4294967296", "65536", "0000000000000000000001"]
                    bytes.insert(contentsOf: Array((huge.randomElement(using: &random) ?? "9").utf8), at: digit)
                }
            case 5:  // delete a range
                let end = min(bytes.count, position + Int.random(in: 1...40, using: &random))
                bytes.removeSubrange(position..<end)
            case 6:  // insert a line break or fold
                let breaks = ["\r\n", "\r\n ", "\n", "\r", "\r\n\r\n"]
                bytes.insert(contentsOf: Array((breaks.randomElement(using: &random) ?? "\r\n").utf8), at: position)
            default:  // splice in a piece of another corpus message
                let other = corpus.randomElement(using: &random) ?? []
                guard !other.isEmpty else { continue }
                let start = Int.random(in: 0..<other.count, using: &random)
                let end = min(other.count, start + Int.random(in: 1...120, using: &random))
                bytes.insert(contentsOf: other[start..<end], at: position)
            }
        }
        return bytes
    }

    @Test("20,000 mutated datagrams: parse or a typed error; what parses writes and re-parses")
    func datagrams() {
        var random = SeededGenerator(seed: 0x5149_5020_4655_5A5A)
        let parser = SIPMessageParser()
        var parsed = 0
        var rejected = 0
        for iteration in 0..<20_000 {
            let seed = Self.corpus[iteration % Self.corpus.count]
            var buffer = ByteBuffer(bytes: Self.mutate(seed, using: &random))
            do {
                let message = try parser.parseDatagram(&buffer)
                parsed += 1
                exerciseAccessors(of: message)
                let valid = (try? message.validate()) != nil
                var written = message.serialized
                do {
                    let again = try parser.parseDatagram(&written)
                    if valid {
                        #expect((try? again.validate()) != nil, "iteration \(iteration): valid message lost validity after a round trip")
                    }
                } catch {
                    Issue.record("iteration \(iteration): written message does not re-parse: \(error)")
                }
            } catch {
                rejected += 1
                #expect(!error.reasonPhrase.isEmpty)
            }
        }
        #expect(parsed > 1000, "the mutations should leave many messages parsable")
        #expect(rejected > 1000, "the mutations should break many messages")
    }

    @Test("5,000 mutated byte streams through the framer in random chunks")
    func streams() {
        var random = SeededGenerator(seed: 42)
        let framer = SIPStreamFramer()
        for _ in 0..<5_000 {
            let first = Self.corpus.randomElement(using: &random) ?? []
            let second = Self.corpus.randomElement(using: &random) ?? []
            let bytes = Self.mutate(first + second, using: &random)
            var buffer = ByteBuffer()
            var index = 0
            streaming: while index < bytes.count {
                let end = min(bytes.count, index + Int.random(in: 1...700, using: &random))
                buffer.writeBytes(bytes[index..<end])
                index = end
                do {
                    while let frame = try framer.nextFrame(&buffer) {
                        if case .message(var frame) = frame {
                            _ = try? SIPMessageParser().parseFrame(&frame)
                        }
                    }
                } catch {
                    break streaming  // the connection would be closed
                }
            }
        }
    }

    @Test("5,000 mutated SDP bodies: parse or a typed error, and negotiation never traps")
    func sdp() {
        let seeds = [
            OfferFixtures.pcmuOnly, OfferFixtures.wideband, OfferFixtures.hold, OfferFixtures.holdNullAddress,
            OfferFixtures.inactive, OfferFixtures.noCommonCodec,
        ].map { Array(wire($0).utf8) }
        var random = SeededGenerator(seed: 7)
        let negotiator = SDPNegotiator()
        let local = SDPLocalMedia(address: "203.0.113.1", port: 5004, sessionID: 1, sessionVersion: 1)
        for _ in 0..<5_000 {
            let seed = seeds.randomElement(using: &random) ?? []
            var buffer = ByteBuffer(bytes: Self.mutate(seed, using: &random))
            guard let description = try? SDPSessionDescription(parsing: &buffer) else { continue }
            if let answer = try? negotiator.answer(to: description, local: local) {
                #expect((try? SDPSessionDescription(parsing: answer.description.text)) == answer.description)
            }
            _ = try? negotiator.process(answer: description, toOffer: negotiator.offer(local: local))
            _ = try? SDPSessionDescription(parsing: description.text)
        }
    }

    @Test("5,000 random header values through every typed parser")
    func headerValues() {
        let seeds = [
            "SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK1;rport=5;received=1.2.3.4",
            "\"A \\\"b\\\"\" <sip:a:b@c.d:5;x=y?h=v>;tag=1;q=0.5",
            "sip:%41@[::1];lr, <tel:+1-555;phone-context=x>", "4294967295 INVITE", "application/sdp;a=\"b\"",
            "1800;refresher=uac", "Fri, 01 Jan 2010 16:00:00 GMT", "Signal=5\r\nDuration=160",
        ].map { Array($0.utf8) }
        var random = SeededGenerator(seed: 99)
        for _ in 0..<5_000 {
            let bytes = Self.mutate(seeds.randomElement(using: &random) ?? [], using: &random)
            let text = String(decoding: bytes, as: UTF8.self)
            _ = try? SIPVia(parsing: text)
            _ = try? SIPNameAddress(parsing: text)
            _ = try? SIPURI(parsing: text)
            _ = try? SIPCSeq(parsing: text)
            _ = try? SIPContentType(parsing: text)
            _ = try? SIPSessionExpires(parsing: text)
            _ = try? SIPInfoDTMF(contentType: .dtmfRelay, body: ByteBuffer(bytes: bytes))
            _ = try? SIPInfoDTMF(contentType: .dtmf, body: ByteBuffer(bytes: bytes))
            if let uri = try? SIPURI(parsing: text) {
                #expect((try? SIPURI(parsing: uri.description)) == uri, "\(text)")
            }
            if let address = try? SIPNameAddress(parsing: text) {
                #expect((try? SIPNameAddress(parsing: address.description)) == address, "\(text)")
            }
        }
    }

    private func exerciseAccessors(of message: SIPMessage) {
        _ = message.vias
        _ = message.from
        _ = message.to
        _ = message.cseq
        _ = message.contacts
        _ = message.recordRoutes
        _ = message.maxForwards
        _ = message.contentType
        _ = message.sessionExpires
        _ = message.minSE
        _ = message.allow
        _ = message.supported
        _ = TransactionKey(request: message)
        _ = DialogID(incomingRequest: message)
        _ = try? SIPInfoDTMF(info: message)
        _ = SIPMethodPolicy.default.rejection(for: message, toTag: "t")
        _ = SIPMethodPolicy.default.unsupportedMediaTypeResponse(for: message, toTag: "t")
        _ = SessionTimerPolicy().negotiate(request: message)
        if message.isRequest, (try? message.validate()) != nil {
            _ = try? Dialog(uasFor: message, localTag: "t", localContact: SIPURI(host: "h"))
        }
    }
}
