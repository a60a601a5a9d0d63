import ParleyConfig
import ParleyModel
import Testing

@Suite("Listener table")
struct ListenerTableTests {
    @Test func httpOnlyByDefault() throws {
        let table = ParleyConfiguration().listenerTable
        #expect(
            table.listeners.map(\.name) == ["node.sip.udp", "node.sip.tcp", "node.media", "node.nettest.udp", "node.nettest.tcp", "web.http"])
        let http = try #require(table.listener(named: "web.http"))
        #expect(http.role == .web)
        #expect(http.application == "HTTP")
        #expect(http.transport == .tcp)
        #expect(http.ports == PortRange(8080))
        #expect(http.bindAddress == "0.0.0.0")
        #expect(http.audience == .endUsers)
        #expect(http.optional == false)
        #expect(table.clashes.isEmpty)
        // SIP over UDP and TCP share 5060 without clashing; TLS and the port range are not bound yet.
        // Media: one port per media shard (two by default).
        let node = table.listeners(for: .node)
        #expect(node.map(\.ports) == [PortRange(5060), PortRange(5060), PortRange(first: 5004, last: 5005), PortRange(9000), PortRange(5004)])
        #expect(node.map(\.transport) == [.udp, .tcp, .udp, .udp, .tcp])
        #expect(node.allSatisfy { $0.audience == .endUsers })
        #expect(node.map(\.optional) == [false, false, false, true, true])
        #expect(table.listeners(for: .director).isEmpty)
    }

    @Test func httpsWhenCertificateAndKeyAreSet() throws {
        let yaml = "http:\n  address: 10.1.2.3\n  port: 80\nhttps:\n  port: 443\n  certificate: /c.pem\n  private_key: /k.pem\n"
        let table = try ConfigurationLoader.load(yaml: yaml).get().listenerTable
        #expect(table.listeners(for: .web).map(\.name) == ["web.http", "web.https"])
        let https = try #require(table.listener(named: "web.https"))
        #expect(https.application == "HTTPS")
        #expect(https.transport == .tls)
        #expect(https.ports == PortRange(443))
        #expect(https.bindAddress == "10.1.2.3")
        #expect(https.audience == .endUsers)
        #expect(https.optional)
    }

    @Test func rolesDecideTheListeners() throws {
        let director = try ConfigurationLoader.load(yaml: "roles: [director]\n").get()
        #expect(director.listenerTable.listeners.isEmpty)
        let node = try ConfigurationLoader.load(yaml: "roles: [node]\nsip:\n  udp_port: 5070\n").get()
        #expect(node.listenerTable.listeners.map(\.name) == ["node.sip.udp", "node.sip.tcp", "node.media", "node.nettest.udp", "node.nettest.tcp"])
        #expect(node.listenerTable.listener(named: "node.sip.udp")?.ports == PortRange(5070))
    }

    @Test func netTestListenersFollowTheirKeys() throws {
        let moved = try ConfigurationLoader.load(yaml: "media:\n  port: 6000\nnettest:\n  udp_port: 9100\n").get().listenerTable
        #expect(moved.listener(named: "node.nettest.udp")?.ports == PortRange(9100))
        #expect(moved.listener(named: "node.nettest.tcp")?.ports == PortRange(6000))
        let own = try ConfigurationLoader.load(yaml: "nettest:\n  tcp_port: 7000\n").get().listenerTable
        #expect(own.listener(named: "node.nettest.tcp")?.ports == PortRange(7000))
        let off = try ConfigurationLoader.load(yaml: "nettest:\n  enabled: false\n").get().listenerTable
        #expect(off.listeners.filter { $0.name.hasPrefix("node.nettest") }.isEmpty)
        let clash = ConfigurationLoader.check(yaml: "nettest:\n  udp_port: 5004\n", sourceName: "parley.yaml")
        #expect(clash.errors.contains { $0.keyPath == "nettest.udp_port" || $0.keyPath == "media.port" })
    }

    @Test func clientRangesAreChecked() {
        let reversed = ConfigurationLoader.check(yaml: "clients:\n  audio_ports:\n    first: 52100\n    last: 52000\n", sourceName: "parley.yaml")
        #expect(reversed.errors.map(\.keyPath).contains("clients.audio_ports.last"))
        let overlap = ConfigurationLoader.check(yaml: "clients:\n  video_ports:\n    first: 52050\n", sourceName: "parley.yaml")
        #expect(overlap.errors.isEmpty)
        #expect(overlap.warnings.map(\.keyPath) == ["clients.video_ports.first"])
        let dscp = ConfigurationLoader.check(yaml: "dscp:\n  audio: 64\n", sourceName: "parley.yaml")
        #expect(dscp.errors.map(\.keyPath) == ["dscp.audio"])
    }

    @Test func nodeClashesNameTheKey() throws {
        let report = ConfigurationLoader.check(yaml: "media:\n  port: 5060\n", sourceName: "parley.yaml")
        #expect(report.errors.contains { $0.keyPath == "media.port" || $0.keyPath == "sip.udp_port" })
    }

    @Test func clashingPortsAreErrors() throws {
        let yaml = "https:\n  port: 8080\n  certificate: /c.pem\n  private_key: /k.pem\n"
        let report = ConfigurationLoader.check(yaml: yaml, sourceName: "parley.yaml")
        #expect(
            report.errors.map(\.description) == [
                "parley.yaml:2: https.port: web.http (http.port) and web.https (https.port) both use port 8080. Give https.port a different port."
            ])
        // Without the web role nothing is bound, so nothing clashes.
        let quiet = ConfigurationLoader.check(yaml: yaml + "roles: node\n")
        #expect(quiet.errors.isEmpty)
    }
}

@Suite("Clash errors point at the value that was written")
struct ClashLocationTests {
    @Test func httpPortMovedOntoHTTPS() {
        let yaml = "http:\n  port: 8443\nhttps:\n  certificate: /c.pem\n  private_key: /k.pem\n"
        let errors = ConfigurationLoader.check(yaml: yaml, sourceName: "parley.yaml").errors
        #expect(errors.map(\.keyPath) == ["http.port"])
        #expect(errors.first?.line == 2)
    }

    @Test func sipTCPMovedOntoTLS() {
        let errors = ConfigurationLoader.check(yaml: nil, environment: ["PARLEY_SIP_TCP_PORT": "5061"]).errors
        #expect(errors.map(\.description).first?.hasPrefix("PARLEY_SIP_TCP_PORT: port 5061 is also sip.tcp_port") == true)
    }
}
