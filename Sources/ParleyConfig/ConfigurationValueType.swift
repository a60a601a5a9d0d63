import ParleyModel

/// The type of a configuration key's value, which decides how text is parsed and what an
/// error says is expected.
public enum ConfigurationValueType: Sendable, Hashable {
    /// Non-empty text on one line.
    case text
    /// A bind or reachable address: an IPv4 or IPv6 literal or a host name.
    case address
    /// An absolute `http://` or `https://` URL.
    case url
    /// A file the process reads; relative paths in the configuration file are relative to
    /// that file's directory.
    case filePath
    /// A path the process writes under (see the key for what it is relative to).
    case path
    /// A site, node or director name: 1 to 32 of `a-z`, `0-9`, `-`.
    case name
    /// A whole number within a range.
    case integer(ClosedRange<Int>)
    /// One of a fixed set of words.
    case choice([String])
    /// A list of ``Role`` raw values (YAML list, or comma-separated text).
    case roles

    /// How an error describes what it expected: "an integer from 1 to 65535".
    public var expectation: String {
        switch self {
        case .text: return "a non-empty string"
        case .address: return "an IP address or host name, such as 0.0.0.0 or ::"
        case .url: return "an http:// or https:// URL, such as https://meet.example.com"
        case .filePath: return "a file path"
        case .path: return "a path"
        case .name: return "a name of 1 to 32 lower-case letters, digits or '-'"
        case .integer(let range): return "an integer from \(range.lowerBound) to \(range.upperBound)"
        case .choice(let words): return "one of: \(words.joined(separator: ", "))"
        case .roles: return "a list of roles from: \(Role.allCases.map(\.rawValue).joined(separator: ", "))"
        }
    }

    /// A short name for reference tables: "integer 1-65535", "text|json".
    public var summary: String {
        switch self {
        case .text: return "string"
        case .address: return "address"
        case .url: return "URL"
        case .filePath: return "file path"
        case .path: return "path"
        case .name: return "name"
        case .integer(let range): return "integer \(range.lowerBound)-\(range.upperBound)"
        case .choice(let words): return words.joined(separator: "|")
        case .roles: return "list of roles"
        }
    }

    /// Parses one raw value; on failure returns the message ("expected …, got 'abc'.").
    func parse(_ raw: RawConfigurationValue, secret: Bool) -> Result<ParsedConfigurationValue, ValueProblem> {
        let text: String
        switch raw {
        case .text(let t):
            text = t
        case .list(let items):
            guard case .roles = self else { return .failure(ValueProblem("expected \(expectation), got a list.")) }
            return parseRoles(items)
        case .mapping:
            return .failure(ValueProblem("expected \(expectation), got a mapping."))
        }
        let shown = secret ? "" : ", got '\(text)'"
        let trimmed = text.trimmingWhitespace
        func fail() -> Result<ParsedConfigurationValue, ValueProblem> { .failure(ValueProblem("expected \(expectation)\(shown).")) }
        switch self {
        case .text, .filePath, .path:
            guard !trimmed.isEmpty, !text.contains("\n") else { return fail() }
            return .success(.text(self == .text ? text : trimmed))
        case .address:
            guard Self.isAddress(trimmed) else { return fail() }
            return .success(.text(trimmed))
        case .url:
            let lower = trimmed.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://"),
                trimmed.count > (lower.hasPrefix("https://") ? 8 : 7),
                !trimmed.contains(" ")
            else { return fail() }
            return .success(.text(trimmed))
        case .name:
            guard Self.isName(trimmed) else { return fail() }
            return .success(.text(trimmed))
        case .integer(let range):
            guard let value = Int(trimmed), range.contains(value) else { return fail() }
            return .success(.integer(value))
        case .choice(let words):
            let lower = trimmed.lowercased()
            guard words.contains(lower) else { return fail() }
            return .success(.text(lower))
        case .roles:
            let items = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
            return parseRoles(items)
        }
    }

    private func parseRoles(_ items: [String]) -> Result<ParsedConfigurationValue, ValueProblem> {
        var roles: [Role] = []
        for item in items {
            let word = item.trimmingWhitespace.lowercased()
            guard let role = Role(rawValue: word) else {
                return .failure(ValueProblem("expected \(expectation), got '\(item.trimmingWhitespace)'."))
            }
            guard !roles.contains(role) else {
                return .failure(ValueProblem("role '\(word)' is listed twice."))
            }
            roles.append(role)
        }
        guard !roles.isEmpty else { return .failure(ValueProblem("expected \(expectation), got an empty list.")) }
        return .success(.roles(roles.sorted()))
    }

    /// 1 to 32 of `a-z`, `0-9`, `-`.
    static func isName(_ text: String) -> Bool {
        ParleyConfiguration.Limits.nameLength.contains(text.utf8.count)
            && text.utf8.allSatisfy { c in
                (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                    || c == UInt8(ascii: "-")
            }
    }

    /// An IPv4 literal, an IPv6 literal (hex digits, `:` and `.`, optionally in brackets), or a
    /// host name (letters, digits, `-`, `.`). Digits-and-dots text must be a valid IPv4 literal.
    static func isAddress(_ text: String) -> Bool {
        var body = Substring(text)
        if body.hasPrefix("[") && body.hasSuffix("]") && body.count > 2 { body = body.dropFirst().dropLast() }
        guard !body.isEmpty, body.utf8.count <= 253 else { return false }
        let bytes = Array(body.utf8)
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) }
        func isLetter(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 65 && c <= 90) }
        if bytes.contains(UInt8(ascii: ":")) {
            return bytes.allSatisfy { isHex($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }
        }
        if bytes.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: ".") }) {
            let parts = body.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count == 4 && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && (Int($0) ?? 256) <= 255 }
        }
        return bytes.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
            && bytes.first != UInt8(ascii: "-") && bytes.first != UInt8(ascii: ".")
    }
}

/// A value as it was written, before its type is applied.
enum RawConfigurationValue: Sendable, Hashable {
    case text(String)
    case list([String])
    case mapping
}

/// Why a value was rejected: "expected …, got 'abc'."
struct ValueProblem: Error, Hashable {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}

/// A value after parsing, ready to store.
enum ParsedConfigurationValue: Sendable, Hashable {
    case text(String)
    case integer(Int)
    case roles([Role])
}

extension String {
    /// The text without leading and trailing spaces, tabs and line breaks.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
