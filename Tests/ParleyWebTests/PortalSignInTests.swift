import HTTPTypes
import HummingbirdTesting
import ParleyDirector
import ParleyModel
import Testing

@testable import ParleyWeb

@Suite("Portal sign-in")
struct PortalSignInTests {
    @Test("A good password sets an HttpOnly, SameSite=Lax session cookie for 12 hours and redirects")
    func goodPassword() async throws {
        try await PortalHarness.with { portal in
            let response = try await portal.post("/login", form: [("login", "hana"), ("password", PortalHarness.hostPassword), ("next", "/meetings")])
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/meetings")
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.hasPrefix("parley_session=prl_"))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(cookie.contains("Path=/"))
            #expect(cookie.contains("Max-Age=43200"))
            #expect(!cookie.contains("Secure"), "plain HTTP on localhost")

            let token = try await portal.signInHost()
            let home = try await portal.get("/", cookie: token)
            #expect(home.status == .ok)
            #expect(home.text.contains("Welcome, Hana Host"))
            #expect(home.headers[.cacheControl] == "no-store")
        }
    }

    @Test("The cookie is Secure on the HTTPS port and behind a proxy that says HTTPS")
    func secureCookie() async throws {
        try await PortalHarness.with { portal in
            let form = [("login", "hana"), ("password", PortalHarness.hostPassword)]
            var proxied = HTTPFields()
            proxied[PortalHeader.xForwardedProto] = "https"
            let response = try await portal.post("/login", form: form, headers: proxied)
            #expect(response.headers[.setCookie]?.contains("; Secure") == true)
        }
    }

    @Test("A wrong password shows the form again with a clear message, 401, no cookie")
    func wrongPassword() async throws {
        try await PortalHarness.with { portal in
            let response = try await portal.post("/login", form: [("login", "hana"), ("password", "not-the-password")])
            #expect(response.status == .unauthorized)
            #expect(response.headers[.setCookie] == nil)
            #expect(response.text.contains("Login or password is not right."))
            #expect(response.text.contains("value=\"hana\""), "the login is kept")
            let unknown = try await portal.post("/login", form: [("login", "nobody"), ("password", "whatever-it-is")])
            #expect(unknown.status == .unauthorized)
            #expect(unknown.text.contains("Login or password is not right."))
        }
    }

    @Test("Ten wrong passwords a minute from one address, then 429 with Retry-After")
    func rateLimited() async throws {
        try await PortalHarness.with { portal in
            for _ in 0..<10 {
                let response = try await portal.post("/login", form: [("login", "hana"), ("password", "wrong-password")])
                #expect(response.status == .unauthorized)
            }
            let blocked = try await portal.post("/login", form: [("login", "hana"), ("password", PortalHarness.hostPassword)])
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter] != nil)
            #expect(blocked.text.contains("Too many tries"))
            #expect(blocked.headers[.setCookie] == nil)
        }
    }

    @Test("Every page carries the security headers")
    func securityHeaders() async throws {
        try await PortalHarness.with { portal in
            let response = try await portal.get("/login")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.headers[.contentSecurityPolicy] == PageRenderer.contentSecurityPolicy)
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
            #expect(response.headers[PortalHeader.referrerPolicy] == "same-origin")
            #expect(response.text.contains("<label for=\"login-name\">"))
            #expect(response.text.contains("autocomplete=\"current-password\""))
        }
    }

    @Test("Sign-out revokes the session server-side and clears the cookie")
    func signOut() async throws {
        try await PortalHarness.with { portal in
            let token = try await portal.signInHost()
            let out = try await portal.post("/logout", form: [("csrf", CSRFToken.make(for: token))], cookie: token)
            #expect(out.status == .seeOther)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await portal.director.authenticate(token: token) == nil)
            let after = try await portal.get("/meetings", cookie: token)
            #expect(after.status == .seeOther)
            #expect(after.headers[.location] == "/login?next=/meetings")
        }
    }

    @Test("A session ends on the server after 12 hours, whatever the browser keeps")
    func sessionExpires() async throws {
        let manual = ManualWallClock(Timestamp(secondsSinceEpoch: 4_000_000_000))
        try await PortalHarness.with(clock: manual.clock) { portal in
            let token = try await portal.signInHost()
            manual.advance(by: .seconds(12 * 3600 - 1))
            #expect(try await portal.get("/meetings", cookie: token).status == .ok)
            manual.advance(by: .seconds(2))
            let expired = try await portal.get("/meetings", cookie: token)
            #expect(expired.status == .seeOther)
            #expect(expired.headers[.location] == "/login?next=/meetings")
            #expect(try await portal.director.authenticate(token: token) == nil, "the expired token is deleted")
        }
    }

    @Test("A POST without the session's CSRF token is refused with a 403 page")
    func csrfRejected() async throws {
        try await PortalHarness.with { portal in
            let token = try await portal.signInHost()
            let missing = try await portal.post("/logout", form: [], cookie: token)
            #expect(missing.status == .forbidden)
            #expect(missing.text.contains("Form expired"))
            let otherSession = try await portal.signInHost()
            let wrong = try await portal.post("/logout", form: [("csrf", CSRFToken.make(for: otherSession))], cookie: token)
            #expect(wrong.status == .forbidden)
            #expect(try await portal.director.authenticate(token: token) != nil, "still signed in")
        }
    }

    @Test("A form posted from another origin is refused")
    func crossOrigin() async throws {
        try await PortalHarness.with { portal in
            var headers = HTTPFields()
            headers[.origin] = "https://evil.example"
            let response = try await portal.post("/login", form: [("login", "hana"), ("password", PortalHarness.hostPassword)], headers: headers)
            #expect(response.status == .forbidden)
            #expect(response.headers[.setCookie] == nil)
            headers[.origin] = "http://localhost"
            let same = try await portal.post("/login", form: [("login", "hana"), ("password", PortalHarness.hostPassword)], headers: headers)
            #expect(same.status == .seeOther)
        }
    }

    @Test("After sign-in only local paths are followed")
    func openRedirect() async throws {
        try await PortalHarness.with { portal in
            for next in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
                let response = try await portal.post("/login", form: [("login", "hana"), ("password", PortalHarness.hostPassword), ("next", next)])
                #expect(response.headers[.location] == "/")
            }
        }
    }
}
