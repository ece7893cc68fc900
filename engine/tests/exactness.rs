//! Exactness of the simulated laws against exact distributions from statrs
//! (engine/README.md, "Tests"). Seeds were fixed before the tests were written.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::*;
use funnelcast_engine::rng::{seeded, Xoshiro256PlusPlus};
use funnelcast_engine::simulate::for_each_customers;
use funnelcast_engine::{binomial, hypergeometric, Lever, Model, RateSpec, ScenarioSpec, Scope};
use statrs::distribution::{Binomial, Continuous, ContinuousCDF, Discrete, Gamma, Hypergeometric};
use statrs::function::beta::ln_beta;

const DRAWS: u32 = 100_000;
const SEED: u64 = 20_261_127;

/// (volume, rates): customers ~ Binomial(volume, ∏ rates).
fn points() -> Vec<(f64, Vec<f64>)> {
    vec![
        (50.0, vec![0.3]),
        (200.0, vec![0.3]),
        (1.0, vec![0.7]),
        (5.0, vec![0.5]),
        (12.0, vec![0.99]),
        (40.0, vec![0.01]),
        (20.0, vec![0.05]),
        (7.0, vec![0.2, 0.5]),
        (30.0, vec![0.9, 0.9]),
        (60.0, vec![0.6]),
        (100.0, vec![0.5]),
        (150.0, vec![0.33, 0.33]),
        (250.0, vec![0.04]),
        (500.0, vec![0.02]),
        (800.0, vec![0.25]),
        (1_000.0, vec![0.001]),
        (1_000.0, vec![0.999]),
        (1_000.0, vec![0.5]),
        (2_500.0, vec![0.004]),
        (3_000.0, vec![0.7, 0.8, 0.9]),
        (10_000.0, vec![0.25, 0.32, 0.25, 0.30]),
        (10_000.0, vec![0.97]),
        (100_000.0, vec![0.1]),
        (100_000.0, vec![1e-5]),
        (100_000.0, vec![0.5, 0.02]),
        (1_000_000.0, vec![0.01]),
        (1_000_000.0, vec![0.999_999]),
        (10_000_000.0, vec![0.25]),
        (10_000_000.0, vec![0.5, 0.5]),
        (1e9, vec![1e-7]),
        (1e9, vec![0.5, 0.5, 0.5, 0.5]),
    ]
}

fn customers(model: &Model, general: bool, scenario: usize) -> Vec<u64> {
    let mut plan = model.validate().expect("valid");
    if general {
        plan = plan.with_general_path();
    }
    // The run's own draws: the fast path's blocks when every input is
    // fixed (and not forced general).
    let mut out = Vec::with_capacity(plan.trials() as usize);
    for_each_customers(&plan, |c, _, _| out.push(c[scenario]));
    out
}

fn check_binomial(draws: &[u64], n: u64, p: f64) -> ChiSquare {
    let d = Binomial::new(p, n).expect("binomial");
    chi_square(&tally(draws.iter().copied()), n, |x| d.pmf(x))
}

#[test]
fn customers_are_binomial_on_both_paths() {
    let mut failures = Vec::new();
    for (j, (v, rates)) in points().into_iter().enumerate() {
        let p: f64 = rates.iter().product();
        for general in [false, true] {
            let m = funnel(v, &fixed(&rates), 1.0, 0.0, DRAWS, SEED + j as u64);
            let c = customers(&m, general, 0);
            let t = check_binomial(&c, v as u64, p);
            if !t.passes() {
                failures.push(format!("V={v} rates={rates:?} general={general}: {t:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Scenarios are coupled to the baseline; their own law must stay exact:
/// customers ~ Binomial(round(V·(1+x)), ∏ r_s), also when the scenario has
/// fewer people than the baseline (the hypergeometric branch) or lower rates.
#[test]
fn scenario_customers_are_binomial_on_both_paths() {
    type Case = (f64, Vec<f64>, Vec<Lever>, f64, Vec<f64>);
    let cases: Vec<Case> = vec![
        // (volume, rates, levers, scenario volume, scenario rates)
        (
            10_000.0,
            vec![0.25, 0.32, 0.25, 0.3],
            vec![Lever::Volume { frac: 0.3 }],
            13_000.0,
            vec![0.25, 0.32, 0.25, 0.3],
        ),
        (
            10_000.0,
            vec![0.25, 0.32, 0.25, 0.3],
            vec![Lever::Volume { frac: -0.2 }],
            8_000.0,
            vec![0.25, 0.32, 0.25, 0.3],
        ),
        (
            10_000.0,
            vec![0.25, 0.32, 0.25, 0.3],
            vec![Lever::RatePoints {
                stage: 2,
                points: 0.05,
            }],
            10_000.0,
            vec![0.25, 0.37, 0.25, 0.3],
        ),
        (
            2_000.0,
            vec![0.5, 0.4],
            vec![
                Lever::RateRelative {
                    stage: 1,
                    frac: -0.3,
                },
                Lever::Volume { frac: 0.1 },
            ],
            2_200.0,
            vec![0.35, 0.4],
        ),
        (
            300.0,
            vec![0.3, 0.5],
            vec![
                Lever::Volume { frac: -0.5 },
                Lever::RatePoints {
                    stage: 2,
                    points: 0.2,
                },
            ],
            150.0,
            vec![0.3, 0.7],
        ),
        (
            50.0,
            vec![0.3],
            vec![Lever::RatePoints {
                stage: 1,
                points: -0.2,
            }],
            50.0,
            vec![0.1],
        ),
        (
            100_000.0,
            vec![0.02, 0.5],
            vec![
                Lever::RateRelative {
                    stage: 1,
                    frac: 1.0,
                },
                Lever::Volume { frac: -0.9 },
            ],
            10_000.0,
            vec![0.04, 0.5],
        ),
        (
            1_000.0,
            vec![0.9, 0.9],
            vec![Lever::RatePoints {
                stage: 1,
                points: 0.5,
            }],
            1_000.0,
            vec![1.0, 0.9],
        ),
    ];
    let mut failures = Vec::new();
    for (j, (v, rates, levers, vs, rs)) in cases.into_iter().enumerate() {
        let mut m = funnel(v, &fixed(&rates), 1.0, 0.0, DRAWS, SEED + 100 + j as u64);
        m.scenarios.push(ScenarioSpec {
            scope: Scope::All,
            levers,
            cost: None,
        });
        let p: f64 = rs.iter().product();
        for general in [false, true] {
            let c = customers(&m, general, 1);
            let t = check_binomial(&c, vs as u64, p);
            if !t.passes() {
                failures.push(format!("case {j} general={general}: {t:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Negative control: the same test must reject a law whose p is off by 1 %.
/// At n = 10 000, p = 0.3 the shift (30 people) is 0.65 sd of one draw, so
/// 10^5 draws detect it with overwhelming power.
#[test]
fn negative_control_rejects_p_off_by_one_percent() {
    let (n, p) = (10_000.0, 0.3);
    for general in [false, true] {
        let m = funnel(n, &fixed(&[p * 1.01]), 1.0, 0.0, DRAWS, SEED + 7);
        let c = customers(&m, general, 0);
        let t = check_binomial(&c, n as u64, p);
        assert!(!t.passes(), "general={general}: {t:?}");
        // …while the right p passes on the same seed.
        let m = funnel(n, &fixed(&[p]), 1.0, 0.0, DRAWS, SEED + 7);
        assert!(check_binomial(&customers(&m, general, 0), n as u64, p).passes());
    }
}

/// The binomial sampler against the exact pmf at each point, drawing in the
/// order given; all failing points are reported together.
fn assert_binomial_points(rng: &mut Xoshiro256PlusPlus, points: &[(u64, f64)]) {
    let mut failures = Vec::new();
    for &(n, p) in points {
        let xs: Vec<u64> = (0..DRAWS).map(|_| binomial::binomial(n, p, rng)).collect();
        let t = check_binomial(&xs, n, p);
        if !t.passes() {
            failures.push(format!("n={n} p={p}: {t:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn binomial_sampler_direct() {
    let mut rng = seeded(SEED, 1);
    assert_binomial_points(
        &mut rng,
        &[
            (10u64, 0.5),
            (33, 0.3),
            (1000, 0.0101),
            (1000, 0.011),
            (5000, 0.7),
            (1 << 40, 0.3),
            (17, 0.95),
        ],
    );
}

#[test]
fn hypergeometric_sampler_direct() {
    let mut rng = seeded(SEED, 2);
    let mut failures = Vec::new();
    for &(total, succ, draws) in &[
        (50u64, 20u64, 10u64),
        (1000, 300, 800),
        (10_000, 2_500, 9_000),
        (100_000, 50, 40_000),
        (2_000_000, 600_000, 100_000),
    ] {
        // statrs' Hypergeometric pmf overflows for large N: build it from ln_gamma
        // (checked against statrs where that works).
        let lc = |a: u64, b: u64| {
            use statrs::function::gamma::ln_gamma;
            ln_gamma(a as f64 + 1.0) - ln_gamma(b as f64 + 1.0) - ln_gamma((a - b) as f64 + 1.0)
        };
        let pmf = |x: u64| {
            if x > succ || draws - x > total - succ {
                0.0
            } else {
                (lc(succ, x) + lc(total - succ, draws - x) - lc(total, draws)).exp()
            }
        };
        if total <= 1000 {
            let d = Hypergeometric::new(total, succ, draws).expect("hypergeometric");
            for x in 0..=draws.min(succ) {
                assert!((d.pmf(x) - pmf(x)).abs() < 1e-9, "pmf({x})");
            }
        }
        let xs: Vec<u64> = (0..DRAWS)
            .map(|_| hypergeometric::hypergeometric(total, succ, draws, &mut rng))
            .collect();
        let t = chi_square(&tally(xs), draws.min(succ), pmf);
        if !t.passes() {
            failures.push(format!("N={total} K={succ} n={draws}: {t:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// One stage's rate from evidence: customers ~ Beta-binomial(V, k+1, n−k+1).
#[test]
fn evidence_rate_gives_beta_binomial_customers() {
    let mut failures = Vec::new();
    for (j, &(v, k, n)) in [
        (100u64, 3u64, 10u64),
        (1_000, 60, 200),
        (50, 0, 0),
        (5_000, 2_500, 10_000),
    ]
    .iter()
    .enumerate()
    {
        let m = funnel(
            v as f64,
            &[RateSpec::Evidence { k, n }],
            1.0,
            0.0,
            DRAWS,
            SEED + 200 + j as u64,
        );
        let (a, b) = ((k + 1) as f64, (n - k + 1) as f64);
        let ln_choose = |c: u64| {
            statrs::function::gamma::ln_gamma(v as f64 + 1.0)
                - statrs::function::gamma::ln_gamma(c as f64 + 1.0)
                - statrs::function::gamma::ln_gamma((v - c) as f64 + 1.0)
        };
        let pmf = |c: u64| {
            (ln_choose(c) + ln_beta(c as f64 + a, (v - c) as f64 + b) - ln_beta(a, b)).exp()
        };
        let t = chi_square(&tally(customers(&m, false, 0)), v, pmf);
        if !t.passes() {
            failures.push(format!("V={v} k={k} n={n}: {t:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Revenue = Gamma(c·α, θ) given c customers, c ~ Binomial(n, p):
/// E = n p μ, Var = n p μ² cv² + μ² n p (1 − p). Mean within 4.5 standard
/// errors; variance within 4.5 standard errors estimated from 50 batches.
#[test]
fn revenue_moments_match_the_binomial_gamma_mixture() {
    for (j, &(n, p, mu, cv)) in [
        (1_000.0, 0.05, 5_000.0, 0.5),
        (10_000.0, 0.006, 5_000.0, 0.5),
        (40.0, 0.1, 100.0, 2.0),
        (200.0, 0.3, 1.0, 0.05),
    ]
    .iter()
    .enumerate()
    {
        for general in [false, true] {
            let m = funnel(n, &fixed(&[p]), mu, cv, 200_000, SEED + 300 + j as u64);
            let mut plan = m.validate().expect("valid");
            if general {
                plan = plan.with_general_path();
            }
            let mut rev = Vec::new();
            for_each_customers(&plan, |_, r, _| rev.push(r[0]));
            let t = rev.len() as f64;
            let mean_exact = n * p * mu;
            let var_exact = n * p * mu * mu * cv * cv + mu * mu * n * p * (1.0 - p);
            let mean = rev.iter().sum::<f64>() / t;
            let se = (var_exact / t).sqrt();
            assert!(
                (mean - mean_exact).abs() < 4.5 * se,
                "n={n} p={p} general={general}: mean {mean} vs {mean_exact} (se {se})"
            );
            let batches: Vec<f64> = rev
                .chunks(rev.len() / 50)
                .map(|b| {
                    let m = b.iter().sum::<f64>() / b.len() as f64;
                    b.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (b.len() - 1) as f64
                })
                .collect();
            let bm = batches.iter().sum::<f64>() / batches.len() as f64;
            let bsd = (batches.iter().map(|x| (x - bm) * (x - bm)).sum::<f64>()
                / (batches.len() - 1) as f64)
                .sqrt();
            let bse = bsd / (batches.len() as f64).sqrt();
            assert!(
                (bm - var_exact).abs() < 4.5 * bse,
                "n={n} p={p} general={general}: var {bm} vs {var_exact} (se {bse})"
            );
        }
    }
}

/// The revenue CDF at a few points against the exact mixture
/// Σ_c pmf(c)·GammaCDF(x; cα, θ), within 4.5 binomial standard errors.
#[test]
fn revenue_cdf_matches_the_exact_mixture() {
    let (n, p, mu, cv) = (500u64, 0.04, 2_000.0, 0.7);
    let (alpha, theta) = (1.0 / (cv * cv), mu * cv * cv);
    let bin = Binomial::new(p, n).expect("binomial");
    let cdf = |x: f64| {
        (0..=n)
            .map(|c| {
                let w = bin.pmf(c);
                if c == 0 {
                    w
                } else if w < 1e-18 {
                    0.0
                } else {
                    w * Gamma::new(c as f64 * alpha, 1.0 / theta)
                        .expect("gamma")
                        .cdf(x)
                }
            })
            .sum::<f64>()
    };
    for general in [false, true] {
        let m = funnel(n as f64, &fixed(&[p]), mu, cv, DRAWS, SEED + 400);
        let mut plan = m.validate().expect("valid");
        if general {
            plan = plan.with_general_path();
        }
        let mut rev = Vec::new();
        for_each_customers(&plan, |_, r, _| rev.push(r[0]));
        for x in [0.0, 20_000.0, 35_000.0, 40_000.0, 50_000.0, 70_000.0] {
            let f = cdf(x);
            let emp = rev.iter().filter(|&&r| r <= x).count() as f64 / rev.len() as f64;
            let se = (f * (1.0 - f) / rev.len() as f64).sqrt().max(1e-6);
            assert!(
                (emp - f).abs() < 4.5 * se,
                "x={x} general={general}: {emp} vs {f}"
            );
        }
        // A Gamma density sanity check that statrs agrees with itself.
        assert!(Gamma::new(2.0, 1.0).unwrap().pdf(1.0) > 0.0);
    }
}

/// The normal sampler (a ziggurat on tables built at run time) against the
/// exact normal CDF: 2·10^6 draws counted in bins of 0.05 on [−6, 6] (end
/// bins open), so the layers' edges, the wedges and the tail beyond r ≈ 3.65
/// (some 500 draws) are all checked.
#[test]
fn standard_normal_sampler_direct() {
    use funnelcast_engine::normal::standard_normal;
    use statrs::distribution::Normal;
    let nd = Normal::new(0.0, 1.0).expect("normal");
    const W: f64 = 0.05;
    const LO: f64 = -6.0;
    const NB: u64 = 240;
    let bin = |x: f64| (((x - LO) / W).floor().max(0.0) as u64).min(NB - 1);
    let mut rng = seeded(SEED, 3);
    let xs = (0..2_000_000).map(|_| bin(standard_normal(&mut rng)));
    let t = chi_square(&tally(xs), NB - 1, |b| {
        let a = if b == 0 {
            f64::NEG_INFINITY
        } else {
            LO + b as f64 * W
        };
        let c = if b == NB - 1 {
            f64::INFINITY
        } else {
            LO + (b + 1) as f64 * W
        };
        nd.cdf(c) - nd.cdf(a)
    });
    assert!(t.passes(), "{t:?}");
}

/// On the fast path the stage summaries before the last stage come from the
/// exact laws (no sampling): each equals the statrs Binomial's mean and
/// quantiles (smallest x with F(x) ≥ q), and for two fixed segments those of
/// the convolution of their binomials, built here from statrs pmfs.
#[test]
fn fast_path_stage_summaries_are_the_exact_laws() {
    use funnelcast_engine::{simulate, DealSpec, SegmentSpec, VolumeSpec};
    let quantile = |pmf: &dyn Fn(u64) -> f64, max: u64, q: f64| {
        let mut acc = 0.0;
        for x in 0..=max {
            acc += pmf(x);
            if acc >= q {
                return x as f64;
            }
        }
        max as f64
    };
    // One segment, with a scenario (+30 % volume, +5 points at stage 2).
    let mut m = funnel(
        10_000.0,
        &fixed(&[0.25, 0.32, 0.25, 0.3]),
        5_000.0,
        0.5,
        2_000,
        SEED,
    );
    m.scenarios.push(ScenarioSpec {
        scope: Scope::All,
        levers: vec![
            Lever::Volume { frac: 0.3 },
            Lever::RatePoints {
                stage: 2,
                points: 0.05,
            },
        ],
        cost: None,
    });
    let r = simulate(&m.validate().expect("valid"));
    for (s, (v, rates)) in [
        (10_000u64, [0.25, 0.32, 0.25, 0.3]),
        (13_000, [0.25, 0.37, 0.25, 0.3]),
    ]
    .into_iter()
    .enumerate()
    {
        let st = &r.scenarios[s].stages;
        assert_eq!(st[0].p50, v as f64);
        let mut p = 1.0;
        // Every stage, the last (the customers) included.
        assert_eq!(st.len(), 5);
        for i in 1..5 {
            p *= rates[i - 1];
            let d = Binomial::new(p, v).expect("binomial");
            let pmf = |x: u64| d.pmf(x);
            assert!(
                (st[i].mean - v as f64 * p).abs() < 1e-9 * v as f64,
                "s{s} stage {i}"
            );
            for (q, got) in [(0.05, st[i].p5), (0.5, st[i].p50), (0.95, st[i].p95)] {
                assert_eq!(got, quantile(&pmf, v, q), "s{s} stage {i} q{q}");
            }
        }
    }
    // Two fixed segments: the stage total is the convolution.
    m.scenarios.clear();
    m.segments.push(SegmentSpec {
        volume: VolumeSpec::Fixed { value: 2_000.0 },
        rates: fixed(&[0.3, 0.4, 0.35, 0.4]),
        deal: DealSpec {
            mean: 40_000.0,
            cv: 0.8,
        },
    });
    let r = simulate(&m.validate().expect("valid"));
    let (pa, pb) = (0.25 * 0.32, 0.3 * 0.4);
    let (da, db) = (
        Binomial::new(pa, 10_000).expect("a"),
        Binomial::new(pb, 2_000).expect("b"),
    );
    let conv = |x: u64| {
        (0..=x.min(2_000))
            .map(|y| db.pmf(y) * da.pmf(x - y))
            .sum::<f64>()
    };
    let st = &r.scenarios[0].stages[2];
    assert!((st.mean - (10_000.0 * pa + 2_000.0 * pb)).abs() < 1e-8);
    for (q, got) in [(0.05, st.p5), (0.5, st.p50), (0.95, st.p95)] {
        assert_eq!(got, quantile(&conv, 12_000, q), "q{q}");
    }
    // A 100 % last rate: the last stage is the one before it, exactly (drawn
    // customers would put its mean a hair above or below).
    m.segments.truncate(1);
    m.segments[0].rates = fixed(&[0.25, 0.32, 0.25, 1.0]);
    let r = simulate(&m.validate().expect("valid"));
    let st = &r.scenarios[0].stages;
    assert_eq!(st[4], st[3]);
    assert!((st[4].mean - 200.0).abs() < 1e-9, "{}", st[4].mean);
}

/// The rejection sampler's regime (n·p ≥ 10 after p ↦ min(p, 1 − p)) at
/// its edges: n·p at the threshold with a small or a tiny p, p = ½, and a
/// large spread, where the squeeze and the Stirling test both run.
#[test]
fn binomial_sampler_rejection_regime() {
    let mut rng = seeded(SEED, 4);
    assert_binomial_points(
        &mut rng,
        &[
            (20u64, 0.5),
            (100_000, 0.0001),
            (40, 0.45),
            (25, 0.6),
            (1_000_000, 0.5),
            (3_000, 0.0347),
        ],
    );
}

/// Goal seek on a rate: the answer's exact probability of reaching the
/// target (the Binomial mixture of Gammas at the rate + the answer's
/// points) is the asked one, within the Monte Carlo error of the search's
/// trials; half a point less would be far below it.
#[test]
fn goal_seek_on_a_rate_matches_the_exact_law() {
    use funnelcast_engine::goal::GOAL_TRIALS;
    use funnelcast_engine::{goal_seek_lever, GoalLever};
    let (n, p, mu, cv) = (500u64, 0.04, 2_000.0, 0.7);
    let (alpha, theta) = (1.0 / (cv * cv), mu * cv * cv);
    // P(revenue ≥ t) with the rate p + x.
    let reach = |x: f64, t: f64| {
        let bin = Binomial::new(p + x, n).expect("binomial");
        (1..=n)
            .map(|c| {
                let w = bin.pmf(c);
                if w < 1e-18 {
                    0.0
                } else {
                    w * (1.0
                        - Gamma::new(c as f64 * alpha, 1.0 / theta)
                            .expect("gamma")
                            .cdf(t))
                }
            })
            .sum::<f64>()
    };
    let se = (0.25 / GOAL_TRIALS as f64).sqrt();
    for (t, q) in [(50_000.0, 0.5), (50_000.0, 0.9), (30_000.0, 0.95)] {
        let m = funnel(n as f64, &fixed(&[p]), mu, cv, GOAL_TRIALS, SEED + 700);
        let plan = m.validate().expect("valid");
        let g = goal_seek_lever(&plan, GoalLever::RatePoints { stage: 1 }, t, q);
        let x = g.change.expect("reachable");
        assert!(g.achieved >= q, "{g:?}");
        let (lo, hi) = (reach(x - g.tolerance, t), reach(x + g.tolerance, t));
        assert!(
            hi >= q - 4.5 * se && lo <= q + 4.5 * se,
            "t={t} q={q}: x={x} reaches {lo}..{hi}"
        );
        assert!(reach(x - 0.005, t) < q - 4.5 * se, "t={t} q={q}: x={x}");
    }
    // Unreachable at a 100 % rate; no such stage.
    let plan = funnel(n as f64, &fixed(&[p]), mu, cv, GOAL_TRIALS, SEED)
        .validate()
        .expect("valid");
    let g = goal_seek_lever(&plan, GoalLever::RatePoints { stage: 1 }, 1e9, 0.9);
    assert_eq!(g.change, None);
    let g = goal_seek_lever(&plan, GoalLever::RatePoints { stage: 5 }, 1.0, 0.9);
    assert_eq!(g.change, None);
}

/// The block sampler (`binomial_block`, the general path's) against the
/// exact pmf at each point, with the points interleaved in every block
/// (trivial, inversion, flipped and BTRD draws side by side in one pass, in
/// blocks of a length that is not a multiple of the pass), so that a draw
/// taking another's uniforms, or a box decision of the first pass differing
/// from BTRD's own, would show.
fn block_binomial_failures(points: &[(u64, f64)], law_p: impl Fn(f64) -> f64) -> Vec<String> {
    let mut rng = seeded(SEED, 5);
    let per = 40_000usize;
    let np = points.len();
    let len = 301; // one full pass of 256 and a partial one
    let total = per * np;
    let mut draws = vec![Vec::with_capacity(per); np];
    let (mut ns, mut ps, mut out) = (vec![0u64; len], vec![0.0f64; len], vec![0u64; len]);
    let mut done = 0;
    while done < total {
        for j in 0..len {
            let (n, p) = points[(done + j) % np];
            ns[j] = n;
            ps[j] = p;
        }
        binomial::binomial_block(&ns, &ps, &mut out, &mut rng);
        for j in 0..len {
            draws[(done + j) % np].push(out[j]);
        }
        done += len;
    }
    let mut failures = Vec::new();
    for (&(n, p), xs) in points.iter().zip(&draws) {
        let t = if p <= 0.0 || p >= 1.0 || n == 0 {
            let want = if p >= 1.0 { n } else { 0 };
            if xs.iter().all(|&x| x == want) {
                continue;
            }
            failures.push(format!("n={n} p={p}: not all {want}"));
            continue;
        } else {
            check_binomial(xs, n, law_p(p))
        };
        if !t.passes() {
            failures.push(format!("n={n} p={p}: {t:?}"));
        }
    }
    failures
}

const BLOCK_POINTS: [(u64, f64); 12] = [
    (10_000, 0.25),
    (2_500, 0.32),
    (800, 0.25),
    (200, 0.3),
    (25, 0.6),
    (1_000, 0.995),
    (40, 0.1),
    (0, 0.3),
    (500, 0.0),
    (70, 1.0),
    (1 << 40, 0.3),
    (3_000, 0.0347),
];

#[test]
fn binomial_block_sampler_direct() {
    let failures = block_binomial_failures(&BLOCK_POINTS, |p| p);
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Negative control for the block sampler: the same draws judged against
/// p + 1 % (a shift of 0.1–0.6 sd of one draw at these BTRD points) must fail
/// at every point where that shift is detectable with 40 000 draws.
#[test]
fn block_binomial_negative_control() {
    let points = [(10_000u64, 0.25), (2_500, 0.32), (800, 0.25), (200, 0.3)];
    let failures = block_binomial_failures(&points, |p| p * 1.01);
    assert_eq!(failures.len(), points.len(), "{failures:#?}");
}
