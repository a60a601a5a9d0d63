import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ParleyWeb

@Suite("Portal static files and pages")
struct PortalStaticTests {
    @Test("The stylesheet is served with its type and a validator; a matching If-None-Match gets 304")
    func stylesheet() async throws {
        try await PortalHarness.with { portal in
            let response = try await portal.get("/static/parley.css")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/css; charset=utf-8")
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
            let eTag = try #require(response.headers[.eTag])
            var headers = HTTPFields()
            headers[.ifNoneMatch] = eTag
            let again = try await portal.get("/static/parley.css", headers: headers)
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            let script = try await portal.get("/static/portal.js")
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
        }
    }

    @Test(
        "No path traversal and no directory listing",
        arguments: [
            "/static/../Package.swift", "/static/%2e%2e/Package.swift", "/static/..%2fPackage.swift", "/static/../../Package.swift",
            "/static/", "/static/.", "/static//etc/passwd", "/static/%2Fetc%2Fpasswd", "/static/nothing.css",
        ])
    func traversal(path: String) async throws {
        try await PortalHarness.with { portal in
            let response = try await portal.get(path)
            #expect(response.status == .notFound, "\(path)")
            #expect(!response.text.contains("swift-tools-version"))
            #expect(!response.text.contains("root:"))
        }
    }

    @Test("The bundle's templates all parse, and the join page has its labelled fields")
    func templates() throws {
        let pages = try PageRenderer(directory: WebResources.templatesDirectory)
        for name in ["layout", "message", "join", "home", "login", "meetings", "meeting-new", "meeting-details", "admin", "admin-ports"] {
            #expect(pages.has(name), "\(name)")
        }
        let join = try #require(
            pages.render("join", context: ["meetingID": "123456", "title": "Board <meeting>", "needsPassword": true, "name": "Ada", "error": "Wrong password."]))
        #expect(join.contains("action=\"/join/123456\""))
        #expect(join.contains("Board &lt;meeting&gt;"))
        for field in ["name", "password", "host_pin"] {
            #expect(join.contains("name=\"\(field)\""), "\(field)")
        }
        #expect(join.contains("<label for=\"join-name\">"))
        #expect(join.contains("<label for=\"join-password\">"))
        #expect(join.contains("value=\"Ada\""))
        #expect(join.contains("Wrong password."))
        let open = try #require(pages.render("join", context: ["meetingID": "123456", "title": "Open", "needsPassword": false]))
        #expect(!open.contains("name=\"password\""))
    }

    @Test("A message page renders inside the layout with its status")
    func messagePage() async throws {
        let response = PageRenderer.bundled.message(
            .gone, title: "Meeting ended", message: "This meeting has ended.", link: PageLink(href: "/", text: "Home"))
        #expect(response.status == .gone)
        #expect(response.headers[.contentSecurityPolicy] == PageRenderer.contentSecurityPolicy)
        #expect(response.headers[.cacheControl] == "no-cache")
    }

    @Test("Unknown paths are a 404 page for browsers and a problem document for programs")
    func unknownForBrowsers() async throws {
        try await PortalHarness.with { portal in
            var browser = HTTPFields()
            browser[.accept] = "text/html,application/xhtml+xml,*/*;q=0.8"
            let page = try await portal.get("/nowhere", headers: browser)
            #expect(page.status == .notFound)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.contains("Page not found"))
            let program = try await portal.get("/nowhere")
            #expect(program.status == .notFound)
            #expect(program.headers[.contentType] == "application/problem+json")
            let api = try await portal.get("/api/v1/nowhere", headers: browser)
            #expect(api.headers[.contentType] == "application/problem+json")
        }
    }

    @Test("Unknown portal paths under /meetings are a 404 page for signed-in users")
    func unknownPath() async throws {
        try await PortalHarness.with { portal in
            let token = try await portal.signInHost()
            let response = try await portal.get("/meetings/123456/nothing", cookie: token)
            #expect(response.status == .notFound)
        }
    }
}
