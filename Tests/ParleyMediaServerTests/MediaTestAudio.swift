#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import ParleyRTP

/// Signal helpers for the media tests: tones, Goertzel power, WAV files.
enum MediaTestAudio {
    /// Power of `frequency` in `samples` (Goertzel), normalized per sample².
    static func power(of frequency: Double, in samples: ArraySlice<Int16>, sampleRate: Double = 16_000) -> Double {
        guard !samples.isEmpty else { return 0 }
        let coefficient = 2 * cos(2 * Double.pi * frequency / sampleRate)
        var previous = 0.0
        var beforePrevious = 0.0
        for sample in samples {
            let current = Double(sample) + coefficient * previous - beforePrevious
            beforePrevious = previous
            previous = current
        }
        let power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
        let n = Double(samples.count)
        return power / (n * n)
    }

    static func power(of frequency: Double, in samples: [Int16]) -> Double {
        power(of: frequency, in: samples[...])
    }

    /// Root mean square.
    static func rms(_ samples: ArraySlice<Int16>) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return (sum / Double(samples.count)).squareRoot()
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

    /// Little-endian helpers for building WAV files.
    static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
    static func le32(_ value: Int) -> [UInt8] { le16(value & 0xFFFF) + le16((value >> 16) & 0xFFFF) }

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
        var data: [UInt8] = []
        for sample in samples {
            data += le16(Int(UInt16(bitPattern: sample)))
        }
        var body: [UInt8] = Array("WAVE".utf8)
        if extraChunkBeforeFormat {
            body += Array("LIST".utf8) + le32(3) + [1, 2, 3, 0]
        }
        body += Array("fmt ".utf8) + le32(16) + le16(formatTag) + le16(channels) + le32(rate)
        body += le32(rate * channels * bits / 8) + le16(channels * bits / 8) + le16(bits)
        body += Array("data".utf8) + le32(dataSizeField ?? data.count) + data
        return Array("RIFF".utf8) + le32(body.count) + body
    }

    /// `seconds` of a sine at 8 kHz, as 16-bit samples.
    static func narrowbandTone(frequency: Double, seconds: Double, amplitude: Double = 12_000) -> [Int16] {
        (0..<Int(seconds * 8000)).map { Int16(amplitude * sin(2 * Double.pi * frequency * Double($0) / 8000)) }
    }
}
