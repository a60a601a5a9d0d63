import Foundation
import ParleyTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Two network namespaces joined by a veth pair, for tests that impair the path between a
/// node and a client (`tc netem`, nftables). Needs root and iproute2; ``problem`` says why a
/// machine cannot run them. Always ``destroy()``: deleting the namespaces deletes the pair.
struct NetworkNamespaceLab: Sendable {
    let server: String
    let client: String
    let serverInterface: String
    let clientInterface: String
    let serverAddress: String
    let clientAddress: String

    static let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let nft = ["/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let tc = ["/usr/sbin/tc", "/sbin/tc", "/usr/bin/tc"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Why namespaces cannot be made here (nil: they can).
    static let problem: String? = {
        guard geteuid() == 0 else { return "network namespaces need root (this runs as uid \(geteuid())); CI runs as root" }
        guard ip != nil else { return "iproute2's `ip` is not installed; run scripts/setup.sh --tests" }
        do {
            let lab = try NetworkNamespaceLab.create()
            lab.destroy()
            return nil
        } catch {
            return "cannot create network namespaces here: \(error)"
        }
    }()

    /// Why `tc netem` cannot be used (nil: it can).
    static let netemProblem: String? = {
        if let problem { return problem }
        guard tc != nil else { return "`tc` (iproute2) is not installed; run scripts/setup.sh --tests" }
        guard let lab = try? NetworkNamespaceLab.create() else { return "cannot create network namespaces" }
        defer { lab.destroy() }
        let added = lab.run(in: lab.server, [tc!, "qdisc", "add", "dev", lab.serverInterface, "root", "netem", "delay", "1ms"])
        return added.status == 0 ? nil : "this kernel has no sch_netem (`tc qdisc add ... netem` said: \(added.output.trimmingCharacters(in: .whitespacesAndNewlines)))"
    }()

    /// Why nftables cannot be used (nil: it can).
    static let nftProblem: String? = {
        if let problem { return problem }
        guard nft != nil else { return "`nft` (nftables) is not installed; run scripts/setup.sh --tests" }
        guard let lab = try? NetworkNamespaceLab.create() else { return "cannot create network namespaces" }
        defer { lab.destroy() }
        let added = lab.run(in: lab.server, [nft!, "add", "table", "inet", "parleyprobe"])
        return added.status == 0 ? nil : "nftables does not work here: \(added.output)"
    }()

    /// Creates the namespaces, the veth pair and addresses 10.213.N.1 (server) and .2 (client).
    static func create() throws -> NetworkNamespaceLab {
        guard let ip else { throw TestSupportError("no `ip` command") }
        let tag = "\(getpid() % 10_000)x\(UInt16.random(in: 0...UInt16.max))"
        let subnet = Int.random(in: 1...254)
        let lab = NetworkNamespaceLab(
            server: "parley-s\(tag)", client: "parley-c\(tag)", serverInterface: "pvs\(tag)", clientInterface: "pvc\(tag)",
            serverAddress: "10.213.\(subnet).1", clientAddress: "10.213.\(subnet).2")
        let steps: [[String]] = [
            [ip, "netns", "add", lab.server],
            [ip, "netns", "add", lab.client],
            [ip, "link", "add", lab.serverInterface, "type", "veth", "peer", "name", lab.clientInterface],
            [ip, "link", "set", lab.serverInterface, "netns", lab.server],
            [ip, "link", "set", lab.clientInterface, "netns", lab.client],
            [ip, "-n", lab.server, "address", "add", "\(lab.serverAddress)/24", "dev", lab.serverInterface],
            [ip, "-n", lab.client, "address", "add", "\(lab.clientAddress)/24", "dev", lab.clientInterface],
            [ip, "-n", lab.server, "link", "set", "lo", "up"],
            [ip, "-n", lab.client, "link", "set", "lo", "up"],
            [ip, "-n", lab.server, "link", "set", lab.serverInterface, "up"],
            [ip, "-n", lab.client, "link", "set", lab.clientInterface, "up"],
        ]
        for step in steps {
            let result = Self.run(step)
            guard result.status == 0 else {
                lab.destroy()
                throw TestSupportError("`\(step.joined(separator: " "))` failed: \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        }
        return lab
    }

    /// Deletes both namespaces (and with them the veth pair); quiet when already gone.
    func destroy() {
        guard let ip = Self.ip else { return }
        _ = Self.run([ip, "netns", "del", server])
        _ = Self.run([ip, "netns", "del", client])
        _ = Self.run([ip, "link", "del", serverInterface])
    }

    /// Runs a command inside `namespace`.
    func run(in namespace: String, _ arguments: [String]) -> (status: Int32, output: String) {
        Self.run([Self.ip ?? "ip", "netns", "exec", namespace] + arguments)
    }

    /// Runs a command to completion (at most `limit`), with its output (stdout and stderr).
    static func run(_ arguments: [String], limit: Duration = .seconds(20)) -> (status: Int32, output: String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-lab-\(UInt64.random(in: 0...UInt64.max)).out").path
        defer { unlink(path) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid = pid_t()
        guard posix_spawn(&pid, arguments[0], &actions, nil, cArguments, environ) == 0 else {
            return (-1, "could not start \(arguments[0])")
        }
        var status: Int32 = 0
        let deadline = ContinuousClock.now + limit
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                return (-1, "timed out: \(arguments.joined(separator: " "))")
            }
            usleep(5_000)
        }
        let output = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return ((status & 0x7F) == 0 ? (status >> 8) & 0xFF : -1, output)
    }
}
