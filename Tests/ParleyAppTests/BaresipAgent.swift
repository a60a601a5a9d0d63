import Foundation
import ParleyTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real baresip (Debian package `baresip`) as a SIP caller on loopback: it plays a sine tone
/// from a WAV file into the call and records what it hears.
///
/// Each agent has its own config directory, SIP port (the kernel's choice), control port and
/// recordings. It is driven through `ctrl_tcp` (``BaresipControl``); `sndfile` writes the
/// decoded audio it receives to `recordings/dump-<time>-dec.wav`, `aubridge` stands in for a
/// sound card. Its account does not register (`regint=0`).
struct BaresipAgent: Sendable {
    /// How an agent calls: a name for its SIP URI and messages, a tone, a codec, a transport.
    struct Spec: Sendable {
        var name: String
        var frequency: Double
        /// `PCMU`, `PCMA` or `G722` (16 kHz audio; the tone file and recording are then 16 kHz).
        var codec: String = "PCMU"
        /// `udp` or `tcp`, for the test to dial with.
        var transport: String = "udp"
    }

    let spec: Spec
    let directory: String
    let process: ParleyProcess
    let control: BaresipControl

    var name: String { spec.name }

    static let installMessage = "baresip is not installed (Debian package baresip-core): run scripts/setup.sh --tests"

    static let executable: String? = ["/usr/bin/baresip", "/usr/local/bin/baresip"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Where the modules are (the Debian package's path, or a source build's).
    static let modulePath: String? = [
        "/usr/lib/baresip/modules", "/usr/local/lib/baresip/modules", "/usr/lib/x86_64-linux-gnu/baresip/modules",
        "/usr/lib/aarch64-linux-gnu/baresip/modules",
    ].first { FileManager.default.fileExists(atPath: $0 + "/ctrl_tcp.so") }

    /// Starts agents for `specs` in one temporary directory, runs `body`, and stops every agent
    /// (also when `body` or a start throws) and removes the directory.
    static func with<T: Sendable>(_ specs: [Spec], _ body: ([BaresipAgent]) async throws -> T) async throws -> T {
        let executable = try #require(executable, Comment(rawValue: installMessage))
        let modulePath = try #require(modulePath, Comment(rawValue: "baresip's modules (ctrl_tcp.so) were not found. \(installMessage)"))
        return try await TemporaryDirectory.with(prefix: "parley-baresip") { directory in
            var agents: [BaresipAgent] = []
            do {
                for spec in specs {
                    agents.append(try await start(spec, executable: executable, modulePath: modulePath, in: directory))
                }
                let result = try await body(agents)
                for agent in agents { await agent.stop() }
                return result
            } catch {
                for agent in agents { await agent.stop() }
                throw error
            }
        }
    }

    /// Writes the agent's files and starts baresip; a control port that another process took
    /// in the meantime gets one more try with a new port.
    private static func start(
        _ spec: Spec, executable: String, modulePath: String, in parent: TemporaryDirectory
    ) async throws -> BaresipAgent {
        let directory = parent.appending(spec.name)
        let recordings = directory + "/recordings"
        try FileManager.default.createDirectory(atPath: recordings, withIntermediateDirectories: true)
        let rate = spec.codec == "G722" ? 16_000 : 8000
        // Longer than any call: at the end of its file aufile ends the call.
        let tone = TestAudio.tone(frequency: spec.frequency, seconds: 30, rate: rate, amplitude: 8000)
        try Data(TestAudio.wav(samples: tone, rate: rate)).write(to: URL(fileURLWithPath: directory + "/tone.wav"))
        try "<sip:\(spec.name)@127.0.0.1>;regint=0;audio_codecs=\(spec.codec)\n".write(
            toFile: directory + "/accounts", atomically: true, encoding: .utf8)

        var lastError: any Error = TestSupportError("baresip did not start.")
        for attempt in 1...2 {
            let controlPort = try PostgresServer.freePort()
            try config(spec, controlPort: controlPort, modulePath: modulePath, directory: directory).write(
                toFile: directory + "/config", atomically: true, encoding: .utf8)
            let process = try ParleyProcess(
                executable: executable, ["-f", directory], in: parent, name: "\(spec.name)-\(attempt)")
            do {
                let control = try await BaresipControl.open(port: controlPort, within: .seconds(5))
                return BaresipAgent(spec: spec, directory: directory, process: process, control: control)
            } catch {
                await process.stop()
                lastError = TestSupportError("\(error)\n\(process.transcript.suffix(3000))")
            }
        }
        throw lastError
    }

    private static func config(_ spec: Spec, controlPort: Int, modulePath: String, directory: String) -> String {
        let lines = [
            "poll_method epoll",
            "sip_listen 127.0.0.1:0",
            // Media on loopback too: SDP says 127.0.0.1, RTP comes from there.
            "net_interface 127.0.0.1",
            "audio_source aufile,\(directory)/tone.wav",
            "audio_player aubridge,\(spec.name)",
            "audio_alert aubridge,\(spec.name)",
            "statmode_default off",
            "snd_path \(directory)/recordings",
            "ctrl_tcp_listen 127.0.0.1:\(controlPort)",
            "module_path \(modulePath)",
            // All in the Debian package baresip-core.
            "module g711.so",
            "module g722.so",
            "module aufile.so",
            "module aubridge.so",
            "module sndfile.so",
            "module_tmp account.so",
            "module_app menu.so",
            "module_app ctrl_tcp.so",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Calls

    /// Dials `uri` and waits until the call is established; throws if it fails or takes too long.
    func call(_ uri: String, within limit: Duration = .seconds(5)) async throws {
        try await control.command("dial", uri)
        let outcome: BaresipControl.Message
        do {
            outcome = try await control.event("CALL_ESTABLISHED", "CALL_CLOSED", within: limit)
        } catch {
            throw TestSupportError("\(name) could not call \(uri): \(error)\n\(log)")
        }
        guard outcome.type == "CALL_ESTABLISHED" else {
            throw TestSupportError("\(name)'s call to \(uri) failed: \(outcome.param ?? outcome.text)")
        }
    }

    /// Sends `digits` as keypad presses, one at a time: baresip sends each as an RFC 4733
    /// telephone-event (press and release) on the call's RTP stream.
    func press(_ digits: String) async throws {
        for digit in digits {
            try await control.command("sndcode", String(digit))
            try await Task.sleep(for: .milliseconds(150))
        }
    }

    func hangUp() async throws {
        try await control.command("hangup")
    }

    /// What the agent has heard so far (the recording grows while the call lasts).
    func recording() throws -> TestAudio.Recording {
        let recordings = directory + "/recordings"
        let files = try FileManager.default.contentsOfDirectory(atPath: recordings).filter { $0.hasSuffix("-dec.wav") }.sorted()
        guard let file = files.last, let data = FileManager.default.contents(atPath: recordings + "/" + file),
            let recording = TestAudio.readWAV([UInt8](data))
        else {
            throw TestSupportError("\(name) has recorded nothing (no readable *-dec.wav in \(recordings)).\n\(log)")
        }
        return recording
    }

    /// Waits until the last 100 ms of the recording are louder than `rms`: the agent hears something.
    func waitUntilHearing(rms threshold: Double, within limit: Duration) async throws {
        let heard = try await poll(limit) {
            guard let recording = try? recording() else { return false }
            return TestAudio.rms(recording.samples.suffix(recording.rate / 10)) > threshold
        }
        if !heard { throw TestSupportError("\(name) heard nothing louder than RMS \(threshold) within \(limit).\n\(log)") }
    }

    /// baresip's output so far (its end).
    var log: String { "\(name): \(process.transcript.suffix(4000))" }

    // MARK: Stopping

    /// Asks baresip to quit, then SIGTERM, then SIGKILL, each with a short wait.
    func stop() async {
        guard process.finished == nil else { return }
        _ = try? await control.command("quit", within: .seconds(1))
        if (try? await process.waitForExit(within: .seconds(2))) != nil { return }
        process.signal(SIGTERM)
        if (try? await process.waitForExit(within: .seconds(2))) != nil { return }
        await process.stop()
    }
}
