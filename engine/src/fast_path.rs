//! The fast path's tables: for a segment whose volume and rates are all
//! fixed, each (scenario, stage) count is Binomial(V, ∏r) exactly, drawn by
//! inverting its CDF table at one uniform per segment and trial; the Gamma
//! constants of every possible customer count are prepared here too.

use crate::binomial::BinomialTable;
use crate::gamma::GammaShape;
use crate::lever::SegmentLevers;
use crate::plan::SegmentPlan;
use crate::rate::RateKind;
use crate::volume::{round_volume, VolumeKind};

/// A segment's inversion tables and prepared Gamma constants.
pub(crate) struct FastPath {
    /// Entering volume per scenario (whole people, levers applied).
    pub volumes: Vec<u64>,
    /// `tables[s][i - 1]`; `None` for a scenario that equals the baseline here.
    pub tables: Vec<Option<Vec<BinomialTable>>>,
    /// Gamma constants of the baseline revenue for the customers of
    /// entry j of the baseline's last table, `shapes[j]` (the same
    /// length as that table): `None` where the deal is not a Gamma or
    /// c·α < 1 (those counts take the general call).
    pub shapes: Vec<Option<GammaShape>>,
    /// The same for the extra customers d = c_s − c_0 > 0 of a scenario:
    /// `diff_shapes[d − diff_lo]` is Gamma(d·α)'s.
    pub diff_shapes: Vec<GammaShape>,
    pub diff_lo: u64,
}

impl FastPath {
    /// Build the fast path's tables if the segment's inputs are all fixed and
    /// every table is small enough.
    pub(crate) fn new(seg: &SegmentPlan, levers: &[SegmentLevers]) -> Option<Self> {
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
        let mut volumes = Vec::new();
        let mut tables = Vec::new();
        for (s, lv) in levers.iter().enumerate() {
            let vs = round_volume(v * lv.volume_factor);
            volumes.push(vs);
            if s > 0 && lv.is_identity() {
                tables.push(None);
                continue;
            }
            let mut p = 1.0;
            let mut ts: Vec<BinomialTable> = Vec::new();
            for (i, &r) in rates.iter().enumerate() {
                p *= lv.rate(i, r);
                let t = BinomialTable::new(vs, p)?;
                // Stage order at every u, even where rounding in two tables
                // would break it (≈ 1e-16): each stage's quantile ≤ the last's.
                ts.push(match ts.last() {
                    Some(prev) => t.at_most(prev),
                    None => t,
                });
            }
            tables.push(Some(ts));
        }
        // The baseline's customers range over its last table's values.
        let mut shapes = Vec::new();
        let deal = seg.deal;
        if let Some(t) = tables[0].as_ref().and_then(|ts| ts.last()) {
            let gamma = deal.scale() > 0.0 && deal.shape().is_finite();
            let lo = t.support().0;
            shapes = (lo..lo + t.len() as u64)
                .map(|c| {
                    let shape = c as f64 * deal.shape();
                    (gamma && c > 0 && shape >= 1.0).then(|| GammaShape::new(shape))
                })
                .collect();
        }
        // A scenario's extra customers range up to its top minus the baseline's
        // bottom (at most 2^16 of them kept; larger ones take the general call).
        let (mut diff_shapes, mut diff_lo) = (Vec::new(), 0);
        if deal.scale() > 0.0 && deal.shape().is_finite() && tables.len() > 1 {
            let support = |t: &Option<Vec<BinomialTable>>| {
                t.as_ref()
                    .and_then(|ts| ts.last())
                    .map(BinomialTable::support)
            };
            let bottom = support(&tables[0]).map_or(0, |(lo, _)| lo);
            let top = tables[1..]
                .iter()
                .filter_map(support)
                .map(|(_, hi)| hi)
                .max();
            if let Some(top) = top.filter(|&t| t > bottom) {
                // Smallest d with d·α ≥ 1 (found from 1/α, then checked exactly).
                let mut first = ((1.0 / deal.shape()).ceil() as u64).max(1);
                while (first as f64) * deal.shape() < 1.0 {
                    first += 1;
                }
                while first > 1 && ((first - 1) as f64) * deal.shape() >= 1.0 {
                    first -= 1;
                }
                if first <= top - bottom {
                    diff_lo = first;
                    let end = (top - bottom).min(first + (1 << 16));
                    diff_shapes = (first..=end)
                        .map(|d| GammaShape::new(d as f64 * deal.shape()))
                        .collect();
                }
            }
        }
        Some(FastPath {
            volumes,
            tables,
            shapes,
            diff_shapes,
            diff_lo,
        })
    }
}
