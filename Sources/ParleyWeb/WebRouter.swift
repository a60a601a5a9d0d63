import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ParleyDirector
import ParleyMediaServer
import ParleyModel

/// What the web role needs from the rest of the process.
public struct WebDependencies: Sendable {
    public var director: Director
    /// The calls of running meetings: roster and host actions.
    public var live: any LiveMeetingControl
    /// The Prometheus exposition text for `/metrics`.
    public var metricsText: @Sendable () -> String
    /// Throws when the process cannot serve (store unreachable); drives `/readyz`.
    public var readiness: @Sendable () async throws -> Void
    /// What the portal shows from the configuration: links, access numbers, nodes, ports.
    public var portal: PortalSettings
    /// The node's call control for browser participants; nil when no node is reachable (the
    /// join pages then say the meeting cannot be joined from the browser now).
    public var browsers: (any BrowserParticipantControl)?
    /// Signs join tickets (docs/web-protocol.md). Random per process by default: tickets then
    /// outlive neither a restart nor a trip to another web server.
    public var ticketKey: TicketKey

    public init(
        director: Director,
        live: any LiveMeetingControl,
        metricsText: @escaping @Sendable () -> String,
        readiness: @escaping @Sendable () async throws -> Void,
        portal: PortalSettings = PortalSettings(),
        browsers: (any BrowserParticipantControl)? = nil,
        ticketKey: TicketKey = .random()
    ) {
        self.director = director
        self.live = live
        self.metricsText = metricsText
        self.readiness = readiness
        self.portal = portal
        self.browsers = browsers
        self.ticketKey = ticketKey
    }
}

/// Builds the web role's router: health and metrics at the root, the REST API under `/api/v1`.
public enum WebRouter {
    /// The routes of `/api/v1`, as `METHOD path` with `{param}` placeholders; the tests check
    /// docs/openapi.yaml against this list.
    public static let apiRoutes: [String] = [
        "GET /api/v1/me",
        "GET /api/v1/users", "POST /api/v1/users",
        "GET /api/v1/users/{login}", "PATCH /api/v1/users/{login}", "DELETE /api/v1/users/{login}",
        "POST /api/v1/users/{login}/tokens",
        "GET /api/v1/groups", "POST /api/v1/groups",
        "GET /api/v1/groups/{name}", "DELETE /api/v1/groups/{name}",
        "GET /api/v1/meetings", "POST /api/v1/meetings",
        "GET /api/v1/meetings/{id}", "PATCH /api/v1/meetings/{id}", "DELETE /api/v1/meetings/{id}",
        "POST /api/v1/meetings/{id}/start", "POST /api/v1/meetings/{id}/end",
        "GET /api/v1/meetings/{id}/attendance",
        "GET /api/v1/meetings/{id}/chat",
        "GET /api/v1/meetings/{id}/participants",
        "POST /api/v1/meetings/{id}/participants/{participant}/mute",
        "POST /api/v1/meetings/{id}/participants/{participant}/unmute",
        "DELETE /api/v1/meetings/{id}/participants/{participant}",
        "POST /api/v1/meetings/{id}/mute-all", "POST /api/v1/meetings/{id}/lock", "POST /api/v1/meetings/{id}/unlock",
        "GET /api/v1/alarms",
        "GET /api/v1/licenses", "POST /api/v1/licenses",
    ]

    public static func build(_ deps: WebDependencies) -> Router<APIContext> {
        let router = Router(context: APIContext.self)
        router.add(middleware: ProblemMiddleware())
        router.get("healthz") { _, _ in JSONReply(["status": "ok"]) }
        router.get("readyz") { _, _ in
            do {
                try await deps.readiness()
                return JSONReply(["status": "ready"])
            } catch {
                throw ParleyError(.unavailable, code: "not_ready", message: "The store is not reachable: \(error)")
            }
        }
        router.get("metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: deps.metricsText())))
        }
        let api = router.group("api/v1").add(middleware: AuthMiddleware(director: deps.director))
        let routes = APIRoutes(director: deps.director, live: deps.live)
        routes.register(api)
        // The portal's pages (sign-in, hosts' meetings, admin) and browser participants' join
        // pages and WebSocket.
        PortalRoutes(deps).register(router)
        BrowserRoutes(deps).register(router)
        return router
    }
}

/// A JSON response with a status; `Encodable` bodies are encoded with sorted keys.
struct JSONReply<Body: Encodable & Sendable>: ResponseGenerator {
    var body: Body
    var status: HTTPResponse.Status

    init(_ body: Body, status: HTTPResponse.Status = .ok) {
        self.body = body
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(body)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
