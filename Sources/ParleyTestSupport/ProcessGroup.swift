import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A program started in a process group of its own (`posix_spawn` with `POSIX_SPAWN_SETPGROUP`),
/// so that it and every child it starts can be stopped together by that group's id, even when
/// the program itself is already gone. Output goes to a file; the program is reaped with
/// `waitpid`, as ``Subprocess`` does.
final class ProcessGroup: Sendable {
    let pid: pid_t
    let program: String
    let outputPath: String
    private let reaped: Mutex<Bool>

    init(_ program: String, _ arguments: [String], outputPath: String) throws {
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw TestSupportError("Could not start \(program): \(String(cString: strerror(spawned))).")
        }
        self.pid = pid
        self.program = program
        self.outputPath = outputPath
        self.reaped = Mutex(false)
    }

    /// Whether the program (the group's leader) still runs; reaps it once it has ended.
    var isRunning: Bool {
        reaped.withLock { reaped in
            guard !reaped else { return false }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result < 0 && errno == ECHILD) { reaped = true }
            return !reaped
        }
    }

    /// The program's output so far (its end).
    func output(last count: Int = 4000) -> String {
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return String(text.suffix(count))
    }

    /// Stops the whole group: SIGTERM, up to `grace` for the leader to end, then SIGKILL to
    /// every process still in the group.
    func stop(grace: Duration = .seconds(2)) async {
        if isRunning {
            kill(-pid, SIGTERM)
            let deadline = ContinuousClock.now + grace
            while isRunning, ContinuousClock.now < deadline {
                await Self.pause(.milliseconds(50))
            }
        }
        // Children outlive their parent's exit: the group id still names them.
        kill(-pid, SIGKILL)
        let deadline = ContinuousClock.now + .seconds(5)
        while isRunning, ContinuousClock.now < deadline {
            await Self.pause(.milliseconds(20))
        }
    }

    /// Sleeps also in a cancelled task (a test that timed out still cleans up, without spinning).
    private static func pause(_ duration: Duration) async {
        do {
            try await Task.sleep(for: duration)
        } catch {
            usleep(UInt32(duration / .microseconds(1)))
        }
    }

    /// Kills (SIGKILL) every process of this user whose command line contains `marker`, and
    /// returns their pids: the last resort for a child that left the group.
    @discardableResult
    static func killProcesses(mentioning marker: String) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let me = getpid()
        var killed: [pid_t] = []
        for entry in entries {
            guard let pid = pid_t(entry), pid != me,
                let commandLine = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { continue }
            let text = String(decoding: commandLine.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            if text.contains(marker), kill(pid, SIGKILL) == 0 { killed.append(pid) }
        }
        return killed
    }
}
