import Benchmark
import Foundation
import NIOCore
import ParleyMixer
import ParleyRTP
import ParleySIP

// Micro-benchmarks of the media and signalling paths (issue "Media performance"): one 20 ms
// frame per operation unless the name says otherwise. Run with scripts/bench-micro.sh; the
// results go to docs/performance.md. Allocation counts come from the malloc interposer: the
// steady-state paths must show 0.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        timeUnits: .microseconds,
        warmupIterations: 100,
        maxDuration: .seconds(2),
        maxIterations: 20_000
    )

    let speech = Fixtures.speechFrame()

    // The harness's own cost per sample (its allocations show here too): subtract it.
    Benchmark("baseline: an empty iteration") { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(index)
        }
    }

    // MARK: Codecs

    for codec in [AudioCodec.pcmu, .pcma, .g722] {
        Benchmark("\(codec.rawValue) encode (16 kHz frame to payload)") { benchmark in
            var encoder = MediaEncoder(codec: codec)
            var output = [UInt8](repeating: 0, count: 400)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let written = speech.withUnsafeBufferPointer { pcm in
                    output.withUnsafeMutableBufferPointer { encoder.encode(pcm, into: $0) }
                }
                blackHole(written)
            }
        }
        Benchmark("\(codec.rawValue) decode (payload to 16 kHz frame)") { benchmark in
            var encoder = MediaEncoder(codec: codec)
            var payload = [UInt8](repeating: 0, count: 400)
            let length = speech.withUnsafeBufferPointer { pcm in payload.withUnsafeMutableBufferPointer { encoder.encode(pcm, into: $0) } }
            var decoder = MediaDecoder(codec: codec)
            var frame = [Int16](repeating: 0, count: AudioCodec.widebandFrameSamples)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let produced = payload.withUnsafeBytes { bytes in
                    frame.withUnsafeMutableBufferPointer { decoder.decode(UnsafeRawBufferPointer(rebasing: bytes[0..<length]), into: $0) }
                }
                blackHole(produced)
            }
        }
    }

    // G.722's encode cost used to depend on the signal (its low-band quantizer searched
    // the decision levels one by one); loud white noise next to the speech-like frame shows
    // whether it still does.
    Benchmark("G722 encode (white-noise frame to payload)") { benchmark in
        var state: UInt32 = 0x6722
        let noise = (0..<AudioCodec.widebandFrameSamples).map { _ -> Int16 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Int16(truncatingIfNeeded: state >> 16)
        }
        var encoder = MediaEncoder(codec: .g722)
        var output = [UInt8](repeating: 0, count: 400)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let written = noise.withUnsafeBufferPointer { pcm in
                output.withUnsafeMutableBufferPointer { encoder.encode(pcm, into: $0) }
            }
            blackHole(written)
        }
    }

    // A lost packet: one good frame, then the three fading concealment frames that cover a
    // 60 ms gap. Subtract the decode row and divide by three for one concealed frame.
    Benchmark("PCMU decode + 3 concealed frames (60 ms gap)") { benchmark in
        var encoder = MediaEncoder(codec: .pcmu)
        var payload = [UInt8](repeating: 0, count: AudioCodec.frameBytes)
        speech.withUnsafeBufferPointer { pcm in payload.withUnsafeMutableBufferPointer { _ = encoder.encode(pcm, into: $0) } }
        var decoder = MediaDecoder(codec: .pcmu)
        var frame = [Int16](repeating: 0, count: AudioCodec.widebandFrameSamples)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            payload.withUnsafeBytes { bytes in
                frame.withUnsafeMutableBufferPointer { output in
                    decoder.decode(bytes, into: output)
                    for _ in 0..<3 {
                        decoder.conceal(into: output)
                    }
                }
            }
            blackHole(frame[0])
        }
    }

    // MARK: Mixer

    for participants in [10, 100, 1_000] {
        Benchmark(
            "mixer tick, \(participants) participants, 3 talking",
            configuration: .init(scalingFactor: .one)
        ) { benchmark in
            var mixer = ConferenceMixer(configuration: .init(maximumTalkers: 3, initialCapacity: participants))
            let ids = (0..<participants).map { _ in mixer.addParticipant() }
            let silence = [Int16](repeating: 0, count: AudioCodec.widebandFrameSamples)
            var tick: UInt64 = 0
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                for (index, id) in ids.enumerated() {
                    (index < 3 ? speech : silence).withUnsafeBufferPointer { _ = mixer.submit($0, for: id) }
                }
                tick &+= 1
                blackHole(mixer.mix(tick: tick))
            }
        }
    }

    // MARK: Jitter buffer and RTP

    Benchmark("jitter buffer insert + pop") { benchmark in
        var buffer = JitterBuffer()
        let payload = [UInt8](repeating: 0xD5, count: AudioCodec.frameBytes)
        var sequence: UInt16 = 0
        var timestamp: UInt32 = 0
        var now: Int64 = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            payload.withUnsafeBytes { bytes in
                blackHole(buffer.insert(sequenceNumber: sequence, timestamp: timestamp, payloadType: 0, marker: false, payload: bytes, now: now))
            }
            blackHole(buffer.pop(now: now))
            sequence &+= 1
            timestamp &+= UInt32(AudioCodec.frameTicks)
            now += Int64(AudioCodec.frameTicks)
        }
    }

    Benchmark("RTP parse (12-byte header, 160-byte PCMU payload)") { benchmark in
        var datagram = ByteBufferAllocator().buffer(capacity: 200)
        let header = RTPHeader(payloadType: 0, sequenceNumber: 1, timestamp: 160, ssrc: 0x1234_5678)
        header.write(to: &datagram)
        datagram.writeRepeatingByte(0xD5, count: AudioCodec.frameBytes)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var input = datagram
            blackHole(try? RTPPacket(parsing: &input))
        }
    }

    // MARK: SIP

    Benchmark("SIP INVITE parse (with SDP)") { benchmark in
        let datagram = ByteBuffer(string: Fixtures.invite)
        let parser = SIPMessageParser()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var input = datagram
            blackHole(try? parser.parseDatagram(&input))
        }
    }

    Benchmark("SIP INVITE serialize") { benchmark in
        var input = ByteBuffer(string: Fixtures.invite)
        guard let message = try? SIPMessageParser().parseDatagram(&input) else { return }
        var output = ByteBufferAllocator().buffer(capacity: 2048)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            output.clear()
            message.write(into: &output)
            blackHole(output.readableBytes)
        }
    }
}

enum Fixtures {
    /// 20 ms at 16 kHz of a voiced-speech-like signal: a 140 Hz fundamental with formant-ish
    /// harmonics, about -16 dBov.
    static func speechFrame() -> [Int16] {
        (0..<AudioCodec.widebandFrameSamples).map { index in
            let t = Double(index) / 16_000
            var value = 0.0
            for (harmonic, gain) in [(1.0, 0.5), (3.0, 0.3), (5.0, 0.25), (9.0, 0.15), (17.0, 0.1)] {
                value += gain * sin(2 * Double.pi * 140 * harmonic * t)
            }
            return Int16(value * 6_000)
        }
    }

    static let sdp = [
        "v=0",
        "o=- 1700000000 1 IN IP4 192.0.2.20",
        "s=-",
        "c=IN IP4 192.0.2.20",
        "t=0 0",
        "m=audio 40000 RTP/AVP 9 0 8 101",
        "a=rtpmap:9 G722/8000",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=ptime:20",
        "a=sendrecv",
        "",
    ].joined(separator: "\r\n")

    static let invite = [
        "INVITE sip:123456@192.0.2.10:5060 SIP/2.0",
        "Via: SIP/2.0/UDP 192.0.2.20:5062;branch=z9hG4bK-524287-1---b0a8c1e4d2b4a5e1;rport",
        "Max-Forwards: 70",
        "Contact: <sip:alice@192.0.2.20:5062;transport=udp>",
        "To: <sip:123456@192.0.2.10>",
        "From: \"Alice\" <sip:alice@example.com>;tag=8d7f1c2a",
        "Call-ID: 9f1e6c2b4a7d4e0f8c3b1a2d5e6f7a8b",
        "CSeq: 1 INVITE",
        "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE",
        "Content-Type: application/sdp",
        "Supported: replaces, timer",
        "User-Agent: Benchmark Phone 1.0",
        "Content-Length: \(sdp.utf8.count)",
        "",
        sdp,
    ].joined(separator: "\r\n")
}
