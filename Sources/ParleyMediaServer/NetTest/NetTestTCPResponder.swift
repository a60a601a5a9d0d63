import Logging
import NIOCore
import NIOPosix
import ParleyNetTest

/// The network-test responder over TCP (`nettest.tcp_port`, by default the media port's
/// number): echo for delay, and bounded downloads and uploads for throughput.
///
/// A connection sends probe headers (``NetTestProbe``); the responder answers:
/// - `echoRequest` → `echoReply` of the same length (at most ``Limits/maximumEchoes`` per
///   connection);
/// - `downloadRequest(count)` → `transferStart(granted)` then `granted` bytes, granted being
///   at most ``Limits/maximumTransferBytes``, sent as fast as the connection takes them;
/// - `uploadRequest(count)` → reads `count` bytes (or until the client closes its side),
///   then `transferResult(received, ns from first to last byte)`.
///
/// TCP's handshake rules out spoofed sources, so the download is the only answer larger
/// than its request, and it is bounded: per host a few connections at once and a
/// connection-rate budget, every connection closed after ``Limits/maximumLifetime``.
/// All connections live on one event loop, with their shared bookkeeping.
public final class NetTestTCPResponder: Sendable {
    public struct Limits: Hashable, Sendable {
        public var maximumTransferBytes = 64 * 1024 * 1024
        public var maximumLifetime: TimeAmount = .seconds(20)
        public var maximumEchoes = 200
        public var connectionsPerHost = 4
        public var maximumConnections = 64
        /// New connections per host: a budget refilled at this rate (per second), up to a burst.
        public var connectionRate = 0.5
        public var connectionBurst = 12.0

        public init() {}
    }

    /// The port really bound.
    public let localPort: Int
    private let channel: any Channel
    private let registry: NIOLoopBound<NetTestTCPRegistry>

    private init(channel: any Channel, registry: NIOLoopBound<NetTestTCPRegistry>) {
        self.channel = channel
        self.registry = registry
        self.localPort = channel.localAddress?.port ?? 0
    }

    /// Binds `host:port` on one loop of `group` and starts answering.
    public static func start(
        host: String, port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, limits: Limits = Limits(),
        logger: Logger = Logger(label: "parley.nettest")
    ) async throws -> NetTestTCPResponder {
        let loop = group.next()
        let registry = try await loop.submit { NIOLoopBound(NetTestTCPRegistry(limits: limits, logger: logger), eventLoop: loop) }.get()
        do {
            let channel = try await ServerBootstrap(group: loop, childGroup: loop)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 64)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(NetTestTCPHandler(registry: registry.value))
                    }
                }
                .bind(host: host, port: port).get()
            return NetTestTCPResponder(channel: channel, registry: registry)
        } catch {
            throw NetTestResponderError("Could not bind the network-test TCP port \(host):\(port): \(error). Free the port or set nettest.tcp_port.")
        }
    }

    /// Closes the listener and every open connection.
    public func stop() async {
        try? await channel.close()
        let registry = self.registry
        try? await channel.eventLoop.submit { registry.value.closeAll() }.get()
    }
}

/// Bookkeeping shared by the connections (loop-confined): admission per host and overall,
/// and the open channels, to close them on stop.
final class NetTestTCPRegistry {
    let limits: NetTestTCPResponder.Limits
    let logger: Logger
    private var budgets: [SocketAddress: TokenBucket] = [:]
    private var openPerHost: [SocketAddress: Int] = [:]
    private var open: [ObjectIdentifier: any Channel] = [:]
    /// One block of zeros the downloads send slices of.
    let zeros: ByteBuffer

    init(limits: NetTestTCPResponder.Limits, logger: Logger) {
        self.limits = limits
        self.logger = logger
        self.zeros = ByteBuffer(repeating: 0, count: 64 * 1024)
    }

    /// Admits a new connection from `host`, or says why not.
    func admit(_ channel: any Channel, host: SocketAddress, now: UInt64) -> NetTestProbe.RefusalReason? {
        guard open.count < limits.maximumConnections, openPerHost[host, default: 0] < limits.connectionsPerHost else { return .busy }
        if budgets.count > 4 * limits.maximumConnections {
            budgets = budgets.filter { now &- $0.value.lastUse < 120_000_000_000 }
        }
        var budget = budgets[host] ?? TokenBucket(rate: limits.connectionRate, burst: limits.connectionBurst, now: now)
        let admitted = budget.take(now: now)
        budgets[host] = budget
        guard admitted else { return .rateLimited }
        openPerHost[host, default: 0] += 1
        open[ObjectIdentifier(channel)] = channel
        return nil
    }

    func release(_ channel: any Channel, host: SocketAddress) {
        guard open.removeValue(forKey: ObjectIdentifier(channel)) != nil else { return }
        let remaining = openPerHost[host, default: 1] - 1
        openPerHost[host] = remaining > 0 ? remaining : nil
    }

    func closeAll() {
        for channel in open.values { channel.close(promise: nil) }
    }
}

/// One TCP connection of the responder.
final class NetTestTCPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Mode {
        case idle
        case downloading(remaining: Int)
        case uploading(remaining: Int, received: Int, first: UInt64?, last: UInt64, request: NetTestProbe)
        case closing
    }

    private let registry: NetTestTCPRegistry
    private var mode = Mode.idle
    private var pending: ByteBuffer?
    private var host: SocketAddress?
    private var echoes = 0
    private var pumping = false
    private var lifetime: Scheduled<Void>?

    init(registry: NetTestTCPRegistry) {
        self.registry = registry
    }

    func channelActive(context: ChannelHandlerContext) {
        guard let remote = context.channel.remoteAddress else {
            context.close(promise: nil)
            return
        }
        let host = NetTestResponderCore.host(of: remote)
        if let refusal = registry.admit(context.channel, host: host, now: NIODeadline.now().uptimeNanoseconds) {
            refuse(refusal, session: 0, context: context)
            return
        }
        self.host = host
        let channel = context.channel
        lifetime = context.eventLoop.scheduleTask(in: registry.limits.maximumLifetime) { channel.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        lifetime?.cancel()
        if let host { registry.release(context.channel, host: host) }
        mode = .closing
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = Self.unwrapInboundIn(data)
        if case .uploading = mode {
            consumeUpload(&input, context: context)
        }
        guard input.readableBytes > 0 else { return }
        if pending == nil {
            pending = input
        } else {
            pending?.writeBuffer(&input)
        }
        // Requests are small: a client that piles up more than this while a download runs
        // is not a network test.
        guard (pending?.readableBytes ?? 0) <= 64 * 1024 else {
            mode = .closing
            context.close(promise: nil)
            return
        }
        processRequests(context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let event = event as? ChannelEvent, event == .inputClosed else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        // The client closed its side: an upload ends here; anything else is over.
        if case .uploading(_, let received, let first, let last, let request) = mode {
            finishUpload(received: received, first: first, last: last, request: request, context: context)
        }
        if case .downloading = mode { return }  // let the download finish, then close
        mode = .closing
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .downloading = mode { pump(context: context) }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        registry.logger.debug("network-test TCP connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: Requests

    private func processRequests(context: ChannelHandlerContext) {
        while case .idle = mode, var buffer = pending, buffer.readableBytes > 0 {
            let probe: NetTestProbe
            do {
                probe = try NetTestProbe(parsing: &buffer)
            } catch where error.code == .truncated && buffer.readableBytes < NetTestProbe.maximumLength {
                return  // wait for the rest
            } catch {
                mode = .closing
                context.close(promise: nil)
                return
            }
            pending = buffer.readableBytes > 0 ? buffer : nil
            handle(probe, context: context)
        }
        if case .uploading = mode, var rest = pending {
            pending = nil
            consumeUpload(&rest, context: context)
            if rest.readableBytes > 0 { pending = rest }
        }
    }

    private func handle(_ probe: NetTestProbe, context: ChannelHandlerContext) {
        let now = NIODeadline.now().uptimeNanoseconds
        switch probe.kind {
        case .echoRequest:
            echoes += 1
            guard echoes <= registry.limits.maximumEchoes else {
                refuse(.rateLimited, session: probe.session, context: context)
                return
            }
            var reply = probe
            reply.kind = .echoReply
            reply.responderTime = now
            reply.count = UInt32(echoes)
            reply.receivedTOS = NetTestProbe.unknownTOS
            write(reply, context: context)
        case .downloadRequest:
            let granted = min(Int(probe.count), registry.limits.maximumTransferBytes)
            var start = NetTestProbe(kind: .transferStart, session: probe.session, sequence: probe.sequence, clientTime: probe.clientTime)
            start.responderTime = now
            start.count = UInt32(granted)
            write(start, context: context)
            mode = .downloading(remaining: granted)
            pump(context: context)
        case .uploadRequest:
            guard Int(probe.count) <= registry.limits.maximumTransferBytes else {
                refuse(.tooLarge, session: probe.session, context: context)
                return
            }
            mode = .uploading(remaining: Int(probe.count), received: 0, first: nil, last: now, request: probe)
            if probe.count == 0 { finishUpload(received: 0, first: nil, last: now, request: probe, context: context) }
        default:
            refuse(.none, session: probe.session, context: context)
        }
    }

    private func consumeUpload(_ input: inout ByteBuffer, context: ChannelHandlerContext) {
        guard case .uploading(let remaining, let received, let first, _, let request) = mode else { return }
        let taken = min(remaining, input.readableBytes)
        input.moveReaderIndex(forwardBy: taken)
        let now = NIODeadline.now().uptimeNanoseconds
        let start = first ?? (taken > 0 ? now : nil)
        if remaining - taken == 0 {
            finishUpload(received: received + taken, first: start, last: now, request: request, context: context)
        } else {
            mode = .uploading(remaining: remaining - taken, received: received + taken, first: start, last: now, request: request)
        }
    }

    private func finishUpload(received: Int, first: UInt64?, last: UInt64, request: NetTestProbe, context: ChannelHandlerContext) {
        var result = NetTestProbe(kind: .transferResult, session: request.session, sequence: request.sequence, clientTime: request.clientTime)
        result.count = UInt32(clamping: received)
        result.responderTime = first.map { last &- $0 } ?? 0
        mode = .idle
        write(result, context: context)
        processRequests(context: context)
    }

    /// Writes download data while the channel takes it. Writing and flushing can fire
    /// `channelWritabilityChanged` (and so `pump`) re-entrantly: ``mode`` is kept current
    /// before every write, and a nested call does nothing.
    private func pump(context: ChannelHandlerContext) {
        guard !pumping else { return }
        pumping = true
        defer { pumping = false }
        let zeros = registry.zeros
        while case .downloading(let remaining) = mode, remaining > 0, context.channel.isWritable {
            let count = min(zeros.readableBytes, remaining)
            mode = .downloading(remaining: remaining - count)
            context.write(Self.wrapOutboundOut(zeros.getSlice(at: zeros.readerIndex, length: count) ?? zeros), promise: nil)
            if !context.channel.isWritable { context.flush() }
        }
        context.flush()
        if case .downloading(0) = mode {
            mode = .idle
            pumping = false
            processRequests(context: context)
        }
    }

    private func write(_ probe: NetTestProbe, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: probe.length)
        probe.write(to: &buffer)
        context.writeAndFlush(Self.wrapOutboundOut(buffer), promise: nil)
    }

    private func refuse(_ reason: NetTestProbe.RefusalReason, session: UInt32, context: ChannelHandlerContext) {
        mode = .closing
        let refusal = NetTestProbe(kind: .refused, session: session, reason: reason)
        var buffer = context.channel.allocator.buffer(capacity: refusal.length)
        refusal.write(to: &buffer)
        let channel = context.channel
        context.writeAndFlush(Self.wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
    }
}
