import Foundation
import ParleyTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The built `parley` executable, run as a subprocess. Output goes to files in a directory the
/// test owns, so nothing blocks on a full pipe; waits poll with a deadline.
final class ParleyProcess: Sendable {
    let pid: Int32
    let arguments: [String]
    let stdoutPath: String
    let stderrPath: String
    /// Keeps the Process alive until it is reaped (Foundation's Process is not Sendable).
    private let process: Mutex<Process>
    /// Set by the termination handler.
    private let termination: Termination

    /// The exit status, and whether the process exited (rather than died of a signal).
    final class Termination: Sendable {
        let value = Mutex<(status: Int32, exited: Bool)?>(nil)
    }

    /// Where `swift build` put the executable: next to the test bundle (`CommandLine.arguments[0]`,
    /// `Bundle.main`), else `.build/debug` of the package.
    static func executable() throws -> String {
        var directories: [URL] = []
        if let first = CommandLine.arguments.first {
            directories.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        directories.append(Bundle.main.bundleURL.resolvingSymlinksInPath())
        directories.append(Bundle.main.bundleURL.resolvingSymlinksInPath().deletingLastPathComponent())
        directories.append(OpenAPISpec.packageRoot.appendingPathComponent(".build/debug"))
        let candidates = directories.map { $0.appendingPathComponent("parley").path }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
        throw TestSupportError(
            "The parley executable was not found; looked at \(candidates.joined(separator: ", ")). "
                + "Build it with `swift build --product parley` (or `swift build --build-tests`), then run the tests again.")
    }

    /// Starts `parley arguments…` in `directory` with a clean environment (no PARLEY_ variables).
    init(_ arguments: [String], in directory: TemporaryDirectory, name: String) throws {
        let stdoutPath = directory.appending("\(name).stdout")
        let stderrPath = directory.appending("\(name).stderr")
        guard FileManager.default.createFile(atPath: stdoutPath, contents: nil),
            FileManager.default.createFile(atPath: stderrPath, contents: nil),
            let out = FileHandle(forWritingAtPath: stdoutPath), let err = FileHandle(forWritingAtPath: stderrPath)
        else { throw TestSupportError("Could not create output files in \(directory.path).") }
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.executable())
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PARLEY_") }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        let termination = Termination()
        process.terminationHandler = { finished in
            let exited = finished.terminationReason == .exit
            termination.value.withLock { $0 = (finished.terminationStatus, exited) }
        }
        try process.run()
        self.pid = process.processIdentifier
        self.arguments = arguments
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        self.termination = termination
        self.process = Mutex(process)
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Nil while running; then the exit status and whether it exited normally.
    var finished: (status: Int32, exited: Bool)? { termination.value.withLock { $0 } }

    /// Waits for the process to end; throws if it is still running after `limit`.
    @discardableResult
    func waitForExit(within limit: Duration) async throws -> (status: Int32, exited: Bool) {
        _ = try await poll(limit) { self.finished != nil }
        guard let finished else {
            throw TestSupportError("parley \(arguments.joined(separator: " ")) was still running after \(limit).\nstdout:\n\(stdout)\nstderr:\n\(stderr)")
        }
        return finished
    }

    func signal(_ number: Int32) {
        if finished == nil { kill(pid, number) }
    }

    /// Kills the process if it still runs and waits for it: the cleanup path of a failed test.
    func stop() async {
        guard finished == nil else { return }
        kill(pid, SIGKILL)
        _ = try? await waitForExit(within: .seconds(10))
    }

    /// A short transcript for failure messages.
    var transcript: String {
        "$ parley \(arguments.joined(separator: " "))\n[exit \(finished.map { "\($0.status)\($0.exited ? "" : " (signal)")" } ?? "running")]\nstdout:\n\(stdout)\nstderr:\n\(stderr)"
    }
}
