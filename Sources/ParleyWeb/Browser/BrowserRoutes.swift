import Hummingbird

/// Browser participants: the join form, the meeting page and its WebSocket (docs/web-protocol.md).
struct BrowserRoutes: Sendable {
    let deps: WebDependencies

    init(_ deps: WebDependencies) {
        self.deps = deps
    }

    func register(_ router: Router<APIContext>) {}
}
