import NIOCore
import NIOPosix
import ParleySTUN

/// A request/response exchange over UDP with retransmissions, as a pure state machine:
/// the STUN Binding client transaction, or a SIP OPTIONS ping. ``UDPProbe/run(_:to:group:)``
/// drives one on a NIO datagram channel with the event loop's timers.
protocol UDPProbe: Sendable {
    mutating func start(now: ContinuousClock.Instant) -> [UDPProbeAction]
    mutating func timerFired(now: ContinuousClock.Instant) -> [UDPProbeAction]
    mutating func receive(_ datagram: ByteBuffer, now: ContinuousClock.Instant) -> [UDPProbeAction]
}

enum UDPProbeAction: Sendable {
    case send(ByteBuffer)
    case startTimer(after: Duration)
    /// The answer, described for people (`XOR-MAPPED-ADDRESS 203.0.113.9:40000`).
    case answered(String)
    case failed(String)
}

/// The STUN Binding client transaction (ParleySTUN) as a probe. The timing is shorter than
/// RFC 8489's 39.5 s: a check reports a closed port after a few seconds.
struct STUNBindingProbe: UDPProbe {
    private var transaction: STUNClientTransaction<ContinuousClock.Instant>

    /// Requests at 0, 0.5, 1.5 and 3.5 s, then 2 s of waiting: 5.5 s in all.
    static let timing = STUNRetransmissionTiming(initialRTO: .milliseconds(500), requestCount: 4, lastWaitMultiplier: 4)

    init() {
        transaction = STUNClientTransaction(bindingWith: .random(), attributes: [.software("parley ports check")], timing: Self.timing)
    }

    mutating func start(now: ContinuousClock.Instant) -> [UDPProbeAction] {
        transaction.start(now: now).map(Self.translate)
    }

    mutating func timerFired(now: ContinuousClock.Instant) -> [UDPProbeAction] {
        transaction.timerFired(now: now).map(Self.translate)
    }

    mutating func receive(_ datagram: ByteBuffer, now: ContinuousClock.Instant) -> [UDPProbeAction] {
        transaction.receive(datagram, now: now).map(Self.translate)
    }

    private static func translate(_ action: STUNClientTransaction<ContinuousClock.Instant>.Action) -> UDPProbeAction {
        switch action {
        case .send(let bytes): return .send(bytes)
        case .startTimer(let after): return .startTimer(after: after)
        case .succeeded(let response, _):
            let mapped = response.reflexiveAddress.map { "reflexive address \($0)" } ?? "no mapped address"
            return .answered("STUN Binding answered, \(mapped)")
        case .failed(.timedOut): return .failed("no STUN answer within \(timing.totalTime)")
        case .failed(let failure): return .failed("\(failure)")
        }
    }
}

/// A SIP OPTIONS request over UDP (RFC 3261 §11), retransmitted on Timer E's schedule
/// (500 ms doubling); any response with its Call-ID proves the SIP port is reachable.
struct SIPOptionsProbe: UDPProbe {
    private let request: ByteBuffer
    private let callID: String
    private var sent = 0
    private var interval = Duration.milliseconds(500)
    private var finished = false
    static let requests = 4
    static let lastWait = Duration.seconds(2)

    init(host: String, port: Int) {
        var generator = SystemRandomNumberGenerator()
        let token = String(UInt64.random(in: 0...UInt64.max, using: &generator), radix: 36)
        callID = "\(token)@parley-ports-check"
        let target = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        request = ByteBuffer(
            string: "OPTIONS sip:\(target) SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP parley.invalid;branch=z9hG4bK\(token);rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:ports-check@parley.invalid>;tag=\(token)\r\n"
                + "To: <sip:\(target)>\r\n"
                + "Call-ID: \(callID)\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "User-Agent: parley ports check\r\n"
                + "Content-Length: 0\r\n\r\n")
    }

    mutating func start(now: ContinuousClock.Instant) -> [UDPProbeAction] {
        sent = 1
        return [.send(request), .startTimer(after: interval)]
    }

    mutating func timerFired(now: ContinuousClock.Instant) -> [UDPProbeAction] {
        guard !finished else { return [] }
        if sent < Self.requests {
            sent += 1
            interval *= 2
            return [.send(request), .startTimer(after: sent == Self.requests ? Self.lastWait : interval)]
        }
        finished = true
        return [.failed("no SIP answer to OPTIONS within 5.5 seconds")]
    }

    mutating func receive(_ datagram: ByteBuffer, now: ContinuousClock.Instant) -> [UDPProbeAction] {
        guard !finished, let text = datagram.getString(at: datagram.readerIndex, length: min(datagram.readableBytes, 4096)),
            text.hasPrefix("SIP/2.0 "), text.contains(callID)
        else { return [] }
        finished = true
        let statusLine = text.split(whereSeparator: \.isNewline).first ?? ""
        return [.answered("SIP answered OPTIONS: \(statusLine)")]
    }
}

extension UDPProbe {
    /// Runs the probe against `address` from an ephemeral local port; returns the answer or
    /// the failure. Bounded by the probe's own timers.
    func run(to address: SocketAddress, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async -> Result<String, UDPProbeError> {
        let local = address.protocol == .inet6 ? "::" : "0.0.0.0"
        let channel: any Channel
        do {
            channel = try await DatagramBootstrap(group: group).bind(host: local, port: 0).get()
        } catch {
            return .failure(UDPProbeError(description: "cannot open a UDP socket: \(error)"))
        }
        let promise = channel.eventLoop.makePromise(of: String.self)
        let probe = self
        do {
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(UDPProbeHandler(probe: probe, remote: address, promise: promise))
            }.get()
        } catch {
            promise.fail(error)
        }
        let result: Result<String, UDPProbeError>
        do {
            result = .success(try await promise.futureResult.get())
        } catch let error as UDPProbeError {
            result = .failure(error)
        } catch {
            result = .failure(UDPProbeError(description: "\(error)"))
        }
        try? await channel.close()
        return result
    }
}

struct UDPProbeError: Error, CustomStringConvertible {
    var description: String
}

/// Runs a ``UDPProbe`` on its channel's event loop.
private final class UDPProbeHandler<Probe: UDPProbe>: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private var probe: Probe
    private let remote: SocketAddress
    private let promise: EventLoopPromise<String>
    private var timer: Scheduled<Void>?
    private var done = false

    init(probe: Probe, remote: SocketAddress, promise: EventLoopPromise<String>) {
        self.probe = probe
        self.remote = remote
        self.promise = promise
    }

    func handlerAdded(context: ChannelHandlerContext) {
        perform(probe.start(now: .now), context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        perform(probe.receive(envelope.data, now: .now), context: context)
    }

    /// An ICMP port unreachable arrives as ECONNREFUSED: the port is closed, but a firewall
    /// may drop silently instead, so the probe's own timeout stays the rule.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {}

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        if !done {
            done = true
            promise.fail(UDPProbeError(description: "the probe's socket closed"))
        }
    }

    private func perform(_ actions: [UDPProbeAction], context: ChannelHandlerContext) {
        for action in actions where !done {
            switch action {
            case .send(let bytes):
                context.writeAndFlush(Self.wrapOutboundOut(AddressedEnvelope(remoteAddress: remote, data: bytes)), promise: nil)
            case .startTimer(let after):
                timer?.cancel()
                let (seconds, attoseconds) = after.components
                let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                timer = context.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) {
                    let (handler, context) = loopBound.value
                    handler.perform(handler.probe.timerFired(now: .now), context: context)
                }
            case .answered(let text):
                done = true
                timer?.cancel()
                promise.succeed(text)
            case .failed(let reason):
                done = true
                timer?.cancel()
                promise.fail(UDPProbeError(description: reason))
            }
        }
    }
}
