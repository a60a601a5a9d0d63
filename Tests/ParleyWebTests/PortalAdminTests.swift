import HTTPTypes
import HummingbirdTesting
import ParleyDirector
import ParleyModel
import Testing

@testable import ParleyWeb

@Suite("Portal admin pages")
struct PortalAdminTests {
    static let adminPages = ["/admin", "/admin/live", "/admin/nodes", "/admin/alarms", "/admin/licences", "/admin/ports"]

    @Test("Hosts get a 403 page on every admin page", arguments: adminPages)
    func hostsForbidden(path: String) async throws {
        try await PortalHarness.with { portal in
            let token = try await portal.signInHost()
            let response = try await portal.get(path, cookie: token)
            #expect(response.status == .forbidden)
            #expect(response.text.contains("Administrators only"))
            #expect(!response.text.contains("href=\"/admin\""), "no admin link in a host's navigation")
        }
    }

    @Test("Admins see every admin page", arguments: adminPages)
    func adminsSee(path: String) async throws {
        try await PortalHarness.with { portal in
            let token = try await portal.signInAdmin()
            let response = try await portal.get(path, cookie: token)
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.text.contains("aria-label=\"Administration\""))
        }
    }

    @Test("Live meetings show the roster of a running meeting")
    func liveRoster() async throws {
        try await PortalHarness.with { portal in
            let token = try await portal.signInAdmin()
            let admin = try #require(try await portal.director.authenticate(login: "root", password: PortalHarness.adminPassword))
            let view = try await portal.director.createMeeting(NewMeeting(title: "Stand-up"), by: admin)
            _ = try await portal.director.admitCaller(meetingID: view.meeting.meetingID.digits)
            portal.live.set(
                LiveRoster(
                    meeting: view.meeting.id, isLocked: true,
                    participants: [
                        LiveParticipant(
                            id: "prt_1", displayName: "Ada <Phone>", uri: "sip:ada@example.com", isHost: true, isMuted: false, isTalking: true,
                            isWaiting: false, codec: "G722", joinedAt: portal.director.now(),
                            media: CallStatistics(
                                packetsReceived: 990, packetsLost: 10, packetsSent: 1000, jitterMilliseconds: 2.25, roundTripMilliseconds: nil,
                                levelDBov: -30))
                    ]))
            let response = try await portal.get("/admin/live", cookie: token)
            #expect(response.status == .ok)
            let html = response.text
            #expect(html.contains("Stand-up"))
            #expect(html.contains("Ada &lt;Phone&gt;"), "escaped")
            #expect(html.contains("sip:ada@example.com"))
            #expect(html.contains("locked"))
            #expect(html.contains("1.0 %"))
            #expect(html.contains("2.3 ms") || html.contains("2.2 ms"))
            let nodes = try await portal.get("/admin/nodes", cookie: token)
            #expect(nodes.text.contains("10.0.0.5"))
            #expect(nodes.text.contains("1200"))
        }
    }

    @Test("The port reference is two tables with column and row headers")
    func ports() async throws {
        try await PortalHarness.with { portal in
            let token = try await portal.signInAdmin()
            let html = try await portal.get("/admin/ports", cookie: token).text
            #expect(html.contains("Incoming"))
            #expect(html.contains("Outgoing"))
            #expect(html.contains("<th scope=\"col\">Transport</th>"))
            #expect(html.contains("<th scope=\"row\">SIP</th><td>UDP</td><td>5060</td>"))
            #expect(html.contains("<th scope=\"row\">DNS</th><td>UDP</td><td>53</td>"))
        }
    }

    @Test("Licences and alarms come from the director")
    func licencesAndAlarms() async throws {
        try await PortalHarness.with { portal in
            _ = try await portal.director.addLicences(hosts: 5, note: "Pilot", by: nil)
            let token = try await portal.signInAdmin()
            let licences = try await portal.get("/admin/licences", cookie: token).text
            #expect(licences.contains("Pilot"))
            #expect(licences.contains("<dd>5</dd>"))
            let alarms = try await portal.get("/admin/alarms", cookie: token).text
            #expect(alarms.contains("No alarm has been raised."))
        }
    }
}
