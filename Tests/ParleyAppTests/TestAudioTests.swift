import ParleyTestSupport
import Testing

/// The level meter and WAV reader that the baresip interop tests judge recordings with.
@Suite("Test audio: tone levels and WAV files")
struct TestAudioTests {
    @Test func levelOfASineIsItsAmplitudeInDBFS() {
        let tone = TestAudio.tone(frequency: 1013, seconds: 2, rate: 8000, amplitude: 8192)
        #expect(abs(TestAudio.level(of: 1013, in: tone[...], sampleRate: 8000) - (-12.04)) < 0.2)
        // Another frequency 500 Hz away does not leak into the measurement.
        #expect(TestAudio.level(of: 1513, in: tone[...], sampleRate: 8000) < -70)
    }

    @Test func aDroppedFrameCostsLittle() {
        // One 20 ms frame missing in the middle: the phase of the second half jumps.
        let tone = TestAudio.tone(frequency: 1583, seconds: 3, rate: 8000, amplitude: 8192)
        let slipped = Array(tone[..<12_345]) + Array(tone[12_505...])
        #expect(TestAudio.level(of: 1583, in: slipped[...], sampleRate: 8000) > -12.6)
    }

    @Test func wavRoundTripAndAnUnfinishedDataChunk() throws {
        let samples: [Int16] = [0, 1, -1, 32_767, -32_768, 1234]
        let file = TestAudio.wav(samples: samples, rate: 16_000)
        let read = try #require(TestAudio.readWAV(file))
        #expect(read.rate == 16_000 && read.samples == samples)
        // A writer that has not closed the file yet: size 0, and a half-written last sample.
        let open = TestAudio.wav(samples: samples, rate: 8000, dataSizeField: 0) + [7]
        #expect(TestAudio.readWAV(open)?.samples == samples)
        #expect(TestAudio.readWAV(Array("RIFF....WAVE".utf8)) == nil)
        #expect(TestAudio.readWAV(TestAudio.wav(samples: samples, bits: 8)) == nil)
    }
}
