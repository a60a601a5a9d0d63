import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers
import ParleyConfig
import Prometheus

/// The process's logging and metrics backends, bootstrapped once (swift-log and
/// swift-metrics allow one bootstrap per process; tests start many servers in one process).
public enum Observability {
    private static let state = NIOLockedValueBox<(logging: Bool, metrics: Bool)>((false, false))
    /// Where every metric of this process is collected; `/metrics` renders it.
    public static let registry = PrometheusCollectorRegistry()
    /// The log level chosen at bootstrap; later loggers inherit it.
    private static let level = NIOLockedValueBox<Logger.Level>(.info)

    /// Installs the text or JSON log handler at the configured level, once.
    public static func bootstrapLogging(_ settings: ParleyConfiguration.Log) {
        let chosen = Logger.Level(rawValue: settings.level.rawValue) ?? .info
        level.withLockedValue { $0 = chosen }
        let first = state.withLockedValue { s -> Bool in
            defer { s.logging = true }
            return !s.logging
        }
        guard first else { return }
        let json = settings.format == .json
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level.withLockedValue { $0 }
            return handler
        }
    }

    /// Installs the Prometheus metrics backend, once.
    public static func bootstrapMetrics() {
        let first = state.withLockedValue { s -> Bool in
            defer { s.metrics = true }
            return !s.metrics
        }
        guard first else { return }
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    /// The Prometheus text exposition of every metric.
    @Sendable public static func metricsText() -> String {
        registry.emitToString()
    }

    public static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = level.withLockedValue { $0 }
        return logger
    }
}

/// One JSON object per line on standard error: time, level, label, message and metadata.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    private static let lock = NIOLock()
    /// RFC 3339 with milliseconds, in UTC; built once (a format style is a value, safe to share).
    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (k, v) in metadata { fields[k] = "\(v)" }
        for (k, v) in event.metadata ?? [:] { fields[k] = "\(v)" }
        var object: [String: Any] = [
            "time": Date().formatted(Self.timeFormat), "level": event.level.rawValue, "label": label,
            "message": "\(event.message)",
        ]
        if !fields.isEmpty { object["metadata"] = fields }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        Self.lock.withLock {
            FileHandle.standardError.write(data + Data("\n".utf8))
        }
    }
}
