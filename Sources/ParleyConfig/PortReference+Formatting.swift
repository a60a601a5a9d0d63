import ParleyModel

/// The human and data formats of the port reference: aligned text, Markdown (for
/// docs/operations.md), CSV (for spreadsheets) and JSON (for scripts and the tests that compare
/// it with the sockets a running process holds). No Foundation: the escaping is done here.
extension PortReference {
    static let headers = ["Protocol", "Transport", "Ports", "Source", "Destination", "Purpose", "Exposed to", "Optional", "Setting"]

    static func cells(_ rule: PortRule) -> [String] {
        [
            rule.application, rule.transportText, rule.portsText, rule.source, rule.destination, rule.purpose, rule.exposureText,
            rule.optional ? "yes" : "no", rule.setting ?? "",
        ]
    }

    var rolesText: String { roles.map(\.rawValue).joined(separator: ", ") }

    /// Two aligned tables, incoming then outgoing.
    public var table: String {
        var out = "Ports of a \(systemName) host running \(rolesText)\n"
        for (title, rules) in [("Incoming", incoming), ("Outgoing", outgoing)] {
            out += "\n\(title)\n"
            out += rules.isEmpty ? "(none)\n" : Self.aligned([Self.headers] + rules.map(Self.cells))
        }
        return out
    }

    private static func aligned(_ rows: [[String]]) -> String {
        var widths = [Int](repeating: 0, count: headers.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                text += index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
            }
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        var lines = [line(rows[0]), line(widths.map { String(repeating: "-", count: $0) })]
        lines += rows.dropFirst().map(line)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Markdown tables under bold titles, as docs/operations.md embeds them.
    public var markdown: String {
        var out = ""
        for (title, rules) in [("Incoming", incoming), ("Outgoing", outgoing)] {
            out += "**\(title)** (host roles: \(rolesText))\n\n"
            guard !rules.isEmpty else {
                out += "None.\n\n"
                continue
            }
            out += "| " + Self.headers.joined(separator: " | ") + " |\n"
            out += "|" + String(repeating: "---|", count: Self.headers.count) + "\n"
            for rule in rules {
                let cells = Self.cells(rule).map { $0.replacingAll("|", with: "\\|") }
                out += "| " + cells.enumerated().map { $0.offset == 8 && !$0.element.isEmpty ? "`\($0.element)`" : $0.element }
                    .joined(separator: " | ") + " |\n"
            }
            out += "\n"
        }
        return out
    }

    /// RFC 4180 CSV with a Direction and a Name column first.
    public var csv: String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingAll("\"", with: "\"\"") + "\"" : text
        }
        var lines = [(["Direction", "Name"] + Self.headers).map(field).joined(separator: ",")]
        for rule in incoming + outgoing {
            lines.append(([rule.direction.rawValue, rule.name] + Self.cells(rule)).map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// One JSON object: `roles`, `system`, and the `incoming` and `outgoing` rules with
    /// machine-readable fields (`transport` is `tcp`, `udp` or `tls`; `ports` is
    /// `{"first": …, "last": …}` or null for any; `exposure` is `admins`, `end_users` or
    /// `internal`).
    public var json: String {
        func string(_ text: String?) -> String {
            guard let text else { return "null" }
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        func range(_ ports: PortRange?) -> String {
            ports.map { "{\"first\": \($0.first), \"last\": \($0.last)}" } ?? "null"
        }
        func rule(_ rule: PortRule) -> String {
            let fields = [
                "\"name\": \(string(rule.name))", "\"direction\": \(string(rule.direction.rawValue))",
                "\"role\": \(string(rule.role.rawValue))", "\"protocol\": \(string(rule.application))",
                "\"transport\": \(string(rule.transport.rawValue))", "\"ports\": \(range(rule.ports))",
                "\"source_ports\": \(range(rule.sourcePorts))", "\"source\": \(string(rule.source))",
                "\"destination\": \(string(rule.destination))", "\"bind_address\": \(string(rule.bindAddress))",
                "\"destination_host\": \(string(rule.destinationHost))", "\"purpose\": \(string(rule.purpose))",
                "\"exposure\": \(string(rule.exposure.rawValue))", "\"optional\": \(rule.optional)",
                "\"setting\": \(string(rule.setting))",
            ]
            return "    {" + fields.joined(separator: ", ") + "}"
        }
        func list(_ rules: [PortRule]) -> String {
            rules.isEmpty ? "[]" : "[\n" + rules.map(rule).joined(separator: ",\n") + "\n  ]"
        }
        return """
            {
              "system": \(string(systemName)),
              "roles": [\(roles.map { string($0.rawValue) }.joined(separator: ", "))],
              "incoming": \(list(incoming)),
              "outgoing": \(list(outgoing))
            }

            """
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation here).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}
