import Foundation
import NIOCore
import ParleyMediaServer
import ParleyNetTest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `parley nettest HOST`: measures the path to a node's network-test responder.
///
/// In order, each step bounded in time (about 14 s in all with the default 5 s of UDP):
/// 1. TCP (``Options/tcpPort``): connect (2 s), ten echoes for the delay (1 s), a download
///    and, on a second connection, an upload (1.5 s each).
/// 2. UDP connectivity on each of ``Options/udpPorts``: an echo every 200 ms until one is
///    answered (1 s).
/// 3. UDP quality on each port that answered, for ``Options/duration``: 172-byte probes
///    (the size of a G.711 RTP packet) every 20 ms up, and a stream of the same down; then
///    up to 1 s for stragglers. Probes are marked with ``Options/dscp``; the source port is
///    taken from ``Options/audioSourcePorts``.
/// 4. The call estimate (``CallCapacityEstimate``) from the TCP rates and the first UDP
///    port's loss and jitter.
///
/// Sockets are plain POSIX ones on a thread of their own: timing is precise and nothing
/// here runs on an event loop or the cooperative pool.
public struct NetTestClient: Sendable {
    public struct Options: Sendable {
        public var host: String
        public var udpPorts: [Int]
        public var tcpPort: Int
        /// Seconds of the UDP quality phase (1-20).
        public var duration: Double
        public var audioSourcePorts: ClosedRange<Int>
        /// DSCP of the UDP probes (0: unmarked).
        public var dscp: Int

        public init(
            host: String, udpPorts: [Int] = [5004, 9000], tcpPort: Int = 5004, duration: Double = 5,
            audioSourcePorts: ClosedRange<Int> = 52_000...52_099, dscp: Int = 46
        ) {
            self.host = host
            self.udpPorts = udpPorts
            self.tcpPort = tcpPort
            self.duration = duration.isFinite ? min(max(duration, 1), 20) : 5
            self.audioSourcePorts = audioSourcePorts
            self.dscp = min(max(dscp, 0), 63)
        }
    }

    public let options: Options
    public var thresholds = NetTestThresholds()
    static let probeLength = 172
    static let second: UInt64 = 1_000_000_000

    public init(options: Options) {
        self.options = options
    }

    /// Runs the test on a thread of its own and returns what it measured. Throws only when
    /// the test cannot start (unknown host, no socket); an unreachable node is a result.
    public func run() async throws -> NetTestResult {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<NetTestResult, any Error>) in
            let thread = Thread { continuation.resume(with: Result { try self.runBlocking() }) }
            thread.name = "parley-nettest"
            thread.start()
        }
    }

    func runBlocking() throws -> NetTestResult {
        let address = try Self.resolve(options.host)
        let wildcard = address.protocol == .inet6 ? "::" : "0.0.0.0"
        let bound: (socket: NetTestUDPSocket, fellBack: Bool)
        do {
            bound = try NetTestUDPSocket.bind(host: wildcard, preferring: options.audioSourcePorts)
        } catch {
            throw NetTestClientError("cannot open a UDP socket: \(error)")
        }
        let socket = bound.socket
        defer { socket.close() }
        var result = NetTestResult(
            host: options.host, address: address.ipAddress ?? options.host, sourcePort: socket.localPort, sourcePortInRange: !bound.fellBack,
            durationSeconds: options.duration, tcp: NetTestResult.TCPFigures(port: options.tcpPort),
            udp: options.udpPorts.map { NetTestResult.UDPFigures(port: $0) })
        if bound.fellBack {
            result.warnings.append(
                "every port of clients.audio_ports (\(options.audioSourcePorts.lowerBound)-\(options.audioSourcePorts.upperBound)) is taken; sending from port \(socket.localPort)")
        }
        let tos = options.dscp == 0 ? Int32(0) : PacketMarking.tos(dscp: options.dscp)
        if tos != 0 {
            do { try socket.setTOS(tos) } catch { result.warnings.append("probes are not marked: \(error)") }
        }

        result.tcp = measureTCP(Self.address(address, port: options.tcpPort))
        var runs = options.udpPorts.map { UDPPortRun(port: $0, destination: Self.address(address, port: $0)) }
        for index in runs.indices { runs[index].dscpSent = UInt8(truncatingIfNeeded: tos) }
        checkConnectivity(&runs, socket: socket, tos: UInt8(truncatingIfNeeded: tos))
        measureQuality(&runs, socket: socket, tos: UInt8(truncatingIfNeeded: tos))
        result.udp = runs.map(\.figures)
        grade(&result)
        return result
    }

    // MARK: TCP

    func measureTCP(_ destination: SocketAddress) -> NetTestResult.TCPFigures {
        var figures = NetTestResult.TCPFigures(port: options.tcpPort)
        let started = NetTestClock.now()
        let connection: NetTestTCPConnection
        do {
            connection = try NetTestTCPConnection.connect(to: destination, timeout: 2 * Self.second)
        } catch {
            figures.error = error.description
            return figures
        }
        figures.connected = true
        figures.connectMilliseconds = (NetTestClock.now() - started).nanosecondsAsMilliseconds
        let session = UInt32.random(in: 1...UInt32.max)

        // Delay: ten echoes, one at a time.
        var roundTrips: [UInt64] = []
        let echoDeadline = NetTestClock.now() + Self.second
        for sequence in UInt32(0)..<10 {
            let sent = NetTestClock.now()
            let probe = NetTestProbe(kind: .echoRequest, length: 64, session: session, sequence: sequence, clientTime: sent)
            guard connection.write(probe.bytes, before: echoDeadline), let reply = Self.readProbe(connection, before: echoDeadline),
                reply.kind == .echoReply, reply.sequence == sequence
            else { break }
            roundTrips.append(NetTestClock.now() - sent)
        }
        let delay = DelayStatistics(samples: roundTrips)
        figures.delayMilliseconds = delay.median?.nanosecondsAsMilliseconds
        figures.delayP95Milliseconds = delay.p95?.nanosecondsAsMilliseconds

        // Download: as much as 1.5 s allows.
        let requested = 64 * 1024 * 1024
        let downloadStart = NetTestClock.now()
        let request = NetTestProbe(kind: .downloadRequest, session: session, sequence: 100, clientTime: downloadStart, count: UInt32(requested))
        let downloadDeadline = downloadStart + 3 * Self.second / 2
        if connection.write(request.bytes, before: downloadDeadline), let start = Self.readProbe(connection, before: downloadDeadline),
            start.kind == .transferStart
        {
            var last = downloadStart
            let bytes = connection.drain(Int(start.count), before: downloadDeadline) { _, time in last = time }
            figures.downloadBytes = bytes
            figures.downloadBitsPerSecond = Throughput(bytes: bytes, nanoseconds: last - downloadStart).bitsPerSecond
        }
        connection.close()

        // Upload, on a fresh connection (the download may have left bytes unread).
        guard let upload = try? NetTestTCPConnection.connect(to: destination, timeout: Self.second) else { return figures }
        defer { upload.close() }
        var small: Int32 = 128 * 1024  // little in flight when time is up, so the result comes soon
        setsockopt(upload.descriptor, SOL_SOCKET, SO_SNDBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        let uploadStart = NetTestClock.now()
        let uploadRequest = NetTestProbe(kind: .uploadRequest, session: session, sequence: 200, clientTime: uploadStart, count: UInt32(requested))
        let uploadDeadline = uploadStart + 3 * Self.second / 2
        guard upload.write(uploadRequest.bytes, before: uploadDeadline) else { return figures }
        let sent = upload.fill(requested, before: uploadDeadline)
        let sendingTime = NetTestClock.now() - uploadStart
        upload.shutdownWrite()
        if let report = Self.readProbe(upload, before: NetTestClock.now() + 3 * Self.second / 2), report.kind == .transferResult {
            figures.uploadBytes = Int(report.count)
            figures.uploadBitsPerSecond = Throughput(bytes: Int(report.count), nanoseconds: report.responderTime).bitsPerSecond
        } else {
            // No report in time: what left this machine, minus what may still sit in buffers.
            figures.uploadBytes = max(0, sent - Int(small))
            figures.uploadBitsPerSecond = Throughput(bytes: max(0, sent - Int(small)), nanoseconds: sendingTime).bitsPerSecond
        }
        return figures
    }

    static func readProbe(_ connection: NetTestTCPConnection, before deadline: UInt64) -> NetTestProbe? {
        guard let header = connection.read(exactly: NetTestProbe.headerLength, before: deadline) else { return nil }
        let length = Int(header[6]) << 8 | Int(header[7])
        guard length >= NetTestProbe.headerLength, length <= NetTestProbe.maximumLength else { return nil }
        var bytes = header
        if length > header.count {
            guard let rest = connection.read(exactly: length - header.count, before: deadline) else { return nil }
            bytes += rest
        }
        return try? NetTestProbe(bytes: bytes)
    }

    // MARK: UDP

    /// One echo every 200 ms to each port that has not answered, for at most 1 s.
    func checkConnectivity(_ runs: inout [UDPPortRun], socket: NetTestUDPSocket, tos: UInt8) {
        var buffer = [UInt8](repeating: 0, count: 2048)
        let deadline = NetTestClock.now() + Self.second
        var nextSend = NetTestClock.now()
        var attempt: UInt32 = 0
        while NetTestClock.now() < deadline, runs.contains(where: { !$0.reachable }) {
            if NetTestClock.now() >= nextSend {
                for index in runs.indices where !runs[index].reachable {
                    let probe = NetTestProbe(
                        kind: .echoRequest, length: Self.probeLength, session: runs[index].connectivitySession, sequence: attempt,
                        clientTime: NetTestClock.now(), sentTOS: tos)
                    socket.send(probe.bytes, to: runs[index].destination)
                }
                attempt += 1
                nextSend += Self.second / 5
            }
            let wait = min(nextSend, deadline) - min(NetTestClock.now(), min(nextSend, deadline))
            guard let datagram = socket.receive(timeout: max(wait, 1_000_000), buffer: &buffer) else { continue }
            dispatch(datagram, to: &runs, arrived: NetTestClock.now())
        }
    }

    /// Probes every 20 ms up and a stream down, on every port that answered.
    func measureQuality(_ runs: inout [UDPPortRun], socket: NetTestUDPSocket, tos: UInt8) {
        guard runs.contains(where: \.reachable) else { return }
        var buffer = [UInt8](repeating: 0, count: 2048)
        let interval: UInt64 = 20_000_000
        let count = UInt32(options.duration * 50)
        let start = NetTestClock.now()
        let end = start + UInt64(options.duration * Double(Self.second))
        var nextSend = start
        var sequence: UInt32 = 0
        var streamAttempts = 0
        var nextStreamRequest = start
        // Sending phase, then up to 1 s for the last replies and stream packets.
        while true {
            let now = NetTestClock.now()
            let sending = now < end
            if !sending && (now >= end + Self.second || runs.allSatisfy({ $0.isComplete(sent: sequence) })) { break }
            if sending, now >= nextStreamRequest, streamAttempts < 3 {
                for index in runs.indices where runs[index].reachable && runs[index].stream.packetsReceived == 0 {
                    let request = NetTestProbe(
                        kind: .streamRequest, length: Self.probeLength, session: runs[index].streamSession, clientTime: now, sentTOS: tos,
                        count: count, cookie: runs[index].cookie)
                    socket.send(request.bytes, to: runs[index].destination)
                }
                streamAttempts += 1
                nextStreamRequest = now + Self.second / 2
            }
            if sending, now >= nextSend {
                for index in runs.indices where runs[index].reachable {
                    let probe = NetTestProbe(
                        kind: .echoRequest, length: Self.probeLength, session: runs[index].measureSession, sequence: sequence, clientTime: now,
                        sentTOS: tos)
                    socket.send(probe.bytes, to: runs[index].destination)
                    runs[index].sent += 1
                }
                sequence += 1
                nextSend += interval
                if nextSend + 5 * interval < now { nextSend = now }  // stalled: do not burst
            }
            let wakeUp = sending ? min(nextSend, end) : end + Self.second
            let wait = wakeUp > now ? wakeUp - now : 0
            if let datagram = socket.receive(timeout: max(wait, 1_000_000), buffer: &buffer) {
                let arrived = NetTestClock.now()
                dispatch(datagram, to: &runs, arrived: arrived)
                for _ in 0..<64 {
                    guard let next = socket.receiveNow(buffer: &buffer) else { break }
                    dispatch(next, to: &runs, arrived: NetTestClock.now())
                }
            }
        }
    }

    func dispatch(_ datagram: NetTestUDPSocket.Datagram, to runs: inout [UDPPortRun], arrived: UInt64) {
        guard let probe = try? NetTestProbe(bytes: datagram.bytes),
            let index = runs.firstIndex(where: { $0.destination == datagram.source })
        else { return }
        runs[index].receive(probe, tos: datagram.tos, arrived: arrived)
    }

    // MARK: Addresses

    static func resolve(_ host: String) throws(NetTestClientError) -> SocketAddress {
        if let literal = try? SocketAddress(ipAddress: host, port: 0) { return literal }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            throw NetTestClientError("cannot resolve '\(host)': \(String(cString: gai_strerror(status))). Check the name, or give an IP address.")
        }
        defer { freeaddrinfo(list) }
        var found: [SocketAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry, found.count < 16 {
            if let raw = current.pointee.ai_addr {
                switch current.pointee.ai_family {
                case AF_INET: raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { found.append(SocketAddress($0.pointee, host: host)) }
                case AF_INET6: raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { found.append(SocketAddress($0.pointee, host: host)) }
                default: break
                }
            }
            entry = current.pointee.ai_next
        }
        guard let chosen = found.first(where: { $0.protocol == .inet }) ?? found.first else {
            throw NetTestClientError("'\(host)' has no IPv4 or IPv6 address.")
        }
        return chosen
    }

    static func address(_ address: SocketAddress, port: Int) -> SocketAddress {
        var out = address
        out.port = port
        return out
    }
}
