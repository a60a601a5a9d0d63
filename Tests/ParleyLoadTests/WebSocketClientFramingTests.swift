import NIOCore
import NIOEmbedded
import NIOWebSocket
import ParleyLoad
import Testing

/// The load tool's own RFC 6455 framing: the RFC's examples (§5.7), incomplete input, refusals,
/// and the message reader fed NIO's own encoder output split at every byte.
@Suite("Load tool: WebSocket client framing")
struct WebSocketClientFramingTests {
    static func bytes(_ values: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: values) }
    static let hello = Array("Hello".utf8)

    @Test("RFC 6455 §5.7: unmasked and masked \"Hello\", ping, 256 bytes and 64 KiB binary")
    func rfcExamples() throws {
        var unmasked = Self.bytes([0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        let text = try #require(try WebSocketClientFraming.readFrame(from: &unmasked, maxPayload: 1 << 16))
        #expect(text.fin && text.opcode == .text && text.maskKey == nil && Array(text.payload.readableBytesView) == Self.hello)
        #expect(unmasked.readableBytes == 0)

        let maskedBytes: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        var masked = Self.bytes(maskedBytes)
        var frame = try #require(try WebSocketClientFraming.readFrame(from: &masked, maxPayload: 1 << 16))
        #expect(frame.maskKey == 0x37FA_213D)
        WebSocketClientFraming.mask(&frame.payload, at: frame.payload.readerIndex, length: frame.payload.readableBytes, key: 0x37FA_213D)
        #expect(Array(frame.payload.readableBytesView) == Self.hello)

        // Writing the same frame with the RFC's key gives the RFC's bytes.
        var written = ByteBuffer()
        WebSocketClientFraming.writeFrame(.text, payload: ByteBuffer(bytes: Self.hello), maskKey: 0x37FA_213D, into: &written)
        #expect(Array(written.readableBytesView) == maskedBytes)

        var ping = Self.bytes([0x89, 0x05] + Self.hello)
        #expect(try WebSocketClientFraming.readFrame(from: &ping, maxPayload: 125)?.opcode == .ping)

        for (header, length) in [([0x82, 0x7E, 0x01, 0x00] as [UInt8], 256), ([0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0], 65_536)] {
            var buffer = Self.bytes(header + [UInt8](repeating: 7, count: length))
            let binary = try #require(try WebSocketClientFraming.readFrame(from: &buffer, maxPayload: 1 << 16))
            #expect(binary.opcode == .binary && binary.payload.readableBytes == length)
            #expect(WebSocketClientFraming.headerLength(payload: length, masked: false) == header.count)
            var rewritten = ByteBuffer()
            WebSocketClientFraming.writeFrame(.binary, payload: binary.payload, maskKey: nil, into: &rewritten)
            #expect(Array(rewritten.readableBytesView.prefix(header.count)) == header)
        }
    }

    @Test("an incomplete frame reads as nil and leaves the reader index where it was")
    func incomplete() throws {
        var whole = ByteBuffer()
        WebSocketClientFraming.writeFrame(.binary, payload: ByteBuffer(repeating: 3, count: 648), maskKey: 0x0102_0304, into: &whole)
        for length in 0..<whole.readableBytes {
            var prefix = whole.getSlice(at: 0, length: length)!
            #expect(try WebSocketClientFraming.readFrame(from: &prefix, maxPayload: 1 << 16) == nil)
            #expect(prefix.readerIndex == 0 && prefix.readableBytes == length)
        }
        #expect(try WebSocketClientFraming.readFrame(from: &whole, maxPayload: 1 << 16)?.payload.readableBytes == 648)
    }

    @Test("refused: reserved bits, unknown opcodes, long or fragmented control frames, oversize frames")
    func refusals() {
        let cases: [([UInt8], WebSocketClientFraming.ParseError.Code)] = [
            ([0xC1, 0x00], .reservedBits),
            ([0x83, 0x00], .unknownOpcode(3)),
            ([0x89, 0x7E, 0x00, 0x80], .badControlFrame),
            ([0x09, 0x00], .badControlFrame),
            ([0x82, 0x7F, 0, 0, 0, 0, 0, 0x10, 0, 0], .tooLarge(1 << 20)),
        ]
        for (bytes, code) in cases {
            var buffer = ByteBuffer(bytes: [0x8A, 0x00] + bytes)  // an empty pong first: the offset is 2
            #expect(throws: Never.self) { _ = try WebSocketClientFraming.readFrame(from: &buffer, maxPayload: 1 << 16) }
            #expect(throws: WebSocketClientFraming.ParseError(code: code, offset: 2)) {
                _ = try WebSocketClientFraming.readFrame(from: &buffer, maxPayload: 1 << 16)
            }
        }
    }

    /// What the reader made of a stream, in a comparable form.
    static func collect(_ chunks: [ByteBuffer], reader: inout WebSocketMessageReader) throws -> [String] {
        var messages: [String] = []
        for var chunk in chunks {
            while let message = try reader.next(&chunk) {
                switch message {
                case .text(let text): messages.append("text \(String(buffer: text))")
                case .binary(let data): messages.append("binary \(data.readableBytes) \(data.readableBytesView.first ?? 0)")
                case .ping(let data): messages.append("ping \(String(buffer: data))")
                case .pong(let data): messages.append("pong \(String(buffer: data))")
                case .close(let code, let reason): messages.append("close \(code.map(String.init) ?? "-") \(reason)")
                }
            }
            #expect(chunk.readableBytes == 0, "the reader takes every byte it is given")
        }
        return messages
    }

    @Test("the message reader, fed NIO's encoder output split anywhere, yields the same messages")
    func readerAgainstNIOEncoder() throws {
        let channel = EmbeddedChannel(handler: WebSocketFrameEncoder())
        let allocator = channel.allocator
        let frames = [
            WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: #"{"type":"welcome","version":1}"#)),
            WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(repeating: 9, count: 648)),
            WebSocketFrame(fin: false, opcode: .text, data: ByteBuffer(string: "frag")),
            WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: "are you there")),
            WebSocketFrame(fin: true, opcode: .continuation, data: ByteBuffer(string: "mented")),
            WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(repeating: 1, count: 70_000 / 2)),
            WebSocketFrame(fin: true, opcode: .connectionClose, data: WebSocketClientFraming.closePayload(code: 4000, reason: "meeting ended")),
        ]
        var stream = allocator.buffer(capacity: 80_000)
        for frame in frames {
            try channel.writeOutbound(frame)
            while var part = try channel.readOutbound(as: ByteBuffer.self) { stream.writeBuffer(&part) }
        }
        let expected = [
            #"text {"type":"welcome","version":1}"#, "binary 648 9", "ping are you there", "text fragmented", "binary 35000 1", "close 4000 meeting ended",
        ]
        var whole = WebSocketMessageReader()
        #expect(try Self.collect([stream], reader: &whole) == expected)
        // Every split point of the first 1,500 bytes, and byte by byte.
        for split in stride(from: 1, to: 1_500, by: 1) {
            var reader = WebSocketMessageReader()
            let chunks = [stream.getSlice(at: 0, length: split)!, stream.getSlice(at: split, length: stream.readableBytes - split)!]
            #expect(try Self.collect(chunks, reader: &reader) == expected, "split at \(split)")
        }
        var bytewise = WebSocketMessageReader()
        let bytes = (0..<stream.readableBytes).map { stream.getSlice(at: $0, length: 1)! }
        #expect(try Self.collect(bytes, reader: &bytewise) == expected)
    }

    @Test("the reader refuses masked server frames, stray continuations and oversize messages")
    func readerRefusals() {
        var masked = ByteBuffer()
        WebSocketClientFraming.writeFrame(.binary, payload: ByteBuffer(string: "x"), maskKey: 1, into: &masked)
        var reader = WebSocketMessageReader()
        #expect(throws: WebSocketMessageReader.Failure.maskedFrame) { _ = try reader.next(&masked) }

        var stray = ByteBuffer(bytes: [0x80, 0x01, 0x41])
        reader = WebSocketMessageReader()
        #expect(throws: WebSocketMessageReader.Failure.badFragment) { _ = try reader.next(&stray) }

        var large = ByteBuffer(bytes: [0x02, 0x7E, 0x01, 0x00] + [UInt8](repeating: 0, count: 256) + [0x80, 0x7E, 0x01, 0x00] + [UInt8](repeating: 0, count: 256))
        reader = WebSocketMessageReader(maxMessageBytes: 300)
        #expect(throws: WebSocketMessageReader.Failure.messageTooLarge(512)) {
            while try reader.next(&large) != nil {}
        }
    }
}
