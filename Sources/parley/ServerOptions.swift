import ArgumentParser
import Foundation
import ParleyApp
import ParleyConfig

/// Options shared by commands that read the configuration (serve and the local admin ones).
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: $PARLEY_CONFIG, else ./parley.yaml if present, else built-in defaults).")
    var config: String?

    @Option(name: .long, help: "Data directory (overrides data_dir).")
    var dataDir: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a key: --set http.port=9090 (repeatable).", valueName: "key=value"))
    var settings: [String] = []

    var overrides: [(key: String, value: String)] {
        var out: [(key: String, value: String)] = []
        if let dataDir { out.append((key: "data_dir", value: dataDir)) }
        for item in settings {
            let parts = item.split(separator: "=", maxSplits: 1)
            out.append((key: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : ""))
        }
        return out
    }

    /// Loads the configuration for a one-shot local command: logs at warning and above only,
    /// on standard error, so stdout carries just the result.
    func loadQuietly() throws -> ParleyConfiguration {
        let config = try load()
        var log = config.log
        if log.level == .info || log.level == .notice { log.level = .warning }
        Observability.bootstrapLogging(log)
        return config
    }

    func load() throws -> ParleyConfiguration {
        let path = ConfigurationFile.locate(explicit: config, environment: ProcessInfo.processInfo.environment)
        let loaded = try ConfigurationFile.load(path: path, overrides: overrides)
        for warning in loaded.report.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        return loaded.configuration
    }
}

/// Options of the commands that talk to a running server.
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: "Server URL (default: $PARLEY_SERVER, else http://127.0.0.1:8080).")
    var server: String?

    @Option(name: .long, help: "API token (default: $PARLEY_TOKEN).")
    var token: String?

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    var client: APIClient { CLISupport.client(server: server, token: token) }
}

/// Runs a command body, printing a ParleyError as message and fix and exiting 1.
func reporting(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch {
        CLISupport.report(error)
        throw ExitCode(1)
    }
}
