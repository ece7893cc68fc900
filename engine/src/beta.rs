//! Beta draws as a ratio of Gammas (uncertain rates, and the Gamma–Beta
//! split of a revenue sum between the customers a scenario shares with the
//! baseline and those it does not).

use crate::gamma::{gamma, gamma_with, GammaShape};
use crate::rng::{Uniforms, Xoshiro256PlusPlus};

/// A Beta(a, b) draw as X/(X+Y) with independent Gammas; a, b > 0.
#[inline]
pub fn beta(a: f64, b: f64, rng: &mut Xoshiro256PlusPlus) -> f64 {
    beta_parts(a, b, rng).0
}

/// A Beta(a, b) draw B and 1 − B, each computed as its own ratio X/(X+Y),
/// Y/(X+Y) (so a share close to 1 does not lose the other's digits to
/// cancellation); a, b > 0.
#[inline]
pub fn beta_parts(a: f64, b: f64, rng: &mut Xoshiro256PlusPlus) -> (f64, f64) {
    let x = gamma(a, rng);
    let y = gamma(b, rng);
    if x + y > 0.0 {
        (x / (x + y), y / (x + y))
    } else {
        // Both shapes tiny and both draws underflowed: fall back on the
        // limiting two-point law P(1) = a/(a+b).
        if rng.uniform() * (a + b) < a {
            (1.0, 0.0)
        } else {
            (0.0, 1.0)
        }
    }
}

/// A Beta(a, b) rate's sampler with both Gamma constants prepared (a, b ≥ 1,
/// as every evidence rate and most fitted ranges): the same numbers as
/// [`beta`], without recomputing the constants (a square root and a
/// division each) on every draw.
#[derive(Clone, Copy)]
pub(crate) struct BetaShapes {
    a: GammaShape,
    b: GammaShape,
}

impl BetaShapes {
    /// `None` when a shape is below 1 (then [`beta`] draws it).
    pub(crate) fn new(a: f64, b: f64) -> Option<Self> {
        (a >= 1.0 && b >= 1.0).then(|| Self {
            a: GammaShape::new(a),
            b: GammaShape::new(b),
        })
    }

    #[inline(always)]
    pub(crate) fn draw(&self, rng: &mut Xoshiro256PlusPlus) -> f64 {
        let x = gamma_with(&self.a, rng);
        let y = gamma_with(&self.b, rng);
        // Both ≥ 1: each draw is d·v > 0, so x + y > 0 (as in `beta_parts`).
        x / (x + y)
    }
}
