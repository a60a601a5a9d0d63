import NIOCore
import NIOEmbedded
import NIOWebSocket
import ParleyLoad
import ParleyRTP
import Testing

/// The web load tool's pre-masked audio: what a seat writes must decode, with NIO's own
/// WebSocket decoder, to the 648-byte frame of docs/web-protocol.md, and a tick must rewrite
/// the seat's buffer in place.
@Suite("Load tool: pre-masked browser audio frames")
struct WebLoadAudioFramesTests {
    static let speech: [Int16] = (0..<(320 * 3 + 100)).map { Int16(truncatingIfNeeded: $0 * 97) }

    /// The frame as the server sees it: NIO's decoder, unmasked, parsed as a browser audio frame.
    static func decode(_ frame: ByteBuffer) throws -> (BrowserAudioFrameHeader, [Int16], WebSocketFrame) {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 16)))
        try channel.writeInbound(frame)
        let socketFrame = try #require(try channel.readInbound(as: WebSocketFrame.self))
        #expect(try channel.readInbound(as: WebSocketFrame.self) == nil)
        var payload = socketFrame.unmaskedData
        let header = try BrowserAudioFrameHeader(parsing: &payload)
        var samples: [Int16] = []
        while let sample = payload.readInteger(endianness: .big, as: Int16.self) { samples.append(sample) }
        return (header, samples, socketFrame)
    }

    @Test("a seat's frame is a masked binary WebSocket frame carrying the tick's header and samples")
    func decodesWithNIO() throws {
        let frames = WebLoadAudioFrames(speech: Self.speech, maskKey: 0xA1B2_C3D4)
        #expect(frames.speechFrames == 3)
        var frame = frames.makeFrame()
        #expect(frame.readableBytes == WebLoadAudioFrames.frameBytes && WebLoadAudioFrames.frameBytes == 656)
        var current: WebLoadAudioFrames.Payload?
        let cases: [(UInt16, UInt32, WebLoadAudioFrames.Payload, [Int16])] = [
            (0, 0, .silence, [Int16](repeating: 0, count: 320)),
            (1, 160, .tone, WebLoadAudioFrames.probeTone()),
            (2, 320, .speech(1), Array(Self.speech[320..<640])),
            (3, 480, .speech(4), Array(Self.speech[320..<640])),  // wraps: 4 % 3
            (65_535, 0xFFFF_FF60, .speech(2), Array(Self.speech[640..<960])),
            (7, 1_120, .silence, [Int16](repeating: 0, count: 320)),
        ]
        for (sequence, timestamp, payload, samples) in cases {
            frames.update(&frame, header: frames.maskedHeader(sequence: sequence, timestamp: timestamp), payload: payload, current: &current)
            let (header, decoded, socketFrame) = try Self.decode(frame)
            #expect(socketFrame.opcode == .binary && socketFrame.fin && socketFrame.maskKey == WebSocketMaskingKey([0xA1, 0xB2, 0xC3, 0xD4]))
            #expect(header == BrowserAudioFrameHeader(sequenceNumber: sequence, timestamp: timestamp))
            #expect(decoded == samples, "\(payload)")
        }
    }

    @Test("talkers without enough speech send silence")
    func noSpeech() throws {
        let frames = WebLoadAudioFrames(speech: [1, 2, 3], maskKey: 7)
        var frame = frames.makeFrame()
        var current: WebLoadAudioFrames.Payload? = .tone
        frames.update(&frame, header: frames.maskedHeader(sequence: 5, timestamp: 800), payload: .speech(0), current: &current)
        #expect(try Self.decode(frame).1 == [Int16](repeating: 0, count: 320))
    }

    @Test("a tick rewrites the seat's buffer in place: no new storage while it is not shared")
    func inPlace() {
        let frames = WebLoadAudioFrames(speech: Self.speech, maskKey: 0x0102_0304)
        var frame = frames.makeFrame()
        var current: WebLoadAudioFrames.Payload?
        let storage = frame.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        for tick in 0..<200 {
            let payload: WebLoadAudioFrames.Payload = tick % 3 == 0 ? .speech(tick) : tick % 3 == 1 ? .tone : .silence
            frames.update(&frame, header: frames.maskedHeader(sequence: UInt16(tick), timestamp: UInt32(tick) * 160), payload: payload, current: &current)
        }
        #expect(frame.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } == storage)
        #expect(frame.readableBytes == 656)
    }
}
