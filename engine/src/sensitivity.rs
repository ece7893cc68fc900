//! Which input matters: exact mean-revenue gains (no Monte Carlo noise).
//!
//! E\[revenue\] = Σ_segments E\[V\]·∏ E\[r_i\]·deal mean, because volume, rates and
//! deal values are independent and the counts are binomial thinnings. A +10 %
//! relative change of any factor gives the same +10 %, so rates move by +5
//! percentage points instead (capped at 100 %: for a Beta rate the gain uses
//! E[min(1, r + 0.05)] exactly, through the incomplete beta function); volume
//! and deal value +10 % are reference bars. The tornado puts each uncertain
//! input at its P10 and its P90 with every other input at its mean.

use crate::plan::Plan;
use crate::rate::RateKind;
use crate::results::{Sensitivity, SensitivityBar, SensitivityInput, Swing};
use crate::special::beta_excess_mean;

/// Rate step of the bars (+5 percentage points).
pub const RATE_STEP: f64 = 0.05;
/// Relative step of the reference bars (+10 %).
pub const REFERENCE_STEP: f64 = 0.10;

/// E[min(1, r + h)] − E[r] for a rate.
fn capped_gain(kind: RateKind, h: f64) -> f64 {
    match kind {
        RateKind::Fixed(p) => (p + h).min(1.0) - p,
        RateKind::Beta { a, b } => h - beta_excess_mean(a, b, 1.0 - h),
    }
}

/// Mean revenue of segment g with optional overrides of its volume mean or
/// one rate's mean.
fn segment_mean(plan: &Plan, g: usize, volume: Option<f64>, rate: Option<(usize, f64)>) -> f64 {
    let seg = &plan.segments[g];
    let mut m = volume.unwrap_or_else(|| seg.volume.mean()) * seg.deal.mean();
    for (j, r) in seg.rates.iter().enumerate() {
        m *= match rate {
            Some((i, v)) if i == j => v,
            _ => r.mean(),
        };
    }
    m
}

/// The baseline's exact mean revenue (all segments).
pub fn mean_revenue(plan: &Plan) -> f64 {
    (0..plan.segments())
        .map(|g| segment_mean(plan, g, None, None))
        .sum()
}

/// Two gains within this share of the larger are a tie (the same gain
/// computed through products in another order).
pub const TIE: f64 = 1e-9;

/// Bars, bottleneck and tornado of the plan's baseline.
///
/// # Examples
/// ```
/// # use funnelcast_engine::{DealSpec, Model, RateSpec, SegmentSpec, VolumeSpec};
/// // 10 000 people a period, rates 25/32/25/30 %, deals of 5 000 (cv 50 %).
/// # let rates = [0.25, 0.32, 0.25, 0.30].map(|value| RateSpec::Fixed { value });
/// # let model = Model {
/// #     stages: 5,
/// #     segments: vec![SegmentSpec {
/// #         volume: VolumeSpec::Fixed { value: 10_000.0 },
/// #         rates: rates.to_vec(),
/// #         deal: DealSpec { mean: 5_000.0, cv: 0.5 },
/// #     }],
/// #     scenarios: vec![],
/// #     margin: None,
/// #     trials: 20_000,
/// #     seed: 42,
/// # };
/// let plan = model.validate().unwrap();
/// let s = funnelcast_engine::sensitivity::sensitivity(&plan);
/// // Interest and Intent (both 25 %) gain the same from +5 points: a tie
/// // names no one stage.
/// assert_eq!(s.bottleneck, None);
/// assert!(s.swings.is_empty());
/// ```
pub fn sensitivity(plan: &Plan) -> Sensitivity {
    sensitivity_weighted(plan, &vec![1.0; plan.segments()])
}

/// [`sensitivity`] with segment g's revenue counted `weight[g]` times: in
/// time mode, the horizon's mean revenue from segment g is its one-period
/// mean times Σ_t w_t · G_g(H − t) (each month's weight times the chance
/// its customers close within the horizon; up to the rounding of each
/// month's people), so every gain and swing of that segment scales by it
/// ([`crate::months::TimePlan::horizon_weight`]).
pub fn sensitivity_weighted(plan: &Plan, weight: &[f64]) -> Sensitivity {
    let segment_mean = |plan: &Plan, g: usize, v: Option<f64>, r: Option<(usize, f64)>| {
        segment_mean(plan, g, v, r) * weight[g]
    };
    let total: f64 = (0..plan.segments())
        .map(|g| segment_mean(plan, g, None, None))
        .sum();
    let mut bars = vec![
        SensitivityBar {
            input: SensitivityInput::Volume,
            gain: REFERENCE_STEP * total,
        },
        SensitivityBar {
            input: SensitivityInput::Deal,
            gain: REFERENCE_STEP * total,
        },
    ];
    for i in 1..plan.stages() {
        let mut gain = 0.0;
        for g in 0..plan.segments() {
            let r = plan.segments[g].rates[i - 1];
            let others = segment_mean(plan, g, None, Some((i - 1, 1.0)));
            gain += others * capped_gain(r.kind(), RATE_STEP);
        }
        bars.push(SensitivityBar {
            input: SensitivityInput::Rate { stage: i },
            gain,
        });
    }
    crate::small_sort::sort_small_by(&mut bars, |a, b| b.gain.total_cmp(&a.gain));
    // The stage whose +5 points gain most, unless another gains as much
    // (equal rates gain equally: the classic funnel's 25 % at Interest and
    // at Intent): a tie names no one stage.
    let mut rate_gains = bars.iter().filter_map(|b| match b.input {
        SensitivityInput::Rate { stage } if b.gain > 0.0 => Some((stage, b.gain)),
        _ => None,
    });
    let bottleneck = match (rate_gains.next(), rate_gains.next()) {
        (Some((_, g1)), Some((_, g2))) if g1 - g2 <= TIE * g1 => None,
        (Some((stage, _)), _) => Some(stage),
        _ => None,
    };
    let mut swings = Vec::new();
    for g in 0..plan.segments() {
        let seg = &plan.segments[g];
        let rest = total - segment_mean(plan, g, None, None);
        if !seg.volume.is_fixed() {
            swings.push(Swing {
                segment: g,
                input: SensitivityInput::Volume,
                at_p10: rest + segment_mean(plan, g, Some(seg.volume.quantile(0.10)), None),
                at_p90: rest + segment_mean(plan, g, Some(seg.volume.quantile(0.90)), None),
            });
        }
        for (j, r) in seg.rates.iter().enumerate() {
            if !r.is_fixed() {
                swings.push(Swing {
                    segment: g,
                    input: SensitivityInput::Rate { stage: j + 1 },
                    at_p10: rest + segment_mean(plan, g, None, Some((j, r.quantile(0.10)))),
                    at_p90: rest + segment_mean(plan, g, None, Some((j, r.quantile(0.90)))),
                });
            }
        }
    }
    crate::small_sort::sort_small_by(&mut swings, |a, b| {
        (b.at_p90 - b.at_p10)
            .abs()
            .total_cmp(&(a.at_p90 - a.at_p10).abs())
    });
    Sensitivity {
        bars,
        bottleneck,
        swings,
    }
}
