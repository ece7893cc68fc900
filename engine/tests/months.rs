//! Time mode (README.md, "Months"): the monthly close law against an
//! independent computation, and the time-mode run against exact laws.

mod common;

use common::{chi_square, fixed, funnel, tally};
use funnelcast_engine::lag::{close_law, Lag, MONTH_DAYS};
use funnelcast_engine::months::{
    for_each_month_trial, simulate_months, LagSpec, MonthSimulation, TimePlan, TimeSpec,
};
use funnelcast_engine::{Field, Lever, Model, Problem, RateSpec, ScenarioSpec, Scope};
use statrs::distribution::{Binomial, ContinuousCDF, Discrete, DiscreteCDF, Normal};

/// 8-point Gauss–Legendre nodes and weights on [−1, 1].
const GL: [(f64, f64); 8] = [
    (-0.960_289_856_497_536_2, 0.101_228_536_290_376_26),
    (-0.796_666_477_413_626_7, 0.222_381_034_453_374_47),
    (-0.525_532_409_916_329, 0.313_706_645_877_887_3),
    (-0.183_434_642_495_649_8, 0.362_683_783_378_362),
    (0.183_434_642_495_649_8, 0.362_683_783_378_362),
    (0.525_532_409_916_329, 0.313_706_645_877_887_3),
    (0.796_666_477_413_626_7, 0.222_381_034_453_374_47),
    (0.960_289_856_497_536_2, 0.101_228_536_290_376_26),
];

/// ∫ f over [a, b] by composite 8-point Gauss–Legendre on `pieces` pieces.
fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64, pieces: usize) -> f64 {
    let w = (b - a) / pieces as f64;
    (0..pieces)
        .map(|p| {
            let mid = a + (p as f64 + 0.5) * w;
            GL.iter()
                .map(|&(x, wt)| wt * f(mid + x * w / 2.0))
                .sum::<f64>()
                * w
                / 2.0
        })
        .sum()
}

/// A lognormal lag as (mu, sigma) from its median and P90.
fn ln_params(median: f64, p90: f64) -> (f64, f64) {
    let z90 = Normal::new(0.0, 1.0).unwrap().inverse_cdf(0.9);
    (median.ln(), (p90.ln() - median.ln()) / z90)
}

/// ∫₀ˣ F(y) dy for a lognormal (textbook partial expectation, with statrs'
/// normal CDF): x·Φ(d) − e^{μ+σ²/2}·Φ(d − σ), d = (ln x − μ)/σ.
fn lognormal_partial(x: f64, mu: f64, sigma: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let n = Normal::new(0.0, 1.0).unwrap();
    let d = (x.ln() - mu) / sigma;
    x * n.cdf(d) - (mu + sigma * sigma / 2.0).exp() * n.cdf(d - sigma)
}

/// P(U + c + L1 + L2 < a), U uniform on [0, 30): with L2 integrated out
/// numerically (in z = (ln y − μ₂)/σ₂) and U + L1 in closed form. `l2 =
/// None`: one lognormal lag.
fn below(a: f64, c: f64, l1: (f64, f64), l2: Option<(f64, f64)>) -> f64 {
    let given = |y: f64| {
        (lognormal_partial(a - c - y, l1.0, l1.1)
            - lognormal_partial(a - c - y - MONTH_DAYS, l1.0, l1.1))
            / MONTH_DAYS
    };
    match l2 {
        None => given(0.0),
        Some((mu, sigma)) => {
            let pdf = |z: f64| (-z * z / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
            integrate(|z| pdf(z) * given((mu + sigma * z).exp()), -9.0, 9.0, 900)
        }
    }
}

/// The reference monthly law for `months` months and its total variation
/// distance to the engine's.
fn tv_to_reference(
    lags: &[Lag],
    c: f64,
    l1: (f64, f64),
    l2: Option<(f64, f64)>,
    months: usize,
) -> f64 {
    let law = close_law(lags, months);
    let cdf: Vec<f64> = (0..=months)
        .map(|m| below(m as f64 * MONTH_DAYS, c, l1, l2))
        .collect();
    let mut tv = 0.0;
    for m in 0..months {
        tv += (law.within[m] - (cdf[m + 1] - cdf[m])).abs();
    }
    tv += (law.beyond - (1.0 - cdf[months])).abs();
    tv / 2.0
}

#[test]
fn fixed_lags_shift_the_entry_day() {
    // 45 days in all: half the customers close in the next month, half in
    // the one after.
    let lags = [Lag::new(15.0, 15.0).unwrap(), Lag::new(30.0, 30.0).unwrap()];
    let law = close_law(&lags, 4);
    let want = [0.0, 0.5, 0.5, 0.0];
    for (got, want) in law.within.iter().zip(want) {
        assert!((got - want).abs() < 1e-15, "{:?}", law.within);
    }
    assert!(law.beyond.abs() < 1e-15);
    // No lag: every customer closes in the month they entered.
    let law = close_law(&[Lag::none(), Lag::none()], 3);
    assert_eq!(law.within, vec![1.0, 0.0, 0.0]);
    // Past the horizon.
    let law = close_law(&[Lag::new(400.0, 400.0).unwrap()], 12);
    assert!(law.within.iter().all(|&q| q == 0.0) && law.beyond == 1.0);
}

#[test]
fn one_lognormal_lag_matches_its_closed_form_to_1e_6() {
    for (median, p90, months) in [
        (14.0, 28.0, 12),
        (3.0, 4.0, 6),
        (60.0, 300.0, 36),
        (0.5, 2.0, 3),
    ] {
        let lag = Lag::new(median, p90).unwrap();
        let tv = tv_to_reference(&[lag], 0.0, ln_params(median, p90), None, months);
        assert!(tv < 1e-6, "median {median}, p90 {p90}: TV {tv:e}");
    }
}

#[test]
fn two_lognormal_lags_and_a_fixed_one_match_numerical_integration_to_1e_6() {
    // w6's first lags (7 and 14 days, P90 twice), a slow enterprise pair,
    // and a narrow lag beside a wide one; with and without a fixed lag.
    let cases = [
        ((7.0, 14.0), (14.0, 28.0), 0.0, 12),
        ((35.0, 70.0), (150.0, 300.0), 0.0, 12),
        ((2.0, 2.2), (30.0, 90.0), 0.0, 12),
        ((7.0, 14.0), (21.0, 42.0), 10.0, 12),
    ];
    for ((m1, q1), (m2, q2), fixed, months) in cases {
        let mut lags = vec![Lag::new(m1, q1).unwrap(), Lag::new(m2, q2).unwrap()];
        if fixed > 0.0 {
            lags.push(Lag::new(fixed, fixed).unwrap());
        }
        let tv = tv_to_reference(
            &lags,
            fixed,
            ln_params(m1, q1),
            Some(ln_params(m2, q2)),
            months,
        );
        assert!(
            tv < 1e-6,
            "({m1}, {q1}) + ({m2}, {q2}) + {fixed}: TV {tv:e}"
        );
    }
}

#[test]
fn the_reference_tells_a_one_percent_change_of_median() {
    // Negative control: the same comparison finds a lag 1 % slower.
    let lags = [
        Lag::new(7.0, 14.0).unwrap(),
        Lag::new(14.0 * 1.01, 28.0).unwrap(),
    ];
    let tv = tv_to_reference(
        &lags,
        0.0,
        ln_params(7.0, 14.0),
        Some(ln_params(14.0, 28.0)),
        12,
    );
    assert!(tv > 1e-4, "TV {tv:e}");
}

#[test]
fn a_close_law_sums_to_one() {
    let lags = [
        Lag::new(7.0, 14.0).unwrap(),
        Lag::new(14.0, 28.0).unwrap(),
        Lag::new(21.0, 42.0).unwrap(),
        Lag::new(30.0, 60.0).unwrap(),
    ];
    for months in [1, 2, 12, 36] {
        let law = close_law(&lags, months);
        let total: f64 = law.within.iter().sum::<f64>() + law.beyond;
        assert!((total - 1.0).abs() < 1e-12, "{months}: {total}");
        assert!(law.within.iter().all(|&q| q >= 0.0));
    }
}

// ---- The time-mode run ----

/// The seed's case A (10,000 people, 25/32/25/30 %) per month, with w6's
/// lags: medians 7/14/21/30 days, P90 twice the median.
fn case_a(trials: u32, seed: u64) -> Model {
    funnel(
        10_000.0,
        &fixed(&[0.25, 0.32, 0.25, 0.30]),
        5_000.0,
        0.0,
        trials,
        seed,
    )
}

fn w6_lags() -> Vec<LagSpec> {
    [7.0, 14.0, 21.0, 30.0]
        .map(|median| LagSpec {
            median,
            p90: 2.0 * median,
        })
        .to_vec()
}

fn time(horizon: u32, lags: Vec<LagSpec>) -> TimeSpec {
    TimeSpec {
        horizon,
        weights: vec![],
        lags: vec![lags],
        windows: vec![],
    }
}

fn plans(m: &Model, t: &TimeSpec) -> (funnelcast_engine::Plan, TimePlan) {
    let plan = m.validate().expect("valid model");
    let tp = t.validate(&plan).expect("valid time");
    (plan, tp)
}

/// The pmf of a sum of independent Binomial(n_j, p_j), by convolution.
fn binomial_sum_pmf(parts: &[(u64, f64)]) -> Vec<f64> {
    let mut pmf = vec![1.0];
    for &(n, p) in parts {
        let b = Binomial::new(p.min(1.0), n).unwrap();
        // The mass that matters: up to 12 sds above the mean.
        let top =
            ((n as f64 * p) + 12.0 * (n as f64 * p * (1.0 - p)).sqrt() + 12.0).min(n as f64) as u64;
        let part: Vec<f64> = (0..=top).map(|x| b.pmf(x)).collect();
        let mut next = vec![0.0; pmf.len() + part.len() - 1];
        for (i, a) in pmf.iter().enumerate() {
            for (j, b) in part.iter().enumerate() {
                next[i + j] += a * b;
            }
        }
        pmf = next;
    }
    pmf
}

#[test]
fn monthly_customers_follow_the_exact_convolution_of_binomials() {
    // Month m's customers: Σ over cohorts t ≤ m of Bin(V, P·q(m − t)),
    // independent across cohorts (README.md, "Months").
    let p = 0.25 * 0.32 * 0.25 * 0.30;
    for lags in [
        w6_lags(),
        vec![
            LagSpec {
                median: 20.0,
                p90: 20.0
            };
            4
        ],
    ] {
        let (plan, tp) = plans(&case_a(20_000, 7), &time(12, lags.clone()));
        let q = close_law(
            &lags
                .iter()
                .map(|l| Lag::new(l.median, l.p90).unwrap())
                .collect::<Vec<_>>(),
            12,
        )
        .within;
        for m in [0usize, 3, 11] {
            let mut draws = Vec::new();
            for_each_month_trial(&plan, &tp, |_, t| draws.push(t.month_customers[m]));
            let parts: Vec<(u64, f64)> = (0..=m).map(|t| (10_000, p * q[m - t])).collect();
            let pmf = binomial_sum_pmf(&parts);
            let got = chi_square(&tally(draws.iter().copied()), pmf.len() as u64 - 1, |x| {
                pmf.get(x as usize).copied().unwrap_or(0.0)
            });
            assert!(got.passes(), "month {}: {got:?}", m + 1);
            // Negative control: a law 5 % slower to convert is told apart
            // (where the month has customers enough to tell: month 1 has
            // almost none with these lags).
            let expected: f64 = parts.iter().map(|&(n, p)| n as f64 * p).sum();
            if expected < 50.0 {
                continue;
            }
            let parts: Vec<(u64, f64)> = (0..=m).map(|t| (10_000, 0.95 * p * q[m - t])).collect();
            let pmf = binomial_sum_pmf(&parts);
            let off = chi_square(&tally(draws.iter().copied()), pmf.len() as u64 - 1, |x| {
                pmf.get(x as usize).copied().unwrap_or(0.0)
            });
            assert!(!off.passes(), "month {}: the control passed {off:?}", m + 1);
        }
    }
}

#[test]
fn monthly_revenue_has_the_mean_of_its_exact_law() {
    // Deals Gamma with mean 5,000 and cv 0.5: E[revenue in month m] =
    // 5,000 · Σ_t V·P·q(m − t); each trial's mean within 4.5 standard errors.
    let p = 0.25 * 0.32 * 0.25 * 0.30;
    let model = funnel(
        10_000.0,
        &fixed(&[0.25, 0.32, 0.25, 0.30]),
        5_000.0,
        0.5,
        20_000,
        11,
    );
    let (plan, tp) = plans(&model, &time(12, w6_lags()));
    let q = &tp.close(0).within;
    let r = simulate_months(&plan, &tp);
    for m in [0usize, 1, 5, 11] {
        let want = 5_000.0 * (0..=m).map(|t| 10_000.0 * p * q[m - t]).sum::<f64>();
        let mut xs = Vec::new();
        for_each_month_trial(&plan, &tp, |_, t| xs.push(t.month_revenue[m]));
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let got = r.scenarios[0].month_revenue[m].mean;
        assert!((got - mean).abs() <= 1e-9 * mean, "{got} vs {mean}");
        assert!(
            (mean - want).abs() < 4.5 * sd / n.sqrt(),
            "month {}: {mean} vs {want}",
            m + 1
        );
        // Negative control: a deal 3 % larger is outside the bound (where
        // the month has customers enough to tell).
        if want > 50.0 * 5_000.0 {
            assert!(
                (mean - 1.03 * want).abs() > 4.5 * sd / n.sqrt(),
                "month {}",
                m + 1
            );
        }
    }
}

#[test]
fn every_customer_closes_in_one_month_or_after_the_horizon() {
    // Trial by trial: monthly customers plus the pipeline are the cohorts'
    // customers (the last stage's count), in every scenario.
    let mut model = case_a(2_000, 3);
    model.segments[0].rates[1] = RateSpec::Evidence { k: 30, n: 100 };
    model.scenarios = vec![
        ScenarioSpec {
            scope: Scope::All,
            levers: vec![Lever::Volume { frac: 0.3 }],
            cost: Some(50_000.0),
        },
        ScenarioSpec {
            scope: Scope::All,
            levers: vec![Lever::RatePoints {
                stage: 2,
                points: -0.05,
            }],
            cost: None,
        },
    ];
    let mut t = time(12, w6_lags());
    t.windows = vec![Some((2, 4)), None];
    let (plan, tp) = plans(&model, &t);
    let (h, k) = (12, 5);
    let mut checked = 0;
    for_each_month_trial(&plan, &tp, |_, tr| {
        for s in 0..3 {
            let within: u64 = tr.month_customers[s * h..(s + 1) * h].iter().sum();
            assert_eq!(within + tr.pipeline_customers[s], tr.counts[s * k + k - 1]);
        }
        checked += 1;
    });
    assert_eq!(checked, 2_000);
}

#[test]
fn an_improving_lever_never_lowers_a_months_cumulative_revenue() {
    let mut model = case_a(3_000, 5);
    model.segments[0].rates[2] = RateSpec::Range {
        low: 0.2,
        high: 0.3,
    };
    model.segments[0].deal.cv = 0.8;
    model.scenarios = vec![
        ScenarioSpec {
            scope: Scope::All,
            levers: vec![Lever::Volume { frac: 0.1 }],
            cost: None,
        },
        ScenarioSpec {
            scope: Scope::All,
            levers: vec![
                Lever::RatePoints {
                    stage: 3,
                    points: 0.05,
                },
                Lever::Deal { frac: 0.02 },
            ],
            cost: None,
        },
    ];
    let mut t = time(12, w6_lags());
    t.windows = vec![Some((3, 5)), Some((1, 12))];
    let (plan, tp) = plans(&model, &t);
    let h = 12;
    for_each_month_trial(&plan, &tp, |trial, tr| {
        for s in 1..3 {
            let (mut base, mut scen) = (0.0, 0.0);
            for m in 0..h {
                base += tr.month_revenue[m];
                scen += tr.month_revenue[s * h + m];
                assert!(
                    scen >= base * (1.0 - 1e-12),
                    "trial {trial}, s {s}, month {}",
                    m + 1
                );
                let up: f64 = tr.month_uplift[s * h..s * h + m + 1].iter().sum();
                assert!(
                    up >= -1e-9 * base.max(1.0),
                    "trial {trial}, s {s}: uplift {up}"
                );
            }
        }
    });
}

/// Two-sample Kolmogorov–Smirnov distance.
fn ks(a: &mut [f64], b: &mut [f64]) -> f64 {
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

#[test]
fn a_long_horizon_without_lags_is_one_period_of_all_its_months() {
    // No lag, 12 months of 1,000 people with an uncertain rate drawn once
    // per trial: the horizon's revenue has the law of one period of 12,000
    // people (Σ Bin(1000, p) = Bin(12000, p) given p).
    let rates = [
        RateSpec::Fixed { value: 0.4 },
        RateSpec::Evidence { k: 20, n: 100 },
        RateSpec::Fixed { value: 0.3 },
    ];
    let months = funnel(1_000.0, &rates, 2_000.0, 0.5, 20_000, 21);
    let (plan, tp) = plans(&months, &time(12, vec![]));
    let mut a = simulate_months(&plan, &tp).revenue.remove(0);
    let one = funnel(12_000.0, &rates, 2_000.0, 0.5, 20_000, 22);
    let mut b: Vec<f64> = Vec::new();
    funnelcast_engine::simulate::for_each_trial(&one.validate().unwrap(), |_, r| b.push(r[0]));
    // 99.9 % critical value of the two-sample KS distance.
    let crit = 1.95 * (2.0 / 20_000.0f64).sqrt();
    let d = ks(&mut a, &mut b);
    assert!(d < crit, "KS {d} ≥ {crit}");
    // Negative control: one period of 3 % more people is told apart.
    let more = funnel(12_360.0, &rates, 2_000.0, 0.5, 20_000, 22);
    let mut c: Vec<f64> = Vec::new();
    funnelcast_engine::simulate::for_each_trial(&more.validate().unwrap(), |_, r| c.push(r[0]));
    let d = ks(&mut a, &mut c);
    assert!(d > crit, "control: KS {d} ≤ {crit}");
}

#[test]
fn the_payback_curve_is_the_exact_binomial_for_a_one_month_campaign() {
    // +20 % people in month 1 only, for 150,000 up front; rates unchanged,
    // so the extra customers are Bin(E, P), E = 2,000 extra people, and
    // each closes by month m with probability G(m) = Σ_{j<m} q_j. Deals
    // of exactly 5,000: paid back by m ⇔ at least 30 extra customers
    // closed by m, an exact Binomial(E, P·G(m)) tail.
    let p = 0.25 * 0.32 * 0.25 * 0.30;
    let mut model = case_a(20_000, 13);
    model.scenarios = vec![ScenarioSpec {
        scope: Scope::All,
        levers: vec![Lever::Volume { frac: 0.2 }],
        cost: Some(150_000.0),
    }];
    let mut t = time(12, w6_lags());
    t.windows = vec![Some((1, 1))];
    let (plan, tp) = plans(&model, &t);
    let q = tp.close(0).within.clone();
    let r = simulate_months(&plan, &tp);
    let got = &r.scenarios[1].payback_prob;
    assert_eq!(got.len(), 12);
    let n = 20_000.0;
    let mut g = 0.0;
    for m in 0..12 {
        g += q[m];
        let b = Binomial::new(p * g, 2_000).unwrap();
        let want = 1.0 - b.cdf(29);
        let se = (want * (1.0 - want) / n).sqrt().max(1.0 / n);
        assert!(
            (got[m] - want).abs() < 4.5 * se,
            "month {}: {} vs {want}",
            m + 1,
            got[m]
        );
        // Negative control: the law one month later.
        let late = 1.0 - Binomial::new(p * (g - q[m]), 2_000).unwrap().cdf(29);
        if (want - late).abs() > 0.05 {
            assert!((got[m] - late).abs() > 4.5 * se, "month {}", m + 1);
        }
    }
    let median = got.iter().position(|&x| x >= 0.5).map(|m| m as u32 + 1);
    assert_eq!(r.scenarios[1].payback_p50, median);
}

#[test]
fn bad_time_inputs_name_their_fields() {
    let mut model = case_a(1_000, 1);
    model.scenarios = vec![ScenarioSpec {
        scope: Scope::All,
        levers: vec![Lever::Volume { frac: 0.2 }],
        cost: None,
    }];
    let plan = model.validate().unwrap();
    let bad = TimeSpec {
        horizon: 40,
        weights: vec![],
        lags: vec![vec![
            LagSpec {
                median: 10.0,
                p90: 5.0,
            },
            LagSpec {
                median: 0.0,
                p90: 3.0,
            },
            LagSpec {
                median: 800.0,
                p90: 900.0,
            },
        ]],
        windows: vec![Some((5, 2))],
    };
    let errs = bad.validate(&plan).unwrap_err();
    let has = |f: Field, p: Problem| errs.iter().any(|e| e.field == f && e.problem == p);
    assert!(
        has(
            Field::Horizon,
            Problem::OutOfRange {
                min: 1.0,
                max: 36.0
            }
        ),
        "{errs:?}"
    );
    assert!(
        has(Field::LagP90(0, 1), Problem::P90BelowMedian),
        "{errs:?}"
    );
    assert!(
        has(Field::LagP90(0, 2), Problem::SlowCaseOfNoLag),
        "{errs:?}"
    );
    assert!(
        has(
            Field::LagMedian(0, 3),
            Problem::OutOfRange {
                min: 0.0,
                max: 730.0
            }
        ),
        "{errs:?}"
    );
    assert!(
        has(Field::CampaignEnd(1), Problem::EndBeforeStart),
        "{errs:?}"
    );
    // A good one passes.
    let good = TimeSpec {
        horizon: 12,
        weights: vec![1.0; 12],
        lags: vec![w6_lags()],
        windows: vec![Some((2, 4))],
    };
    assert!(good.validate(&plan).is_ok());
}

#[test]
fn a_run_in_steps_gives_the_digits_of_a_run_at_once() {
    // The page takes a run in steps between timers: the digits must not
    // depend on it (a run of several key blocks, two scenarios).
    let mut model = case_a(10_000, 5);
    model.scenarios = vec![ScenarioSpec {
        scope: Scope::All,
        levers: vec![Lever::Volume { frac: 0.3 }],
        cost: Some(10_000.0),
    }];
    let mut t = time(6, w6_lags());
    t.windows = vec![Some((2, 3))];
    let (plan, tp) = plans(&model, &t);
    let mut sim = MonthSimulation::new(&plan, &tp);
    assert_eq!(sim.trials(), 10_000);
    let mut seen = vec![sim.trials_done()];
    while !sim.is_finished() {
        seen.push(sim.step());
    }
    assert_eq!(seen.first(), Some(&0));
    assert_eq!(seen.last(), Some(&10_000));
    assert!(seen.len() > 2, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    assert_eq!(sim.finish(), simulate_months(&plan, &tp));
}

#[test]
fn the_horizons_summaries_have_the_laws_of_all_its_cohorts() {
    // No lag: every customer closes in their entry month, so over 6 months
    // of 1,000 people the customers are Bin(6,000, P) and the revenue is
    // 5,000 per customer; the stage between has its expected count.
    let rates = fixed(&[0.4, 0.25]);
    let model = funnel(1_000.0, &rates, 5_000.0, 0.0, 20_000, 9);
    let (plan, tp) = plans(&model, &time(6, vec![]));
    let mut months = simulate_months(&plan, &tp);
    let r = months.summaries(&plan, &tp);
    assert!(months.revenue.is_empty(), "the draws are taken out");
    assert_eq!(months.scenarios[0].month_revenue.len(), 6, "months kept");
    let law = Binomial::new(0.1, 6_000).unwrap();
    let c = &r.scenarios[0].customers;
    // Mean within 4.5 standard errors; the median within its own law's
    // 99.9 % band of the sample median (normal approximation).
    let n = 20_000.0f64;
    let sd = (6_000.0f64 * 0.1 * 0.9).sqrt();
    assert!((c.mean - 600.0).abs() < 4.5 * sd / n.sqrt(), "{}", c.mean);
    let p50 = law.inverse_cdf(0.5) as f64;
    assert!((c.p50 - p50).abs() <= 1.0, "{} vs {p50}", c.p50);
    let rev = &r.scenarios[0].revenue;
    assert!((rev.mean - 5_000.0 * c.mean).abs() < 1e-6 * rev.mean);
    assert_eq!(r.scenarios[0].stages[0].mean, 6_000.0);
    assert!((r.scenarios[0].stages[1].mean - 2_400.0).abs() < 1e-9);
    // Negative control: the one-month law is far off.
    assert!((c.mean - 100.0).abs() > 100.0);
}

#[test]
fn the_horizons_customers_are_those_closing_within_it() {
    // With lags some customers close after the horizon: the summaries'
    // customers are the ones whose revenue the horizon holds, the sum of
    // the monthly customers, trial by trial (so their means agree).
    let (plan, tp) = plans(&case_a(4_000, 17), &time(3, w6_lags()));
    let mut months = simulate_months(&plan, &tp);
    let r = months.summaries(&plan, &tp);
    let monthly: f64 = months.scenarios[0].month_customers_mean.iter().sum();
    let c = r.scenarios[0].customers.mean;
    assert!((c - monthly).abs() < 1e-9 * monthly, "{c} vs {monthly}");
    // Negative control: the pipeline is not empty, so all cohorts' customers
    // would be more.
    let all = monthly + months.scenarios[0].pipeline_customers_mean;
    assert!(all > c + 1.0, "{all} vs {c}");
}

#[test]
fn the_monthly_means_error_bars_cover_the_true_mean_95_percent_of_the_time() {
    // Over 300 seeds of 400 trials each, the 95 % error bar of month 3's
    // revenue mean (and of the cumulative one) holds the exact mean
    // V · P · G · deal, G from the close law, in about 95 % of the runs.
    let (v, p) = (1_000.0, 0.25 * 0.32 * 0.25 * 0.30);
    let model = |seed| {
        funnel(
            v,
            &fixed(&[0.25, 0.32, 0.25, 0.30]),
            5_000.0,
            0.5,
            400,
            seed,
        )
    };
    let t = time(3, w6_lags());
    let (_, tp) = plans(&model(0), &t);
    let q = &tp.close(0).within;
    // Month 3's customers come from cohorts 1, 2, 3: q[2] + q[1] + q[0].
    let month3 = v * p * (q[0] + q[1] + q[2]) * 5_000.0;
    let cum3 = v * p * (3.0 * q[0] + 2.0 * q[1] + q[2]) * 5_000.0;
    let seeds = 300;
    let (mut m_in, mut c_in, mut half_in) = (0, 0, 0);
    for seed in 0..seeds {
        let (plan, tp) = plans(&model(seed), &t);
        let r = simulate_months(&plan, &tp);
        let m = r.scenarios[0].month_revenue[2];
        let c = r.scenarios[0].cum_revenue[2];
        m_in += usize::from((m.mean - month3).abs() <= m.mean_err);
        c_in += usize::from((c.mean - cum3).abs() <= c.mean_err);
        half_in += usize::from((m.mean - month3).abs() <= 0.5 * m.mean_err);
    }
    let frac = |k: usize| k as f64 / seeds as f64;
    // 95 % ± 3 standard errors of a proportion over 300 runs.
    for (what, k) in [("month", m_in), ("cumulative", c_in)] {
        assert!((0.905..=0.99).contains(&frac(k)), "{what}: {}", frac(k));
    }
    // Negative control: half the bar covers about 68 %, far below.
    assert!(frac(half_in) < 0.8, "half bars: {}", frac(half_in));
}

#[test]
fn fixed_inputs_give_the_horizons_exact_laws() {
    // Every input fixed (1,000 people a month: the revenue's mixture stays
    // within its work bound): cohort t brings Bin(V, P · G(H − t)) customers
    // within the horizon, G the close law's chance of closing within n
    // months; the horizon's customers are their convolution and the
    // revenue a binomial mixture of Gammas (README.md, "Months").
    let p = 0.25 * 0.32 * 0.25 * 0.30;
    let mut model = funnel(
        1_000.0,
        &fixed(&[0.25, 0.32, 0.25, 0.30]),
        5_000.0,
        0.5,
        20_000,
        31,
    );
    model.scenarios = vec![ScenarioSpec {
        scope: Scope::All,
        levers: vec![Lever::Volume { frac: 0.3 }],
        cost: Some(100_000.0),
    }];
    let mut t = time(6, w6_lags());
    t.windows = vec![Some((2, 3))];
    let (plan, tp) = plans(&model, &t);
    let q = tp.close(0).within.clone();
    let g = |n: usize| q[..n].iter().sum::<f64>();
    let mut months = simulate_months(&plan, &tp);
    let r = months.summaries(&plan, &tp);
    for s in 0..2 {
        let volume = |t: usize| {
            if s == 1 && (1..=2).contains(&t) {
                1_300.0
            } else {
                1_000.0
            }
        };
        let want: f64 = (0..6).map(|t| volume(t) * p * g(6 - t)).sum();
        let exact = r.scenarios[s].exact.expect("fixed inputs are exact");
        assert!(
            (exact.customers.mean - want).abs() < 1e-6 * want,
            "{s}: {} vs {want}",
            exact.customers.mean
        );
        assert!((exact.revenue.mean - 5_000.0 * want).abs() < 1e-6 * 5_000.0 * want);
        // The draws agree with the law: the mean within 4.5 standard
        // errors (the Binomial sum's variance is at most its mean), the
        // median within one customer.
        let drawn = &r.scenarios[s].customers;
        let se = (want / 20_000.0).sqrt();
        assert!(
            (drawn.mean - want).abs() < 4.5 * se,
            "{s}: {} vs {want}",
            drawn.mean
        );
        assert!((drawn.p50 - exact.customers.p50).abs() <= 1.0);
        // Negative control: the law without the lags (every customer within
        // the horizon) is told apart.
        let no_lag: f64 = (0..6).map(volume).sum::<f64>() * p;
        assert!((drawn.mean - no_lag).abs() > 4.5 * se);
    }
    // An uncertain rate, or a deal lever on part of the horizon only: no
    // exact law.
    let mut m2 = model.clone();
    m2.segments[0].rates[1] = RateSpec::Evidence { k: 32, n: 100 };
    let (plan2, tp2) = plans(&m2, &t);
    let r2 = simulate_months(&plan2, &tp2).summaries(&plan2, &tp2);
    assert!(r2.scenarios.iter().all(|s| s.exact.is_none()));
    let mut m3 = model.clone();
    m3.scenarios[0].levers = vec![Lever::Deal { frac: 0.1 }];
    let (plan3, tp3) = plans(&m3, &t);
    let r3 = simulate_months(&plan3, &tp3).summaries(&plan3, &tp3);
    assert!(r3.scenarios[0].exact.is_some() && r3.scenarios[1].exact.is_none());
}

#[test]
fn the_sensitivity_in_months_is_about_the_horizons_revenue() {
    // Each bar of the time-mode sensitivity is the change of the horizon's
    // exact mean revenue (the convolution of the cohorts' laws) when its
    // input moves: volume +10 %, the rate into stage 2 +5 points.
    let rates = [0.25, 0.32, 0.25, 0.30];
    let model = |volume: f64, r2: f64| {
        let mut r = rates;
        r[1] = r2;
        funnel(volume, &fixed(&r), 5_000.0, 0.5, 200, 3)
    };
    let t = time(6, w6_lags());
    let exact_mean = |m: &Model| {
        let (plan, tp) = plans(m, &t);
        let r = simulate_months(&plan, &tp).summaries(&plan, &tp);
        r.scenarios[0].exact.expect("fixed inputs").revenue.mean
    };
    let (plan, tp) = plans(&model(1_000.0, 0.32), &t);
    let s = funnelcast_engine::sensitivity::sensitivity_weighted(&plan, &[tp.horizon_weight(0)]);
    let base = exact_mean(&model(1_000.0, 0.32));
    let bar = |input| s.bars.iter().find(|b| b.input == input).unwrap().gain;
    let volume = bar(funnelcast_engine::SensitivityInput::Volume);
    let want = exact_mean(&model(1_100.0, 0.32)) - base;
    assert!((volume - want).abs() < 1e-6 * want, "{volume} vs {want}");
    let rate = bar(funnelcast_engine::SensitivityInput::Rate { stage: 2 });
    let want = exact_mean(&model(1_000.0, 0.37)) - base;
    assert!((rate - want).abs() < 1e-6 * want, "{rate} vs {want}");
    // Negative control: the one-period bar is not the horizon's.
    let one = funnelcast_engine::sensitivity::sensitivity(&plan);
    let one_volume = one
        .bars
        .iter()
        .find(|b| b.input == funnelcast_engine::SensitivityInput::Volume)
        .unwrap()
        .gain;
    assert!((one_volume - volume).abs() > 0.5 * one_volume);
}

/// Goal seek in time mode, on the volume and on a rate, against the exact
/// law of the horizon's revenue. A 30-day lag puts month t's customers in
/// month t + 1, so over a 4-month horizon the customers within it are
/// those of cohorts 1–3, Bin(3·v, p) with v each month's rounded volume,
/// and with fixed deals the revenue is their number × the deal: P(revenue
/// ≥ target) is a binomial tail. The answer reaches the asked probability
/// within the Monte Carlo error of the search's trials, 15 % less volume
/// (or 1.5 points less) falls far short; an unreachable target has none.
#[test]
fn goal_seek_in_months_matches_the_exact_law_of_the_horizons_revenue() {
    use funnelcast_engine::goal::{block_on, GOAL_TRIALS};
    use funnelcast_engine::months::goal_seek_months;
    use funnelcast_engine::GoalLever;
    let (v, p, deal, h) = (500.0, 0.04, 2_000.0, 4u32);
    let lag30 = vec![LagSpec {
        median: 30.0,
        p90: 30.0,
    }];
    let (plan, tp) = plans(
        &funnel(v, &fixed(&[p]), deal, 0.0, 20_000, 41),
        &time(h, lag30),
    );
    // P(revenue ≥ t) with each month's volume v·f and the rate p + x.
    let reach = |f: f64, x: f64, t: f64| {
        let n = 3 * (v * f).round() as u64;
        let need = (t / deal).ceil() as u64;
        if need == 0 {
            return 1.0;
        }
        Binomial::new(funnelcast_engine::special::clamp(p + x, 0.0, 1.0), n)
            .unwrap()
            .sf(need - 1)
    };
    // The search's trials: GOAL_TRIALS over the horizon's months.
    let se = (0.25 / f64::from(GOAL_TRIALS / h)).sqrt();
    for (t, q) in [(150_000.0, 0.9), (100_000.0, 0.5), (200_000.0, 0.95)] {
        let g = block_on(goal_seek_months(&plan, &tp, GoalLever::Volume, t, q));
        let f = 1.0 + g.change.expect("reachable");
        assert!(g.achieved >= q, "{g:?}");
        let (lo, hi) = (
            reach(f - g.tolerance, 0.0, t),
            reach(f + g.tolerance, 0.0, t),
        );
        assert!(
            hi >= q - 4.5 * se && lo <= q + 4.5 * se,
            "volume t={t} q={q}: ×{f} reaches {lo}..{hi}"
        );
        assert!(reach(0.85 * f, 0.0, t) < q - 4.5 * se, "t={t} q={q}: ×{f}");
    }
    for (t, q) in [(150_000.0, 0.9), (60_000.0, 0.5)] {
        let lever = GoalLever::RatePoints { stage: 1 };
        let g = block_on(goal_seek_months(&plan, &tp, lever, t, q));
        let x = g.change.expect("reachable");
        let (lo, hi) = (
            reach(1.0, x - g.tolerance, t),
            reach(1.0, x + g.tolerance, t),
        );
        assert!(
            hi >= q - 4.5 * se && lo <= q + 4.5 * se,
            "rate t={t} q={q}: +{x} reaches {lo}..{hi}"
        );
        assert!(reach(1.0, x - 0.015, t) < q - 4.5 * se, "t={t} q={q}: +{x}");
    }
    // Revenue closing after the horizon does not count: with a 120-day lag
    // nobody closes within 4 months, so no volume reaches any target.
    let lag120 = vec![LagSpec {
        median: 120.0,
        p90: 120.0,
    }];
    let (plan, tp) = plans(
        &funnel(v, &fixed(&[p]), deal, 0.0, 20_000, 41),
        &time(h, lag120),
    );
    let g = block_on(goal_seek_months(
        &plan,
        &tp,
        GoalLever::Volume,
        2_000.0,
        0.5,
    ));
    assert_eq!(g.change, None, "{g:?}");
}
