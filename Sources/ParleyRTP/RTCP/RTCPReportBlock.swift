import NIOCore

/// One reception report block (RFC 3550 section 6.4.1), carried in SR and RR packets.
public struct RTCPReportBlock: Hashable, Sendable {
    /// Size on the wire.
    public static let encodedLength = 24
    /// Largest and smallest values of the 24-bit signed cumulative loss field.
    public static let cumulativeLostRange: ClosedRange<Int32> = -0x80_0000...0x7F_FFFF

    /// The source this block reports on.
    public var ssrc: UInt32
    /// Fraction of packets lost since the previous report, in 1/256.
    public var fractionLost: UInt8
    /// Cumulative packets lost (24-bit signed; negative with duplicates).
    public var cumulativeLost: Int32
    /// Cycles in the high 16 bits, highest sequence number received in the low 16.
    public var extendedHighestSequence: UInt32
    /// Interarrival jitter in timestamp units.
    public var jitter: UInt32
    /// LSR: the compact NTP timestamp of the last sender report received from the source.
    public var lastSenderReport: UInt32
    /// DLSR: delay since that sender report, in 1/65536 s.
    public var delaySinceLastSenderReport: UInt32

    public init(
        ssrc: UInt32,
        fractionLost: UInt8,
        cumulativeLost: Int32,
        extendedHighestSequence: UInt32,
        jitter: UInt32,
        lastSenderReport: UInt32,
        delaySinceLastSenderReport: UInt32
    ) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = min(max(cumulativeLost, Self.cumulativeLostRange.lowerBound), Self.cumulativeLostRange.upperBound)
        self.extendedHighestSequence = extendedHighestSequence
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    /// Reads 24 bytes; returns nil (reader index unchanged) when fewer are readable.
    static func read(from buffer: inout ByteBuffer) -> RTCPReportBlock? {
        var input = buffer
        guard
            let ssrc = input.readInteger(as: UInt32.self),
            let lossWord = input.readInteger(as: UInt32.self),
            let highest = input.readInteger(as: UInt32.self),
            let jitter = input.readInteger(as: UInt32.self),
            let lsr = input.readInteger(as: UInt32.self),
            let dlsr = input.readInteger(as: UInt32.self)
        else { return nil }
        buffer = input
        // Sign-extend the 24-bit cumulative loss.
        let cumulative = Int32(bitPattern: lossWord << 8) >> 8
        return RTCPReportBlock(
            ssrc: ssrc,
            fractionLost: UInt8(truncatingIfNeeded: lossWord >> 24),
            cumulativeLost: cumulative,
            extendedHighestSequence: highest,
            jitter: jitter,
            lastSenderReport: lsr,
            delaySinceLastSenderReport: dlsr
        )
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(ssrc)
        let lost = UInt32(bitPattern: cumulativeLost) & 0x00FF_FFFF
        buffer.writeInteger(UInt32(fractionLost) << 24 | lost)
        buffer.writeInteger(extendedHighestSequence)
        buffer.writeInteger(jitter)
        buffer.writeInteger(lastSenderReport)
        buffer.writeInteger(delaySinceLastSenderReport)
    }

    /// Round-trip time in compact NTP units (1/65536 s): `A - LSR - DLSR`, where `A` is when
    /// this block arrived (RFC 3550 section 6.4.1). Nil when the peer has not yet received
    /// a sender report from us (LSR 0) or the result would be negative.
    public func roundTripTime(arrival: NTPTimestamp) -> UInt32? {
        guard lastSenderReport != 0 else { return nil }
        let rtt = arrival.compact &- lastSenderReport &- delaySinceLastSenderReport
        // A "negative" wrapped result means clocks or fields are inconsistent.
        guard rtt < 0x8000_0000 else { return nil }
        return rtt
    }

    /// ``roundTripTime(arrival:)`` as a `Duration`.
    public func roundTripDuration(arrival: NTPTimestamp) -> Duration? {
        roundTripTime(arrival: arrival).map(NTPTimestamp.duration(compactUnits:))
    }
}
