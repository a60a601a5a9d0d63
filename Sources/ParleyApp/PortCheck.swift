import NIOCore
import NIOPosix
import ParleyConfig
import ParleyModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `parley ports check HOST`: tries every incoming row of the port reference from where it
/// runs (a user's or an administrator's machine) and says which ones pass, with the rule to
/// add for those that fail.
///
/// - TCP rows (HTTP, HTTPS, SIP over TCP): a TCP connection, closed at once.
/// - UDP media rows (RTP/RTCP, STUN): a STUN Binding request to each media port (one per
///   media shard), each answered.
/// - SIP over UDP: an OPTIONS request, which the node answers without side effects.
/// Each check is bounded (3 s for TCP, 5.5 s for UDP); they run one after the other.
public struct PortCheck: Sendable {
    public enum Outcome: Sendable, Hashable {
        case pass(String)
        case fail(String)
        /// Not checkable (a port chosen at start, a protocol without a probe).
        case skipped(String)
    }

    public struct Result: Sendable, Hashable {
        public var rule: PortRule
        public var outcome: Outcome

        public var failedRequired: Bool {
            if case .fail = outcome { return !rule.optional }
            return false
        }
    }

    public var host: String
    public var connectTimeout: TimeAmount

    public init(host: String, connectTimeout: TimeAmount = .seconds(3)) {
        self.host = host
        self.connectTimeout = connectTimeout
    }

    /// Checks every incoming rule of `reference` at once; the results are in the rules' order.
    public func run(_ reference: PortReference, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async -> [Result] {
        let rules = reference.incoming
        var outcomes = [Outcome?](repeating: nil, count: rules.count)
        await withTaskGroup(of: (Int, Outcome).self) { tasks in
            for (index, rule) in rules.enumerated() {
                tasks.addTask { (index, await self.check(rule, group: group)) }
            }
            for await (index, outcome) in tasks {
                outcomes[index] = outcome
            }
        }
        return zip(rules, outcomes).map { Result(rule: $0, outcome: $1 ?? .skipped("not run")) }
    }

    func check(_ rule: PortRule, group: any EventLoopGroup) async -> Outcome {
        guard let port = rule.ports?.first, port != 0 else { return .skipped("port chosen at start: give the real one with --set") }
        let address: SocketAddress
        do {
            address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        } catch {
            return .fail("cannot resolve \(host): \(error)")
        }
        switch rule.transport {
        case .tcp, .tls:
            return await connect(to: address, group: group)
        case .udp:
            let result: Swift.Result<String, UDPProbeError>
            if rule.application.contains("STUN") {
                return await stun(rule, first: address, group: group)
            } else if rule.application == "SIP" {
                result = await SIPOptionsProbe(host: host, port: port).run(to: address, group: group)
            } else {
                return .skipped("no probe for \(rule.application) over UDP")
            }
            switch result {
            case .success(let text): return .pass(text)
            case .failure(let error): return .fail(error.description)
            }
        }
    }

    /// STUN on every port of a media row (one per media shard), at once: each must answer.
    private func stun(_ rule: PortRule, first: SocketAddress, group: any EventLoopGroup) async -> Outcome {
        let ports = rule.ports.map { Array($0.first...min($0.last, $0.first + 63)) } ?? []
        var addresses = [first]
        for port in ports.dropFirst() {
            var address = first
            address.port = port
            addresses.append(address)
        }
        let results = await withTaskGroup(of: (Int, Swift.Result<String, UDPProbeError>).self) { tasks in
            for (index, address) in addresses.enumerated() {
                tasks.addTask { (index, await STUNBindingProbe().run(to: address, group: group)) }
            }
            var results = [Swift.Result<String, UDPProbeError>?](repeating: nil, count: addresses.count)
            for await (index, result) in tasks { results[index] = result }
            return results
        }
        for (index, result) in results.enumerated() {
            if case .failure(let error) = result {
                return .fail(addresses.count == 1 ? error.description : "port \(addresses[index].port ?? 0): \(error.description)")
            }
        }
        guard case .success(let text) = results.first else { return .fail("no STUN probe ran") }
        return .pass(addresses.count == 1 ? text : "\(text) (all \(addresses.count) media ports answered)")
    }

    private func connect(to address: SocketAddress, group: any EventLoopGroup) async -> Outcome {
        let started = ContinuousClock.now
        do {
            let channel = try await ClientBootstrap(group: group).connectTimeout(connectTimeout).connect(to: address).get()
            let elapsed = started.duration(to: .now)
            try? await channel.close()
            return .pass("TCP connected in \(Self.milliseconds(elapsed)) ms")
        } catch let error as IOError where error.errnoCode == ECONNREFUSED {
            return .fail("TCP connection refused: nothing listens there, or a firewall rejects it")
        } catch ChannelError.connectTimeout {
            return .fail("no TCP answer within \(connectTimeout.nanoseconds / 1_000_000_000) s: a firewall drops it, or the host is down")
        } catch {
            return .fail("TCP connection failed: \(error)")
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// The rule that opens `rule`'s port, in nftables and iptables terms.
    public static func fix(for rule: PortRule) -> String {
        let l4 = rule.transport == .udp ? "udp" : "tcp"
        let port = rule.ports.map { $0.first == $0.last ? "\($0.first)" : "\($0.first)-\($0.last)" } ?? "any"
        let iptablesPort = port.split(separator: "-").joined(separator: ":")
        return "allow \(l4.uppercased()) \(port) in to the \(rule.role.rawValue) (and through any firewall in between): "
            + "nft add rule inet parley input \(l4) dport \(port) accept, or iptables -A INPUT -p \(l4) --dport \(iptablesPort) -j ACCEPT"
    }

    /// The report: one line per row, a fix under each failure, a summary.
    public static func report(_ results: [Result], host: String, roles: [Role]) -> String {
        var rows: [[String]] = []
        var fixes: [Int: String] = [:]
        for (index, result) in results.enumerated() {
            let status: String
            let detail: String
            switch result.outcome {
            case .pass(let text): (status, detail) = ("PASS", text)
            case .fail(let text):
                (status, detail) = (result.rule.optional ? "FAIL (optional)" : "FAIL", text)
                fixes[index] = fix(for: result.rule)
            case .skipped(let text): (status, detail) = ("SKIP", text)
            }
            rows.append([status, result.rule.application, result.rule.transportText, result.rule.portsText, result.rule.name, detail])
        }
        let table = TextTable(headers: ["RESULT", "PROTOCOL", "TRANSPORT", "PORT", "LISTENER", "DETAIL"], rows: rows).rendered
        var lines = ["Checking \(host) as a host running \(roles.map(\.rawValue).joined(separator: ", ")):"]
        for (index, line) in table.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            lines.append(String(line))
            // Table lines: header, rule, then one per result.
            if index >= 2, let fix = fixes[index - 2] { lines.append("    fix: \(fix)") }
        }
        let required = results.filter { !$0.rule.optional && !isSkipped($0) }
        let passed = required.filter { if case .pass = $0.outcome { true } else { false } }.count
        lines.append("\(passed) of \(required.count) required checks passed.")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func isSkipped(_ result: Result) -> Bool {
        if case .skipped = result.outcome { return true }
        return false
    }
}
