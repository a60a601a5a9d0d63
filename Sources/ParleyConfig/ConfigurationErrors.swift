import ParleyModel

/// Every error found in one pass over the file, the environment and the flags.
///
/// `description` lists them one per line (`FILE:LINE: keyPath: message fix`), errors first,
/// then warnings; it is what `parley config check` prints.
public struct ConfigurationErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// The errors, in the order they were found (file, environment, flags, then rules).
    public var issues: [ConfigurationIssue]
    /// Warnings found in the same pass (they do not make the configuration unusable).
    public var warnings: [ConfigurationIssue]

    public init(issues: [ConfigurationIssue], warnings: [ConfigurationIssue] = []) {
        self.issues = issues
        self.warnings = warnings
    }

    public var description: String {
        (issues + warnings).map(\.description).joined(separator: "\n")
    }

    /// The errors as one user-facing ``ParleyError`` of kind `configuration`.
    public var parleyError: ParleyError {
        let count = issues.count
        let first = issues.first
        return ParleyError(
            .configuration,
            code: "config.invalid",
            message: count == 1
                ? "The configuration has 1 error: \(first.map(\.description) ?? "")"
                : "The configuration has \(count) errors:\n\(description)",
            field: first?.keyPath,
            fix: "Correct the keys listed, then run `parley config check` again."
        )
    }
}

/// The outcome of reading a configuration: the configuration or its errors, and any warnings.
public struct ConfigurationReport: Sendable, Hashable, CustomStringConvertible {
    /// Nil when there is at least one error.
    public var configuration: ParleyConfiguration?
    public var errors: [ConfigurationIssue]
    public var warnings: [ConfigurationIssue]

    public init(configuration: ParleyConfiguration?, errors: [ConfigurationIssue], warnings: [ConfigurationIssue]) {
        self.configuration = errors.isEmpty ? configuration : nil
        self.errors = errors
        self.warnings = warnings
    }

    public var result: Result<ParleyConfiguration, ConfigurationErrors> {
        if let configuration { return .success(configuration) }
        return .failure(ConfigurationErrors(issues: errors, warnings: warnings))
    }

    /// Errors then warnings, one per line; empty when there are neither.
    public var description: String {
        (errors + warnings).map(\.description).joined(separator: "\n")
    }
}
