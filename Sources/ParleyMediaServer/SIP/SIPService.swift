import Logging
import Metrics
import NIOCore
import NIOPosix
import ParleySIP

/// The node's SIP user agent server: UDP and TCP listeners, transactions, dialogs, SDP
/// offer/answer, and the calls it reports to call control (``CallHandling``).
///
/// ```swift
/// let sip = try await SIPService.start(configuration: config, handler: callControl,
///                                      eventLoopGroup: group, logger: logger)
/// // … call control ends calls with `await sip.hangUp(callID:)` …
/// await sip.stop()  // 503 to new INVITEs, BYE to every call, then close
/// ```
///
/// All SIP work runs on one event loop of the group (the UDP socket, the TCP listener and its
/// connections are bound to it), so the UAS core needs no lock. Call control is called from
/// tasks, in order per call.
public final class SIPService: CallSignalling, Sendable {
    /// The UDP port really bound (useful when the configuration asked for port 0).
    public let udpPort: Int
    /// The TCP port really bound.
    public let tcpPort: Int
    public let configuration: SIPServiceConfiguration

    private let loop: any EventLoop
    private let agent: NIOLoopBound<SIPUserAgent>

    private init(configuration: SIPServiceConfiguration, loop: any EventLoop, agent: NIOLoopBound<SIPUserAgent>, udpPort: Int, tcpPort: Int) {
        self.configuration = configuration
        self.loop = loop
        self.agent = agent
        self.udpPort = udpPort
        self.tcpPort = tcpPort
    }

    /// Validates the configuration, binds the UDP and TCP listeners and starts answering.
    /// Throws ``SIPServiceError`` naming what could not be bound.
    public static func start(
        configuration: SIPServiceConfiguration,
        handler: any CallHandling,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "parley.sip")
    ) async throws -> SIPService {
        try configuration.validate()
        let loop = eventLoopGroup.next()
        let agent = try await loop.submit {
            NIOLoopBound(
                SIPUserAgent(configuration: configuration, handler: handler, loop: loop, logger: logger, metricsFactory: MetricsSystem.factory),
                eventLoop: loop
            )
        }.get()

        let udp: any Channel
        do {
            // No SO_REUSEADDR on UDP: on Linux it would let a second process share the port.
            udp = try await PacketMarking.mark(DatagramBootstrap(group: loop), dscp: configuration.dscp, host: configuration.bindAddress)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(SIPDatagramHandler(agent: agent.value))
                    }
                }
                .bind(host: configuration.bindAddress, port: configuration.udpPort).get()
        } catch {
            throw SIPServiceError(.bindFailed, "Could not bind SIP UDP \(configuration.bindAddress):\(configuration.udpPort): \(error). Free the port or choose another.")
        }

        let maximumMessageSize = configuration.maximumMessageSize
        let tcp: any Channel
        do {
            tcp = try await PacketMarking.mark(ServerBootstrap(group: loop, childGroup: loop), dscp: configuration.dscp, host: configuration.bindAddress)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 256)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let operations = channel.pipeline.syncOperations
                        try operations.addHandler(ByteToMessageHandler(SIPFramingDecoder(maximumMessageSize: maximumMessageSize)))
                        try operations.addHandler(SIPStreamHandler(agent: agent.value))
                    }
                }
                .bind(host: configuration.bindAddress, port: configuration.tcpPort).get()
        } catch {
            try? await udp.close()
            throw SIPServiceError(.bindFailed, "Could not bind SIP TCP \(configuration.bindAddress):\(configuration.tcpPort): \(error). Free the port or choose another.")
        }

        let udpPort = udp.localAddress?.port ?? configuration.udpPort
        let tcpPort = tcp.localAddress?.port ?? configuration.tcpPort
        try await loop.submit {
            let core = agent.value
            core.udpChannel = udp
            core.tcpServerChannel = tcp
            core.udpPort = udpPort
            core.tcpPort = tcpPort
            core.logger.info(
                "SIP service listening",
                metadata: ["udp": "\(configuration.bindAddress):\(udpPort)", "tcp": "\(configuration.bindAddress):\(tcpPort)"]
            )
        }.get()
        return SIPService(configuration: configuration, loop: loop, agent: agent, udpPort: udpPort, tcpPort: tcpPort)
    }

    /// Ends a call: BYE for an established one (returning once its answer or timeout came),
    /// 480 for one call control has not decided yet. Call control then gets
    /// ``CallHandling/callEnded(callID:reason:)`` with `.localHangUp`. Unknown IDs are ignored.
    public func hangUp(callID: String) async {
        let agent = self.agent
        try? await loop.flatSubmit { agent.value.hangUp(callID: callID) }.get()
    }

    /// Graceful stop: closes the TCP listener, answers new INVITEs 503, sends BYE to every
    /// call and waits for them to end (at most `drainTimeout`), then closes every socket and
    /// waits for the last events to reach call control. Safe to call twice.
    public func stop() async {
        let agent = self.agent
        try? await loop.flatSubmit { agent.value.beginDrain() }.get()
        let pending = (try? await loop.flatSubmit { agent.value.shutDown() }.get()) ?? []
        for task in pending {
            await task.value
        }
    }

    /// What the service has counted so far.
    public func statistics() async -> SIPServiceStatistics {
        let agent = self.agent
        return (try? await loop.submit { agent.value.metrics.statistics }.get()) ?? SIPServiceStatistics()
    }
}
