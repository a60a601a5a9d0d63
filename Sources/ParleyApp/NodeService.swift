import Logging
import NIOCore
import NIOPosix
import ParleyConfig
import ParleyDirector
import ParleyMediaServer
import ParleyModel
import ServiceLifecycle

/// The node role as one service: media engine, call control and SIP service, started in that
/// order (each needs the one before) and stopped in reverse on graceful shutdown.
struct NodeService: Service {
    let configuration: ParleyConfiguration
    let director: Director
    let table: ListenerTable
    let onListening: @Sendable (Listener, Int) -> Void

    func run() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        guard let mediaListener = table.listener(named: "node.media"),
            let sipUDP = table.listener(named: "node.sip.udp"),
            let sipTCP = table.listener(named: "node.sip.tcp")
        else { return }
        let engine = try await MediaEngine.start(
            address: mediaListener.bindAddress, port: mediaListener.ports.first, eventLoop: group.next(),
            configuration: MediaEngine.Configuration(advertisedAddress: Self.advertisedHost(configuration)),
            logger: Observability.logger("parley.media"))
        onListening(mediaListener, engine.localPort)
        let capacity = configuration.nodes.first?.capacity ?? 1200
        let controller = CallController(
            media: engine, directory: DirectorMeetingDirectory(director: director, capacity: capacity), settings: CallControlSettings(),
            logger: Observability.logger("parley.calls"), wallClock: { WallClock.system.now().millisecondsSinceEpoch }
        )
        let sip: SIPService
        do {
            sip = try await SIPService.start(
                configuration: SIPServiceConfiguration(
                    bindAddress: sipUDP.bindAddress, udpPort: sipUDP.ports.first, tcpPort: sipTCP.ports.first,
                    advertisedHost: Self.advertisedHost(configuration)),
                handler: controller, eventLoopGroup: group, logger: Observability.logger("parley.sip"))
        } catch {
            await engine.stop()
            throw error
        }
        await controller.attach(signalling: sip)
        onListening(sipUDP, sip.udpPort)
        onListening(sipTCP, sip.tcpPort)
        // Run until shutdown; then stop taking calls, end the ones in progress, close media.
        try? await gracefulShutdown()
        await sip.stop()
        await engine.stop()
    }

    /// The address callers are told to send media and SIP to: the media bind address when it
    /// is a specific one; nil lets the engine choose (loopback for a wildcard bind, with a
    /// warning). A `media.advertised_address` key for NAT deployments is the next step.
    static func advertisedHost(_ config: ParleyConfiguration) -> String? {
        let address = config.media.address
        return ["0.0.0.0", "::", "*"].contains(address) ? nil : address
    }
}
