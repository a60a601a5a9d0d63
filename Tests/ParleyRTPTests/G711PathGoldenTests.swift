import NIOCore
import ParleyRTP
import Testing

/// Bit-exactness of the G.711 leg path against recorded output: payload → µ-law/A-law
/// decode → half-band interpolation to 16 kHz with packet-loss concealment, and back:
/// 16 kHz → half-band decimation → µ-law/A-law encode.
///
/// The hashes below were recorded from the straightforward implementation (arrays of
/// samples, one tap at a time, a division per concealed sample) before it was optimised;
/// any change to the path must keep them. Inputs are deterministic and every stream runs
/// over many consecutive frames, so filter history and concealment state carry over: a
/// sweep across the band, seeded noise at full and low level, full-scale squares (the
/// saturating paths), silence, every code value and seeded random payloads, with losses
/// (a frame, 3 lost, a frame, 10 lost, silence, ...), short payloads and odd frame sizes.
@Suite("G.711 path bit-exactness (golden hashes)")
struct G711PathGoldenTests {
    /// 16-bit samples from the top bits of a seeded generator (not `random(in:)`, whose
    /// algorithm may change between toolchains).
    static func noise(count: Int, seed: UInt64, shift: UInt64 = 48) -> [Int16] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Int16(truncatingIfNeeded: Int64(bitPattern: generator.next()) >> shift) }
    }

    /// A linear sweep from 50 Hz to just under half the sample rate.
    static func sweep(sampleRate: Double, seconds: Double, amplitude: Double) -> [Int16] {
        let count = Int(sampleRate * seconds)
        let start = 50.0
        let end = sampleRate / 2 - 50
        return (0..<count).map { n in
            let t = Double(n) / sampleRate
            let phase = 2 * Signal.pi * (start * t + (end - start) * t * t / (2 * seconds))
            return Int16(amplitude * Signal.sin(phase))
        }
    }

    /// Full-scale squares at several periods (down to alternating extremes).
    static func squares(count: Int) -> [Int16] {
        var samples: [Int16] = []
        for period in [64, 5, 2, 3] {
            for n in 0..<count {
                samples.append(n % period < (period + 1) / 2 ? .max : .min)
            }
        }
        return samples
    }

    /// The mixer-side input of the encoder: 16 kHz, about 7.6 seconds.
    static func widebandInput() -> [Int16] {
        let silence = [Int16](repeating: 0, count: 3200)
        return sweep(sampleRate: 16000, seconds: 2, amplitude: 24000) + silence
            + noise(count: 16000, seed: 0x0711) + noise(count: 16000, seed: 0x0712, shift: 55) + silence
            + squares(count: 8000) + [Int16](repeating: 0, count: 8000) + [1, -1, 3, -3] + silence
    }

    /// Payload bytes for the decoder: codes of an 8 kHz sweep and noise, every code value,
    /// seeded random bytes and runs of the loudest codes (alternating signs, so the
    /// interpolator saturates).
    static func payloadStream(for law: AudioCodec) -> [UInt8] {
        let encode: (Int16) -> UInt8 = { law == .pcmu ? G711MuLaw.encode($0) : G711ALaw.encode($0) }
        var bytes = sweep(sampleRate: 8000, seconds: 2, amplitude: 30000).map(encode)
        bytes += noise(count: 8000, seed: 0x0A1A).map(encode)
        for _ in 0..<10 {
            bytes += (0...255).map { UInt8($0) }
        }
        var generator = SeededGenerator(seed: 0x0711_0711)
        bytes += (0..<8000).map { _ in UInt8(truncatingIfNeeded: generator.next() >> 56) }
        let (high, low): (UInt8, UInt8) = law == .pcmu ? (0x80, 0x00) : (0xAA, 0x2A)
        for period in [2, 4, 6, 40] {
            bytes += (0..<2400).map { ($0 % period) < period / 2 ? high : low }
        }
        return bytes
    }

    /// One event of the receive script.
    enum Event {
        case frame(payloadBytes: Int, frameSamples: Int)
        case lost(frameSamples: Int)
        case silence
    }

    /// The receive script, cycled: good frames, a 3-frame gap, a 10-frame gap, silence,
    /// single losses, short payloads and frames of other sizes than 320.
    static let script: [Event] = {
        var events: [Event] = []
        let good = Event.frame(payloadBytes: 160, frameSamples: 320)
        events += [good, good]
        events += [.lost(frameSamples: 320), .lost(frameSamples: 320), .lost(frameSamples: 320)]
        events += [good]
        events += [Event](repeating: .lost(frameSamples: 320), count: 10)
        events += [.silence, good, good, .lost(frameSamples: 320), good, .lost(frameSamples: 320), .lost(frameSamples: 320)]
        events += [.frame(payloadBytes: 159, frameSamples: 320), .frame(payloadBytes: 37, frameSamples: 320), good]
        events += [.frame(payloadBytes: 160, frameSamples: 250), .lost(frameSamples: 320), .lost(frameSamples: 400)]
        events += [.frame(payloadBytes: 160, frameSamples: 400), .lost(frameSamples: 100), good, .silence, .lost(frameSamples: 320)]
        events += [good, .frame(payloadBytes: 0, frameSamples: 320), .lost(frameSamples: 320), good]
        return events
    }()

    /// Runs a leg decoder over `bytes` following ``script`` and hashes every frame and count.
    static func receiveHash(_ law: AudioCodec, bytes: [UInt8], frames: Int) -> UInt64 {
        var decoder = MediaDecoder(codec: law)
        var hash = FNV1a()
        var offset = 0
        var frame = [Int16](repeating: 0x5555, count: 400)
        for index in 0..<frames {
            switch script[index % script.count] {
            case .frame(let payloadBytes, let frameSamples):
                if offset + payloadBytes > bytes.count { offset = 0 }
                let produced = bytes.withUnsafeBytes { raw in
                    frame.withUnsafeMutableBufferPointer { output in
                        decoder.decode(
                            UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + payloadBytes)]),
                            into: UnsafeMutableBufferPointer(rebasing: output[0..<frameSamples])
                        )
                    }
                }
                offset += payloadBytes
                hash.add(count: produced)
                hash.add(frame[0..<frameSamples])
            case .lost(let frameSamples):
                frame.withUnsafeMutableBufferPointer { output in
                    decoder.conceal(into: UnsafeMutableBufferPointer(rebasing: output[0..<frameSamples]))
                }
                hash.add(frame[0..<frameSamples])
            case .silence:
                frame.withUnsafeMutableBufferPointer { decoder.silence(into: $0) }
                hash.add(frame)
            }
        }
        return hash.value
    }

    /// Runs a leg encoder over `pcm` in 320-sample frames (with a few odd lengths), hands the
    /// state over to a fresh encoder halfway, and hashes every payload and count.
    static func sendHash(_ law: AudioCodec, pcm: [Int16]) -> UInt64 {
        var encoder = MediaEncoder(codec: law)
        var hash = FNV1a()
        var payload = [UInt8](repeating: 0, count: 200)
        var start = 0
        var frame = 0
        let lengths = [320, 320, 320, 317, 320, 2, 320, 64, 320, 320, 1, 320]
        while start < pcm.count {
            let end = min(start + lengths[frame % lengths.count], pcm.count)
            if frame == 200 {
                var successor = MediaEncoder(codec: law)
                successor.copyState(from: encoder)
                encoder = successor
            }
            let written = pcm.withUnsafeBufferPointer { input in
                payload.withUnsafeMutableBufferPointer {
                    encoder.encode(UnsafeBufferPointer(rebasing: input[start..<end]), into: $0)
                }
            }
            hash.add(count: written)
            hash.add(payload[0..<written])
            start = end
            frame += 1
        }
        // The ByteBuffer path, continuing the same stream.
        var buffer = ByteBufferAllocator().buffer(capacity: 0)
        for offset in stride(from: 0, to: 3200, by: 320) {
            pcm.withUnsafeBufferPointer { input in
                _ = encoder.encode(UnsafeBufferPointer(rebasing: input[offset..<(offset + 320)]), appendingTo: &buffer)
            }
        }
        hash.add(buffer.bytes)
        return hash.value
    }

    /// Runs a resampler over `input` in chunks of the given sizes (cycled).
    static func resample(
        _ input: [Int16],
        chunks: [Int],
        ratio: (numerator: Int, denominator: Int),
        _ process: (UnsafeBufferPointer<Int16>, UnsafeMutableBufferPointer<Int16>) -> Int
    ) -> [Int16] {
        var output = [Int16](repeating: 0, count: input.count * ratio.numerator / ratio.denominator)
        var start = 0
        var chunk = 0
        while start < input.count {
            let end = min(start + chunks[chunk % chunks.count], input.count)
            chunk += 1
            input.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBufferPointer { target in
                    let written = process(
                        UnsafeBufferPointer(rebasing: source[start..<end]),
                        UnsafeMutableBufferPointer(rebasing: target[(start * ratio.numerator / ratio.denominator)...])
                    )
                    #expect(written == (end - start) * ratio.numerator / ratio.denominator)
                }
            }
            start = end
        }
        return output
    }

    static let receiveHashes: [AudioCodec: UInt64] = [.pcmu: 0x46E3_AE74_AFF1_1216, .pcma: 0xE24C_EFA2_AD33_3DA6]
    static let sendHashes: [AudioCodec: UInt64] = [.pcmu: 0x5702_81D3_662C_7DCE, .pcma: 0x3221_FEA8_ACE5_5AB5]
    static let upsampledHash: UInt64 = 0x2E3A_3E3F_8E46_3E0B
    static let downsampledHash: UInt64 = 0x2116_11D8_3A56_6A37
    static let encodedEverySampleHashes: [AudioCodec: UInt64] = [.pcmu: 0xD5EE_23F7_D0FF_AE91, .pcma: 0xF030_666E_B780_CF25]
    static let concealerHash: UInt64 = 0x6A36_5DFD_69C9_CD0E

    @Test(arguments: [AudioCodec.pcmu, .pcma])
    func receivePathMatchesTheRecordedHash(law: AudioCodec) {
        let hash = Self.receiveHash(law, bytes: Self.payloadStream(for: law), frames: 600)
        #expect(hash == Self.receiveHashes[law], "\(law) receive hash 0x\(String(hash, radix: 16))")
    }

    @Test(arguments: [AudioCodec.pcmu, .pcma])
    func sendPathMatchesTheRecordedHash(law: AudioCodec) {
        let hash = Self.sendHash(law, pcm: Self.widebandInput())
        #expect(hash == Self.sendHashes[law], "\(law) send hash 0x\(String(hash, radix: 16))")
    }

    @Test func upsamplerMatchesTheRecordedHash() {
        let input = Self.sweep(sampleRate: 8000, seconds: 1, amplitude: 32000) + Self.squares(count: 2000)
            + Self.noise(count: 4000, seed: 0x8016)
        var upsampler = HalfBandUpsampler()
        let framed = Self.resample(input, chunks: [160], ratio: (2, 1)) { upsampler.process($0, into: $1) }
        let hash = FNV1a.of(framed)
        #expect(hash == Self.upsampledHash, "upsampled hash 0x\(String(hash, radix: 16))")
        var other = HalfBandUpsampler()
        #expect(Self.resample(input, chunks: [1, 7, 161, 333, 8, 9], ratio: (2, 1)) { other.process($0, into: $1) } == framed)
    }

    @Test func downsamplerMatchesTheRecordedHash() {
        let input = Self.widebandInput()
        var downsampler = HalfBandDownsampler()
        let framed = Self.resample(input, chunks: [320], ratio: (1, 2)) { downsampler.process($0, into: $1) }
        let hash = FNV1a.of(framed)
        #expect(hash == Self.downsampledHash, "downsampled hash 0x\(String(hash, radix: 16))")
        var other = HalfBandDownsampler()
        #expect(Self.resample(input, chunks: [2, 14, 322, 666, 16, 18], ratio: (1, 2)) { other.process($0, into: $1) } == framed)
    }

    /// The buffer encoders over every 16-bit sample, and the single-sample encoder agrees.
    @Test(arguments: [AudioCodec.pcmu, .pcma])
    func bufferEncodeOfEverySampleMatchesTheRecordedHash(law: AudioCodec) {
        let samples = (Int(Int16.min)...Int(Int16.max)).map { Int16($0) }
        var codes = [UInt8](repeating: 0, count: samples.count)
        samples.withUnsafeBufferPointer { pcm in
            codes.withUnsafeMutableBufferPointer { output in
                _ = law == .pcmu ? G711MuLaw.encode(pcm, into: output) : G711ALaw.encode(pcm, into: output)
            }
        }
        let single = samples.map { law == .pcmu ? G711MuLaw.encode($0) : G711ALaw.encode($0) }
        #expect(codes == single)
        let hash = FNV1a.of(codes)
        #expect(hash == Self.encodedEverySampleHashes[law], "\(law) every-sample hash 0x\(String(hash, radix: 16))")
        // And every code decodes as the single-code decoder says.
        let allCodes = (0...255).map { UInt8($0) }
        var decoded = [Int16](repeating: 0, count: 256)
        allCodes.withUnsafeBytes { raw in
            decoded.withUnsafeMutableBufferPointer { output in
                _ = law == .pcmu ? G711MuLaw.decode(raw, into: output) : G711ALaw.decode(raw, into: output)
            }
        }
        #expect(decoded == allCodes.map { law == .pcmu ? G711MuLaw.decode($0) : G711ALaw.decode($0) })
    }

    /// The concealer on its own, with sizes other than the leg's: frames of 100 samples,
    /// fades over 1 and 5 frames, frames shorter and longer than the configured size.
    @Test func concealerWithOtherSizesMatchesTheRecordedHash() {
        var hash = FNV1a()
        let source = Self.noise(count: 4000, seed: 0xC0C0)
        for (frameSamples, fadeFrames) in [(100, 1), (100, 5), (320, 3), (7, 2)] {
            var concealer = PacketLossConcealer(frameSamples: frameSamples, fadeFrames: fadeFrames)
            var offset = 0
            for step in 0..<60 {
                let size = [frameSamples, frameSamples / 2 + 1, frameSamples + 13][step % 3]
                var frame = [Int16](repeating: 0x2222, count: size)
                if step % 9 < 2 || step % 9 == 7 {
                    if offset + size > source.count { offset = 0 }
                    for index in 0..<size { frame[index] = source[offset + index] }
                    offset += size
                    frame.withUnsafeMutableBufferPointer { concealer.received($0) }
                } else if step % 17 == 16 {
                    frame.withUnsafeMutableBufferPointer { concealer.silence(into: $0) }
                } else {
                    frame.withUnsafeMutableBufferPointer { concealer.conceal(into: $0) }
                }
                hash.add(count: concealer.consecutiveConcealed)
                hash.add(frame)
            }
        }
        #expect(hash.value == Self.concealerHash, "concealer hash 0x\(String(hash.value, radix: 16))")
    }
}
