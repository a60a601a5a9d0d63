/// Produces the RFC 4733 packet sequence for one key press (section 2.5.1).
///
/// The sequence is: a start packet (marker bit set), updates every `packetInterval` with a
/// growing duration, then the end packet sent `endRepetitions` times (default 3) with the
/// final duration. Every packet carries the same RTP timestamp, the one of the start. The
/// caller sends one packet per packet interval (20 ms), giving each its own RTP sequence
/// number on the leg's outgoing stream.
public struct DTMFSender: IteratorProtocol, Sequence, Hashable, Sendable {
    /// One packet to send.
    public struct Packet: Hashable, Sendable {
        public var event: TelephoneEvent
        /// Set on the first packet of the event.
        public var marker: Bool
        /// The event's RTP timestamp (the same for all its packets).
        public var timestamp: UInt32
    }

    public let digit: DTMFDigit
    public let timestamp: UInt32
    public let duration: UInt16
    public let packetInterval: UInt16
    public let volume: UInt8
    public let endRepetitions: Int

    private var updatesSent = 0
    private var endsSent = 0

    /// - Parameters:
    ///   - duration: length of the tone in RTP timestamp units (default 100 ms at 8 kHz).
    ///   - packetInterval: RTP timestamp units between packets (default 20 ms at 8 kHz).
    public init(
        digit: DTMFDigit,
        timestamp: UInt32,
        duration: UInt16 = 800,
        packetInterval: UInt16 = 160,
        volume: UInt8 = 10,
        endRepetitions: Int = 3
    ) {
        self.digit = digit
        self.timestamp = timestamp
        self.duration = Swift.max(duration, 1)
        self.packetInterval = Swift.max(packetInterval, 1)
        self.volume = volume & 0x3F
        self.endRepetitions = Swift.max(endRepetitions, 1)
    }

    /// Start and update packets before the end: durations interval, 2×interval… below the
    /// total, and at least the start packet.
    private var updateCount: Int {
        Swift.max(1, (Int(duration) - 1) / Int(packetInterval))
    }

    /// Packets in the whole sequence.
    public var underestimatedCount: Int { updateCount + endRepetitions - updatesSent - endsSent }

    public mutating func next() -> Packet? {
        if updatesSent < updateCount {
            updatesSent += 1
            let elapsed = Swift.min(Int(duration), updatesSent * Int(packetInterval))
            return Packet(
                event: TelephoneEvent(event: digit.event, isEnd: false, volume: volume, duration: UInt16(elapsed)),
                marker: updatesSent == 1,
                timestamp: timestamp
            )
        }
        guard endsSent < endRepetitions else { return nil }
        endsSent += 1
        return Packet(
            event: TelephoneEvent(event: digit.event, isEnd: true, volume: volume, duration: duration),
            marker: false,
            timestamp: timestamp
        )
    }
}
