import NIOCore
import ParleyMediaServer
import ParleyNetTest
import ParleyRTP
import Testing
// In a clean build the compiler may attribute the socket constants to NIO's CNIOLinux module.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// DSCP marks on the node's sockets, read back with IP_RECVTOS on a loopback socket, and the
/// network-test responders (media port, extra UDP port, TCP) on 127.0.0.1.
@Suite("DSCP marking and network-test responders", .serialized, .timeLimit(.minutes(1)))
struct NetTestResponderTests {
    static let second: UInt64 = 1_000_000_000

    /// Reads datagrams until `match` accepts one or 3 s pass.
    static func receive(
        on socket: NetTestUDPSocket, within limit: UInt64 = 3 * second, _ match: (NetTestUDPSocket.Datagram) -> Bool = { _ in true }
    ) -> NetTestUDPSocket.Datagram? {
        var buffer = [UInt8](repeating: 0, count: 2048)
        let deadline = NIODeadline.now().uptimeNanoseconds + limit
        for _ in 0..<10_000 {
            let now = NIODeadline.now().uptimeNanoseconds
            guard now < deadline else { break }
            if let datagram = socket.receive(timeout: deadline - now, buffer: &buffer), match(datagram) { return datagram }
        }
        return nil
    }

    static func loopback(_ port: Int) throws -> SocketAddress {
        try SocketAddress(ipAddress: "127.0.0.1", port: port)
    }

    // MARK: DSCP

    @Test("audio leaves the media engine marked EF, or unmarked with dscp 0", arguments: [46, 0])
    func mediaMarks(dscp: Int) async throws {
        let phone = try NetTestUDPSocket.bind(host: "127.0.0.1", port: 0)
        defer { phone.close() }
        try await withMediaEngine(configuration: MediaEngine.Configuration(dscp: dscp)) { engine in
            try await engine.createLeg(
                id: "leg", codec: .pcmu, payloadType: 0, telephoneEventPayloadType: nil, remote: try Self.loopback(phone.localPort),
                events: MediaLegEvents())
            let packet = try #require(Self.receive(on: phone) { MediaPacketKind(classifying: ByteBuffer(bytes: $0.bytes)) == .rtp })
            #expect(packet.tos == UInt8(dscp << 2))
        }
    }

    @Test("a per-call port marks its audio too")
    func perCallPortMarks() async throws {
        let phone = try NetTestUDPSocket.bind(host: "127.0.0.1", port: 0)
        defer { phone.close() }
        let first = Int.random(in: 40_000...50_000) & ~1
        let configuration = MediaEngine.Configuration(perCallPorts: first...(first + 99), dscp: 34)
        try await withMediaEngine(configuration: configuration) { engine in
            let port = try await engine.prepareLeg(id: "leg")
            try await engine.createLeg(
                id: "leg", codec: .pcmu, payloadType: 0, telephoneEventPayloadType: nil, remote: try Self.loopback(phone.localPort),
                events: MediaLegEvents())
            let packet = try #require(Self.receive(on: phone) { $0.source.port == port })
            #expect(packet.tos == 34 << 2)
        }
    }

    @Test("SIP answers leave marked CS3")
    func sipMarks() async throws {
        let handler = RecordingCallHandler()
        let service = try await startTestService(handler) { $0.dscp = 24 }
        let phone = try NetTestUDPSocket.bind(host: "127.0.0.1", port: 0)
        defer { phone.close() }
        let options = SIPTestDialogue(clientPort: phone.localPort, serverPort: service.udpPort).request("OPTIONS")
        phone.send(Array(options.utf8), to: try Self.loopback(service.udpPort))
        let answer = try #require(Self.receive(on: phone))
        #expect(String(decoding: answer.bytes, as: UTF8.self).hasPrefix("SIP/2.0 "))
        #expect(answer.tos == 24 << 2)
        await service.stop()
    }

    // MARK: The media port

    @Test("the media port echoes probes, marked like its audio, and RTP still flows")
    func mediaPortEcho() async throws {
        let client = try NetTestUDPSocket.bind(host: "127.0.0.1", port: 0)
        defer { client.close() }
        try client.setTOS(0x60)
        try await withMediaEngine { engine in
            let destination = try Self.loopback(engine.localPort)
            let request = NetTestProbe(kind: .echoRequest, length: 172, session: 7, sequence: 3, clientTime: 99, sentTOS: 0x60)
            client.send(request.bytes, to: destination)
            let datagram = try #require(Self.receive(on: client))
            let reply = try NetTestProbe(bytes: datagram.bytes)
            #expect(reply.kind == .echoReply && reply.sequence == 3 && reply.session == 7 && reply.clientTime == 99)
            #expect(datagram.bytes.count == 172)
            #expect(reply.receivedTOS == NetTestProbe.unknownTOS, "NIO cannot read the mark on the media port")
            #expect(reply.sentTOS == 0xB8 && datagram.tos == 0xB8)
            // Malformed probes and probes of other kinds get nothing.
            client.send([0xD0, 0x4E, 0x54, 9] + [UInt8](repeating: 0, count: 60), to: destination)
            client.send(NetTestProbe(kind: .echoReply, session: 7).bytes, to: destination)
            #expect(Self.receive(on: client, within: Self.second / 2) == nil)
            #expect(await engine.statistics().droppedOtherProtocol == 0)
        }
    }

    @Test("the media port streams only to a source that presented its cookie")
    func mediaPortStream() async throws {
        let client = try NetTestUDPSocket.bind(host: "127.0.0.1", port: 0)
        defer { client.close() }
        try await withMediaEngine { engine in
            let destination = try Self.loopback(engine.localPort)
            var request = NetTestProbe(kind: .streamRequest, length: 100, session: 1, count: 10, cookie: 12345)
            client.send(request.bytes, to: destination)
            let refusal = try NetTestProbe(bytes: try #require(Self.receive(on: client)).bytes)
            #expect(refusal.kind == .refused && refusal.reason == .badCookie)

            client.send(NetTestProbe(kind: .echoRequest, session: 2).bytes, to: destination)
            request.cookie = try NetTestProbe(bytes: try #require(Self.receive(on: client)).bytes).cookie
            let start = NIODeadline.now().uptimeNanoseconds
            client.send(request.bytes, to: destination)
            var packets: [NetTestProbe] = []
            while packets.count < 10, let datagram = Self.receive(on: client) {
                packets.append(try NetTestProbe(bytes: datagram.bytes))
            }
            let elapsed = NIODeadline.now().uptimeNanoseconds - start
            #expect(packets.map(\.sequence) == Array(0..<10))
            #expect(packets.allSatisfy { $0.kind == .streamPacket && $0.length == 100 })
            #expect(elapsed >= 150_000_000 && elapsed < 2 * Self.second, "ten packets 20 ms apart")
            #expect(Self.receive(on: client, within: Self.second / 4) == nil, "and no more")
        }
    }

    // MARK: The extra UDP port

    @Test("the extra UDP port reads the client's mark and marks its replies")
    func extraPortReadsTheMark() async throws {
        let responder = try NetTestUDPResponder.start(host: "127.0.0.1", port: 0, dscp: 46)
        let client = try NetTestUDPSocket.bind(host: "127.0.0.1", port: 0)
        defer { client.close() }
        try client.setTOS(0x60)
        let destination = try Self.loopback(responder.localPort)
        for sequence in UInt32(0)..<3 {
            client.send(NetTestProbe(kind: .echoRequest, length: 200, session: 5, sequence: sequence, sentTOS: 0x60).bytes, to: destination)
            let datagram = try #require(Self.receive(on: client))
            let reply = try NetTestProbe(bytes: datagram.bytes)
            #expect(reply.sequence == sequence && reply.count == sequence + 1)
            #expect(reply.receivedTOS == 0x60)
            #expect(reply.sentTOS == 0xB8 && datagram.tos == 0xB8)
        }
        // Garbage does not stop it.
        client.send([0xD0, 1, 2], to: destination)
        client.send([UInt8](repeating: 0xFF, count: 1500), to: destination)
        client.send(NetTestProbe(kind: .echoRequest, session: 6).bytes, to: destination)
        #expect(Self.receive(on: client) != nil)
        let stopping = NIODeadline.now().uptimeNanoseconds
        await responder.stop()
        #expect(NIODeadline.now().uptimeNanoseconds - stopping < Self.second)
    }

    // MARK: TCP

    @Test("TCP: echo, a download and an upload, each bounded")
    func tcpTransfers() async throws {
        var limits = NetTestTCPResponder.Limits()
        limits.maximumTransferBytes = 1 << 20
        let responder = try await NetTestTCPResponder.start(host: "127.0.0.1", port: 0, limits: limits)
        let connection = try TestTCPClient(port: responder.localPort)
        defer { connection.close() }

        connection.send(NetTestProbe(kind: .echoRequest, length: 80, session: 1, sequence: 4, clientTime: 5).bytes)
        let echo = try #require(connection.probe())
        #expect(echo.kind == .echoReply && echo.length == 80 && echo.sequence == 4 && echo.clientTime == 5 && echo.count == 1)

        // Asking for more than the cap gets the cap.
        connection.send(NetTestProbe(kind: .downloadRequest, session: 1, count: 5 << 20).bytes)
        let start = try #require(connection.probe())
        #expect(start.kind == .transferStart && start.count == 1 << 20)
        #expect(connection.read(1 << 20)?.count == 1 << 20)

        connection.send(NetTestProbe(kind: .uploadRequest, session: 1, count: 300_000).bytes)
        connection.send([UInt8](repeating: 7, count: 300_000))
        let result = try #require(connection.probe())
        #expect(result.kind == .transferResult && result.count == 300_000)

        // An upload over the cap is refused, and the connection closed.
        connection.send(NetTestProbe(kind: .uploadRequest, session: 1, count: 2 << 20).bytes)
        let refused = try #require(connection.probe())
        #expect(refused.kind == .refused && refused.reason == .tooLarge)
        #expect(connection.read(1) == nil)
        await responder.stop()
    }

    @Test("TCP: an upload cut short by the client reports what arrived")
    func tcpUploadCutShort() async throws {
        let responder = try await NetTestTCPResponder.start(host: "127.0.0.1", port: 0)
        let connection = try TestTCPClient(port: responder.localPort)
        defer { connection.close() }
        connection.send(NetTestProbe(kind: .uploadRequest, session: 1, count: 10_000_000).bytes)
        connection.send([UInt8](repeating: 7, count: 123_456))
        connection.shutdownWrite()
        let result = try #require(connection.probe())
        #expect(result.kind == .transferResult && result.count == 123_456)
        await responder.stop()
    }

    @Test("TCP: connections per host are limited")
    func tcpConnectionLimit() async throws {
        var limits = NetTestTCPResponder.Limits()
        limits.connectionsPerHost = 1
        let responder = try await NetTestTCPResponder.start(host: "127.0.0.1", port: 0, limits: limits)
        let first = try TestTCPClient(port: responder.localPort)
        defer { first.close() }
        first.send(NetTestProbe(kind: .echoRequest, session: 1).bytes)
        #expect(first.probe()?.kind == .echoReply)
        let second = try TestTCPClient(port: responder.localPort)
        defer { second.close() }
        let refused = try #require(second.probe())
        #expect(refused.kind == .refused && refused.reason == .busy)
        await responder.stop()
        #expect(first.read(1) == nil, "stop closes open connections")
    }
}

/// A blocking TCP client with a 5 s receive timeout.
struct TestTCPClient {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        let connected = address.withSockAddr { connect(descriptor, $0, socklen_t($1)) }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw NetTestSocketError("connect: \(String(cString: strerror(errno)))")
        }
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    func read(_ count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = out.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + filled, count - filled, 0) }
            guard got > 0 else { return nil }
            filled += got
        }
        return out
    }

    func probe() -> NetTestProbe? {
        guard let header = read(NetTestProbe.headerLength) else { return nil }
        let length = Int(header[6]) << 8 | Int(header[7])
        guard length >= header.count, let rest = read(length - header.count) else { return nil }
        return try? NetTestProbe(bytes: header + rest)
    }

    func shutdownWrite() {
        shutdown(descriptor, Int32(SHUT_WR))
    }

    func close() {
        Glibc.close(descriptor)
    }
}
