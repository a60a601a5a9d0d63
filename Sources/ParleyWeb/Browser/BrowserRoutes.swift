import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import ParleyDirector
import ParleyMediaServer
import ParleyModel

/// Browser participants: the join form, the meeting page and its WebSocket
/// (docs/web-protocol.md).
///
/// - `GET /join/{meetingID}`: the form (name, password when the meeting has one, host PIN).
/// - `POST /join/{meetingID}`: checks the meeting and the password (wrong ones are counted
///   per address: 10 a minute, then 429), then renders the meeting page with a join ticket.
/// - `GET /join/{meetingID}/socket`: the WebSocket of the meeting page.
struct BrowserRoutes: Sendable {
    let deps: WebDependencies
    let pages: PageRenderer
    let hub: BrowserMeetingHub
    let throttle: FailureThrottle
    let logger = Logger(label: "parley.web.browser")

    init(_ deps: WebDependencies, pages: PageRenderer = .bundled) {
        self.deps = deps
        self.pages = pages
        self.hub = BrowserMeetingHub(live: deps.live)
        self.throttle = FailureThrottle(limit: 10, window: .seconds(60))
    }

    func register(_ router: Router<APIContext>) {
        router.get("join/:meetingID") { request, context in
            try await joinForm(request, context: context)
        }
        router.post("join/:meetingID") { request, context in
            try await join(request, context: context)
        }
        router.ws("join/:meetingID/socket") { _, context in
            context.parameters.get("meetingID").flatMap(MeetingID.init) == nil ? .dontUpgrade : .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let meetingID = context.requestContext.parameters.get("meetingID") ?? ""
            guard let control = deps.browsers else {
                try await outbound.write(
                    .text(BrowserServerMessage.encode(BrowserServerMessage.Ended(reason: "unavailable", message: BrowserLeaveReason.unavailable.message))))
                try await outbound.close(.init(codeNumber: Int(BrowserProtocol.closeRefused)), reason: "unavailable")
                return
            }
            let source = context.requestContext.remoteAddress ?? (try! SocketAddress(ipAddress: "0.0.0.0", port: 0))
            let audio = try await BrowserAudioChannel.install(on: context.requestContext.channel)
            let session = BrowserSocketSession(
                meetingID: meetingID, deps: deps, control: control, hub: hub, ticketKey: deps.ticketKey, source: source, audio: audio,
                logger: logger)
            await session.run(inbound: inbound, outbound: outbound)
        }
    }

    private func clientKey(_ context: APIContext) -> String {
        context.remoteAddress?.ipAddress ?? "?"
    }

    private enum Lookup {
        case success(DialInMeeting)
        case failure(Response)
    }

    /// The meeting the link names, or the page that says why it cannot be joined.
    private func lookUp(_ digits: String) async -> Lookup {
        do throws(DialInRefusal) {
            return .success(try await deps.director.lookUpDialIn(meetingID: digits))
        } catch {
            return .failure(refusalPage(error))
        }
    }

    private func refusalPage(_ refusal: DialInRefusal) -> Response {
        switch refusal {
        case .notFound:
            pages.message(.notFound, title: "No such meeting", message: "No meeting has this ID. Check the link or the meeting ID you were given.")
        case .notStarted:
            pages.message(
                .conflict, title: "Not started yet", message: "The meeting has not started yet. Come back at its start time (you may join 5 minutes early).")
        case .ended:
            pages.message(.gone, title: "Meeting ended", message: "The meeting has ended.")
        case .noLicence:
            pages.message(
                .serviceUnavailable, title: "Cannot start now",
                message: "No licence allows another meeting to start now. Ask your administrator, or try again when another meeting has ended.")
        }
    }

    private func joinForm(_ request: Request, context: APIContext) async throws -> Response {
        let digits = context.parameters.get("meetingID") ?? ""
        switch await lookUp(digits) {
        case .failure(let page):
            return page
        case .success(let meeting):
            let signedIn = try? await sessions.session(of: request)
            return formPage(meeting, name: signedIn?.principal.user.displayName ?? "", error: nil, status: .ok, session: signedIn?.page)
        }
    }

    private var sessions: SessionCookie { SessionCookie(director: deps.director, httpsPort: deps.portal.httpsPort) }

    private func formPage(
        _ meeting: DialInMeeting, name: String, error: String?, status: HTTPResponse.Status, session: PageSession? = nil
    ) -> Response {
        var context: [String: any Sendable] = [
            "meetingID": meeting.meetingID.description, "title": meeting.title, "needsPassword": meeting.needsPassword, "name": name,
        ]
        if let error { context["error"] = error }
        return pages.page("join", title: "Join \(meeting.title)", context: context, status: status, session: session)
    }

    private func join(_ request: Request, context: APIContext) async throws -> Response {
        let digits = context.parameters.get("meetingID") ?? ""
        let key = clientKey(context)
        if throttle.isBlocked(key) {
            return pages.message(
                .tooManyRequests, title: "Too many tries",
                message: "Too many wrong passwords from your address. Wait a minute, then try again with the password from your invitation.")
        }
        let form = try await PortalForm.read(request, context: context)
        let meeting: DialInMeeting
        switch await lookUp(digits) {
        case .failure(let page): return page
        case .success(let found): meeting = found
        }
        let name = (form.text("name") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 64, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return formPage(meeting, name: String(name.prefix(64)), error: "Give your name (1 to 64 characters): others see it in the meeting.", status: .badRequest)
        }
        if meeting.needsPassword {
            guard await deps.director.checkMeetingPassword(meeting.recordID, form.text("password") ?? "") else {
                throttle.recordFailure(key)
                return formPage(meeting, name: name, error: "The password is not right. It is in your invitation.", status: .forbidden)
            }
        }
        var isHost = false
        if let pin = form.text("host_pin"), !pin.isEmpty {
            guard await deps.director.checkHostPIN(meeting.recordID, pin) else {
                throttle.recordFailure(key)
                return formPage(meeting, name: name, error: "The host PIN is not right. Leave it empty to join as a participant.", status: .forbidden)
            }
            isHost = true
        }
        let signedIn = try? await sessions.session(of: request)
        if !isHost, let principal = signedIn?.principal {
            isHost = await deps.director.isHost(principal, of: meeting.recordID)
        }
        let ticket = JoinTicket(
            meeting: meeting.recordID.rawValue, meetingID: meeting.meetingID.description, title: meeting.title, name: name, host: isHost)
        var page: [String: any Sendable] = [
            "meetingID": meeting.meetingID.description, "title": meeting.title, "ticket": ticket.signed(with: deps.ticketKey),
            "displayName": name, "host": isHost, "socketPath": "/join/\(meeting.meetingID.description)/socket",
        ]
        if let host = request.head.authority?.split(separator: ":").first {
            page["sipURI"] = "sip:\(meeting.meetingID.description)@\(host)"
        }
        return pages.page("meeting", title: meeting.title, context: page, session: signedIn?.page)
    }
}
