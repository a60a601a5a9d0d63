import HTTPTypes
import Hummingbird
import ParleyDirector
import ParleyModel

/// The portal: the home page, sign-in, hosts' meetings, admin pages, and `/static`.
struct PortalRoutes: Sendable {
    let deps: WebDependencies
    let pages: PageRenderer
    let files: StaticFiles
    let cookies: SessionCookie

    init(_ deps: WebDependencies, pages: PageRenderer? = nil, files: StaticFiles? = nil) {
        self.deps = deps
        self.pages = pages ?? deps.pages
        self.files = files ?? deps.staticFiles
        self.cookies = SessionCookie(director: deps.director, httpsPort: nil)
    }

    func register(_ router: Router<APIContext>) {
        router.get("static/**") { request, context in
            let path = context.parameters.getCatchAll().joined(separator: "/")
            if let response = files.response(path: path, ifNoneMatch: request.headers[.ifNoneMatch]) { return response }
            return notFound(session: nil)
        }
        router.get("/") { request, _ in
            try await home(request)
        }
    }

    // MARK: Pages

    func home(_ request: Request) async throws -> Response {
        guard let session = try await cookies.session(of: request) else {
            return pages.page("home", title: "Welcome")
        }
        return pages.page("home", title: "Home", session: session.page)
    }

    func notFound(session: PageSession?) -> Response {
        pages.message(
            .notFound, title: "Page not found", message: "There is nothing at this address. Check the link, or start from the home page.",
            link: PageLink(href: "/", text: "Home"), session: session)
    }
}
