import ParleyModel

/// Field checks shared by the director's operations. Each throws a 422 naming the field.
enum Validate {
    static func displayName(_ text: String) throws(ParleyError) -> String {
        let trimmed = trim(text)
        guard (1...128).contains(trimmed.utf8.count), !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw ParleyError.invalid("displayName", "The display name must be 1-128 characters without control characters.")
        }
        return trimmed
    }

    static func email(_ text: String) throws(ParleyError) -> String {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard text.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !text.contains(" ")
        else {
            throw ParleyError.invalid("email", "'\(ParleyError.echo(text))' is not an e-mail address.", fix: "Use the form name@example.com.")
        }
        return text
    }

    static func digits(_ text: String, field: String, range: ClosedRange<Int>) throws(ParleyError) -> String {
        guard range.contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw ParleyError.invalid(field, "\(field) must be \(range.lowerBound) to \(range.upperBound) digits (callers key it in on a phone keypad).")
        }
        return text
    }

    static func password(_ text: String) throws(ParleyError) -> String {
        guard (8...128).contains(text.count) else {
            throw ParleyError.invalid("password", "A password must be 8 to 128 characters long.")
        }
        return text
    }

    static func title(_ text: String) throws(ParleyError) -> String {
        let trimmed = trim(text)
        guard MeetingRules.titleLength.contains(trimmed.count), !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw ParleyError.invalid("title", "A title must be 1 to 200 characters without control characters.")
        }
        return trimmed
    }

    static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 46 || c == 95 || c == 45
    }

    static func trim(_ text: String) -> String {
        var s = Substring(text)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
