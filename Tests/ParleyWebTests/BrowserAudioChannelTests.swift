import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOPosix
import NIOWebSocket
import ParleyMediaServer
import ParleyRTP
import Testing

@testable import ParleyWeb

/// The audio path of a browser participant's socket: the channel handler (on an embedded
/// channel, no sockets) and the media engine's hand-over between its loop and the sockets'.
@Suite("Browser audio on the WebSocket channel")
struct BrowserAudioChannelTests {
    static func frame(sequence: UInt16) -> ByteBuffer {
        var buffer = ByteBuffer()
        BrowserAudioFrameHeader(talkspurtStart: false, sequenceNumber: sequence, timestamp: UInt32(sequence) * 160).write(to: &buffer)
        buffer.writeRepeatingByte(0, count: BrowserAudioFrameHeader.frameBytes - buffer.readableBytes)
        return buffer
    }

    static func masked(_ data: ByteBuffer, opcode: WebSocketOpcode = .binary, fin: Bool = true) -> WebSocketFrame {
        let key = WebSocketMaskingKey([1, 2, 3, 4])!
        var payload = data
        payload.webSocketMask(key)
        return WebSocketFrame(fin: fin, opcode: opcode, maskKey: key, data: payload)
    }

    @Test("Before the participant joins, every frame passes on to the session")
    func passesThroughBeforeJoining() throws {
        let channel = EmbeddedChannel(handler: BrowserAudioChannelHandler(writer: BrowserAudioFrameWriter()))
        try channel.writeInbound(Self.masked(Self.frame(sequence: 1)))
        try channel.writeInbound(Self.masked(ByteBuffer(string: #"{"type":"ping"}"#), opcode: .text))
        let binary = try #require(try channel.readInbound(as: WebSocketFrame.self))
        #expect(binary.opcode == .binary)
        #expect(binary.unmaskedData == Self.frame(sequence: 1))
        #expect(try channel.readInbound(as: WebSocketFrame.self)?.opcode == .text)
        _ = try channel.finish()
    }

    @Test("Audio goes out as whole binary frames, is dropped while the channel is unwritable, and stops after a close frame")
    func writesAudio() throws {
        let writer = BrowserAudioFrameWriter()
        let handler = BrowserAudioChannelHandler(writer: writer)
        // The pipeline of an upgraded socket: writer, frame encoder, this handler.
        let channel = EmbeddedChannel(handlers: [writer, WebSocketFrameEncoder(), handler])
        func framed(_ sequence: UInt16) -> ByteBuffer {
            var buffer = ByteBuffer(bytes: BrowserAudioChannelHandler.framePrefix)
            buffer.writeImmutableBuffer(Self.frame(sequence: sequence))
            return buffer
        }
        handler.writeAudio(framed(7))
        handler.flushAudio()
        let sent = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, "one buffer per frame")
        // What a browser's decoder makes of it: one binary frame, unmasked, the whole audio frame.
        let browser = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder()))
        try browser.writeInbound(sent)
        let decoded = try #require(try browser.readInbound(as: WebSocketFrame.self))
        _ = try browser.finish()
        #expect(decoded.opcode == .binary && decoded.fin && decoded.maskKey == nil)
        #expect(decoded.data == Self.frame(sequence: 7))

        channel.isWritable = false
        handler.writeAudio(framed(8))
        handler.flushAudio()
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        #expect(handler.droppedFrames == 1)

        channel.isWritable = true
        try channel.writeOutbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: ByteBuffer(bytes: [0x03, 0xE8])))
        let close = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(close.getInteger(at: close.readerIndex, as: UInt8.self) == 0x88)
        while try channel.readOutbound(as: ByteBuffer.self) != nil {}
        handler.writeAudio(framed(9))
        handler.flushAudio()
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, "nothing after the close frame")
        _ = try channel.finish()
    }

    @Test("Client frames are unmasked eight bytes at a time like NIO does it byte by byte, at every length")
    func unmasking() throws {
        let key = WebSocketMaskingKey([0x12, 0x34, 0x56, 0x78])!
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 648] {
            var payload = ByteBuffer(bytes: (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
            let plain = payload
            payload.webSocketMask(key)
            let frame = WebSocketFrame(fin: true, opcode: .binary, maskKey: key, data: payload)
            #expect(BrowserAudioChannelHandler.unmasked(frame, allocator: ByteBufferAllocator()) == plain, "length \(length)")
        }
    }

    @Test("The engine hands each tick's frames to the socket's loop and takes frames from any thread")
    func engineHandOver() async throws {
        let sockets = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let engine = try await MediaEngine.start(address: "127.0.0.1", port: 0)
        let socketLoop = sockets.next()
        let written = NIOLockedValueBox<[ByteBuffer]>([])
        let flushes = NIOLockedValueBox(0)
        let outlet = BrowserAudioOutlet(
            eventLoop: socketLoop,
            write: { frame in
                socketLoop.preconditionInEventLoop()
                written.withLockedValue { $0.append(frame) }
            },
            flush: { flushes.withLockedValue { $0 += 1 } })
        let inlet = try await engine.createBrowserLeg(id: "browser-1", outlet: outlet, events: MediaLegEvents())

        // In: from a thread that is no event loop, and from another group's loop (gathered per iteration).
        inlet.receive(Self.frame(sequence: 1))
        try await socketLoop.submit {
            for sequence in 2...4 { inlet.receive(Self.frame(sequence: UInt16(sequence))) }
        }.get()
        var statistics = MediaEngineStatistics()
        for _ in 0..<100 {
            statistics = await engine.statistics()
            if statistics.packetsReceived >= 4, written.withLockedValue({ $0.count }) >= 5 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(statistics.packetsReceived == 4)
        await engine.stop()
        try await socketLoop.submit {}.get()  // the last hand-over has run
        // Out: the lobby's frames (silence), each a whole 648-byte frame, then a flush.
        let frames = written.withLockedValue { $0 }
        #expect(frames.count >= 5)
        #expect(frames.allSatisfy { $0.readableBytes == BrowserAudioFrameHeader.frameBytes })
        #expect(flushes.withLockedValue { $0 } == frames.count)
        try await sockets.shutdownGracefully()
    }
}
