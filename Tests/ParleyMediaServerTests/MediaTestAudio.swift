#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import ParleyRTP
import ParleyTestSupport

/// Signal helpers for the media tests: tones, Goertzel power, WAV files (the shared ones live
/// in ParleyTestSupport's `TestAudio`; the interop tests of ParleyAppTests use them too).
enum MediaTestAudio {
    /// Power of `frequency` in `samples` (Goertzel), normalized per sample².
    static func power(of frequency: Double, in samples: ArraySlice<Int16>, sampleRate: Double = 16_000) -> Double {
        TestAudio.power(of: frequency, in: samples, sampleRate: sampleRate)
    }

    static func power(of frequency: Double, in samples: [Int16]) -> Double {
        power(of: frequency, in: samples[...])
    }

    /// Root mean square.
    static func rms(_ samples: ArraySlice<Int16>) -> Double {
        TestAudio.rms(samples)
    }

    /// One 20 ms frame (320 samples at 16 kHz) of a sine, continuing from `phase` (turns).
    static func sineFrame(frequency: Double, amplitude: Double, phase: inout Double) -> [Int16] {
        var frame = [Int16](repeating: 0, count: AudioCodec.widebandFrameSamples)
        for index in frame.indices {
            frame[index] = Int16(amplitude * sin(2 * Double.pi * phase))
            phase += frequency / 16_000
            phase -= phase.rounded(.down)
        }
        return frame
    }

    /// A RIFF/WAVE file. `extraChunkBeforeFormat` adds a `LIST` chunk of odd length first.
    static func wav(
        samples: [Int16],
        formatTag: Int = 1,
        channels: Int = 1,
        rate: Int = 8000,
        bits: Int = 16,
        extraChunkBeforeFormat: Bool = false,
        dataSizeField: Int? = nil
    ) -> [UInt8] {
        TestAudio.wav(
            samples: samples, formatTag: formatTag, channels: channels, rate: rate, bits: bits,
            extraChunkBeforeFormat: extraChunkBeforeFormat, dataSizeField: dataSizeField)
    }

    /// `seconds` of a sine at 8 kHz, as 16-bit samples.
    static func narrowbandTone(frequency: Double, seconds: Double, amplitude: Double = 12_000) -> [Int16] {
        TestAudio.tone(frequency: frequency, seconds: seconds, rate: 8000, amplitude: amplitude)
    }
}
