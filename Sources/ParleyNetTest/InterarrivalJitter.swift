/// RFC 3550 interarrival jitter (section 6.4.1, appendix A.8) over one stream of probes.
///
/// For packets i-1 and i in arrival order, with send time S and arrival time R (each on its
/// own clock; only differences matter, so the clocks need not agree):
///
///     D(i-1, i) = (R_i - R_{i-1}) - (S_i - S_{i-1})
///     J_i = J_{i-1} + (|D(i-1, i)| - J_{i-1}) / 16
///
/// Times are nanoseconds. Upstream jitter uses the client's send time and the responder's
/// receive time; downstream jitter the responder's send time and the client's receive time.
public struct InterarrivalJitter: Hashable, Sendable {
    private var lastTransit: Int64?
    /// The current estimate J, in nanoseconds.
    public private(set) var nanoseconds: Double = 0
    /// Packets recorded.
    public private(set) var samples = 0

    public init() {}

    /// Records one packet: when it was sent (sender's clock) and when it arrived (receiver's).
    public mutating func record(sent: UInt64, arrived: UInt64) {
        let transit = Int64(bitPattern: arrived &- sent)
        samples += 1
        defer { lastTransit = transit }
        guard let lastTransit else { return }
        let difference = transit.subtractingReportingOverflow(lastTransit)
        let magnitude = difference.overflow ? Double(Int64.max) : Double(difference.partialValue.magnitude)
        nanoseconds += (magnitude - nanoseconds) / 16
    }

    /// The estimate in milliseconds.
    public var milliseconds: Double { nanoseconds / 1_000_000 }
}
