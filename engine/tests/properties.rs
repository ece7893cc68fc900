//! Property tests (engine/README.md, "Tests"): stage order, monotone coupling of improving
//! levers, lever order, JSON round trip; plus fitted ranges and validation.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use funnelcast_engine::rate::MAX_FIT_CONCENTRATION;
use funnelcast_engine::simulate::{for_each_customers, for_each_trial};
use funnelcast_engine::{
    simulate, workloads, DealSpec, Field, Lever, Model, Problem, Rate, RateSpec, ScenarioSpec,
    Scope, SegmentSpec, Volume, VolumeSpec,
};
use funnelcast_engine::{Arg, ArgError};
use proptest::prelude::*;
use statrs::distribution::{Beta, ContinuousCDF, LogNormal};

fn rate_spec() -> impl Strategy<Value = RateSpec> {
    prop_oneof![
        (0.0..=1.0f64).prop_map(|value| RateSpec::Fixed { value }),
        (0u64..500, 0u64..500).prop_map(|(a, b)| RateSpec::Evidence {
            k: a.min(b),
            n: a.max(b)
        }),
        (0.01..0.5f64, 0.01..0.49f64).prop_map(|(lo, w)| RateSpec::Range {
            low: lo,
            high: lo + w
        }),
    ]
}

fn volume_spec() -> impl Strategy<Value = VolumeSpec> {
    prop_oneof![
        (0.0..50_000.0f64).prop_map(|value| VolumeSpec::Fixed { value }),
        (1.0..20_000.0f64, 1.01..3.0f64)
            .prop_map(|(low, f)| VolumeSpec::Range { low, high: low * f }),
    ]
}

fn segment(stages: usize) -> impl Strategy<Value = SegmentSpec> {
    (
        volume_spec(),
        prop::collection::vec(rate_spec(), stages - 1),
        0.0..10_000.0f64,
        0.0..2.0f64,
    )
        .prop_map(|(volume, rates, mean, cv)| SegmentSpec {
            volume,
            rates,
            deal: DealSpec { mean, cv },
        })
}

/// A lever that only improves (all changes ≥ 0).
fn improving_lever(stages: usize) -> impl Strategy<Value = Lever> {
    prop_oneof![
        (0.0..2.0f64).prop_map(|frac| Lever::Volume { frac }),
        (1..stages, 0.0..0.5f64).prop_map(|(stage, points)| Lever::RatePoints { stage, points }),
        (1..stages, 0.0..1.0f64).prop_map(|(stage, frac)| Lever::RateRelative { stage, frac }),
        (0.0..1.0f64).prop_map(|frac| Lever::Deal { frac }),
    ]
}

fn any_lever(stages: usize) -> impl Strategy<Value = Lever> {
    prop_oneof![
        (-1.0..2.0f64).prop_map(|frac| Lever::Volume { frac }),
        (1..stages, -0.5..0.5f64).prop_map(|(stage, points)| Lever::RatePoints { stage, points }),
        (1..stages, -1.0..1.0f64).prop_map(|(stage, frac)| Lever::RateRelative { stage, frac }),
        (-1.0..1.0f64).prop_map(|frac| Lever::Deal { frac }),
    ]
}

fn model_with(lever: fn(usize) -> BoxedStrategy<Lever>) -> impl Strategy<Value = Model> {
    (2usize..6, 1usize..3).prop_flat_map(move |(stages, nseg)| {
        (
            prop::collection::vec(segment(stages), nseg),
            prop::collection::vec(
                (
                    prop::collection::vec(lever(stages), 1..4),
                    0..=nseg,
                    any::<bool>(),
                ),
                1..3,
            ),
            any::<u64>(),
        )
            .prop_map(move |(segments, scen, seed)| Model {
                stages,
                segments,
                scenarios: scen
                    .into_iter()
                    .map(|(levers, scope, costly)| ScenarioSpec {
                        scope: if scope == nseg {
                            Scope::All
                        } else {
                            Scope::Segment(scope)
                        },
                        levers,
                        cost: costly.then_some(1000.0),
                    })
                    .collect(),
                margin: None,
                trials: 100,
                seed,
            })
    })
}

fn improving(stages: usize) -> BoxedStrategy<Lever> {
    improving_lever(stages).boxed()
}
fn anything(stages: usize) -> BoxedStrategy<Lever> {
    any_lever(stages).boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_stage_at_most_the_one_before(m in model_with(anything), general in any::<bool>()) {
        let mut plan = m.validate().expect("valid");
        if general { plan = plan.with_general_path(); }
        let k = plan.stages();
        let mut bad = None;
        for_each_trial(&plan, |c, _| {
            for row in c.chunks(k) {
                if row.windows(2).any(|w| w[1] > w[0]) { bad = Some(row.to_vec()); }
            }
        });
        prop_assert!(bad.is_none(), "{:?}", bad);
    }

    #[test]
    fn an_improving_lever_never_lowers_a_trial(m in model_with(improving), general in any::<bool>()) {
        let mut plan = m.validate().expect("valid");
        if general { plan = plan.with_general_path(); }
        let k = plan.stages();
        let ns = plan.scenarios();
        let mut bad = None;
        for_each_trial(&plan, |c, r| {
            for s in 1..ns {
                for i in 0..k {
                    if c[s * k + i] < c[i] { bad = Some(format!("stage {i}: {c:?}")); }
                }
                if r[s] < r[0] { bad = Some(format!("revenue {r:?}")); }
            }
        });
        prop_assert!(bad.is_none(), "{:?}", bad);
        // The run's own draws (the fast path's blocks where it applies):
        // customers, revenue and the uplift computed from the draws.
        for_each_customers(&plan, |c, r, u| {
            for s in 1..ns {
                if c[s] < c[0] || r[s] < r[0] || u[s] < 0.0 {
                    bad = Some(format!("{c:?} {r:?} {u:?}"));
                }
            }
        });
        prop_assert!(bad.is_none(), "{:?}", bad);
    }

    #[test]
    fn commuting_levers_give_the_same_results(
        m in model_with(anything),
        a in -0.5..1.0f64, b in -0.5..1.0f64, d in -0.5..1.0f64, pts in -0.2..0.2f64,
    ) {
        let k = m.stages;
        let levers = vec![
            Lever::Volume { frac: a },
            Lever::RatePoints { stage: 1, points: pts },
            Lever::Volume { frac: b },
            Lever::Deal { frac: d },
            Lever::RateRelative { stage: k - 1, frac: 0.1 },
        ];
        let mut fwd = m.clone();
        fwd.scenarios = vec![ScenarioSpec { scope: Scope::All, levers: levers.clone(), cost: None }];
        let mut rev = fwd.clone();
        // Volume levers commute with each other, and every lever commutes with
        // levers on other inputs; rate levers on the same stage keep their order.
        let mut reordered = vec![levers[3], levers[2], levers[0]];
        if k - 1 == 1 { reordered.extend([levers[1], levers[4]]); } else { reordered.extend([levers[4], levers[1]]); }
        rev.scenarios[0].levers = reordered;
        let r1 = simulate(&fwd.validate().expect("valid"));
        let r2 = simulate(&rev.validate().expect("valid"));
        prop_assert_eq!(r1, r2);
    }

    #[test]
    fn a_model_round_trips_through_json(m in model_with(anything), margin in prop::option::of(0.01..1.0f64)) {
        let mut m = m;
        m.margin = margin;
        let json = serde_json::to_string(&m).expect("encode");
        let back: Model = serde_json::from_str(&json).expect("decode");
        prop_assert_eq!(back, m);
    }

    #[test]
    fn fitted_ranges_reproduce_p5_and_p95(lo in 1e-4..0.98f64, w in 1e-4..0.99f64, vlo in 1.0..1e8f64, f in 1.0001..10.0f64) {
        let hi = (lo + w).min(0.9999);
        prop_assume!(hi > lo + 1e-5);
        let r = match Rate::range(lo, hi) {
            Ok(r) => r,
            Err(e) => {
                // Refused only where the Beta would need a concentration
                // beyond the fit's cap (normal approximation, with slack).
                prop_assert_eq!(e, ArgError::new(Arg::High, Problem::RangeTooNarrow));
                let (m, sd) = ((lo + hi) / 2.0, (hi - lo) / 3.29);
                prop_assert!(m * (1.0 - m) / (sd * sd) > 0.3 * MAX_FIT_CONCENTRATION, "{} {}", lo, hi);
                return Ok(());
            }
        };
        let (a, b) = r.beta_params().expect("beta");
        let beta = Beta::new(a, b).expect("statrs beta");
        prop_assert!((beta.cdf(lo) - 0.05).abs() < 1e-8, "a={} b={} F(lo)={}", a, b, beta.cdf(lo));
        prop_assert!((beta.cdf(hi) - 0.95).abs() < 1e-8, "a={} b={} F(hi)={}", a, b, beta.cdf(hi));
        prop_assert!((r.quantile(0.05) - lo).abs() < 1e-6);
        prop_assert!((r.quantile(0.95) - hi).abs() < 1e-6);
        let vhi = vlo * f;
        let v = Volume::range(vlo, vhi).expect("volume");
        prop_assert!(((v.quantile(0.05) - vlo) / vlo).abs() < 1e-6);
        prop_assert!(((v.quantile(0.95) - vhi) / vhi).abs() < 1e-6);
        let (mu, sigma) = ((vlo.ln() + vhi.ln()) / 2.0, (vhi.ln() - vlo.ln()) / (2.0 * 1.6448536269514722));
        let ln = LogNormal::new(mu, sigma).expect("statrs lognormal");
        prop_assert!((ln.cdf(vlo) - 0.05).abs() < 1e-6 && (ln.cdf(vhi) - 0.95).abs() < 1e-6);
    }
}

#[test]
fn drawn_volumes_have_the_fitted_quantiles() {
    let mut m = workloads::w2();
    m.trials = 200_000;
    let r = simulate(&m.validate().expect("valid"));
    let st = &r.scenarios[0].stages[0];
    // MC error of a P5 over 2·10^5 draws of this lognormal is ~10 people.
    assert!((st.p5 - 8_000.0).abs() < 60.0, "{st:?}");
    assert!((st.p95 - 12_000.0).abs() < 80.0, "{st:?}");
}

#[test]
fn validation_names_every_bad_field() {
    let mut m = workloads::w4();
    m.segments[0].volume = VolumeSpec::Range {
        low: 5.0,
        high: 5.0,
    };
    m.segments[1].rates[1] = RateSpec::Fixed { value: 1.2 };
    m.segments[1].rates[2] = RateSpec::Evidence { k: 5, n: 3 };
    m.segments[1].deal.cv = f64::NAN;
    m.margin = Some(0.0);
    m.trials = 10;
    m.scenarios[0].levers.push(Lever::RatePoints {
        stage: 5,
        points: 0.1,
    });
    m.scenarios[1].levers.push(Lever::RateRelative {
        stage: 2,
        frac: -2.0,
    });
    m.scenarios[2].scope = Scope::Segment(2);
    m.scenarios[2].cost = Some(-1.0);
    let errs = m.validate().unwrap_err();
    let fields: Vec<Field> = errs.iter().map(|e| e.field).collect();
    let want = [
        Field::VolumeHigh(0),
        Field::Rate(1, 2),
        Field::EvidenceK(1, 3),
        Field::DealCv(1),
        Field::Margin,
        Field::Trials,
        Field::LeverRatePts(1, 5),
        Field::LeverRatePct(2, 2),
        Field::LeverScope(3),
        Field::LeverCost(3),
    ];
    for f in want {
        assert!(fields.contains(&f), "{f:?} missing from {errs:?}");
    }
    assert_eq!(errs.len(), want.len(), "{errs:?}");
    let e = errs
        .iter()
        .find(|e| e.field == Field::VolumeHigh(0))
        .unwrap();
    assert_eq!(e.problem, Problem::LowNotBelowHigh);
    assert_eq!(
        e.to_string(),
        "VolumeHigh(0): the low end must be below the high end"
    );
}

#[test]
fn validation_limits() {
    let mut m = workloads::w1();
    m.stages = 1;
    m.segments[0].rates.clear();
    assert!(m
        .validate()
        .unwrap_err()
        .iter()
        .any(|e| e.field == Field::Stages));
    let mut m = workloads::w1();
    m.segments[0].volume = VolumeSpec::Fixed { value: 2e9 };
    assert_eq!(m.validate().unwrap_err()[0].field, Field::Volume(0));
    let mut m = workloads::w1();
    m.segments[0].volume = VolumeSpec::Fixed { value: 10.4 };
    assert_eq!(m.validate().unwrap().volume(0).mean(), 10.0);
    let mut m = workloads::w3();
    m.scenarios = vec![m.scenarios[0].clone(); 8];
    assert_eq!(m.validate().unwrap_err()[0].field, Field::Scenarios);
    let mut m = workloads::w1();
    m.segments[0].rates[0] = RateSpec::Range {
        low: 0.0,
        high: 0.5,
    };
    assert_eq!(m.validate().unwrap_err()[0].field, Field::RateLow(0, 1));
    let mut m = workloads::w1();
    m.segments[0].rates.pop();
    assert!(m.validate().is_err());
}

#[test]
fn results_are_reproducible_and_scenarios_do_not_move_the_baseline() {
    let a = simulate(&workloads::w1().validate().unwrap().with_trials(5_000));
    let b = simulate(&workloads::w3().validate().unwrap().with_trials(5_000));
    // Everything but the histogram frame, which all scenarios of a run share.
    let (mut x, mut y) = (a.scenarios[0].clone(), b.scenarios[0].clone());
    x.revenue_hist = Default::default();
    y.revenue_hist = Default::default();
    assert_eq!(x, y);
    let c = simulate(&workloads::w4().validate().unwrap().with_trials(5_000));
    let d = simulate(&workloads::w4().validate().unwrap().with_trials(5_000));
    assert_eq!(c, d);
}
