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
/// - Out: the media loop hands each tick's frames over in one hop (``BrowserAudioOutlet``);
///   each is written as a binary frame and flushed. A frame that finds the channel
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

    /// Where binary frames go once the participant has joined.
    var inlet: BrowserAudioInlet?
    private var context: ChannelHandlerContext?
    private var closing = false
    private var pendingFlush = false
    /// Audio frames dropped because the browser did not keep up.
    private(set) var droppedFrames = 0

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        if let inlet, frame.opcode == .binary, frame.fin, frame.length <= BrowserProtocol.maximumMessageBytes {
            inlet.receive(frame.unmaskedData)
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

    /// One audio frame from the media loop (on this channel's loop).
    func writeAudio(_ frame: ByteBuffer) {
        guard let context, !closing else { return }
        guard context.channel.isWritable else {
            droppedFrames += 1
            return
        }
        context.write(Self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .binary, data: frame)), promise: nil)
        pendingFlush = true
    }

    func flushAudio() {
        guard pendingFlush, let context else { return }
        pendingFlush = false
        context.flush()
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
            let handler = BrowserAudioChannelHandler()
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self)
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
            eventLoop: eventLoop, write: { frame in handler.value.writeAudio(frame) }, flush: { handler.value.flushAudio() })
    }

    /// From now on, binary frames go straight to `inlet`.
    func attach(_ inlet: BrowserAudioInlet) {
        let handler = self.handler
        eventLoop.execute { handler.value.inlet = inlet }
    }
}
