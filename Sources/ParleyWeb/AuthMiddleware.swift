import Hummingbird
import ParleyDirector

/// Requires `Authorization: Bearer <token>` and sets the request's principal; 401 otherwise.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let director: Director

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { throw APIError.unauthenticated }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
            let principal = try await director.authenticate(token: String(parts[1]).trimmingSpaces)
        else { throw APIError.unauthenticated }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
