import ParleyModel
import Testing

@Suite("ListenerTable")
struct ListenerTableTests {
    func listener(
        _ name: String, _ transport: ListenerTransport, _ ports: PortRange, on address: String = "0.0.0.0", role: Role = .node
    ) -> Listener {
        Listener(
            name: name, role: role, purpose: "test", application: "SIP", transport: transport, ports: ports,
            bindAddress: address, audience: .endUsers
        )
    }

    func clashNames(_ table: ListenerTable) -> [String] {
        table.clashes.map { "\($0.0.name)|\($0.1.name)" }
    }

    @Test("The same port over TCP and UDP does not clash")
    func tcpAndUDPShareAPort() {
        let table = ListenerTable([listener("sip.udp", .udp, PortRange(5060)), listener("sip.tcp", .tcp, PortRange(5060))])
        #expect(table.clashes.isEmpty)
    }

    @Test("TCP and TLS are both TCP sockets and clash on the same port")
    func tcpAndTLSClash() {
        let table = ListenerTable([listener("a", .tcp, PortRange(5061)), listener("b", .tls, PortRange(5061))])
        #expect(clashNames(table) == ["a|b"])
    }

    @Test("Two UDP listeners on the same port and address clash")
    func sameUDPPort() {
        let table = ListenerTable([listener("a", .udp, PortRange(5004)), listener("b", .udp, PortRange(5004))])
        #expect(clashNames(table) == ["a|b"])
    }

    @Test("A wildcard address clashes with any specific address, in either order", arguments: ["0.0.0.0", "::", "*"])
    func wildcardClashes(wildcard: String) {
        let a = ListenerTable([
            listener("any", .tcp, PortRange(8080), on: wildcard), listener("lo", .tcp, PortRange(8080), on: "127.0.0.1"),
        ])
        #expect(clashNames(a) == ["any|lo"])
        let b = ListenerTable([
            listener("lo", .tcp, PortRange(8080), on: "127.0.0.1"), listener("any", .tcp, PortRange(8080), on: wildcard),
        ])
        #expect(clashNames(b) == ["lo|any"])
    }

    @Test("Different specific addresses on the same port do not clash")
    func distinctAddresses() {
        let table = ListenerTable([
            listener("a", .tcp, PortRange(8080), on: "127.0.0.1"), listener("b", .tcp, PortRange(8080), on: "192.0.2.10"),
        ])
        #expect(table.clashes.isEmpty)
    }

    @Test("Port ranges clash when they share a port, not when they only touch")
    func ranges() {
        let media = listener("media", .udp, PortRange(first: 16384, last: 32767))
        let inside = listener("inside", .udp, PortRange(20000))
        let edgeLow = listener("edgeLow", .udp, PortRange(first: 16000, last: 16384))
        let below = listener("below", .udp, PortRange(first: 16000, last: 16383))
        let above = listener("above", .udp, PortRange(32768))
        #expect(clashNames(ListenerTable([media, inside])) == ["media|inside"])
        #expect(clashNames(ListenerTable([media, edgeLow])) == ["media|edgeLow"])
        #expect(ListenerTable([media, below]).clashes.isEmpty)
        #expect(ListenerTable([media, above]).clashes.isEmpty)
    }

    @Test("Every clashing pair is reported once")
    func everyPairOnce() {
        let table = ListenerTable([
            listener("a", .udp, PortRange(5004)), listener("b", .udp, PortRange(5004)), listener("c", .udp, PortRange(5004)),
            listener("d", .tcp, PortRange(5004)),
        ])
        #expect(clashNames(table) == ["a|b", "a|c", "b|c"])
    }

    @Test("Lookup by name and by role")
    func lookups() {
        let table = ListenerTable([
            listener("web.http", .tcp, PortRange(80), role: .web), listener("node.sip.udp", .udp, PortRange(5060)),
            listener("node.sip.tcp", .tcp, PortRange(5060)),
        ])
        #expect(table.listener(named: "web.http")?.ports == PortRange(80))
        #expect(table.listener(named: "nope") == nil)
        #expect(table.listeners(for: .node).map(\.name) == ["node.sip.udp", "node.sip.tcp"])
        #expect(table.listeners(for: .director).isEmpty)
        #expect(PortRange(80).description == "80")
        #expect(PortRange(first: 16384, last: 32767).description == "16384-32767")
        #expect(Role.allCases.sorted() == [.director, .node, .web])
    }
}
