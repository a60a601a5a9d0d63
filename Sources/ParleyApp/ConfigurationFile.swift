import Foundation
import ParleyConfig
import ParleyModel

/// Finds, reads and decodes the configuration: flags > environment > file > defaults.
public enum ConfigurationFile {
    /// The file to read: `--config`, else `PARLEY_CONFIG`, else `./parley.yaml` when it
    /// exists, else none (embedded defaults).
    public static func locate(explicit: String?, environment: [String: String]) -> String? {
        if let explicit { return explicit }
        if let env = environment["PARLEY_CONFIG"], !env.isEmpty { return env }
        return FileManager.default.fileExists(atPath: "parley.yaml") ? "parley.yaml" : nil
    }

    /// Loads the configuration, or throws a ``ParleyError`` listing every problem.
    public static func load(
        path: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        overrides: [(key: String, value: String)] = []
    ) throws -> (configuration: ParleyConfiguration, report: ConfigurationReport) {
        var text: String?
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ParleyError(
                    .configuration, code: "config.unreadable", message: "The configuration file '\(path)' cannot be read.",
                    fix: "Check the path and its permissions, or run without --config to use the embedded defaults."
                )
            }
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw ParleyError(.configuration, code: "config.not_utf8", message: "The configuration file '\(path)' is not UTF-8 text.")
            }
            text = decoded
        }
        let report = ConfigurationLoader.check(yaml: text, sourceName: path, environment: environment, overrides: overrides)
        switch report.result {
        case .success(let configuration):
            return (configuration, report)
        case .failure(let errors):
            throw errors.parleyError
        }
    }
}
