import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import NIOCore

/// What the layout shows about the signed-in user; nil on public pages (sign-in, join).
struct PageSession: Sendable, Hashable {
    var login: String
    var displayName: String
    var isAdmin: Bool
    var canHost: Bool
    /// The CSRF token every POST form of the page carries as its hidden `csrf` field.
    var csrf: String

    var context: [String: any Sendable] {
        ["login": login, "displayName": displayName, "isAdmin": isAdmin, "canHost": canHost, "csrf": csrf]
    }
}

/// A link shown on a message page ("Back to your meetings").
struct PageLink: Sendable, Hashable {
    var href: String
    var text: String
}

/// Renders the web role's mustache pages inside `layout.mustache` and wraps them in an HTML
/// response with the security headers every page carries.
///
/// The templates ship in the bundle (`Resources/templates`) and are parsed once, when
/// ``bundled`` is first used. Page contexts are dictionaries of `Sendable` values (strings,
/// numbers, booleans, arrays and nested dictionaries); `{{name}}` is HTML-escaped,
/// `{{{name}}}` is not and is kept for the layout's already-rendered content.
///
/// From a route handler:
/// ```swift
/// return deps.pages.page("join", title: "Join \(title)", context: ["meetingID": id, "title": title])
/// return deps.pages.message(.notFound, title: "No such meeting", message: "…", link: PageLink(href: "/", text: "Home"))
/// ```
struct PageRenderer: Sendable {
    /// The policy of every page: own scripts and styles only, media from blobs (browser
    /// audio), WebSockets to this origin, never framed.
    static let contentSecurityPolicy =
        "default-src 'self'; media-src 'self' blob:; connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'"

    /// The templates of the bundle, parsed on first use.
    static let bundled: PageRenderer = {
        do {
            return try PageRenderer(directory: WebResources.templatesDirectory)
        } catch {
            Logger(label: "parley.web").critical("portal templates failed to load", metadata: ["error": "\(error)"])
            return PageRenderer(library: MustacheLibrary(), loadError: "\(error)")
        }
    }()

    private let library: MustacheLibrary
    private let loadError: String?

    private init(library: MustacheLibrary, loadError: String?) {
        self.library = library
        self.loadError = loadError
    }

    /// Parses every `*.mustache` file of `directory` (not its subfolders), named by file name
    /// without the extension. Throws on the first template that does not parse.
    init(directory: URL) throws {
        var library = MustacheLibrary()
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }
        for file in names.sorted() {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
        }
        self.init(library: library, loadError: nil)
    }

    /// Templates given as text (tests).
    init(templates: [String: String]) throws {
        var library = MustacheLibrary()
        for (name, text) in templates { try library.register(text, named: name) }
        self.init(library: library, loadError: nil)
    }

    /// Whether a template of that name was loaded.
    func has(_ template: String) -> Bool { library.getTemplate(named: template) != nil }

    /// One template rendered alone, or nil when there is no such template.
    func render(_ template: String, context: [String: any Sendable]) -> String? {
        library.render(context, withTemplate: template)
    }

    /// A full page: `template` rendered with `context` (plus `csrf` and `session` when signed
    /// in), placed in the layout under `title`.
    ///
    /// - Parameters:
    ///   - scripts: ES modules under `/static` the page loads (`"meeting.js"`).
    ///   - stylesheets: extra stylesheets under `/static`, after `parley.css`.
    ///   - headers: more response headers (`Set-Cookie`…).
    func page(
        _ template: String, title: String, context: [String: any Sendable] = [:], status: HTTPResponse.Status = .ok,
        session: PageSession? = nil, scripts: [String] = [], stylesheets: [String] = [], headers: HTTPFields = [:]
    ) -> Response {
        var pageContext = context
        if let session {
            pageContext["session"] = session.context
            pageContext["csrf"] = session.csrf
        }
        guard let content = render(template, context: pageContext) else {
            return Self.failure("The page template '\(template)' is missing\(loadError.map { " (\($0))" } ?? "").")
        }
        var layout: [String: any Sendable] = [
            "title": title, "content": content, "scripts": scripts, "stylesheets": stylesheets,
        ]
        if let session { layout["session"] = session.context }
        guard let html = render("layout", context: layout) else {
            return Self.failure("The layout template is missing\(loadError.map { " (\($0))" } ?? "").")
        }
        return Self.html(html, status: status, signedIn: session != nil, headers: headers)
    }

    /// A page that says what happened and what to do: not found, forbidden, too many tries…
    func message(
        _ status: HTTPResponse.Status, title: String, message: String, link: PageLink? = nil, session: PageSession? = nil,
        headers: HTTPFields = [:]
    ) -> Response {
        var context: [String: any Sendable] = ["heading": title, "message": message, "status": Int(status.code)]
        if let link { context["link"] = ["href": link.href, "text": link.text] }
        return page("message", title: title, context: context, status: status, session: session, headers: headers)
    }

    /// The headers of every HTML page. Signed-in pages are never stored by caches.
    static func htmlHeaders(signedIn: Bool) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = signedIn ? "no-store" : "no-cache"
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[PortalHeader.referrerPolicy] = "same-origin"
        headers[PortalHeader.xFrameOptions] = "DENY"
        return headers
    }

    static func html(_ html: String, status: HTTPResponse.Status, signedIn: Bool, headers extra: HTTPFields = [:]) -> Response {
        var headers = htmlHeaders(signedIn: signedIn)
        for field in extra { headers.append(field) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The answer when a template is missing: a plain page, since the layout may be the
    /// missing one. A packaging fault, never user input.
    private static func failure(_ detail: String) -> Response {
        Logger(label: "parley.web").error("page rendering failed", metadata: ["detail": "\(detail)"])
        let body = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Error</title>"
            + "<h1>The page could not be shown</h1><p>The server's page templates are incomplete; the details are in its log.</p></html>"
        return html(body, status: .internalServerError, signedIn: false)
    }
}

/// Header names the HTTP types package does not declare.
enum PortalHeader {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}
