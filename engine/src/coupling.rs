//! The "same people" coupling of a scenario to the baseline in one trial
//! (README.md, "One coupling"): every person has their own chance at every
//! stage, and a lever changes what the same people do. A scenario's people
//! fall in three groups — those in both runs (`both`), those only in the
//! baseline (`base_only`) and those only in the scenario (`own`) — and each
//! stage moves people between them; revenue is shared for the customers in
//! both runs. Each run's law is exact and an improving lever never lowers a
//! trial's customers or revenue.

use crate::beta::beta_parts;
use crate::binomial::binomial_block;
use crate::deal::DealValue;
use crate::gamma::gamma;
use crate::hypergeometric::hypergeometric;
use crate::rng::Xoshiro256PlusPlus;

/// A scenario's people at a stage against the baseline's: in both runs,
/// only in the baseline, only in the scenario. The baseline has
/// `both + base_only`, the scenario `both + own`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Groups {
    pub both: u64,
    pub base_only: u64,
    pub own: u64,
}

impl Groups {
    /// The entering people: the first min(v0, vs) are the same people.
    pub(crate) fn entering(v0: u64, vs: u64) -> Self {
        let m = v0.min(vs);
        Groups {
            both: m,
            base_only: v0 - m,
            own: vs - m,
        }
    }

    /// The scenario's count.
    pub(crate) fn scenario(&self) -> u64 {
        self.both + self.own
    }
}

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

/// The baseline's revenue `g0` of its customers `both + base_only`, split
/// between the two groups: (shared part, baseline-only part). The share of a
/// Gamma sum carried by part of it is Beta and independent of the total (the
/// Gamma–Beta split), so each part is exactly Gamma of its customers.
#[inline]
pub(crate) fn split_baseline(
    g: &Groups,
    g0: f64,
    deal: &DealValue,
    rng: &mut Xoshiro256PlusPlus,
) -> (f64, f64) {
    if g.base_only == 0 {
        (g0, 0.0)
    } else if g.both == 0 {
        (0.0, g0)
    } else if deal.scale() == 0.0 || !deal.shape().is_finite() {
        (
            g.both as f64 * deal.mean(),
            g.base_only as f64 * deal.mean(),
        )
    } else {
        let a = deal.shape();
        let (b, rest) = beta_parts(g.both as f64 * a, g.base_only as f64 * a, rng);
        (g0 * b, g0 * rest)
    }
}

/// A scenario's revenue and its uplift over the baseline in this segment,
/// from the groups of customers: the shared revenue `shared`, the
/// baseline-only revenue `base_only_rev` and a Gamma of the scenario's own
/// customers, all × the deal factor for the scenario. The uplift is computed
/// from the parts, never as a difference of rounded totals: a small gain on a
/// large revenue keeps its sign, and it is exactly 0 only when the runs
/// differ in nothing (a tie).
#[inline]
pub(crate) fn scenario_revenue(
    own: u64,
    shared: f64,
    base_only_rev: f64,
    deal: &DealValue,
    factor: f64,
    rng: &mut Xoshiro256PlusPlus,
) -> (f64, f64) {
    let own_rev = baseline_revenue(own, deal, rng);
    with_own(shared, base_only_rev, own_rev, factor)
}

/// [`scenario_revenue`] given the own customers' revenue.
#[inline(always)]
pub(crate) fn with_own(shared: f64, base_only_rev: f64, own_rev: f64, factor: f64) -> (f64, f64) {
    let r = (shared + own_rev) * factor;
    let d = if factor == 1.0 {
        own_rev - base_only_rev
    } else {
        (factor - 1.0) * shared + factor * own_rev - base_only_rev
    };
    (r, d)
}

/// The scenario's groups at a stage from those at the stage before, for a
/// block of trials (`groups[j]` updated in place), given the baseline's
/// count before (`n0p[j]` = both + base_only) and after (`n0c[j]`), the
/// baseline's rate `r0[j]` and the scenario's `rs[j]`. The baseline's
/// converters are a uniform subset of its people, so those among the shared
/// group are hypergeometric; a shared person converts in the scenario with
/// probability rs: if rs ≥ r0 whenever they convert in the baseline, else
/// with (rs − r0)/(1 − r0); if rs < r0 only when they convert in the
/// baseline, then with rs/r0 (one uniform per person and stage, compared
/// with both rates). The scenario's own people convert with rs.
///
/// The draws of the block are taken kind by kind (the hypergeometrics in
/// trial order, then the own people's binomials, then the gains or keeps:
/// [`binomial_block`]); each draw has its own uniforms, so each trial's
/// groups have exactly the law of the one-person-one-uniform coupling.
#[allow(clippy::too_many_arguments)]
pub(crate) fn couple_block(
    n0p: &[u64],
    n0c: &[u64],
    groups: &mut [Groups],
    r0: &[f64],
    rs: &[f64],
    same: bool,
    tmp: &mut [Vec<u64>; 4],
    tmp_p: &mut [f64],
    rng: &mut Xoshiro256PlusPlus,
) {
    // Every array cut to the block's length once, so the loops below index
    // them without a bounds check per trial.
    let len = groups.len();
    let (n0p, n0c, r0, rs) = (&n0p[..len], &n0c[..len], &r0[..len], &rs[..len]);
    let [x, own_n, own, extra] = tmp;
    let (x, own_n, own, extra) = (
        &mut x[..len],
        &mut own_n[..len],
        &mut own[..len],
        &mut extra[..len],
    );
    let tmp_p = &mut tmp_p[..len];
    // `same`: the same rate in both runs at this stage in every trial (a
    // volume or deal lever): the shared people do the same in both, no gain
    // or keep to draw.
    debug_assert_eq!(same, rs == r0);
    // Baseline converters among the shared people.
    for j in 0..len {
        let g = groups[j];
        debug_assert_eq!(g.both + g.base_only, n0p[j]);
        x[j] = if g.base_only == 0 {
            n0c[j]
        } else if g.both == 0 {
            0
        } else {
            hypergeometric(n0p[j], g.both, n0c[j], rng)
        };
        own_n[j] = g.own;
    }
    binomial_block(own_n, rs, own, rng);
    if same {
        for j in 0..len {
            groups[j] = Groups {
                both: x[j],
                base_only: n0c[j] - x[j],
                own: own[j],
            };
        }
        return;
    }
    // Shared people who convert in the scenario only (rs > r0), or the
    // baseline's shared converters who stay converters (rs < r0).
    for j in 0..len {
        let (a, b) = (r0[j], rs[j]);
        (own_n[j], tmp_p[j]) = if b >= a {
            if b == a || a >= 1.0 {
                (0, 0.0)
            } else {
                (groups[j].both - x[j], ((b - a) / (1.0 - a)).min(1.0))
            }
        } else if a > 0.0 {
            (x[j], b / a)
        } else {
            (0, 0.0)
        };
    }
    binomial_block(own_n, tmp_p, extra, rng);
    for j in 0..len {
        groups[j] = if rs[j] >= r0[j] {
            Groups {
                both: x[j],
                base_only: n0c[j] - x[j],
                own: own[j] + extra[j],
            }
        } else {
            Groups {
                both: extra[j],
                base_only: n0c[j] - extra[j],
                own: own[j],
            }
        };
    }
}

/// [`couple_block`] for one trial: the same coupling, each draw with the
/// scalar samplers (a block's per-pass scratch would cost more than the
/// draws for a single trial, as in time mode's cohorts).
#[inline]
pub(crate) fn couple_one(
    n0p: u64,
    n0c: u64,
    g: &mut Groups,
    r0: f64,
    rs: f64,
    rng: &mut Xoshiro256PlusPlus,
) {
    debug_assert_eq!(g.both + g.base_only, n0p);
    let x = if g.base_only == 0 {
        n0c
    } else if g.both == 0 {
        0
    } else {
        hypergeometric(n0p, g.both, n0c, rng)
    };
    let own = crate::binomial::binomial(g.own, rs, rng);
    *g = if rs == r0 {
        Groups {
            both: x,
            base_only: n0c - x,
            own,
        }
    } else if rs > r0 {
        // Shared people who convert in the scenario only.
        let extra = if r0 >= 1.0 {
            0
        } else {
            crate::binomial::binomial(g.both - x, ((rs - r0) / (1.0 - r0)).min(1.0), rng)
        };
        Groups {
            both: x,
            base_only: n0c - x,
            own: own + extra,
        }
    } else {
        // The baseline's shared converters who stay converters.
        let kept = if r0 > 0.0 {
            crate::binomial::binomial(x, rs / r0, rng)
        } else {
            0
        };
        Groups {
            both: kept,
            base_only: n0c - kept,
            own,
        }
    };
}
