//! Sensitivity (the bottleneck) and the tornado's swings against hand-computed
//! values and against independent numerical integration with statrs.
#![cfg(not(target_arch = "wasm32"))]

use funnelcast_engine::sensitivity::{mean_revenue, sensitivity};
use funnelcast_engine::{
    workloads, DealSpec, Model, RateSpec, SegmentSpec, SensitivityInput, VolumeSpec,
};
use statrs::distribution::{Beta, Continuous, ContinuousCDF, LogNormal};

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-300)
}

fn two_stage(volume: VolumeSpec, rate: RateSpec, deal: f64) -> Model {
    Model {
        stages: 2,
        segments: vec![SegmentSpec {
            volume,
            rates: vec![rate],
            deal: DealSpec {
                mean: deal,
                cv: 0.0,
            },
        }],
        scenarios: vec![],
        margin: None,
        trials: 1_000,
        seed: 1,
    }
}

#[test]
fn w1_bars_are_the_hand_computed_gains_largest_first() {
    let plan = workloads::w1().validate().unwrap();
    // 10 000 · .25 · .32 · .25 · .30 · 5 000 = 300 000.
    assert!(close(mean_revenue(&plan), 300_000.0, 1e-12));
    let s = sensitivity(&plan);
    let gain = |input: SensitivityInput| s.bars.iter().find(|b| b.input == input).unwrap().gain;
    // +5 points: × (r + .05) / r.
    assert!(close(
        gain(SensitivityInput::Rate { stage: 1 }),
        60_000.0,
        1e-12
    ));
    assert!(close(
        gain(SensitivityInput::Rate { stage: 2 }),
        46_875.0,
        1e-12
    ));
    assert!(close(
        gain(SensitivityInput::Rate { stage: 3 }),
        60_000.0,
        1e-12
    ));
    assert!(close(
        gain(SensitivityInput::Rate { stage: 4 }),
        50_000.0,
        1e-12
    ));
    // +10 % of any factor: the same reference gain (why the tornado uses points).
    assert!(close(gain(SensitivityInput::Volume), 30_000.0, 1e-12));
    assert!(close(gain(SensitivityInput::Deal), 30_000.0, 1e-12));
    assert_eq!(s.bars.len(), 6);
    assert!(s.bars.windows(2).all(|w| w[0].gain >= w[1].gain));
    // Interest and Intent (both 25 %) gain the same 60,000: a tie names
    // no one stage. A point more at Intent breaks it.
    assert_eq!(s.bottleneck, None);
    assert!(s.swings.is_empty(), "nothing is uncertain in w1");
    let mut m = workloads::w1();
    m.segments[0].rates[2] = funnelcast_engine::RateSpec::Fixed { value: 0.26 };
    assert_eq!(sensitivity(&m.validate().unwrap()).bottleneck, Some(1));
}

#[test]
fn five_points_are_capped_at_one_hundred_percent() {
    let plan = two_stage(
        VolumeSpec::Fixed { value: 1_000.0 },
        RateSpec::Fixed { value: 0.98 },
        10.0,
    )
    .validate()
    .unwrap();
    let s = sensitivity(&plan);
    let bar = s
        .bars
        .iter()
        .find(|b| b.input == SensitivityInput::Rate { stage: 1 })
        .unwrap();
    // 1 000 · (1.00 − 0.98) · 10 = 200, not 1 000 · 0.05 · 10 = 500.
    assert!(close(bar.gain, 200.0, 1e-9), "{}", bar.gain);
}

#[test]
fn evidence_rate_gain_matches_numerical_integration() {
    // Beta(98, 4): much of its mass lies above 0.95, so the cap matters.
    let (k, n) = (97u64, 100u64);
    let plan = two_stage(
        VolumeSpec::Fixed { value: 1_000.0 },
        RateSpec::Evidence { k, n },
        10.0,
    )
    .validate()
    .unwrap();
    let beta = Beta::new((k + 1) as f64, (n - k + 1) as f64).unwrap();
    // E[min(1, r + 0.05)] by Simpson's rule on a fine grid (independent of the
    // engine's incomplete beta).
    let m = 200_000;
    let h = 1.0 / m as f64;
    let f = |x: f64| (x + 0.05).min(1.0) * beta.pdf(x);
    let mut acc = f(0.0) + f(1.0);
    for j in 1..m {
        let x = j as f64 * h;
        acc += if j % 2 == 1 { 4.0 } else { 2.0 } * f(x);
    }
    let capped_mean = acc * h / 3.0;
    let mean = (k + 1) as f64 / (n + 2) as f64;
    let want = 1_000.0 * 10.0 * (capped_mean - mean);
    let s = sensitivity(&plan);
    let bar = s
        .bars
        .iter()
        .find(|b| b.input == SensitivityInput::Rate { stage: 1 })
        .unwrap();
    assert!(
        close(bar.gain, want, 1e-6),
        "gain {} vs integral {want}",
        bar.gain
    );
    assert!(
        bar.gain < 1_000.0 * 10.0 * 0.05,
        "the cap must lower the gain"
    );
    assert!(close(mean_revenue(&plan), 1_000.0 * mean * 10.0, 1e-12));
}

#[test]
fn volume_range_swing_is_the_revenue_at_the_fitted_p10_and_p90() {
    // A 90 % range 8 000–12 000 is a lognormal with P5 = 8 000 and P95 = 12 000.
    let z95 = 1.6448536269514722;
    let sigma = (12_000f64 / 8_000.0).ln() / (2.0 * z95);
    let mu = (8_000f64 * 12_000.0).sqrt().ln();
    let ln = LogNormal::new(mu, sigma).unwrap();
    let plan = two_stage(
        VolumeSpec::Range {
            low: 8_000.0,
            high: 12_000.0,
        },
        RateSpec::Fixed { value: 0.25 },
        100.0,
    )
    .validate()
    .unwrap();
    let per_person = 0.25 * 100.0;
    // The mean uses the lognormal's mean, exp(μ + σ²/2).
    assert!(close(
        mean_revenue(&plan),
        (mu + sigma * sigma / 2.0).exp() * per_person,
        1e-9
    ));
    let s = sensitivity(&plan);
    assert_eq!(s.swings.len(), 1);
    let sw = &s.swings[0];
    assert_eq!(sw.input, SensitivityInput::Volume);
    assert!(
        close(sw.at_p10, ln.inverse_cdf(0.10) * per_person, 1e-6),
        "{}",
        sw.at_p10
    );
    assert!(
        close(sw.at_p90, ln.inverse_cdf(0.90) * per_person, 1e-6),
        "{}",
        sw.at_p90
    );
}
