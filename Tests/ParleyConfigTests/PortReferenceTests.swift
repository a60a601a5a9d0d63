import Foundation
import ParleyConfig
import ParleyModel
import Testing

/// `parley ports`: the rules built from the listener table and the configuration, and their
/// formats.
@Suite("Port reference")
struct PortReferenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func cluster() throws -> ParleyConfiguration {
        let text = try String(contentsOf: root.appendingPathComponent("docs/examples/cluster.yaml"), encoding: .utf8)
        return try ConfigurationLoader.load(yaml: text).get()
    }

    @Test("incoming rules are the listener table, row for row")
    func incomingIsTheListenerTable() throws {
        for config in [ParleyConfiguration(), try Self.cluster()] {
            let reference = config.portReference()
            let listeners = config.listenerTable.listeners
            #expect(reference.incoming.map(\.name) == listeners.map(\.name))
            #expect(reference.incoming.map(\.ports) == listeners.map(\.ports))
            #expect(reference.incoming.map(\.transport) == listeners.map(\.transport))
            #expect(reference.incoming.map(\.bindAddress) == listeners.map(\.bindAddress))
            #expect(reference.incoming.map(\.exposure) == listeners.map(\.audience))
            #expect(reference.incoming.allSatisfy { $0.direction == .incoming && $0.setting != nil })
        }
    }

    @Test("--role picks the host: the same configuration, other roles")
    func roles() throws {
        let cluster = try Self.cluster()
        #expect(cluster.portReference().incoming.map(\.name) == ["web.http", "web.https"])
        let node = cluster.portReference(roles: [.node])
        #expect(node.roles == [.node])
        #expect(node.incoming.map(\.name) == ["node.sip.udp", "node.sip.tcp", "node.media", "node.nettest.udp", "node.nettest.tcp"])
        #expect(node.incoming.allSatisfy { $0.bindAddress == "10.0.1.21" })
        #expect(cluster.portReference(roles: [.director]).incoming.isEmpty)
        #expect(node.peers == ["10.0.1.21", "10.0.1.22", "10.0.1.11", "10.0.1.12"])
    }

    @Test("outgoing: the database when it is PostgreSQL, DNS for host names, SIP and media back to callers on a node")
    func outgoing() throws {
        let allInOne = ParleyConfiguration().portReference()
        #expect(allInOne.outgoing.map(\.name) == ["out.sip.udp", "out.media", "out.dns.udp", "out.dns.tcp"])
        let dns = allInOne.outgoing.filter { $0.name.hasPrefix("out.dns") }
        #expect(dns.count == 2 && dns.allSatisfy { $0.optional })
        let media = try #require(allInOne.outgoing.first { $0.name == "out.media" })
        #expect(media.ports == nil && media.sourcePorts == PortRange(first: 5004, last: 5005) && media.portsText == "any (from 5004-5005)")

        let director = try Self.cluster().portReference(roles: [.director])
        #expect(director.outgoing.map(\.name) == ["out.database", "out.dns.udp", "out.dns.tcp"])
        let database = try #require(director.outgoing.first)
        #expect(database.ports == PortRange(5432) && database.destinationHost == "db.acme.example" && database.transport == .tcp)
        // db.acme.example is a host name: DNS is needed.
        let clusterDNS = director.outgoing.filter { $0.name.hasPrefix("out.dns") }
        #expect(clusterDNS.allSatisfy { !$0.optional })
    }

    @Test func tableAndMarkdown() throws {
        let reference = ParleyConfiguration().portReference()
        let table = reference.table
        #expect(table.hasPrefix("Ports of a parley host running director, node, web\n\nIncoming\nProtocol  "))
        #expect(table.contains("\nOutgoing\n"))
        #expect(table.contains("SIP             UDP        5060"))
        let markdown = reference.markdown
        #expect(markdown.contains("**Incoming** (host roles: director, node, web)\n\n| Protocol | Transport | Ports | Source |"))
        #expect(markdown.contains("| SIP | UDP | 5060 | Phones, softphones, PBX trunks | Conferencing node | SIP signalling (phones, PBX trunks) | End users and administrators | no | `sip.udp_port` |"))
        #expect(markdown.contains("| HTTP | TCP | 8080 |"))
    }

    @Test("CSV quotes fields with commas and quotes (RFC 4180)")
    func csv() {
        let rule = PortRule(
            name: "x", direction: .incoming, role: .web, application: "HTTP", transport: .tcp, ports: PortRange(80), source: "a, b",
            destination: "say \"hi\"", purpose: "p", exposure: .admins)
        let csv = PortReference(roles: [.web], systemName: "s", incoming: [rule], outgoing: []).csv
        #expect(csv == "Direction,Name,Protocol,Transport,Ports,Source,Destination,Purpose,Exposed to,Optional,Setting\r\n"
            + "incoming,x,HTTP,TCP,80,\"a, b\",\"say \"\"hi\"\"\",p,Administrators,no,\r\n")
    }

    @Test("JSON parses and carries the machine-readable fields")
    func json() throws {
        let reference = try Self.cluster().portReference(roles: [.node, .director])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(reference.json.utf8)) as? [String: Any])
        #expect(object["system"] as? String == "acme-meet")
        #expect(object["roles"] as? [String] == ["director", "node"])
        let incoming = try #require(object["incoming"] as? [[String: Any]])
        #expect(incoming.map { $0["name"] as? String } == ["node.sip.udp", "node.sip.tcp", "node.media", "node.nettest.udp", "node.nettest.tcp"])
        let first = try #require(incoming.first)
        #expect(first["transport"] as? String == "udp" && first["bind_address"] as? String == "10.0.1.21")
        #expect((first["ports"] as? [String: Int]) == ["first": 5060, "last": 5060])
        #expect(first["exposure"] as? String == "end_users" && first["optional"] as? Bool == false)
        let outgoing = try #require(object["outgoing"] as? [[String: Any]])
        #expect(outgoing.first?["destination_host"] as? String == "db.acme.example")
        #expect(outgoing.contains { $0["name"] as? String == "out.media" && $0["ports"] is NSNull })
    }

    /// A reference with the cases the firewall formats treat specially.
    static let special = PortReference(
        roles: [.node], systemName: "t",
        incoming: [
            PortRule(
                name: "range", direction: .incoming, role: .node, application: "RTP", transport: .udp,
                ports: PortRange(first: 16384, last: 16483), source: "s", destination: "d", bindAddress: "0.0.0.0", purpose: "media range",
                exposure: .endUsers),
            PortRule(
                name: "peer", direction: .incoming, role: .director, application: "HTTP", transport: .tcp, ports: PortRange(61080),
                source: "s", destination: "d", bindAddress: "10.0.0.1", purpose: "broker", exposure: .internal),
            PortRule(
                name: "local", direction: .incoming, role: .web, application: "HTTP", transport: .tcp, ports: PortRange(8080),
                source: "s", destination: "d", bindAddress: "127.0.0.1", purpose: "loopback", exposure: .admins),
            PortRule(
                name: "free", direction: .incoming, role: .web, application: "HTTP", transport: .tcp, ports: PortRange(0),
                source: "s", destination: "d", bindAddress: "0.0.0.0", purpose: "any port", exposure: .admins),
        ],
        outgoing: [
            PortRule(
                name: "db", direction: .outgoing, role: .director, application: "PostgreSQL", transport: .tcp, ports: PortRange(5432),
                source: "s", destination: "d", destinationHost: "10.0.0.9", purpose: "database", exposure: .internal)
        ],
        peers: ["10.0.0.2", "10.0.0.3", "2001:db8::2"])

    @Test func nftables() throws {
        let rules = Self.special.nftables
        #expect(rules.contains("table inet parley {"))
        #expect(rules.contains("type filter hook input priority filter; policy drop;"))
        #expect(rules.contains("tcp dport 22 accept"))
        #expect(rules.contains("        udp dport 16384-16483 accept comment \"range: media range\""))
        #expect(rules.contains("        ip saddr { 10.0.0.2, 10.0.0.3 } ip daddr 10.0.0.1 tcp dport 61080 accept"))
        // The IPv6 peer cannot reach an IPv4-bound listener: no rule for it.
        #expect(!rules.contains("2001:db8::2"))
        #expect(rules.contains("# local: loopback: bound to 127.0.0.1, reached from this host only"))
        #expect(rules.contains("# free: any port: port chosen at start; no rule"))
        #expect(rules.contains("        ip daddr 10.0.0.9 tcp dport 5432 accept comment \"db: database\""))
        try Self.checkWithNft(rules)
        try Self.checkWithNft(try Self.cluster().portReference(roles: [.node]).nftables)
        try Self.checkWithNft(ParleyConfiguration().portReference().nftables)
    }

    @Test func iptables() {
        let rules = Self.special.iptables
        #expect(rules.hasSuffix("COMMIT\n"))
        #expect(rules.contains(":INPUT DROP [0:0]"))
        #expect(rules.contains("-A INPUT -p udp --dport 16384:16483 -m comment --comment \"range: media range\" -j ACCEPT"))
        #expect(rules.contains("-A INPUT -p tcp -d 10.0.0.1 -s 10.0.0.2,10.0.0.3 --dport 61080"))
        #expect(rules.contains("-A OUTPUT -p tcp -d 10.0.0.9 --dport 5432 -m comment --comment \"db: database\" -j ACCEPT"))
        #expect(!rules.contains("2001:db8::2"))
    }

    /// `nft -c` (check only, nothing loaded) when nft is installed and may use netlink (root).
    static func checkWithNft(_ rules: String) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft"), getuid() == 0 else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("parley-\(UUID().uuidString).nft")
        try rules.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nft")
        process.arguments = ["-c", "-f", file.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let message = String(data: errors.fileHandleForReading.readDataToEndOfFile(), encoding: .utf8) ?? ""
        #expect(process.terminationStatus == 0, "nft -c refused the ruleset: \(message)\n\(rules)")
    }

    @Test("docs/operations.md shows what `parley ports` prints (scripts/ports-doc.sh)")
    func documentation() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        let cluster = try Self.cluster()
        let expected = """
            <!-- ports: generated by scripts/ports-doc.sh, do not edit -->

            #### All-in-one: `parley serve` with the defaults

            \(ParleyConfiguration().portReference().markdown)#### Cluster, director and web host: `parley ports --config docs/examples/cluster.yaml`

            \(cluster.portReference().markdown)#### Cluster, conferencing node: `parley ports --config docs/examples/cluster.yaml --role node`

            \(cluster.portReference(roles: [.node]).markdown)<!-- ports: end -->
            """
        #expect(text.contains(expected), "docs/operations.md is stale: run `swift build --product parley && scripts/ports-doc.sh`")
    }
}
