import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The test server to stop when the process exits: how to stop it, its data directory
/// (which holds `postmaster.pid`) and the temporary directory to remove.
private struct RegisteredServer: Sendable {
    var stopProgram: String
    var stopArguments: [String]
    var dataDirectory: String
    var directory: String
}

/// Set while a server started by this process may be running. A global because the exit
/// handler is a C function pointer and cannot capture anything.
private let registeredServer = Mutex<RegisteredServer?>(nil)
private let exitHandlerInstalled = Mutex(false)

/// Remembers the server for ``stopRegisteredServer()`` and installs the exit handler once.
func registerServerForShutdown(tools: PostgresTools, dataDirectory: String, directory: String) {
    let stop = tools.command("pg_ctl", ["stop", "-D", dataDirectory, "-m", "immediate", "-w", "-t", "10"])
    let server = RegisteredServer(
        stopProgram: stop.program, stopArguments: stop.arguments, dataDirectory: dataDirectory, directory: directory
    )
    registeredServer.withLock { $0 = server }
    let install = exitHandlerInstalled.withLock { installed in
        defer { installed = true }
        return !installed
    }
    if install {
        atexit { stopRegisteredServer() }
    }
}

/// Starts a small shell loop that outlives this process: once the process is gone (even
/// killed, so that the exit handler never ran) it stops the server and removes its
/// directory. Normally the exit handler has done both already and the loop just ends.
func startShutdownWatchdog(dataDirectory: String, directory: String) throws {
    let script = """
        owner=$1; data=$2; dir=$3
        while kill -0 "$owner" 2>/dev/null && [ "$(cut -d' ' -f3 "/proc/$owner/stat" 2>/dev/null)" != Z ]; do
            sleep 1
        done
        pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null) && kill -QUIT "$pid" 2>/dev/null && sleep 2
        rm -rf "$dir"
        """
    _ = try Subprocess.spawn(
        "/bin/sh", ["-c", script, "parley-pg-watchdog", "\(getpid())", dataDirectory, directory]
    )
}

/// Stops the registered server with `pg_ctl stop -m immediate` and removes its directory.
/// Runs inside `exit()`, so it spawns with `posix_spawn` and `waitpid` only. Should
/// `pg_ctl` fail, sends the postmaster SIGQUIT itself (what immediate mode does) and waits
/// up to ten seconds for it to go.
func stopRegisteredServer() {
    guard let server = registeredServer.withLock({ server in
        defer { server = nil }
        return server
    }) else { return }
    let stopped = (try? Subprocess.run(server.stopProgram, server.stopArguments, outputPath: "/dev/null")) == 0
    if !stopped, let pid = postmasterPID(dataDirectory: server.dataDirectory), kill(pid, SIGQUIT) == 0 {
        for _ in 0..<500 {
            if isGone(pid) { break }
            usleep(20_000)
        }
    }
    try? FileManager.default.removeItem(atPath: server.directory)
}

/// Whether the process has exited: no such process, or a zombie nobody has reaped yet
/// (containers often lack an init that reaps).
private func isGone(_ pid: pid_t) -> Bool {
    if kill(pid, 0) != 0 { return errno == ESRCH }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return false }
    return stat[close...].dropFirst(2).first == "Z"
}

/// The first line of `postmaster.pid`, if the server wrote one.
private func postmasterPID(dataDirectory: String) -> pid_t? {
    guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
        let line = text.split(separator: "\n").first,
        let pid = pid_t(line.trimmingCharacters(in: .whitespaces)),
        pid > 0
    else { return nil }
    return pid
}
