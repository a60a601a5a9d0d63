import NIOCore
import ParleySIP
import Testing

@Suite("Framing SIP over a stream by Content-Length")
struct SIPStreamFramerTests {
    static let options = wire(
        """
        OPTIONS sip:parley.example.com SIP/2.0
        Via: SIP/2.0/TCP 192.0.2.7:40000;branch=z9hG4bKtcp1
        To: <sip:parley.example.com>
        From: <sip:monitor@example.com>;tag=k1
        Call-ID: keepalive-1
        CSeq: 1 OPTIONS
        Max-Forwards: 70
        Content-Type: text/plain
        Content-Length: 5

        hello
        """
    )

    /// Feeds `bytes` in chunks of `chunk` and collects every frame.
    func frames(of bytes: [UInt8], chunk: Int) throws -> [SIPStreamFrame] {
        let framer = SIPStreamFramer()
        var buffer = ByteBuffer()
        var result: [SIPStreamFrame] = []
        var index = 0
        while index < bytes.count {
            let end = min(index + chunk, bytes.count)
            buffer.writeBytes(bytes[index..<end])
            index = end
            while let frame = try framer.nextFrame(&buffer) {
                result.append(frame)
            }
        }
        #expect(buffer.readableBytes == 0)
        return result
    }

    @Test("two pipelined messages and a keep-alive arrive in any split", arguments: [1, 2, 7, 64, 4096])
    func pipelined(chunk: Int) throws {
        let stream = Self.options + "\r\n\r\n" + Self.options
        let result = try frames(of: Array(stream.utf8), chunk: chunk)
        #expect(result.count == 3)
        #expect(result[1] == .keepAlive)
        for case .message(var frame) in result {
            let message = try SIPMessageParser().parseFrame(&frame)
            #expect(message.callID == "keepalive-1")
            #expect(String(buffer: message.body) == "hello")
        }
    }

    @Test("an incomplete message leaves the buffer untouched")
    func incomplete() throws {
        let framer = SIPStreamFramer()
        let bytes = Array(Self.options.utf8)
        var buffer = ByteBuffer(bytes: bytes.dropLast(2))
        #expect(try framer.nextFrame(&buffer) == nil)
        #expect(buffer.readableBytes == bytes.count - 2)
        buffer.writeBytes(bytes.suffix(2))
        #expect(try framer.nextFrame(&buffer) != nil)
    }

    @Test("a message without Content-Length on a stream has an empty body")
    func missingContentLength() throws {
        let framer = SIPStreamFramer()
        var buffer = ByteBuffer(string: "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\nOPTIONS")
        guard case .message(let frame) = try framer.nextFrame(&buffer) else {
            Issue.record("no frame")
            return
        }
        #expect(String(buffer: frame).hasSuffix("\r\n\r\n"))
        #expect(String(buffer: buffer) == "OPTIONS")
    }

    @Test("framing errors that make the stream unusable", arguments: [
        ("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: -1\r\n\r\n", SIPParseError.Code.invalidContentLength),
        ("OPTIONS sip:a@b SIP/2.0\r\nl: 1\r\nContent-Length: 1\r\n\r\nx", .multipleContentLength),
        ("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 99999999999999999999\r\n\r\n", .invalidContentLength),
        ("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 65536\r\n\r\n", .messageTooLarge),
    ])
    func framingErrors(text: String, code: SIPParseError.Code) {
        var buffer = ByteBuffer(string: text)
        let error = #expect(throws: SIPParseError.self) { try SIPStreamFramer().nextFrame(&buffer) }
        #expect(error?.code == code)
        #expect(buffer.readableBytes == text.utf8.count, "nothing is consumed")
    }

    @Test("endless headers without an end are refused once over the limit")
    func endlessHeaders() throws {
        var buffer = ByteBuffer(string: "OPTIONS sip:a@b SIP/2.0\r\n" + String(repeating: "X-Junk: 1\r\n", count: 7000))
        #expect(throws: SIPParseError.self) { try SIPStreamFramer().nextFrame(&buffer) }
    }

    @Test("a frame that is cut but not parsable is reported, not thrown")
    func malformedFrame() throws {
        var buffer = ByteBuffer(string: "INVITE <sip:a@b> SIP/2.0\r\nContent-Length: 0\r\n\r\n")
        guard case .message(var frame) = try SIPStreamFramer().nextFrame(&buffer) else {
            Issue.record("no frame")
            return
        }
        #expect(throws: SIPParseError.self) { try SIPMessageParser().parseFrame(&frame) }
        #expect(buffer.readableBytes == 0)
    }
}
