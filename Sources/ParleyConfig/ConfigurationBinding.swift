import ParleyModel

/// A type that configuration keys are stored into, with the defaults a reset restores.
protocol ConfigurationRoot: Sendable {
    static var configurationDefaults: Self { get }
}

extension ParleyConfiguration: ConfigurationRoot {
    static var configurationDefaults: ParleyConfiguration { .defaults }
}

extension ParleyConfiguration.Site: ConfigurationRoot {
    static var configurationDefaults: ParleyConfiguration.Site { .init() }
}

extension ParleyConfiguration.Node: ConfigurationRoot {
    static var configurationDefaults: ParleyConfiguration.Node { .init() }
}

extension ParleyConfiguration.Director: ConfigurationRoot {
    static var configurationDefaults: ParleyConfiguration.Director { .init() }
}

/// Ties a ``ConfigurationKey`` to the property it sets, so the key list and the decoder are
/// one table. `apply(nil)` restores the default (an explicit `null` or an empty variable).
struct ConfigurationBinding<Root: ConfigurationRoot>: Sendable {
    let key: ConfigurationKey
    let apply: @Sendable (inout Root, ParsedConfigurationValue?) -> Void
    /// The current value as YAML text, nil when unset.
    let render: @Sendable (Root) -> String?

    /// Parses `raw` by the key's type and stores it; returns the error message on failure.
    func set(_ raw: RawConfigurationValue?, in root: inout Root) -> String? {
        guard let raw else {
            apply(&root, nil)
            return nil
        }
        switch key.type.parse(raw, secret: key.isSecret) {
        case .success(let value):
            apply(&root, value)
            return nil
        case .failure(let problem):
            return problem.message
        }
    }
}

// MARK: - Constructors by property type

extension ConfigurationBinding {
    static func integer(
        _ path: String,
        _ property: any WritableKeyPath<Root, Int> & Sendable,
        _ range: ClosedRange<Int>,
        _ summary: String
    ) -> Self {
        let fallback = Root.configurationDefaults[keyPath: property]
        return Self(
            key: ConfigurationKey(path: path, type: .integer(range), defaultValue: "\(fallback)", summary: summary),
            apply: { root, value in
                if case .integer(let number)? = value {
                    root[keyPath: property] = number
                } else {
                    root[keyPath: property] = fallback
                }
            },
            render: { "\($0[keyPath: property])" }
        )
    }

    static func optionalInteger(
        _ path: String,
        _ property: any WritableKeyPath<Root, Int?> & Sendable,
        _ range: ClosedRange<Int>,
        example: String,
        _ summary: String
    ) -> Self {
        Self(
            key: ConfigurationKey(path: path, type: .integer(range), defaultValue: nil, example: example, summary: summary),
            apply: { root, value in
                if case .integer(let number)? = value {
                    root[keyPath: property] = number
                } else {
                    root[keyPath: property] = nil
                }
            },
            render: { $0[keyPath: property].map { "\($0)" } }
        )
    }

    static func text(
        _ path: String,
        _ property: any WritableKeyPath<Root, String> & Sendable,
        type: ConfigurationValueType = .text,
        required: Bool = false,
        example: String? = nil,
        _ summary: String
    ) -> Self {
        let fallback = Root.configurationDefaults[keyPath: property]
        return Self(
            key: ConfigurationKey(
                path: path, type: type, defaultValue: fallback.isEmpty ? nil : fallback, example: example,
                isRequired: required, summary: summary
            ),
            apply: { root, value in
                if case .text(let text)? = value {
                    root[keyPath: property] = text
                } else {
                    root[keyPath: property] = fallback
                }
            },
            render: { root in
                let text = root[keyPath: property]
                return text.isEmpty ? nil : text
            }
        )
    }

    static func optionalText(
        _ path: String,
        _ property: any WritableKeyPath<Root, String?> & Sendable,
        type: ConfigurationValueType = .text,
        secret: Bool = false,
        example: String? = nil,
        _ summary: String
    ) -> Self {
        Self(
            key: ConfigurationKey(
                path: path, type: type, defaultValue: nil, example: example, isSecret: secret, summary: summary
            ),
            apply: { root, value in
                if case .text(let text)? = value {
                    root[keyPath: property] = text
                } else {
                    root[keyPath: property] = nil
                }
            },
            render: { $0[keyPath: property] }
        )
    }

    static func choice<Value: RawRepresentable & CaseIterable & Sendable>(
        _ path: String,
        _ property: any WritableKeyPath<Root, Value> & Sendable,
        _ summary: String
    ) -> Self where Value.RawValue == String {
        let fallback = Root.configurationDefaults[keyPath: property]
        return Self(
            key: ConfigurationKey(
                path: path, type: .choice(Value.allCases.map(\.rawValue)), defaultValue: fallback.rawValue,
                summary: summary
            ),
            apply: { root, value in
                if case .text(let text)? = value, let parsed = Value(rawValue: text) {
                    root[keyPath: property] = parsed
                } else {
                    root[keyPath: property] = fallback
                }
            },
            render: { $0[keyPath: property].rawValue }
        )
    }

    static func roles(
        _ path: String,
        _ property: any WritableKeyPath<Root, [Role]> & Sendable,
        _ summary: String
    ) -> Self {
        let fallback = Root.configurationDefaults[keyPath: property]
        return Self(
            key: ConfigurationKey(
                path: path, type: .roles, defaultValue: fallback.map(\.rawValue).joined(separator: ","),
                summary: summary
            ),
            apply: { root, value in
                if case .roles(let roles)? = value {
                    root[keyPath: property] = roles
                } else {
                    root[keyPath: property] = fallback
                }
            },
            render: { $0[keyPath: property].map(\.rawValue).joined(separator: ",") }
        )
    }
}

extension ConfigurationBinding {
    /// A yes/no switch, written `true` or `false`.
    static func flag(
        _ path: String,
        _ property: any WritableKeyPath<Root, Bool> & Sendable,
        _ summary: String
    ) -> Self {
        let fallback = Root.configurationDefaults[keyPath: property]
        return Self(
            key: ConfigurationKey(path: path, type: .choice(["true", "false"]), defaultValue: "\(fallback)", summary: summary),
            apply: { root, value in
                if case .text(let text)? = value {
                    root[keyPath: property] = text == "true"
                } else {
                    root[keyPath: property] = fallback
                }
            },
            render: { "\($0[keyPath: property])" }
        )
    }
}
