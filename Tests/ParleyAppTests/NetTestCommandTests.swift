import Foundation
import ParleyApp
import ParleyTestSupport
import Testing
// In a clean build the compiler may attribute the socket constants to NIO's CNIOLinux module.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// `parley nettest` against a server on 127.0.0.1: the client in process and the command.
@Suite("parley nettest on loopback", .timeLimit(.minutes(2)))
struct NetTestCommandTests {
    @Test("every row passes against a local node, with DSCP intact both ways")
    func loopbackPasses() async throws {
        try await TestServer.with { server in
            let media = try await server.ports.port("node.media")
            let udp = try await server.ports.port("node.nettest.udp")
            let tcp = try await server.ports.port("node.nettest.tcp")
            let client = NetTestClient(options: NetTestClient.Options(host: "127.0.0.1", udpPorts: [media, udp], tcpPort: tcp, duration: 1))
            let result = try await client.run()
            #expect(result.verdict == "pass", "\(result.table)")
            #expect(result.tcp.connected)
            #expect((result.tcp.downloadBitsPerSecond ?? 0) > 10_000_000)
            #expect((result.tcp.uploadBitsPerSecond ?? 0) > 10_000_000)
            for figures in result.udp {
                #expect(figures.reachable)
                #expect(figures.lossUp == 0 && figures.lossDown == 0, "\(result.table)")
                #expect(figures.streamPacketsGranted == 50 && figures.streamPacketsReceived == 50)
                #expect(figures.dscpDownSent == 46 && figures.dscpDownReceived == 46)
                #expect((figures.delayMilliseconds ?? 100) < 50)
            }
            // The media port cannot read marks (NIO); the extra port can.
            #expect(result.udp[0].dscpUpReceived == nil)
            #expect(result.udp[1].dscpUpReceived == 46)
            #expect(result.calls.map(\.codec) == ["G.711", "G.722"])
            #expect(result.calls.allSatisfy { $0.calls > 100 })
            #expect(result.rows.contains { $0.check == "DSCP up" && $0.port == udp && $0.verdict == "pass" })
        }
    }

    @Test("--json gives the figures; a port that does not answer fails with a reason")
    func commandJSONAndFailures() async throws {
        try await TestServer.with { server in
            let udp = try await server.ports.port("node.nettest.udp")
            let tcp = try await server.ports.port("node.nettest.tcp")
            try await TemporaryDirectory.with(prefix: "parley-nettest") { directory in
                // A port nothing listens on: its UDP row fails, the rest passes.
                let closed = try Self.closedPort()
                let result = try await ParleyCLI.run(
                    ["nettest", "127.0.0.1", "--udp-port", "\(udp)", "--udp-port", "\(closed)", "--tcp-port", "\(tcp)", "--duration", "1", "--json"],
                    in: directory)
                #expect(result.status == 1, "\(result.transcript)")
                let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
                let rows = try #require(json?["rows"] as? [[String: Any]], "\(result.transcript)")
                let verdicts = Dictionary(rows.map { ("\($0["check"] ?? "") \($0["port"] ?? "")", $0["verdict"] as? String ?? "") }) { a, _ in a }
                #expect(verdicts["UDP connectivity \(udp)"] == "pass", "\(result.stdout)")
                #expect(verdicts["UDP connectivity \(closed)"] == "fail", "\(result.stdout)")
                #expect(verdicts["TCP connectivity \(tcp)"] == "pass", "\(result.stdout)")
                let figures = try #require(json?["udp"] as? [[String: Any]])
                #expect(figures.first?["loss_up"] as? Double == 0)
                #expect((json?["source_port"] as? Int).map { (52_000...65_535).contains($0) } == true)
            }
        }
    }

    @Test("an unreachable or unknown host is said plainly, within the time bound")
    func unreachable() async throws {
        try await TemporaryDirectory.with(prefix: "parley-nettest") { directory in
            let started = ContinuousClock.now
            let port = try Self.closedPort()
            let closed = try await ParleyCLI.run(["nettest", "127.0.0.1", "--udp-port", "\(port)", "--tcp-port", "\(port)", "--duration", "1"], in: directory)
            #expect(closed.status == 1)
            #expect(closed.stdout.contains("refused: nothing listens there"), "\(closed.transcript)")
            #expect(closed.stdout.contains("Nothing answered at 127.0.0.1"), "\(closed.transcript)")
            #expect(ContinuousClock.now - started < .seconds(10))

            let unknown = try await ParleyCLI.run(["nettest", "no-such-host.invalid"], in: directory)
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("cannot resolve 'no-such-host.invalid'"), "\(unknown.transcript)")

            let bad = try await ParleyCLI.run(["nettest", "127.0.0.1", "--duration", "60"], in: directory)
            #expect(bad.status != 0 && bad.stderr.contains("--duration must be between 1 and 20 seconds"), "\(bad.transcript)")
        }
    }

    /// A loopback port nothing listens on (TCP or UDP): bound by the system, then released.
    static func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw TestSupportError("could not find a free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
