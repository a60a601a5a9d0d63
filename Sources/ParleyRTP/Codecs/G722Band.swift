/// The state of one G.722 sub-band ADPCM coder (ITU-T G.722 section 3 and 4), shared by
/// the encoder and decoder, with the quantizer and adaptation tables of the standard.
///
/// The structure follows the classic public-domain reference implementation (CMU, later
/// carried by spandsp and most open-source telephony stacks): block numbers in comments
/// name the blocks of the ITU-T description. All state is plain integer fields, so a band
/// is a small value that copies without allocating and the per-sample code needs no array
/// bounds or uniqueness checks.
struct G722Band: Sendable, Hashable {
    /// Signal estimate (predictor output).
    var s = 0
    /// Pole-section and zero-section predictor outputs.
    var sp = 0
    var sz = 0
    /// Reconstructed signal history r[0...2].
    var r0 = 0, r1 = 0, r2 = 0
    /// Pole predictor coefficients a[1], a[2].
    var a1 = 0, a2 = 0
    /// Zero predictor coefficients b[1...6].
    var b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0
    /// Quantized difference signal history d[0...6].
    var d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0, d5 = 0, d6 = 0
    /// Partially reconstructed signal history p[0...2].
    var p0 = 0, p1 = 0, p2 = 0
    /// Log scale factor.
    var nb = 0
    /// Quantizer scale factor.
    var det: Int

    init(det: Int) {
        self.det = det
    }

    @inline(__always)
    static func saturate(_ value: Int) -> Int {
        value > 32767 ? 32767 : (value < -32768 ? -32768 : value)
    }

    /// Block 4: reconstruction, pole and zero predictor adaptation, prediction.
    @inline(__always)
    mutating func block4(_ d: Int) {
        // RECONS and PARREC.
        d0 = d
        r0 = Self.saturate(s + d)
        p0 = Self.saturate(sz + d)

        // UPPOL2.
        let sg0 = p0 >> 15
        let sg1 = p1 >> 15
        let sg2 = p2 >> 15
        var wd1 = Self.saturate(a1 << 2)
        var wd2 = sg0 == sg1 ? -wd1 : wd1
        if wd2 > 32767 { wd2 = 32767 }
        var wd3 = (wd2 >> 7) + (sg0 == sg2 ? 128 : -128)
        wd3 += (a2 * 32512) >> 15
        if wd3 > 12288 {
            wd3 = 12288
        } else if wd3 < -12288 {
            wd3 = -12288
        }
        let ap2 = wd3

        // UPPOL1.
        wd1 = sg0 == sg1 ? 192 : -192
        wd2 = (a1 * 32640) >> 15
        var ap1 = Self.saturate(wd1 + wd2)
        wd3 = Self.saturate(15360 - ap2)
        if ap1 > wd3 {
            ap1 = wd3
        } else if ap1 < -wd3 {
            ap1 = -wd3
        }

        // UPZERO: sign-sign adaptation of the zero predictor, leak 32640/32768.
        let step = d == 0 ? 0 : 128
        let sgd = d >> 15
        @inline(__always) func update(_ b: Int, _ di: Int) -> Int {
            Self.saturate(((di >> 15) == sgd ? step : -step) + ((b * 32640) >> 15))
        }
        let bp1 = update(b1, d1)
        let bp2 = update(b2, d2)
        let bp3 = update(b3, d3)
        let bp4 = update(b4, d4)
        let bp5 = update(b5, d5)
        let bp6 = update(b6, d6)

        // DELAYA.
        d6 = d5
        d5 = d4
        d4 = d3
        d3 = d2
        d2 = d1
        d1 = d0
        b1 = bp1
        b2 = bp2
        b3 = bp3
        b4 = bp4
        b5 = bp5
        b6 = bp6
        r2 = r1
        r1 = r0
        p2 = p1
        p1 = p0
        a1 = ap1
        a2 = ap2

        // FILTEP.
        let pole1 = (a1 * Self.saturate(r1 + r1)) >> 15
        let pole2 = (a2 * Self.saturate(r2 + r2)) >> 15
        sp = Self.saturate(pole1 + pole2)

        // FILTEZ.
        var zero = (b1 * Self.saturate(d1 + d1)) >> 15
        zero += (b2 * Self.saturate(d2 + d2)) >> 15
        zero += (b3 * Self.saturate(d3 + d3)) >> 15
        zero += (b4 * Self.saturate(d4 + d4)) >> 15
        zero += (b5 * Self.saturate(d5 + d5)) >> 15
        zero += (b6 * Self.saturate(d6 + d6)) >> 15
        sz = Self.saturate(zero)

        // PREDIC.
        s = Self.saturate(sp + sz)
    }

    /// Blocks 3L: LOGSCL and SCALEL, low-band scale factor adaptation from the 4-bit code
    /// index `ril` (the six-bit code shifted right by two).
    @inline(__always)
    mutating func adaptLow(_ ril: Int, _ tables: G722Tables) {
        var wd = (nb * 127) >> 7
        wd += tables.wl[tables.rl42[ril & 15]]
        nb = wd < 0 ? 0 : (wd > 18432 ? 18432 : wd)
        let wd1 = (nb >> 6) & 31
        let wd2 = 8 - (nb >> 11)
        let wd3 = wd2 < 0 ? tables.ilb[wd1] << -wd2 : tables.ilb[wd1] >> wd2
        det = wd3 << 2
    }

    /// Blocks 3H: LOGSCH and SCALEH, high-band scale factor adaptation from the 2-bit code.
    @inline(__always)
    mutating func adaptHigh(_ ihigh: Int, _ tables: G722Tables) {
        var wd = (nb * 127) >> 7
        wd += tables.wh[tables.rh2[ihigh & 3]]
        nb = wd < 0 ? 0 : (wd > 22528 ? 22528 : wd)
        let wd1 = (nb >> 6) & 31
        let wd2 = 10 - (nb >> 11)
        let wd3 = wd2 < 0 ? tables.ilb[wd1] << -wd2 : tables.ilb[wd1] >> wd2
        det = wd3 << 2
    }
}
