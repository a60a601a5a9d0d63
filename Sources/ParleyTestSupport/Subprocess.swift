#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to completion with `posix_spawn` and `waitpid`.
///
/// Not Foundation's `Process`: on Linux its `waitUntilExit()` never returns for
/// `pg_ctl start`, because the daemonized postmaster inherits the descriptor Foundation
/// watches for the child's exit (the child stays `<defunct>`, unreaped). Waiting on the pid
/// itself has no such problem.
enum Subprocess {
    /// Runs `program` with `arguments`, stdin from /dev/null and stdout and stderr into the
    /// file at `outputPath`; returns the exit status (128 + signal when killed by one).
    static func run(_ program: String, _ arguments: [String], outputPath: String) throws -> Int32 {
        let pid = try spawn(program, arguments, outputPath: outputPath)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else {
                throw TestSupportError("Could not wait for \(program): \(String(cString: strerror(errno))).")
            }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// Starts `program` and returns its pid without waiting for it.
    static func spawn(_ program: String, _ arguments: [String], outputPath: String = "/dev/null") throws -> pid_t {
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil
        #else
        var actions = posix_spawn_file_actions_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }

        var pid = pid_t()
        let spawned = posix_spawn(&pid, program, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw TestSupportError("Could not start \(program): \(String(cString: strerror(spawned))).")
        }
        return pid
    }
}
