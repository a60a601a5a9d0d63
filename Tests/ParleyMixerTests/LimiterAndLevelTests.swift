import ParleyMixer
import Testing

@Suite("Soft limiter and audio levels")
struct LimiterAndLevelTests {
    @Test func belowTheKneeIsUntouched() {
        let limiter = SoftLimiter()
        for value: Int32 in [0, 1, -1, 1000, -24576, 24576] {
            #expect(Int32(limiter.limit(value)) == value)
        }
    }

    @Test func curveIsMonotonicContinuousAndBounded() {
        let limiter = SoftLimiter()
        var previous = limiter.limit(-400_000)
        for value in stride(from: Int32(-400_000), through: 400_000, by: 7) {
            let output = limiter.limit(value)
            #expect(output >= previous)
            #expect(Int(output) - Int(previous) <= 7)  // slope never above 1: no jumps
            #expect(output < Int16.max && output > -Int16.max)
            previous = output
        }
        #expect(limiter.limit(Int32.max) > 32000)
        #expect(limiter.limit(Int32.min) < -32000)
    }

    @Test func levelsInDBov() {
        let square = [Int16](repeating: Int16.max, count: 320)
        #expect(abs(square.withUnsafeBufferPointer(AudioLevel.dBov) - 0) < 0.01)
        let constant = [Int16](repeating: 1000, count: 320)
        // 20·log10(1000 / 32768) = -30.31
        #expect(abs(constant.withUnsafeBufferPointer(AudioLevel.dBov) + 30.31) < 0.01)
        let silence = [Int16](repeating: 0, count: 320)
        #expect(silence.withUnsafeBufferPointer(AudioLevel.dBov) == AudioLevel.floor)
        #expect(abs(AudioLevel.dBov(meanSquare: 32768.0 * 32768.0 / 2) + 3.0103) < 0.001)  // full-scale sine
        #expect(abs(AudioLevel.dBov(meanSquare: 1) + 90.309) < 0.001)
    }
}
