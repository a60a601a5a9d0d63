/// One documented configuration key: its path, type, default and environment variable.
///
/// ``all`` is the single list the decoder, the environment reader, `parley config example`
/// and the reference documentation are built from, so none of them can drift from another.
public struct ConfigurationKey: Sendable, Hashable {
    /// Dotted key path: `http.port`, `database.postgres.password`; list entries use `[]`:
    /// `nodes[].site`.
    public var path: String
    public var type: ConfigurationValueType
    /// The built-in default as written in YAML (`8080`, `info`, `director,node,web`); nil when
    /// the key is unset by default.
    public var defaultValue: String?
    /// A value to show in the example when there is no default.
    public var example: String?
    /// Whether an entry of a list must set it.
    public var isRequired: Bool
    /// Whether the value is a secret: never quoted in messages, never printed.
    public var isSecret: Bool
    /// What the key is for, one or two sentences.
    public var summary: String

    public init(
        path: String,
        type: ConfigurationValueType,
        defaultValue: String?,
        example: String? = nil,
        isRequired: Bool = false,
        isSecret: Bool = false,
        summary: String
    ) {
        self.path = path
        self.type = type
        self.defaultValue = defaultValue
        self.example = example
        self.isRequired = isRequired
        self.isSecret = isSecret
        self.summary = summary
    }

    /// The last component of the path: `port` for `http.port`.
    public var name: String {
        path.split(separator: ".").last.map(String.init) ?? path
    }

    /// Whether the key belongs to an entry of `sites`, `nodes` or `directors` (file only).
    public var isListEntry: Bool { path.contains("[]") }

    /// `PARLEY_` + the path upper-cased with `.` as `_` (`PARLEY_HTTP_PORT`); nil for list
    /// entries, which are read from the file only.
    public var environmentVariable: String? {
        isListEntry ? nil : Self.environmentVariable(for: path)
    }

    /// `PARLEY_` + `path` upper-cased with `.` replaced by `_`.
    public static func environmentVariable(for path: String) -> String {
        "PARLEY_" + path.uppercased().replacing(".", with: "_")
    }

    /// Every key, in the order of the example file: scalar keys, then list entries.
    public static var all: [ConfigurationKey] { ConfigurationSchema.allKeys }

    /// The key with this path (`http.port`, `nodes[].site`), if any.
    public static func named(_ path: String) -> ConfigurationKey? {
        all.first { $0.path == path }
    }
}
