/// The state of one G.722 sub-band ADPCM coder (ITU-T G.722 section 3 and 4), shared by
/// the encoder and decoder.
///
/// The structure follows the classic public-domain reference implementation (CMU, later
/// carried by spandsp and most open-source telephony stacks): block numbers in comments
/// name the blocks of the ITU-T description. All state is plain integers and small
/// vectors, so a band is a value that copies without allocating and the per-sample code
/// needs no array bounds or uniqueness checks.
///
/// The arithmetic is the reference's, bit for bit, with what its value ranges make
/// redundant left out (`G722GoldenTests` hold the output to hashes recorded from the
/// straightforward implementation):
/// - `det` never exceeds 16384 (`nb` ≤ 18432 low, ≤ 22528 high), so a quantized difference
///   `d` stays within ±10228 and `saturate(d + d)` is `2d`: the zero predictor multiplies
///   `d` and shifts by 14 instead of doubling it and shifting by 15.
/// - The partially reconstructed signal `p` is only ever used for its sign, which
///   saturation keeps: the state holds the signs.
/// - The reconstructed signal `r` is only ever used doubled and saturated: the state holds
///   `saturate(2r)`, and `saturate(2 × saturate(s + d))` is `saturate(2(s + d))`.
/// - `|a1|` ≤ 27648 and `|a2|` ≤ 12288, so UPPOL1 cannot leave 16 bits. The zero
///   predictor's leak keeps every `b` within 16 bits without saturation: 32767 × 32640 >> 15
///   is 32639 and -32768 × 32640 >> 15 is -32640, so ±128 stays within -32768...32767.
///   The six b and d are therefore 16-bit lanes of a vector each.
/// None of the sums can overflow their type, so the code uses wrapping operators.
struct G722Band: Sendable, Hashable {
    /// Signal estimate (predictor output).
    var s = 0
    /// Zero-section predictor output.
    var sz = 0
    /// Signs (0 or -1) of the partially reconstructed signal p[1], p[2].
    var p1Sign = 0, p2Sign = 0
    /// Reconstructed signal history r[1], r[2], each doubled and saturated.
    var r1Doubled = 0, r2Doubled = 0
    /// Pole predictor coefficients a[1], a[2].
    var a1 = 0, a2 = 0
    /// Zero predictor coefficients b[1...6] in lanes 0...5 (lanes 6 and 7 stay 0).
    var zeroCoefficients = SIMD8<Int16>()
    /// Quantized difference signal history d[1...6] in lanes 0...5 (lanes 6 and 7 stay 0).
    var differences = SIMD8<Int16>()
    /// Log scale factor.
    var nb = 0
    /// Quantizer scale factor.
    var det: Int

    init(det: Int) {
        self.det = det
    }

    @inline(__always)
    static func saturate(_ value: Int) -> Int {
        min(max(value, -32768), 32767)
    }

    @inline(__always)
    static func clamp(_ value: Int, _ lower: Int, _ upper: Int) -> Int {
        min(max(value, lower), upper)
    }

    /// Block 4: reconstruction, pole and zero predictor adaptation, prediction.
    ///
    /// Sign tests select with masks rather than branches, which keeps this function small
    /// in the optimizer's eyes (fewer than 64 basic blocks): `@inline(__always)` is only
    /// honoured for such functions once the caller is large, and the coder loops must
    /// have this inlined.
    @inline(__always)
    mutating func block4(_ d: Int, _ tables: G722Tables) {
        // RECONS (doubled, as FILTEP uses it) and the sign of PARREC's p = saturate(sz + d).
        let r0Doubled = Self.saturate((s &+ d) &<< 1)
        let p0Sign = (sz &+ d) >> 63
        // 0 where the signs of p[0] and p[1] agree, -1 where they differ.
        let differ1 = p0Sign ^ p1Sign
        let differ2 = p0Sign ^ p2Sign

        // UPPOL2. The reference negates saturate(a1 << 2) where the signs agree and then
        // limits it to 32767; clamping to ±32767 first gives the same value >> 7.
        let wd1 = Self.clamp(a1 &<< 2, -32767, 32767)
        let wd2 = (wd1 ^ ~differ1) &- ~differ1
        var ap2 = (wd2 >> 7) &+ (128 &+ (differ2 & -256)) &+ ((a2 &* 32512) >> 15)
        ap2 = Self.clamp(ap2, -12288, 12288)

        // UPPOL1.
        let limit = 15360 &- ap2
        let ap1 = Self.clamp((192 &+ (differ1 & -384)) &+ ((a1 &* 32640) >> 15), 0 &- limit, limit)

        // UPZERO and FILTEZ, the six taps at once.
        zeroSection(d, taps: tables.zeroTaps)

        // FILTEP on the delayed reconstruction (r[1] is now r, r[2] the old r[1]).
        let pole = ((ap1 &* r0Doubled) >> 15) &+ ((ap2 &* r1Doubled) >> 15)

        // PREDIC.
        s = Self.saturate(Self.saturate(pole) &+ sz)

        // DELAYA (the zero section delays its own).
        r2Doubled = r1Doubled
        r1Doubled = r0Doubled
        p2Sign = p1Sign
        p1Sign = p0Sign
        a1 = ap1
        a2 = ap2
    }

    /// UPZERO: sign-sign adaptation of the zero predictor (±128 by whether d[i] has the
    /// sign of d, nothing when d is 0) with leak 32640/32768; DELAYA of b and d; FILTEZ on
    /// the delayed differences (d[1] is now d): sz = Σ b[i] × saturate(2d[i]) >> 15.
    ///
    /// Every b and d fits 16 bits (see the type's note), so the taps are lanes of a vector
    /// each, and each product b × d (within 32 bits) is shifted on its own, as in the
    /// reference. `taps` keeps lanes 6 and 7 at 0; it comes from memory because the
    /// compiler, seeing constant lanes, would take the vectors apart lane by lane.
    @inline(__always)
    private mutating func zeroSection(_ difference: Int, taps: SIMD8<Int16>) {
        let new = Int16(truncatingIfNeeded: difference)
        let step = Int16(truncatingIfNeeded: ((difference | (0 &- difference)) >> 63) & 128)
        let b = zeroCoefficients
        let old = differences
        // 0 where d[i] and d have the same sign, -1 where they differ.
        let differ = (old ^ SIMD8(repeating: new)) &>> 15
        // b × 32640 >> 15 without a multiply: b - ceil(b / 256), that is b - (b >> 8) - 1,
        // plus 1 where b is a multiple of 256 (its low byte less one is negative).
        let leaked = b &- (b &>> 8) &- 1 &- (((b & 255) &- 1) &>> 15)
        let updated = (leaked &+ ((SIMD8(repeating: step) ^ differ) &- differ)) & taps
        let delayed = SIMD8<Int16>(new, old[0], old[1], old[2], old[3], old[4], old[5], old[6]) & taps
        zeroCoefficients = updated
        differences = delayed
        // b × saturate(2d) >> 15 is b × d >> 14 (|d| ≤ 10228).
        let products = G722Vector.widen(updated) &* G722Vector.widen(delayed)
        sz = Self.saturate(Int(G722Vector.sum(products &>> 14)))
    }

    /// Blocks 3L and 3H: LOGSCL/LOGSCH and SCALEL/SCALEH, scale factor adaptation from the
    /// code's log multiplier `w`.
    @inline(__always)
    mutating func adaptLow(_ w: Int, _ tables: G722Tables) {
        nb = Self.clamp(((nb &* 127) >> 7) &+ w, 0, G722Tables.lowScaleLimit)
        det = tables.lowDet(nb >> 6)
    }

    @inline(__always)
    mutating func adaptHigh(_ w: Int, _ tables: G722Tables) {
        nb = Self.clamp(((nb &* 127) >> 7) &+ w, 0, G722Tables.highScaleLimit)
        det = tables.highDet(nb >> 6)
    }

    /// The low-band quantizer's decision levels for ``lowInterval(_:)``: q6[1...29] × 16
    /// as unsigned 16-bit lanes (the high half of (q6 × 16) × det is q6 × det >> 12, for
    /// det ≤ 16384), then three lanes at or above the last level. Those three count only
    /// when all 29 do, where the interval is 30 anyway; they are distinct because the
    /// compiler takes vectors with repeated or trivial lanes apart.
    @inline(__always)
    static var quantizerLevels: (SIMD8<UInt16>, SIMD8<UInt16>, SIMD8<UInt16>, SIMD8<UInt16>) {
        (
            SIMD8(560, 1152, 1760, 2400, 3040, 3728, 4416, 5168),
            SIMD8(5920, 6752, 7568, 8480, 9392, 10400, 11424, 12576),
            SIMD8(13728, 15040, 16368, 17936, 19504, 21424, 23328, 25792),
            SIMD8(28240, 31680, 35120, 40912, 46704, 46705, 46706, 46707)
        )
    }

    /// QUANTL's search: the decision interval (1...30) of the magnitude `wd` (0...32767)
    /// of a low-band difference, that is 1 + the number of levels `q6[i] × det >> 12`
    /// (i = 1...29) at or below `wd`. The levels rise with `i`, so counting them all
    /// gives the reference's linear search without its data-dependent branches.
    @inline(__always)
    func lowInterval(_ wd: Int) -> Int {
        let levels = Self.quantizerLevels
        let scale = UInt16(truncatingIfNeeded: det)
        let magnitude = SIMD8<Int16>(repeating: Int16(truncatingIfNeeded: wd))
        @inline(__always) func above(_ levels: SIMD8<UInt16>) -> SIMD8<Int16> {
            let level = unsafeBitCast(G722Vector.highProduct(levels, scale), to: SIMD8<Int16>.self)
            // -1 where the level is above `wd`, else 0 (no overflow: levels ≤ 11676).
            return (magnitude &- level) &>> 15
        }
        // Each lane counts (negated) the levels above `wd`, at most 4 per lane; the lanes'
        // sum, by 64-bit words, is the count of all 32.
        let above = above(levels.0) &+ above(levels.1) &+ above(levels.2) &+ above(levels.3)
        let count = unsafeBitCast(0 &- above, to: SIMD2<UInt64>.self)
        let pairs = count[0] &+ count[1]
        let atOrBelow = 32 &- Int(truncatingIfNeeded: (pairs &* 0x0001_0001_0001_0001) >> 48)
        return min(atOrBelow &+ 1, 30)
    }
}
