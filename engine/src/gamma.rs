//! Continuous samplers with `libm` maths: standard normal, Gamma, Beta.
//!
//! Deal values: the sum of c Gamma(α, θ) deals is exactly Gamma(c·α, θ), so a
//! trial draws one Gamma per segment, never one per customer.

use crate::fmath::{exp, ln};
use crate::rng::Xoshiro256pp;

/// A standard normal draw: the ziggurat of Marsaglia & Tsang with rand_distr's
/// tables (one `u64` per draw in ~99 % of cases), `ln`/`exp` from [`crate::fmath`].
#[inline]
pub fn standard_normal(rng: &mut Xoshiro256pp) -> f64 {
    use crate::ziggurat_tables::{ZIG_NORM_F, ZIG_NORM_R, ZIG_NORM_X};
    loop {
        let bits = rng.next_u64();
        let i = bits as usize & 0xff;
        // 52 bits as a float in [2, 4), minus 3: [-1, 1).
        let u = f64::from_bits((bits >> 12) | 0x4000_0000_0000_0000) - 3.0;
        let x = u * ZIG_NORM_X[i];
        if x.abs() < ZIG_NORM_X[i + 1] {
            return x;
        }
        if i == 0 {
            // The tail beyond R (Marsaglia 1964).
            let mut x = 1.0f64;
            let mut y = 0.0f64;
            while -2.0 * y < x * x {
                x = ln(rng.open01()) / ZIG_NORM_R;
                y = ln(rng.open01());
            }
            return if u < 0.0 {
                x - ZIG_NORM_R
            } else {
                ZIG_NORM_R - x
            };
        }
        if ZIG_NORM_F[i + 1] + (ZIG_NORM_F[i] - ZIG_NORM_F[i + 1]) * rng.uniform()
            < exp(-x * x / 2.0)
        {
            return x;
        }
    }
}

/// A Gamma(shape, 1) draw, shape > 0 (Marsaglia & Tsang 2000; shape < 1 by
/// Gamma(shape + 1)·U^(1/shape)). Returns 0 for shape ≤ 0 (an empty sum).
#[inline]
pub fn gamma(shape: f64, rng: &mut Xoshiro256pp) -> f64 {
    if shape <= 0.0 {
        return 0.0;
    }
    if shape < 1.0 {
        let g = gamma_ge1(shape + 1.0, rng);
        let u = rng.open01();
        return g * exp(ln(u) / shape);
    }
    gamma_ge1(shape, rng)
}

#[inline]
fn gamma_ge1(shape: f64, rng: &mut Xoshiro256pp) -> f64 {
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let z = standard_normal(rng);
        let v = 1.0 + c * z;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = rng.open01();
        let z2 = z * z;
        if u < 1.0 - 0.0331 * z2 * z2 {
            return d * v;
        }
        if ln(u) < 0.5 * z2 + d * (1.0 - v + ln(v)) {
            return d * v;
        }
    }
}

/// A Beta(a, b) draw as X/(X+Y) with independent Gammas; a, b > 0.
#[inline]
pub fn beta(a: f64, b: f64, rng: &mut Xoshiro256pp) -> f64 {
    let x = gamma(a, rng);
    let y = gamma(b, rng);
    if x + y > 0.0 {
        x / (x + y)
    } else {
        // Both shapes tiny and both draws underflowed: fall back on the
        // limiting two-point law P(1) = a/(a+b).
        if rng.uniform() * (a + b) < a {
            1.0
        } else {
            0.0
        }
    }
}
