import NIOCore
import NIOWebSocket
import ParleyMediaServer
import ParleyRTP

/// A browser participant's audio on its WebSocket channel, without leaving the channel's
/// event loop: sits right after the frame decoder, ahead of the async channel that carries the
/// JSON messages (docs/web-protocol.md).
///
/// - In: once the participant has joined (``inlet`` set), each whole binary frame goes to the
///   node's inlet, which gathers the frames of a loop iteration into one hop to the media
///   loop. Everything else (text, control frames, fragments, frames over the message limit,
///   audio before the welcome) passes on to the session, which applies the protocol's rules.
/// - Out: the media loop hands each tick's frames over in one hop (``BrowserAudioOutlet``),
///   already framed: the outlet's prefix is the binary frame's header, so each frame goes to
///   the socket as one buffer through ``BrowserAudioFrameWriter`` below the frame encoder,
///   and is flushed. A frame that finds the channel
///   unwritable (more than ``highWaterMark`` bytes still queued: a browser that does not keep
///   up) is dropped, so a slow browser loses audio rather than hearing it late. Nothing is
///   written after a close frame has gone either way.
final class BrowserAudioChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// Queued bytes above which audio frames are dropped: 8 frames (160 ms).
    static let highWaterMark = 8 * (BrowserAudioFrameHeader.frameBytes + 4)

    /// The header of a server's binary frame with one audio frame as its payload (RFC 6455:
    /// FIN and opcode 2, no mask, 16-bit length).
    static let framePrefix: [UInt8] = {
        let length = BrowserAudioFrameHeader.frameBytes
        precondition((126...65_535).contains(length))
        return [0x82, 126, UInt8(length >> 8), UInt8(length & 0xFF)]
    }()

    /// Where binary frames go once the participant has joined.
    var inlet: BrowserAudioInlet?
    private let writer: BrowserAudioFrameWriter
    private var closing = false
    private var pendingFlush = false
    /// Audio frames dropped because the browser did not keep up.
    private(set) var droppedFrames = 0

    init(writer: BrowserAudioFrameWriter) {
        self.writer = writer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        if let inlet, frame.opcode == .binary, frame.fin, frame.length <= BrowserProtocol.maximumMessageBytes {
            inlet.receive(Self.unmasked(frame, allocator: context.channel.allocator))
            return
        }
        if frame.opcode == .connectionClose {
            closing = true
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if Self.unwrapOutboundIn(data).opcode == .connectionClose {
            closing = true
        }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closing = true
        inlet = nil
        context.fireChannelInactive()
    }

    /// One audio frame from the media loop, with its WebSocket header (on this channel's loop).
    func writeAudio(_ frame: ByteBuffer) {
        guard let output = writer.context, !closing else { return }
        guard output.channel.isWritable else {
            droppedFrames += 1
            return
        }
        output.write(BrowserAudioFrameWriter.wrapOutboundOut(frame), promise: nil)
        pendingFlush = true
    }

    func flushAudio() {
        guard pendingFlush, let output = writer.context else { return }
        pendingFlush = false
        output.flush()
    }

    /// A client frame's payload, unmasked into a new buffer eight bytes at a time.
    static func unmasked(_ frame: WebSocketFrame, allocator: ByteBufferAllocator) -> ByteBuffer {
        guard let key = frame.maskKey, frame.extensionData == nil else { return frame.unmaskedData }
        let data = frame.data
        var output = allocator.buffer(capacity: data.readableBytes)
        data.withUnsafeReadableBytes { source in
            _ = output.writeWithUnsafeMutableBytes(minimumWritableBytes: source.count) { target in
                let key32 = UInt32(key[0]) | UInt32(key[1]) << 8 | UInt32(key[2]) << 16 | UInt32(key[3]) << 24
                let key64 = UInt64(key32) | UInt64(key32) << 32  // the key's bytes in memory order, twice
                var index = 0
                while index + 8 <= source.count {
                    let word = source.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    target.storeBytes(of: word ^ key64.littleEndian, toByteOffset: index, as: UInt64.self)
                    index += 8
                }
                while index < source.count {
                    target[index] = source[index] ^ key[index % 4]
                    index += 1
                }
                return source.count
            }
        }
        return output
    }
}

/// Just below the WebSocket frame encoder (above TLS, when there is TLS): the node's audio
/// frames, already framed, go through here to the socket without being encoded again.
final class BrowserAudioFrameWriter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private(set) var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }
}

/// The audio handler of one socket, usable from any task.
struct BrowserAudioChannel: Sendable {
    let eventLoop: any EventLoop
    private let handler: NIOLoopBound<BrowserAudioChannelHandler>

    /// Puts the handler into an upgraded WebSocket channel's pipeline, after the frame decoder,
    /// and lowers the channel's write buffer marks to the audio's ``BrowserAudioChannelHandler/highWaterMark``.
    static func install(on channel: any Channel) async throws -> BrowserAudioChannel {
        try await channel.eventLoop.submit {
            let writer = BrowserAudioFrameWriter()
            let handler = BrowserAudioChannelHandler(writer: writer)
            let pipeline = channel.pipeline.syncOperations
            let encoder = try pipeline.handler(type: WebSocketFrameEncoder.self)
            let decoder = try pipeline.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self)
            try pipeline.addHandler(writer, position: .before(encoder))
            try pipeline.addHandler(handler, position: .after(decoder))
            let high = BrowserAudioChannelHandler.highWaterMark
            channel.setOption(.writeBufferWaterMark, value: .init(low: high / 4, high: high)).whenFailure { _ in }
            return BrowserAudioChannel(eventLoop: channel.eventLoop, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
        }.get()
    }

    private init(eventLoop: any EventLoop, handler: NIOLoopBound<BrowserAudioChannelHandler>) {
        self.eventLoop = eventLoop
        self.handler = handler
    }

    /// Where the node writes this participant's audio.
    var outlet: BrowserAudioOutlet {
        let handler = self.handler
        return BrowserAudioOutlet(
            eventLoop: eventLoop, framePrefix: BrowserAudioChannelHandler.framePrefix, write: { frame in handler.value.writeAudio(frame) },
            flush: { handler.value.flushAudio() })
    }

    /// From now on, binary frames go straight to `inlet`.
    func attach(_ inlet: BrowserAudioInlet) {
        let handler = self.handler
        eventLoop.execute { handler.value.inlet = inlet }
    }
}
