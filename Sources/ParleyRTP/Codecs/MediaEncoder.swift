import NIOCore

/// One outgoing audio stream's encode path: a 16 kHz mixer frame to a codec payload.
///
/// G.711 streams are decimated to 8 kHz with a ``HalfBandDownsampler`` first (into a buffer
/// on the stack), then coded by table lookup; G.722 encodes the 16 kHz frame directly. Both
/// halves are stateful, so a stream needs its own encoder for continuity; the mixer
/// integration keeps one encoder per distinct mix and codec and sends its bytes to every
/// leg that hears that mix. ``copyState(from:)`` lets a leg that moves from the shared mix
/// to its own personal mix continue without a discontinuity.
public struct MediaEncoder: Sendable {
    public let codec: AudioCodec
    private var g722 = G722Encoder()
    private var downsampler = HalfBandDownsampler()

    public init(codec: AudioCodec) {
        self.codec = codec
    }

    /// Continues exactly where `other` (same codec) is.
    public mutating func copyState(from other: MediaEncoder) {
        guard other.codec == codec else { return }
        g722.copyState(from: other.g722)
        downsampler.copyState(from: other.downsampler)
    }

    /// Encodes one 320-sample 16 kHz frame into `output` (160 bytes for 20 ms; 640 for L16). Returns the
    /// bytes written.
    @discardableResult
    public mutating func encode(_ frame: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let frame = UnsafeBufferPointer(rebasing: frame[0..<min(frame.count, AudioCodec.widebandFrameSamples)])
        switch codec {
        case .g722:
            return g722.encode(frame, into: output)
        case .l16:
            let count = min(frame.count, output.count / 2)
            for index in 0..<count {
                let sample = UInt16(bitPattern: frame[index])
                output[2 * index] = UInt8(truncatingIfNeeded: sample >> 8)
                output[2 * index + 1] = UInt8(truncatingIfNeeded: sample)
            }
            return 2 * count
        case .pcmu, .pcma:
            let lookup = codec == .pcmu ? G711MuLaw.lookup : G711ALaw.lookup
            return withUnsafeTemporaryAllocation(of: Int16.self, capacity: AudioCodec.widebandFrameSamples / 2) { narrow in
                let count = downsampler.process(frame, into: narrow)
                return lookup.encode(UnsafeBufferPointer(rebasing: narrow[0..<count]), into: output)
            }
        }
    }

    /// Appends the payload for one frame to `buffer`; returns the bytes written.
    @discardableResult
    public mutating func encode(_ frame: UnsafeBufferPointer<Int16>, appendingTo buffer: inout ByteBuffer) -> Int {
        let samples = min(frame.count, AudioCodec.widebandFrameSamples)
        let needed = codec == .l16 ? 2 * samples : samples / 2
        return buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: needed) { raw in
            encode(frame, into: UnsafeMutableBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[0..<needed]))
        }
    }
}
