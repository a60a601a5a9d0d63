import NIOCore
import ParleyRTP
import Testing

@Suite("Packet-loss concealment and the leg decode path")
struct PlayoutTests {
    static func energy(_ frame: [Int16]) -> Double {
        Signal.energy(frame, range: 0..<frame.count)
    }

    @Test func repeatAndFadeThenSilence() {
        var concealer = PacketLossConcealer(frameSamples: 320, fadeFrames: 3)
        var frame = [Int16](repeating: 9000, count: 320)
        frame.withUnsafeMutableBufferPointer { concealer.received($0) }
        var energies: [Double] = []
        for _ in 0..<5 {
            frame.withUnsafeMutableBufferPointer { concealer.conceal(into: $0) }
            energies.append(Self.energy(frame))
            if energies.count == 1 {
                #expect(frame.first == 9000)  // starts at the last frame's level: no click
            }
        }
        #expect(energies[0] > energies[1] && energies[1] > energies[2])
        #expect(energies[2] > 0)
        #expect(energies[3] == 0 && energies[4] == 0)  // silence after 60 ms
        #expect(concealer.consecutiveConcealed == 5)
    }

    @Test func audioAfterAGapFadesIn() {
        var concealer = PacketLossConcealer()
        var frame = [Int16](repeating: 9000, count: 320)
        frame.withUnsafeMutableBufferPointer { concealer.received($0) }
        frame.withUnsafeMutableBufferPointer { concealer.conceal(into: $0) }
        var fresh = [Int16](repeating: 9000, count: 320)
        fresh.withUnsafeMutableBufferPointer { concealer.received($0) }
        #expect(fresh[0] < 1000)
        #expect(fresh[100] == 9000)
        #expect(concealer.consecutiveConcealed == 0)
    }

    @Test func concealmentWithoutHistoryIsSilence() {
        var concealer = PacketLossConcealer()
        var frame = [Int16](repeating: 5, count: 320)
        frame.withUnsafeMutableBufferPointer { concealer.conceal(into: $0) }
        #expect(frame.allSatisfy { $0 == 0 })
    }

    @Test(arguments: AudioCodec.allCases)
    func decoderProducesWidebandFrames(codec: AudioCodec) {
        // Encode a 1 kHz tone with the leg encoder, decode it with the leg decoder.
        let tone = Signal.sine(frequency: 1000, sampleRate: 16000, amplitude: 8000, count: 3200)
        var encoder = MediaEncoder(codec: codec)
        var decoder = MediaDecoder(codec: codec)
        var output: [Int16] = []
        var payload = [UInt8](repeating: 0, count: codec.payloadBytes)
        var frame = [Int16](repeating: 0, count: 320)
        for start in stride(from: 0, to: tone.count, by: 320) {
            let written = tone.withUnsafeBufferPointer { pcm in
                payload.withUnsafeMutableBufferPointer {
                    encoder.encode(UnsafeBufferPointer(rebasing: pcm[start..<(start + 320)]), into: $0)
                }
            }
            #expect(written == codec.payloadBytes)
            let produced = payload.withUnsafeBytes { bytes in
                frame.withUnsafeMutableBufferPointer { decoder.decode(bytes, into: $0) }
            }
            #expect(produced == 320)
            output += frame
        }
        let wanted = Signal.power(of: output, at: 1000, sampleRate: 16000, range: 640..<3200)
        let input = Signal.power(of: tone, at: 1000, sampleRate: 16000, range: 640..<3200)
        #expect(abs(Signal.decibels(wanted / input)) < 1.5, "\(codec)")
    }

    @Test func renderFollowsTheJitterBuffer() {
        var buffer = JitterBuffer()
        var decoder = MediaDecoder(codec: .pcmu)
        let payload = [UInt8](repeating: 0x90, count: 160)  // a loud constant µ-law code
        payload.withUnsafeBytes {
            _ = buffer.insert(sequenceNumber: 0, timestamp: 0, payloadType: 0, marker: true, payload: $0, now: 1000)
        }
        var frame = [Int16](repeating: 1, count: 320)
        var audible: [Bool] = []
        for tick in 0..<8 {
            let output = buffer.pop(now: 1080 + Int64(tick * 160))
            audible.append(frame.withUnsafeMutableBufferPointer { decoder.render(output, from: buffer, into: $0) })
        }
        // Silence while buffering, the frame, three concealed frames, then silence.
        #expect(audible == [false, false, true, true, true, true, false, false])
        #expect(frame.allSatisfy { $0 == 0 })
    }

    @Test func aWrongPayloadTypeIsConcealed() {
        var buffer = JitterBuffer()
        var decoder = MediaDecoder(codec: .pcma)
        let payload = [UInt8](repeating: 0xD5, count: 160)
        payload.withUnsafeBytes {
            _ = buffer.insert(sequenceNumber: 0, timestamp: 0, payloadType: 13, marker: false, payload: $0, now: 0)
        }
        _ = buffer.pop(now: 0)
        var frame = [Int16](repeating: 7, count: 320)
        let output = buffer.pop(now: 400)
        guard case .frame = output else {
            Issue.record("expected a frame, got \(output)")
            return
        }
        _ = frame.withUnsafeMutableBufferPointer { decoder.render(output, from: buffer, into: $0) }
        #expect(frame.allSatisfy { $0 == 0 })  // concealment with no history is silence
    }

    @Test func encoderStateCanBeHandedOver() {
        let tone = Signal.sine(frequency: 500, sampleRate: 16000, amplitude: 8000, count: 640)
        for codec in AudioCodec.allCases {
            var shared = MediaEncoder(codec: codec)
            var a = [UInt8](repeating: 0, count: codec.payloadBytes)
            var b = [UInt8](repeating: 0, count: codec.payloadBytes)
            tone.withUnsafeBufferPointer { pcm in
                a.withUnsafeMutableBufferPointer { _ = shared.encode(UnsafeBufferPointer(rebasing: pcm[0..<320]), into: $0) }
            }
            var personal = MediaEncoder(codec: codec)
            personal.copyState(from: shared)
            tone.withUnsafeBufferPointer { pcm in
                a.withUnsafeMutableBufferPointer { _ = shared.encode(UnsafeBufferPointer(rebasing: pcm[320..<640]), into: $0) }
                b.withUnsafeMutableBufferPointer { _ = personal.encode(UnsafeBufferPointer(rebasing: pcm[320..<640]), into: $0) }
            }
            #expect(a == b, "\(codec)")
        }
    }

    @Test func rtpClockConversions() {
        #expect(RTPClock.narrowband.ticks(.milliseconds(20)) == 160)
        #expect(RTPClock(rate: 16000).ticks(.seconds(2)) == 32000)
        #expect(RTPClock.narrowband.duration(ticks: 8000) == .seconds(1))
        #expect(AudioCodec(payloadType: 9) == .g722)
        #expect(AudioCodec(payloadType: 18) == nil)
    }
}
