import NIOCore
import ParleyRTP
import Testing

@Suite("G.722 SB-ADPCM, 64 kbit/s")
struct G722Tests {
    static func encode(_ pcm: [Int16]) -> [UInt8] {
        var encoder = G722Encoder()
        var codes = [UInt8](repeating: 0, count: pcm.count / 2)
        // Frame by frame, as the media path does: state carries across calls.
        for start in stride(from: 0, to: pcm.count, by: 320) {
            let end = min(start + 320, pcm.count)
            pcm.withUnsafeBufferPointer { input in
                codes.withUnsafeMutableBufferPointer { output in
                    let written = encoder.encode(
                        UnsafeBufferPointer(rebasing: input[start..<end]),
                        into: UnsafeMutableBufferPointer(rebasing: output[(start / 2)...])
                    )
                    #expect(written == (end - start) / 2)
                }
            }
        }
        return codes
    }

    static func decode(_ codes: [UInt8]) -> [Int16] {
        var decoder = G722Decoder()
        var pcm = [Int16](repeating: 0, count: codes.count * 2)
        for start in stride(from: 0, to: codes.count, by: 160) {
            let end = min(start + 160, codes.count)
            codes.withUnsafeBytes { raw in
                pcm.withUnsafeMutableBufferPointer { output in
                    let written = decoder.decode(
                        UnsafeRawBufferPointer(rebasing: raw[start..<end]),
                        into: UnsafeMutableBufferPointer(rebasing: output[(start * 2)...])
                    )
                    #expect(written == (end - start) * 2)
                }
            }
        }
        return pcm
    }

    /// Best alignment of output to input over plausible codec delays, and the SNR there.
    static func snr(input: [Int16], output: [Int16], skip: Int) -> (delay: Int, decibels: Double) {
        var best = (delay: 0, decibels: -Double.infinity)
        for delay in 0...64 {
            var signal = 0.0
            var noise = 0.0
            for index in skip..<(input.count - delay) {
                let x = Double(input[index])
                let e = Double(output[index + delay]) - x
                signal += x * x
                noise += e * e
            }
            let decibels = Signal.decibels(signal / max(noise, 1))
            if decibels > best.decibels { best = (delay, decibels) }
        }
        return best
    }

    /// The transmit and receive QMFs (24 taps each) delay the signal by 22 samples in
    /// total. A sine cannot show this (its best match repeats every period), so measure it
    /// on a sum of unrelated tones.
    static let codecDelay = 22

    static func snr(input: [Int16], output: [Int16], delay: Int, skip: Int) -> Double {
        var signal = 0.0
        var noise = 0.0
        for index in skip..<(input.count - delay) {
            let x = Double(input[index])
            let e = Double(output[index + delay]) - x
            signal += x * x
            noise += e * e
        }
        return Signal.decibels(signal / max(noise, 1))
    }

    @Test func groupDelayIsTwentyTwoSamples() {
        let tones = [310.0, 730.0, 1190.0, 2330.0, 3170.0].map {
            Signal.sine(frequency: $0, sampleRate: 16000, amplitude: 3000, count: 8000)
        }
        let input = (0..<8000).map { index in tones.reduce(Int16(0)) { $0 + $1[index] } }
        let output = Self.decode(Self.encode(input))
        let best = Self.snr(input: input, output: output, skip: 800)
        #expect(best.delay == Self.codecDelay, "delay \(best.delay), SNR \(best.decibels) dB")
        #expect(best.decibels > 15)
    }

    @Test(arguments: [1000.0, 400.0, 3000.0, 6000.0])
    func roundTripSNROfASine(frequency: Double) {
        let input = Signal.sine(frequency: frequency, sampleRate: 16000, amplitude: 12000, count: 16000)
        let output = Self.decode(Self.encode(input))
        let snr = Self.snr(input: input, output: output, delay: Self.codecDelay, skip: 1600)
        #expect(snr > 20, "SNR \(snr) dB at \(frequency) Hz")
    }

    @Test func loudAndQuietSignalsStillTrack() {
        for amplitude in [500.0, 30000.0] {
            let input = Signal.sine(frequency: 1000, sampleRate: 16000, amplitude: amplitude, count: 8000)
            let output = Self.decode(Self.encode(input))
            let result = Self.snr(input: input, output: output, skip: 1600)
            #expect(result.decibels > 15, "SNR \(result.decibels) dB at amplitude \(amplitude)")
        }
    }

    @Test func silenceInGivesNearSilenceOut() {
        let output = Self.decode(Self.encode([Int16](repeating: 0, count: 16000)))
        let peak = output.map { abs(Int($0)) }.max() ?? 0
        #expect(peak <= 8, "peak \(peak)")
    }

    @Test func codingIsDeterministic() {
        let input = Signal.sine(frequency: 1234, sampleRate: 16000, amplitude: 9000, count: 3200)
        let codes = Self.encode(input)
        #expect(codes == Self.encode(input))
        #expect(Self.decode(codes) == Self.decode(codes))
    }

    @Test func anyBytesDecodeWithoutTrouble() {
        var generator = SeededGenerator(seed: 722)
        let codes = (0..<16000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let pcm = Self.decode(codes)
        #expect(pcm.count == 32000)
    }

    @Test func aFrameIs160BytesFor320Samples() {
        var encoder = G722Encoder()
        let frame = [Int16](repeating: 100, count: 320)
        var buffer = ByteBufferAllocator().buffer(capacity: 0)
        let written = frame.withUnsafeBufferPointer { encoder.encode($0, appendingTo: &buffer) }
        #expect(written == 160)
        #expect(buffer.readableBytes == 160)
        var decoder = G722Decoder()
        var out = [Int16](repeating: 0, count: 320)
        #expect(out.withUnsafeMutableBufferPointer { decoder.decode(buffer, into: $0) } == 320)
        #expect(AudioCodec.g722.clockRate == 8000)
        #expect(AudioCodec.g722.sampleRate == 16000)
    }

    @Test func copiedStateContinuesTheSameStream() {
        let input = Signal.sine(frequency: 700, sampleRate: 16000, amplitude: 8000, count: 640)
        var first = G722Encoder()
        var a = [UInt8](repeating: 0, count: 160)
        var b = [UInt8](repeating: 0, count: 160)
        input.withUnsafeBufferPointer { pcm in
            a.withUnsafeMutableBufferPointer { _ = first.encode(UnsafeBufferPointer(rebasing: pcm[0..<320]), into: $0) }
        }
        var second = G722Encoder()
        second.copyState(from: first)
        input.withUnsafeBufferPointer { pcm in
            a.withUnsafeMutableBufferPointer { _ = first.encode(UnsafeBufferPointer(rebasing: pcm[320..<640]), into: $0) }
            b.withUnsafeMutableBufferPointer { _ = second.encode(UnsafeBufferPointer(rebasing: pcm[320..<640]), into: $0) }
        }
        #expect(a == b)
    }
}
