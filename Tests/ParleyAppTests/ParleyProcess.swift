import Foundation
import ParleyTestSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The built `parley` executable (or another program a test drives, such as baresip), run as a
/// subprocess with `posix_spawn` and reaped with `waitpid`. Output goes to files in a directory
/// the test owns, so nothing blocks on a full pipe; waits poll with a deadline.
///
/// Not Foundation's `Process`: on Linux it learns of a child's exit through a descriptor the
/// child inherits, and a process spawned at the same moment by a parallel test can inherit
/// it too, so the exit of a short command goes unnoticed until that other process ends.
final class ParleyProcess: Sendable {
    let pid: pid_t
    /// The program's file name, for messages (`parley`, `baresip`).
    let program: String
    let arguments: [String]
    let stdoutPath: String
    let stderrPath: String
    /// Set once the process is reaped: its exit status, or the signal that killed it.
    private let termination = Mutex<(status: Int32, exited: Bool)?>(nil)

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

    /// Starts `parley arguments…` in `directory` with the test's environment minus `PARLEY_*`
    /// variables; stdout and stderr go to `<name>.stdout` and `<name>.stderr` there.
    convenience init(_ arguments: [String], in directory: TemporaryDirectory, name: String) throws {
        try self.init(executable: try Self.executable(), arguments, in: directory, name: name)
    }

    /// Starts the program at `executable` with `arguments` in `directory`, as above.
    init(executable: String, _ arguments: [String], in directory: TemporaryDirectory, name: String) throws {
        self.program = String(executable.split(separator: "/").last ?? Substring(executable))
        self.arguments = arguments
        self.stdoutPath = directory.appending("\(name).stdout")
        self.stderrPath = directory.appending("\(name).stderr")

        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t? = nil
        #else
            var actions = posix_spawn_file_actions_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        // POSIX has no portable "spawn in this directory": a shell changes to it and execs the
        // program, which keeps the shell's pid. The paths are arguments, never parsed by the shell.
        let argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory.path, executable] + arguments
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PARLEY_") }.map { "\($0.key)=\($0.value)" }
        let cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnvironment: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, cArguments, cEnvironment)
        guard spawned == 0 else {
            throw TestSupportError("Could not start \(executable): \(String(cString: strerror(spawned))).")
        }
        self.pid = pid
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Nil while running; then the exit status and whether it exited (rather than died of a signal).
    var finished: (status: Int32, exited: Bool)? {
        termination.withLock { termination in
            if termination == nil {
                var status: Int32 = 0
                let reaped = waitpid(pid, &status, WNOHANG)
                if reaped == pid {
                    // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
                    let signal = status & 0x7F
                    termination = signal == 0 ? ((status >> 8) & 0xFF, true) : (signal, false)
                } else if reaped < 0, errno == ECHILD {
                    // Someone else in this process reaped it: gone, status unknown.
                    termination = (-1, false)
                }
            }
            return termination
        }
    }

    /// Waits for the process to end; throws if it is still running after `limit`.
    @discardableResult
    func waitForExit(within limit: Duration) async throws -> (status: Int32, exited: Bool) {
        _ = try await poll(limit) { self.finished != nil }
        guard let finished else {
            throw TestSupportError("\(program) \(arguments.joined(separator: " ")) was still running after \(limit).\n\(transcript)")
        }
        return finished
    }

    /// Sends a signal unless the process has already been reaped (its pid may be reused then).
    func signal(_ number: Int32) {
        termination.withLock { termination in
            if termination == nil { kill(pid, number) }
        }
    }

    /// Kills the process if it still runs and waits for it: the cleanup path of a failed test.
    func stop() async {
        guard finished == nil else { return }
        signal(SIGKILL)
        _ = try? await waitForExit(within: .seconds(10))
    }

    /// A short transcript for failure messages.
    var transcript: String {
        let state = finished.map { $0.exited ? "exit \($0.status)" : "killed by signal \($0.status)" } ?? "running"
        return "$ \(program) \(arguments.joined(separator: " "))\n[\(state)]\nstdout:\n\(stdout)\nstderr:\n\(stderr)"
    }
}
