/// 8 kHz → 16 kHz interpolation with the ``HalfBandFilter``, stateful per leg.
///
/// Every input sample passes through unchanged (the half-band centre tap), and one
/// interpolated sample is computed between neighbours from 24 inputs. The last 23 inputs
/// carry over between calls in the value itself; each call works in a buffer on the stack
/// (under 1 KiB), so a stream of 20 ms frames (160 in, 320 out) never allocates. Delay: 12
/// input samples (1.5 ms).
public struct HalfBandUpsampler: Sendable {
    /// Inputs carried over: 11 before and 12 after the newest midpoint still to compute.
    static let historyLength = 23
    /// Inputs per pass over the working buffer.
    static let chunkLength = 160
    /// Working buffer: history, a chunk, and zeros the last group of lanes may read.
    static let workLength = historyLength + chunkLength + HalfBandFilter.lanes

    /// The last ``historyLength`` inputs, oldest first (the remaining lanes stay zero).
    private var history = SIMD32<Int16>()

    public init() {}

    /// Forgets the history (a new stream).
    public mutating func reset() {
        history = SIMD32()
    }

    /// Interpolates `input` into `output`, which must hold `2 * input.count` samples (fewer
    /// input samples are used when it does not). Returns the output samples written.
    @discardableResult
    public mutating func process(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        process(count: input.count, into: output) { destination, range in
            for index in range {
                destination[index - range.lowerBound] = Int32(input[index])
            }
        }
    }

    /// Interpolates `count` input samples that `load` provides: it writes the inputs at
    /// `range` (positions in the stream of this call) to its pointer, widened to `Int32`.
    /// The G.711 decoder decodes straight into the working buffer this way.
    @inline(__always)
    mutating func process(
        count: Int,
        into output: UnsafeMutableBufferPointer<Int16>,
        load: (UnsafeMutablePointer<Int32>, Range<Int>) -> Void
    ) -> Int {
        let total = min(count, output.count / 2)
        guard total > 0, let target = output.baseAddress else { return 0 }
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: Self.workLength) { buffer in
            guard let work = buffer.baseAddress else { return }
            for index in 0..<Self.historyLength {
                work[index] = Int32(history[index])
            }
            var consumed = 0
            while consumed < total {
                let chunk = min(Self.chunkLength, total - consumed)
                load(work + Self.historyLength, consumed..<(consumed + chunk))
                (work + Self.historyLength + chunk).update(repeating: 0, count: HalfBandFilter.lanes)
                Self.interpolate(UnsafePointer(work), count: chunk, into: target + 2 * consumed)
                // The newest inputs become the history (forward copy: the source is ahead).
                for index in 0..<Self.historyLength {
                    work[index] = work[chunk + index]
                }
                consumed += chunk
            }
            for index in 0..<Self.historyLength {
                history[index] = Int16(truncatingIfNeeded: work[index])
            }
        }
        return 2 * total
    }

    /// Writes `2 * count` outputs from a working buffer holding the history and `count`
    /// inputs, then zeros: the midpoint between `work[m]` and `work[m + 1]`, m = j + 11,
    /// uses `work[m - 11]` ... `work[m + 12]`.
    @inline(__always)
    private static func interpolate(_ work: UnsafePointer<Int32>, count: Int, into output: UnsafeMutablePointer<Int16>) {
        let lanes = HalfBandFilter.lanes
        var j = 0
        while j < count {
            let m = work + j + 11
            let odd = HalfBandFilter.saturate((HalfBandFilter.oddTapSum(around: m) &+ 8192) &>> 14)
            let even = SIMD8<Int16>(truncatingIfNeeded: HalfBandFilter.load(m))
            if j + lanes <= count {
                var pairs = SIMD16<Int16>()
                pairs.evenHalf = even
                pairs.oddHalf = odd
                UnsafeMutableRawPointer(output + 2 * j).storeBytes(of: pairs, as: SIMD16<Int16>.self)
            } else {
                for lane in 0..<(count - j) {
                    output[2 * (j + lane)] = even[lane]
                    output[2 * (j + lane) + 1] = odd[lane]
                }
            }
            j += lanes
        }
    }
}
