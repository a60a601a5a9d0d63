import ParleyRTP
import Testing

@Suite("Half-band resampling 8 kHz ↔ 16 kHz")
struct ResamplerTests {
    static func downsample(_ input: [Int16], frame: Int = 320) -> [Int16] {
        var resampler = HalfBandDownsampler()
        var output = [Int16](repeating: 0, count: input.count / 2)
        for start in stride(from: 0, to: input.count, by: frame) {
            let end = min(start + frame, input.count)
            input.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBufferPointer { target in
                    let written = resampler.process(
                        UnsafeBufferPointer(rebasing: source[start..<end]),
                        into: UnsafeMutableBufferPointer(rebasing: target[(start / 2)...])
                    )
                    #expect(written == (end - start) / 2)
                }
            }
        }
        return output
    }

    static func upsample(_ input: [Int16], frame: Int = 160) -> [Int16] {
        var resampler = HalfBandUpsampler()
        var output = [Int16](repeating: 0, count: input.count * 2)
        for start in stride(from: 0, to: input.count, by: frame) {
            let end = min(start + frame, input.count)
            input.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBufferPointer { target in
                    let written = resampler.process(
                        UnsafeBufferPointer(rebasing: source[start..<end]),
                        into: UnsafeMutableBufferPointer(rebasing: target[(start * 2)...])
                    )
                    #expect(written == (end - start) * 2)
                }
            }
        }
        return output
    }

    static func gain(input: [Int16], inputRange: Range<Int>, output: [Int16], outputRange: Range<Int>) -> Double {
        let inputPower = Signal.energy(input, range: inputRange) / Double(inputRange.count)
        let outputPower = Signal.energy(output, range: outputRange) / Double(outputRange.count)
        return Signal.decibels(outputPower / inputPower)
    }

    @Test func oneKilohertzPassesDown() {
        let input = Signal.sine(frequency: 1000, sampleRate: 16000, amplitude: 10000, count: 16000)
        let output = Self.downsample(input)
        let gain = Self.gain(input: input, inputRange: 1600..<16000, output: output, outputRange: 800..<8000)
        #expect(abs(gain) < 0.5, "gain \(gain) dB")
    }

    @Test func sevenKilohertzIsRemovedBeforeDecimation() {
        // 7 kHz would alias to 1 kHz at 8 kHz sampling.
        let input = Signal.sine(frequency: 7000, sampleRate: 16000, amplitude: 20000, count: 16000)
        let output = Self.downsample(input)
        let gain = Self.gain(input: input, inputRange: 1600..<16000, output: output, outputRange: 800..<8000)
        #expect(gain < -30, "gain \(gain) dB")
    }

    @Test func oneKilohertzPassesUpWithoutAnImage() {
        let input = Signal.sine(frequency: 1000, sampleRate: 8000, amplitude: 10000, count: 8000)
        let output = Self.upsample(input)
        let gain = Self.gain(input: input, inputRange: 800..<8000, output: output, outputRange: 1600..<16000)
        #expect(abs(gain) < 0.5, "gain \(gain) dB")
        let wanted = Signal.power(of: output, at: 1000, sampleRate: 16000, range: 1600..<16000)
        let image = Signal.power(of: output, at: 7000, sampleRate: 16000, range: 1600..<16000)
        #expect(Signal.decibels(image / wanted) < -30)
    }

    @Test func directCurrentHasUnityGain() {
        let up = Self.upsample([Int16](repeating: 1000, count: 400))
        #expect(up[200..<800].allSatisfy { abs(Int($0) - 1000) <= 1 })
        let down = Self.downsample([Int16](repeating: -1000, count: 800))
        #expect(down[100..<400].allSatisfy { abs(Int($0) + 1000) <= 1 })
    }

    @Test func frameSizeDoesNotChangeTheResult() {
        let input = Signal.sine(frequency: 1700, sampleRate: 16000, amplitude: 12000, count: 3200)
        #expect(Self.downsample(input, frame: 320) == Self.downsample(input, frame: 3200))
        #expect(Self.downsample(input, frame: 320) == Self.downsample(input, frame: 2))
        let narrow = Self.downsample(input)
        #expect(Self.upsample(narrow, frame: 160) == Self.upsample(narrow, frame: 1600))
        #expect(Self.upsample(narrow, frame: 160) == Self.upsample(narrow, frame: 7))
    }

    @Test func fullScaleDoesNotWrap() {
        // A full-scale square wave overshoots in the filter: it must saturate, not wrap.
        let square = (0..<1600).map { ($0 / 4) % 2 == 0 ? Int16.max : Int16.min }
        let up = Self.upsample(square)
        let down = Self.downsample(square)
        for (index, value) in up.enumerated().dropFirst(48) {
            let n = index / 2
            if index % 2 == 0 {
                #expect(value == square[n - 12])  // passes through unchanged
            } else if square[n - 12] == square[n - 11] {
                // Between two equal full-scale samples: same sign, saturated, never wrapped.
                #expect(value.signum() == square[n - 12].signum() && value.magnitude > 16000, "at \(index): \(value)")
            }
        }
        #expect(down.count == 800)
    }
}
