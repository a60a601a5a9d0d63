import Foundation
import ParleyMediaServer
import ParleySIP
import ParleyTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the real sipp (Debian package sip-tester) against the service and bounds it in time.
enum SIPp {
    struct Run {
        var status: Int32
        var output: String
        var errors: String

        /// What to show when a run failed: exit status, sipp's unexpected-message log, the end
        /// of its screen output.
        var report: String {
            "sipp exited with \(status).\n--- errors ---\n\(errors.suffix(3_000))\n--- output ---\n\(output.suffix(3_000))"
        }
    }

    static let executable: String? = ["/usr/bin/sipp", "/usr/local/bin/sipp", "/usr/sbin/sipp"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static let missingMessage: Comment = "sipp is not installed (Debian package sip-tester): run scripts/setup.sh --tests"

    /// Runs sipp with `arguments` in a fresh temporary directory (where `-trace_err` writes);
    /// kills it if it is still running after `timeout`.
    static func run(_ arguments: [String], scenario: String? = nil, timeout: Duration = .seconds(40)) async throws -> Run {
        let executable = try #require(executable, missingMessage)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-sipp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var arguments = arguments
        if let scenario {
            let file = directory.appendingPathComponent("scenario.xml")
            try scenario.write(to: file, atomically: true, encoding: .utf8)
            arguments = ["-sf", file.path] + arguments
        }
        let outputFile = directory.appendingPathComponent("sipp.out")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputFile)
        defer { try? output.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output

        let exit = ExitStatus()
        process.terminationHandler = { finished in exit.finish(finished.terminationStatus) }
        try process.run()
        let pid = process.processIdentifier
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            if process.isRunning { kill(pid, SIGKILL) }
        }
        let status = await exit.value
        watchdog.cancel()
        let errors = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?
            .filter { $0.hasSuffix("_errors.log") }
            .compactMap { try? String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
            .joined(separator: "\n") ?? ""
        let text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        return Run(status: status, output: text, errors: errors)
    }

    /// The arguments every run shares: target, local addresses and ports, limits.
    static func commonArguments(service: SIPService, transport: String = "u1", calls: Int = 1) throws -> [String] {
        let port = transport == "t1" ? service.tcpPort : service.udpPort
        return [
            "127.0.0.1:\(port)", "-t", transport, "-i", "127.0.0.1", "-p", "\(try SIPTestSocket.freeUDPPort())",
            "-mp", "\(try SIPTestSocket.freeUDPPort())", "-m", "\(calls)", "-r", "5", "-l", "5",
            "-timeout", "20s", "-timeout_error", "-trace_err", "-nostdin",
        ]
    }
}

/// The exit status of a process, which may arrive before or after someone waits for it.
/// `@unchecked Sendable`: its state is guarded by `lock`.
final class ExitStatus: @unchecked Sendable {
    private let lock = NSLock()
    private var status: Int32?
    private var waiter: CheckedContinuation<Int32, Never>?

    func finish(_ value: Int32) {
        lock.lock()
        status = value
        let waiting = waiter
        waiter = nil
        lock.unlock()
        waiting?.resume(returning: value)
    }

    var value: Int32 {
        get async {
            await withCheckedContinuation { continuation in
                lock.lock()
                if let status {
                    lock.unlock()
                    continuation.resume(returning: status)
                } else {
                    waiter = continuation
                    lock.unlock()
                }
            }
        }
    }
}

/// Interop with a real SIP stack: sipp's own UAC scenario and our CANCEL, hold and DTMF ones.
@Suite("SIP service with sipp", .serialized, .timeLimit(.minutes(2)))
struct SIPServiceSIPpTests {
    @Test("sipp is installed")
    func sippInstalled() {
        #expect(SIPp.executable != nil, SIPp.missingMessage)
    }

    @Test("sipp's built-in uac scenario completes every call", arguments: ["u1", "t1"])
    func builtInUAC(transport: String) async throws {
        let handler = RecordingCallHandler()
        let service = try await startTestService(handler, timers: .rfc3261)
        let run = try await SIPp.run(["-sn", "uac", "-s", "1234"] + SIPp.commonArguments(service: service, transport: transport, calls: 5))
        #expect(run.status == 0, "\(run.report)")
        let events = await handler.waitUntil { $0.filter(\.isEnded).count >= 5 }
        #expect(events.filter(\.isEstablished).count == 5)
        let endings = events.filter(\.isEnded)
        #expect(endings.count == 5)
        #expect(endings.allSatisfy { if case .ended(_, .remoteBye) = $0 { true } else { false } })
        await service.stop()
    }

    @Test("CANCEL before the answer (sipp): 200, 487, callEnded(.cancelled)")
    func cancel() async throws {
        let handler = RecordingCallHandler()
        let service = try await startTestService(handler, timers: .rfc3261) { $0.ringingDelay = .milliseconds(200) }
        let run = try await SIPp.run(SIPp.commonArguments(service: service), scenario: SIPpScenarios.cancel)
        #expect(run.status == 0, "\(run.report)")
        await handler.releaseHeldCalls()
        let ended = await handler.waitFor { $0.isEnded }
        #expect(ended.map { if case .ended(_, .cancelled) = $0 { true } else { false } } == true)
        #expect(await handler.events.filter(\.isEstablished).isEmpty)
        await service.stop()
    }

    @Test("re-INVITE hold (sipp): a=sendonly is answered a=recvonly")
    func hold() async throws {
        let handler = RecordingCallHandler()
        let service = try await startTestService(handler, timers: .rfc3261)
        let run = try await SIPp.run(SIPp.commonArguments(service: service), scenario: SIPpScenarios.hold)
        #expect(run.status == 0, "\(run.report)")
        let changed = try #require(await handler.waitFor { $0.isMediaChanged })
        guard case .mediaChanged(_, let media) = changed else { return }
        #expect(media.isOnHold)
        let ended = await handler.waitFor { $0.isEnded }
        #expect(ended.map { if case .ended(_, .remoteBye) = $0 { true } else { false } } == true)
        await service.stop()
    }

    @Test("INFO DTMF (sipp): both digits reach call control in order")
    func infoDTMF() async throws {
        let handler = RecordingCallHandler()
        let service = try await startTestService(handler, timers: .rfc3261)
        let run = try await SIPp.run(SIPp.commonArguments(service: service), scenario: SIPpScenarios.infoDTMF)
        #expect(run.status == 0, "\(run.report)")
        _ = await handler.waitFor { $0.isEnded }
        let digits = await handler.events.compactMap { event -> Character? in
            if case .dtmf(_, let digit) = event { return digit }
            return nil
        }
        #expect(digits == ["5", "#"])
        await service.stop()
    }
}
