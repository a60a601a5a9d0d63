import ParleyLoad
import Testing

@Suite("Load tool: per-leg measurement")
struct LegMeterTests {
    static let tick: Int64 = 20_000_000

    @Test("a clean stream: 50 packets/s, no loss, no late, no jitter, 20 ms gaps")
    func clean() {
        var meter = LegMeter()
        for n in 0..<250 {
            meter.record(sequence: UInt16(truncatingIfNeeded: 65_500 + n), timestamp: UInt32(160 * n), arrival: 1_000_000_000 + Int64(n) * Self.tick)
        }
        meter.close(at: 1_000_000_000 + 249 * Self.tick + 5_000_000)
        #expect(meter.received == 250 && meter.expected == 250 && meter.lost == 0 && meter.late == 0)
        #expect(meter.jitterMilliseconds < 0.001)
        #expect(meter.largestGapNanoseconds == Self.tick)
        #expect(meter.lossAndLatePercent == 0)
        #expect(meter.packetRate(over: 5) == 50)
    }

    @Test("loss by sequence, late beyond 40 ms, jitter and the largest gap")
    func impaired() {
        var meter = LegMeter()
        var arrival: Int64 = 0
        for n in 0..<100 where n % 10 != 5 {  // 10 lost
            arrival = Int64(n) * Self.tick + (n == 50 ? 60_000_000 : 0) + (n % 2 == 0 ? 2_000_000 : 0)
            meter.record(sequence: UInt16(n), timestamp: UInt32(160 * n), arrival: arrival)
        }
        #expect(meter.received == 90 && meter.lost == 10)
        #expect(meter.late == 1, "packet 50 came 60 ms behind the best transit")
        var late = LegMeter()
        for n in 0..<10 {
            late.record(sequence: UInt16(n), timestamp: UInt32(160 * n), arrival: Int64(n) * Self.tick + (n == 6 ? 50_000_000 : 0))
        }
        #expect(late.late == 1)
        #expect(late.largestGapNanoseconds == Self.tick + 50_000_000)
        #expect(meter.jitterMilliseconds > 1 && meter.jitterMilliseconds < 2.5, "2 ms alternating transit gives about 2 ms jitter")
        #expect(meter.lossAndLatePercent == 11)
    }

    @Test("silence after the last packet counts as a gap at the window's end")
    func tailGap() {
        var meter = LegMeter()
        meter.record(sequence: 1, timestamp: 160, arrival: 0)
        meter.close(at: 500_000_000)
        #expect(meter.largestGapNanoseconds == 500_000_000)
        var none = LegMeter()
        none.close(at: 1)
        #expect(none.lossAndLatePercent == 100)
    }
}
