import Foundation
import ParleyTestSupport
import ParleyWeb
import Testing

/// Real Chromium (headless, driven over WebDriver by chromedriver) as a browser participant of
/// `parley serve` (in process, loopback): the meeting page's WebSocket, AudioWorklet capture
/// and playback, and the portal's forms. The fake microphone plays a tone from a WAV file;
/// the page's test hook (`window.parleyTest`) records the 16 kHz audio received from the
/// server, before playback, and the Goertzel levels of the tones are measured in it.
///
/// With `PARLEY_SCREENSHOTS=1` the portal test writes the main pages to `docs/screenshots/`.
@Suite("Interop: Chromium as a browser participant", .serialized, .timeLimit(.minutes(2)))
struct BrowserInteropTests {
    /// How long everyone stays in the meeting together while the browser records, and the
    /// part of it (its end) that is measured.
    static let together: Duration = .seconds(5)
    static let measured = 3.5

    @Test("Chromium starts, runs a script and takes a screenshot")
    func chromiumSmoke() async throws {
        try await Chromium.with { browser in
            try await browser.open("data:text/html,<title>smoke</title><p id=p>Parley</p>")
            #expect(try await browser.title() == "smoke")
            #expect(try await browser.text(of: "#p") == "Parley")
            #expect(try await browser.execute("return 6 * 7").number == 42)
            let answer = try await browser.executeAsync("const done = arguments[arguments.length - 1]; setTimeout(() => done('later'), 10)")
            #expect(answer.string == "later")
            let png = try await browser.screenshot()
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG")
        }
    }

    /// At a 16 kHz AudioContext (no resampling) and at 48 kHz (the capture worklet resamples
    /// down to 16 kHz, playback up), as in browsers that cannot run a context at 16 kHz.
    @Test("a browser participant and a baresip caller: each hears the other's tone, not its own", arguments: [16_000, 48_000])
    func browserAndSIPCallerHearEachOther(contextRate: Int) async throws {
        let browserTone = 700.0
        let caller = BaresipAgent.Spec(name: "sid", frequency: 1100, codec: "G722")
        let shots = Screenshots()
        try await TestServer.with { server in
            let meeting = try await server.api.createMeeting(["title": "Browser and phone", "durationMinutes": 30])
            let sip = try await server.ports.port("node.sip.udp")
            try await TemporaryDirectory.with(prefix: "parley-browser") { directory in
                let wav = directory.appending("tone.wav")
                let tone = TestAudio.tone(frequency: browserTone, seconds: 20, rate: 16_000, amplitude: 8000)
                try Data(TestAudio.wav(samples: tone, rate: 16_000)).write(to: URL(fileURLWithPath: wav))
                try await Chromium.with(Chromium.Options(fakeAudioCapture: wav)) { browser in
                    do {
                        try await browser.joinMeeting(
                            server.baseURL, meetingID: meeting.meetingID, name: "Wendy Web", audioProcessing: false, contextRate: contextRate)
                        let joined = try await browser.pageState()
                        #expect(joined.host == false)
                        #expect(joined.audio.contextRate == Double(contextRate))
                        try await BaresipAgent.with([caller]) { agents in
                            let agent = agents[0]
                            try await agent.call("sip:\(meeting.meetingID)@127.0.0.1:\(sip)")
                            let roster = try await browser.waitForRoster("the caller in the browser's roster") { roster in
                                roster.count == 2 && roster.contains { $0.kind == "sip" && !$0.waiting }
                            }
                            #expect(roster.contains { $0.kind == "web" && $0.name == "Wendy Web" })
                            try await browser.execute("window.parleyTest.startRecording()")
                            try await Task.sleep(for: Self.together)
                            let recording = try await browser.stopRecording()
                            let state = try await browser.pageState()
                            let callerHeard = try agent.recording()
                            if shots.enabled, contextRate == 16_000 {
                                try await browser.execute(
                                    "document.getElementById('chat-text').value = 'Can you hear my tone?'; document.getElementById('chat-send').click(); return true")
                                try await browser.waitUntil("return window.parleyTest.state().chat.length === 1", within: .seconds(5), "the chat message")
                                try await shots.take("meeting-page", browser)
                            }
                            try await agent.hangUp()

                            let inBrowser = Self.levels(
                                "browser (received)", recording.received, rate: 16_000, own: browserTone, other: ("sid", caller.frequency))
                            let played = Self.levels(
                                "browser (played at \(contextRate / 1000) kHz)", recording.played, rate: recording.playedRate, own: browserTone,
                                other: ("sid", caller.frequency))
                            let atCaller = Self.levels(
                                "sid (G.722)", callerHeard.samples, rate: Double(callerHeard.rate), own: caller.frequency,
                                other: ("browser", browserTone))
                            let report = [inBrowser.description, played.description, atCaller.description, "page: \(state.summary)"]
                                .joined(separator: "\n")
                            Attachment.record(report, named: "levels.txt")
                            print(report)
                            #expect(state.audio.microphone == "on", "\(report)")
                            #expect(state.sentFrames > 200, "the page sent few frames\n\(report)")
                            Self.expectHearsOnlyTheOther(inBrowser, report: report)
                            Self.expectHearsOnlyTheOther(played, report: report)
                            #expect((state.playback?.frames ?? 0) > 200, "the playback worklet got few frames\n\(report)")
                            Self.expectHearsOnlyTheOther(atCaller, report: report)
                        }
                    } catch {
                        throw TestSupportError("\(error)\n\(await browser.diagnostics())")
                    }
                }
            }
        }
    }

    @Test("a host signs in, schedules a meeting through the portal forms and joins it from the browser")
    func scheduleThroughThePortalAndJoin() async throws {
        let shots = Screenshots()
        try await TestServer.with { server in
            try await server.api.createUser("hana", ["displayName": "Hana Host", "password": "hana-secret-1", "role": "host"])
            try await server.api.createUser("ada", ["displayName": "Ada Admin", "password": "ada-secret-12", "role": "admin"])
            let base = server.baseURL
            try await Chromium.with { browser in
                do {
                    // Sign in.
                    try await browser.open(base + "/login")
                    try await shots.take("sign-in", browser)
                    try await browser.signIn("hana", "hana-secret-1")

                    // Schedule a meeting: with the start left empty it runs from now.
                    try await browser.open(base + "/meetings/new")
                    _ = try await browser.waitFor("form [name=title]")
                    try await browser.type("Quarterly review", into: "form [name=title]")
                    try await shots.take("schedule-form", browser)
                    try await browser.submit("form [name=title]")

                    // The meeting's details name its web link.
                    let link = try await browser.waitUntil(
                        "const a = document.querySelector('a[href*=\"/join/\"]'); return a ? a.getAttribute('href') : null",
                        within: .seconds(10), "a join link on the page after scheduling")
                    let meetingID = try #require(link.string?.split(separator: "/").last.map(String.init))
                    #expect(try await browser.text(of: "main").contains("Quarterly review"))
                    try await shots.take("meeting-details", browser)
                    let listed = try await server.api.meetings()
                    #expect(listed.items.contains { $0.meetingID == meetingID && $0.title == "Quarterly review" })

                    try await browser.open(base + "/meetings")
                    #expect(try await browser.text(of: "main").contains("Quarterly review"))
                    try await shots.take("meetings", browser)

                    // Join from the browser: the signed-in host joins as host.
                    try await browser.open(base + "/join/\(meetingID)")
                    _ = try await browser.waitFor("form [name=name]")
                    try await shots.take("join-form", browser)
                    try await browser.type("Hana Host", into: "form [name=name]")
                    try await browser.submit("form [name=name]")
                    try await browser.waitForJoined()
                    let roster = try await browser.waitForRoster("Hana in the roster") { $0.count == 1 }
                    #expect(roster.first?.name == "Hana Host")
                    let state = try await browser.pageState()
                    #expect(state.host, "the meeting's signed-in host joins as host")
                    try await browser.execute(
                        "document.getElementById('chat-text').value = 'Hello from the browser'; document.getElementById('chat-send').click(); return true")
                    try await browser.waitUntil(
                        "return window.parleyTest.state().chat.some(m => m.text === 'Hello from the browser')", within: .seconds(5),
                        "the chat message to come back")
                    try await shots.take("meeting-host", browser)

                    // Mute and lock from the page's buttons; the roster follows.
                    try await browser.click("#mute")
                    try await browser.waitUntil(
                        "const s = window.parleyTest.state(); return s.muted && s.roster.length === 1 && s.roster[0].muted",
                        within: .seconds(5), "the host muted in the roster")
                    try await browser.click("#mute")
                    try await browser.waitUntil(
                        "const s = window.parleyTest.state(); return !s.muted && !s.roster[0].muted", within: .seconds(5), "unmuted")
                    try await browser.click("#lock")
                    try await browser.waitUntil("return window.parleyTest.state().locked", within: .seconds(5), "the meeting locked")
                    try await browser.click("#lock")
                    try await browser.waitUntil("return !window.parleyTest.state().locked", within: .seconds(5), "the meeting unlocked")

                    // A dropped socket: the page rejoins by itself, well within 10 seconds, as the same person.
                    let before = try await browser.pageState()
                    let dropped = ContinuousClock.now
                    try await browser.execute("window.parleyTest.dropConnection(); return true")
                    try await browser.waitUntil(
                        "const s = window.parleyTest.state(); return s.connects === \(before.connects + 1) && s.connection === 'joined'",
                        within: .seconds(10), "the page to rejoin after a drop")
                    let rejoined = ContinuousClock.now - dropped
                    #expect(rejoined < .seconds(10))
                    let after = try await browser.waitForRoster("one Hana after the rejoin") { $0.count == 1 }
                    #expect(after.first?.name == "Hana Host")
                    try await browser.waitUntil(
                        "return window.parleyTest.state().receivedFrames > \(before.receivedFrames + 25)", within: .seconds(5),
                        "audio after the rejoin")

                    // Nothing the page loads is refused by the server's Content-Security-Policy.
                    let console = await browser.consoleLog()
                    #expect(!console.contains { $0.contains("Content Security Policy") || $0.contains("Refused to") }, "\(console)")

                    // An administrator's live view, in another tab while Hana stays in the meeting.
                    if shots.enabled {
                        let meetingTab = try await browser.currentTab()
                        let adminTab = try await browser.newTab()
                        try await browser.switchToTab(adminTab)
                        try await browser.open(base + "/meetings")
                        try await browser.click("form.sign-out button")
                        try await browser.open(base + "/login")
                        try await browser.signIn("ada", "ada-secret-12")
                        try await browser.open(base + "/admin/live")
                        try await shots.take("admin-live", browser)
                        try await browser.switchToTab(meetingTab)
                    }
                    #expect(try await browser.pageState().connection == "joined")
                } catch {
                    throw TestSupportError("\(error)\n\(await browser.diagnostics())")
                }
            }
        }
    }

    @Test("without JavaScript the meeting page says that audio needs it, and shows how to join by phone")
    func meetingPageWithoutJavaScript() async throws {
        try await TestServer.with { server in
            let meeting = try await server.api.createMeeting(["title": "No script", "durationMinutes": 30])
            try await Chromium.with(Chromium.Options(javaScript: false)) { browser in
                do {
                    try await browser.open(server.baseURL + "/join/\(meeting.meetingID)")
                    try await browser.type("Nora", into: "form [name=name]")
                    try await browser.click("form button[type=submit]")
                    _ = try await browser.waitFor("#meeting[data-ticket]")
                    let text = try await browser.text(of: "#meeting")
                    #expect(text.contains("Audio needs JavaScript"), "\(text)")
                    #expect(text.contains("Join by phone") && text.contains("sip:\(meeting.meetingID)@"), "\(text)")
                    // The live part stays hidden: nothing there works without the script.
                    #expect(try await browser.text(of: "#meeting-app").isEmpty)
                } catch {
                    throw TestSupportError("\(error)\n\(await browser.diagnostics())")
                }
            }
        }
    }

    // MARK: Levels

    /// What one side heard: its own tone's level, the other's, and the floor between tones.
    struct Heard: CustomStringConvertible {
        var name: String
        var own: Double
        var ownLevel: Double
        var other: String
        var otherFrequency: Double
        var otherLevel: Double
        var floor: Double
        var seconds: Double

        var description: String {
            "\(name) hears \(other) \(Int(otherFrequency)) Hz \(format(otherLevel)); own \(Int(own)) Hz \(format(ownLevel)); "
                + "floor \(format(floor)) dBFS over \(format(seconds)) s"
        }

        private func format(_ value: Double) -> String { String(format: "%.1f", value) }
    }

    static func levels(_ name: String, _ samples: [Int16], rate: Double, own: Double, other: (name: String, frequency: Double)) -> Heard {
        let window = samples.suffix(Int(measured * rate))
        let tones = [own, other.frequency]
        // Probes between the tones, clear of the entry tone's glide (440-660 Hz).
        let probes = stride(from: 300.0, through: 3300, by: 137).filter { probe in
            !tones.contains { abs($0 - probe) < 60 } && !(400...760).contains(probe)
        }
        let floorLevels = probes.map { TestAudio.level(of: $0, in: window, sampleRate: rate) }.sorted()
        return Heard(
            name: name, own: own, ownLevel: TestAudio.level(of: own, in: window, sampleRate: rate), other: other.name,
            otherFrequency: other.frequency, otherLevel: TestAudio.level(of: other.frequency, in: window, sampleRate: rate),
            floor: floorLevels[floorLevels.count / 2], seconds: Double(window.count) / rate)
    }

    /// The other's tone (sent at about -12 dBFS) loud and well above the floor; one's own at
    /// least 20 dB below it: the mix leaves the listener out.
    static func expectHearsOnlyTheOther(_ heard: Heard, report: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(heard.seconds >= measured - 0.1, "\(heard.name) recorded too little.\n\(report)", sourceLocation: sourceLocation)
        #expect(heard.otherLevel > -30, "\(heard.name) hardly hears \(heard.other).\n\(report)", sourceLocation: sourceLocation)
        #expect(heard.otherLevel > heard.floor + 25, "\(heard.name) hears \(heard.other) near the noise.\n\(report)", sourceLocation: sourceLocation)
        #expect(heard.ownLevel < heard.otherLevel - 20, "\(heard.name) hears its own tone.\n\(report)", sourceLocation: sourceLocation)
    }
}

// MARK: - The meeting page through its test hook

/// `window.parleyTest.state()` of the meeting page (meeting.js).
struct MeetingPageState: Decodable {
    struct Participant: Decodable {
        var id: String
        var name: String
        var host: Bool
        var muted: Bool
        var talking: Bool
        var waiting: Bool
        var kind: String
    }

    struct Audio: Decodable {
        var contextRate: Double?
        var contextState: String
        var microphone: String
    }

    var connection: String
    var connects: Int
    var participant: String?
    var host: Bool
    var muted: Bool
    var roster: [Participant]
    var sentFrames: Int
    var receivedFrames: Int
    var badFrames: Int
    var audio: Audio
    /// The playback worklet's counters (reported once a second).
    var playback: Playback?

    struct Playback: Decodable {
        var frames: Int
        var underruns: Int
        var dropped: Int
        var queuedMs: Double
    }

    var summary: String {
        "\(connection) as \(participant ?? "-"), sent \(sentFrames) frames, received \(receivedFrames) (\(badFrames) bad), "
            + "context \(audio.contextRate.map { "\(Int($0)) Hz" } ?? "-") \(audio.contextState), microphone \(audio.microphone); "
            + "playback \(playback.map { "\($0.frames) frames, \($0.underruns) underruns, \($0.dropped) samples dropped, \(Int($0.queuedMs)) ms queued" } ?? "-")"
    }
}

extension Chromium {
    /// Signs in on the portal's sign-in page (already open).
    func signIn(_ login: String, _ password: String) async throws {
        try await type(login, into: "form [name=login]")
        try await type(password, into: "form [name=password]")
        try await submit("form [name=password]")
        try await waitUntil("return !location.pathname.startsWith('/login') && document.readyState === 'complete'", within: .seconds(10), "sign-in")
    }

    /// Submits the form that holds the field matching `selector`, with its submit button
    /// (a click, as a person would), and waits for the next page to load.
    func submit(_ selector: String) async throws {
        let marker = "parley-\(UInt64.random(in: 0...UInt64.max))"
        try await execute("window.__parleyBeforeSubmit = arguments[0]; return true", [.string(marker)])
        let form = "document.querySelector(arguments[0]).form"
        try await execute("const form = \(form); (form.querySelector('[type=submit]') || form).click(); return true", [.string(selector)])
        try await waitUntil(
            "return window.__parleyBeforeSubmit !== '\(marker)' && document.readyState === 'complete'", within: .seconds(10),
            "the page after submitting the form of \(selector)")
    }

    /// Opens the join form, fills in the name and submits it; waits for `welcome`.
    /// `audioProcessing: false` turns the microphone's echo cancellation, noise suppression
    /// and gain control off (the page reads `localStorage["parley.audioProcessing"]`), so the
    /// fake microphone's tone reaches the server at its level.
    /// `contextRate` asks the page for an AudioContext at that rate (`parley.contextRate`).
    func joinMeeting(
        _ base: String, meetingID: String, name: String, hostPIN: String? = nil, audioProcessing: Bool = true, contextRate: Int? = nil
    ) async throws {
        try await open(base + "/join/\(meetingID)")
        _ = try await waitFor("form [name=name]")
        try await execute(
            "localStorage.setItem('parley.audioProcessing', arguments[0]); return true", [.string(audioProcessing ? "on" : "off")])
        if let contextRate {
            try await execute("localStorage.setItem('parley.contextRate', arguments[0]); return true", [.string("\(contextRate)")])
        }
        try await type(name, into: "form [name=name]")
        if let hostPIN { try await type(hostPIN, into: "form [name=host_pin]") }
        try await submit("form [name=name]")
        try await waitForJoined()
    }

    func waitForJoined(within limit: Duration = .seconds(10)) async throws {
        try await waitUntil(
            "return window.parleyTest && window.parleyTest.state().connection === 'joined'", within: limit,
            "the meeting page to be welcomed")
    }

    func pageState() async throws -> MeetingPageState {
        try await execute("return window.parleyTest.state()").decode(MeetingPageState.self)
    }

    /// Waits until the page's roster satisfies `condition`, and returns it.
    func waitForRoster(
        _ what: String, within limit: Duration = .seconds(10), _ condition: ([MeetingPageState.Participant]) -> Bool
    ) async throws -> [MeetingPageState.Participant] {
        let deadline = ContinuousClock.now + limit
        while true {
            let roster = try await pageState().roster
            if condition(roster) { return roster }
            guard ContinuousClock.now < deadline else {
                throw TestSupportError("Waited \(limit) for \(what); roster: \(roster.map { "\($0.name) (\($0.kind))" }).")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// What the page recorded: the 16 kHz samples received from the server, and what its
    /// playback worklet played (at the context's rate).
    struct PageRecording {
        var received: [Int16]
        var played: [Int16]
        var playedRate: Double
    }

    /// Stops the page's recording and returns it.
    func stopRecording() async throws -> PageRecording {
        let recording = try await execute("return window.parleyTest.stopRecording()")
        func samples(_ key: String) throws -> [Int16] {
            guard let encoded = recording[key]?.string, let data = Data(base64Encoded: encoded) else {
                throw TestSupportError("The page returned no \(key) recording: \(recording)")
            }
            let bytes = [UInt8](data)
            return stride(from: 0, to: bytes.count - 1, by: 2).map { Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8) }
        }
        return PageRecording(received: try samples("received"), played: try samples("played"), playedRate: recording["playedRate"]?.number ?? 0)
    }
}

/// Screenshots of the main pages for `docs/screenshots/`, taken only when
/// `PARLEY_SCREENSHOTS=1` (so everyday runs do not rewrite the committed files).
struct Screenshots {
    let enabled = ProcessInfo.processInfo.environment["PARLEY_SCREENSHOTS"] == "1"
    let directory = OpenAPISpec.packageRoot.appendingPathComponent("docs/screenshots")

    func take(_ name: String, _ browser: Chromium) async throws {
        guard enabled else { return }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let png = try await browser.screenshot()
        try Data(png).write(to: directory.appendingPathComponent("\(name).png"))
    }
}
