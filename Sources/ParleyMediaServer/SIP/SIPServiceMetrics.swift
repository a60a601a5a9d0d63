import Metrics
import ParleySIP

/// Counts of what the SIP service has seen since it started, for status pages and tests.
public struct SIPServiceStatistics: Sendable, Hashable {
    /// Requests that parsed and passed validation.
    public var requestsReceived = 0
    public var responsesSent = 0
    /// Messages that could not be answered (no response could be built): dropped.
    public var malformedDropped = 0
    /// Malformed requests answered with a 4xx/5xx naming the problem.
    public var malformedAnswered = 0
    /// New INVITEs answered 503 because their source exceeded its budget.
    public var rateLimited = 0
    /// Calls in the table: from the INVITE until the end of the dialog.
    public var activeCalls = 0

    public init() {}
}

/// The service's swift-metrics instruments, created once (labels low-cardinality: method,
/// status class, outcome; never call IDs), and the matching ``SIPServiceStatistics``.
/// Confined to the SIP event loop.
struct SIPServiceMetrics {
    private static let methods: [SIPMethod] = [
        .invite, .ack, .bye, .cancel, .options, .info, .update, .register, .subscribe, .notify,
        .publish, .message, .refer, .prack,
    ]

    private let requests: [SIPMethod: Counter]
    private let otherRequests: Counter
    private let responses: [Counter]
    private let malformedDropped: Counter
    private let malformedAnswered: Counter
    private let rateLimited: Counter
    private let callsActive: Gauge
    private(set) var statistics = SIPServiceStatistics()

    init(factory: any MetricsFactory) {
        var requests: [SIPMethod: Counter] = [:]
        for method in Self.methods {
            requests[method] = Counter(label: "parley_sip_requests_total", dimensions: [("method", method.rawValue)], factory: factory)
        }
        self.requests = requests
        otherRequests = Counter(label: "parley_sip_requests_total", dimensions: [("method", "other")], factory: factory)
        responses = (1...6).map {
            Counter(label: "parley_sip_responses_total", dimensions: [("class", "\($0)xx")], factory: factory)
        }
        malformedDropped = Counter(label: "parley_sip_malformed_total", dimensions: [("outcome", "dropped")], factory: factory)
        malformedAnswered = Counter(label: "parley_sip_malformed_total", dimensions: [("outcome", "answered")], factory: factory)
        rateLimited = Counter(label: "parley_sip_rate_limited_total", factory: factory)
        callsActive = Gauge(label: "parley_sip_calls_active", factory: factory)
        callsActive.record(0)
    }

    mutating func request(_ method: SIPMethod) {
        statistics.requestsReceived += 1
        (requests[method] ?? otherRequests).increment()
    }

    mutating func response(status: Int) {
        statistics.responsesSent += 1
        let index = min(max(status / 100, 1), 6) - 1
        responses[index].increment()
    }

    mutating func malformed(answered: Bool) {
        if answered {
            statistics.malformedAnswered += 1
            malformedAnswered.increment()
        } else {
            statistics.malformedDropped += 1
            malformedDropped.increment()
        }
    }

    mutating func rateLimitHit() {
        statistics.rateLimited += 1
        rateLimited.increment()
    }

    mutating func activeCalls(_ count: Int) {
        statistics.activeCalls = count
        callsActive.record(count)
    }
}
