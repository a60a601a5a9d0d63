/// The constant tables of ITU-T G.722, and tables derived from them once so that the
/// per-sample code does one load where the standard chains two or three (code → 4-bit
/// core → multiplier; log scale factor → shift of the inverse-log table).
///
/// The derived tables live in memory that is written once and never freed, and are read
/// through a plain pointer: the inner loops then pay neither the lazy-global check nor
/// array bounds checks. Every index into them is masked or clamped to the table's size by
/// construction (6-bit and 2-bit codes, quantizer intervals 1...30 plus a sign bit,
/// `nb >> 6` with `nb` clamped to 18432 or 22528).
struct G722Tables: @unchecked Sendable {
    // @unchecked: `base` addresses immutable memory written once in `init`.

    /// Transmit and receive QMF coefficients (24 taps, symmetric: 12 listed). The filter
    /// has them as vector constants (``G722QMFHistory/coefficients``), checked against
    /// this list in debug builds.
    static let qmfValues: [Int] = [3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11]
    /// Low-band quantizer decision levels (6-bit, positive half), ×det >> 12. The quantizer
    /// has them as vector constants (``G722Band/quantizerLevels``), checked against this
    /// list in debug builds.
    static let q6Values: [Int] = [
        0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714,
        786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919, 0, 0,
    ]
    /// Low-band code for a negative and a positive difference at each decision interval.
    static let ilnValues: [Int] = [
        0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19,
        18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 0,
    ]
    static let ilpValues: [Int] = [
        0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47,
        46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 0,
    ]
    /// Log scale factor multipliers, low band.
    static let wlValues: [Int] = [-60, -30, 58, 172, 334, 538, 1198, 3042]
    static let rl42Values: [Int] = [0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0]
    /// Inverse logarithmic scale factor table.
    static let ilbValues: [Int] = [
        2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
        2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
    ]
    /// Inverse quantizer outputs: 4-bit (prediction loop), 6-bit (low-band output), 2-bit (high band).
    static let qm4Values: [Int] = [
        0, -20456, -12896, -8968, -6288, -4240, -2584, -1200,
        20456, 12896, 8968, 6288, 4240, 2584, 1200, 0,
    ]
    static let qm6Values: [Int] = [
        -136, -136, -136, -136, -24808, -21904, -19008, -16704,
        -14984, -13512, -12280, -11192, -10232, -9360, -8576, -7856,
        -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576,
        -3168, -2776, -2400, -2032, -1688, -1360, -1040, -728,
        24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192,
        10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456,
        4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032,
        1688, 1360, 1040, 728, 432, 136, -432, -136,
    ]
    static let qm2Values: [Int] = [-7408, -1616, 7408, 1616]
    /// Log scale factor multipliers, high band.
    static let whValues: [Int] = [0, -214, 798]
    static let rh2Values: [Int] = [2, 1, 2, 1]

    /// Upper limits of the log scale factor `nb` (blocks LOGSCL and LOGSCH).
    static let lowScaleLimit = 18432
    static let highScaleLimit = 22528

    /// The derived tables, at fixed offsets in one allocation: the coder loops keep one
    /// pointer in a register for all of them, where a pointer each would not fit.
    private let base: UnsafePointer<Int32>

    /// Low band by 6-bit code (decoder): 6-bit and 4-bit inverse quantizer outputs, and
    /// the log scale factor multiplier of the code's 4-bit core.
    private static let lowQM6Offset = 0, lowQM4Offset = 64, lowWLOffset = 128
    /// Low band by quantizer interval `i` (1...30), plus 32 when the difference is
    /// negative (encoder): the 6-bit code, and the 4-bit output and multiplier of its core.
    private static let intervalCodeOffset = 192, intervalQM4Offset = 256, intervalWLOffset = 320
    /// High band by 2-bit code: inverse quantizer output and log scale factor multiplier.
    private static let highQM2Offset = 384, highWHOffset = 388
    /// Quantizer scale factor `det` by `nb >> 6` (blocks SCALEL and SCALEH): 289 and 353
    /// entries.
    private static let lowDetOffset = 392, highDetOffset = 681
    private static let count = 1034

    @inline(__always) func lowQM6(_ code: Int) -> Int { Int(base[Self.lowQM6Offset &+ code]) }
    @inline(__always) func lowQM4(_ code: Int) -> Int { Int(base[Self.lowQM4Offset &+ code]) }
    @inline(__always) func lowWL(_ code: Int) -> Int { Int(base[Self.lowWLOffset &+ code]) }
    @inline(__always) func intervalCode(_ index: Int) -> Int { Int(base[Self.intervalCodeOffset &+ index]) }
    @inline(__always) func intervalQM4(_ index: Int) -> Int { Int(base[Self.intervalQM4Offset &+ index]) }
    @inline(__always) func intervalWL(_ index: Int) -> Int { Int(base[Self.intervalWLOffset &+ index]) }
    @inline(__always) func highQM2(_ code: Int) -> Int { Int(base[Self.highQM2Offset &+ code]) }
    @inline(__always) func highWH(_ code: Int) -> Int { Int(base[Self.highWHOffset &+ code]) }
    @inline(__always) func lowDet(_ scale: Int) -> Int { Int(base[Self.lowDetOffset &+ scale]) }
    @inline(__always) func highDet(_ scale: Int) -> Int { Int(base[Self.highDetOffset &+ scale]) }

    /// The zero predictor's six taps as a lane mask of eight. It lives here, written at
    /// run time, rather than as a literal where it is used: the compiler, seeing constant
    /// lanes, takes the vectors apart lane by lane (see ``G722Band``'s zero section).
    let zeroTaps = SIMD8<Int16>(-1, -1, -1, -1, -1, -1, 0, 0)

    /// The one copy, built on first use.
    static let shared = G722Tables()

    private init() {
        assert(Self.vectorConstantsMatch(), "G.722 vector constants differ from the standard's tables")
        let lowCodes = (0..<64).map { code in
            (qm6: Self.qm6Values[code], qm4: Self.qm4Values[code >> 2], wl: Self.wlValues[Self.rl42Values[code >> 2]])
        }
        let intervals = (0..<64).map { index in
            let interval = index & 31
            let code = index >= 32 ? Self.ilnValues[interval] : Self.ilpValues[interval]
            return (code: code, qm4: lowCodes[code].qm4, wl: lowCodes[code].wl)
        }
        let all: [(offset: Int, values: [Int])] = [
            (Self.lowQM6Offset, lowCodes.map(\.qm6)),
            (Self.lowQM4Offset, lowCodes.map(\.qm4)),
            (Self.lowWLOffset, lowCodes.map(\.wl)),
            (Self.intervalCodeOffset, intervals.map(\.code)),
            (Self.intervalQM4Offset, intervals.map(\.qm4)),
            (Self.intervalWLOffset, intervals.map(\.wl)),
            (Self.highQM2Offset, Self.qm2Values),
            (Self.highWHOffset, Self.rh2Values.map { Self.whValues[$0] }),
            (Self.lowDetOffset, (0...(Self.lowScaleLimit >> 6)).map { Self.scaleFactor(nb: $0 << 6, bias: 8) }),
            (Self.highDetOffset, (0...(Self.highScaleLimit >> 6)).map { Self.scaleFactor(nb: $0 << 6, bias: 10) }),
        ]
        let storage = UnsafeMutablePointer<Int32>.allocate(capacity: Self.count)
        var next = 0
        for (offset, values) in all {
            precondition(offset == next, "G.722 tables out of place")
            for (index, value) in values.enumerated() {
                (storage + offset + index).initialize(to: Int32(value))
            }
            next = offset + values.count
        }
        precondition(next == Self.count, "G.722 tables out of place")
        base = UnsafePointer(storage)
    }

    /// SCALEL (bias 8) and SCALEH (bias 10): `det` for a log scale factor. Depends on
    /// `nb >> 6` only, which is what the tables are indexed by.
    private static func scaleFactor(nb: Int, bias: Int) -> Int {
        let wd1 = (nb >> 6) & 31
        let wd2 = bias - (nb >> 11)
        let wd3 = wd2 < 0 ? ilbValues[wd1] << -wd2 : ilbValues[wd1] >> wd2
        return wd3 << 2
    }

    /// Whether the vector code's copies of the QMF coefficients and the quantizer levels
    /// are the tables above.
    private static func vectorConstantsMatch() -> Bool {
        func lanes<Scalar>(_ v: SIMD8<Scalar>) -> [Scalar] { (0..<8).map { v[$0] } }
        let levels = G722Band.quantizerLevels
        let levelLanes = [levels.0, levels.1, levels.2, levels.3].flatMap { lanes($0) }.map(Int.init)
        let expectedLevels = q6Values[1...29].map { $0 * 16 } + [46705, 46706, 46707]
        let taps = G722QMFHistory.coefficients
        let alternating = G722QMFHistory.alternatingCoefficients
        let tapLanes = [taps.0, taps.1, taps.2].flatMap { lanes($0) }.map(Int.init)
        let alternatingLanes = [alternating.0, alternating.1, alternating.2].flatMap { lanes($0) }.map(Int.init)
        let expectedTaps = (0..<12).flatMap { [qmfValues[$0], qmfValues[11 - $0]] }
        let expectedAlternating = (0..<12).flatMap { [-qmfValues[$0], qmfValues[11 - $0]] }
        return levelLanes == expectedLevels && tapLanes == expectedTaps && alternatingLanes == expectedAlternating
    }
}
