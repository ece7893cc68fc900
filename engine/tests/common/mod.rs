//! Shared helpers of the statistical tests: models for one funnel, and a
//! chi-square goodness-of-fit test against an exact pmf.

#![allow(dead_code)]

use funnelcast_engine::{DealSpec, Model, RateSpec, SegmentSpec, VolumeSpec};
use statrs::distribution::{ChiSquared, ContinuousCDF};
use std::collections::BTreeMap;

/// False-alarm rate per parameter point (engine/README.md, "Tests").
pub const ALPHA: f64 = 1e-4;

/// One segment, fixed volume, the given rates, deal value `mean`/`cv`.
pub fn funnel(
    volume: f64,
    rates: &[RateSpec],
    mean: f64,
    cv: f64,
    trials: u32,
    seed: u64,
) -> Model {
    Model {
        stages: rates.len() + 1,
        segments: vec![SegmentSpec {
            volume: VolumeSpec::Fixed { value: volume },
            rates: rates.to_vec(),
            deal: DealSpec { mean, cv },
        }],
        scenarios: vec![],
        margin: None,
        trials,
        seed,
    }
}

pub fn fixed(rates: &[f64]) -> Vec<RateSpec> {
    rates
        .iter()
        .map(|&value| RateSpec::Fixed { value })
        .collect()
}

/// Outcome of a chi-square test.
#[derive(Debug)]
pub struct ChiSquare {
    pub statistic: f64,
    pub critical: f64,
    pub df: usize,
}

impl ChiSquare {
    pub fn passes(&self) -> bool {
        self.statistic <= self.critical
    }
}

/// Pearson chi-square of observed counts against `pmf` on 0..=max, pooling
/// adjacent cells (in value order) until each expects at least 5; the mass
/// outside the observed range is pooled into the end cells, so the expected
/// total is the number of draws.
pub fn chi_square(observed: &BTreeMap<u64, u64>, max: u64, pmf: impl Fn(u64) -> f64) -> ChiSquare {
    let total: u64 = observed.values().sum();
    let t = total as f64;
    // Only visit values with non-negligible mass (around the observations).
    let lo_obs = *observed.keys().next().expect("draws");
    let hi_obs = *observed.keys().last().expect("draws");
    // Extend a little beyond the observed range to capture expected mass.
    let lo = lo_obs.saturating_sub(50);
    let hi = (hi_obs + 50).min(max);
    let mut cells: Vec<(f64, f64)> = Vec::new();
    let mut inside = 0.0;
    for x in lo..=hi {
        let e = pmf(x) * t;
        inside += e;
        cells.push((observed.get(&x).copied().unwrap_or(0) as f64, e));
    }
    // The mass outside [lo, hi] goes to the end cells.
    let outside = (t - inside).max(0.0);
    if let Some(first) = cells.first_mut() {
        first.1 += outside / 2.0;
    }
    if let Some(last) = cells.last_mut() {
        last.1 += outside / 2.0;
    }
    let mut pooled: Vec<(f64, f64)> = Vec::new();
    let (mut o, mut e) = (0.0, 0.0);
    for (co, ce) in cells {
        o += co;
        e += ce;
        if e >= 5.0 {
            pooled.push((o, e));
            o = 0.0;
            e = 0.0;
        }
    }
    if e > 0.0 || o > 0.0 {
        match pooled.last_mut() {
            Some(last) => {
                last.0 += o;
                last.1 += e;
            }
            None => pooled.push((o, e)),
        }
    }
    let statistic: f64 = pooled.iter().map(|(o, e)| (o - e) * (o - e) / e).sum();
    let df = pooled.len().saturating_sub(1).max(1);
    let critical = ChiSquared::new(df as f64)
        .expect("df > 0")
        .inverse_cdf(1.0 - ALPHA);
    ChiSquare {
        statistic,
        critical,
        df,
    }
}

pub fn tally(xs: impl IntoIterator<Item = u64>) -> BTreeMap<u64, u64> {
    let mut m = BTreeMap::new();
    for x in xs {
        *m.entry(x).or_insert(0) += 1;
    }
    m
}
