//! The shared benchmark workloads w1–w7 (docs/benchmarks.md), as models
//! (w6 and w7 with their time-mode inputs): feature `workloads`.

use crate::model::{
    DealSpec, Lever, Model, RateSpec, ScenarioSpec, Scope, SegmentSpec, VolumeSpec,
};
use crate::months::{LagSpec, TimeSpec};

/// The classic five stages: awareness, interest, consideration, intent,
/// purchase.
pub const CLASSIC_STAGES: usize = 5;

fn fixed_rates(r: &[f64]) -> Vec<RateSpec> {
    r.iter().map(|&value| RateSpec::Fixed { value }).collect()
}

fn volume_scenarios() -> Vec<ScenarioSpec> {
    [0.1, 0.2, 0.3]
        .iter()
        .map(|&frac| ScenarioSpec {
            scope: Scope::All,
            levers: vec![Lever::Volume { frac }],
            cost: None,
        })
        .collect()
}

/// Classic five stages, volume 10 000 (fixed), rates 25/32/25/30 % (fixed),
/// deal value 5 000 with CV 50 %.
pub fn w1() -> Model {
    Model {
        stages: CLASSIC_STAGES,
        segments: vec![SegmentSpec {
            volume: VolumeSpec::Fixed { value: 10_000.0 },
            rates: fixed_rates(&[0.25, 0.32, 0.25, 0.30]),
            deal: DealSpec {
                mean: 5_000.0,
                cv: 0.5,
            },
        }],
        scenarios: vec![],
        margin: None,
        trials: 20_000,
        seed: 42,
    }
}

/// w1 with uncertain inputs: volume 90 % range 8 000–12 000; rates from
/// evidence 2 500/10 000, 800/2 500, 200/800, 60/200.
pub fn w2() -> Model {
    let mut m = w1();
    let seg = &mut m.segments[0];
    seg.volume = VolumeSpec::Range {
        low: 8_000.0,
        high: 12_000.0,
    };
    seg.rates = [(2_500, 10_000), (800, 2_500), (200, 800), (60, 200)]
        .iter()
        .map(|&(k, n)| RateSpec::Evidence { k, n })
        .collect();
    m
}

/// w1 plus three scenarios: +10 %, +20 %, +30 % volume.
pub fn w3() -> Model {
    let mut m = w1();
    m.scenarios = volume_scenarios();
    m
}

/// w2 with a second segment "Enterprise" (volume 2 000, rates 30/40/35/40 %,
/// deal 40 000 with CV 80 %) and the three scenarios of w3.
pub fn w4() -> Model {
    let mut m = w2();
    m.segments.push(SegmentSpec {
        volume: VolumeSpec::Fixed { value: 2_000.0 },
        rates: fixed_rates(&[0.30, 0.40, 0.35, 0.40]),
        deal: DealSpec {
            mean: 40_000.0,
            cv: 0.8,
        },
    });
    m.scenarios = volume_scenarios();
    m
}

/// w1 plus the trainer's scenario "+5 points at consideration" (the rate
/// into stage 2).
pub fn w5() -> Model {
    let mut m = w1();
    m.scenarios = vec![ScenarioSpec {
        scope: Scope::All,
        levers: vec![Lever::RatePoints {
            stage: 2,
            points: 0.05,
        }],
        cost: None,
    }];
    m
}

/// w6's lags: medians 7, 14, 21 and 30 days, P90 twice the median, each
/// × `times`.
fn w6_lags(times: f64) -> Vec<LagSpec> {
    [7.0, 14.0, 21.0, 30.0]
        .iter()
        .map(|&m| LagSpec {
            median: m * times,
            p90: 2.0 * m * times,
        })
        .collect()
}

/// w1 in time mode: 12 months, w6's lags.
pub fn w6() -> (Model, TimeSpec) {
    let time = TimeSpec {
        horizon: 12,
        weights: vec![],
        lags: vec![w6_lags(1.0)],
        windows: vec![],
    };
    (w1(), time)
}

/// w4 in time mode: 12 months; segment 1 with w6's lags, segment 2 with
/// lags five times longer; the three scenarios in campaign months 2–4,
/// costing 50,000 each.
pub fn w7() -> (Model, TimeSpec) {
    let mut m = w4();
    for sc in &mut m.scenarios {
        sc.cost = Some(50_000.0);
    }
    let time = TimeSpec {
        horizon: 12,
        weights: vec![],
        lags: vec![w6_lags(1.0), w6_lags(5.0)],
        windows: vec![Some((2, 4)); 3],
    };
    (m, time)
}

/// A time-mode workload by name ("w6", "w7").
pub fn time_by_name(name: &str) -> Option<(Model, TimeSpec)> {
    match name {
        "w6" => Some(w6()),
        "w7" => Some(w7()),
        _ => None,
    }
}

/// A workload by name ("w1" … "w5").
pub fn by_name(name: &str) -> Option<Model> {
    match name {
        "w1" => Some(w1()),
        "w2" => Some(w2()),
        "w3" => Some(w3()),
        "w4" => Some(w4()),
        "w5" => Some(w5()),
        _ => None,
    }
}
