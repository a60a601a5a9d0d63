import Foundation
import ParleyTestSupport
import Testing
// In a clean build the compiler may attribute the socket constants to NIO's CNIOLinux module.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `parley ports` against the sockets a running `parley serve` really holds: every socket the
/// process binds is listed by `parley ports --format json` for the same configuration, and
/// nothing listed is unbound. Read from /proc (Linux only).
@Suite("CLI: parley ports matches the sockets of parley serve; ports check passes against it", .timeLimit(.minutes(1)))
struct PortsServeTests {
    /// A bound socket as /proc/net shows it.
    struct Socket: Hashable, CustomStringConvertible {
        var transport: String  // "tcp" or "udp"
        var address: String
        var port: Int
        var description: String { "\(transport.uppercased()) \(address):\(port)" }
    }

    @Test("every socket of parley serve is listed, every listed one is bound, and ports check passes against it")
    func listedPortsAreTheBoundSockets() async throws {
        guard FileManager.default.fileExists(atPath: "/proc/net/tcp") else {
            Issue.record("/proc/net is not available: this test needs Linux")
            return
        }
        try await TemporaryDirectory.with(prefix: "parley-ports") { directory in
            var lastTranscript = ""
            for _ in 0..<3 {  // another process may take a chosen port before serve binds it
                let ports = try Self.freePorts()
                let config = directory.appending("parley.yaml")
                try """
                    http:
                      address: 127.0.0.1
                      port: \(ports.http)
                    sip:
                      address: 127.0.0.1
                      udp_port: \(ports.sip)
                      tcp_port: \(ports.sip)
                    media:
                      address: 127.0.0.1
                      port: \(ports.media)
                    nettest:
                      udp_port: \(ports.nettest)
                    """.write(toFile: config, atomically: true, encoding: .utf8)
                let server = try ParleyProcess(["serve", "--config", config, "--data-dir", directory.appending("data")], in: directory, name: "serve")
                let listening = ["web.http: TCP", "node.sip.udp: UDP", "node.sip.tcp: TCP", "node.media: UDP"]
                _ = try await poll(.seconds(30)) { listening.allSatisfy { server.stdout.contains($0) } || server.finished != nil }
                guard listening.allSatisfy({ server.stdout.contains($0) }) else {
                    await server.stop()
                    lastTranscript = server.transcript
                    continue
                }
                do {
                    try await Self.compare(server: server, config: config, ports: ports, in: directory)
                    try await Self.checkFromOutside(config: config, in: directory)
                } catch {
                    await server.stop()
                    throw error
                }
                server.signal(SIGTERM)
                _ = try await server.waitForExit(within: .seconds(10))
                return
            }
            Issue.record("parley serve did not bind its sockets:\n\(lastTranscript)")
        }
    }

    static func compare(server: ParleyProcess, config: String, ports: (http: Int, sip: Int, media: Int, nettest: Int), in directory: TemporaryDirectory)
        async throws
    {
        let result = try await ParleyCLI.run(["ports", "--config", config, "--format", "json"], in: directory)
        #expect(result.status == 0, "\(result.transcript)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.transcript)")
        let incoming = try #require(object["incoming"] as? [[String: Any]])
        var listed: Set<Socket> = []
        for rule in incoming {
            let transport = try #require(rule["transport"] as? String)
            let address = try #require(rule["bind_address"] as? String)
            let range = try #require(rule["ports"] as? [String: Int])
            let first = try #require(range["first"]), last = try #require(range["last"])
            for port in first...last {
                listed.insert(Socket(transport: transport == "udp" ? "udp" : "tcp", address: address, port: port))
            }
        }
        #expect(
            listed == [
                Socket(transport: "tcp", address: "127.0.0.1", port: ports.http), Socket(transport: "udp", address: "127.0.0.1", port: ports.sip),
                Socket(transport: "tcp", address: "127.0.0.1", port: ports.sip), Socket(transport: "udp", address: "127.0.0.1", port: ports.media),
                Socket(transport: "udp", address: "127.0.0.1", port: ports.media + 1),  // the second media shard
                // The network-test responder: UDP on its own port, TCP on the media port's number.
                Socket(transport: "udp", address: "127.0.0.1", port: ports.nettest), Socket(transport: "tcp", address: "127.0.0.1", port: ports.media),
            ])
        let bound = try Self.boundSockets(of: server.pid)
        #expect(bound.subtracting(listed).isEmpty, "bound but not listed by parley ports: \(bound.subtracting(listed))")
        #expect(listed.subtracting(bound).isEmpty, "listed by parley ports but not bound: \(listed.subtracting(bound))\nbound: \(bound)")
    }

    /// `parley ports check` against the running server: every row passes; with the media port
    /// moved to one nothing listens on, that row fails with its fix and the exit status is 1.
    static func checkFromOutside(config: String, in directory: TemporaryDirectory) async throws {
        var result = try await ParleyCLI.run(["ports", "check", "127.0.0.1", "--config", config], in: directory)
        #expect(result.status == 0, "\(result.transcript)")
        for listener in ["node.sip.udp", "node.sip.tcp", "node.media", "web.http"] {
            #expect(result.stdout.split(separator: "\n").contains { $0.hasPrefix("PASS") && $0.contains(listener) }, "\(result.transcript)")
        }
        #expect(result.stdout.contains("STUN Binding answered, reflexive address 127.0.0.1:"), "\(result.transcript)")
        #expect(result.stdout.contains("SIP answered OPTIONS: SIP/2.0 200 OK"), "\(result.transcript)")
        #expect(result.stdout.contains("4 of 4 required checks passed."), "\(result.transcript)")

        let closed = try Self.freePorts().media
        result = try await ParleyCLI.run(
            ["ports", "check", "127.0.0.1", "--config", config, "--role", "node", "--set", "media.port=\(closed)"], in: directory)
        #expect(result.status == 1, "\(result.transcript)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("FAIL") && $0.contains("node.media") && $0.contains("no STUN answer") }, "\(result.transcript)")
        // Both media shards' ports (media.port and the next).
        #expect(result.stdout.contains("fix: allow UDP \(closed)-\(closed + 1) in to the node"), "\(result.transcript)")
        #expect(result.stdout.contains("nft add rule inet parley input udp dport \(closed)-\(closed + 1) accept"), "\(result.transcript)")
        #expect(result.stdout.contains("2 of 3 required checks passed."), "\(result.transcript)")
    }

    /// The listening TCP sockets and bound UDP sockets of a process: its socket inodes from
    /// /proc/PID/fd, looked up in /proc/net/{tcp,tcp6,udp,udp6}.
    static func boundSockets(of pid: pid_t) throws -> Set<Socket> {
        var inodes: Set<String> = []
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(entry)"),
                target.hasPrefix("socket:[")
            {
                inodes.insert(String(target.dropFirst("socket:[".count).dropLast()))
            }
        }
        var sockets: Set<Socket> = []
        for table in ["tcp", "tcp6", "udp", "udp6"] {
            let text = try String(contentsOfFile: "/proc/net/\(table)", encoding: .utf8)
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 9, inodes.contains(String(fields[9])) else { continue }
                // TCP: listening sockets only (state 0A); accepted connections are not bindings.
                if table.hasPrefix("tcp") && fields[3] != "0A" { continue }
                let local = fields[1].split(separator: ":")
                guard local.count == 2, let port = Int(local[1], radix: 16) else { continue }
                sockets.insert(Socket(transport: String(table.prefix(3)), address: Self.address(fromProcHex: String(local[0])), port: port))
            }
        }
        return sockets
    }

    /// /proc/net prints addresses as 32-bit words in host byte order (little-endian here).
    static func address(fromProcHex hex: String) -> String {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let end = hex.index(index, offsetBy: 8, limitedBy: hex.endIndex) {
            let word = UInt32(hex[index..<end], radix: 16) ?? 0
            bytes += [UInt8(word & 0xFF), UInt8((word >> 8) & 0xFF), UInt8((word >> 16) & 0xFF), UInt8(word >> 24)]
            index = end
        }
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        if bytes.allSatisfy({ $0 == 0 }) { return "::" }
        if bytes.prefix(10).allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return "::ffff:" + bytes.suffix(4).map(String.init).joined(separator: ".")
        }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
    }

    /// Three distinct non-default ports free right now: HTTP (TCP), SIP (UDP and TCP), media (UDP).
    static func freePorts() throws -> (http: Int, sip: Int, media: Int, nettest: Int) {
        var chosen: [Int] = []
        for _ in 0..<50 where chosen.count < 4 {
            let port = try PostgresServer.freePort()
            // The media port is followed by the second media shard's (media.shards defaults to 2).
            let needsNext = chosen.count == 2
            guard ![8080, 5060, 5004, 5005, 9000].contains(port), !chosen.contains(port), !chosen.contains(port + 1), udpPortIsFree(port),
                !needsNext || udpPortIsFree(port + 1)
            else { continue }
            chosen.append(port)
        }
        guard chosen.count == 4 else { throw TestSupportError("Could not find four free ports on 127.0.0.1.") }
        return (chosen[0], chosen[1], chosen[2], chosen[3])
    }

    static func udpPortIsFree(_ port: Int) -> Bool {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
