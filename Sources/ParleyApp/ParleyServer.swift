import Foundation
import Hummingbird
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import ParleyConfig
import ParleyDirector
import ParleyModel
import ParleyStore
import ParleyWeb
import ServiceLifecycle
import UnixSignals

/// `parley serve`: opens the store, builds the roles this process runs from the listener
/// table, and runs them in one ServiceGroup until SIGINT/SIGTERM.
public struct ParleyServer: Sendable {
    public var configuration: ParleyConfiguration
    /// Called once per listener when its socket is bound, with the real port (tests bind 0).
    public var onListening: @Sendable (Listener, Int) -> Void

    public init(configuration: ParleyConfiguration, onListening: @escaping @Sendable (Listener, Int) -> Void = { _, _ in }) {
        self.configuration = configuration
        self.onListening = onListening
    }

    /// Runs until a shutdown signal (or until the task is cancelled), then stops taking
    /// requests, lets open ones finish, and closes the store.
    public func run(signals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        let config = configuration
        let logger = Observability.logger("parley")
        Observability.bootstrapMetrics()
        try StoreFactory.prepareDataDirectory(config)
        let lock = try DataDirectoryLock(directory: config.dataDirectory)
        defer { lock.release() }

        let store = try await ParleyStore.open(try StoreFactory.storeConfiguration(config), logger: Observability.logger("parley.store"))
        do {
            let director = Director(store: store, settings: StoreFactory.directorSettings(config), logger: Observability.logger("parley.director"))
            var services: [any Service] = []
            let table = config.listenerTable
            let live = LiveMeetingRelay()
            if config.roles.contains(.web) {
                services += try webServices(director: director, store: store, table: table, live: live)
            }
            if config.roles.contains(.director) {
                services.append(
                    LicenceAuditService(
                        director: director, interval: .seconds(Int64(config.licence.auditIntervalSeconds)),
                        logger: Observability.logger("parley.licence")))
            }
            if config.roles.contains(.node) {
                services.append(
                    NodeService(configuration: config, director: director, table: table, live: live, onListening: onListening))
            }
            if config.roles.contains(.node) && config.nettest.enabled {
                services.append(NetTestService(configuration: config, table: table, onListening: onListening))
            }
            logger.info(
                "parley starting",
                metadata: ["roles": "\(config.roles.map(\.rawValue).joined(separator: ","))", "data_dir": "\(config.dataDirectory)"])
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: signals, cancellationSignals: [], logger: logger))
            try await group.run()
            try await Self.closeStore(store)
            logger.info("parley stopped")
        } catch {
            try? await Self.closeStore(store)
            throw error
        }
    }

    /// Closes the store even when this task was cancelled: a connection's close is itself
    /// cancellable, and a cancelled close would leave SQLite connections open (an assertion
    /// failure in debug builds). The task is awaited at once, so nothing outlives `run`.
    static func closeStore(_ store: ParleyStore) async throws {
        try await Task { try await store.close() }.value
    }

    func webServices(director: Director, store: ParleyStore, table: ListenerTable, live: LiveMeetingRelay) throws -> [any Service] {
        let deps = WebDependencies(
            director: director, live: live, metricsText: Observability.metricsText, readiness: { try await store.ping() },
            portal: Self.portalSettings(configuration), browsers: live)
        let router = WebRouter.build(deps)
        var services: [any Service] = []
        let webLogger = Observability.logger("parley.web")
        if let http = table.listener(named: "web.http") {
            let notify = onListening
            services.append(
                Application(
                    router: router,
                    server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: Self.webSocketConfiguration),
                    configuration: .init(address: .hostname(http.bindAddress, port: http.ports.first), serverName: "parley"),
                    onServerRunning: { channel in notify(http, channel.localAddress?.port ?? http.ports.first) },
                    logger: webLogger
                ))
        }
        if let https = table.listener(named: "web.https"), let cert = configuration.https.certificate, let key = configuration.https.privateKey {
            let tls = try Self.tlsConfiguration(certificate: cert, privateKey: key)
            let notify = onListening
            services.append(
                Application(
                    router: router,
                    server: try .tls(.http1WebSocketUpgrade(webSocketRouter: router, configuration: Self.webSocketConfiguration), tlsConfiguration: tls),
                    configuration: .init(address: .hostname(https.bindAddress, port: https.ports.first), serverName: "parley"),
                    onServerRunning: { channel in notify(https, channel.localAddress?.port ?? https.ports.first) },
                    logger: webLogger
                ))
        }
        return services
    }

    /// Browser participants' sockets: 64 KiB frames at most (1009 beyond), pings every 20 s
    /// so proxies keep idle connections open.
    static let webSocketConfiguration = HTTP1WebSocketUpgradeChannel.Configuration(
        ws: WebSocketServerConfiguration(maxFrameSize: 64 * 1024, autoPing: .enabled(timePeriod: .seconds(20))))

    static func tlsConfiguration(certificate: String, privateKey: String) throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: privateKey, format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        } catch {
            throw ParleyError(
                .configuration, code: "https.certificate", message: "The HTTPS certificate or key could not be loaded: \(error).",
                field: "https.certificate", fix: "Give PEM files: https.certificate (the chain) and https.private_key (the key)."
            )
        }
    }
}

/// An exclusive lock on the data directory, so two servers never share one store file.
final class DataDirectoryLock: Sendable {
    private let fd: Int32

    init(directory: String) throws {
        let path = directory + "/parley.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ParleyError(
                .storage, code: "data_dir.lock_open", message: "Cannot create \(path): \(String(cString: strerror(errno))).",
                field: "data_dir", fix: "Check that data_dir is writable by this user."
            )
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw ParleyError(
                .storage, code: "data_dir.locked",
                message: "Another Parley process is using the data directory '\(directory)'.",
                field: "data_dir", fix: "Stop the other `parley serve`, or give this one another --data-dir."
            )
        }
        self.fd = fd
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
