//! One joint law on every path (engine/README.md, "One coupling"): a
//! scenario follows the same people as the baseline whether the run takes
//! the fixed-input fast path or the general path; P(beat) is decided from
//! the draws; goal seek moves the same law on both paths. Seeds were fixed
//! before the tests were written (20 261 202, the day they were).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::*;
use funnelcast_engine::binomial::BinomialTable;
use funnelcast_engine::rng::{seeded, Uniforms};
use funnelcast_engine::simulate::{for_each_customers, is_fast};
use funnelcast_engine::{simulate, Lever, Model, RateSpec, ScenarioSpec, Scope};
use statrs::distribution::{Beta, Binomial, ChiSquared, ContinuousCDF, Discrete, Gamma};
use std::collections::BTreeMap;

const DRAWS: u32 = 100_000;
const SEED: u64 = 20_261_202;

fn with_levers(mut m: Model, levers: Vec<Lever>) -> Model {
    m.scenarios = vec![ScenarioSpec {
        scope: Scope::All,
        levers,
        cost: None,
    }];
    m
}

/// The joint draws (baseline customers, scenario customers) of a run.
fn pairs(m: &Model, general: bool) -> Vec<(u64, u64)> {
    let mut plan = m.validate().expect("valid");
    if general {
        plan = plan.with_general_path();
    }
    assert_eq!(
        is_fast(&plan),
        !general,
        "the model takes the path asked for"
    );
    let mut out = Vec::with_capacity(plan.trials() as usize);
    for_each_customers(&plan, |c, _, _| out.push((c[0], c[1])));
    out
}

/// The comonotone pairing the fast path used before: both runs' customers
/// inverted at one shared uniform — right marginals, another joint law. The
/// negative control.
fn comonotone(v: u64, q0: f64, qs: f64, n: u32, seed: u64) -> Vec<(u64, u64)> {
    let (t0, ts) = (
        BinomialTable::new(v, q0).expect("small"),
        BinomialTable::new(v, qs).expect("small"),
    );
    let mut rng = seeded(seed, 0);
    (0..n)
        .map(|_| {
            let u = rng.uniform();
            (t0.quantile(u), ts.quantile(u))
        })
        .collect()
}

/// Two-sample chi-square test of homogeneity (equal sample sizes) on the
/// joint cells (c0, cs − c0), cells pooled in key order until the two
/// samples together hold at least 10; false alarm [`ALPHA`].
fn same_law(a: &[(u64, u64)], b: &[(u64, u64)]) -> (f64, f64) {
    assert_eq!(a.len(), b.len());
    let mut cells: BTreeMap<(u64, i64), (f64, f64)> = BTreeMap::new();
    for &(c0, cs) in a {
        cells.entry((c0, cs as i64 - c0 as i64)).or_default().0 += 1.0;
    }
    for &(c0, cs) in b {
        cells.entry((c0, cs as i64 - c0 as i64)).or_default().1 += 1.0;
    }
    let mut pooled: Vec<(f64, f64)> = Vec::new();
    let (mut x, mut y) = (0.0, 0.0);
    for (_, (p, q)) in cells {
        x += p;
        y += q;
        if x + y >= 10.0 {
            pooled.push((x, y));
            (x, y) = (0.0, 0.0);
        }
    }
    if let Some(last) = pooled.last_mut() {
        last.0 += x;
        last.1 += y;
    }
    let stat: f64 = pooled
        .iter()
        .map(|(p, q)| (p - q) * (p - q) / (p + q))
        .sum();
    let df = pooled.len().saturating_sub(1).max(1) as f64;
    let critical = ChiSquared::new(df).expect("df").inverse_cdf(1.0 - ALPHA);
    (stat, critical)
}

/// (V, q0, qs) of the comonotone control, where the volume is shared.
type Control = Option<(u64, f64, f64)>;

/// (model, the comonotone control's parameters).
fn points() -> Vec<(Model, Control)> {
    let pts = |d: u64| SEED + 10 * d;
    vec![
        // The example: 200 people, three 100 % stages, 5 % → 6 %.
        (
            with_levers(
                funnel(
                    200.0,
                    &fixed(&[1.0, 1.0, 1.0, 0.05]),
                    1_000.0,
                    0.0,
                    DRAWS,
                    pts(1),
                ),
                vec![Lever::RatePoints {
                    stage: 4,
                    points: 0.01,
                }],
            ),
            Some((200, 0.05, 0.06)),
        ),
        // V = 1 000, 30 % and 20 %, +5 points at stage 2.
        (
            with_levers(
                funnel(1_000.0, &fixed(&[0.3, 0.2]), 1_000.0, 0.5, DRAWS, pts(2)),
                vec![Lever::RatePoints {
                    stage: 2,
                    points: 0.05,
                }],
            ),
            Some((1_000, 0.06, 0.075)),
        ),
        // Fewer people, one rate up and one down (the groups cross).
        (
            with_levers(
                funnel(500.0, &fixed(&[0.5, 0.4, 0.3]), 100.0, 1.0, DRAWS, pts(3)),
                vec![
                    Lever::Volume { frac: -0.2 },
                    Lever::RatePoints {
                        stage: 2,
                        points: 0.1,
                    },
                    Lever::RatePoints {
                        stage: 3,
                        points: -0.05,
                    },
                ],
            ),
            None,
        ),
        // Small n·p, more people.
        (
            with_levers(
                funnel(50.0, &fixed(&[0.1, 0.2]), 10.0, 0.3, DRAWS, pts(4)),
                vec![
                    Lever::Volume { frac: 0.3 },
                    Lever::RatePoints {
                        stage: 1,
                        points: 0.03,
                    },
                ],
            ),
            None,
        ),
        // Rates near 1, one lowered.
        (
            with_levers(
                funnel(100.0, &fixed(&[0.99, 0.98]), 10.0, 0.3, DRAWS, pts(5)),
                vec![Lever::RateRelative {
                    stage: 1,
                    frac: -0.02,
                }],
            ),
            Some((100, 0.99 * 0.98, 0.99 * 0.98 * 0.98)),
        ),
        // Rates near 0.
        (
            with_levers(
                funnel(3_000.0, &fixed(&[0.01, 0.05]), 10.0, 0.3, DRAWS, pts(6)),
                vec![Lever::RatePoints {
                    stage: 2,
                    points: 0.02,
                }],
            ),
            None,
        ),
    ]
}

/// The fast path's and the general path's joint laws of (baseline,
/// scenario) customers are the same law: a two-sample test at 1e-4 per
/// point. The comonotone pairing (the fast path's old coupling) against
/// the general path must fail it.
#[test]
fn both_paths_draw_the_same_joint_law() {
    for (j, (m, control)) in points().into_iter().enumerate() {
        let fast = pairs(&m, false);
        let general = pairs(&m, true);
        let (stat, crit) = same_law(&fast, &general);
        assert!(stat <= crit, "point {j}: {stat} > {crit}");
        if let Some((v, q0, qs)) = control {
            let c = comonotone(v, q0, qs, DRAWS, SEED + 100 + j as u64);
            let (stat, crit) = same_law(&c, &general);
            assert!(
                stat > crit,
                "point {j}: the control passes ({stat} ≤ {crit})"
            );
        }
    }
}

/// A fixed-input segment in a run that counts every stage (another segment
/// is uncertain) draws the same joint law: a run of the fixed segment with
/// an uncertain segment of no people (a volume range of 0.001–0.01, always
/// 0 people) against the fast path of the fixed segment alone, by the same
/// two-sample test; and its stage totals against the exact binomials.
#[test]
fn a_fixed_segment_beside_an_uncertain_one_draws_the_same_law() {
    use funnelcast_engine::VolumeSpec;
    for (j, (m, _)) in points().into_iter().enumerate().take(4) {
        let fast = pairs(&m, false);
        let mut mixed = m.clone();
        let mut empty = mixed.segments[0].clone();
        empty.volume = VolumeSpec::Range {
            low: 0.001,
            high: 0.01,
        };
        empty.rates[0] = RateSpec::Evidence { k: 1, n: 2 };
        mixed.segments.insert(0, empty);
        mixed.seed += 1;
        let plan = mixed.validate().expect("valid");
        assert!(!is_fast(&plan));
        let mut got = Vec::new();
        for_each_customers(&plan, |c, _, _| got.push((c[0], c[1])));
        let (stat, crit) = same_law(&fast, &got);
        assert!(stat <= crit, "point {j}: {stat} > {crit}");
    }
}

/// The joint law against the exact one: with one rate raised at the last
/// stage and the same people, the scenario's extra customers given the
/// baseline's c0 are Binomial(V − c0, (qs − q0)/(1 − q0)); on both paths,
/// a chi-square test of the extra customers against that mixture.
#[test]
fn extra_customers_follow_the_exact_mixture() {
    for (v, q0, qs, seed) in [
        (200u64, 0.05, 0.06, SEED + 201),
        (1_000, 0.06, 0.075, SEED + 202),
        (40, 0.5, 0.9, SEED + 203),
    ] {
        let g = (qs - q0) / (1.0 - q0);
        let base = Binomial::new(q0, v).expect("binomial");
        let pmf = |d: u64| -> f64 {
            (0..=v)
                .map(|c| {
                    let w = base.pmf(c);
                    if w < 1e-15 || d > v - c {
                        0.0
                    } else {
                        w * Binomial::new(g, v - c).expect("binomial").pmf(d)
                    }
                })
                .sum()
        };
        let m = with_levers(
            funnel(v as f64, &fixed(&[q0]), 10.0, 0.0, DRAWS, seed),
            vec![Lever::RatePoints {
                stage: 1,
                points: qs - q0,
            }],
        );
        for general in [false, true] {
            let extra = tally(pairs(&m, general).iter().map(|&(c0, cs)| cs - c0));
            let t = chi_square(&extra, v, pmf);
            assert!(t.passes(), "V={v} general={general}: {t:?}");
        }
    }
}

/// P(beat) from the draws: with 200 people, 5 % → 6 % and one deal law,
/// the scenario earns more exactly when it has extra customers, so
/// P(more) = Σ P(c0)·(1 − (1 − g)^(V − c0)) whatever the deal's spread
/// (cv 0, 500 %, 1000 %), on both paths; P(beat) = P(more) + ½ P(equal).
#[test]
fn p_beat_does_not_depend_on_the_deal_spread() {
    let (v, q0, qs) = (200u64, 0.05, 0.06);
    let g = (qs - q0) / (1.0 - q0);
    let base = Binomial::new(q0, v).expect("binomial");
    let p_more: f64 = (0..=v)
        .map(|c| base.pmf(c) * (1.0 - (1.0 - g).powi((v - c) as i32)))
        .sum();
    let tol = 3.9 * (p_more * (1.0 - p_more) / DRAWS as f64).sqrt();
    for (j, cv) in [0.0, 5.0, 10.0].into_iter().enumerate() {
        let m = with_levers(
            funnel(
                v as f64,
                &fixed(&[1.0, 1.0, 1.0, q0]),
                1_000.0,
                cv,
                DRAWS,
                SEED + 300 + j as u64,
            ),
            vec![Lever::RatePoints {
                stage: 4,
                points: 0.01,
            }],
        );
        for general in [false, true] {
            let mut plan = m.validate().expect("valid");
            if general {
                plan = plan.with_general_path();
            }
            let r = simulate(&plan);
            let c = r.scenarios[1].vs_baseline.as_ref().expect("a scenario");
            assert!(
                (c.p_more - p_more).abs() < tol,
                "cv {cv} general {general}: {} vs {p_more}",
                c.p_more
            );
            assert!((c.p_more + c.p_equal - 1.0).abs() < 1e-12, "never less");
            assert_eq!(c.p_beat, c.p_more + 0.5 * c.p_equal);
            assert!(c.p_beat_err > 0.0 && c.p_beat_err < 0.01);
        }
    }
}

/// Goal seek on either lever, on either path, and with a rate typed as
/// evidence (an uncertain input: the general path), answers with a change
/// whose exact probability of reaching the target is the one asked for,
/// within the search's Monte Carlo error; a clearly smaller change falls
/// short. Before, the general path never applied the baseline's rate change.
#[test]
fn goal_seek_works_on_both_levers_and_both_paths() {
    use funnelcast_engine::goal::{GOAL_TRIALS, GOAL_TRIALS_GENERAL};
    use funnelcast_engine::{goal_seek_lever, GoalLever};
    let (n, p, mu, cv) = (500u64, 0.04, 2_000.0, 0.7);
    let (alpha, theta) = (1.0 / (cv * cv), mu * cv * cv);
    // P(revenue ≥ t) with n people at rate p.
    let reach_at = |n: u64, p: f64, t: f64| -> f64 {
        // A native test, never in the page (clippy.toml: `f64::clamp` formats
        // floats in its panic message).
        #[allow(clippy::disallowed_methods)]
        let bin = Binomial::new(p.clamp(0.0, 1.0), n).expect("binomial");
        (1..=n)
            .map(|c| {
                let w = bin.pmf(c);
                if w < 1e-18 {
                    0.0
                } else {
                    let gamma = Gamma::new(c as f64 * alpha, 1.0 / theta).expect("gamma");
                    w * (1.0 - gamma.cdf(t))
                }
            })
            .sum()
    };
    // The evidence rate: Beta(k + 1, n − k + 1), averaged over 64 of its
    // quantiles (its spread is tiny next to the binomial's).
    let (ek, en) = (399_999u64, 10_000_000u64);
    let beta = Beta::new((ek + 1) as f64, (en - ek + 1) as f64).expect("beta");
    let rates: Vec<f64> = (0..64)
        .map(|j| beta.inverse_cdf((j as f64 + 0.5) / 64.0))
        .collect();
    let (t, q) = (50_000.0, 0.9);
    let cases: [(&str, RateSpec, bool); 3] = [
        ("fixed, fast", RateSpec::Fixed { value: p }, false),
        ("fixed, general", RateSpec::Fixed { value: p }, true),
        ("evidence", RateSpec::Evidence { k: ek, n: en }, true),
    ];
    for (name, rate, general) in cases {
        let trials = if general {
            GOAL_TRIALS_GENERAL
        } else {
            GOAL_TRIALS
        };
        let se = (q * (1.0 - q) / trials as f64).sqrt();
        let m = funnel(n as f64, &[rate], mu, cv, trials, SEED + 400);
        let mut plan = m.validate().expect("valid");
        if general {
            plan = plan.with_general_path();
        }
        let uncertain = matches!(rate, RateSpec::Evidence { .. });
        let reach = |vol: u64, x: f64| -> f64 {
            if uncertain {
                rates.iter().map(|r| reach_at(vol, r + x, t)).sum::<f64>() / 64.0
            } else {
                reach_at(vol, p + x, t)
            }
        };
        // The rate.
        let g = goal_seek_lever(&plan, GoalLever::RatePoints { stage: 1 }, t, q);
        let x = g.change.expect("reachable");
        let (lo, hi) = (reach(n, x - g.tolerance), reach(n, x + g.tolerance));
        assert!(
            hi >= q - 4.5 * se && lo <= q + 4.5 * se,
            "{name}: rate +{x} reaches {lo}..{hi}"
        );
        assert!(reach(n, x - 0.005) < q - 4.5 * se, "{name}: rate +{x}");
        // The volume.
        let g = goal_seek_lever(&plan, GoalLever::Volume, t, q);
        let f = 1.0 + g.change.expect("reachable");
        let vol = |f: f64| (n as f64 * f).round() as u64;
        let (lo, hi) = (
            reach(vol(f - g.tolerance * 2.0), 0.0),
            reach(vol(f + g.tolerance * 2.0), 0.0),
        );
        assert!(
            hi >= q - 4.5 * se && lo <= q + 4.5 * se,
            "{name}: volume ×{f} reaches {lo}..{hi}"
        );
        assert!(
            reach(vol(f * 0.9), 0.0) < q - 4.5 * se,
            "{name}: volume ×{f}"
        );
    }
}
