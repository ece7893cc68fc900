//! Beta draws as a ratio of Gammas (uncertain rates, and the Gamma–Beta
//! split of a scenario's revenue with fewer customers than the baseline).

use crate::gamma::gamma;
use crate::rng::{Uniforms, Xoshiro256PlusPlus};

/// A Beta(a, b) draw as X/(X+Y) with independent Gammas; a, b > 0.
#[inline]
pub fn beta(a: f64, b: f64, rng: &mut Xoshiro256PlusPlus) -> f64 {
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
