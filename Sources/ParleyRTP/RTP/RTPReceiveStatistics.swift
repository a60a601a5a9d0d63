/// Reception statistics for one RTP source, following RFC 3550 appendices A.1, A.3 and A.8.
///
/// A pure value: feed it every packet of the source with its arrival time, read the counters,
/// and ask it for a report block when an RTCP report is due. Arrival time is an input in
/// the source's RTP timestamp units (for audio at 8 kHz: `nanoseconds * 8000 / 1e9`); only
/// differences matter, so any origin works and the value may wrap.
///
/// - Sequence validation (A.1): a new source is on probation until `minimumSequential`
///   packets arrive in sequence; a jump of more than `maximumDropout` starts over after two
///   consecutive packets confirm it (a restarted sender); small steps backwards are
///   reordering or duplicates and do not move the highest sequence.
/// - Loss (A.3): expected = extended highest - base + 1; lost = expected - received (may be
///   negative with duplicates); fraction lost over the interval since the previous report.
/// - Jitter (A.8): `J += (|D| - J) / 16` on the difference of relative transit times, kept
///   in fixed point (×16) exactly as the RFC's integer version does.
public struct RTPReceiveStatistics: Hashable, Sendable {
    public static let maximumDropout: UInt16 = 3000
    public static let maximumMisorder: UInt16 = 100
    private static let sequenceModulo: UInt32 = 1 << 16

    /// The source these statistics describe.
    public let ssrc: UInt32

    private var maxSequence: UInt16 = 0
    private var cycles: UInt32 = 0
    private var baseSequence: UInt32 = 0
    private var badSequence: UInt32 = sequenceModulo + 1
    private var probation: Int
    private let minimumSequential: Int
    /// Packets accepted as valid (after probation), duplicates included.
    public private(set) var received: UInt32 = 0
    private var expectedPrior: UInt32 = 0
    private var receivedPrior: UInt32 = 0
    private var started = false

    private var lastTransit: Int32 = 0
    private var hasTransit = false
    /// Jitter × 16 (A.8 integer form).
    private var scaledJitter: UInt32 = 0

    /// Last sender report from this source: its compact NTP timestamp and when it arrived.
    private var lastSenderReport: UInt32 = 0
    private var lastSenderReportArrival: UInt32 = 0
    private var hasSenderReport = false

    /// What the validator made of a packet.
    public enum Verdict: Hashable, Sendable {
        /// Counted.
        case valid
        /// Still on probation, or an unconfirmed large jump: not counted (yet).
        case probation
        /// A large jump confirmed by a second packet: statistics restarted at it.
        case restarted
    }

    /// - Parameter minimumSequential: packets in sequence before a new source counts
    ///   (RFC 3550's MIN_SEQUENTIAL, 2). Use 0 for a source that is already trusted.
    public init(ssrc: UInt32, minimumSequential: Int = 2) {
        self.ssrc = ssrc
        self.minimumSequential = max(0, minimumSequential)
        self.probation = max(0, minimumSequential)
    }

    /// Records one packet: its sequence number, RTP timestamp and arrival time (in RTP
    /// timestamp units).
    @discardableResult
    public mutating func record(sequenceNumber: UInt16, timestamp: UInt32, arrival: UInt32) -> Verdict {
        let verdict = updateSequence(sequenceNumber)
        if verdict != .probation {
            updateJitter(timestamp: timestamp, arrival: arrival)
        }
        return verdict
    }

    private mutating func initSequence(_ sequence: UInt16) {
        baseSequence = UInt32(sequence)
        maxSequence = sequence
        badSequence = Self.sequenceModulo + 1
        cycles = 0
        received = 0
        receivedPrior = 0
        expectedPrior = 0
    }

    /// RFC 3550 A.1 `update_seq`.
    private mutating func updateSequence(_ sequence: UInt16) -> Verdict {
        if !started {
            started = true
            initSequence(sequence)
            if probation == 0 {
                received = 1
                return .valid
            }
            maxSequence = sequence &- 1
        }
        let delta = sequence &- maxSequence
        if probation > 0 {
            if sequence == maxSequence &+ 1 {
                probation -= 1
                maxSequence = sequence
                if probation == 0 {
                    initSequence(sequence)
                    received += 1
                    return .valid
                }
            } else {
                probation = minimumSequential - 1
                maxSequence = sequence
            }
            return .probation
        } else if delta < Self.maximumDropout {
            // In order, with permissible gap.
            if sequence < maxSequence {
                cycles &+= Self.sequenceModulo
            }
            maxSequence = sequence
        } else if UInt32(delta) <= Self.sequenceModulo - UInt32(Self.maximumMisorder) {
            // A very large jump.
            if UInt32(sequence) == badSequence {
                // Two sequential packets: the source restarted without telling us.
                initSequence(sequence)
                hasTransit = false
                received += 1
                return .restarted
            }
            badSequence = (UInt32(sequence) + 1) & (Self.sequenceModulo - 1)
            return .probation
        } else {
            // Duplicate or reordered packet.
        }
        received &+= 1
        return .valid
    }

    /// RFC 3550 A.8.
    private mutating func updateJitter(timestamp: UInt32, arrival: UInt32) {
        let transit = Int32(bitPattern: arrival &- timestamp)
        defer {
            lastTransit = transit
            hasTransit = true
        }
        guard hasTransit else { return }
        let difference = transit &- lastTransit
        let magnitude = UInt32(difference.magnitude)
        // J += (|D| - J) / 16, kept scaled by 16.
        scaledJitter = scaledJitter &+ magnitude &- ((scaledJitter &+ 8) >> 4)
    }

    /// Records a sender report from this source and when it arrived (RFC 3550 LSR/DLSR).
    public mutating func record(senderReport: RTCPSenderReport, arrival: NTPTimestamp) {
        lastSenderReport = senderReport.ntpTimestamp.compact
        lastSenderReportArrival = arrival.compact
        hasSenderReport = true
    }

    /// Cycles in the high 16 bits, highest sequence number in the low 16.
    public var extendedHighestSequence: UInt32 { cycles &+ UInt32(maxSequence) }

    /// Packets expected: extended highest - base + 1 (0 before the source is valid).
    public var expected: UInt32 {
        guard started, probation == 0 else { return 0 }
        return extendedHighestSequence &- baseSequence &+ 1
    }

    /// Cumulative lost packets, clamped to the 24-bit signed field of a report block.
    public var cumulativeLost: Int32 {
        let lost = Int64(expected) - Int64(received)
        return Int32(min(max(lost, Int64(RTCPReportBlock.cumulativeLostRange.lowerBound)),
                         Int64(RTCPReportBlock.cumulativeLostRange.upperBound)))
    }

    /// Interarrival jitter in timestamp units (as reported in RTCP).
    public var jitter: UInt32 { scaledJitter >> 4 }

    /// Builds a report block and starts a new loss interval (so the next block's fraction
    /// lost covers only what happens from now on). `now` is when the report is sent, used
    /// for DLSR.
    public mutating func makeReportBlock(now: NTPTimestamp) -> RTCPReportBlock {
        let expected = self.expected
        let expectedInterval = expected &- expectedPrior
        expectedPrior = expected
        let receivedInterval = received &- receivedPrior
        receivedPrior = received
        let lostInterval = Int64(expectedInterval) - Int64(receivedInterval)
        let fraction: UInt8
        if expectedInterval == 0 || lostInterval <= 0 {
            fraction = 0
        } else {
            fraction = UInt8(min(255, (lostInterval << 8) / Int64(expectedInterval)))
        }
        return RTCPReportBlock(
            ssrc: ssrc,
            fractionLost: fraction,
            cumulativeLost: cumulativeLost,
            extendedHighestSequence: extendedHighestSequence,
            jitter: jitter,
            lastSenderReport: hasSenderReport ? lastSenderReport : 0,
            delaySinceLastSenderReport: hasSenderReport ? now.compact &- lastSenderReportArrival : 0
        )
    }
}
