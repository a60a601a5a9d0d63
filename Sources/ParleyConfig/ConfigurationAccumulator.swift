/// The state of one load: the configuration so far, where each value came from, and every
/// issue found. Passed through the file, environment, flag and rule stages in turn.
struct ConfigurationAccumulator {
    typealias Source = ConfigurationIssue.Source

    /// The configuration file's name as the caller gave it (for messages).
    let fileName: String?
    var configuration = ParleyConfiguration()
    /// Key path (`http.port`, `nodes[2]`, `nodes[2].site`) → where its value was last set.
    var origins: [String: Source] = [:]
    /// List entries (`nodes[2]`) that were not mappings; the rules skip them.
    var brokenEntries: Set<String> = []
    var errors: [ConfigurationIssue] = []
    var warnings: [ConfigurationIssue] = []

    init(fileName: String?) {
        self.fileName = fileName
    }

    /// Where `keyPath` was set, falling back to its enclosing entry or list (`nodes[2].site` →
    /// `nodes[2]` → `nodes`), then to the defaults.
    func source(of keyPath: String) -> Source {
        var path = Substring(keyPath)
        while true {
            if let origin = origins[String(path)] { return origin }
            if let dot = path.lastIndex(of: ".") {
                path = path[..<dot]
            } else if let bracket = path.lastIndex(of: "[") {
                path = path[..<bracket]
            } else {
                return .defaults
            }
        }
    }

    func fileSource(line: Int?) -> Source {
        .file(name: fileName, line: line)
    }

    mutating func error(_ keyPath: String, _ message: String, fix: String?, source: Source? = nil) {
        errors.append(
            ConfigurationIssue(
                severity: .error, keyPath: keyPath, message: message, fix: fix,
                source: source ?? self.source(of: keyPath)
            )
        )
    }

    mutating func warning(_ keyPath: String, _ message: String, fix: String?, source: Source? = nil) {
        warnings.append(
            ConfigurationIssue(
                severity: .warning, keyPath: keyPath, message: message, fix: fix,
                source: source ?? self.source(of: keyPath)
            )
        )
    }

    /// "For example: port: 8080." in the syntax of the source the bad value came from.
    static func exampleFix(for key: ConfigurationKey, source: Source) -> String? {
        guard !key.isSecret, var value = key.defaultValue ?? key.example else { return nil }
        switch source {
        case .environment(let variable):
            return "For example: \(variable)=\(value)."
        case .flag:
            return "For example: \(key.path)=\(value)."
        case .file, .defaults:
            if key.type == .roles { value = "[" + value.split(separator: ",").joined(separator: ", ") + "]" }
            return "For example: \(key.name): \(value)."
        }
    }
}
