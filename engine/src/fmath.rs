//! `ln` and `exp` for the hot loops: the FreeBSD/musl algorithms exactly as in
//! the `libm` crate (0.2.16), copied here so that they are compiled with the
//! engine's own optimisation level (a workspace may build dependencies with
//! `opt-level = "z"`, which made `libm::log` 4× slower) and stay
//! bit-identical on every target: they use only IEEE-754 basic operations.
//!
//! Origin: FreeBSD /usr/src/lib/msun/src/e_log.c and e_exp.c.
//! Copyright (C) 1993, 2004 by Sun Microsystems, Inc. All rights reserved.
//! Permission to use, copy, modify, and distribute this software is freely
//! granted, provided that this notice is preserved.

// The constants are written as in the original sources.
#![allow(
    clippy::excessive_precision,
    clippy::unreadable_literal,
    clippy::eq_op,
    clippy::approx_constant
)]

const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-01;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
const LG1: f64 = 6.666_666_666_666_735_130e-01;
const LG2: f64 = 3.999_999_999_940_941_908e-01;
const LG3: f64 = 2.857_142_874_366_239_149e-01;
const LG4: f64 = 2.222_219_843_214_978_396e-01;
const LG5: f64 = 1.818_357_216_161_805_012e-01;
const LG6: f64 = 1.531_383_769_920_937_332e-01;
const LG7: f64 = 1.479_819_860_511_658_591e-01;

/// Natural logarithm (error < 1 ulp), bit-identical to `libm::log`.
#[inline]
pub fn ln(mut x: f64) -> f64 {
    let x1p54 = f64::from_bits(0x4350_0000_0000_0000);
    let mut ui = x.to_bits();
    let mut hx: u32 = (ui >> 32) as u32;
    let mut k: i32 = 0;
    if (hx < 0x0010_0000) || ((hx >> 31) != 0) {
        if ui << 1 == 0 {
            return -1. / (x * x);
        }
        if hx >> 31 != 0 {
            return (x - x) / 0.0;
        }
        k -= 54;
        x *= x1p54;
        ui = x.to_bits();
        hx = (ui >> 32) as u32;
    } else if hx >= 0x7ff0_0000 {
        return x;
    } else if hx == 0x3ff0_0000 && ui << 32 == 0 {
        return 0.;
    }
    hx += 0x3ff0_0000 - 0x3fe6_a09e;
    k += ((hx >> 20) as i32) - 0x3ff;
    hx = (hx & 0x000f_ffff) + 0x3fe6_a09e;
    ui = ((hx as u64) << 32) | (ui & 0xffff_ffff);
    x = f64::from_bits(ui);
    let f: f64 = x - 1.0;
    let hfsq: f64 = 0.5 * f * f;
    let s: f64 = f / (2.0 + f);
    let z: f64 = s * s;
    let w: f64 = z * z;
    let t1: f64 = w * (LG2 + w * (LG4 + w * LG6));
    let t2: f64 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r: f64 = t2 + t1;
    let dk: f64 = k as f64;
    s * (hfsq + r) + dk * LN2_LO - hfsq + f + dk * LN2_HI
}

const HALF: [f64; 2] = [0.5, -0.5];
const LN2HI: f64 = 6.931_471_803_691_238_164_90e-01;
const LN2LO: f64 = 1.908_214_929_270_587_700_02e-10;
const INVLN2: f64 = 1.442_695_040_888_963_387_00e+00;
const P1: f64 = 1.666_666_666_666_660_190_37e-01;
const P2: f64 = -2.777_777_777_701_559_338_42e-03;
const P3: f64 = 6.613_756_321_437_934_361_17e-05;
const P4: f64 = -1.653_390_220_546_525_153_90e-06;
const P5: f64 = 4.138_136_797_057_238_460_39e-08;

/// x · 2^n (musl's scalbn).
#[inline]
fn scalbn(mut x: f64, mut n: i32) -> f64 {
    let x1p1023 = f64::from_bits(0x7fe0_0000_0000_0000);
    let x1p53 = f64::from_bits(0x4340_0000_0000_0000);
    let x1p_1022 = f64::from_bits(0x0010_0000_0000_0000);
    if n > 1023 {
        x *= x1p1023;
        n -= 1023;
        if n > 1023 {
            x *= x1p1023;
            n -= 1023;
            if n > 1023 {
                n = 1023;
            }
        }
    } else if n < -1022 {
        x *= x1p_1022 * x1p53;
        n += 1022 - 53;
        if n < -1022 {
            x *= x1p_1022 * x1p53;
            n += 1022 - 53;
            if n < -1022 {
                n = -1022;
            }
        }
    }
    x * f64::from_bits(((0x3ff + n) as u64) << 52)
}

/// e^x (error < 1 ulp).
#[inline]
pub fn exp(mut x: f64) -> f64 {
    let x1p1023 = f64::from_bits(0x7fe0_0000_0000_0000);
    let hi: f64;
    let lo: f64;
    let k: i32;
    let mut hx: u32 = (x.to_bits() >> 32) as u32;
    let sign = (hx >> 31) as i32;
    hx &= 0x7fff_ffff;
    if hx >= 0x4086_232b {
        if x.is_nan() {
            return x;
        }
        if x > 709.782_712_893_383_973_096 {
            x *= x1p1023;
            return x;
        }
        if x < -745.133_219_101_941_108_42 {
            return 0.;
        }
    }
    if hx > 0x3fd6_2e42 {
        if hx >= 0x3ff0_a2b2 {
            k = (INVLN2 * x + HALF[sign as usize]) as i32;
        } else {
            k = 1 - sign - sign;
        }
        hi = x - k as f64 * LN2HI;
        lo = k as f64 * LN2LO;
        x = hi - lo;
    } else if hx > 0x3e30_0000 {
        k = 0;
        hi = x;
        lo = 0.;
    } else {
        return 1. + x;
    }
    let xx = x * x;
    let c = x - xx * (P1 + xx * (P2 + xx * (P3 + xx * (P4 + xx * P5))));
    let y = 1. + (x * c / (2. - c) - lo + hi);
    if k == 0 {
        y
    } else {
        scalbn(y, k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_libm_bit_for_bit() {
        let mut x = 1e-300f64;
        while x < 1e300 {
            assert_eq!(ln(x).to_bits(), libm::log(x).to_bits(), "ln {x}");
            x *= 1.37;
        }
        let mut x = -740.0f64;
        while x < 709.0 {
            assert_eq!(exp(x).to_bits(), libm::exp(x).to_bits(), "exp {x}");
            x += 0.0137;
        }
    }
}
