/// A 64-bit NTP timestamp (seconds since 1900 and a 32-bit binary fraction), as carried in
/// RTCP sender reports.
///
/// RTCP round-trip maths uses the "compact" form: the middle 32 bits, in units of 1/65536 s.
/// Time is an input: the caller converts its clock reading into an `NTPTimestamp`.
public struct NTPTimestamp: Hashable, Sendable, Comparable {
    /// Seconds between the NTP epoch (1900) and the Unix epoch (1970).
    public static let unixEpochOffset: UInt64 = 2_208_988_800

    /// The full 64-bit value: seconds in the high word, fraction in the low word.
    public var rawValue: UInt64

    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    public init(seconds: UInt32, fraction: UInt32) {
        self.rawValue = UInt64(seconds) << 32 | UInt64(fraction)
    }

    /// From a duration since the Unix epoch (for example a wall-clock reading).
    public init(sinceUnixEpoch duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let fraction = UInt64(max(0, attoseconds) / 1_000_000_000) * (1 << 32) / 1_000_000_000
        let ntpSeconds = UInt64(max(0, seconds)) &+ Self.unixEpochOffset
        self.rawValue = ntpSeconds << 32 | (fraction & 0xFFFF_FFFF)
    }

    public var seconds: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 32) }
    public var fraction: UInt32 { UInt32(truncatingIfNeeded: rawValue) }

    /// The middle 32 bits (16.16 fixed point seconds), used for LSR, DLSR and RTT.
    public var compact: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 16) }

    /// A duration in compact units (1/65536 s), rounded down.
    public static func compactUnits(_ duration: Duration) -> UInt32 {
        let (seconds, attoseconds) = duration.components
        let units = Int64(seconds) * 65536 + Int64(attoseconds / 1_000_000_000_000) * 65536 / 1_000_000
        return UInt32(truncatingIfNeeded: max(0, units))
    }

    /// Compact units (1/65536 s) as a `Duration`.
    public static func duration(compactUnits units: UInt32) -> Duration {
        .microseconds(Int64(units) * 1_000_000 / 65536)
    }

    public static func < (lhs: NTPTimestamp, rhs: NTPTimestamp) -> Bool { lhs.rawValue < rhs.rawValue }
}
