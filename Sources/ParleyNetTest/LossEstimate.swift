/// Packet loss in each direction, from an echo exchange and a downstream stream.
///
/// - Upstream, from echo replies: each reply carries how many requests of the session the
///   responder had received when it answered (`count`). For the reply with the highest
///   count, whose request had sequence s, requests 0…s were sent, so
///   `loss_up = 1 - count / (s + 1)` (clamped to 0…1; reordering can make it briefly
///   negative).
/// - Downstream, from echo replies: the responder had sent `count` replies by then; the client
///   received `r` replies with sequence ≤ s: `loss_down = 1 - r / count`.
/// - Downstream, from a stream: `1 - received / expected` over the packets the responder
///   granted (duplicates counted once).
public struct EchoLossCalculator: Hashable, Sendable {
    private var received: Set<UInt32> = []
    private struct Mark: Hashable, Sendable {
        var sequence: UInt32
        var count: UInt32
    }

    private var best: Mark?

    public init() {}

    /// Records one echo reply.
    public mutating func record(sequence: UInt32, responderCount: UInt32) {
        received.insert(sequence)
        if let best, best.count >= responderCount { return }
        self.best = Mark(sequence: sequence, count: responderCount)
    }

    /// Distinct replies received.
    public var repliesReceived: Int { received.count }

    /// Upstream loss (0…1); nil before any reply.
    public var upstream: Double? {
        guard let best else { return nil }
        return LossFraction.of(delivered: Int(best.count), expected: Int(best.sequence) + 1)
    }

    /// Downstream loss of the replies (0…1); nil before any reply.
    public var downstream: Double? {
        guard let best, best.count > 0 else { return nil }
        let delivered = received.count(where: { $0 <= best.sequence })
        return LossFraction.of(delivered: delivered, expected: Int(best.count))
    }
}

/// Loss as a fraction of what was expected.
public enum LossFraction {
    /// `1 - delivered / expected`, clamped to 0…1; 0 when nothing was expected.
    public static func of(delivered: Int, expected: Int) -> Double {
        guard expected > 0 else { return 0 }
        return min(max(1 - Double(delivered) / Double(expected), 0), 1)
    }
}

/// The packets of one downstream stream: loss and jitter.
public struct StreamReception: Hashable, Sendable {
    private var received: Set<UInt32> = []
    /// Packets the responder granted (from the packets' `count`), 0 before the first.
    public private(set) var granted: UInt32 = 0
    public private(set) var jitter = InterarrivalJitter()
    /// Packets with a sequence outside the granted range (ignored).
    public private(set) var strays = 0

    public init() {}

    /// Records one stream packet: its sequence, the total granted, the responder's send time
    /// and the local arrival time (ns).
    public mutating func record(sequence: UInt32, granted: UInt32, responderTime: UInt64, arrived: UInt64) {
        guard granted > 0, sequence < granted, received.count < Int(granted) else {
            strays += 1
            return
        }
        self.granted = max(self.granted, granted)
        guard received.insert(sequence).inserted else { return }
        jitter.record(sent: responderTime, arrived: arrived)
    }

    public var packetsReceived: Int { received.count }

    /// Loss over the whole stream, once it is over (nil before any packet).
    public var loss: Double? {
        guard granted > 0 else { return nil }
        return LossFraction.of(delivered: received.count, expected: Int(granted))
    }
}
