/// Packet-loss concealment by repeat and fade, on decoded audio.
///
/// The last good frame is kept; each concealed frame repeats it with a gain that falls
/// linearly across the frame, from full level to silence over `fadeFrames` frames (three
/// 20 ms frames: silence after 60 ms). A gap longer than that is silence, which is less
/// disturbing than a buzzing loop. When audio comes back after a concealment, the first
/// frame fades in over a few milliseconds to avoid a click.
///
/// Storage is allocated once for the frame size; concealing never allocates.
public struct PacketLossConcealer: Sendable {
    public let frameSamples: Int
    public let fadeFrames: Int
    private var lastFrame: [Int16]
    private var concealed = 0
    private var hasFrame = false

    public init(frameSamples: Int = 320, fadeFrames: Int = 3) {
        self.frameSamples = max(1, frameSamples)
        self.fadeFrames = max(1, fadeFrames)
        self.lastFrame = [Int16](repeating: 0, count: max(1, frameSamples))
    }

    /// Frames concealed in a row so far.
    public var consecutiveConcealed: Int { concealed }

    /// Records a good frame (the caller has just decoded it into `frame`). After a gap the
    /// start of the frame is faded in, in place.
    public mutating func received(_ frame: UnsafeMutableBufferPointer<Int16>) {
        let count = min(frame.count, frameSamples)
        if concealed > 0 {
            let ramp = min(count, 32)
            for index in 0..<ramp {
                frame[index] = Int16((Int(frame[index]) * (index + 1)) / (ramp + 1))
            }
        }
        lastFrame.withUnsafeMutableBufferPointer { last in
            for index in 0..<count {
                last[index] = frame[index]
            }
            for index in count..<frameSamples {
                last[index] = 0
            }
        }
        concealed = 0
        hasFrame = true
    }

    /// Writes a concealment frame for a missing one.
    public mutating func conceal(into frame: UnsafeMutableBufferPointer<Int16>) {
        concealed += 1
        let count = min(frame.count, frameSamples)
        guard hasFrame, concealed <= fadeFrames else {
            frame.update(repeating: 0)
            return
        }
        // Gain goes from (1 - (k-1)/N) to (1 - k/N) across frame k of N, in Q15.
        let start = ((fadeFrames - concealed + 1) << 15) / fadeFrames
        let end = ((fadeFrames - concealed) << 15) / fadeFrames
        lastFrame.withUnsafeBufferPointer { last in
            for index in 0..<count {
                let gain = start + (end - start) * index / count
                frame[index] = Int16((Int(last[index]) * gain) >> 15)
            }
        }
        for index in count..<frame.count {
            frame[index] = 0
        }
    }

    /// Writes silence and forgets the last frame (the leg is idle).
    public mutating func silence(into frame: UnsafeMutableBufferPointer<Int16>) {
        frame.update(repeating: 0)
        hasFrame = false
        concealed = 0
    }
}
