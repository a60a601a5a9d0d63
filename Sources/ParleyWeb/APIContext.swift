import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ParleyDirector

/// The request context of the web role: Hummingbird's core storage plus who is asking.
public struct APIContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The WebSocket upgrade of browser participants (`/join/{id}/socket`).
    public let webSocket = WebSocketHandlerReference<APIContext>()
    /// Set by ``AuthMiddleware`` for routes under `/api/v1`.
    public var principal: Principal?
    /// The client's address (the TCP peer): rate limits, browser participants' records.
    public let remoteAddress: SocketAddress?
    /// The connection's channel (after a WebSocket upgrade, the socket's channel).
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.principal = nil
        self.remoteAddress = source.channel.remoteAddress
        self.channel = source.channel
    }

    /// JSON bodies of the API are small; anything larger is refused with 413.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The authenticated principal. The auth middleware guarantees it under `/api/v1`.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw APIError.unauthenticated }
        return principal
    }
}
