//! Beta draws as a ratio of Gammas (uncertain rates, and the Gamma–Beta
//! split of a revenue sum between the customers a scenario shares with the
//! baseline and those it does not).

use crate::gamma::gamma;
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
