import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ParleyModel
import ParleyWeb

/// The CLI's client of `/api/v1`. Failures come back as ``ParleyError`` carrying the
/// server's problem document (message and fix), or saying why the server was not reached.
public struct APIClient: Sendable {
    public var baseURL: String
    public var token: String?
    public var timeout: TimeAmount

    public init(baseURL: String, token: String?, timeout: TimeAmount = .seconds(30)) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.token = token
        self.timeout = timeout
    }

    /// Sends a request and decodes a JSON answer.
    public func call<T: Decodable>(_ method: HTTPMethod, _ path: String, body: [String: Any]? = nil, as type: T.Type) async throws -> T {
        let bytes = try await send(method, path, body: body)
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            throw ParleyError(
                .unavailable, code: "client.bad_answer", message: "The server at \(baseURL) answered with something that is not Parley's API.",
                fix: "Check --server points at a Parley server of the same version."
            )
        }
    }

    /// Sends a request; returns the body of a 2xx answer.
    @discardableResult
    public func send(_ method: HTTPMethod, _ path: String, body: [String: Any]? = nil) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: data))
        }
        let response: HTTPClientResponse
        do {
            response = try await Self.httpClient.execute(request, timeout: timeout)
        } catch {
            throw ParleyError(
                .unavailable, code: "client.unreachable", message: "Cannot reach the Parley server at \(baseURL) (\(error)).",
                fix: "Is `parley serve` running there? Point the CLI at it with --server URL or PARLEY_SERVER."
            )
        }
        let buffer = try await response.body.collect(upTo: 16 * 1024 * 1024)
        let bytes = Array(buffer.readableBytesView)
        guard (200..<300).contains(Int(response.status.code)) else {
            if let problem = try? JSONDecoder().decode(Problem.self, from: Data(bytes)) {
                var error = ParleyError(Self.kind(for: problem.status), code: problem.code, message: problem.detail, field: problem.field, fix: problem.fix)
                if problem.status == 401, token == nil {
                    error.fix = "Give a token with --token or PARLEY_TOKEN (create one with `parley admin token create`)."
                }
                throw error
            }
            throw ParleyError(
                .unavailable, code: "client.http_\(response.status.code)",
                message: "The server at \(baseURL) answered \(response.status.code) \(response.status.reasonPhrase).",
                fix: "Check --server points at a Parley server."
            )
        }
        return bytes
    }

    /// The process's HTTP client, never shut down (like `HTTPClient.shared`). Unlike the shared
    /// one it does not retry connecting until the request's deadline, so a server that is not
    /// running is reported at once rather than after `timeout`.
    static let httpClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    static func kind(for status: Int) -> ParleyError.Kind {
        switch status {
        case 400: .badRequest
        case 401: .unauthenticated
        case 403: .forbidden
        case 404: .notFound
        case 409: .conflict
        case 422: .invalid
        default: .unavailable
        }
    }
}
