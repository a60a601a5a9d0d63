/// An ordered list of `;name[=value]` parameters with case-insensitive names.
///
/// Used for header parameters (values kept raw, quoted strings with their quotes) and for
/// URI parameters (values unescaped).
public struct SIPParameters: Sendable, Hashable, Sequence, ExpressibleByArrayLiteral {
    public struct Parameter: Sendable, Hashable {
        public var name: String
        /// `nil` for a parameter without `=value` (such as `lr` or `rport`).
        public var value: String?

        public init(_ name: String, _ value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var elements: [Parameter]

    public init(_ elements: [Parameter] = []) {
        self.elements = elements
    }

    public init(arrayLiteral elements: Parameter...) {
        self.elements = elements
    }

    public var isEmpty: Bool { elements.isEmpty }
    public var count: Int { elements.count }

    public func makeIterator() -> IndexingIterator<[Parameter]> {
        elements.makeIterator()
    }

    /// Whether a parameter with this name is present (with or without a value).
    public func contains(_ name: String) -> Bool {
        index(of: name) != nil
    }

    /// The value of the first parameter with this name; nil if absent or valueless.
    public func value(_ name: String) -> String? {
        guard let index = index(of: name) else { return nil }
        return elements[index].value
    }

    /// Sets (replacing the first of that name) or appends a parameter.
    public mutating func set(_ name: String, _ value: String? = nil) {
        if let index = index(of: name) {
            elements[index].value = value
        } else {
            elements.append(Parameter(name, value))
        }
    }

    /// Appends a parameter, even if one of that name exists.
    public mutating func append(_ name: String, _ value: String? = nil) {
        elements.append(Parameter(name, value))
    }

    /// Removes every parameter with this name.
    public mutating func remove(_ name: String) {
        elements.removeAll { SIPParameters.namesEqual($0.name, name) }
    }

    private func index(of name: String) -> Int? {
        elements.firstIndex { SIPParameters.namesEqual($0.name, name) }
    }

    static func namesEqual(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count
            && zip(lhs.utf8, rhs.utf8).allSatisfy {
                SIPCharacterClass.lowercased($0) == SIPCharacterClass.lowercased($1)
            }
    }

    /// Header-parameter form: `;name=value` with values written as stored.
    var headerParameterText: String {
        var text = ""
        for parameter in elements {
            text += ";" + parameter.name
            if let value = parameter.value {
                text += "=" + value
            }
        }
        return text
    }

    /// Parses `*( SEMI generic-param )` where `generic-param = token [ EQUAL gen-value ]`
    /// and `gen-value = token / host / quoted-string`. Stops before anything else.
    static func parseHeaderParameters(_ scanner: inout SIPValueScanner) -> SIPParameters? {
        var parameters = SIPParameters()
        while scanner.consumeSeparator(UInt8(ascii: ";")) {
            guard let name = scanner.readToken() else { return nil }
            var value: String?
            if scanner.consumeSeparator(UInt8(ascii: "=")) {
                if scanner.peek() == SIPCharacterClass.quote {
                    guard let quoted = scanner.readRawQuotedString() else { return nil }
                    value = quoted
                } else if scanner.peek() == UInt8(ascii: "[") {
                    let start = scanner.index
                    _ = scanner.consume(UInt8(ascii: "["))
                    _ = scanner.read(while: SIPCharacterClass.isIPv6Character)
                    guard scanner.consume(UInt8(ascii: "]")) else { return nil }
                    value = String(decoding: scanner.bytes[start..<scanner.index], as: UTF8.self)
                } else {
                    guard let token = scanner.readToken() else { return nil }
                    value = token
                }
            }
            parameters.elements.append(Parameter(name, value))
        }
        return parameters
    }
}
