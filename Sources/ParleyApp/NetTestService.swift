import Logging
import ParleyConfig
import ParleyMediaServer
import ParleyModel
import ServiceLifecycle

/// The node's network-test responders besides the media port (which the media engine
/// answers itself): UDP on `nettest.udp_port` and TCP on `nettest.tcp_port`. Started with the
/// node role when `nettest.enabled`, stopped on graceful shutdown.
struct NetTestService: Service {
    let configuration: ParleyConfiguration
    let table: ListenerTable
    let onListening: @Sendable (Listener, Int) -> Void

    func run() async throws {
        guard let udp = table.listener(named: "node.nettest.udp"), let tcp = table.listener(named: "node.nettest.tcp") else { return }
        let logger = Observability.logger("parley.nettest")
        let udpResponder = try NetTestUDPResponder.start(
            host: udp.bindAddress, port: udp.ports.first, dscp: configuration.dscp.audio, logger: logger)
        let tcpResponder: NetTestTCPResponder
        do {
            tcpResponder = try await NetTestTCPResponder.start(host: tcp.bindAddress, port: tcp.ports.first, logger: logger)
        } catch {
            await udpResponder.stop()
            throw error
        }
        onListening(udp, udpResponder.localPort)
        onListening(tcp, tcpResponder.localPort)
        logger.info("network-test responder listening", metadata: ["udp": "\(udpResponder.localPort)", "tcp": "\(tcpResponder.localPort)"])
        try? await gracefulShutdown()
        await tcpResponder.stop()
        await udpResponder.stop()
    }
}
