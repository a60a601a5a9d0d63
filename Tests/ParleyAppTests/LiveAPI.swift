import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ParleyModel
import ParleyWeb
import Synchronization
import Testing

/// One HTTP answer.
struct Reply: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The media type without parameters (`text/plain` for `text/plain; version=0.0.4`).
    var mediaType: String? {
        headers.first(name: "content-type").map { String($0.split(separator: ";")[0]).trimmingCharacters(in: .whitespaces) }
    }

    func header(_ name: String) -> String? { headers.first(name: name) }

    func json() throws -> TestJSON { try TestJSON.parse(body) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            throw JSONTestError("Could not decode \(T.self) from a \(status) answer: \(text)\n\(error)")
        }
    }
}

/// How a request authenticates.
enum Auth: Sendable {
    /// The harness's admin token.
    case admin
    /// No Authorization header.
    case none
    /// `Authorization: Bearer <token>`.
    case bearer(String)
    /// A raw Authorization header value.
    case header(String)
}

/// A client of one running server through a real HTTP connection (AsyncHTTPClient).
///
/// Requests name the route as WebRouter.apiRoutes does (`GET /api/v1/users/{login}`); every
/// answer is checked against docs/openapi.yaml (documented status, media type, body schema),
/// and routes that answered 2xx are remembered so a test can prove it covered them all.
final class LiveAPI: Sendable {
    let baseURL: String
    let adminToken: String
    let spec: OpenAPISpec
    private let succeeded = Mutex<Set<String>>([])

    init(baseURL: String, adminToken: String, spec: OpenAPISpec) {
        self.baseURL = baseURL
        self.adminToken = adminToken
        self.spec = spec
    }

    /// Routes that answered 2xx so far.
    var coveredRoutes: Set<String> { succeeded.withLock { $0 } }

    /// Sends a request to a documented route and checks the answer against the document.
    @discardableResult
    func send(
        _ route: String, _ parameters: [String: String] = [:], query: String = "", body: String? = nil,
        auth: Auth = .admin, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Reply {
        let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
        var path = parts[1]
        for (name, value) in parameters {
            path = path.replacingOccurrences(of: "{\(name)}", with: value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? value)
        }
        #expect(!path.contains("{"), "route \(route) needs parameters", sourceLocation: sourceLocation)
        let reply = try await raw(parts[0], path + (query.isEmpty ? "" : "?" + query), body: body, auth: auth)
        check(reply, route: route, sourceLocation: sourceLocation)
        if (200..<300).contains(reply.status) {
            _ = succeeded.withLock { $0.insert(route) }
        }
        return reply
    }

    /// Sends any request without checking it against the document.
    func raw(
        _ method: String, _ pathAndQuery: String, body: String? = nil, auth: Auth = .admin, contentType: String = "application/json",
        timeout: TimeAmount = .seconds(30)
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + pathAndQuery)
        request.method = HTTPMethod(rawValue: method)
        switch auth {
        case .admin: request.headers.add(name: "Authorization", value: "Bearer \(adminToken)")
        case .none: break
        case .bearer(let token): request.headers.add(name: "Authorization", value: "Bearer \(token)")
        case .header(let value): request.headers.add(name: "Authorization", value: value)
        }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 4 * 1024 * 1024)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Array(buffer.readableBytesView))
    }

    /// Records an issue for each way the answer differs from docs/openapi.yaml.
    func check(_ reply: Reply, route: String, sourceLocation: SourceLocation) {
        guard spec.operation(route) != nil else {
            Issue.record("\(route) is not in docs/openapi.yaml", sourceLocation: sourceLocation)
            return
        }
        guard let documented = spec.response(route, status: reply.status) else {
            Issue.record(
                "\(route) answered \(reply.status), which docs/openapi.yaml does not document for it: \(reply.text)",
                sourceLocation: sourceLocation)
            return
        }
        let content = documented["content"]?.object ?? [:]
        guard !content.isEmpty else {
            #expect(reply.body.isEmpty, "\(route) \(reply.status) should have no body: \(reply.text)", sourceLocation: sourceLocation)
            return
        }
        guard let mediaType = reply.mediaType, let entry = content[mediaType] else {
            Issue.record(
                "\(route) \(reply.status) answered Content-Type \(reply.mediaType ?? "none"); documented: \(content.keys.sorted())",
                sourceLocation: sourceLocation)
            return
        }
        guard mediaType.hasSuffix("json"), let schema = entry["schema"] else { return }
        do {
            let value = try reply.json()
            let problems = spec.violations(of: value, against: schema)
            #expect(
                problems.isEmpty, "\(route) \(reply.status) does not match its schema: \(problems)\n\(reply.text)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(route) \(reply.status) body is not JSON: \(reply.text)", sourceLocation: sourceLocation)
        }
    }
}

// MARK: - Expectations

/// Expects `status`, showing the body when it differs.
func expectStatus(_ reply: Reply, _ status: Int, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(reply.status == status, "expected \(status), got \(reply.status): \(reply.text)", sourceLocation: sourceLocation)
}

/// Expects an RFC 9457 problem document with this status (and code and field, when given).
@discardableResult
func expectProblem(
    _ reply: Reply, _ status: Int, code: String? = nil, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
) -> Problem? {
    #expect(reply.status == status, "expected \(status), got \(reply.status): \(reply.text)", sourceLocation: sourceLocation)
    #expect(reply.mediaType == "application/problem+json", "Content-Type \(reply.mediaType ?? "none")", sourceLocation: sourceLocation)
    guard let problem = try? reply.decode(Problem.self) else {
        Issue.record("not a problem document: \(reply.text)", sourceLocation: sourceLocation)
        return nil
    }
    #expect(problem.status == status, sourceLocation: sourceLocation)
    #expect(problem.type == "urn:parley:problem:\(problem.code)", sourceLocation: sourceLocation)
    #expect(!problem.title.isEmpty && !problem.detail.isEmpty, sourceLocation: sourceLocation)
    #expect(problem.instance?.hasPrefix("/") == true, sourceLocation: sourceLocation)
    if let code { #expect(problem.code == code, "problem: \(reply.text)", sourceLocation: sourceLocation) }
    if let field { #expect(problem.field == field, "problem: \(reply.text)", sourceLocation: sourceLocation) }
    return problem
}

// MARK: - Common operations

extension LiveAPI {
    /// Creates a user as the admin and returns it; records an issue unless it answers 201.
    @discardableResult
    func createUser(_ login: String, _ fields: [String: Any] = [:], sourceLocation: SourceLocation = #_sourceLocation) async throws -> UserDTO {
        var body = fields
        body["login"] = login
        let reply = try await send("POST /api/v1/users", body: json(body), sourceLocation: sourceLocation)
        expectStatus(reply, 201, sourceLocation: sourceLocation)
        return try reply.decode(UserDTO.self)
    }

    /// A new API token for `login`, made by the admin.
    func token(for login: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let reply = try await send("POST /api/v1/users/{login}/tokens", ["login": login], sourceLocation: sourceLocation)
        expectStatus(reply, 201, sourceLocation: sourceLocation)
        return try reply.decode(TokenDTO.self).token
    }

    /// A host user with a token.
    func host(_ login: String, _ fields: [String: Any] = [:], sourceLocation: SourceLocation = #_sourceLocation) async throws -> Auth {
        try await createUser(login, fields, sourceLocation: sourceLocation)
        return .bearer(try await token(for: login, sourceLocation: sourceLocation))
    }

    /// Schedules a meeting and returns it; records an issue unless it answers 201.
    @discardableResult
    func createMeeting(_ fields: [String: Any], auth: Auth = .admin, sourceLocation: SourceLocation = #_sourceLocation) async throws -> MeetingDTO {
        let reply = try await send("POST /api/v1/meetings", body: json(fields), auth: auth, sourceLocation: sourceLocation)
        expectStatus(reply, 201, sourceLocation: sourceLocation)
        return try reply.decode(MeetingDTO.self)
    }

    /// Lists meetings with a query and decodes the page.
    func meetings(_ query: String = "", auth: Auth = .admin, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Page<MeetingDTO> {
        let reply = try await send("GET /api/v1/meetings", query: query, auth: auth, sourceLocation: sourceLocation)
        expectStatus(reply, 200, sourceLocation: sourceLocation)
        return try reply.decode(Page<MeetingDTO>.self)
    }

    /// How many meetings the admin sees in all.
    func meetingCount() async throws -> Int {
        try await meetings("limit=1").total
    }

    /// How many users there are in all.
    func userCount() async throws -> Int {
        let reply = try await send("GET /api/v1/users", query: "limit=1")
        expectStatus(reply, 200)
        return try reply.decode(Page<UserDTO>.self).total
    }
}
