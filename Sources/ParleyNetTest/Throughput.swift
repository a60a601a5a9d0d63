/// A transfer's rate: bytes moved over a duration.
public struct Throughput: Hashable, Sendable, Comparable {
    public var bytes: Int
    public var nanoseconds: UInt64

    public init(bytes: Int, nanoseconds: UInt64) {
        self.bytes = max(0, bytes)
        self.nanoseconds = nanoseconds
    }

    /// Bits per second; 0 for an empty or instantaneous transfer.
    public var bitsPerSecond: Double {
        guard nanoseconds > 0, bytes > 0 else { return 0 }
        return Double(bytes) * 8 / (Double(nanoseconds) / 1_000_000_000)
    }

    public var megabitsPerSecond: Double { bitsPerSecond / 1_000_000 }

    public static func < (lhs: Throughput, rhs: Throughput) -> Bool { lhs.bitsPerSecond < rhs.bitsPerSecond }

    /// "1.25 Gb/s", "12.3 Mb/s", "850 kb/s".
    public var formatted: String {
        let bits = bitsPerSecond
        if bits >= 1_000_000_000 { return "\(NetTestFormat.decimal(bits / 1_000_000_000, places: 2)) Gb/s" }
        if bits >= 1_000_000 { return "\(NetTestFormat.decimal(bits / 1_000_000, places: 1)) Mb/s" }
        return "\(NetTestFormat.decimal(bits / 1_000, places: 0)) kb/s"
    }
}

/// Number formatting without Foundation.
public enum NetTestFormat {
    /// `value` rounded to `places` decimals, e.g. 12.34 → "12.3".
    public static func decimal(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<max(0, places) { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return value < 0 ? "-∞" : "∞" }
        let whole = Int64(scaled)
        let integer = whole / Int64(scale)
        var text = (value < 0 && whole != 0 ? "-" : "") + "\(integer)"
        if places > 0 {
            let fraction = "\(whole % Int64(scale))"
            text += "." + String(repeating: "0", count: places - fraction.count) + fraction
        }
        return text
    }

    /// A fraction as a percentage, e.g. 0.0512 → "5.1 %".
    public static func percent(_ fraction: Double) -> String {
        "\(decimal(fraction * 100, places: 1)) %"
    }

    /// Nanoseconds as milliseconds, e.g. "40.2 ms".
    public static func milliseconds(_ nanoseconds: Double) -> String {
        "\(decimal(nanoseconds / 1_000_000, places: 1)) ms"
    }
}
