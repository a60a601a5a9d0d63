import Foundation
import ParleyModel

/// A parsed JSON value, decoded strictly so a request's fields can be checked one by one with
/// errors that name the field (wrong type, unknown field, explicit null).
enum JSONValue: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

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
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A request's JSON object with typed, field-named accessors.
struct JSONBody {
    let fields: [String: JSONValue]

    /// Parses `bytes` as one JSON object whose keys are all in `allowed`.
    init(bytes: [UInt8], allowed: Set<String>) throws(ParleyError) {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch let DecodingError.dataCorrupted(context) {
            throw APIError.badJSON(context.underlyingError.map { "\($0)" }.map(Self.shorten) ?? context.debugDescription)
        } catch {
            throw APIError.badJSON("it could not be parsed.")
        }
        guard case .object(let fields) = value else {
            throw ParleyError(.badRequest, code: "request.not_object", message: "The request body must be a JSON object, not \(value.typeName).")
        }
        for key in fields.keys where !allowed.contains(key) {
            throw APIError.unknownField(ParleyError.echo(key), allowed: Array(allowed))
        }
        self.fields = fields
    }

    func has(_ key: String) -> Bool { fields[key] != nil }

    func string(_ key: String) throws(ParleyError) -> String? {
        switch fields[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?: throw APIError.wrongType(key, expected: "a string, not \(other.typeName)")
        }
    }

    func requiredString(_ key: String) throws(ParleyError) -> String {
        guard let s = try string(key) else { throw APIError.missing(key) }
        return s
    }

    /// `.none` when absent, `.some(nil)` when explicitly null, else the string.
    func nullableString(_ key: String) throws(ParleyError) -> String?? {
        switch fields[key] {
        case nil: return .none
        case .null?: return .some(nil)
        case .string(let s)?: return .some(s)
        case let other?: throw APIError.wrongType(key, expected: "a string or null, not \(other.typeName)")
        }
    }

    func int(_ key: String) throws(ParleyError) -> Int? {
        switch fields[key] {
        case nil, .null?: return nil
        case .int(let i)?:
            guard let v = Int(exactly: i) else { throw APIError.wrongType(key, expected: "an integer") }
            return v
        case let other?: throw APIError.wrongType(key, expected: "an integer, not \(other.typeName)")
        }
    }

    func bool(_ key: String) throws(ParleyError) -> Bool? {
        switch fields[key] {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case let other?: throw APIError.wrongType(key, expected: "true or false, not \(other.typeName)")
        }
    }

    func timestamp(_ key: String) throws(ParleyError) -> Timestamp? {
        guard let text = try string(key) else { return nil }
        guard let t = Timestamp(rfc3339: text) else {
            throw APIError.wrongType(key, expected: "an RFC 3339 date-time such as 2026-11-21T09:30:00Z")
        }
        return t
    }

    func meetingID(_ key: String) throws(ParleyError) -> MeetingID? {
        guard let text = try string(key) else { return nil }
        guard let id = MeetingID(text) else {
            throw ParleyError.invalid(key, "A meeting ID is 4 to 10 digits; '\(ParleyError.echo(text))' is not.")
        }
        return id
    }

    private static func shorten(_ text: String) -> String {
        text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
