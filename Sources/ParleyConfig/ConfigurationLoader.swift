/// Reads a ``ParleyConfiguration`` from `parley.yaml`, `PARLEY_*` environment variables and
/// command-line overrides, and checks it.
///
/// Precedence, highest first: flags (`overrides`) > environment > file > defaults.
///
/// - The file: every key of ``ConfigurationKey/all``; unknown keys are errors, with a
///   "did you mean" when a known key is close. Relative `https.certificate`,
///   `https.private_key` and `database.postgres.password_file` are resolved against the
///   file's directory.
/// - The environment: each scalar key path as `PARLEY_` + the path upper-cased with `.` as `_`
///   (`http.port` → `PARLEY_HTTP_PORT`); `PARLEY_ROLES` is comma-separated. The lists
///   (`sites`, `nodes`, `directors`) come from the file only. Other `PARLEY_*` variables that
///   look like configuration keys are warnings; ``nonConfigurationVariables`` are ignored.
/// - Flags: `(key: "http.port", value: "8080")`, parsed like the environment; a later pair
///   wins over an earlier one.
///
/// An empty value (an empty variable, `key: ~` in the file) restores the default. Every problem
/// is collected in one pass; file reading is the caller's (it passes the text).
public enum ConfigurationLoader {
    /// `PARLEY_*` variables that belong to the CLI, not the configuration: never warned about.
    public static let nonConfigurationVariables: Set<String> = ["PARLEY_CONFIG", "PARLEY_TOKEN", "PARLEY_SERVER"]

    /// The configuration, or every error found. Warnings are only in ``check(yaml:sourceName:environment:overrides:)``
    /// and in ``ConfigurationErrors/warnings``.
    public static func load(
        yaml: String?,
        sourceName: String? = nil,
        environment: [String: String] = [:],
        overrides: [(key: String, value: String)] = []
    ) -> Result<ParleyConfiguration, ConfigurationErrors> {
        check(yaml: yaml, sourceName: sourceName, environment: environment, overrides: overrides).result
    }

    /// Reads and checks everything, returning the configuration (when there are no errors),
    /// the errors and the warnings: what `parley config check FILE` prints.
    ///
    /// - Parameters:
    ///   - yaml: the text of the configuration file, or nil when there is none.
    ///   - sourceName: the file's path as the user knows it, used in messages and to resolve
    ///     relative file paths.
    ///   - environment: the process environment (only `PARLEY_*` variables are read).
    ///   - overrides: key paths and values from command-line flags, in order.
    public static func check(
        yaml: String?,
        sourceName: String? = nil,
        environment: [String: String] = [:],
        overrides: [(key: String, value: String)] = []
    ) -> ConfigurationReport {
        var state = ConfigurationAccumulator(fileName: sourceName)
        if let yaml {
            YAMLConfigurationDecoder(sourceName: sourceName).decode(yaml, into: &state)
        }
        applyEnvironment(environment, into: &state)
        applyOverrides(overrides, into: &state)
        ConfigurationValidator.validate(&state)
        return ConfigurationReport(configuration: state.configuration, errors: state.errors, warnings: state.warnings)
    }

    /// Splits a `key=value` flag argument; nil when there is no `=` or no key.
    public static func parseOverride(_ argument: String) -> (key: String, value: String)? {
        guard let equals = argument.firstIndex(of: "=") else { return nil }
        let key = String(argument[..<equals]).trimmingWhitespace
        guard !key.isEmpty else { return nil }
        return (key, String(argument[argument.index(after: equals)...]))
    }

    // MARK: - Environment

    static func applyEnvironment(_ environment: [String: String], into state: inout ConfigurationAccumulator) {
        for binding in ConfigurationSchema.scalars {
            let variable = ConfigurationKey.environmentVariable(for: binding.key.path)
            guard let value = environment[variable] else { continue }
            let source = ConfigurationIssue.Source.environment(variable: variable)
            state.origins[binding.key.path] = source
            let raw: RawConfigurationValue? = value.trimmingWhitespace.isEmpty ? nil : .text(value)
            if let message = binding.set(raw, in: &state.configuration) {
                state.error(
                    binding.key.path, message, fix: ConfigurationAccumulator.exampleFix(for: binding.key, source: source),
                    source: source)
            }
        }
        let known = Array(ConfigurationSchema.scalarsByVariable.keys)
        let sections = ConfigurationSchema.childNames(of: "").map { $0.uppercased() }
        for variable in environment.keys.sorted() where variable.hasPrefix("PARLEY_") {
            guard ConfigurationSchema.scalarsByVariable[variable] == nil,
                !nonConfigurationVariables.contains(variable)
            else { continue }
            let rest = variable.dropFirst("PARLEY_".count)
            let suggestion = KeySuggestion.closest(to: variable, among: known)
            let section = sections.first { rest == $0 || rest.hasPrefix($0 + "_") }
            guard suggestion != nil || section != nil else { continue }
            let fix: String
            if let section, ["SITES", "NODES", "DIRECTORS"].contains(section) {
                fix = "sites, nodes and directors can only be set in the configuration file."
            } else if let suggestion {
                fix = "Did you mean \(suggestion)?"
            } else {
                fix = "Run `parley config example` to see every key and its variable."
            }
            state.warning(
                "", "not a configuration variable; it is ignored.", fix: fix,
                source: .environment(variable: variable))
        }
    }

    // MARK: - Flags

    static func applyOverrides(_ overrides: [(key: String, value: String)], into state: inout ConfigurationAccumulator) {
        for (rawKey, value) in overrides {
            var key = rawKey.trimmingWhitespace
            if key.hasPrefix("--") { key.removeFirst(2) }
            guard let binding = ConfigurationSchema.scalarsByPath[key] else {
                let list = ConfigurationSchema.lists.first { key == $0 || key.hasPrefix($0 + "[") || key.hasPrefix($0 + ".") }
                let fix: String
                if list != nil {
                    fix = "sites, nodes and directors can only be set in the configuration file."
                } else if let close = KeySuggestion.closest(to: key, among: ConfigurationSchema.scalars.map(\.key.path)) {
                    fix = "Did you mean '\(close)'?"
                } else {
                    fix = "Run `parley config example` to see every key."
                }
                state.error(key, "unknown configuration key '\(key)'.", fix: fix, source: .flag)
                continue
            }
            state.origins[key] = .flag
            let raw: RawConfigurationValue? = value.trimmingWhitespace.isEmpty ? nil : .text(value)
            if let message = binding.set(raw, in: &state.configuration) {
                state.error(
                    key, message, fix: ConfigurationAccumulator.exampleFix(for: binding.key, source: .flag), source: .flag)
            }
        }
    }
}
