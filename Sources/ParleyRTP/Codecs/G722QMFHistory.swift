/// The 24-sample delay line of a G.722 QMF, stored twice over (48 slots) so that the window
/// of the last 24 values is always contiguous: shifting in two samples moves a start index
/// instead of 22 values.
struct G722QMFHistory: Sendable {
    static let taps = 24
    private var storage = [Int](repeating: 0, count: 2 * taps)
    /// Start of the window; the oldest value is at `start`, the newest at `start + 23`.
    private var start = 0

    mutating func copy(from other: G722QMFHistory) {
        for index in 0..<(2 * Self.taps) {
            storage[index] = other.storage[index]
        }
        start = other.start
    }

    /// Gives `body` the storage and the window start for a run of ``push(_:_:_:_:)`` calls.
    @inline(__always)
    mutating func withStorage<Result>(_ body: (UnsafeMutablePointer<Int>, inout Int) -> Result) -> Result? {
        var start = self.start
        let result = storage.withUnsafeMutableBufferPointer { buffer -> Result? in
            guard let base = buffer.baseAddress else { return nil }
            return body(base, &start)
        }
        self.start = start
        return result
    }

    /// Shifts in two values and returns the window of the last 24, oldest first.
    @inline(__always)
    static func push(_ base: UnsafeMutablePointer<Int>, _ start: inout Int, _ older: Int, _ newer: Int) -> UnsafePointer<Int> {
        start = start + 2 == taps ? 0 : start + 2
        let first = start + taps - 2
        base[first] = older
        base[first >= taps ? first - taps : first + taps] = older
        let second = first + 1
        base[second] = newer
        base[second >= taps ? second - taps : second + taps] = newer
        return UnsafePointer(base + start)
    }
}
