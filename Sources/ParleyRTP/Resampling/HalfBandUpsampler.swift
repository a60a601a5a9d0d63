/// 8 kHz → 16 kHz interpolation with the ``HalfBandFilter``, stateful per leg.
///
/// Every input sample passes through unchanged (the half-band centre tap), and one
/// interpolated sample is computed between neighbours from 24 inputs. The last 23 inputs
/// carry over between calls in preallocated storage, so a stream of 20 ms frames (160 in,
/// 320 out) never allocates. Delay: 12 input samples (1.5 ms).
public struct HalfBandUpsampler: Sendable {
    private static let historyLength = 23
    private static let chunkLength = 160
    /// History followed by the current chunk of input.
    private var work = [Int16](repeating: 0, count: historyLength + chunkLength)

    public init() {}

    /// Forgets the history (a new stream).
    public mutating func reset() {
        for index in 0..<Self.historyLength {
            work[index] = 0
        }
    }

    /// Interpolates `input` into `output`, which must hold `2 * input.count` samples (fewer
    /// input samples are used when it does not). Returns the output samples written.
    @discardableResult
    public mutating func process(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        let total = min(input.count, output.count / 2)
        var consumed = 0
        work.withUnsafeMutableBufferPointer { w in
            HalfBandFilter.oddTaps.withUnsafeBufferPointer { taps in
                while consumed < total {
                    let chunk = min(Self.chunkLength, total - consumed)
                    for index in 0..<chunk {
                        w[Self.historyLength + index] = input[consumed + index]
                    }
                    for j in 0..<chunk {
                        // Midpoint between w[m] and w[m + 1], from w[m - 11] ... w[m + 12].
                        let m = j + Self.historyLength - 12
                        var sum = 8192
                        for i in 0..<12 {
                            sum += taps[i] * (Int(w[m - i]) + Int(w[m + 1 + i]))
                        }
                        output[2 * (consumed + j)] = w[m]
                        output[2 * (consumed + j) + 1] = HalfBandFilter.clamp(sum >> 14)
                    }
                    for index in 0..<Self.historyLength {
                        w[index] = w[chunk + index]
                    }
                    consumed += chunk
                }
            }
        }
        return total * 2
    }
}
