/// The sending side of one RTP stream: SSRC, sequence numbers, and the packet and octet
/// counts a sender report carries (RFC 3550 section 6.4.1).
///
/// The mixer integration encodes each distinct mix once, but every leg still sends with its
/// own SSRC, sequence and timestamp: one `RTPSender` per leg writes the header in front of
/// the shared payload.
public struct RTPSender: Hashable, Sendable {
    public let ssrc: UInt32
    /// Sequence number of the next packet.
    public private(set) var nextSequenceNumber: UInt16
    public private(set) var packetCount: UInt32 = 0
    public private(set) var octetCount: UInt32 = 0
    /// RTP timestamp of the last packet sent.
    public private(set) var lastTimestamp: UInt32 = 0

    /// Start from a random sequence number, as RFC 3550 asks (the caller supplies it).
    public init(ssrc: UInt32, initialSequenceNumber: UInt16) {
        self.ssrc = ssrc
        self.nextSequenceNumber = initialSequenceNumber
    }

    /// The header for the next packet; counts it as sent with `payloadLength` bytes.
    public mutating func nextHeader(payloadType: UInt8, timestamp: UInt32, marker: Bool = false, payloadLength: Int) -> RTPHeader {
        let header = RTPHeader(
            marker: marker,
            payloadType: payloadType,
            sequenceNumber: nextSequenceNumber,
            timestamp: timestamp,
            ssrc: ssrc
        )
        nextSequenceNumber &+= 1
        packetCount &+= 1
        octetCount &+= UInt32(truncatingIfNeeded: payloadLength)
        lastTimestamp = timestamp
        return header
    }

    /// A sender report for now: `rtpTimestamp` is the stream's RTP time at `now`.
    public func senderReport(now: NTPTimestamp, rtpTimestamp: UInt32, reportBlocks: [RTCPReportBlock] = []) -> RTCPSenderReport {
        RTCPSenderReport(
            ssrc: ssrc,
            ntpTimestamp: now,
            rtpTimestamp: rtpTimestamp,
            packetCount: packetCount,
            octetCount: octetCount,
            reportBlocks: reportBlocks
        )
    }
}
