/// What one load leg received, measured as the quality bar asks: packet rate, loss
/// (RFC 3550: expected minus received), late packets (more than 40 ms behind the leg's best
/// transit), interarrival jitter (RFC 3550 A.8, on kernel receive times) and the largest gap
/// between two packets. Pure: fed with (sequence, RTP timestamp, arrival) triples.
public struct LegMeter: Sendable, Hashable {
    /// Packets more than this behind the best transit count as late (a 40 ms playout budget).
    public static let lateThresholdNanoseconds: Int64 = 40_000_000

    public private(set) var received: UInt64 = 0
    public private(set) var late: UInt64 = 0
    private var baseSequence: UInt32 = 0
    private var highestSequence: UInt32 = 0
    private var cycles: UInt32 = 0
    private var lastSequence: UInt16 = 0
    private var started = false
    private var firstArrival: Int64 = 0
    private var lastArrival: Int64 = 0
    /// Transit (arrival − RTP time) of the best packet so far, in nanoseconds.
    private var bestTransit: Int64 = .max
    private var lastTransit: Int64 = 0
    /// RFC 3550 jitter in nanoseconds, as a float.
    private var jitter: Double = 0
    public private(set) var largestGapNanoseconds: Int64 = 0

    /// Clock rate of the RTP timestamps (8,000 for PCMU, PCMA and G.722).
    let clockRate: Int64

    public init(clockRate: Int64 = 8_000) {
        self.clockRate = clockRate
    }

    /// One RTP packet that arrived at `arrival` (nanoseconds, any epoch, monotone enough).
    public mutating func record(sequence: UInt16, timestamp: UInt32, arrival: Int64) {
        received &+= 1
        let rtpNanoseconds = Int64(timestamp) * 1_000_000_000 / clockRate
        guard started else {
            started = true
            baseSequence = UInt32(sequence)
            highestSequence = UInt32(sequence)
            lastSequence = sequence
            firstArrival = arrival
            lastArrival = arrival
            lastTransit = arrival - rtpNanoseconds
            bestTransit = lastTransit
            return
        }
        // Extended highest sequence (RFC 3550 A.1, without probation).
        let delta = sequence &- lastSequence
        if delta < 0x8000 {
            if sequence < lastSequence { cycles &+= 1 }
            lastSequence = sequence
            highestSequence = (cycles << 16) | UInt32(sequence)
        }
        var transit = arrival - rtpNanoseconds
        // Timestamps wrap every 2^32 ticks (6 days at 8 kHz); a wrap shows as a jump of ~2^32 ticks.
        let wrap = (Int64(1) << 32) * 1_000_000_000 / clockRate
        if transit - lastTransit > wrap / 2 { transit -= wrap } else if lastTransit - transit > wrap / 2 { transit += wrap }
        let difference = Double(abs(transit - lastTransit))
        jitter += (difference - jitter) / 16
        lastTransit = transit
        if transit < bestTransit { bestTransit = transit }
        if transit - bestTransit > Self.lateThresholdNanoseconds { late &+= 1 }
        if arrival > lastArrival {
            largestGapNanoseconds = max(largestGapNanoseconds, arrival - lastArrival)
            lastArrival = arrival
        }
    }

    /// The end of the measuring window: silence since the last packet counts as a gap.
    public mutating func close(at end: Int64) {
        let since = started ? lastArrival : end
        if end > since { largestGapNanoseconds = max(largestGapNanoseconds, end - since) }
    }

    /// Packets the sequence numbers say were sent since the first one received.
    public var expected: UInt64 {
        started ? UInt64(highestSequence &- baseSequence) + 1 : 0
    }

    public var lost: UInt64 {
        expected > received ? expected - received : 0
    }

    public var jitterMilliseconds: Double { jitter / 1_000_000 }

    /// Received packets per second between the first and the last arrival.
    public func packetRate(over seconds: Double) -> Double {
        seconds > 0 ? Double(received) / seconds : 0
    }

    /// Loss plus late as a share of expected packets, in percent.
    public var lossAndLatePercent: Double {
        let expected = max(expected, received)
        return expected == 0 ? 100 : Double(lost + late) * 100 / Double(expected)
    }
}
