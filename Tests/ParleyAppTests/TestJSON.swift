import Foundation

/// A JSON value for assertions: decoded strictly from response bodies (a number is never a
/// boolean), or converted from what Yams reads out of docs/openapi.yaml.
enum TestJSON: Sendable, Equatable, Decodable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([TestJSON])
    case object([String: TestJSON])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int64.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([TestJSON].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: TestJSON].self))
        }
    }

    /// Parses a JSON document.
    static func parse(_ bytes: [UInt8]) throws -> TestJSON {
        try JSONDecoder().decode(TestJSON.self, from: Data(bytes))
    }

    /// Converts a value produced by `Yams.load(yaml:)`.
    init(yaml value: Any?) throws {
        switch value {
        case nil, is NSNull:
            self = .null
        case let s as String:
            self = .string(s)
        case let b as Bool:
            self = .bool(b)
        case let i as Int:
            self = .int(Int64(i))
        case let d as Double:
            self = .double(d)
        case let list as [Any]:
            self = .array(try list.map { try TestJSON(yaml: $0) })
        case let map as [AnyHashable: Any]:
            var out: [String: TestJSON] = [:]
            for (key, item) in map { out["\(key.base)"] = try TestJSON(yaml: item) }
            self = .object(out)
        case let map as [String: Any]:
            self = .object(try map.mapValues { try TestJSON(yaml: $0) })
        case let other?:
            throw JSONTestError("Unexpected YAML value of type \(type(of: other)): \(other). Quote it in the YAML.")
        }
    }

    subscript(key: String) -> TestJSON? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var int: Int? {
        if case .int(let i) = self { return Int(i) }
        return nil
    }

    var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    var array: [TestJSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    var object: [String: TestJSON]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The object's keys (empty for anything else).
    var keys: Set<String> { Set(object?.keys.map { $0 } ?? []) }

    /// The JSON type name as OpenAPI spells it.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .int(let i): return "\(i)"
        case .double(let d): return "\(d)"
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { "\"\($0)\": \(o[$0]!.description)" }.joined(separator: ", ") + "}"
        }
    }
}

/// Builds a JSON request body from literal fields (values: String, Int, Bool, NSNull, arrays).
func json(_ fields: [String: Any]) -> String {
    guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else {
        return "<not JSON-serializable: \(fields)>"
    }
    return String(decoding: data, as: UTF8.self)
}

struct JSONTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
