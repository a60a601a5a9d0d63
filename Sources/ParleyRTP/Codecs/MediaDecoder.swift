/// One leg's receive audio path after the jitter buffer: decode, resample to 16 kHz,
/// conceal losses. Produces the 20 ms, 320-sample frames the conference mixer takes.
///
/// G.711 payloads are decoded to 8 kHz straight into the working buffer of the leg's own
/// ``HalfBandUpsampler`` and interpolated; G.722 decodes straight to 16 kHz. A
/// ``PacketLossConcealer`` repeats and fades the last frame over gaps. All storage is
/// allocated in `init` (or is on the stack while a frame is decoded).
public struct MediaDecoder: Sendable {
    public let codec: AudioCodec
    private var g722 = G722Decoder()
    private var upsampler = HalfBandUpsampler()
    private var concealer = PacketLossConcealer(frameSamples: AudioCodec.widebandFrameSamples)

    public init(codec: AudioCodec) {
        self.codec = codec
    }

    /// Decodes one 20 ms payload into `frame` (320 samples at 16 kHz; a short payload
    /// leaves the rest silent). Returns the samples produced.
    @discardableResult
    public mutating func decode(_ payload: UnsafeRawBufferPointer, into frame: UnsafeMutableBufferPointer<Int16>) -> Int {
        let frameSamples = min(frame.count, AudioCodec.widebandFrameSamples)
        let target = UnsafeMutableBufferPointer(rebasing: frame[0..<frameSamples])
        var produced = 0
        switch codec {
        case .g722:
            produced = g722.decode(payload, into: target)
        case .l16:
            // Big-endian samples; an odd trailing byte is ignored.
            let count = min(payload.count / 2, target.count)
            for index in 0..<count {
                target[index] = Int16(bitPattern: UInt16(payload[2 * index]) << 8 | UInt16(payload[2 * index + 1]))
            }
            produced = count
        case .pcmu, .pcma:
            let table = (codec == .pcmu ? G711MuLaw.lookup : G711ALaw.lookup).decodeTable
            produced = upsampler.process(count: payload.count, into: target) { samples, range in
                for index in range {
                    samples[index - range.lowerBound] = Int32(table[Int(payload[index])])
                }
            }
        }
        for index in produced..<frame.count {
            frame[index] = 0
        }
        concealer.received(target)
        return produced
    }

    /// Writes a concealment frame for a lost or late packet.
    public mutating func conceal(into frame: UnsafeMutableBufferPointer<Int16>) {
        concealer.conceal(into: frame)
    }

    /// Writes silence (the leg is idle).
    public mutating func silence(into frame: UnsafeMutableBufferPointer<Int16>) {
        concealer.silence(into: frame)
    }

    /// Renders what the jitter buffer said to play. Returns false when the result is
    /// silence, so the caller can tell the mixer the leg has no audio this tick.
    /// A frame whose payload type is not this codec's (comfort noise, a stray type) is
    /// concealed.
    @discardableResult
    public mutating func render(
        _ output: JitterBuffer.Output,
        from buffer: JitterBuffer,
        into frame: UnsafeMutableBufferPointer<Int16>
    ) -> Bool {
        switch output {
        case .frame(let packet) where packet.payloadType == codec.payloadType:
            buffer.withPayload(of: packet) { payload in
                _ = decode(payload, into: frame)
            }
            return true
        case .frame, .concealment:
            conceal(into: frame)
            return concealer.consecutiveConcealed <= concealer.fadeFrames
        case .silence:
            silence(into: frame)
            return false
        }
    }
}
