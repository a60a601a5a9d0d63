extension ParleyConfiguration {
    /// A commented `parley.yaml` with every key at its default (`parley config example`).
    ///
    /// Generated from ``ConfigurationKey/all``, so it always matches what the loader accepts;
    /// loading it yields ``defaults``.
    public static let exampleYAML: String = ConfigurationExample.yaml()

    /// A Markdown table of every key: path, type, default, environment variable, meaning.
    public static let referenceMarkdown: String = ConfigurationExample.markdown()
}

/// Renders the example file and the reference table from the key list.
enum ConfigurationExample {
    typealias Limits = ParleyConfiguration.Limits

    static func yaml() -> String {
        var out = """
            # parley.yaml: the configuration of a Parley process.
            #
            # Precedence, highest first: command-line flags > environment variables > this file > defaults.
            # Every key below is shown with its default; keys without a default are commented out.
            # Each single-value key can also be set with an environment variable, PARLEY_ and the key path
            # upper-cased with "." as "_" (http.port -> PARLEY_HTTP_PORT; roles as director,web).
            # The lists sites, nodes and directors are read from this file only.
            # Unknown keys are errors. Check a file with `parley config check FILE`.

            """
        var open: [Substring] = []
        for binding in ConfigurationSchema.scalars {
            let key = binding.key
            let parts = key.path.split(separator: ".")
            let sections = Array(parts.dropLast())
            var common = 0
            while common < open.count, common < sections.count, open[common] == sections[common] { common += 1 }
            open = Array(open.prefix(common))
            while open.count < sections.count {
                let depth = open.count
                open.append(sections[depth])
                let indent = String(repeating: "  ", count: depth)
                let path = sections.prefix(depth + 1).joined(separator: ".")
                out += "\n"
                if let summary = ConfigurationSchema.sectionSummaries[path] { out += "\(indent)# \(summary)\n" }
                out += "\(indent)\(sections[depth]):\n"
            }
            let indent = String(repeating: "  ", count: open.count)
            out += open.isEmpty ? "\n" : ""
            out += "\(indent)# \(key.summary)\n"
            out += "\(indent)# \(key.type.summary); env \(key.environmentVariable ?? "-")\n"
            if let value = key.defaultValue {
                out += "\(indent)\(key.name): \(render(value, type: key.type))\n"
            } else if let example = key.example {
                out += "\(indent)# \(key.name): \(render(example, type: key.type))\n"
            }
        }
        out += cluster()
        return out
    }

    /// The commented cluster example and the (empty) lists.
    static func cluster() -> String {
        """

        # The cluster: only needed when directors, nodes and web servers run as separate processes.
        # Limits: at most \(Limits.directors) directors, \(Limits.nodesPerSystem) nodes per system and \(Limits.nodesPerSite) nodes per site;
        # size for the ports you need plus one spare node per site. Names are 1 to 32 of a-z, 0-9, '-'.
        # Uncomment and edit:
        #
        # sites:
        #   - name: hq                 # required, unique
        #     description: Head office
        #   - name: apac
        #     description: Singapore
        # nodes:
        #   - name: node-1             # required, unique
        #     site: hq                 # required, declared under sites
        #     address: 10.0.1.21       # required, how directors and web servers reach it
        #     capacity: 1200           # audio ports, \(Limits.nodeCapacity.lowerBound)-\(Limits.nodeCapacity.upperBound), default 1200
        #   - name: node-2
        #     site: hq
        #     address: 10.0.1.22
        #   - name: node-3
        #     site: apac
        #     address: 10.8.1.21
        #     capacity: 600
        # directors:
        #   - name: director-1         # required, unique
        #     address: 10.0.1.11       # required, how nodes reach it
        #   - name: director-2
        #     address: 10.0.1.12
        sites: []
        nodes: []
        directors: []

        """
    }

    /// `value` as a YAML scalar (or flow list for roles), quoted when a plain scalar could be
    /// misread.
    static func render(_ value: String, type: ConfigurationValueType) -> String {
        switch type {
        case .integer:
            return value
        case .roles:
            return "[" + value.split(separator: ",").joined(separator: ", ") + "]"
        default:
            let plain = value.utf8.allSatisfy { c in
                (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
                    || c == UInt8(ascii: ".") || c == UInt8(ascii: "/") || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
            }
            let reserved = ["true", "false", "yes", "no", "on", "off", "null", "~"].contains(value.lowercased())
            if plain && !value.isEmpty && !value.hasPrefix("-") && !reserved && Int(value) == nil {
                return value
            }
            return "\"" + value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
        }
    }

    static func markdown() -> String {
        var out = "| key | type | default | environment | description |\n|---|---|---|---|---|\n"
        for key in ConfigurationKey.all {
            let value = key.defaultValue.map { "`\($0)`" } ?? (key.isRequired ? "required" : "unset")
            let variable = key.environmentVariable.map { "`\($0)`" } ?? "file only"
            out += "| `\(key.path)` | \(key.type.summary.replacing("|", with: "\\|")) | \(value) | \(variable) | \(key.summary) |\n"
        }
        return out
    }
}
