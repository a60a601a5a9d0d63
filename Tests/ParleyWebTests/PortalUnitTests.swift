import Foundation
import HTTPTypes
import Hummingbird
import ParleyDirector
import ParleyModel
import Testing

@testable import ParleyWeb

@Suite("Portal logic")
struct PortalUnitTests {
    // MARK: iCalendar

    @Test("Short lines are not folded")
    func shortLine() {
        #expect(Invitation.fold("SUMMARY:Hello") == "SUMMARY:Hello")
        let exactly75 = String(repeating: "a", count: 75)
        #expect(Invitation.fold(exactly75) == exactly75)
    }

    @Test("Long lines fold at 75 octets with CRLF and a space, never inside a UTF-8 character")
    func folding() {
        let line = "DESCRIPTION:" + String(repeating: "é", count: 100)
        let folded = Invitation.fold(line)
        let parts = folded.components(separatedBy: "\r\n")
        #expect(parts.count > 1)
        for (index, part) in parts.enumerated() {
            #expect(part.utf8.count <= 75)
            if index > 0 { #expect(part.hasPrefix(" ")) }
        }
        #expect(folded.replacingOccurrences(of: "\r\n ", with: "") == line)
        let ascii = Invitation.fold(String(repeating: "x", count: 200))
        #expect(ascii.components(separatedBy: "\r\n").map(\.utf8.count) == [75, 75, 52])
    }

    @Test("TEXT values escape backslash, semicolon, comma and newlines")
    func escaping() {
        #expect(Invitation.escape("a\\b;c,d\ne\r\n") == "a\\\\b\\;c\\,d\\ne\\n")
    }

    @Test("Times are UTC DATE-TIME")
    func utc() throws {
        let time = try #require(Timestamp(rfc3339: "2026-11-21T09:30:05.250+01:00"))
        #expect(Invitation.utc(time) == "20261121T083005Z")
    }

    @Test("A whole invitation ends every line with CRLF")
    func invitation() throws {
        let start = try #require(Timestamp(rfc3339: "2026-11-21T09:30:00Z"))
        let text = Invitation(
            uid: "mtg_1@host", stamp: start, start: start, end: start + .seconds(3600), summary: "S", description: "line 1\nline 2",
            url: "https://x/join/123456", cancelled: false
        ).text
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"))
        #expect(text.contains("DESCRIPTION:line 1\\nline 2\r\n"))
        #expect(text.contains("DTEND:20261121T103000Z\r\n"))
        #expect(text.contains("STATUS:CONFIRMED\r\n"))
        #expect(text.hasSuffix("END:VEVENT\r\nEND:VCALENDAR\r\n"))
    }

    // MARK: CSRF

    @Test("The CSRF token is bound to the session token and checked in constant time")
    func csrf() {
        let session = "prl_" + String(repeating: "a", count: 64)
        let other = "prl_" + String(repeating: "b", count: 64)
        let token = CSRFToken.make(for: session)
        #expect(token == CSRFToken.make(for: session), "stateless: the same for every page of a session")
        #expect(token != CSRFToken.make(for: other))
        #expect(token.utf8.count == 43)
        #expect(!token.contains("=") && !token.contains("+") && !token.contains("/"))
        #expect(CSRFToken.isValid(token, for: session))
        #expect(!CSRFToken.isValid(token, for: other))
        #expect(!CSRFToken.isValid(nil, for: session))
        #expect(!CSRFToken.isValid("", for: session))
        #expect(!CSRFToken.isValid(String(token.dropLast()), for: session))
        #expect(!CSRFToken.isValid(String(repeating: "A", count: 500), for: session))
    }

    // MARK: Forms

    @Test("URL-encoded forms decode plus and percent escapes; the first of a repeated name wins")
    func formParsing() {
        let form = PortalForm(urlEncoded: "title=Budget+review%21&start=&flag&title=second&bad=%zz&t%C3%A9=%C3%A9")
        #expect(form["title"] == "Budget review!")
        #expect(form["start"] == "")
        #expect(form.text("start") == nil)
        #expect(form.isChecked("flag") == false)
        #expect(form["bad"] == "%zz")
        #expect(form["té"] == "é")
    }

    @Test("Form validation collects errors per field before the director sees anything")
    func formValidation() throws {
        let now = try #require(Timestamp(rfc3339: "2026-01-01T00:00:00Z"))
        let (ok, none) = PortalRoutes.newMeeting(
            from: PortalForm(["title": "T", "start": "2026-07-01T10:00", "timezone": "America/New_York", "expected": "12", "host_pin": "9876"]),
            defaultStart: now)
        #expect(none.isEmpty)
        #expect(ok?.start == Timestamp(rfc3339: "2026-07-01T14:00:00Z"))
        #expect(ok?.expectedParticipants == 12)
        #expect(ok?.hostPIN == "9876")
        let (bad, errors) = PortalRoutes.newMeeting(
            from: PortalForm(["timezone": "Mars/Olympus", "expected": "many", "host_pin": "12"]), defaultStart: now)
        #expect(bad == nil)
        #expect(Set(errors.keys) == ["timezone", "expected", "host_pin"])
        #expect(PortalRoutes.formField("hostPIN") == "host_pin")
        #expect(PortalRoutes.formField("durationMinutes") == "start")
        #expect(PortalRoutes.formField(nil) == "general")
    }

    @Test(
        "Local date-times are read in the form's zone; impossible ones are refused",
        arguments: [
            ("2026-11-21T09:30", "UTC", "2026-11-21T09:30:00Z"),
            ("2026-11-21T09:30:15", "UTC", "2026-11-21T09:30:15Z"),
            ("2026-07-01T09:30", "Europe/Paris", "2026-07-01T07:30:00Z"),
            ("2026-02-30T09:30", "UTC", nil),
            ("2026-03-29T02:30", "Europe/Paris", nil),
            ("2026-11-21 9:30", "UTC", nil),
            ("yesterday", "UTC", nil),
        ] as [(String, String, String?)])
    func localTimes(text: String, zone: String, expected: String?) throws {
        let timeZone = try #require(TimeZone(identifier: zone))
        #expect(PortalTime.parseLocal(text, in: timeZone)?.rfc3339 == expected)
    }

    @Test("Times are displayed in UTC with the weekday")
    func display() throws {
        #expect(PortalTime.display(try #require(Timestamp(rfc3339: "2026-11-21T09:05:00Z"))) == "Sat 21 Nov 2026, 09:05 UTC")
    }

    // MARK: Limits and redirects

    @Test("Ten failures in a minute block the address until the oldest leaves the window")
    func throttle() {
        let throttle = FailureThrottle(limit: 10, window: .seconds(60))
        let start = ContinuousClock.now
        for second in 0..<10 {
            #expect(!throttle.isBlocked("10.0.0.1", now: start + .seconds(second)))
            throttle.recordFailure("10.0.0.1", now: start + .seconds(second))
        }
        #expect(throttle.isBlocked("10.0.0.1", now: start + .seconds(10)))
        #expect(!throttle.isBlocked("10.0.0.2", now: start + .seconds(10)), "per address")
        #expect(throttle.retryAfter("10.0.0.1", now: start + .seconds(10)) == 51)
        #expect(!throttle.isBlocked("10.0.0.1", now: start + .seconds(61)))
        throttle.reset("10.0.0.1")
        #expect(!throttle.isBlocked("10.0.0.1", now: start + .seconds(11)))
    }

    @Test("The throttle's memory is bounded")
    func throttleBound() {
        let throttle = FailureThrottle(limit: 2, window: .seconds(60), maxKeys: 100)
        let now = ContinuousClock.now
        for index in 0..<1_000 { throttle.recordFailure("10.0.\(index / 256).\(index % 256)", now: now) }
        throttle.recordFailure("attacker", now: now)
        throttle.recordFailure("attacker", now: now)
        #expect(throttle.isBlocked("attacker", now: now))
    }

    @Test(
        "Only local paths are followed after sign-in",
        arguments: [
            ("/meetings/new", "/meetings/new"), ("//evil.example", "/"), ("https://evil.example", "/"), ("/\\evil", "/"),
            ("meetings", "/"), ("/a b", "/"), (nil, "/"),
        ] as [(String?, String)])
    func safeNext(next: String?, expected: String) {
        #expect(PortalRoutes.safeNext(next) == expected)
    }

    @Test(
        "Origin must name the Host the form was posted to",
        arguments: [
            (nil, "meet.example.com", true), ("https://meet.example.com", "meet.example.com", true),
            ("https://meet.example.com", "meet.example.com:443", true), ("http://localhost:8080", "localhost:8080", true),
            ("https://evil.example", "meet.example.com", false), ("http://meet.example.com:8080", "meet.example.com:8443", false),
            ("null", "meet.example.com", false),
        ] as [(String?, String, Bool)])
    func sameOrigin(origin: String?, host: String, expected: Bool) {
        var headers = HTTPFields()
        if let origin { headers[.origin] = origin }
        let request = Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: host, path: "/login", headerFields: headers), body: RequestBody(buffer: .init()))
        #expect(PortalMiddleware.isSameOrigin(request) == expected)
    }
}
