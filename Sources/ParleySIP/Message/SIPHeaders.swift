/// The header fields of a message, in the order received or added.
///
/// Each field is one header line: `values(for:)` splits list headers (Via, Contact, ...)
/// at top-level commas, while `fields` keeps every line verbatim so a message can be
/// relayed or answered without reformatting what it did not need to understand.
public struct SIPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public struct Field: Sendable, Hashable {
        public var name: SIPHeaderName
        /// The value with folding resolved and surrounding whitespace removed.
        public var value: String

        public init(name: SIPHeaderName, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field]

    public init(_ fields: [Field] = []) {
        self.fields = fields
    }

    public init(dictionaryLiteral elements: (SIPHeaderName, String)...) {
        self.fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> {
        fields.makeIterator()
    }

    /// The value of the first field with this name.
    public subscript(name: SIPHeaderName) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Every line's value for this name, unsplit.
    public func lines(for name: SIPHeaderName) -> [String] {
        fields.compactMap { $0.name == name ? $0.value : nil }
    }

    /// Every value for this name: list headers are split at top-level commas.
    public func values(for name: SIPHeaderName) -> [String] {
        guard name.isList else { return lines(for: name) }
        return lines(for: name).flatMap(SIPValueScanner.splitTopLevelCommas)
    }

    public func contains(_ name: SIPHeaderName) -> Bool {
        fields.contains { $0.name == name }
    }

    /// Number of header lines with this name.
    public func lineCount(for name: SIPHeaderName) -> Int {
        fields.reduce(0) { $0 + ($1.name == name ? 1 : 0) }
    }

    /// Appends a field after the existing ones.
    public mutating func add(_ name: SIPHeaderName, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Inserts a field before every other (a new top Via or Record-Route).
    public mutating func prepend(_ name: SIPHeaderName, _ value: String) {
        fields.insert(Field(name: name, value: value), at: 0)
    }

    /// Replaces the value of the first field with this name (removing any others),
    /// or appends the field if absent.
    public mutating func replaceOrAdd(_ name: SIPHeaderName, _ value: String) {
        guard let first = fields.firstIndex(where: { $0.name == name }) else {
            add(name, value)
            return
        }
        fields[first].value = value
        var index = fields.count - 1
        while index > first {
            if fields[index].name == name { fields.remove(at: index) }
            index -= 1
        }
    }

    /// Removes every field with this name.
    public mutating func remove(_ name: SIPHeaderName) {
        fields.removeAll { $0.name == name }
    }
}
