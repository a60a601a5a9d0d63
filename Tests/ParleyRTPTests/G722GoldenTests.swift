import ParleyRTP
import Testing

/// Bit-exactness of the G.722 coder against recorded output.
///
/// The hashes below were recorded from the straightforward implementation (one tap at a
/// time, the reference algorithm's structure) before it was optimised; any change to the
/// coder must keep them. The inputs are deterministic and cover the quantizer and the
/// adaptation limits: a sweep across the whole band, seeded white noise at full scale,
/// silence, full-scale square waves (the saturating paths) and arbitrary byte streams for
/// the decoder, including every code value.
@Suite("G.722 bit-exactness (golden hashes)")
struct G722GoldenTests {
    static let sampleRate = 16000.0

    /// A linear sweep from 50 Hz to 7950 Hz over two seconds at a high level.
    static func sweep() -> [Int16] {
        let count = 32000
        let duration = Double(count) / sampleRate
        let start = 50.0
        let end = 7950.0
        return (0..<count).map { n in
            let t = Double(n) / sampleRate
            let phase = 2 * Signal.pi * (start * t + (end - start) * t * t / (2 * duration))
            return Int16(24000 * Signal.sin(phase))
        }
    }

    /// One second of full-range white noise, then one second of quieter noise.
    static func noise() -> [Int16] {
        var generator = SeededGenerator(seed: 0x6722)
        let loud = (0..<16000).map { _ in Int16.random(in: .min ... .max, using: &generator) }
        let quiet = (0..<16000).map { _ in Int16.random(in: -300...300, using: &generator) }
        return loud + quiet
    }

    /// Full-scale squares at 250 Hz, 3 kHz and the Nyquist rate (alternating extremes).
    static func squares() -> [Int16] {
        var samples: [Int16] = []
        for period in [64, 5, 2] {
            for n in 0..<8000 {
                samples.append(n % period < period / 2 ? .max : .min)
            }
        }
        return samples
    }

    /// Everything above, with silence between and after: 6.5 seconds.
    static func input() -> [Int16] {
        let silence = [Int16](repeating: 0, count: 4000)
        return sweep() + silence + noise() + silence + squares() + [Int16](repeating: 0, count: 8000)
    }

    /// Encodes `pcm` as one stream in chunks of the given sizes (cycled).
    static func encode(_ pcm: [Int16], chunks: [Int]) -> [UInt8] {
        var encoder = G722Encoder()
        var codes = [UInt8](repeating: 0, count: pcm.count / 2)
        var start = 0
        var chunk = 0
        while start < pcm.count {
            let end = min(start + chunks[chunk % chunks.count], pcm.count)
            chunk += 1
            pcm.withUnsafeBufferPointer { input in
                codes.withUnsafeMutableBufferPointer { output in
                    let written = encoder.encode(
                        UnsafeBufferPointer(rebasing: input[start..<end]),
                        into: UnsafeMutableBufferPointer(rebasing: output[(start / 2)...])
                    )
                    #expect(written == (end - start) / 2)
                }
            }
            start = end
        }
        return codes
    }

    /// Decodes `codes` as one stream in chunks of the given sizes (cycled).
    static func decode(_ codes: [UInt8], chunks: [Int]) -> [Int16] {
        var decoder = G722Decoder()
        var pcm = [Int16](repeating: 0, count: codes.count * 2)
        var start = 0
        var chunk = 0
        while start < codes.count {
            let end = min(start + chunks[chunk % chunks.count], codes.count)
            chunk += 1
            codes.withUnsafeBytes { raw in
                pcm.withUnsafeMutableBufferPointer { output in
                    let written = decoder.decode(
                        UnsafeRawBufferPointer(rebasing: raw[start..<end]),
                        into: UnsafeMutableBufferPointer(rebasing: output[(start * 2)...])
                    )
                    #expect(written == (end - start) * 2)
                }
            }
            start = end
        }
        return pcm
    }

    /// Byte streams no encoder would produce: seeded random bytes, every code value in
    /// order, and long runs of the extreme codes.
    static func arbitraryCodes() -> [UInt8] {
        var generator = SeededGenerator(seed: 0x0722_0722)
        var codes = (0..<16000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for _ in 0..<8 {
            codes += (0...255).map { UInt8($0) }
        }
        for value: UInt8 in [0x00, 0xFF, 0x3F, 0xC0, 0x7E, 0x81] {
            codes += [UInt8](repeating: value, count: 2000)
        }
        return codes
    }

    static let encodedHash: UInt64 = 0x9DAC_220E_D989_B033
    static let decodedHash: UInt64 = 0x71D8_0011_4DC4_1E71
    static let arbitraryHash: UInt64 = 0x7CEB_D5E6_E39B_205F

    @Test func encoderOutputMatchesTheRecordedHash() {
        let codes = Self.encode(Self.input(), chunks: [320])
        #expect(codes.count == 52000)
        let hash = FNV1a.of(codes)
        #expect(hash == Self.encodedHash, "encoded hash 0x\(String(hash, radix: 16))")
    }

    @Test func encoderOutputDoesNotDependOnHowTheStreamIsSplit() {
        let input = Self.input()
        let framed = Self.encode(input, chunks: [320])
        #expect(Self.encode(input, chunks: [2, 6, 1000, 318, 64, 4]) == framed)
        #expect(Self.encode(input, chunks: [input.count]) == framed)
    }

    @Test func decoderOutputMatchesTheRecordedHash() {
        let codes = Self.encode(Self.input(), chunks: [320])
        let pcm = Self.decode(codes, chunks: [160])
        let hash = FNV1a.of(pcm)
        #expect(hash == Self.decodedHash, "decoded hash 0x\(String(hash, radix: 16))")
    }

    @Test func decoderOutputOfArbitraryBytesMatchesTheRecordedHash() {
        let pcm = Self.decode(Self.arbitraryCodes(), chunks: [160])
        let hash = FNV1a.of(pcm)
        #expect(hash == Self.arbitraryHash, "arbitrary-bytes hash 0x\(String(hash, radix: 16))")
    }

    @Test func decoderOutputDoesNotDependOnHowTheStreamIsSplit() {
        let codes = Self.arbitraryCodes()
        let framed = Self.decode(codes, chunks: [160])
        #expect(Self.decode(codes, chunks: [1, 3, 500, 159, 7]) == framed)
        #expect(Self.decode(codes, chunks: [codes.count]) == framed)
    }

    @Test func copiedEncoderStateContinuesBitExactly() {
        let input = Self.input()
        let whole = Self.encode(input, chunks: [320])
        // Encode the first part, hand over to a fresh encoder, continue there.
        let split = 10 * 320 + 2
        var first = G722Encoder()
        var second = G722Encoder()
        var codes = [UInt8](repeating: 0, count: input.count / 2)
        input.withUnsafeBufferPointer { pcm in
            codes.withUnsafeMutableBufferPointer { output in
                first.encode(UnsafeBufferPointer(rebasing: pcm[0..<split]), into: output)
                second.copyState(from: first)
                second.encode(
                    UnsafeBufferPointer(rebasing: pcm[split...]),
                    into: UnsafeMutableBufferPointer(rebasing: output[(split / 2)...])
                )
            }
        }
        #expect(codes == whole)
    }
}
