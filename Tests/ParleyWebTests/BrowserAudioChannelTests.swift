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
        let channel = EmbeddedChannel(handler: BrowserAudioChannelHandler())
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
        let handler = BrowserAudioChannelHandler()
        let channel = EmbeddedChannel(handler: handler)
        handler.writeAudio(Self.frame(sequence: 7))
        handler.flushAudio()
        let sent = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(sent.opcode == .binary && sent.fin && sent.maskKey == nil)
        #expect(sent.data == Self.frame(sequence: 7))

        channel.isWritable = false
        handler.writeAudio(Self.frame(sequence: 8))
        handler.flushAudio()
        #expect(try channel.readOutbound(as: WebSocketFrame.self) == nil)
        #expect(handler.droppedFrames == 1)

        channel.isWritable = true
        try channel.writeOutbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: ByteBuffer(bytes: [0x03, 0xE8])))
        #expect(try channel.readOutbound(as: WebSocketFrame.self)?.opcode == .connectionClose)
        handler.writeAudio(Self.frame(sequence: 9))
        handler.flushAudio()
        #expect(try channel.readOutbound(as: WebSocketFrame.self) == nil)
        _ = try channel.finish()
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
