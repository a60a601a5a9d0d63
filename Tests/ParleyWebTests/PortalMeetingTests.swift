import Foundation
import HTTPTypes
import HummingbirdTesting
import ParleyDirector
import ParleyModel
import Testing

@testable import ParleyWeb

@Suite("Portal meetings")
struct PortalMeetingTests {
    @Test("Signed-out visitors are sent to sign in")
    func signedOut() async throws {
        try await PortalHarness.with { portal in
            let response = try await portal.get("/meetings/new")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/login?next=/meetings/new")
        }
    }

    @Test("Scheduling through the form shows the join details, once with the password")
    func schedule() async throws {
        try await PortalHarness.with { portal in
            let token = try await portal.signInHost()
            let form = try await portal.get("/meetings/new", cookie: token)
            #expect(form.status == .ok)
            #expect(form.text.contains("name=\"csrf\" value=\"\(CSRFToken.make(for: token))\""))
            #expect(form.text.contains("<label for=\"new-title\">"))

            let response = try await portal.post(
                "/meetings",
                form: [
                    ("csrf", CSRFToken.make(for: token)), ("title", "Budget review"), ("start", "2099-03-10T09:30"), ("end", "2099-03-10T10:30"),
                    ("timezone", "Europe/Paris"), ("password", "2468"), ("expected", "25"),
                ], cookie: token)
            #expect(response.status == .created)
            let html = response.text
            #expect(html.contains("Budget review"))
            #expect(html.contains("Meeting scheduled"))
            #expect(html.contains("2468"), "the password is shown once")
            let (items, _) = try await portal.director.meetings(MeetingQuery(hostLogin: "hana"), by: Principal(user: try await hana(portal)))
            let meeting = try #require(items.first?.meeting)
            #expect(meeting.title == "Budget review")
            #expect(meeting.expectedParticipants == 25)
            // 09:30 in Paris in March is 08:30 UTC.
            #expect(meeting.schedule.start == Timestamp(rfc3339: "2099-03-10T08:30:00Z"))
            #expect(meeting.schedule.end == Timestamp(rfc3339: "2099-03-10T09:30:00Z"))
            let id = meeting.meetingID.digits
            #expect(html.contains("http://localhost/join/\(id)"))
            #expect(html.contains("sip:\(id)@sip.example.com"))
            #expect(html.contains("sip:8000@sip.example.com"))

            let details = try await portal.get("/meetings/\(meeting.id.rawValue)", cookie: token)
            #expect(details.status == .ok)
            #expect(!details.text.contains("2468"), "stored hashed, not shown again")
            #expect(details.text.contains("shown only when the meeting was scheduled"))
        }
    }

    @Test("Validation errors are shown on the form, with what was typed", arguments: [
        ([("start", "tomorrow")], "start", "Give the start as a date and time"),
        ([("start", "2099-03-10T10:00"), ("end", "2099-03-10T09:00")], "end", "The end must be after the start."),
        ([("password", "12ab")], "password", "4 to 12 digits"),
        ([("expected", "0")], "expected", "from 1 to 10000"),
        ([("reservationless", "1"), ("start", "2099-03-10T10:00")], "reservationless", "has no start or end"),
    ])
    func validation(fields: [(String, String)], field: String, message: String) async throws {
        try await PortalHarness.with { portal in
            let token = try await portal.signInHost()
            let response = try await portal.post(
                "/meetings", form: [("csrf", CSRFToken.make(for: token)), ("title", "Kept title")] + fields, cookie: token)
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains(message))
            #expect(response.text.contains("href=\"#field-\(field)\""))
            #expect(response.text.contains("value=\"Kept title\""))
            #expect(!response.text.contains("Fatal"), "no stack traces")
        }
    }

    @Test("A director rule (the host's overlapping meeting) comes back on the form")
    func directorError() async throws {
        try await PortalHarness.with { portal in
            let token = try await portal.signInHost()
            let csrf = CSRFToken.make(for: token)
            let first = try await portal.post("/meetings", form: [("csrf", csrf), ("start", "2099-03-10T09:00"), ("end", "2099-03-10T10:00")], cookie: token)
            #expect(first.status == .created)
            let second = try await portal.post("/meetings", form: [("csrf", csrf), ("start", "2099-03-10T09:30"), ("end", "2099-03-10T10:30")], cookie: token)
            #expect(second.status == .unprocessableContent)
            #expect(second.text.contains("overlaps"))
        }
    }

    @Test("A reservationless meeting uses the host's profile number")
    func reservationless() async throws {
        try await PortalHarness.with { portal in
            let token = try await portal.signInHost()
            let response = try await portal.post(
                "/meetings", form: [("csrf", CSRFToken.make(for: token)), ("title", "Open line"), ("reservationless", "1")], cookie: token)
            #expect(response.status == .created)
            #expect(response.text.contains("Any time (reservationless)"))
            #expect(response.text.contains("/join/4455"))
            #expect(!response.text.contains("invite.ics"), "no calendar time")
        }
    }

    @Test("The list shows the meetings; cancel is a POST with the CSRF token")
    func listAndCancel() async throws {
        try await PortalHarness.with { portal in
            let token = try await portal.signInHost()
            let csrf = CSRFToken.make(for: token)
            _ = try await portal.post("/meetings", form: [("csrf", csrf), ("title", "Weekly sync"), ("start", "2099-01-05T09:00")], cookie: token)
            let list = try await portal.get("/meetings", cookie: token)
            #expect(list.status == .ok)
            #expect(list.text.contains("Weekly sync"))
            #expect(list.text.contains("<th scope=\"col\">Meeting ID</th>"))
            let view = try #require(try await portal.director.meetings(MeetingQuery(hostLogin: "hana"), by: Principal(user: try await hana(portal))).items.first)

            let forged = try await portal.post("/meetings/\(view.meeting.id.rawValue)/cancel", form: [("csrf", "bogus")], cookie: token)
            #expect(forged.status == .forbidden)
            #expect(try await portal.director.meeting(view.meeting.id.rawValue, by: Principal(user: try await hana(portal))).meeting.state == .scheduled)

            let cancelled = try await portal.post("/meetings/\(view.meeting.id.rawValue)/cancel", form: [("csrf", csrf)], cookie: token)
            #expect(cancelled.status == .seeOther)
            #expect(cancelled.headers[.location] == "/meetings?cancelled=\(view.meeting.meetingID)")
            let after = try await portal.get("/meetings?cancelled=\(view.meeting.meetingID)", cookie: token)
            #expect(after.text.contains("Meeting \(view.meeting.meetingID) is cancelled."))
            #expect(after.text.contains("Ended and cancelled"))
            let again = try await portal.post("/meetings/\(view.meeting.id.rawValue)/cancel", form: [("csrf", csrf)], cookie: token)
            #expect(again.status == .conflict)
            #expect(again.headers[.contentType] == "text/html; charset=utf-8")
        }
    }

    @Test("An unknown meeting is a 404 page; someone else's is a 403 page")
    func notFoundAndForbidden() async throws {
        try await PortalHarness.with { portal in
            let admin = try await portal.signInAdmin()
            _ = try await portal.post(
                "/meetings", form: [("csrf", CSRFToken.make(for: admin)), ("start", "2099-01-05T09:00")], cookie: admin)
            let adminMeeting = try #require(try await portal.director.meetings(MeetingQuery(hostLogin: "root"), by: Principal(user: try await user(portal, "root"))).items.first)

            let token = try await portal.signInHost()
            for path in ["/meetings/mtg_00000000000000000000", "/meetings/999999", "/meetings/%3Cscript%3E"] {
                let response = try await portal.get(path, cookie: token)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(!response.text.contains("<script>"))
            }
            let theirs = try await portal.get("/meetings/\(adminMeeting.meeting.id.rawValue)", cookie: token)
            #expect(theirs.status == .forbidden)
            #expect(theirs.text.contains("hosted by someone else"))
        }
    }

    @Test("A user without the host role cannot schedule")
    func plainUser() async throws {
        try await PortalHarness.with { portal in
            let token = try await portal.signIn("uma", PortalHarness.userPassword)
            let response = try await portal.get("/meetings/new", cookie: token)
            #expect(response.status == .forbidden)
            #expect(response.text.contains("host"))
        }
    }

    @Test("The invitation is RFC 5545: CRLF lines of at most 75 octets, UTC times, the join details")
    func invitation() async throws {
        try await PortalHarness.with { portal in
            let token = try await portal.signInHost()
            let longTitle = "Quarterly planning with the regional teams, budgets; partners, and everyone else"
            _ = try await portal.post(
                "/meetings",
                form: [("csrf", CSRFToken.make(for: token)), ("title", longTitle), ("start", "2099-03-10T09:30"), ("end", "2099-03-10T11:00"), ("timezone", "UTC")],
                cookie: token)
            let view = try #require(try await portal.director.meetings(MeetingQuery(hostLogin: "hana"), by: Principal(user: try await hana(portal))).items.first)
            let response = try await portal.get("/meetings/\(view.meeting.id.rawValue)/invite.ics", cookie: token)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/calendar") == true)
            #expect(response.headers[.contentDisposition] == "attachment; filename=\"meeting-\(view.meeting.meetingID).ics\"")
            let text = response.text
            #expect(text.hasSuffix("\r\n"))
            let lines = text.components(separatedBy: "\r\n").dropLast()
            #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "no bare LF")
            for line in lines { #expect(line.utf8.count <= 75, "\(line)") }
            let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
            #expect(unfolded.contains("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
            #expect(unfolded.contains("UID:\(view.meeting.id.rawValue)@localhost\r\n"))
            #expect(unfolded.contains("DTSTART:20990310T093000Z\r\n"))
            #expect(unfolded.contains("DTEND:20990310T110000Z\r\n"))
            #expect(unfolded.contains("SUMMARY:Quarterly planning with the regional teams\\, budgets\\; partners\\, and everyone else\r\n"))
            #expect(unfolded.contains("DTSTAMP:"))
            #expect(unfolded.contains("DESCRIPTION:"))
            #expect(unfolded.contains("http://localhost/join/\(view.meeting.meetingID)"))
            #expect(unfolded.contains("sip:\(view.meeting.meetingID)@sip.example.com"))
            #expect(unfolded.contains("END:VEVENT\r\nEND:VCALENDAR\r\n"))
        }
    }

    @Test("Links use http.public_url when it is set")
    func publicURL() async throws {
        var settings = PortalHarness.settings
        settings.publicURL = "https://meet.example.com/"
        try await PortalHarness.with(portal: settings) { portal in
            let token = try await portal.signInHost()
            let response = try await portal.post(
                "/meetings", form: [("csrf", CSRFToken.make(for: token)), ("start", "2099-01-05T09:00")], cookie: token)
            #expect(response.text.contains("https://meet.example.com/join/"))
        }
    }

    private func hana(_ portal: PortalHarness) async throws -> User { try await user(portal, "hana") }

    private func user(_ portal: PortalHarness, _ login: String) async throws -> User {
        let session = try #require(try await portal.director.authenticate(login: login, password: login == "root" ? PortalHarness.adminPassword : PortalHarness.hostPassword))
        return session.user
    }
}
