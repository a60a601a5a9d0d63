/// A user-facing failure: what happened, where, and what to do about it.
///
/// Every layer throws this (or maps its own errors into it) when a person has to read the
/// result. The web role turns it into an RFC 9457 problem document; the CLI prints
/// `message` and `fix`. `description` never contains secrets: callers must not put PINs,
/// passwords, tokens or SDP bodies into any field.
public struct ParleyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, which decides the HTTP status and the CLI exit code.
    public enum Kind: String, Hashable, Sendable {
        /// The request is malformed: bad JSON, wrong type, unknown field (400).
        case badRequest = "bad_request"
        /// No valid credentials (401).
        case unauthenticated
        /// Valid credentials, not allowed to do this (403).
        case forbidden
        /// No such record (404).
        case notFound = "not_found"
        /// Conflicts with stored state: duplicate, overlap, in use (409).
        case conflict
        /// Well-formed but against a rule: out of range, end before start (422).
        case invalid
        /// A rule of the deployment refuses it now: licences, capacity (403 for the API,
        /// spoken by the IVR).
        case refused
        /// The configuration is wrong.
        case configuration
        /// The store could not be opened or used.
        case storage
        /// Something outside the caller's control failed (500/503).
        case unavailable
    }

    public var kind: Kind
    /// Stable machine-readable code, e.g. `meeting.host_overlap`.
    public var code: String
    /// What happened, in one sentence.
    public var message: String
    /// The field or key path the error is about (`start`, `nodes[2].site`), if any.
    public var field: String?
    /// What to do about it, if there is something to do.
    public var fix: String?

    public init(_ kind: Kind, code: String, message: String, field: String? = nil, fix: String? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.field = field
        self.fix = fix
    }

    public var description: String {
        var out = ""
        if let field { out += "\(field): " }
        out += message
        if let fix { out += " \(fix)" }
        return out
    }

    /// The HTTP status the API answers with.
    public var httpStatus: Int {
        switch kind {
        case .badRequest: return 400
        case .unauthenticated: return 401
        case .forbidden, .refused: return 403
        case .notFound: return 404
        case .conflict: return 409
        case .invalid: return 422
        case .configuration, .storage: return 500
        case .unavailable: return 503
        }
    }
}

extension ParleyError {
    public static func notFound(_ what: String, _ key: String) -> ParleyError {
        ParleyError(.notFound, code: "\(what).not_found", message: "No \(what) '\(key)' exists.")
    }

    public static func invalid(_ field: String, _ message: String, fix: String? = nil) -> ParleyError {
        ParleyError(.invalid, code: "validation.\(field)", message: message, field: field, fix: fix)
    }
}

extension ParleyError {
    /// A user-supplied value made safe to repeat in a message: printable characters only, at
    /// most 64 of them.
    public static func echo(_ text: String) -> String {
        let printable = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        return printable.count > 64 ? String(printable.prefix(64)) + "…" : printable
    }
}
