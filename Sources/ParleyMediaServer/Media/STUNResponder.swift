import Logging
import Metrics
import NIOCore
import ParleySTUN

/// Answers STUN Binding requests that arrive on the media socket, on the same socket
/// (RFC 8489; demultiplexed from RTP by the first byte, RFC 7983). Callers and browsers use it
/// to learn their reflexive address and to keep NAT and firewall pinholes open, and
/// `parley ports check` uses it to test that the media port is reachable over UDP.
///
/// What is answered and how is ``STUNBindingServer``'s (ParleySTUN); this class adds the
/// socket side: the rate limit per source (so the port cannot reflect traffic at a spoofed
/// victim), counters and a trace log. It lives on the media channel's event loop, like the
/// handler that owns it: no locks.
final class STUNResponder {
    /// Counts of what the responder did, for tests and the metrics.
    struct Statistics: Hashable, Sendable {
        var answered: UInt64 = 0
        var errors: UInt64 = 0
        var ignored: UInt64 = 0
        var rateLimited: UInt64 = 0
    }

    private let server: STUNBindingServer
    private var limiter: STUNRateLimiter
    private let logger: Logger
    private(set) var statistics = Statistics()
    private let allocator = ByteBufferAllocator()

    private let answeredCounter = Counter(label: "parley_stun_requests_total", dimensions: [("outcome", "success")])
    private let errorCounter = Counter(label: "parley_stun_requests_total", dimensions: [("outcome", "error_response")])
    private let ignoredCounter = Counter(label: "parley_stun_requests_total", dimensions: [("outcome", "ignored")])
    private let limitedCounter = Counter(label: "parley_stun_requests_total", dimensions: [("outcome", "rate_limited")])

    /// - Parameters:
    ///   - password: `media.stun.password`: short-term credentials for requests with USERNAME.
    ///   - limits: responses per source and in total; the defaults suit phones and browsers.
    init(password: String?, software: String = "Parley", limits: STUNRateLimiter.Limits = .init(), logger: Logger) {
        self.server = STUNBindingServer(configuration: .init(software: software, password: password))
        self.limiter = STUNRateLimiter(limits: limits)
        self.logger = logger
    }

    /// The response to a datagram from `source`, or nil (not a request, malformed, or over
    /// the source's rate). `now` is monotonic nanoseconds.
    func respond(to datagram: ByteBuffer, from source: SocketAddress, now: UInt64) -> ByteBuffer? {
        guard let address = STUNAddress(source) else {
            count(\.ignored, ignoredCounter)
            return nil
        }
        guard limiter.admit(address.host, now: now) else {
            count(\.rateLimited, limitedCounter)
            if logger.logLevel <= .trace {
                logger.trace("STUN request over the rate limit dropped", metadata: ["source": "\(source)"])
            }
            return nil
        }
        var output = allocator.buffer(capacity: 96)
        switch server.respond(to: datagram, from: address, into: &output) {
        case .success:
            count(\.answered, answeredCounter)
        case .errorResponse:
            count(\.errors, errorCounter)
        case .ignored:
            count(\.ignored, ignoredCounter)
            return nil
        }
        if logger.logLevel <= .trace {
            logger.trace("STUN Binding answered", metadata: ["source": "\(source)", "bytes": "\(output.readableBytes)"])
        }
        return output
    }

    /// Whether a datagram on the media port is STUN (first byte 0-3, RFC 7983).
    static func isSTUN(_ datagram: ByteBuffer) -> Bool {
        datagram.getInteger(at: datagram.readerIndex, as: UInt8.self).map(STUNMessage.isSTUN(firstByte:)) ?? false
    }

    /// Answers on the socket the datagram came in on.
    func receive(_ envelope: AddressedEnvelope<ByteBuffer>, context: ChannelHandlerContext) {
        let now = NIODeadline.now().uptimeNanoseconds
        guard let response = respond(to: envelope.data, from: envelope.remoteAddress, now: now) else { return }
        let reply = AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: response)
        context.writeAndFlush(NIOAny(reply), promise: nil)
    }

    private func count(_ field: WritableKeyPath<Statistics, UInt64>, _ counter: Counter) {
        statistics[keyPath: field] &+= 1
        counter.increment()
    }
}
