import Hummingbird

/// The portal: sign-in, hosts' meetings, admin pages.
struct PortalRoutes: Sendable {
    let deps: WebDependencies

    init(_ deps: WebDependencies) {
        self.deps = deps
    }

    func register(_ router: Router<APIContext>) {}
}
