#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Signal helpers for audio tests: sine tones, Goertzel power, levels in dBFS, and 16-bit
/// PCM WAV files (written for peers to play, read back from what peers recorded).
public enum TestAudio {
    /// Power of `frequency` in `samples` (Goertzel), normalized per sample²: a sine of
    /// amplitude `A` at that frequency gives about `A² / 4`.
    public static func power(of frequency: Double, in samples: ArraySlice<Int16>, sampleRate: Double) -> Double {
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

    /// The level of `frequency` in `samples` in dBFS (0 for a full-scale sine, -120 for
    /// nothing), averaged over Hann-windowed blocks of `block` seconds.
    ///
    /// Blocks, not one Goertzel sum over everything: a frame that a jitter buffer drops or
    /// repeats shifts the phase of all that follows, which would cancel much of a tone in one
    /// long sum, but costs only one block here. The window keeps a loud tone a few hundred
    /// hertz away from leaking into the measured one.
    public static func level(of frequency: Double, in samples: ArraySlice<Int16>, sampleRate: Double, block: Double = 0.1) -> Double {
        let length = max(16, Int(block * sampleRate))
        guard samples.count >= length else { return -120 }
        let window = (0..<length).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(length - 1)) }
        let gain = window.reduce(0, +) / Double(length)
        let coefficient = 2 * cos(2 * Double.pi * frequency / sampleRate)
        var total = 0.0
        var blocks = 0
        var start = samples.startIndex
        while start + length <= samples.endIndex {
            var previous = 0.0
            var beforePrevious = 0.0
            for (offset, sample) in samples[start..<(start + length)].enumerated() {
                let current = Double(sample) * window[offset] + coefficient * previous - beforePrevious
                beforePrevious = previous
                previous = current
            }
            total += previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
            blocks += 1
            start += length
        }
        let power = total / Double(blocks) / Double(length * length)
        return decibels(2 * power.squareRoot() / gain / 32_768)
    }

    /// `20 log10(ratio)`, floored at -120.
    public static func decibels(_ ratio: Double) -> Double {
        ratio > 1e-6 ? 20 * log10(ratio) : -120
    }

    /// Root mean square.
    public static func rms(_ samples: ArraySlice<Int16>) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return (sum / Double(samples.count)).squareRoot()
    }

    /// `seconds` of a sine at `rate` samples per second, as 16-bit samples.
    public static func tone(frequency: Double, seconds: Double, rate: Int = 8000, amplitude: Double = 12_000) -> [Int16] {
        (0..<Int(seconds * Double(rate))).map { Int16(amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(rate))) }
    }

    /// Little-endian helpers for building WAV files.
    public static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
    public static func le32(_ value: Int) -> [UInt8] { le16(value & 0xFFFF) + le16((value >> 16) & 0xFFFF) }

    /// A RIFF/WAVE file. `extraChunkBeforeFormat` adds a `LIST` chunk of odd length first;
    /// `dataSizeField` overrides the size written in the `data` chunk header.
    public static func wav(
        samples: [Int16],
        formatTag: Int = 1,
        channels: Int = 1,
        rate: Int = 8000,
        bits: Int = 16,
        extraChunkBeforeFormat: Bool = false,
        dataSizeField: Int? = nil
    ) -> [UInt8] {
        var data: [UInt8] = []
        data.reserveCapacity(samples.count * 2)
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

    /// Samples and rate of a 16-bit PCM mono WAV file.
    public struct Recording: Sendable {
        public var rate: Int
        public var samples: [Int16]

        public init(rate: Int, samples: [Int16]) {
            self.rate = rate
            self.samples = samples
        }

        public var seconds: Double { Double(samples.count) / Double(rate) }
    }

    /// Reads a 16-bit PCM mono WAV file, also one still being written: a `data` chunk whose
    /// size field is 0 or too large (a writer updates it only when it closes the file) reaches
    /// to the end of the file. Nil when it is not such a file.
    public static func readWAV(_ bytes: [UInt8]) -> Recording? {
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else { return nil }
        var offset = 12
        var rate: Int?
        while offset + 8 <= bytes.count {
            let id = bytes[offset..<offset + 4]
            let size = u32(offset + 4)
            let body = offset + 8
            if id.elementsEqual("fmt ".utf8) {
                guard body + 16 <= bytes.count, u16(body) == 1, u16(body + 2) == 1, u16(body + 14) == 16 else { return nil }
                rate = u32(body + 4)
            } else if id.elementsEqual("data".utf8) {
                guard let rate, rate > 0 else { return nil }
                let available = bytes.count - body
                let length = (size == 0 || size > available ? available : size) & ~1
                var samples = [Int16](repeating: 0, count: length / 2)
                for index in samples.indices {
                    samples[index] = Int16(bitPattern: UInt16(u16(body + 2 * index)))
                }
                return Recording(rate: rate, samples: samples)
            }
            offset = body + size + (size & 1)
        }
        return nil
    }
}
