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
            if count >= Self.fadeInSamples {
                // A constant length: the division by it becomes a multiplication.
                Self.fadeIn(frame, over: Self.fadeInSamples)
            } else {
                Self.fadeIn(frame, over: count)
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
            guard let last = last.baseAddress, let output = frame.baseAddress else { return }
            Self.fade(last, into: output, count: count, from: start, to: end)
        }
        for index in count..<frame.count {
            frame[index] = 0
        }
    }

    /// Writes `count` samples of `last` scaled by a gain that falls from `start` to `end`
    /// (Q15, `end <= start <= 32768`): at sample i, start - (start - end) · i / count, the
    /// division truncating as in integer arithmetic.
    ///
    /// The quotient is carried as a running quotient and remainder instead of a division per
    /// sample, eight samples at a time: lane l holds the gain and remainder of sample
    /// index + l, and each step adds eight samples' worth. Products stay below 2³⁰.
    private static func fade(
        _ last: UnsafePointer<Int16>,
        into frame: UnsafeMutablePointer<Int16>,
        count: Int,
        from start: Int,
        to end: Int
    ) {
        guard count > 0 else { return }
        // Per sample, the gain falls by slope / count: `stepQuotient` and a remainder that
        // carries one more whenever it reaches `count`.
        let (stepQuotient, stepRemainder) = (start - end).quotientAndRemainder(dividingBy: count)
        var gain = start
        var remainder = 0
        var index = 0
        // The same eight samples at a time (in Int32 lanes: any real frame size fits).
        if count >= 8, count <= 1 << 20 {
            var gains = SIMD8<Int32>()
            var remainders = SIMD8<Int32>()
            for lane in 0..<8 {
                gains[lane] = Int32(gain)
                remainders[lane] = Int32(remainder)
                gain -= stepQuotient
                remainder += stepRemainder
                if remainder >= count {
                    remainder -= count
                    gain -= 1
                }
            }
            // Eight samples' fall: whole steps in `gain`, and what is left in `remainder`.
            let groupQuotient = Int32(start - gain)
            let groupRemainder = Int32(remainder)
            let limit = Int32(count)
            while index + 8 <= count {
                let samples = SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(last + index).loadUnaligned(as: SIMD8<Int16>.self))
                let scaled = SIMD8<Int16>(truncatingIfNeeded: (samples &* gains) &>> 15)
                UnsafeMutableRawPointer(frame + index).storeBytes(of: scaled, as: SIMD8<Int16>.self)
                let wrapped = remainders &+ groupRemainder &- limit  // >= 0 where it carries
                let noCarry = wrapped &>> 31  // -1 where it does not carry, 0 where it does
                remainders = wrapped &+ (noCarry & limit)
                gains &-= groupQuotient &+ 1 &+ noCarry
                index += 8
            }
            gain = Int(gains[0])
            remainder = Int(remainders[0])
        }
        while index < count {
            frame[index] = Int16((Int(last[index]) * gain) >> 15)
            gain -= stepQuotient
            remainder += stepRemainder
            if remainder >= count {
                remainder -= count
                gain -= 1
            }
            index += 1
        }
    }

    /// Samples at the start of a frame faded in after a gap.
    private static let fadeInSamples = 32

    /// Scales the first `ramp` samples by (i + 1) / (ramp + 1) (division truncating).
    @inline(__always)
    private static func fadeIn(_ frame: UnsafeMutableBufferPointer<Int16>, over ramp: Int) {
        for index in 0..<ramp {
            frame[index] = Int16((Int(frame[index]) * (index + 1)) / (ramp + 1))
        }
    }

    /// Writes silence and forgets the last frame (the leg is idle).
    public mutating func silence(into frame: UnsafeMutableBufferPointer<Int16>) {
        frame.update(repeating: 0)
        hasFrame = false
        concealed = 0
    }
}
