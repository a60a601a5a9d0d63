import ParleyModel

/// Errors the web layer raises itself (the director raises ``ParleyError`` for the rest).
enum APIError {
    static let unauthenticated = ParleyError(
        .unauthenticated, code: "auth.token_required",
        message: "This API needs a valid token in the Authorization header (Authorization: Bearer prl_…).",
        fix: "Create one with `parley admin token create` on the server and send it as a bearer token."
    )

    static func badJSON(_ detail: String) -> ParleyError {
        ParleyError(.badRequest, code: "request.malformed_json", message: "The request body is not valid JSON: \(detail)", fix: "Send a JSON object with Content-Type: application/json.")
    }

    static func wrongType(_ field: String, expected: String) -> ParleyError {
        ParleyError(.badRequest, code: "request.wrong_type", message: "\(field) must be \(expected).", field: field)
    }

    static func unknownField(_ field: String, allowed: [String]) -> ParleyError {
        ParleyError(
            .badRequest, code: "request.unknown_field", message: "Unknown field '\(field)'.", field: field,
            fix: "Allowed fields: \(allowed.sorted().joined(separator: ", "))."
        )
    }

    static func missing(_ field: String) -> ParleyError {
        ParleyError(.badRequest, code: "request.missing_field", message: "\(field) is required.", field: field)
    }

    static func badQuery(_ name: String, _ message: String) -> ParleyError {
        ParleyError(.badRequest, code: "request.bad_query", message: message, field: name)
    }

    static let tooLarge = ParleyError(
        .badRequest, code: "request.too_large", message: "The request body is larger than 64 KiB.", fix: "Send a smaller body."
    )
}
