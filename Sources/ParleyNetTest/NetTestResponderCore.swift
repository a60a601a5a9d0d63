import NIOCore

/// The responder's logic, shared by the node's media port, its extra UDP port and (for the
/// echo) its TCP port: what to answer to a probe, and when the packets of downstream streams
/// are due. A pure value: no sockets, no clock (`now` is monotonic nanoseconds), no logging.
///
/// Abuse safety:
/// - a reply is exactly as long as its request, and a refusal too, so an echo never
///   amplifies; unknown kinds and replies are dropped without answer;
/// - each source host (the address without its port) gets ``Limits/packetsPerSecond``
///   (burst ``Limits/burst``) and all sources together ``Limits/totalPacketsPerSecond``;
///   beyond that probes are dropped silently;
/// - a session (source address and session ID) is served for ``Limits/sessionLifetime``
///   from its first probe, and the tables of sources and sessions are bounded;
/// - a stream (the only answer larger than its request: up to ``Limits/maximumStreamPackets``
///   packets of the request's length, one per ``Limits/streamInterval``) starts only for a
///   request carrying the cookie of an earlier echo reply, which proves the source receives
///   at its address; one stream per host, ``Limits/maximumStreams`` in all, and stream
///   packets count against the host's rate.
public struct NetTestResponderCore: Sendable {
    public struct Limits: Hashable, Sendable {
        public var packetsPerSecond: Double = 150
        public var burst: Double = 100
        public var totalPacketsPerSecond: Double = 5_000
        public var sessionLifetime: UInt64 = 30_000_000_000
        public var maximumSources = 4_096
        public var maximumSessions = 4_096
        public var maximumStreams = 16
        public var maximumStreamPackets: UInt32 = 500
        public var streamInterval: UInt64 = 20_000_000
        /// A cookie is accepted in its own period and the next (so 60-120 s).
        public var cookiePeriod: UInt64 = 60_000_000_000
        /// Entries idle this long may be forgotten to make room.
        public var idleTimeout: UInt64 = 10_000_000_000

        public init() {}
    }

    /// What to do with a probe.
    public enum Action: Hashable, Sendable {
        /// Send this probe back to the source.
        case reply(NetTestProbe)
        /// A stream started: its first packet is due now (``dueStreamPackets(now:)``).
        case streamStarted
        case drop(DropReason)
    }

    public enum DropReason: String, Hashable, Sendable {
        case notARequest, rateLimited, sessionExpired, busy, tcpOnly, streamRunning
    }

    /// A downstream stream in progress.
    struct Stream: Sendable {
        var destination: SocketAddress
        var host: SocketAddress
        var template: NetTestProbe
        var next: UInt64
        var sent: UInt32
    }

    struct SessionKey: Hashable, Sendable {
        var source: SocketAddress
        var session: UInt32
    }

    struct Session: Sendable {
        var count: UInt32
        var first: UInt64
        var last: UInt64
    }

    public let limits: Limits
    private let secret: UInt64
    private var buckets: [SocketAddress: TokenBucket] = [:]
    private var total: TokenBucket
    private var sessions: [SessionKey: Session] = [:]
    private var streams: [Stream] = []
    /// Counters for logs and tests.
    public private(set) var answered = 0
    public private(set) var dropped = 0

    /// - Parameter secret: the key of the cookies (random per process).
    public init(limits: Limits = Limits(), secret: UInt64, now: UInt64) {
        self.limits = limits
        self.secret = secret
        self.total = TokenBucket(rate: limits.totalPacketsPerSecond, burst: limits.totalPacketsPerSecond / 10, now: now)
    }

    /// The answer to one probe from `source`, which arrived marked `receivedTOS` (0xFF when
    /// unknown); a reply is marked `replyTOS` by the socket that sends it.
    public mutating func handle(
        _ probe: NetTestProbe, from source: SocketAddress, receivedTOS: UInt8, replyTOS: UInt8, now: UInt64
    ) -> Action {
        let action = decide(probe, from: source, receivedTOS: receivedTOS, replyTOS: replyTOS, now: now)
        switch action {
        case .reply, .streamStarted: answered += 1
        case .drop: dropped += 1
        }
        return action
    }

    private mutating func decide(
        _ probe: NetTestProbe, from source: SocketAddress, receivedTOS: UInt8, replyTOS: UInt8, now: UInt64
    ) -> Action {
        guard probe.kind == .echoRequest || probe.kind == .streamRequest else {
            return .drop(probe.kind.isRequest ? .tcpOnly : .notARequest)
        }
        let host = Self.host(of: source)
        guard admit(host, cost: 1, now: now) else { return .drop(.rateLimited) }
        let key = SessionKey(source: source, session: probe.session)
        var session = sessions[key] ?? Session(count: 0, first: now, last: now)
        guard now &- session.first <= limits.sessionLifetime else { return .drop(.sessionExpired) }
        if sessions[key] == nil, sessions.count >= limits.maximumSessions {
            prune(now: now)
            guard sessions.count < limits.maximumSessions else { return .drop(.busy) }
        }
        session.count &+= 1
        session.last = now
        sessions[key] = session

        var reply = probe
        reply.responderTime = now
        reply.sentTOS = replyTOS
        reply.receivedTOS = receivedTOS
        reply.cookie = cookie(for: host, period: now / limits.cookiePeriod)
        reply.reason = .none
        switch probe.kind {
        case .echoRequest:
            reply.kind = .echoReply
            reply.count = session.count
            return .reply(reply)
        default:
            return startStream(probe, reply: reply, source: source, host: host, now: now)
        }
    }

    private mutating func startStream(_ probe: NetTestProbe, reply: NetTestProbe, source: SocketAddress, host: SocketAddress, now: UInt64) -> Action {
        var refusal = reply
        refusal.kind = .refused
        refusal.count = 0
        let period = now / limits.cookiePeriod
        guard probe.cookie == cookie(for: host, period: period) || (period > 0 && probe.cookie == cookie(for: host, period: period - 1)) else {
            refusal.reason = .badCookie
            return .reply(refusal)
        }
        // A repeated request (its reply lost) restarts nothing: the stream already runs.
        if streams.contains(where: { $0.destination == source && $0.template.session == probe.session }) {
            return .drop(.streamRunning)
        }
        guard !streams.contains(where: { $0.host == host }), streams.count < limits.maximumStreams else {
            refusal.reason = .busy
            return .reply(refusal)
        }
        var template = reply
        template.kind = .streamPacket
        template.count = min(max(probe.count, 1), limits.maximumStreamPackets)
        streams.append(Stream(destination: source, host: host, template: template, next: now, sent: 0))
        return .streamStarted
    }

    /// When the next stream packet is due; nil with no stream running.
    public var nextStreamDeadline: UInt64? {
        streams.map(\.next).min()
    }

    public var activeStreams: Int { streams.count }

    /// The stream packets due at `now` (at most a few per stream: a late caller does not get
    /// a burst), and forgets finished streams. Packets over a host's rate are skipped (the
    /// client sees them as lost).
    public mutating func dueStreamPackets(now: UInt64) -> [(SocketAddress, NetTestProbe)] {
        var out: [(SocketAddress, NetTestProbe)] = []
        for index in streams.indices {
            var burst = 0
            while streams[index].next <= now, streams[index].sent < streams[index].template.count, burst < 3 {
                var packet = streams[index].template
                packet.sequence = streams[index].sent
                packet.responderTime = now
                streams[index].sent += 1
                streams[index].next += limits.streamInterval
                burst += 1
                if admit(streams[index].host, cost: 1, now: now) {
                    out.append((streams[index].destination, packet))
                }
            }
            if streams[index].next + 5 * limits.streamInterval < now {
                // Far behind (a stalled loop): skip ahead instead of bursting.
                let behind = (now - streams[index].next) / limits.streamInterval
                streams[index].next += behind * limits.streamInterval
                streams[index].sent = min(streams[index].template.count, streams[index].sent &+ UInt32(clamping: behind))
            }
        }
        streams.removeAll { $0.sent >= $0.template.count }
        answered += out.count
        return out
    }

    /// Stops every stream to `source` (a client that went away).
    public mutating func cancelStreams(to source: SocketAddress) {
        streams.removeAll { $0.destination == source }
    }

    private mutating func admit(_ host: SocketAddress, cost: Double, now: UInt64) -> Bool {
        guard total.take(cost, now: now) else { return false }
        if var bucket = buckets[host] {
            let admitted = bucket.take(cost, now: now)
            buckets[host] = bucket
            return admitted
        }
        if buckets.count >= limits.maximumSources {
            prune(now: now)
            guard buckets.count < limits.maximumSources else { return false }
        }
        var bucket = TokenBucket(rate: limits.packetsPerSecond, burst: limits.burst, now: now)
        _ = bucket.take(cost, now: now)
        buckets[host] = bucket
        return true
    }

    /// Forgets idle sources and sessions.
    private mutating func prune(now: UInt64) {
        let idle = limits.idleTimeout
        buckets = buckets.filter { now &- $0.value.lastUse < idle }
        sessions = sessions.filter { now &- $0.value.last < idle && now &- $0.value.first <= limits.sessionLifetime }
    }

    /// Sources and sessions remembered (bounded by the limits).
    public var tableSizes: (sources: Int, sessions: Int) { (buckets.count, sessions.count) }

    /// A source's host: its address without the port.
    public static func host(of address: SocketAddress) -> SocketAddress {
        var host = address
        if host.port != nil { host.port = 0 }
        return host
    }

    private func cookie(for host: SocketAddress, period: UInt64) -> UInt32 {
        var hasher = Hasher()
        hasher.combine(secret)
        hasher.combine(period)
        hasher.combine(host)
        let value = hasher.finalize()
        return UInt32(truncatingIfNeeded: value ^ (value >> 32)) | 1
    }
}
