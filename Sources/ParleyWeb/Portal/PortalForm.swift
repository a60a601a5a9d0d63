import Foundation
import Hummingbird
import NIOCore

/// The fields of an `application/x-www-form-urlencoded` body, as the portal's forms post them.
struct PortalForm: Sendable, Hashable {
    /// Forms are a few fields; anything longer is refused before parsing.
    static let maxBytes = 16 * 1024

    private(set) var fields: [String: String] = [:]

    init(_ fields: [String: String] = [:]) {
        self.fields = fields
    }

    /// Parses `a=1&b=x+y%21`. A repeated name keeps its first value; a pair without `=` is a
    /// name with an empty value; undecodable percent-escapes leave the raw text.
    init(urlEncoded text: Substring) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            if fields[name] == nil { fields[name] = value }
        }
    }

    /// The body of `request` as a form; throws a 413 page error beyond ``maxBytes``.
    static func read(_ request: Request, context: some RequestContext) async throws -> PortalForm {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw PortalPageError(.contentTooLarge, title: "Form too large", message: "The form sent more than 16 KB. Shorten the text and try again.")
        }
        return PortalForm(urlEncoded: Substring(String(buffer: buffer)))
    }

    subscript(_ name: String) -> String? { fields[name] }

    /// The field with spaces trimmed, nil when missing or empty.
    func text(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// A checkbox: present with any value other than empty.
    func isChecked(_ name: String) -> Bool { !(fields[name] ?? "").isEmpty }

    private static func decode(_ raw: Substring) -> String {
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
