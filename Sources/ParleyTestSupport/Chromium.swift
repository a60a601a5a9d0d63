import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A real headless Chromium (Debian packages `chromium` and `chromium-driver`), driven over
/// W3C WebDriver by a chromedriver this fixture starts on a free loopback port.
///
/// Chromium runs with a temporary profile, fake media devices that grant the microphone
/// without asking (optionally fed from a WAV file), and autoplay allowed. ``with(_:_:)`` always
/// stops chromedriver and every Chromium process (by process group, then by a scan for the
/// profile directory) and removes the profile, also when the test fails.
public final class Chromium: Sendable {
    /// How Chromium is started.
    public struct Options: Sendable {
        /// A WAV file (16-bit PCM) the fake microphone plays in a loop.
        public var fakeAudioCapture: String?
        public var windowWidth = 1280
        public var windowHeight = 900
        /// False turns the pages' JavaScript off (WebDriver's own scripts still run).
        public var javaScript = true
        /// More command-line switches for Chromium.
        public var arguments: [String] = []

        public init(
            fakeAudioCapture: String? = nil, windowWidth: Int = 1280, windowHeight: Int = 900, javaScript: Bool = true, arguments: [String] = []
        ) {
            self.fakeAudioCapture = fakeAudioCapture
            self.windowWidth = windowWidth
            self.windowHeight = windowHeight
            self.javaScript = javaScript
            self.arguments = arguments
        }
    }

    /// A found element, by its WebDriver reference.
    public struct Element: Sendable {
        public let id: String
        /// The CSS selector it was found with, for messages.
        public let selector: String
    }

    public static let installMessage =
        "Chromium and chromedriver are not installed (Debian packages chromium and chromium-driver): run scripts/setup.sh --tests"

    /// The browser binary itself (Debian's `/usr/bin/chromium` is a shell script around it).
    public static let browserPath: String? = [
        "/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
    ].first { FileManager.default.isExecutableFile(atPath: $0) }

    public static let driverPath: String? = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver", "/usr/local/bin/chromedriver"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// `http://127.0.0.1:<port>/session/<id>`.
    let sessionURL: String
    let driver: ProcessGroup
    let directory: TemporaryDirectory
    let profile: String

    private init(sessionURL: String, driver: ProcessGroup, directory: TemporaryDirectory, profile: String) {
        self.sessionURL = sessionURL
        self.driver = driver
        self.directory = directory
        self.profile = profile
    }

    // MARK: Starting and stopping

    /// Starts chromedriver and a Chromium session, runs `body`, and stops both whatever happens.
    public static func with<T: Sendable>(_ options: Options = Options(), _ body: (Chromium) async throws -> T) async throws -> T {
        let browser = try await start(options)
        do {
            let result = try await body(browser)
            await browser.quit()
            return result
        } catch {
            await browser.quit()
            throw error
        }
    }

    private static func start(_ options: Options) async throws -> Chromium {
        guard let browserPath else { throw TestSupportError("Chromium was not found. \(installMessage)") }
        guard let driverPath else { throw TestSupportError("chromedriver was not found. \(installMessage)") }
        let directory = try TemporaryDirectory(prefix: "parley-chromium")
        let profile = directory.appending("profile")
        var lastError: any Error = TestSupportError("chromedriver did not start.")
        for attempt in 1...3 {
            let port = try PostgresServer.freePort()
            let driver: ProcessGroup
            do {
                driver = try ProcessGroup(
                    driverPath, ["--port=\(port)", "--allowed-ips=127.0.0.1", "--log-path=\(directory.appending("chromedriver.log"))"],
                    outputPath: directory.appending("chromedriver-\(attempt).out"))
            } catch {
                try? directory.remove()
                throw error
            }
            let base = "http://127.0.0.1:\(port)"
            do {
                try await waitUntilReady(base, driver: driver)
                let session = try await newSession(base, browserPath: browserPath, profile: profile, directory: directory, options: options)
                return Chromium(sessionURL: "\(base)/session/\(session)", driver: driver, directory: directory, profile: profile)
            } catch {
                let log = (try? String(contentsOfFile: directory.appending("chromedriver.log"), encoding: .utf8)) ?? ""
                lastError = TestSupportError("\(error)\nchromedriver output:\n\(driver.output())\nchromedriver log:\n\(log.suffix(3000))")
                await driver.stop()
                ProcessGroup.killProcesses(mentioning: directory.path)
            }
        }
        try? directory.remove()
        throw lastError
    }

    private static func waitUntilReady(_ base: String, driver: ProcessGroup) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            guard driver.isRunning else { throw TestSupportError("chromedriver exited at start.") }
            if let status = try? await request(.GET, base + "/status", timeout: .seconds(2)), status["ready"]?.bool == true {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSupportError("chromedriver was not ready within 10 seconds.")
    }

    private static func newSession(
        _ base: String, browserPath: String, profile: String, directory: TemporaryDirectory, options: Options
    ) async throws -> String {
        var arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(profile)",
            // Crashpad's handlers run in sessions of their own: their command line names this
            // directory, so that quit() finds them.
            "--crash-dumps-dir=\(directory.appending("crashes"))",
            "--window-size=\(options.windowWidth),\(options.windowHeight)", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required",
        ]
        if let file = options.fakeAudioCapture { arguments.append("--use-file-for-fake-audio-capture=\(file)") }
        arguments += options.arguments
        var chromeOptions: [String: JSONValue] = ["binary": .string(browserPath), "args": .array(arguments.map { .string($0) })]
        if !options.javaScript {
            chromeOptions["prefs"] = .object(["profile.managed_default_content_settings.javascript": .number(2)])
        }
        let capabilities: JSONValue = .object([
            "capabilities": .object([
                "alwaysMatch": .object([
                    "browserName": .string("chrome"),
                    "pageLoadStrategy": .string("normal"),
                    "goog:chromeOptions": .object(chromeOptions),
                    "goog:loggingPrefs": .object(["browser": .string("ALL")]),
                ])
            ])
        ])
        let value = try await request(.POST, base + "/session", capabilities, timeout: .seconds(60))
        guard let session = value["sessionId"]?.string else {
            throw TestSupportError("chromedriver answered a new session without an id: \(value)")
        }
        return session
    }

    /// Ends the session, then stops chromedriver and any Chromium process left, and removes
    /// the profile. Safe to call twice.
    public func quit() async {
        if driver.isRunning {
            _ = try? await Self.request(.DELETE, sessionURL, timeout: .seconds(10))
        }
        await driver.stop()
        ProcessGroup.killProcesses(mentioning: directory.path)
        try? directory.remove()
    }

    // MARK: Navigation and elements

    /// Loads `url` and waits for the page's load event.
    public func open(_ url: String) async throws {
        _ = try await command(.POST, "/url", ["url": .string(url)])
    }

    /// Opens a new tab and returns its handle (the current tab stays current).
    public func newTab() async throws -> String {
        let value = try await command(.POST, "/window/new", ["type": .string("tab")])
        guard let handle = value["handle"]?.string else { throw TestSupportError("WebDriver opened a tab without a handle: \(value)") }
        return handle
    }

    /// The handle of the current tab.
    public func currentTab() async throws -> String {
        try await command(.GET, "/window").string ?? ""
    }

    /// Makes the tab with `handle` current; pages in other tabs keep running.
    public func switchToTab(_ handle: String) async throws {
        _ = try await command(.POST, "/window", ["handle": .string(handle)])
    }

    public func currentURL() async throws -> String {
        try await command(.GET, "/url").string ?? ""
    }

    public func title() async throws -> String {
        try await command(.GET, "/title").string ?? ""
    }

    /// The first element that matches `selector`; throws when there is none.
    public func find(_ selector: String) async throws -> Element {
        let value = try await command(.POST, "/element", ["using": .string("css selector"), "value": .string(selector)])
        return try element(value, selector)
    }

    /// Every element that matches `selector`.
    public func findAll(_ selector: String) async throws -> [Element] {
        let value = try await command(.POST, "/elements", ["using": .string("css selector"), "value": .string(selector)])
        return try (value.array ?? []).map { try element($0, selector) }
    }

    /// Waits until an element matches `selector`.
    public func waitFor(_ selector: String, within limit: Duration = .seconds(10)) async throws -> Element {
        let deadline = ContinuousClock.now + limit
        while true {
            if let found = try await findAll(selector).first { return found }
            guard ContinuousClock.now < deadline else {
                throw TestSupportError("No element matched \(selector) within \(limit) on \(try await currentURL()).")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Clears the field that matches `selector` and types `text` into it.
    public func type(_ text: String, into selector: String) async throws {
        let field = try await find(selector)
        _ = try await command(.POST, "/element/\(field.id)/clear", [:])
        _ = try await command(.POST, "/element/\(field.id)/value", ["text": .string(text)])
    }

    public func click(_ selector: String) async throws {
        try await click(try await find(selector))
    }

    public func click(_ element: Element) async throws {
        _ = try await command(.POST, "/element/\(element.id)/click", [:])
    }

    /// The rendered text of the element that matches `selector`.
    public func text(of selector: String) async throws -> String {
        let element = try await find(selector)
        return try await command(.GET, "/element/\(element.id)/text").string ?? ""
    }

    private func element(_ value: JSONValue, _ selector: String) throws -> Element {
        guard let id = value["element-6066-11e4-a52e-4f735466cecf"]?.string else {
            throw TestSupportError("WebDriver returned no element reference for \(selector): \(value)")
        }
        return Element(id: id, selector: selector)
    }

    // MARK: Scripts

    /// Runs `script` as the body of a function with `arguments` and returns what it returns.
    @discardableResult
    public func execute(_ script: String, _ arguments: [JSONValue] = []) async throws -> JSONValue {
        try await command(.POST, "/execute/sync", ["script": .string(script), "args": .array(arguments)])
    }

    /// Runs `script` with a callback as its last argument (`arguments[arguments.length - 1]`)
    /// and returns what it passes to the callback.
    @discardableResult
    public func executeAsync(_ script: String, _ arguments: [JSONValue] = [], timeout: Duration = .seconds(30)) async throws -> JSONValue {
        let milliseconds = Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        _ = try await command(.POST, "/timeouts", ["script": .number(Double(milliseconds))])
        return try await command(
            .POST, "/execute/async", ["script": .string(script), "args": .array(arguments)], timeout: timeout + .seconds(10))
    }

    /// Runs `script` every 100 ms until it returns a truthy value, and returns that value.
    @discardableResult
    public func waitUntil(_ script: String, within limit: Duration = .seconds(10), _ what: String? = nil) async throws -> JSONValue {
        let deadline = ContinuousClock.now + limit
        while true {
            let value = try await execute(script)
            if value.isTruthy { return value }
            guard ContinuousClock.now < deadline else {
                throw TestSupportError("Waited \(limit) for \(what ?? script); last value: \(value).")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    // MARK: Screenshots and logs

    /// A PNG of the viewport.
    public func screenshot() async throws -> [UInt8] {
        guard let encoded = try await command(.GET, "/screenshot").string, let data = Data(base64Encoded: encoded) else {
            throw TestSupportError("WebDriver returned no screenshot.")
        }
        return [UInt8](data)
    }

    /// Resizes the window (the viewport of screenshots).
    public func resize(width: Int, height: Int) async throws {
        _ = try await command(.POST, "/window/rect", ["width": .number(Double(width)), "height": .number(Double(height))])
    }

    /// The browser console's messages since the last call (`level message` lines).
    public func consoleLog() async -> [String] {
        guard let entries = try? await command(.POST, "/se/log", ["type": .string("browser")]).array else { return [] }
        return entries.map { "\($0["level"]?.string ?? "") \($0["message"]?.string ?? "")" }
    }

    /// What helps with a failure: the URL, the console, the end of chromedriver's log.
    public func diagnostics() async -> String {
        let url = (try? await currentURL()) ?? "?"
        let text = (try? await execute("return document.body ? document.body.innerText : ''").string) ?? ""
        let console = await consoleLog().joined(separator: "\n")
        let log = (try? String(contentsOfFile: directory.appending("chromedriver.log"), encoding: .utf8)) ?? ""
        return "Chromium at \(url)\npage text:\n\(text.prefix(1500))\nconsole:\n\(console)\nchromedriver log (end):\n\(log.suffix(1500))"
    }

    // MARK: WebDriver over HTTP

    private func command(
        _ method: HTTPMethod, _ path: String, _ body: [String: JSONValue]? = nil, timeout: Duration = .seconds(60)
    ) async throws -> JSONValue {
        try await Self.request(method, sessionURL + path, body.map { .object($0) }, timeout: timeout)
    }

    /// One WebDriver command; returns its `value`, or throws its error.
    private static func request(
        _ method: HTTPMethod, _ url: String, _ body: JSONValue? = nil, timeout: Duration = .seconds(60)
    ) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        }
        let seconds = timeout.components.seconds
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(seconds))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let reply = try JSONDecoder().decode(JSONValue.self, from: Data(bytes.readableBytesView))
        let value = reply["value"] ?? .null
        if response.status.code >= 400 {
            let error = value["error"]?.string ?? "HTTP \(response.status.code)"
            let message = value["message"]?.string ?? "\(reply)"
            throw TestSupportError("WebDriver \(method.rawValue) \(url): \(error): \(message)")
        }
        return value
    }
}
