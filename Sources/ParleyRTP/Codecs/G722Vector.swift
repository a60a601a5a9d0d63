/// Lane conversions and reductions for the G.722 vector code, written lane by lane.
///
/// The standard library's `SIMD8(truncatingIfNeeded:)` and `wrappedSum()` are generic loops
/// that rely on the optimizer to specialize, inline and unroll them before the code
/// generator can see a vector sign extension or a horizontal add; whether it does depends
/// on everything else in the module (another file's use of the same specialization was
/// enough to turn the QMF's 16-bit multiply-adds into emulated 32-bit multiplies). Lane
/// subscripts and the lane-list initializers are always inlined, so these spell the
/// operations out of those, and the code generator reliably recognizes the patterns
/// (`pmaddwd` for a sign-extended multiply-add, `pmulhuw` for a high product).
enum G722Vector {
    /// Sign-extends eight 16-bit lanes.
    @inline(__always)
    static func widen(_ v: SIMD8<Int16>) -> SIMD8<Int32> {
        SIMD8(
            Int32(truncatingIfNeeded: v[0]), Int32(truncatingIfNeeded: v[1]),
            Int32(truncatingIfNeeded: v[2]), Int32(truncatingIfNeeded: v[3]),
            Int32(truncatingIfNeeded: v[4]), Int32(truncatingIfNeeded: v[5]),
            Int32(truncatingIfNeeded: v[6]), Int32(truncatingIfNeeded: v[7])
        )
    }

    /// The sum of eight 32-bit lanes (wrapping, as the callers' sums cannot overflow), by
    /// halves, so that each step stays a vector addition.
    @inline(__always)
    static func sum(_ v: SIMD8<Int32>) -> Int32 {
        let halves = unsafeBitCast(v, to: (SIMD4<Int32>, SIMD4<Int32>).self)
        let quarters = unsafeBitCast(halves.0 &+ halves.1, to: (SIMD2<Int32>, SIMD2<Int32>).self)
        let pair = quarters.0 &+ quarters.1
        return pair[0] &+ pair[1]
    }

    /// The high 16 bits of each unsigned product `v × scale`.
    @inline(__always)
    static func highProduct(_ v: SIMD8<UInt16>, _ scale: UInt16) -> SIMD8<UInt16> {
        let wide = SIMD8<UInt32>(
            UInt32(v[0]), UInt32(v[1]), UInt32(v[2]), UInt32(v[3]),
            UInt32(v[4]), UInt32(v[5]), UInt32(v[6]), UInt32(v[7])
        )
        let high = (wide &* SIMD8(repeating: UInt32(scale))) &>> 16
        return SIMD8(
            UInt16(truncatingIfNeeded: high[0]), UInt16(truncatingIfNeeded: high[1]),
            UInt16(truncatingIfNeeded: high[2]), UInt16(truncatingIfNeeded: high[3]),
            UInt16(truncatingIfNeeded: high[4]), UInt16(truncatingIfNeeded: high[5]),
            UInt16(truncatingIfNeeded: high[6]), UInt16(truncatingIfNeeded: high[7])
        )
    }

    /// Sums of adjacent lanes: `(v[0] + v[1], v[2] + v[3], ...)`; with `v` a product of
    /// sign-extended 16-bit lanes, one `pmaddwd`.
    @inline(__always)
    static func pairSums(_ v: SIMD8<Int32>) -> SIMD4<Int32> {
        SIMD4(v[0] &+ v[1], v[2] &+ v[3], v[4] &+ v[5], v[6] &+ v[7])
    }
}
