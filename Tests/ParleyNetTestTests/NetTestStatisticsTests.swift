import ParleyNetTest
import Testing

@Suite("Network-test statistics")
struct NetTestStatisticsTests {
    static let ms: UInt64 = 1_000_000

    @Test func jitterOfAConstantTransitIsZero() {
        var jitter = InterarrivalJitter()
        for i in 0..<100 {
            jitter.record(sent: UInt64(i) * 20 * Self.ms, arrived: UInt64(i) * 20 * Self.ms + 35 * Self.ms)
        }
        #expect(jitter.nanoseconds == 0)
        #expect(jitter.samples == 100)
    }

    @Test func jitterFollowsRFC3550() {
        // Transits 10, 14, 10 ms: D = 4 ms then 4 ms. J1 = 4/16 = 0.25 ms; J2 = 0.25 + (4 - 0.25)/16.
        var jitter = InterarrivalJitter()
        jitter.record(sent: 0, arrived: 10 * Self.ms)
        #expect(jitter.nanoseconds == 0)
        jitter.record(sent: 20 * Self.ms, arrived: 34 * Self.ms)
        #expect(jitter.milliseconds == 0.25)
        jitter.record(sent: 40 * Self.ms, arrived: 50 * Self.ms)
        #expect(abs(jitter.milliseconds - (0.25 + 3.75 / 16)) < 1e-9)
    }

    @Test func alternatingDelayConvergesToItsStep() {
        // Delay alternating 40 and 50 ms: |D| is always 10 ms, so J tends to 10 ms.
        var jitter = InterarrivalJitter()
        for i in 0..<400 {
            let delay: UInt64 = i % 2 == 0 ? 40 : 50
            jitter.record(sent: UInt64(i) * 20 * Self.ms, arrived: UInt64(i) * 20 * Self.ms + delay * Self.ms)
        }
        #expect(abs(jitter.milliseconds - 10) < 0.01)
    }

    @Test func clocksNeedNotAgree() {
        // The receiver's clock is far behind the sender's: transits are "negative", differences still count.
        var jitter = InterarrivalJitter()
        jitter.record(sent: 1_000_000 * Self.ms, arrived: 5 * Self.ms)
        jitter.record(sent: 1_000_020 * Self.ms, arrived: 33 * Self.ms)
        #expect(jitter.milliseconds == 0.5)
    }

    @Test func percentilesUseNearestRank() {
        let statistics = DelayStatistics(samples: (1...20).reversed().map { UInt64($0) })
        #expect(statistics.minimum == 1)
        #expect(statistics.maximum == 20)
        #expect(statistics.median == 10)
        #expect(statistics.p95 == 19)
        #expect(statistics.percentile(100) == 20)
        #expect(statistics.percentile(0) == 1)
        #expect(statistics.percentile(.nan) == 10)
        #expect(statistics.mean == 10.5)
        #expect(DelayStatistics(samples: []).median == nil)
        #expect(DelayStatistics(samples: []).mean == nil)
    }

    @Test func echoLossSeparatesTheDirections() {
        // 100 requests; the responder got 90 (10 lost on the way up) and answered each; 9 of the
        // replies were lost on the way down.
        var loss = EchoLossCalculator()
        var count: UInt32 = 0
        for sequence in UInt32(0)..<100 {
            guard sequence % 10 != 5 else { continue }  // lost upstream
            count += 1
            guard sequence % 10 != 7 || sequence == 97 else { continue }  // reply lost downstream
            loss.record(sequence: sequence, responderCount: count)
        }
        #expect(abs((loss.upstream ?? 0) - 0.1) < 1e-12)
        #expect(abs((loss.downstream ?? 0) - 9.0 / 90.0) < 1e-12)
        #expect(loss.repliesReceived == 81)
    }

    @Test func echoLossWithoutRepliesIsUnknown() {
        let loss = EchoLossCalculator()
        #expect(loss.upstream == nil)
        #expect(loss.downstream == nil)
    }

    @Test func lossFractionIsClamped() {
        #expect(LossFraction.of(delivered: 5, expected: 4) == 0)
        #expect(LossFraction.of(delivered: 0, expected: 4) == 1)
        #expect(LossFraction.of(delivered: 0, expected: 0) == 0)
    }

    @Test func streamReceptionCountsDistinctPacketsAndIgnoresStrays() {
        var stream = StreamReception()
        #expect(stream.loss == nil)
        for sequence in UInt32(0)..<50 where sequence % 5 != 0 {
            stream.record(sequence: sequence, granted: 50, responderTime: UInt64(sequence) * 20 * Self.ms, arrived: UInt64(sequence) * 20 * Self.ms + 7)
        }
        stream.record(sequence: 1, granted: 50, responderTime: 0, arrived: 0)  // duplicate
        stream.record(sequence: 60, granted: 50, responderTime: 0, arrived: 0)  // outside the stream
        stream.record(sequence: 0, granted: 0, responderTime: 0, arrived: 0)
        #expect(stream.packetsReceived == 40)
        #expect(abs((stream.loss ?? 0) - 0.2) < 1e-12)
        #expect(stream.strays == 2)
        #expect(stream.jitter.nanoseconds == 0)
    }

    @Test func throughputAndFormatting() {
        let rate = Throughput(bytes: 1_250_000, nanoseconds: 1_000_000_000)
        #expect(rate.bitsPerSecond == 10_000_000)
        #expect(rate.formatted == "10.0 Mb/s")
        #expect(Throughput(bytes: 156_250_000, nanoseconds: 1_000_000_000).formatted == "1.25 Gb/s")
        #expect(Throughput(bytes: 10_000, nanoseconds: 1_000_000_000).formatted == "80 kb/s")
        #expect(Throughput(bytes: 10, nanoseconds: 0).bitsPerSecond == 0)
        #expect(NetTestFormat.decimal(12.345, places: 2) == "12.35")
        #expect(NetTestFormat.decimal(-0.04, places: 1) == "0.0")
        #expect(NetTestFormat.decimal(3.05, places: 2) == "3.05")
        #expect(NetTestFormat.decimal(.infinity, places: 1) == "-")
        #expect(NetTestFormat.percent(0.0512) == "5.1 %")
        #expect(NetTestFormat.milliseconds(40_250_000) == "40.3 ms")
    }
}

@Suite("Call capacity estimate")
struct CallCapacityTests {
    @Test(arguments: VoiceCodec.allCases)
    func oneCallIs87Point2KilobitsOnTheWire(codec: VoiceCodec) {
        #expect(codec.payloadBytes == 160)
        #expect(codec.wireBytesPerPacket == 218)
        #expect(codec.wireBitsPerSecond == 87_200)
    }

    @Test func aCleanLinkIsLimitedByItsSlowerDirection() {
        let estimate = CallCapacityEstimate(
            codec: .g711, uploadBitsPerSecond: 10_000_000, downloadBitsPerSecond: 50_000_000, loss: 0.005, jitterNanoseconds: 5_000_000)
        // 0.8 × 10 Mb/s / 87.2 kb/s = 91.7
        #expect(estimate.rawCalls == 91)
        #expect(estimate.lossFactor == 1 && estimate.jitterFactor == 1)
        #expect(estimate.calls == 91)
    }

    @Test func lossAndJitterDiscountLinearly() {
        let estimate = CallCapacityEstimate(
            codec: .g722, uploadBitsPerSecond: 10_000_000, downloadBitsPerSecond: 10_000_000, loss: 0.055, jitterNanoseconds: 65_000_000)
        #expect(abs(estimate.lossFactor - 0.5) < 1e-12)
        #expect(abs(estimate.jitterFactor - 0.5) < 1e-12)
        #expect(estimate.calls == 22)  // ⌊91 × 0.25⌋
    }

    @Test func unusableLinksCarryNoCall() {
        #expect(CallCapacityEstimate(codec: .g711, uploadBitsPerSecond: 1e9, downloadBitsPerSecond: 1e9, loss: 0.10, jitterNanoseconds: 0).calls == 0)
        #expect(CallCapacityEstimate(codec: .g711, uploadBitsPerSecond: 1e9, downloadBitsPerSecond: 1e9, loss: 0, jitterNanoseconds: 1e8).calls == 0)
        #expect(CallCapacityEstimate(codec: .g711, uploadBitsPerSecond: 100_000, downloadBitsPerSecond: 1e9, loss: 0, jitterNanoseconds: 0).calls == 0)
        #expect(CallCapacityEstimate(codec: .g711, uploadBitsPerSecond: .nan, downloadBitsPerSecond: 1e9, loss: .nan, jitterNanoseconds: 0).calls == 0)
        #expect(CallCapacityEstimate(codec: .g711, uploadBitsPerSecond: .infinity, downloadBitsPerSecond: .infinity, loss: 0, jitterNanoseconds: 0).calls == 0)
    }

    @Test func verdicts() {
        let thresholds = NetTestThresholds()
        #expect(thresholds.roundTrip(100_000_000) == .pass)
        #expect(thresholds.roundTrip(200_000_000) == .warn)
        #expect(thresholds.roundTrip(400_000_000) == .fail)
        #expect(thresholds.loss(0.05) == .warn)
        #expect(thresholds.loss(0.051) == .fail)
        #expect(thresholds.jitter(10_000_000) == .pass)
        #expect(thresholds.throughput(500_000) == .warn)
        #expect(thresholds.calls(0) == .fail)
        #expect(thresholds.dscp(sent: 0xB8, received: 0xB9) == .pass)  // ECN bits differ only
        #expect(thresholds.dscp(sent: 0xB8, received: 0x00) == .warn)
        #expect(thresholds.dscp(sent: 0xB8, received: NetTestProbe.unknownTOS) == .skip)
        #expect([NetTestVerdict.pass, .fail, .skip, .warn].max() == .fail)
        #expect(DSCP(tos: 0xB8) == .ef)
        #expect(DSCP.ef.tos == 0xB8)
        #expect(DSCP.cs3.description == "CS3 (24)")
    }
}
