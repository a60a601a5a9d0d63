import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import ParleyDirector
import ParleyModel

/// A signed-in portal user: the principal behind the session cookie and the cookie's token.
struct PortalSession: Sendable {
    var principal: Principal
    /// The director token in the `parley_session` cookie.
    var token: String

    /// The value the hidden `csrf` field of this session's forms must carry.
    var csrf: String { CSRFToken.make(for: token) }

    /// What the layout shows.
    var page: PageSession {
        PageSession(
            login: principal.user.login, displayName: principal.user.displayName, isAdmin: principal.isAdmin,
            canHost: principal.user.role.canHost, csrf: csrf)
    }
}

/// CSRF tokens bound to a session: HMAC-SHA256 keyed with the session token over a fixed
/// label, in unpadded base64url. Nothing is stored: any web server of a deployment recomputes
/// it, a page loaded before a restart still posts, and it cannot be forged without the
/// session token, which the `HttpOnly` cookie keeps from scripts.
enum CSRFToken {
    private static let label = Data("parley.portal.csrf.v1".utf8)

    static func make(for sessionToken: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: label, using: SymmetricKey(data: Data(sessionToken.utf8)))
        return Data(mac).base64URLEncoded
    }

    /// Compares in constant time.
    static func isValid(_ presented: String?, for sessionToken: String) -> Bool {
        guard let presented, presented.utf8.count <= 128, let bytes = Data(base64URLEncoded: presented) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: label, using: SymmetricKey(data: Data(sessionToken.utf8)))
    }
}

/// The `parley_session` cookie and its resolution to a principal.
struct SessionCookie: Sendable {
    static let name = "parley_session"
    /// The director token label of portal sessions.
    static let tokenLabel = "portal session"
    static let maxAgeSeconds = 12 * 3600

    let director: Director
    /// The HTTPS listener's port, when HTTPS is served: a request to it gets `Secure` cookies.
    let httpsPort: Int?

    /// The session token the request carries, if any (not yet checked).
    static func token(in request: Request) -> String? {
        for field in request.headers[values: .cookie] {
            for pair in field.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name else { continue }
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { return value }
            }
        }
        return nil
    }

    /// The signed-in session of the request, or nil when there is no cookie or its token is
    /// unknown (revoked, or its user deleted).
    func session(of request: Request) async throws -> PortalSession? {
        guard let token = Self.token(in: request), let principal = try await director.authenticate(token: token, maxAge: .seconds(Self.maxAgeSeconds))
        else { return nil }
        return PortalSession(principal: principal, token: token)
    }

    /// Whether the request reached us over HTTPS: through a proxy that says so, or on the
    /// HTTPS listener's port (Hummingbird does not tell the router which listener it was).
    func isSecure(_ request: Request) -> Bool {
        if request.headers[PortalHeader.xForwardedProto]?.lowercased() == "https" { return true }
        if request.uri.scheme == .https { return true }
        guard let httpsPort, let host = request.head.authority else { return false }
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") {
            return Int(host[host.index(after: colon)...]) == httpsPort
        }
        return httpsPort == 443
    }

    /// `Set-Cookie` for a new session: HttpOnly, SameSite=Lax, Path=/, 12 hours, Secure on HTTPS.
    func setCookie(_ token: String, for request: Request) -> String {
        "\(Self.name)=\(token); Path=/; Max-Age=\(Self.maxAgeSeconds); HttpOnly; SameSite=Lax" + (isSecure(request) ? "; Secure" : "")
    }

    /// `Set-Cookie` that removes the session cookie.
    func clearCookie(for request: Request) -> String {
        "\(Self.name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + (isSecure(request) ? "; Secure" : "")
    }
}
