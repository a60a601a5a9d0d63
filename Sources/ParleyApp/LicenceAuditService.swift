import Logging
import ParleyDirector
import ServiceLifecycle

/// Runs the licence audit at start and then every `interval`, until shutdown.
struct LicenceAuditService: Service {
    let director: Director
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                try await director.runLicenceAudit()
            } catch {
                logger.warning("licence audit failed; will retry", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
