import Foundation
import ParleyTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `parley nettest` across two network namespaces joined by a veth pair, with the path
/// impaired: a node (`parley serve` with the node role) in one, the client in the other.
/// Needs root, iproute2 and (per case) sch_netem or nftables; where they are missing the
/// case is skipped and the reason is in the test output. CI runs as root.
@Suite("Network test across network namespaces", .serialized, .timeLimit(.minutes(2)))
struct NetTestNamespaceTests {
    struct Measured {
        let json: [String: Any]
        let result: CLIResult

        var udp: [[String: Any]] { json["udp"] as? [[String: Any]] ?? [] }
        var rows: [[String: Any]] { json["rows"] as? [[String: Any]] ?? [] }

        func udp(_ port: Int) -> [String: Any] { udp.first { $0["port"] as? Int == port } ?? [:] }
        func double(_ port: Int, _ key: String) -> Double { udp(port)[key] as? Double ?? .nan }

        func verdict(_ check: String, port: Int? = nil) -> String? {
            rows.first { $0["check"] as? String == check && $0["port"] as? Int == port }?["verdict"] as? String
        }

        /// One line per port for the test log.
        var summary: String {
            udp.map { figures in
                let port = figures["port"] as? Int ?? 0
                func f(_ key: String, scale: Double = 1) -> String {
                    (figures[key] as? Double).map { String(format: "%.1f", $0 * scale) } ?? "-"
                }
                return "UDP \(port): rtt \(f("delay_milliseconds")) ms, jitter up \(f("jitter_up_milliseconds")) ms / down \(f("jitter_down_milliseconds")) ms, loss up \(f("loss_up", scale: 100)) % / down \(f("loss_down", scale: 100)) %, dscp up \(figures["dscp_up_received"] ?? "-") down \(figures["dscp_down_received"] ?? "-")"
            }.joined(separator: "\n")
        }
    }

    /// Creates the lab, applies `impair`, runs a node in one namespace and `parley nettest`
    /// in the other, and always removes the namespaces and stops the node.
    static func measure(duration: Int, impair: (NetworkNamespaceLab) throws -> Void) async throws -> Measured {
        let lab = try NetworkNamespaceLab.create()
        defer { lab.destroy() }
        let ip = try #require(NetworkNamespaceLab.ip)
        let parley = try ParleyProcess.executable()
        try impair(lab)
        return try await TemporaryDirectory.with(prefix: "parley-netns") { directory in
            let serve = try ParleyProcess(
                executable: ip,
                [
                    "netns", "exec", lab.server, parley, "serve", "--data-dir", directory.appending("data"), "--set", "roles=node",
                    "--set", "media.address=\(lab.serverAddress)", "--set", "sip.address=\(lab.serverAddress)", "--set", "log.level=warning",
                ], in: directory, name: "serve")
            do {
                let listening = try await poll(.seconds(30)) {
                    (serve.stdout.contains("node.nettest.tcp:") && serve.stdout.contains("node.media:")) || serve.finished != nil
                }
                guard listening, serve.finished == nil else { throw TestSupportError("the node did not start:\n\(serve.transcript)") }
                let client = try ParleyProcess(
                    executable: ip,
                    ["netns", "exec", lab.client, parley, "nettest", lab.serverAddress, "--json", "--duration", "\(duration)"], in: directory,
                    name: "nettest")
                let finished: (status: Int32, exited: Bool)
                do {
                    finished = try await client.waitForExit(within: .seconds(Int64(duration) + 30))
                } catch {
                    await client.stop()
                    throw error
                }
                let result = CLIResult(status: finished.exited ? finished.status : -1, stdout: client.stdout, stderr: client.stderr, transcript: client.transcript)
                let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
                serve.signal(SIGTERM)
                _ = try? await serve.waitForExit(within: .seconds(10))
                await serve.stop()
                return Measured(json: json, result: result)
            } catch {
                await serve.stop()
                throw error
            }
        }
    }

    static func expect(_ value: Double, in range: ClosedRange<Double>, _ what: String, _ measured: Measured) {
        #expect(range.contains(value), "\(what) = \(value), expected \(range)\n\(measured.summary)\n\(measured.result.stdout)")
    }

    @Test(
        "netem delay 40 ms ± 10 ms and 5 % loss each way come out within tolerance",
        .enabled(if: NetworkNamespaceLab.netemProblem == nil, Comment(rawValue: "skipped: \(NetworkNamespaceLab.netemProblem ?? "")")))
    func netemImpairments() async throws {
        let measured = try await Self.measure(duration: 8) { lab in
            guard let tc = NetworkNamespaceLab.tc else { return }
            for (namespace, interface) in [(lab.server, lab.serverInterface), (lab.client, lab.clientInterface)] {
                let added = lab.run(in: namespace, [tc, "qdisc", "add", "dev", interface, "root", "netem", "delay", "40ms", "10ms", "loss", "5%"])
                guard added.status == 0 else { throw TestSupportError("tc netem failed: \(added.output)") }
            }
        }
        print("netem 40ms±10ms 5% each way:\n\(measured.summary)")
        for port in [5004, 9000] {
            #expect(measured.udp(port)["reachable"] as? Bool == true, "\(measured.result.transcript)")
            // Round trip: 40 ms each way; the median of uniform ±10 ms each way stays near 80.
            Self.expect(measured.double(port, "delay_milliseconds"), in: 70...95, "UDP \(port) round trip", measured)
            // RFC 3550 jitter of independent uniform ±10 ms delays tends to E|D| = 20/3 ≈ 6.7 ms.
            Self.expect(measured.double(port, "jitter_up_milliseconds"), in: 3...13, "UDP \(port) jitter up", measured)
            Self.expect(measured.double(port, "jitter_down_milliseconds"), in: 3...13, "UDP \(port) jitter down", measured)
            // 400 packets at 5 %: a standard deviation of about 1.1 %.
            Self.expect(measured.double(port, "loss_up"), in: 0.01...0.10, "UDP \(port) loss up", measured)
            Self.expect(measured.double(port, "loss_down"), in: 0.01...0.10, "UDP \(port) loss down", measured)
        }
        #expect(measured.verdict("TCP connectivity", port: 5004) == "pass", "\(measured.result.stdout)")
        let tcpDelay = (measured.json["tcp"] as? [String: Any])?["delay_milliseconds"] as? Double ?? .nan
        Self.expect(tcpDelay, in: 60...130, "TCP round trip", measured)
    }

    @Test(
        "5 % loss each way (nftables) and a DSCP rewritten on the way up are reported",
        .enabled(if: NetworkNamespaceLab.nftProblem == nil, Comment(rawValue: "skipped: \(NetworkNamespaceLab.nftProblem ?? "")")))
    func nftablesLossAndRemarking() async throws {
        let measured = try await Self.measure(duration: 8) { lab in
            guard let nft = NetworkNamespaceLab.nft else { return }
            // Dropped on the way in, not out: a drop in the output hook makes the sender's
            // sendmsg fail with EPERM, which NIO treats as fatal for a datagram channel.
            for namespace in [lab.server, lab.client] {
                let rules: [[String]] = [
                    [nft, "add", "table", "inet", "parleytest"],
                    [nft, "add", "chain", "inet", "parleytest", "in", "{ type filter hook input priority 0; }"],
                    [nft, "add", "rule", "inet", "parleytest", "in", "meta", "l4proto", "udp", "numgen", "random", "mod", "100", "<", "5", "drop"],
                    [nft, "add", "chain", "inet", "parleytest", "out", "{ type filter hook output priority 0; }"],
                ]
                for rule in rules {
                    let added = lab.run(in: namespace, rule)
                    guard added.status == 0 else { throw TestSupportError("`\(rule.joined(separator: " "))` failed: \(added.output)") }
                }
            }
            let remark = lab.run(in: lab.client, [nft, "add", "rule", "inet", "parleytest", "out", "udp", "dport", "9000", "ip", "dscp", "set", "cs1"])
            guard remark.status == 0 else { throw TestSupportError("nft dscp rewrite failed: \(remark.output)") }
        }
        print("nftables 5% loss each way, DSCP rewritten to CS1 towards 9000:\n\(measured.summary)")
        for port in [5004, 9000] {
            #expect(measured.udp(port)["reachable"] as? Bool == true, "\(measured.result.transcript)")
            Self.expect(measured.double(port, "loss_up"), in: 0.01...0.10, "UDP \(port) loss up", measured)
            Self.expect(measured.double(port, "loss_down"), in: 0.01...0.10, "UDP \(port) loss down", measured)
            Self.expect(measured.double(port, "delay_milliseconds"), in: 0...20, "UDP \(port) round trip", measured)
            #expect(measured.verdict("DSCP down", port: port) == "pass", "\(measured.result.stdout)")
        }
        #expect(measured.udp(9000)["dscp_up_received"] as? Int == 8, "\(measured.result.stdout)")
        #expect(measured.verdict("DSCP up", port: 9000) == "warn", "\(measured.result.stdout)")
        #expect(measured.verdict("TCP connectivity", port: 5004) == "pass", "\(measured.result.stdout)")
    }

    @Test(
        "UDP blocked by nftables is reported failed, TCP still passes",
        .enabled(if: NetworkNamespaceLab.nftProblem == nil, Comment(rawValue: "skipped: \(NetworkNamespaceLab.nftProblem ?? "")")))
    func udpBlocked() async throws {
        let measured = try await Self.measure(duration: 1) { lab in
            guard let nft = NetworkNamespaceLab.nft else { return }
            let rules: [[String]] = [
                [nft, "add", "table", "inet", "parleytest"],
                [nft, "add", "chain", "inet", "parleytest", "in", "{ type filter hook input priority 0; }"],
                [nft, "add", "rule", "inet", "parleytest", "in", "udp", "dport", "{ 5004, 9000 }", "drop"],
            ]
            for rule in rules {
                let added = lab.run(in: lab.server, rule)
                guard added.status == 0 else { throw TestSupportError("`\(rule.joined(separator: " "))` failed: \(added.output)") }
            }
        }
        print("UDP 5004 and 9000 dropped by nftables:\n\(measured.summary)")
        #expect(measured.result.status == 1, "\(measured.result.transcript)")
        #expect(measured.verdict("UDP connectivity", port: 5004) == "fail", "\(measured.result.stdout)")
        #expect(measured.verdict("UDP connectivity", port: 9000) == "fail", "\(measured.result.stdout)")
        #expect(measured.verdict("TCP connectivity", port: 5004) == "pass", "\(measured.result.stdout)")
        #expect((measured.json["hint"] as? String)?.contains("a firewall blocks UDP") == true, "\(measured.result.stdout)")
    }

    /// Says in the test output why the namespace cases were skipped, if they were.
    @Test("namespace support on this machine is reported")
    func reportSupport() {
        let lines = [
            ("network namespaces", NetworkNamespaceLab.problem), ("tc netem", NetworkNamespaceLab.netemProblem),
            ("nftables", NetworkNamespaceLab.nftProblem),
        ].map { "\($0.0): \($0.1.map { "unavailable, \($0)" } ?? "available")" }
        print("Network-namespace tests on this machine:\n  " + lines.joined(separator: "\n  "))
    }
}
