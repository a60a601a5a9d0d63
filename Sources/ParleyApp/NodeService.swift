import Logging
import NIOCore
import NIOPosix
import ParleyConfig
import ParleyDirector
import ParleyMediaServer
import ParleyModel
import ParleySIP
import ServiceLifecycle

/// The node role as one service: media engine, call control and SIP service, started in that
/// order (each needs the one before) and stopped in reverse on graceful shutdown.
struct NodeService: Service {
    let configuration: ParleyConfiguration
    let director: Director
    let table: ListenerTable
    /// Filled with call control once it runs, so the API reaches the live calls.
    let live: LiveMeetingRelay
    let onListening: @Sendable (Listener, Int) -> Void

    func run() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        guard let mediaListener = table.listener(named: "node.media"),
            let sipUDP = table.listener(named: "node.sip.udp"),
            let sipTCP = table.listener(named: "node.sip.tcp")
        else { return }
        let engine = try await MediaShards.start(
            count: configuration.media.shards, address: mediaListener.bindAddress, port: mediaListener.ports.first, group: group,
            configuration: Self.mediaConfiguration(configuration), logger: Observability.logger("parley.media"))
        onListening(mediaListener, engine.advertisedPort)
        let capacity = configuration.nodes.first?.capacity ?? 1200
        let controller = CallController(
            media: engine, directory: DirectorMeetingDirectory(director: director, capacity: capacity),
            settings: Self.callControlSettings(configuration), logger: Observability.logger("parley.calls"),
            wallClock: { WallClock.system.now().millisecondsSinceEpoch }
        )
        let sip: SIPService
        do {
            sip = try await SIPService.start(
                configuration: SIPServiceConfiguration(
                    bindAddress: sipUDP.bindAddress, udpPort: sipUDP.ports.first, tcpPort: sipTCP.ports.first,
                    advertisedHost: Self.advertisedHost(configuration),
                    sessionTimers: Self.sessionTimerPolicy(configuration),
                    inviteRateLimit: SIPRateLimit(
                        invitesPerSecond: Double(configuration.sip.invitesPerSecondPerSource),
                        burst: 2 * configuration.sip.invitesPerSecondPerSource), dscp: configuration.dscp.sip),
                handler: controller, eventLoopGroup: group, logger: Observability.logger("parley.sip"))
        } catch {
            await engine.stop()
            throw error
        }
        await controller.attach(signalling: sip)
        live.attach(controller)
        onListening(sipUDP, sip.udpPort)
        onListening(sipTCP, sip.tcpPort)
        // Run until shutdown; then stop taking calls, end the ones in progress, close media.
        try? await gracefulShutdown()
        live.attach(nil)
        await sip.stop()
        await engine.stop()
    }

    /// The address callers are told to send media and SIP to: `media.advertised_address`,
    /// else the media bind address when it is a specific one; nil lets the engine choose
    /// (loopback for a wildcard bind, with a warning that says to set the key).
    static func advertisedHost(_ config: ParleyConfiguration) -> String? {
        if let advertised = config.media.advertisedAddress { return advertised }
        let address = config.media.address
        return ["0.0.0.0", "::", "*"].contains(address) ? nil : address
    }

    static func mediaConfiguration(_ config: ParleyConfiguration) -> MediaEngine.Configuration {
        MediaEngine.Configuration(
            rtpTimeout: .seconds(Int64(config.media.rtpTimeoutSeconds)), advertisedAddress: advertisedHost(config),
            promptDirectory: config.ivr.promptsDirectory, perCallPorts: config.media.extraPorts.map { $0.first...$0.last },
            stunPassword: config.media.stun.password, dscp: config.dscp.audio, answersNetTest: config.nettest.enabled)
    }

    static func callControlSettings(_ config: ParleyConfiguration) -> CallControlSettings {
        var keymap: [String: KeypadCommands.Command] = [:]
        for (command, keys) in config.ivr.keys.byCommand {
            if let command = KeypadCommands.Command(rawValue: command) { keymap[keys] = command }
        }
        return CallControlSettings(
            accessNumbers: Set(config.ivr.accessNumberList), waitForHost: config.meetings.waitForHost,
            emptyMeetingGrace: .seconds(Int64(config.meetings.emptyGraceSeconds)), keymap: keymap,
            entryTones: config.ivr.entryTones)
    }

    /// RFC 4028 session timers at `sip.session_expires_seconds`, used when the caller asks.
    static func sessionTimerPolicy(_ config: ParleyConfiguration) -> SessionTimerPolicy? {
        let seconds = config.sip.sessionExpiresSeconds
        guard seconds > 0 else { return nil }
        return SessionTimerPolicy(preferredInterval: UInt32(seconds), useWhenNotRequested: false)
    }
}
