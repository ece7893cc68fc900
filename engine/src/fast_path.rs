//! The fast path's tables: for a segment whose volume and rates are all
//! fixed, each (scenario, stage) count is Binomial(V, ∏r) exactly; the run
//! draws the baseline's customers by inverting its last table, and each
//! scenario's customers from them through the "same people" coupling, whose
//! law with fixed rates is known in closed form (README.md, "Fast path").
//! The Gamma constants of every likely customer count are prepared here too.
//! Every table counts against one memory budget for the whole run.

use crate::binomial::BinomialTable;
use crate::coupling::Groups;
use crate::gamma::GammaShape;
use crate::hypergeometric::hypergeometric;
use crate::lever::SegmentLevers;
use crate::plan::SegmentPlan;
use crate::rate::RateKind;
use crate::rng::{Uniforms, Xoshiro256PlusPlus};
use crate::volume::{round_volume, VolumeKind};

/// Table entries (each about 16 bytes with its guide) that all the fast
/// path's tables of a run may hold together: about 32 MB. A segment whose
/// tables would go beyond falls back on the general path; the per-count
/// coupling tables of a scenario, beyond it, on direct binomial draws.
pub const TABLE_BUDGET: usize = 1 << 21;

/// How a scenario's customers follow the baseline's on a fixed-input
/// segment. With fixed rates a person's fate is decided per stage by one
/// uniform compared with both rates, so each of the m = min(v0, vs) shared
/// people ends as a customer of both runs with qb = ∏ min(r0ᵢ, rsᵢ), of the
/// baseline with q0 = ∏ r0ᵢ, of the scenario with qs = ∏ rsᵢ; people only
/// in one run convert with that run's product. Given the baseline's c0
/// customers: x of them are shared people (hypergeometric when v0 > vs),
/// Bin(x, qb/q0) of those are the scenario's too, and of the m − x shared
/// people the baseline lost, Bin(m − x, (qs − qb)/(1 − q0)) convert in the
/// scenario; plus Bin(vs − m, qs) of its own people.
pub(crate) struct FastCouple {
    v0: u64,
    m: u64,
    /// qb/q0 when below 1 ([`keep_prob`]), (qs − qb)/(1 − q0) when above 0
    /// ([`gain_prob`]).
    keep_p: Option<f64>,
    gain_p: Option<f64>,
    /// Bin(vs − m, qs), when the scenario has people of its own.
    extra: Option<BinomialTable>,
    /// Per baseline customer count c0 = `lo + j` (when v0 ≤ vs): Bin(c0,
    /// qb/q0) if qb < q0 (`keep`), Bin(m − c0, (qs − qb)/(1 − q0)) if qs > qb
    /// (`gain`); empty beyond the budget (then direct draws).
    keep: Vec<BinomialTable>,
    gain: Vec<BinomialTable>,
    lo: u64,
}

impl FastCouple {
    fn new(
        v0: u64,
        vs: u64,
        r0: &[f64],
        rs: &[f64],
        base: &BinomialTable,
        budget: &mut usize,
    ) -> Option<Self> {
        let m = v0.min(vs);
        let q0: f64 = r0.iter().product();
        let qs: f64 = rs.iter().product();
        let qb: f64 = r0.iter().zip(rs).map(|(a, b)| a.min(*b)).product();
        let extra = if vs > m {
            let t = BinomialTable::new(vs - m, qs)?;
            *budget = budget.checked_sub(t.len())?;
            Some(t)
        } else {
            None
        };
        let (lo, hi) = base.support();
        let mut keep = Vec::new();
        let mut gain = Vec::new();
        if v0 <= vs {
            let keep_p = keep_prob(qb, q0);
            let gain_p = gain_prob(qs, qb, q0);
            let build = |p: Option<f64>, n: &dyn Fn(u64) -> u64, budget: &mut usize| {
                let p = p?;
                let mut ts = Vec::new();
                for c in lo..=hi {
                    let t = BinomialTable::new(n(c), p)?;
                    *budget = budget.checked_sub(t.len())?;
                    ts.push(t);
                }
                Some(ts)
            };
            // Beyond the budget: no tables, direct draws (the same law).
            let mut left = *budget;
            if let Some(ts) = build(keep_p, &|c| c, &mut left) {
                keep = ts;
                *budget = left;
            }
            let mut left = *budget;
            if let Some(ts) = build(gain_p, &|c| m - c.min(m), &mut left) {
                gain = ts;
                *budget = left;
            }
        }
        Some(FastCouple {
            v0,
            m,
            keep_p: keep_prob(qb, q0),
            gain_p: gain_prob(qs, qb, q0),
            extra,
            keep,
            gain,
            lo,
        })
    }

    /// The scenario's groups of customers given the baseline's `c0`
    /// (inlined into the block loop: most scenarios take one table lookup).
    #[inline(always)]
    pub(crate) fn draw(&self, c0: u64, rng: &mut Xoshiro256PlusPlus) -> Groups {
        let j = (c0 - self.lo) as usize;
        let x = if self.v0 > self.m {
            hyper_by_value(self.v0, self.m, c0, rng)
        } else {
            c0
        };
        let both = match self.keep_p {
            None => x,
            Some(p) => match self.keep.get(j) {
                Some(t) => t.quantile_bits(rng.bits53()),
                None => crate::binomial::binomial(x, p, rng),
            },
        };
        let gained = match self.gain_p {
            None => 0,
            Some(p) => match self.gain.get(j) {
                Some(t) => t.quantile_bits(rng.bits53()),
                None => crate::binomial::binomial(self.m - x, p, rng),
            },
        };
        let extra = match &self.extra {
            Some(t) => t.quantile_bits(rng.bits53()),
            None => 0,
        };
        Groups {
            both,
            base_only: c0 - both,
            own: gained + extra,
        }
    }
}

/// [`hypergeometric`] out of line (the rare case of a scenario with fewer
/// people).
#[inline(never)]
fn hyper_by_value(total: u64, succ: u64, draws: u64, rng: &mut Xoshiro256PlusPlus) -> u64 {
    hypergeometric(total, succ, draws, rng)
}

/// P(a baseline customer among the shared people is the scenario's too):
/// `None` when it is 1.
#[inline]
fn keep_prob(qb: f64, q0: f64) -> Option<f64> {
    (qb < q0).then(|| crate::special::clamp(qb / q0, 0.0, 1.0))
}

/// P(a shared person the baseline lost converts in the scenario): `None`
/// when it is 0.
#[inline]
fn gain_prob(qs: f64, qb: f64, q0: f64) -> Option<f64> {
    (qs > qb && q0 < 1.0).then(|| crate::special::clamp((qs - qb) / (1.0 - q0), 0.0, 1.0))
}

/// A segment's inversion tables and prepared Gamma constants.
pub(crate) struct FastPath {
    /// Entering volume per scenario (whole people, levers applied).
    pub volumes: Vec<u64>,
    /// `tables[s][i - 1]`; `None` for a scenario that equals the baseline here.
    pub tables: Vec<Option<Vec<BinomialTable>>>,
    /// Per scenario (`None` for the baseline and identity scenarios): how its
    /// customers follow the baseline's.
    pub couples: Vec<Option<FastCouple>>,
    /// Gamma constants of the baseline revenue for the customers of
    /// entry j of the baseline's last table, `shapes[j]` (the same
    /// length as that table): `None` where the deal is not a Gamma or
    /// c·α < 1 (those counts take the general call).
    pub shapes: Vec<Option<GammaShape>>,
    /// The same for a scenario's own customers d > 0:
    /// `diff_shapes[d − diff_lo]` is Gamma(d·α)'s.
    pub diff_shapes: Vec<GammaShape>,
    pub diff_lo: u64,
    /// Table entries this segment took from the run's budget (read by a
    /// test hook).
    #[cfg_attr(not(feature = "workloads"), allow(dead_code))]
    pub entries: usize,
}

impl FastPath {
    /// Build the fast path's tables if the segment's inputs are all fixed and
    /// every table fits in what is left of the run's `budget` (table
    /// entries; what this segment uses is taken from it).
    pub(crate) fn new(
        seg: &SegmentPlan,
        levers: &[SegmentLevers],
        budget: &mut usize,
    ) -> Option<Self> {
        let v = match seg.volume.kind() {
            VolumeKind::Fixed(v) => v,
            VolumeKind::LogNormal { .. } => return None,
        };
        let mut rates = Vec::new();
        for r in &seg.rates {
            match r.kind() {
                RateKind::Fixed(p) => rates.push(p),
                RateKind::Beta { .. } => return None,
            }
        }
        let mut left = *budget;
        let mut volumes = Vec::new();
        let mut tables = Vec::new();
        let mut run_rates: Vec<Vec<f64>> = Vec::new();
        for (s, lv) in levers.iter().enumerate() {
            let vs = round_volume(v * lv.volume_factor);
            volumes.push(vs);
            let rs: Vec<f64> = rates
                .iter()
                .enumerate()
                .map(|(i, &r)| lv.rate(i, r))
                .collect();
            run_rates.push(rs);
            if s > 0 && lv.is_identity() {
                tables.push(None);
                continue;
            }
            let mut p = 1.0;
            let mut ts: Vec<BinomialTable> = Vec::new();
            for &r in &run_rates[s] {
                p *= r;
                let t = BinomialTable::new(vs, p)?;
                left = left.checked_sub(t.len())?;
                // Stage order at every u, even where rounding in two tables
                // would break it (≈ 1e-16): each stage's quantile ≤ the last's.
                ts.push(match ts.last() {
                    Some(prev) => t.at_most(prev),
                    None => t,
                });
            }
            tables.push(Some(ts));
        }
        let base = tables[0]
            .as_ref()
            .and_then(|ts| ts.last())
            .expect("a funnel has at least two stages")
            .clone();
        let mut couples = vec![None];
        for s in 1..levers.len() {
            couples.push(match tables[s] {
                None => None,
                Some(_) => Some(FastCouple::new(
                    volumes[0],
                    volumes[s],
                    &run_rates[0],
                    &run_rates[s],
                    &base,
                    &mut left,
                )?),
            });
        }
        let entries = *budget - left;
        *budget = left;
        // The baseline's customers range over its last table's values.
        let deal = seg.deal;
        let gamma = deal.scale() > 0.0 && deal.shape().is_finite();
        let lo = base.support().0;
        let shapes = (lo..lo + base.len() as u64)
            .map(|c| {
                let shape = c as f64 * deal.shape();
                (gamma && c > 0 && shape >= 1.0).then(|| GammaShape::new(shape))
            })
            .collect();
        // A scenario's own customers range up to its top (at most 2^16
        // prepared; larger counts take the general call).
        let (mut diff_shapes, mut diff_lo) = (Vec::new(), 0);
        let top = tables[1..]
            .iter()
            .filter_map(|t| t.as_ref().and_then(|ts| ts.last()))
            .map(|t| t.support().1)
            .max();
        if let (true, Some(top)) = (gamma, top.filter(|&t| t > 0)) {
            // Smallest d with d·α ≥ 1 (found from 1/α, then checked exactly).
            let mut first = ((1.0 / deal.shape()).ceil() as u64).max(1);
            while (first as f64) * deal.shape() < 1.0 {
                first += 1;
            }
            while first > 1 && ((first - 1) as f64) * deal.shape() >= 1.0 {
                first -= 1;
            }
            if first <= top {
                diff_lo = first;
                let end = top.min(first + (1 << 16));
                diff_shapes = (first..=end)
                    .map(|d| GammaShape::new(d as f64 * deal.shape()))
                    .collect();
            }
        }
        Some(FastPath {
            volumes,
            tables,
            couples,
            shapes,
            diff_shapes,
            diff_lo,
            entries,
        })
    }
}
