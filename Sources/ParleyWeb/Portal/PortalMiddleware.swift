import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ParleyDirector
import ParleyModel

/// An error a portal handler ends with: shown as a message page with this status.
struct PortalPageError: Error, Sendable {
    var status: HTTPResponse.Status
    var title: String
    var message: String
    var link: PageLink?
    var headers: HTTPFields

    init(_ status: HTTPResponse.Status, title: String, message: String, link: PageLink? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.title = title
        self.message = message
        self.link = link
        self.headers = headers
    }

    static let badCSRF = PortalPageError(
        .forbidden, title: "Form expired",
        message: "This form no longer matches your session (it may be from before you signed in again). Reload the page and send it again.",
        link: PageLink(href: "/", text: "Home"))

    static let crossOrigin = PortalPageError(
        .forbidden, title: "Request refused", message: "The form was sent from another site. Open Parley directly and try again.",
        link: PageLink(href: "/", text: "Home"))
}

/// Who may see a group of portal routes.
enum PortalAccess: Sendable {
    /// Anyone; the session is resolved when there is one.
    case anyone
    /// Signed-in users; others are sent to the sign-in page.
    case signedIn
    /// Administrators; other signed-in users get a 403 page.
    case admin
}

/// Resolves the `parley_session` cookie into the request's principal, enforces the group's
/// access, refuses cross-site form posts by their `Origin`, and turns every error of the
/// portal's handlers into an HTML page (the API's problem documents are for machines).
struct PortalMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let cookies: SessionCookie
    let pages: PageRenderer
    let access: PortalAccess

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        var session: PortalSession?
        do {
            session = try await cookies.session(of: request)
            if request.method == .post, !Self.isSameOrigin(request) { throw PortalPageError.crossOrigin }
            switch access {
            case .anyone:
                break
            case .signedIn, .admin:
                guard let session else {
                    if request.method == .get || request.method == .head {
                        return Self.redirect(to: "/login?next=" + Self.percentEncode(request.uri.path))
                    }
                    throw PortalPageError(
                        .forbidden, title: "Signed out", message: "Your session has ended. Sign in again, then repeat what you were doing.",
                        link: PageLink(href: "/login", text: "Sign in"))
                }
                if access == .admin, !session.principal.isAdmin {
                    throw PortalPageError(
                        .forbidden, title: "Administrators only",
                        message: "This page is for administrators. Ask an administrator if you need what it shows.",
                        link: PageLink(href: "/", text: "Home"))
                }
            }
            var context = context
            context.principal = session?.principal
            return try await next(request, context)
        } catch {
            return page(for: error, session: session?.page, request: request, context: context)
        }
    }

    /// The page for an error of a portal handler.
    func page(for error: any Error, session: PageSession?, request: Request, context: APIContext) -> Response {
        switch error {
        case let error as PortalPageError:
            return pages.message(error.status, title: error.title, message: error.message, link: error.link, session: session, headers: error.headers)
        case let error as ParleyError:
            if error.kind == .storage || error.kind == .configuration {
                context.logger.error("portal request failed", metadata: ["error": "\(error)"])
            }
            let status = HTTPResponse.Status(code: error.httpStatus)
            let message = [error.message, error.fix].compactMap { $0 }.joined(separator: " ")
            return pages.message(status, title: Self.title(status), message: message, link: PageLink(href: "/", text: "Home"), session: session)
        case let error as HTTPError where error.status == .notFound:
            return pages.message(
                .notFound, title: "Page not found", message: "There is nothing at this address. Check the link, or start from the home page.",
                link: PageLink(href: "/", text: "Home"), session: session)
        case let error as HTTPError where error.status.code < 500:
            return pages.message(error.status, title: Self.title(error.status), message: "The request was refused.", session: session)
        default:
            context.logger.error("unexpected portal error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return pages.message(
                .internalServerError, title: "Something went wrong",
                message: "The server could not handle this request; the error is in its log. Try again in a moment.",
                link: PageLink(href: "/", text: "Home"), session: session)
        }
    }

    static func title(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400, 422: return "Check the request"
        case 403: return "Not allowed"
        case 404: return "Not found"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 413: return "Too large"
        case 429: return "Too many tries"
        case 503: return "Unavailable"
        default: return status.reasonPhrase.isEmpty ? "Error" : status.reasonPhrase
        }
    }

    /// A form post is same-origin when it has no `Origin` (old clients, tests) or its
    /// host and port are the request's `Host`. `Origin: null` (sandboxed frames, some
    /// redirects) is refused.
    static func isSameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let authority = request.head.authority, let range = origin.range(of: "://") else { return false }
        let scheme = origin[..<range.lowerBound].lowercased()
        let defaultPort = scheme == "https" ? 443 : 80
        func split(_ text: Substring) -> (host: String, port: Int?) {
            if let colon = text.lastIndex(of: ":"), !text.hasSuffix("]") {
                return (text[..<colon].lowercased(), Int(text[text.index(after: colon)...]))
            }
            return (text.lowercased(), defaultPort)
        }
        let (originHost, originPort) = split(origin[range.upperBound...])
        let (host, port) = split(Substring(authority))
        return originHost == host && originPort == port
    }

    static func redirect(to location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        for field in extra { headers.append(field) }
        return Response(status: .seeOther, headers: headers)
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

/// The client's address for per-address limits: the TCP peer, or one shared key when the
/// context has none (the testing router), which errs towards refusing.
func portalClientAddress(_ context: APIContext) -> String {
    guard let address = context.remoteAddress else { return "unknown" }
    return address.ipAddress ?? "\(address)"
}
