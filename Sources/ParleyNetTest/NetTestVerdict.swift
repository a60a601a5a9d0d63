/// The verdict of one row of the network test.
public enum NetTestVerdict: String, Hashable, Sendable, Comparable {
    case pass
    case warn
    case fail
    /// Not measured (the port did not answer, the responder cannot read the mark…).
    case skip

    private var severity: Int {
        switch self {
        case .skip: 0
        case .pass: 1
        case .warn: 2
        case .fail: 3
        }
    }

    public static func < (lhs: NetTestVerdict, rhs: NetTestVerdict) -> Bool { lhs.severity < rhs.severity }
}

/// Limits that grade measured figures. The defaults follow ITU-T G.114 (one-way delay up to
/// 150 ms is fine for conversation, so 300 ms round trip) and the usual guidance for voice
/// over IP (jitter under 30 ms, loss under 1 %).
public struct NetTestThresholds: Sendable {
    /// Round trip (ns): pass up to the first, warn up to the second, fail above.
    public var roundTrip: (pass: UInt64, warn: UInt64) = (150_000_000, 300_000_000)
    /// Jitter (ns).
    public var jitter: (pass: Double, warn: Double) = (30_000_000, 50_000_000)
    /// Loss (fraction).
    public var loss: (pass: Double, warn: Double) = (0.01, 0.05)
    /// Throughput (b/s): pass from the first, warn from the second (about two calls), fail below.
    public var throughput: (pass: Double, warn: Double) = (1_000_000, 256_000)
    /// Estimated calls: pass from the first, warn from the second, fail below.
    public var calls: (pass: Int, warn: Int) = (10, 1)

    public init() {}

    public func roundTrip(_ nanoseconds: UInt64) -> NetTestVerdict {
        nanoseconds <= roundTrip.pass ? .pass : nanoseconds <= roundTrip.warn ? .warn : .fail
    }

    public func jitter(_ nanoseconds: Double) -> NetTestVerdict {
        nanoseconds <= jitter.pass ? .pass : nanoseconds <= jitter.warn ? .warn : .fail
    }

    public func loss(_ fraction: Double) -> NetTestVerdict {
        fraction <= loss.pass ? .pass : fraction <= loss.warn ? .warn : .fail
    }

    public func throughput(_ bitsPerSecond: Double) -> NetTestVerdict {
        bitsPerSecond >= throughput.pass ? .pass : bitsPerSecond >= throughput.warn ? .warn : .fail
    }

    public func calls(_ count: Int) -> NetTestVerdict {
        count >= calls.pass ? .pass : count >= calls.warn ? .warn : .fail
    }

    /// A DSCP mark: unchanged passes; rewritten (or cleared) on the way warns, since calls
    /// still work but lose their priority; unknown is not measured.
    public func dscp(sent: UInt8, received: UInt8) -> NetTestVerdict {
        guard sent != NetTestProbe.unknownTOS, received != NetTestProbe.unknownTOS else { return .skip }
        return DSCP(tos: sent) == DSCP(tos: received) ? .pass : .warn
    }
}

/// A Differentiated Services code point (RFC 2474): the upper six bits of the IP TOS byte
/// (the lower two are ECN).
public struct DSCP: Hashable, Sendable, CustomStringConvertible {
    public let value: UInt8

    public init(_ value: UInt8) {
        self.value = value & 0x3F
    }

    public init(tos: UInt8) {
        self.value = tos >> 2
    }

    /// The TOS byte that carries this code point (ECN bits 0).
    public var tos: UInt8 { value << 2 }

    /// Expedited Forwarding (RFC 3246): voice.
    public static let ef = DSCP(46)
    /// Assured Forwarding 41 (RFC 2597): interactive video.
    public static let af41 = DSCP(34)
    /// Class Selector 3: call signalling (RFC 4594).
    public static let cs3 = DSCP(24)
    public static let bestEffort = DSCP(0)

    public var description: String {
        switch value {
        case 46: "EF (46)"
        case 34: "AF41 (34)"
        case 0: "best effort (0)"
        case let value where value % 8 == 0: "CS\(value / 8) (\(value))"
        default: "\(value)"
        }
    }
}
