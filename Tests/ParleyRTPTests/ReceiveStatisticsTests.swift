import ParleyRTP
import Testing

@Suite("Receive statistics (RFC 3550 A.1, A.3, A.8)")
struct ReceiveStatisticsTests {
    @Test func probationThenCounting() {
        var stats = RTPReceiveStatistics(ssrc: 1)
        #expect(stats.record(sequenceNumber: 100, timestamp: 0, arrival: 0) == .probation)
        #expect(stats.expected == 0)
        #expect(stats.record(sequenceNumber: 101, timestamp: 160, arrival: 160) == .valid)
        #expect(stats.received == 1)
        #expect(stats.expected == 1)
        #expect(stats.record(sequenceNumber: 102, timestamp: 320, arrival: 320) == .valid)
        #expect(stats.expected == 2)
        #expect(stats.cumulativeLost == 0)
    }

    @Test func probationRestartsOnAGap() {
        var stats = RTPReceiveStatistics(ssrc: 1)
        #expect(stats.record(sequenceNumber: 10, timestamp: 0, arrival: 0) == .probation)
        #expect(stats.record(sequenceNumber: 20, timestamp: 0, arrival: 0) == .probation)
        #expect(stats.record(sequenceNumber: 21, timestamp: 0, arrival: 0) == .valid)
        #expect(stats.expected == 1)
    }

    @Test func sequenceNumbersWrap() {
        var stats = RTPReceiveStatistics(ssrc: 1)
        for sequence: UInt16 in [65534, 65535, 0, 1, 2] {
            stats.record(sequenceNumber: sequence, timestamp: 0, arrival: 0)
        }
        // Base 65535 (the packet that ended probation), highest 2 in cycle 1.
        #expect(stats.extendedHighestSequence == 0x0001_0002)
        #expect(stats.expected == 4)
        #expect(stats.received == 4)
        #expect(stats.cumulativeLost == 0)
    }

    @Test func lossAndFractionLost() {
        var stats = RTPReceiveStatistics(ssrc: 7, minimumSequential: 0)
        // Ten expected (0...9), 3 and 7 lost.
        for sequence: UInt16 in [0, 1, 2, 4, 5, 6, 8, 9] {
            stats.record(sequenceNumber: sequence, timestamp: 0, arrival: 0)
        }
        let block = stats.makeReportBlock(now: NTPTimestamp(rawValue: 0))
        #expect(block.ssrc == 7)
        #expect(block.cumulativeLost == 2)
        #expect(block.fractionLost == 51)  // (2 << 8) / 10
        #expect(block.extendedHighestSequence == 9)
        #expect(block.lastSenderReport == 0)
        #expect(block.delaySinceLastSenderReport == 0)
        // Next interval: no loss, the fraction covers only the interval.
        for sequence: UInt16 in 10...19 {
            stats.record(sequenceNumber: sequence, timestamp: 0, arrival: 0)
        }
        let next = stats.makeReportBlock(now: NTPTimestamp(rawValue: 0))
        #expect(next.fractionLost == 0)
        #expect(next.cumulativeLost == 2)
    }

    @Test func duplicatesAndReorderingDoNotMoveTheHighestSequence() {
        var stats = RTPReceiveStatistics(ssrc: 1, minimumSequential: 0)
        for sequence: UInt16 in [0, 1, 3, 2, 3] {
            stats.record(sequenceNumber: sequence, timestamp: 0, arrival: 0)
        }
        #expect(stats.extendedHighestSequence == 3)
        #expect(stats.received == 5)
        #expect(stats.cumulativeLost == -1)  // a duplicate makes loss negative, as the RFC says
        #expect(stats.makeReportBlock(now: NTPTimestamp(rawValue: 0)).fractionLost == 0)
    }

    @Test func largeJumpNeedsTwoPacketsToRestart() {
        var stats = RTPReceiveStatistics(ssrc: 1, minimumSequential: 0)
        stats.record(sequenceNumber: 1, timestamp: 0, arrival: 0)
        stats.record(sequenceNumber: 2, timestamp: 0, arrival: 0)
        #expect(stats.record(sequenceNumber: 40000, timestamp: 0, arrival: 0) == .probation)
        #expect(stats.extendedHighestSequence == 2)
        #expect(stats.record(sequenceNumber: 40001, timestamp: 0, arrival: 0) == .restarted)
        #expect(stats.extendedHighestSequence == 40001)
        #expect(stats.expected == 1)
    }

    /// Hand-computed: transit alternates 1000, 1160, so |D| = 160 each time.
    /// Integer form (J×16): 0 → 160 → 160+160-10 = 310 → 310+160-19 = 451; 451 >> 4 = 28.
    /// (Floating point: 10, 19.375, 28.16.)
    @Test func interarrivalJitterByHand() {
        var stats = RTPReceiveStatistics(ssrc: 1, minimumSequential: 0)
        let timestamps: [UInt32] = [0, 160, 320, 480]
        let arrivals: [UInt32] = [1000, 1320, 1320, 1640]
        var expected: [UInt32] = []
        for (index, timestamp) in timestamps.enumerated() {
            stats.record(sequenceNumber: UInt16(index), timestamp: timestamp, arrival: arrivals[index])
            expected.append(stats.jitter)
        }
        #expect(expected == [0, 10, 19, 28])
    }

    @Test func jitterIsZeroForPerfectPacing() {
        var stats = RTPReceiveStatistics(ssrc: 1, minimumSequential: 0)
        for index in 0..<100 {
            // Arrival clock wraps: only differences matter.
            stats.record(sequenceNumber: UInt16(index), timestamp: UInt32(index * 160), arrival: UInt32.max &- 5000 &+ UInt32(index * 160))
        }
        #expect(stats.jitter == 0)
    }

    @Test func delaySinceLastSenderReport() {
        var stats = RTPReceiveStatistics(ssrc: 1, minimumSequential: 0)
        stats.record(sequenceNumber: 0, timestamp: 0, arrival: 0)
        let sent = NTPTimestamp(seconds: 0xB705, fraction: 0x2000_0000)
        let arrived = NTPTimestamp(seconds: 3000, fraction: 0)
        stats.record(
            senderReport: RTCPSenderReport(ssrc: 1, ntpTimestamp: sent, rtpTimestamp: 0, packetCount: 0, octetCount: 0),
            arrival: arrived
        )
        let block = stats.makeReportBlock(now: NTPTimestamp(seconds: 3002, fraction: 0x4000_0000))
        #expect(block.lastSenderReport == 0xB705_2000)
        #expect(block.delaySinceLastSenderReport == 0x0002_4000)  // 2.25 s
        // The peer computes RTT from it: arrival of our RR at the sender.
        let rtt = block.roundTripTime(arrival: NTPTimestamp(rawValue: (UInt64(0xB705_2000) &+ 0x0002_4000 &+ 0x0000_1000) << 16))
        #expect(rtt == 0x1000)
    }
}
