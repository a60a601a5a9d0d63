/// One problem found in the configuration: where it is, what is wrong, and what to do.
///
/// `description` is one line, `FILE:LINE: keyPath: message fix` for values from the file,
/// `PARLEY_HTTP_PORT: message fix` for values from the environment. Secret values (passwords)
/// are never quoted in `message`.
public struct ConfigurationIssue: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        /// The configuration cannot be used.
        case error
        /// The configuration works, but probably not as intended.
        case warning
    }

    /// Where the offending value came from.
    public enum Source: Sendable, Hashable {
        /// The configuration file (`name` as given to the loader), at `line` when known.
        case file(name: String?, line: Int?)
        /// An environment variable.
        case environment(variable: String)
        /// A command-line override (`key=value`).
        case flag
        /// No source sets it: a built-in default, or a value that is missing.
        case defaults
    }

    public var severity: Severity
    /// `http.port`, `nodes[2].site`, or empty for a problem with the whole file (bad YAML).
    public var keyPath: String
    /// What is wrong, in one sentence.
    public var message: String
    /// What to do about it.
    public var fix: String?
    public var source: Source

    public init(
        severity: Severity = .error,
        keyPath: String,
        message: String,
        fix: String? = nil,
        source: Source = .defaults
    ) {
        self.severity = severity
        self.keyPath = keyPath
        self.message = message
        self.fix = fix
        self.source = source
    }

    /// The line in the configuration file, when the value came from the file.
    public var line: Int? {
        if case .file(_, let line) = source { return line }
        return nil
    }

    public var description: String {
        var parts: [String] = []
        switch source {
        case .file(let name, let line):
            let file = name ?? "configuration"
            parts.append(line.map { "\(file):\($0)" } ?? file)
            if !keyPath.isEmpty { parts.append(keyPath) }
        case .environment(let variable):
            parts.append(variable)
        case .flag:
            parts.append(keyPath.isEmpty ? "flag" : "\(keyPath) (flag)")
        case .defaults:
            if !keyPath.isEmpty { parts.append(keyPath) }
        }
        if severity == .warning { parts.append("warning") }
        var text = message
        if let fix, !fix.isEmpty { text += " " + fix }
        parts.append(text)
        return parts.joined(separator: ": ")
    }
}
