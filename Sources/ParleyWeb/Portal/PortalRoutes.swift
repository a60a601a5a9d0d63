import HTTPTypes
import Hummingbird
import Logging
import ParleyDirector
import ParleyModel

/// The portal: the home page, sign-in and sign-out, hosts' meetings, admin pages, and
/// `/static`. Every page is a server-rendered form or list that works without JavaScript.
///
/// | route | does |
/// |---|---|
/// | `GET /` | signed out: what Parley is and a sign-in link; signed in: upcoming meetings |
/// | `GET/POST /login`, `POST /logout` | password sign-in (session cookie), sign-out |
/// | `/meetings…` | see `PortalRoutes+Meetings.swift` |
/// | `/admin…` | see `PortalRoutes+Admin.swift` |
/// | `GET /static/**` | the bundled stylesheets and scripts |
struct PortalRoutes: Sendable {
    let deps: WebDependencies
    let pages: PageRenderer
    let files: StaticFiles
    let cookies: SessionCookie
    /// Wrong passwords per client address: 10 a minute, then 429 until the minute has passed.
    let loginFailures: FailureThrottle

    init(_ deps: WebDependencies, pages: PageRenderer? = nil, files: StaticFiles? = nil, loginFailures: FailureThrottle = FailureThrottle()) {
        self.deps = deps
        self.pages = pages ?? deps.pages
        self.files = files ?? deps.staticFiles
        self.cookies = SessionCookie(director: deps.director, httpsPort: deps.portal.httpsPort)
        self.loginFailures = loginFailures
    }

    var director: Director { deps.director }

    func middleware(_ access: PortalAccess) -> PortalMiddleware {
        PortalMiddleware(cookies: cookies, pages: pages, access: access)
    }

    func register(_ router: Router<APIContext>) {
        router.get("static/**") { request, context in
            let path = context.parameters.getCatchAll().joined(separator: "/")
            if let response = files.response(path: path, ifNoneMatch: request.headers[.ifNoneMatch]) { return response }
            return pages.message(
                .notFound, title: "File not found", message: "There is no such file.", link: PageLink(href: "/", text: "Home"))
        }
        let open = router.group().add(middleware: middleware(.anyone))
        open.get("/") { request, context in try await home(request, context) }
        open.get("login") { request, context in try await loginForm(request, context) }
        open.post("login") { request, context in try await login(request, context) }
        open.post("logout") { request, context in try await logout(request, context) }
        registerMeetings(router.group("meetings").add(middleware: middleware(.signedIn)))
        registerAdmin(router.group("admin").add(middleware: middleware(.admin)))
        // Any other GET: browsers get a 404 page, programs (and everything under /api) keep
        // the problem document.
        router.get("**") { request, _ in
            let wantsHTML = request.headers[.accept]?.contains("text/html") ?? false
            guard wantsHTML, !request.uri.path.hasPrefix("/api/") else { throw HTTPError(.notFound) }
            let session = try? await cookies.session(of: request)
            return pages.message(
                .notFound, title: "Page not found", message: "There is nothing at this address. Check the link, or start from the home page.",
                link: PageLink(href: "/", text: "Home"), session: session?.page)
        }
    }

    // MARK: Sessions

    /// The signed-in session of a request that passed ``PortalMiddleware``.
    func session(_ request: Request, _ context: APIContext) throws -> PortalSession {
        guard let principal = context.principal, let token = SessionCookie.token(in: request) else {
            throw PortalPageError(
                .forbidden, title: "Signed out", message: "Sign in to see this page.", link: PageLink(href: "/login", text: "Sign in"))
        }
        return PortalSession(principal: principal, token: token)
    }

    /// The posted form of a signed-in user, after checking its CSRF field.
    func postedForm(_ request: Request, _ context: APIContext) async throws -> (PortalSession, PortalForm) {
        let session = try session(request, context)
        let form = try await PortalForm.read(request, context: context)
        guard CSRFToken.isValid(form["csrf"], for: session.token) else { throw PortalPageError.badCSRF }
        return (session, form)
    }

    // MARK: Home

    func home(_ request: Request, _ context: APIContext) async throws -> Response {
        guard let principal = context.principal, let token = SessionCookie.token(in: request) else {
            return pages.page("home", title: "Welcome")
        }
        let session = PortalSession(principal: principal, token: token)
        let upcoming = try await director.meetings(
            MeetingQuery(hostLogin: principal.user.login, states: [.scheduled, .inProgress], limit: 20), by: principal)
        var context = meetingListContext(upcoming.items, session: session, showHost: false)
        context["session"] = session.page.context
        return pages.page("home", title: "Home", context: context, session: session.page, scripts: ["portal.js"])
    }

    // MARK: Sign-in

    func loginForm(_ request: Request, _ context: APIContext) async throws -> Response {
        let next = Self.safeNext(request.uri.queryParameters.get("next"))
        if context.principal != nil { return PortalMiddleware.redirect(to: next) }
        return pages.page("login", title: "Sign in", context: ["next": next])
    }

    func login(_ request: Request, _ context: APIContext) async throws -> Response {
        let client = portalClientAddress(context)
        if loginFailures.isBlocked(client) {
            var headers = HTTPFields()
            headers[.retryAfter] = String(loginFailures.retryAfter(client))
            throw PortalPageError(
                .tooManyRequests, title: "Too many tries",
                message: "There were too many wrong passwords from your address. Wait a minute, then try again.",
                link: PageLink(href: "/login", text: "Sign in"), headers: headers)
        }
        let form = try await PortalForm.read(request, context: context)
        let next = Self.safeNext(form["next"])
        let login = form.text("login") ?? ""
        let password = form["password"] ?? ""
        guard !login.isEmpty, !password.isEmpty, login.utf8.count <= 64, password.utf8.count <= 128,
            let principal = try await director.authenticate(login: login, password: password)
        else {
            loginFailures.recordFailure(client)
            context.logger.notice("portal sign-in failed", metadata: ["client": "\(client)"])
            return pages.page(
                "login", title: "Sign in", context: ["next": next, "login": login, "error": "Login or password is not right."],
                status: .unauthorized)
        }
        loginFailures.reset(client)
        let token = try await director.createToken(forLogin: principal.user.login, label: SessionCookie.tokenLabel).token
        context.logger.info("portal sign-in", metadata: ["user": "\(principal.user.login)"])
        var headers = HTTPFields()
        headers[.setCookie] = cookies.setCookie(token, for: request)
        return PortalMiddleware.redirect(to: next, headers: headers)
    }

    func logout(_ request: Request, _ context: APIContext) async throws -> Response {
        var headers = HTTPFields()
        headers[.setCookie] = cookies.clearCookie(for: request)
        guard context.principal != nil else { return PortalMiddleware.redirect(to: "/", headers: headers) }
        let (session, _) = try await postedForm(request, context)
        try await director.revokeToken(session.token)
        return PortalMiddleware.redirect(to: "/", headers: headers)
    }

    /// Where to go after signing in: a local path only (`/meetings/…`), never another site
    /// (`//evil.example`, `https://…`, `/\evil`).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.utf8.count <= 512,
            next.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return "/" }
        return next
    }
}
