//! Precision limits and bounded cost (engine/README.md, "Precision" and
//! "Bounded cost"): what the engine refuses, where its special functions
//! are tested accurate, and that every sampler's work stays bounded at any
//! size the page accepts — judged by counting the uniforms a draw takes,
//! never by wall time. Seeds were fixed before the tests were written.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::*;
use funnelcast_engine::hypergeometric::hypergeometric;
use funnelcast_engine::rate::MAX_FIT_CONCENTRATION;
use funnelcast_engine::rng::{seeded, Rng, Xoshiro256PlusPlus};
use funnelcast_engine::special::beta_inc;
use funnelcast_engine::{Arg, Problem, Rate, Volume};
use statrs::distribution::Hypergeometric;

const SEED: u64 = 20_261_202;

/// I_x(a, b) for whole a, b as the binomial tail P(Bin(a + b − 1, x) ≥ a),
/// summed term by term from the mode with the pmf ratio and normalised by
/// the sum of all terms: a reference that shares nothing with the continued
/// fraction.
fn beta_inc_by_sum(a: u64, b: u64, x: f64) -> f64 {
    let n = a + b - 1;
    let mode = ((n + 1) as f64 * x) as u64;
    let odds = x / (1.0 - x);
    // Relative pmf values; the tail ≥ a and the total, both relative.
    let (mut total, mut tail) = (1.0, if mode >= a { 1.0 } else { 0.0 });
    let mut f = 1.0;
    let mut j = mode;
    while j < n {
        f *= (n - j) as f64 / (j + 1) as f64 * odds;
        j += 1;
        total += f;
        if j >= a {
            tail += f;
        }
        if f < 1e-20 * total {
            break;
        }
    }
    f = 1.0;
    j = mode;
    while j > 0 {
        f *= j as f64 / (n - j + 1) as f64 / odds;
        j -= 1;
        total += f;
        if j >= a {
            tail += f;
        }
        if f < 1e-20 * total {
            break;
        }
    }
    tail / total
}

/// `beta_inc` agrees with the term-by-term reference within 2e-9 in CDF at
/// a fitted range's quantiles for concentrations up to the fit's cap
/// ([`MAX_FIT_CONCENTRATION`]); beyond it the error grows (about 1e-6 at
/// 10^10: the limit the cap keeps the page away from, and proof that the
/// comparison can fail).
#[test]
fn beta_inc_is_accurate_up_to_the_fit_cap() {
    let err = |kappa: f64, m: f64| -> f64 {
        let a = (m * kappa).round() as u64;
        let b = kappa as u64 - a;
        let sd = (m * (1.0 - m) / kappa).sqrt();
        [-1.6448536, 1.6448536]
            .iter()
            .filter(|z| (0.0..1.0).contains(&(m + *z * sd)))
            .map(|z| {
                let x = m + z * sd;
                (beta_inc(a as f64, b as f64, x) - beta_inc_by_sum(a, b, x)).abs()
            })
            .fold(0.0, f64::max)
    };
    for kappa in [1e2f64, 1e3, 1e4, 1e5, 1e6, 1e7] {
        // (m·κ ≥ 1: a Beta with a < 1 has no whole-number reference.)
        for m in [0.05f64, 0.3, 0.5, 0.9, 0.99] {
            if (1.0 - m) * kappa < 2.0 {
                continue;
            }
            let e = err(kappa, m);
            assert!(e < 2e-9, "κ {kappa:e}, m {m}: {e:e}");
        }
    }
    assert!(
        err(1e10, 0.5) > 1e-8,
        "the reference tells the errors apart"
    );
}

/// A rate range narrower than the fit can honour is refused with a message
/// ("use a fixed rate"), beside the high end; a range the fit honours is
/// reproduced (the proptest in properties.rs covers many).
#[test]
fn narrow_rate_ranges_are_refused() {
    for (low, high) in [(0.30, 0.300001), (0.5, 0.5001), (0.01, 0.010001)] {
        assert_eq!(
            Rate::range(low, high).unwrap_err(),
            funnelcast_engine::ArgError::new(Arg::High, Problem::RangeTooNarrow),
            "{low}–{high}"
        );
    }
    for (low, high) in [(0.30, 0.301), (0.5, 0.501), (0.01, 0.0102)] {
        let (a, b) = Rate::range(low, high).unwrap().beta_params().unwrap();
        assert!((beta_inc(a, b, low) - 0.05).abs() < 1e-8);
        assert!((beta_inc(a, b, high) - 0.95).abs() < 1e-8);
        assert!(a + b <= MAX_FIT_CONCENTRATION);
    }
    // Through the model: the field and the problem the page shows.
    let mut m = funnel(1_000.0, &fixed(&[0.3]), 10.0, 0.0, 1_000, SEED);
    m.segments[0].rates[0] = funnelcast_engine::RateSpec::Range {
        low: 0.3,
        high: 0.300001,
    };
    let errs = m.validate().unwrap_err();
    assert_eq!(
        errs,
        vec![funnelcast_engine::ModelError::new(
            funnelcast_engine::Field::RateHigh(0, 1),
            Problem::RangeTooNarrow
        )]
    );
}

/// A volume range over more than four orders of magnitude is refused (its
/// draws would reach 10^15 people), in the model beside both its ends
/// (either may be the one mistyped).
#[test]
fn volume_ranges_have_a_sensible_spread() {
    let wide = Problem::RangeTooWide { max_ratio: 1e4 };
    assert_eq!(Volume::range(1e-300, 1e4).unwrap_err().problem, wide);
    assert_eq!(Volume::range(1.0, 10_001.0).unwrap_err().arg, Arg::High);
    assert!(Volume::range(1.0, 10_000.0).is_ok());
    let mut m = funnel(1_000.0, &fixed(&[0.3]), 10.0, 0.0, 1_000, SEED);
    m.segments[0].volume = funnelcast_engine::VolumeSpec::Range {
        low: 1e-300,
        high: 1e4,
    };
    let errs = m.validate().unwrap_err();
    assert_eq!(
        errs,
        vec![
            funnelcast_engine::ModelError::new(funnelcast_engine::Field::VolumeLow(0), wide),
            funnelcast_engine::ModelError::new(funnelcast_engine::Field::VolumeHigh(0), wide)
        ]
    );
}

/// How many 64-bit words `f` took from the generator (work, not time): the
/// steps from the state before to the state after.
fn words_taken(rng: &mut Xoshiro256PlusPlus, f: impl FnOnce(&mut Xoshiro256PlusPlus)) -> usize {
    let mut before = rng.clone();
    f(rng);
    let mut n = 0;
    while before != *rng {
        before.next_u64();
        n += 1;
        assert!(n < 1_000_000, "runaway");
    }
    n
}

/// The hypergeometric draw takes O(1) uniforms at any size the coupling can
/// meet (10^15 people at most): on average fewer than 6, never more than
/// 100 in 2 000 draws per size.
#[test]
fn hypergeometric_cost_is_bounded_at_any_size() {
    let mut rng = seeded(SEED, 40);
    for total in [
        1_000u64,
        1_000_000,
        1_000_000_000,
        10_000_000_000,
        1_000_000_000_000_000,
    ] {
        for (succ, draws) in [
            (total / 3, total / 4),
            (total / 2, 7),
            (total / 1000, total / 2),
        ] {
            let (mut sum, mut max) = (0usize, 0usize);
            for _ in 0..2_000 {
                let n = words_taken(&mut rng, |r| {
                    std::hint::black_box(hypergeometric(total, succ, draws, r));
                });
                sum += n;
                max = max.max(n);
            }
            let mean = sum as f64 / 2_000.0;
            assert!(
                mean < 6.0 && max <= 100,
                "N={total} K={succ} n={draws}: {mean} {max}"
            );
        }
    }
}

/// The hypergeometric pmf on its support by the ratio recurrence from the
/// mode, normalised by its sum (statrs's pmf gives NaN at some of these
/// sizes); statrs's pmf checks it where it is defined.
fn hyper_pmf(nn: u64, k: u64, n: u64) -> impl Fn(u64) -> f64 {
    let (nf, kf, df) = (nn as f64, k as f64, n as f64);
    let (lo, hi) = ((n + k).saturating_sub(nn), n.min(k));
    let mode = ((((df + 1.0) * (kf + 1.0)) / (nf + 2.0)) as u64).clamp(lo, hi);
    let ratio = |x: u64| {
        let x = x as f64;
        (kf - x) * (df - x) / ((x + 1.0) * (nf - kf - df + x + 1.0))
    };
    let mut vals = std::collections::BTreeMap::new();
    vals.insert(mode, 1.0f64);
    let (mut f, mut x) = (1.0, mode);
    while x < hi && f > 1e-25 {
        f *= ratio(x);
        x += 1;
        vals.insert(x, f);
    }
    (f, x) = (1.0, mode);
    while x > lo && f > 1e-25 {
        f /= ratio(x - 1);
        x -= 1;
        vals.insert(x, f);
    }
    let total: f64 = vals.values().sum();
    move |x| vals.get(&x).map_or(0.0, |v| v / total)
}

/// The hypergeometric sampler against the exact pmf, in the inversion and
/// the ratio-of-uniforms regimes and at large sizes; 1e5 draws per point;
/// the negative control (1 % more successes) fails.
#[test]
fn hypergeometric_draws_follow_the_law() {
    let mut rng = seeded(SEED, 41);
    let points = [
        (50u64, 20u64, 10u64),
        (1_000, 300, 400),
        (100_000, 40_000, 30_000),
        (100_000, 200, 50_000),
        (10_000_000, 5_000_000, 2_000),
        (1_000_000_000, 300_000_000, 100_000),
    ];
    for (j, &(nn, k, n)) in points.iter().enumerate() {
        let pmf = hyper_pmf(nn, k, n);
        if nn <= 1_000 {
            let law = Hypergeometric::new(nn, k, n).expect("law");
            let mode = (n + 1) * (k + 1) / (nn + 2);
            for x in [mode.saturating_sub(3), mode, mode + 2] {
                let want = statrs::distribution::Discrete::pmf(&law, x);
                if !want.is_finite() {
                    continue;
                }
                assert!(
                    (pmf(x) - want).abs() < 1e-9 * want,
                    "{x}: {} vs {want}",
                    pmf(x)
                );
            }
        }
        let draws: Vec<u64> = (0..100_000)
            .map(|_| hypergeometric(nn, k, n, &mut rng))
            .collect();
        let t = chi_square(&tally(draws.iter().copied()), n.min(k), &pmf);
        assert!(t.passes(), "point {j}: {t:?}");
        if j == 2 {
            let off = hyper_pmf(nn, k + k / 100, n);
            let t = chi_square(&tally(draws), n.min(k), off);
            assert!(!t.passes(), "the control passes: {t:?}");
        }
    }
}

/// The page's sensitivity and expected counts use E[round V], the mean the
/// simulation draws: 1.4 % above the continuous mean for a range of 0.5–3
/// people. Checked against Σ k·P(round V = k) from statrs's lognormal CDF,
/// and against the mean of 2·10^5 drawn volumes.
#[test]
fn volume_means_are_of_the_rounded_draws() {
    use statrs::distribution::{ContinuousCDF, LogNormal};
    for (low, high) in [
        (0.5, 3.0),
        (0.01, 2.0),
        (3.0, 40.0),
        (100.0, 9_000.0),
        (8_000.0, 12_000.0),
    ] {
        let v = Volume::range(low, high).unwrap();
        let (mu, sigma) = (
            (low.ln() + high.ln()) / 2.0,
            (high.ln() - low.ln()) / (2.0 * 1.6448536269514722),
        );
        let ln = LogNormal::new(mu, sigma).unwrap();
        let mut want = 0.0;
        let mut k = 1u64;
        loop {
            let p = 1.0 - ln.cdf(k as f64 - 0.5);
            want += p;
            if p < 1e-17 {
                break;
            }
            k += 1;
        }
        assert!(
            (v.mean() - want).abs() < 1e-9 * want,
            "{low}–{high}: {} vs {want}",
            v.mean()
        );
    }
    let v = Volume::range(0.5, 3.0).unwrap();
    let rise = v.mean() / v.continuous_mean() - 1.0;
    assert!(rise > 0.01 && rise < 0.02, "{rise}");
    // The drawn volumes' mean, and the sensitivity's mean revenue.
    let mut m = funnel(1.0, &fixed(&[1.0]), 1.0, 0.0, 200_000, SEED + 42);
    m.segments[0].volume = funnelcast_engine::VolumeSpec::Range {
        low: 0.5,
        high: 3.0,
    };
    let plan = m.validate().unwrap();
    let (mut s, mut ss) = (0.0, 0.0);
    funnelcast_engine::simulate::for_each_trial(&plan, |c, _| {
        s += c[0] as f64;
        ss += (c[0] * c[0]) as f64;
    });
    let t = plan.trials() as f64;
    let (mean, se) = (s / t, ((ss / t - (s / t).powi(2)) / t).sqrt());
    assert!(
        (mean - v.mean()).abs() < 3.9 * se,
        "{mean} vs {} ± {se}",
        v.mean()
    );
    assert!((mean - v.continuous_mean()).abs() > 3.9 * se, "the control");
    let rev = funnelcast_engine::sensitivity::mean_revenue(&plan);
    assert!((rev - v.mean()).abs() < 1e-12 * rev);
}

/// The fast path's tables keep to one budget for the whole run: a model of
/// 6 segments × 12 stages × 8 runs whose tables would take about 1 GB falls
/// back on the general path where the budget ends, and builds within it.
#[test]
fn tables_keep_to_the_budget() {
    use funnelcast_engine::simulate::table_entries;
    let mut m = funnel(1e8, &fixed(&[0.99; 11]), 10.0, 0.5, 1_000, SEED);
    let seg = m.segments[0].clone();
    m.segments = vec![seg; 6];
    m.scenarios = (0..7)
        .map(|j| funnelcast_engine::ScenarioSpec {
            scope: funnelcast_engine::Scope::All,
            levers: vec![funnelcast_engine::Lever::Volume {
                frac: 0.01 * (j + 1) as f64,
            }],
            cost: None,
        })
        .collect();
    m.trials = 1_000;
    let plan = m.validate().unwrap();
    let (entries, fast) = table_entries(&plan);
    assert!(
        entries <= funnelcast_engine::fast_path::TABLE_BUDGET,
        "{entries}"
    );
    assert!(fast < 6, "{fast} segments fast");
    // A small model stays on the fast path.
    let plan = funnel(1e4, &fixed(&[0.3, 0.2]), 10.0, 0.5, 1_000, SEED)
        .validate()
        .unwrap();
    assert_eq!(table_entries(&plan).1, 1);
}

/// `gamma_inc` (the exact revenue law's incomplete gamma) against statrs's
/// Gamma CDF, from shapes below 1 to 10^4, across each law's bulk and tails.
#[test]
fn gamma_inc_matches_statrs() {
    use funnelcast_engine::special::gamma_inc;
    use statrs::distribution::{ContinuousCDF, Gamma};
    for a in [0.01f64, 0.3, 1.0, 2.5, 17.0, 240.0, 3_000.0, 10_000.0] {
        let g = Gamma::new(a, 1.0).unwrap();
        for q in [1e-6, 0.01, 0.05, 0.3, 0.5, 0.9, 0.99, 1.0 - 1e-6] {
            let x = g.inverse_cdf(q);
            let (got, want) = (gamma_inc(a, x), g.cdf(x));
            assert!((got - want).abs() < 1e-12, "a={a} x={x}: {got} vs {want}");
        }
    }
    assert_eq!(gamma_inc(3.0, 0.0), 0.0);
    assert_eq!(gamma_inc(3.0, f64::INFINITY), 1.0);
}
