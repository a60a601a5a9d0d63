import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The test server to stop when the process exits: its data directory (which holds
/// `postmaster.pid`) and the temporary directory to remove.
private struct RegisteredServer: Sendable {
    var dataDirectory: String
    var directory: String
}

/// Set while a server started by this process may be running. A global because the exit
/// handler is a C function pointer and cannot capture anything.
private let registeredServer = Mutex<RegisteredServer?>(nil)
private let exitHandlerInstalled = Mutex(false)

/// Remembers the server for ``stopRegisteredServer()`` and installs the exit handler once.
func registerServerForShutdown(dataDirectory: String, directory: String) {
    registeredServer.withLock { $0 = RegisteredServer(dataDirectory: dataDirectory, directory: directory) }
    let install = exitHandlerInstalled.withLock { installed in
        defer { installed = true }
        return !installed
    }
    if install {
        atexit { stopRegisteredServer() }
    }
}

/// Stops the registered server the way `pg_ctl stop -m immediate` does (SIGQUIT to the
/// postmaster named in `postmaster.pid`), waits up to ten seconds for it to go, and removes
/// its directory. Signals rather than spawning `pg_ctl`, because this runs inside `exit()`.
func stopRegisteredServer() {
    guard let server = registeredServer.withLock({ server in
        defer { server = nil }
        return server
    }) else { return }
    if let pid = postmasterPID(dataDirectory: server.dataDirectory), kill(pid, SIGQUIT) == 0 {
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
