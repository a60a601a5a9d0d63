import NIOCore

/// One RFC 4733 telephone-event payload block (section 2.3):
///
/// ```
///  0                   1                   2                   3
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     event     |E|R| volume    |          duration             |
/// ```
///
/// All packets of one key press share the RTP timestamp of its start; `duration` grows in
/// each update, and the final value is sent (usually three times) with the E bit.
public struct TelephoneEvent: Hashable, Sendable {
    public static let encodedLength = 4

    /// Event code (0-15 are DTMF keys, see ``DTMFDigit``).
    public var event: UInt8
    /// The E bit: this is the final duration.
    public var isEnd: Bool
    /// Power level 0-63, in -dBm0 (larger is quieter).
    public var volume: UInt8
    /// Duration so far, in RTP timestamp units.
    public var duration: UInt16

    public init(event: UInt8, isEnd: Bool = false, volume: UInt8 = 10, duration: UInt16) {
        self.event = event
        self.isEnd = isEnd
        self.volume = volume & 0x3F
        self.duration = duration
    }

    /// The key this event stands for, if it is a DTMF key.
    public var digit: DTMFDigit? { DTMFDigit(event: event) }

    /// Parses one 4-byte block. A payload may hold more blocks (RFC 2198 redundancy is
    /// separate); call again to read them. The reserved bit is ignored as RFC 4733 asks.
    public init(parsing buffer: inout ByteBuffer) throws(RTPParseError) {
        var input = buffer
        guard
            let event = input.readInteger(as: UInt8.self),
            let flags = input.readInteger(as: UInt8.self),
            let duration = input.readInteger(as: UInt16.self)
        else {
            throw RTPParseError(.truncated, kind: .telephoneEvent, offset: buffer.readableBytes)
        }
        self.event = event
        self.isEnd = flags & 0x80 != 0
        self.volume = flags & 0x3F
        self.duration = duration
        buffer = input
    }

    @discardableResult
    public func write(to buffer: inout ByteBuffer) -> Int {
        buffer.writeInteger(event)
        buffer.writeInteger((isEnd ? 0x80 : 0) | (volume & 0x3F))
        buffer.writeInteger(duration)
        return Self.encodedLength
    }
}
