/// The constant tables of ITU-T G.722, laid out once in memory that is never freed, and
/// handed to the per-sample code as plain pointers: the inner loops then pay neither the
/// lazy-global check nor array bounds checks. Every index into them is masked or clamped
/// to the table's size by construction (6-bit, 4-bit and 2-bit codes, `nb >> 6 & 31`).
struct G722Tables: @unchecked Sendable {
    // @unchecked: the pointers address immutable memory written once in `init`.

    /// Transmit and receive QMF coefficients (24 taps, symmetric: 12 listed).
    static let qmfValues: [Int] = [3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11]
    /// Low-band quantizer decision levels (6-bit, positive half), ×det >> 12.
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
    /// High-band code for a negative and a positive difference, by magnitude interval.
    static let ihnValues: [Int] = [0, 1, 0]
    static let ihpValues: [Int] = [0, 3, 2]
    /// Log scale factor multipliers, high band.
    static let whValues: [Int] = [0, -214, 798]
    static let rh2Values: [Int] = [2, 1, 2, 1]

    let qmf, q6, iln, ilp, wl, rl42, ilb, qm4, qm6, qm2, ihn, ihp, wh, rh2: UnsafePointer<Int>

    /// The one copy, built on first use.
    static let shared = G722Tables()

    private init() {
        let all = [
            Self.qmfValues, Self.q6Values, Self.ilnValues, Self.ilpValues, Self.wlValues, Self.rl42Values,
            Self.ilbValues, Self.qm4Values, Self.qm6Values, Self.qm2Values, Self.ihnValues, Self.ihpValues,
            Self.whValues, Self.rh2Values,
        ]
        let storage = UnsafeMutablePointer<Int>.allocate(capacity: all.reduce(0) { $0 + $1.count })
        var offset = 0
        var pointers: [UnsafePointer<Int>] = []
        for table in all {
            (storage + offset).initialize(from: table, count: table.count)
            pointers.append(UnsafePointer(storage + offset))
            offset += table.count
        }
        qmf = pointers[0]
        q6 = pointers[1]
        iln = pointers[2]
        ilp = pointers[3]
        wl = pointers[4]
        rl42 = pointers[5]
        ilb = pointers[6]
        qm4 = pointers[7]
        qm6 = pointers[8]
        qm2 = pointers[9]
        ihn = pointers[10]
        ihp = pointers[11]
        wh = pointers[12]
        rh2 = pointers[13]
    }
}
