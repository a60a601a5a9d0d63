import NIOConcurrencyHelpers
import NIOCore
import ParleyRTP

/// One browser-protocol seat of `parley load --web` on its channel, after the HTTP upgrade:
/// sends `hello` and waits for `welcome`, then writes the audio frame its loop's clock hands it
/// every 20 ms and measures the server's frames in place (no copy, no lock, no allocation per
/// frame). Answers pings, echoes the server's close, and closes with 1000 when the run ends.
///
/// It takes the place of the frame decoder NIO's upgrader installs and sits in front of its
/// frame encoder (which cannot be removed and stays idle): it reads every byte itself and its
/// writes go straight to the socket. Confined to the channel's event
/// loop, like the ``WebLoadLoop`` it reports to.
final class WebLoadSeatHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Why a seat did not get its welcome.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let seat: WebLoadRunner.Seat
    let channel: any Channel
    private let loop: WebLoadLoop
    private let frames: WebLoadAudioFrames
    private var context: ChannelHandlerContext?
    private var reader = WebSocketMessageReader()
    /// What this seat received in the measured window.
    private(set) var meter = LegMeter()
    /// The seat's outgoing frame, rewritten in place every tick.
    private var frame: ByteBuffer
    private var payload: WebLoadAudioFrames.Payload?
    private var welcome: EventLoopPromise<Void>?
    private var deadline: Scheduled<Void>?
    private var forcedClose: Scheduled<Void>?
    private(set) var isWelcomed = false
    /// Kept from the channel's events rather than asked of the channel for every frame.
    private var isOpen = false
    private var isWritable = true
    private var closeSent = false
    private var endedReason: String?
    /// Frames not written because the socket was full (the server stopped reading).
    private(set) var unsentFrames = 0
    /// The probe listener's decoded frame, reused.
    private var samples = [Int16](repeating: 0, count: AudioCodec.widebandFrameSamples)

    /// Created on `channel`'s event loop; gives up (closes the channel) if there is no welcome by
    /// `deadline`.
    init(seat: WebLoadRunner.Seat, channel: any Channel, loop: WebLoadLoop, deadline: NIODeadline) {
        self.seat = seat
        self.channel = channel
        self.loop = loop
        frames = loop.frames
        frame = loop.frames.makeFrame(allocator: channel.allocator)
        self.deadline = channel.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            guard !isWelcomed else { return }
            failWelcome("no welcome")
            self.channel.close(promise: nil)
        }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        isOpen = context.channel.isActive
        isWritable = context.channel.isWritable
    }

    func channelActive(context: ChannelHandlerContext) {
        isOpen = true
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        isWritable = context.channel.isWritable
    }

    /// Nothing behind this handler reads: the event stops here.
    func channelReadComplete(context: ChannelHandlerContext) {}

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: Signalling

    /// Sends `hello` with the seat's ticket; the future succeeds on `welcome`.
    func greet(ticket: String) -> EventLoopFuture<Void> {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        guard context != nil, isOpen else {
            promise.fail(Failure(description: seat.closed.withLockedValue { $0 } ?? "WebSocket did not open"))
            return promise.futureResult
        }
        welcome = promise
        send(.text, ByteBuffer(string: #"{"type":"hello","version":1,"ticket":"\#(ticket)"}"#))
        return promise.futureResult
    }

    /// Closes with 1000 (the server answers with its close and drops the connection); the
    /// channel is closed after a second whatever the server does. The future is the channel's close.
    func leave() -> EventLoopFuture<Void> {
        guard context != nil, isOpen, !closeSent else {
            channel.close(promise: nil)
            return channel.closeFuture
        }
        send(.close, WebSocketClientFraming.closePayload(code: 1000, reason: "done"))
        closeSent = true
        forcedClose = channel.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { [channel] in
            channel.close(promise: nil)
        }
        return channel.closeFuture
    }

    private func send(_ opcode: WebSocketClientFraming.Opcode, _ payload: ByteBuffer) {
        guard let context else { return }
        var buffer = channel.allocator.buffer(capacity: WebSocketClientFraming.headerLength(payload: payload.readableBytes, masked: true) + payload.readableBytes)
        WebSocketClientFraming.writeFrame(opcode, payload: payload, maskKey: frames.maskKey, into: &buffer)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    private func failWelcome(_ reason: String) {
        seat.closed.withLockedValue { $0 = $0 ?? reason }
        welcome?.fail(Failure(description: seat.closed.withLockedValue { $0 } ?? reason))
        welcome = nil
    }

    // MARK: Audio out

    /// This tick's frame: `header` from ``WebLoadAudioFrames/maskedHeader(sequence:timestamp:)``.
    /// Skipped while the socket is full rather than queued without bound.
    func sendAudio(header: UInt64, payload: WebLoadAudioFrames.Payload) {
        guard let context, isOpen, !closeSent else { return }
        guard isWritable else {
            unsentFrames += 1
            return
        }
        frames.update(&frame, header: header, payload: payload, current: &self.payload)
        // The channel holds the buffer only until the write completes (at once on an open
        // socket), so the next tick finds it unshared and rewrites it without copying.
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    // MARK: Receiving

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = unwrapInboundIn(data)
        do {
            while let message = try reader.next(&input) {
                receive(message, context: context)
            }
        } catch {
            seat.closed.withLockedValue { $0 = $0 ?? "\(error)" }
            context.close(promise: nil)
        }
    }

    private func receive(_ message: WebSocketMessageReader.Message, context: ChannelHandlerContext) {
        switch message {
        case .binary(var payload):
            guard let header = try? BrowserAudioFrameHeader(parsing: &payload) else { return }
            loop.received &+= 1
            let now = loop.now()
            guard now >= loop.window.start, now < loop.window.end else { return }
            meter.record(sequence: header.sequenceNumber, timestamp: header.timestamp, arrival: now)
            if seat.isListener { listen(payload, now: now) }
        case .text(let text):
            if !isWelcomed, Self.contains(text, Self.welcomeType) {
                isWelcomed = true
                deadline?.cancel()
                deadline = nil
                seat.welcomed.withLockedValue { $0 = true }
                welcome?.succeed()
                welcome = nil
            } else if Self.contains(text, Self.endedType) {
                endedReason = Self.reason(in: String(buffer: text))
            }
        case .ping(let payload):
            send(.pong, payload)
        case .pong:
            break
        case .close(let code, let reason):
            let why = reason.isEmpty ? (endedReason ?? "") : reason
            seat.closed.withLockedValue { $0 = $0 ?? "closed \(code.map(String.init) ?? "-") \(why)" }
            if !closeSent {
                send(.close, WebSocketClientFraming.closePayload(code: code ?? 1000, reason: ""))
                closeSent = true
            }
            context.close(promise: nil)
        }
    }

    /// The probe's listener: the first frame that is mostly 1 kHz after a burst gives the
    /// mouth-to-ear time (as ``LoadRunner`` does for SIP legs).
    private func listen(_ payload: ByteBuffer, now: Int64) {
        let sent = loop.probeSentAt[seat.meeting]
        guard sent != 0, now - sent < 1_000_000_000, payload.readableBytes >= 2 * samples.count else { return }
        payload.withUnsafeReadableBytes { bytes in
            samples.withUnsafeMutableBufferPointer { out in
                for index in out.indices {
                    out[index] = Int16(bitPattern: UInt16(bytes[2 * index]) << 8 | UInt16(bytes[2 * index + 1]))
                }
            }
        }
        guard LoadRunner.isTone(samples) else { return }
        loop.probeSentAt[seat.meeting] = 0
        loop.latencies.append(Double(now - sent) / 1e6)
    }

    func channelInactive(context: ChannelHandlerContext) {
        isOpen = false
        deadline?.cancel()
        forcedClose?.cancel()
        seat.closed.withLockedValue { $0 = $0 ?? "closed - \(endedReason ?? "connection closed")" }
        failWelcome("closed - \(endedReason ?? "connection closed")")
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        seat.closed.withLockedValue { $0 = $0 ?? "closed - \(error)" }
        context.close(promise: nil)
    }

    /// The measured window is over: silence since the last frame counts as a gap.
    func closeMeter(at end: Int64) -> LegMeter {
        meter.close(at: end)
        return meter
    }

    // MARK: Text frames, scanned as bytes

    static let welcomeType = Array(#""type":"welcome""#.utf8)
    static let endedType = Array(#""type":"ended""#.utf8)

    /// Whether `needle` occurs in the readable bytes (server JSON is compact, sorted keys).
    static func contains(_ buffer: ByteBuffer, _ needle: [UInt8]) -> Bool {
        buffer.withUnsafeReadableBytes { bytes in
            guard bytes.count >= needle.count, let first = needle.first else { return needle.isEmpty }
            var index = 0
            while index <= bytes.count - needle.count {
                if bytes[index] == first {
                    var matched = 1
                    while matched < needle.count, bytes[index + matched] == needle[matched] { matched += 1 }
                    if matched == needle.count { return true }
                }
                index += 1
            }
            return false
        }
    }

    /// The `reason` of an `ended` message, for the failure summary.
    static func reason(in text: String) -> String {
        guard let start = text.firstRange(of: #""reason":""#), let end = text[start.upperBound...].firstIndex(of: "\"") else { return "ended" }
        return "ended: " + text[start.upperBound..<end]
    }
}
