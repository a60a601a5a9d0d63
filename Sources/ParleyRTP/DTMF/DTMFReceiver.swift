import NIOCore

/// Turns a stream of RFC 4733 telephone-event packets into key presses.
///
/// A key press is identified by its RTP timestamp (RFC 4733 section 2.5.1): the start,
/// every update and the (usually triple) end packet all carry the timestamp of the start.
/// So the receiver reports a press the first time it sees a new timestamp, whichever packet
/// of the event that is (the start may be lost), and a release the first time it sees the
/// end bit for it. Retransmitted ends, redundant updates and reordered packets of an event
/// already reported produce nothing, and packets older than the current event are ignored.
/// A press whose end packets were all lost is closed by the next press.
///
/// A pure value: the owner feeds packets in order of arrival and acts on the result.
public struct DTMFReceiver: Hashable, Sendable {
    /// What a packet meant.
    public enum Action: Hashable, Sendable {
        /// A new key press started.
        case began(DTMFDigit)
        /// The current key press ended; duration in RTP timestamp units.
        case ended(DTMFDigit, duration: UInt16)
        /// The first packet seen of a new press was already its end (start and updates
        /// lost, or a very short press).
        case beganAndEnded(DTMFDigit, duration: UInt16)

        /// The digit when this action reports a new press (exactly once per press).
        public var pressedDigit: DTMFDigit? {
            switch self {
            case .began(let digit), .beganAndEnded(let digit, _): return digit
            case .ended: return nil
            }
        }
    }

    private enum State: Hashable, Sendable {
        case idle
        case pressed(timestamp: UInt32, digit: DTMFDigit)
        case released(timestamp: UInt32)
    }

    private var state: State = .idle

    public init() {}

    /// The key currently held down, if any.
    public var activeDigit: DTMFDigit? {
        if case .pressed(_, let digit) = state { return digit }
        return nil
    }

    /// Feeds one event with the RTP timestamp of its packet.
    public mutating func receive(_ event: TelephoneEvent, timestamp: UInt32) -> Action? {
        guard let digit = event.digit else { return nil }
        switch state {
        case .idle:
            break
        case .pressed(let current, let currentDigit):
            if timestamp == current {
                guard event.isEnd else { return nil }
                state = .released(timestamp: current)
                return .ended(currentDigit, duration: event.duration)
            }
            guard Self.isNewer(timestamp, than: current) else { return nil }
        case .released(let current):
            guard timestamp != current, Self.isNewer(timestamp, than: current) else { return nil }
        }
        if event.isEnd {
            state = .released(timestamp: timestamp)
            return .beganAndEnded(digit, duration: event.duration)
        }
        state = .pressed(timestamp: timestamp, digit: digit)
        return .began(digit)
    }

    /// Parses the first event block of a telephone-event RTP packet and feeds it.
    public mutating func receive(_ packet: RTPPacket) throws(RTPParseError) -> Action? {
        var payload = packet.payload
        let event = try TelephoneEvent(parsing: &payload)
        return receive(event, timestamp: packet.header.timestamp)
    }

    /// Forgets the current event (for example when the source's SSRC changes).
    public mutating func reset() {
        state = .idle
    }

    private static func isNewer(_ timestamp: UInt32, than reference: UInt32) -> Bool {
        Int32(bitPattern: timestamp &- reference) > 0
    }
}
