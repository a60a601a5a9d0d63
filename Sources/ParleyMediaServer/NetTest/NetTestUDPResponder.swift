import Foundation
import Logging
import NIOCore
import ParleyNetTest
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The network-test responder on the node's extra UDP port (`nettest.udp_port`, 9000): echo
/// and streams like the media port (``NetTestResponderCore`` decides), and the one place the
/// node reads the DSCP mark a client's probe arrived with (IP_RECVTOS), which it reports in
/// the reply so the client can tell whether its marks survive the way up.
///
/// NIO's datagram channels read only the ECN bits of the TOS byte, so this socket is a plain
/// one (``NetTestUDPSocket``) served by its own thread: a loop that waits at most 100 ms for
/// a datagram (less when a stream packet is due), answers it, and sends due stream packets.
/// ``stop()`` ends the loop and closes the socket.
public final class NetTestUDPResponder: Sendable {
    /// The port really bound (useful when started with port 0).
    public let localPort: Int
    private let socket: NetTestUDPSocket
    private let stopping = Atomic<Bool>(false)
    /// Whether the thread has ended, and who waits for it.
    private let ending = Mutex<(done: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))
    private let logger: Logger

    private init(socket: NetTestUDPSocket, logger: Logger) {
        self.socket = socket
        self.localPort = socket.localPort
        self.logger = logger
    }

    /// Binds `host:port` and starts answering. Replies are marked with `dscp` (0: unmarked).
    public static func start(
        host: String, port: Int, dscp: Int, limits: NetTestResponderCore.Limits = NetTestResponderCore.Limits(),
        logger: Logger = Logger(label: "parley.nettest")
    ) throws -> NetTestUDPResponder {
        let socket: NetTestUDPSocket
        do {
            socket = try NetTestUDPSocket.bind(host: host, port: port)
            if dscp != 0 { try socket.setTOS(PacketMarking.tos(dscp: dscp)) }
        } catch {
            throw NetTestResponderError("Could not bind the network-test UDP port \(host):\(port): \(error). Free the port or set nettest.udp_port.")
        }
        let responder = NetTestUDPResponder(socket: socket, logger: logger)
        let replyTOS = UInt8(truncatingIfNeeded: PacketMarking.tos(dscp: dscp))
        let thread = Thread { responder.serve(replyTOS: replyTOS, limits: limits) }
        thread.name = "parley-nettest-udp"
        thread.start()
        return responder
    }

    /// Ends the loop (within 100 ms) and closes the socket. Safe to call twice.
    public func stop() async {
        stopping.store(true, ordering: .relaxed)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = ending.withLock { state -> Bool in
                if state.done { return true }
                state.waiter = continuation
                return false
            }
            if finished { continuation.resume() }
        }
    }

    private func serve(replyTOS: UInt8, limits: NetTestResponderCore.Limits) {
        var core = NetTestResponderCore(limits: limits, secret: UInt64.random(in: 1...UInt64.max), now: Self.now())
        var buffer = [UInt8](repeating: 0, count: 2048)
        while !stopping.load(ordering: .relaxed) {
            let now = Self.now()
            var wait: UInt64 = 100_000_000
            if let due = core.nextStreamDeadline { wait = due > now ? min(wait, due - now) : 0 }
            if let first = socket.receive(timeout: wait, buffer: &buffer) {
                answer(first, core: &core, replyTOS: replyTOS)
                // Whatever else is queued, without waiting (bounded per round).
                for _ in 0..<64 {
                    guard let next = socket.receiveNow(buffer: &buffer) else { break }
                    answer(next, core: &core, replyTOS: replyTOS)
                }
            }
            for (destination, packet) in core.dueStreamPackets(now: Self.now()) {
                socket.send(packet.bytes, to: destination)
            }
        }
        socket.close()
        let waiter = ending.withLock { state -> CheckedContinuation<Void, Never>? in
            state.done = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    private func answer(_ datagram: NetTestUDPSocket.Datagram, core: inout NetTestResponderCore, replyTOS: UInt8) {
        guard let probe = try? NetTestProbe(bytes: datagram.bytes) else { return }
        switch core.handle(probe, from: datagram.source, receivedTOS: datagram.tos, replyTOS: replyTOS, now: Self.now()) {
        case .reply(let reply):
            socket.send(reply.bytes, to: datagram.source)
        case .streamStarted:
            for (destination, packet) in core.dueStreamPackets(now: Self.now()) {
                socket.send(packet.bytes, to: destination)
            }
        case .drop(let reason):
            if logger.logLevel <= .trace {
                logger.trace("network-test probe dropped", metadata: ["source": "\(datagram.source)", "reason": "\(reason.rawValue)"])
            }
        }
    }

    private static func now() -> UInt64 {
        NIODeadline.now().uptimeNanoseconds
    }
}

/// A responder that could not start: what and why, and what to do.
public struct NetTestResponderError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
