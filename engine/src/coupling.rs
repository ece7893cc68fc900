//! The "same people" coupling of a scenario to the baseline in one trial
//! (README.md, "General path" and "Revenue coupling"): a scenario's count at
//! a stage reuses the baseline's conversions of the people both have, and its
//! revenue reuses the baseline's Gamma sum, so each scenario's law is exact
//! and an improving lever never lowers a trial's customers or revenue.

use crate::beta::beta;
use crate::binomial::binomial;
use crate::deal::DealValue;
use crate::gamma::gamma;
use crate::hypergeometric::hypergeometric;
use crate::rng::Xoshiro256PlusPlus;

#[inline]
pub(crate) fn baseline_revenue(c: u64, deal: &DealValue, rng: &mut Xoshiro256PlusPlus) -> f64 {
    if c == 0 {
        0.0
    } else if deal.scale() == 0.0 || !deal.shape().is_finite() {
        c as f64 * deal.mean()
    } else {
        deal.scale() * gamma(c as f64 * deal.shape(), rng)
    }
}

/// [`baseline_revenue`] out of line, with the generator by value (a hot
/// loop's generator then never has its address taken).
#[inline(never)]
pub(crate) fn baseline_revenue_by_value(
    c: u64,
    deal: &DealValue,
    mut rng: Xoshiro256PlusPlus,
) -> (f64, Xoshiro256PlusPlus) {
    let g = baseline_revenue(c, deal, &mut rng);
    (g, rng)
}

/// A scenario's revenue coupled to the baseline's: shared Gamma sum plus an
/// independent Gamma for extra customers, or an exact Gamma–Beta split of
/// the baseline's sum when it has fewer customers.
#[inline]
pub(crate) fn scenario_revenue(
    c0: u64,
    cs: u64,
    g0: f64,
    deal: &DealValue,
    factor: f64,
    rng: &mut Xoshiro256PlusPlus,
) -> f64 {
    let r = if deal.scale() == 0.0 || !deal.shape().is_finite() {
        cs as f64 * deal.mean()
    } else if cs >= c0 {
        g0 + deal.scale() * gamma((cs - c0) as f64 * deal.shape(), rng)
    } else if cs == 0 {
        0.0
    } else {
        let a = deal.shape();
        g0 * beta(cs as f64 * a, (c0 - cs) as f64 * a, rng)
    };
    r * factor
}

/// Scenario count at a stage given the previous stage of baseline and scenario.
#[inline]
pub(crate) fn couple_stage(
    n0p: u64,
    n0c: u64,
    nsp: u64,
    r0: f64,
    rs: f64,
    rng: &mut Xoshiro256PlusPlus,
) -> u64 {
    let common = nsp.min(n0p);
    // Baseline converters among the common people.
    let c = if nsp >= n0p {
        n0c
    } else {
        hypergeometric(n0p, n0c, nsp, rng)
    };
    let conv = if rs > r0 {
        if r0 >= 1.0 {
            common
        } else {
            c + binomial(common - c, (rs - r0) / (1.0 - r0), rng)
        }
    } else if rs == r0 {
        c
    } else if r0 > 0.0 {
        binomial(c, rs / r0, rng)
    } else {
        0
    };
    conv + binomial(nsp - common, rs, rng)
}
