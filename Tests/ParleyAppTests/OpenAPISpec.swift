import Foundation
import ParleyModel
import Yams

/// docs/openapi.yaml, parsed, with a small validator for the JSON Schema subset it uses:
/// `$ref`, `type` (one or a list), `properties`, `required`, `additionalProperties: false`,
/// `items`, `enum`, `pattern`, `format` (date-time, email, uri), `minimum`/`maximum`,
/// `minLength`/`maxLength`.
struct OpenAPISpec: Sendable {
    let root: TestJSON

    static let methods = ["get", "put", "post", "patch", "delete", "head", "options"]

    /// The package's root directory, found from this file's path.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var path: String { packageRoot.appendingPathComponent("docs/openapi.yaml").path }

    static func load() throws -> OpenAPISpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JSONTestError("docs/openapi.yaml was not found at \(path).")
        }
        let text = String(decoding: data, as: UTF8.self)
        return OpenAPISpec(root: try TestJSON(yaml: try Yams.load(yaml: text)))
    }

    /// Every operation as `METHOD /path`.
    var operationKeys: Set<String> {
        var out = Set<String>()
        for (path, item) in root["paths"]?.object ?? [:] {
            for method in item.keys where Self.methods.contains(method) { out.insert("\(method.uppercased()) \(path)") }
        }
        return out
    }

    /// The operation for `METHOD /path/{param}`.
    func operation(_ key: String) -> TestJSON? {
        let parts = key.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        return root["paths"]?[parts[1]]?[parts[0].lowercased()]
    }

    /// Parameters of an operation, including those declared on its path, with `$ref`s resolved.
    func parameters(_ key: String) -> [TestJSON] {
        let parts = key.split(separator: " ", maxSplits: 1).map(String.init)
        let item = root["paths"]?[parts[1]]
        let all = (item?["parameters"]?.array ?? []) + (operation(key)?["parameters"]?.array ?? [])
        return all.map(resolve)
    }

    func schema(named name: String) -> TestJSON? {
        root["components"]?["schemas"]?[name]
    }

    /// Follows `$ref` (repeatedly) to what it names.
    func resolve(_ node: TestJSON) -> TestJSON {
        var current = node
        var hops = 0
        while let ref = current["$ref"]?.string, hops < 20 {
            guard let target = lookup(ref) else { return current }
            current = target
            hops += 1
        }
        return current
    }

    /// The node a local `#/…` reference names, or nil.
    func lookup(_ ref: String) -> TestJSON? {
        guard ref.hasPrefix("#/") else { return nil }
        var node: TestJSON? = root
        for part in ref.dropFirst(2).split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            node = node?[key]
        }
        return node
    }

    /// Every `$ref` string anywhere in the document.
    var allReferences: [String] {
        var out: [String] = []
        func walk(_ node: TestJSON) {
            switch node {
            case .object(let fields):
                if let ref = fields["$ref"]?.string { out.append(ref) }
                fields.values.forEach(walk)
            case .array(let items):
                items.forEach(walk)
            default:
                break
            }
        }
        walk(root)
        return out
    }

    /// The documented response of an operation for a status (resolved), or nil.
    func response(_ key: String, status: Int) -> TestJSON? {
        guard let responses = operation(key)?["responses"] else { return nil }
        return (responses["\(status)"] ?? responses["\(status / 100)XX"]).map(resolve)
    }

    // MARK: Validation

    /// The ways `value` breaks `schema`; empty when it conforms.
    func violations(of value: TestJSON, against schema: TestJSON, at path: String = "$") -> [String] {
        let schema = resolve(schema)
        var problems: [String] = []
        if let types = schema["type"] {
            let allowed = types.array?.compactMap(\.string) ?? types.string.map { [$0] } ?? []
            let actual = value.typeName
            let ok = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
            if !ok {
                return ["\(path): expected \(allowed.joined(separator: " or ")), got \(actual) \(value)"]
            }
        }
        if let options = schema["enum"]?.array, !options.contains(value) {
            problems.append("\(path): \(value) is not one of \(options)")
        }
        switch value {
        case .string(let s):
            if let pattern = schema["pattern"]?.string, s.range(of: pattern, options: .regularExpression) == nil {
                problems.append("\(path): \"\(s)\" does not match \(pattern)")
            }
            if let min = schema["minLength"]?.int, s.count < min { problems.append("\(path): shorter than \(min)") }
            if let max = schema["maxLength"]?.int, s.count > max { problems.append("\(path): longer than \(max)") }
            switch schema["format"]?.string {
            case "date-time"?:
                if Timestamp(rfc3339: s) == nil { problems.append("\(path): \"\(s)\" is not an RFC 3339 date-time") }
            case "email"?:
                if !s.contains("@") { problems.append("\(path): \"\(s)\" is not an e-mail address") }
            case "uri"?:
                if !s.contains(":") { problems.append("\(path): \"\(s)\" is not a URI") }
            default:
                break
            }
        case .int(let i):
            if let min = schema["minimum"]?.int, i < Int64(min) { problems.append("\(path): \(i) is below \(min)") }
            if let max = schema["maximum"]?.int, i > Int64(max) { problems.append("\(path): \(i) is above \(max)") }
        case .array(let items):
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() {
                    problems += violations(of: item, against: itemSchema, at: "\(path)[\(index)]")
                }
            }
        case .object(let fields):
            let properties = schema["properties"]?.object ?? [:]
            for name in schema["required"]?.array?.compactMap(\.string) ?? [] where fields[name] == nil {
                problems.append("\(path): required property '\(name)' is missing")
            }
            for (name, item) in fields {
                if let property = properties[name] {
                    problems += violations(of: item, against: property, at: "\(path).\(name)")
                } else if schema["additionalProperties"]?.bool == false {
                    problems.append("\(path): property '\(name)' is not in the schema")
                }
            }
        default:
            break
        }
        return problems
    }
}
