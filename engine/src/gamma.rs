//! Continuous samplers with `libm` maths: standard normal, Gamma, Beta.
//!
//! Deal values: the sum of c Gamma(α, θ) deals is exactly Gamma(c·α, θ), so a
//! trial draws one Gamma per segment, never one per customer.

use crate::rng::Xoshiro256pp;

/// A standard normal draw (Marsaglia's polar method; the second value of
/// the pair is dropped so that a stream's position depends only on how many
/// draws were made).
#[inline]
pub fn standard_normal(rng: &mut Xoshiro256pp) -> f64 {
    loop {
        let u = 2.0 * rng.uniform() - 1.0;
        let v = 2.0 * rng.uniform() - 1.0;
        let s = u * u + v * v;
        if s < 1.0 && s > 0.0 {
            return u * libm::sqrt(-2.0 * libm::log(s) / s);
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
        return g * libm::exp(libm::log(u) / shape);
    }
    gamma_ge1(shape, rng)
}

#[inline]
fn gamma_ge1(shape: f64, rng: &mut Xoshiro256pp) -> f64 {
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / libm::sqrt(9.0 * d);
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
        if libm::log(u) < 0.5 * z2 + d * (1.0 - v + libm::log(v)) {
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
