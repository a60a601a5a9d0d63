import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ParleyModel

/// Turns every error into an RFC 9457 problem document (`application/problem+json`):
/// ``ParleyError`` with its status, Hummingbird's own errors (unknown route, body too large)
/// with theirs, and anything unexpected as a 500 that is logged and says nothing internal.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ParleyError {
            if error.kind == .storage || error.kind == .configuration {
                context.logger.error("request failed", metadata: ["error": "\(error)"])
            }
            return Problem(error).response(instance: request.uri.path)
        } catch let error as HTTPError {
            let problem: ParleyError
            switch error.status.code {
            case 404:
                problem = ParleyError(.notFound, code: "route.not_found", message: "No route \(request.method) \(request.uri.path).", fix: "See docs/openapi.yaml for the API's routes.")
            case 405:
                problem = ParleyError(.badRequest, code: "route.method_not_allowed", message: "\(request.method) is not allowed on \(request.uri.path).")
            case 413:
                problem = APIError.tooLarge
            default:
                problem = ParleyError(.badRequest, code: "request.rejected", message: error.body ?? "The request was rejected.")
            }
            return Problem(problem, status: Int(error.status.code)).response(instance: request.uri.path)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            let problem = ParleyError(.unavailable, code: "internal", message: "The server failed to handle this request; the error is in its log.")
            return Problem(problem, status: 500).response(instance: request.uri.path)
        }
    }
}

/// An RFC 9457 problem document.
public struct Problem: Codable, Sendable, Equatable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    public var instance: String?
    /// Parley's stable error code, e.g. `meeting.host_overlap`.
    public var code: String
    /// The request field the problem is about, if any.
    public var field: String?
    /// What to do about it.
    public var fix: String?

    init(_ error: ParleyError, status: Int? = nil) {
        self.type = "urn:parley:problem:\(error.code)"
        self.status = status ?? error.httpStatus
        self.title = Self.titles[self.status] ?? "Error"
        self.detail = error.message
        self.code = error.code
        self.field = error.field
        self.fix = error.fix
    }

    static let titles: [Int: String] = [
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
        409: "Conflict", 413: "Content Too Large", 422: "Unprocessable Content", 500: "Internal Server Error",
        503: "Service Unavailable",
    ]

    func response(instance: String) -> Response {
        var copy = self
        copy.instance = instance
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(copy)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"parley\"" }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
