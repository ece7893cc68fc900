//! Exact stage laws on the fast path: when every segment's inputs are fixed,
//! a stage's total is a sum of independent binomials whose laws the
//! inversion tables hold, so their convolution gives each stage's mean and
//! quantiles with no Monte Carlo noise.

use crate::deal::DealValue;
use crate::fast_path::FastPath;
use crate::results::{ExactLaw, StageSummary};
use crate::special::gamma_inc;

/// Most multiply–adds spent convolving the segments' stage laws; beyond it
/// the stages are counted per trial instead.
const MAX_CONVOLUTION_WORK: usize = 50_000_000;

/// On the fast path (every segment's inputs fixed) the count at stage i is a
/// sum over segments of independent binomials whose laws the inversion
/// tables hold: their convolution gives each stage's mean and quantiles
/// exactly, with no Monte Carlo noise. Returns, per scenario, the summaries
/// of every stage, the last included: its count is also drawn per trial for
/// the revenue (`customers` summarises those draws), but the stage table is
/// the funnel's expected counts, and a mix of exact and drawn stages could
/// show a last stage above the one before it (200.03 after 200 with a
/// 100 % last rate). `paths` holds every segment's tables; `None` when the
/// convolutions would be too long (the stages are then counted per trial).
/// Whether [`exact_stage_summaries`] stays within its work bound (the same
/// sums, without convolving).
pub(crate) fn exact_is_cheap(paths: &[&FastPath], k: usize, scenarios: usize) -> bool {
    let mut work = 0usize;
    for s in 0..scenarios {
        for i in 0..k {
            let mut len = 1usize;
            for p in paths {
                let part = if i == 0 {
                    1
                } else {
                    match p.tables[s].as_ref().or(p.tables[0].as_ref()) {
                        Some(ts) => ts[i - 1].len(),
                        None => return false,
                    }
                };
                work += len * part;
                len += part - 1;
            }
        }
    }
    work <= MAX_CONVOLUTION_WORK
}

/// The exact laws: per scenario, every stage's summary and the law of the
/// last stage (the customers) as (first value, pmf).
pub(crate) type ExactLaws = Vec<(Vec<StageSummary>, (u64, Vec<f64>))>;

pub(crate) fn exact_stage_summaries(
    paths: &[&FastPath],
    k: usize,
    scenarios: usize,
) -> Option<ExactLaws> {
    let mut work = 0usize;
    let mut out = Vec::with_capacity(scenarios);
    for s in 0..scenarios {
        let mut stages = Vec::with_capacity(k);
        let mut last = (0, vec![1.0]);
        for i in 0..k {
            let mut law: (u64, Vec<f64>) = (0, vec![1.0]);
            for p in paths {
                let part = if i == 0 {
                    (p.volumes[s], vec![1.0])
                } else {
                    let ts = p.tables[s].as_ref().or(p.tables[0].as_ref())?;
                    ts[i - 1].pmf()
                };
                work += law.1.len() * part.1.len();
                if work > MAX_CONVOLUTION_WORK {
                    return None;
                }
                law = convolve(&law, &part);
            }
            stages.push(law_summary(law.0, &law.1));
            if i == k - 1 {
                last = law;
            }
        }
        out.push((stages, last));
    }
    Some(out)
}

/// The law of the sum of two independent counts.
pub(crate) fn convolve(a: &(u64, Vec<f64>), b: &(u64, Vec<f64>)) -> (u64, Vec<f64>) {
    if a.1.len() == 1 && a.1[0] == 1.0 {
        return (a.0 + b.0, b.1.clone());
    }
    let mut c = vec![0.0; a.1.len() + b.1.len() - 1];
    for (i, &x) in a.1.iter().enumerate() {
        if x != 0.0 {
            for (j, &y) in b.1.iter().enumerate() {
                c[i + j] += x * y;
            }
        }
    }
    (a.0 + b.0, c)
}

/// The mean of a (possibly unnormalised) count law on lo, lo+1, ….
fn pmf_mean(lo: u64, pmf: &[f64]) -> f64 {
    let total: f64 = pmf.iter().sum();
    lo as f64
        + pmf
            .iter()
            .enumerate()
            .map(|(j, p)| j as f64 * p)
            .sum::<f64>()
            / total
}

/// The q-quantile of that law: the smallest x with F(x) ≥ q.
fn pmf_quantile(lo: u64, pmf: &[f64], q: f64) -> f64 {
    let total: f64 = pmf.iter().sum();
    let mut acc = 0.0;
    for (j, p) in pmf.iter().enumerate() {
        acc += p / total;
        if acc >= q {
            return (lo + j as u64) as f64;
        }
    }
    (lo + pmf.len() as u64 - 1) as f64
}

/// Mean and P5/P50/P95 (the smallest x with F(x) ≥ q) of a law on lo, lo+1, ….
fn law_summary(lo: u64, pmf: &[f64]) -> StageSummary {
    StageSummary {
        mean: pmf_mean(lo, pmf),
        p5: pmf_quantile(lo, pmf, 0.05),
        p50: pmf_quantile(lo, pmf, 0.5),
        p95: pmf_quantile(lo, pmf, 0.95),
        exact: true,
        err: Default::default(),
    }
}

/// Shapes × terms beyond which the exact revenue law is not evaluated (its
/// quantiles need some 60 evaluations of a mixture of incomplete gammas,
/// each about √(shape) steps per term).
const MAX_MIXTURE_WORK: f64 = 2e6;

/// The exact law of a revenue that is Gamma(c·α, θ) × `factor` given c
/// customers of law `customers` = (first value, pmf), or c·mean × factor for
/// a fixed deal value (cv = 0): its mean and quantiles (the smallest x with
/// F(x) ≥ q, found by regula falsi to 1e-11 relative or 1e-13 in F). `None` when the mixture
/// is too long to evaluate ([`MAX_MIXTURE_WORK`]).
pub(crate) fn mixture_law(
    customers: &(u64, Vec<f64>),
    deal: &DealValue,
    factor: f64,
) -> Option<ExactLaw> {
    let (lo, pmf) = customers;
    let total: f64 = pmf.iter().sum();
    let mean_c = pmf_mean(*lo, pmf);
    let count_q = |q: f64| pmf_quantile(*lo, pmf, q);
    if deal.scale() == 0.0 || !deal.shape().is_finite() {
        let v = deal.mean() * factor;
        return Some(ExactLaw {
            mean: mean_c * v,
            p5: count_q(0.05) * v,
            p10: count_q(0.10) * v,
            p50: count_q(0.5) * v,
            p90: count_q(0.9) * v,
            p95: count_q(0.95) * v,
        });
    }
    // The terms that matter (the table's tails are already below 1e-17).
    let terms: Vec<(f64, f64)> = pmf
        .iter()
        .enumerate()
        .filter(|(_, &p)| p > 1e-16 * total)
        .map(|(j, &p)| ((lo + j as u64) as f64 * deal.shape(), p / total))
        .collect();
    let work: f64 = terms
        .iter()
        .map(|(a, _)| libm::sqrt(*a) + 10.0)
        .sum::<f64>()
        * 300.0;
    if work > MAX_MIXTURE_WORK {
        return None;
    }
    let scale = deal.scale() * factor;
    // F(x) of the revenue: c = 0 is an atom at 0.
    let cdf = |x: f64| -> f64 {
        terms
            .iter()
            .map(|&(a, p)| {
                if a == 0.0 {
                    p
                } else {
                    p * gamma_inc(a, x / scale)
                }
            })
            .sum()
    };
    let mean = mean_c * deal.mean() * factor;
    // A bracket from the mixture's sd (per customer: mean αθ, variance αθ²).
    let var_c = pmf
        .iter()
        .enumerate()
        .map(|(j, p)| {
            let x = (lo + j as u64) as f64 - mean_c;
            x * x * p
        })
        .sum::<f64>()
        / total;
    let (a1, th) = (deal.shape(), scale);
    let sd = libm::sqrt(mean_c * a1 * th * th + var_c * (a1 * th) * (a1 * th));
    // The density (c = 0 has none above 0).
    let pdf = |x: f64| -> f64 {
        let y = x / scale;
        let ly = libm::log(y);
        terms
            .iter()
            .filter(|t| t.0 > 0.0)
            .map(|&(a, p)| p * libm::exp((a - 1.0) * ly - y - libm::lgamma(a)))
            .sum::<f64>()
            / scale
    };
    let quantile = |q: f64| {
        if cdf(0.0) >= q {
            return 0.0;
        }
        // F is continuous and increasing above 0: Newton's method from the
        // normal approximation, kept inside a bracket F(a) < q ≤ F(b)
        // (bisection when a step leaves it), to 1e-11 of the value or
        // 1e-13 in F.
        let z = crate::special::normal_quantile(q);
        let (mut a, mut b) = (0.0f64, f64::INFINITY);
        let mut x = (mean + z * sd).max(0.5 * mean.min(mean + z * sd).abs().max(1e-300));
        for _ in 0..200 {
            let fx = cdf(x) - q;
            if fx >= 0.0 {
                b = x;
            } else {
                a = x;
            }
            if fx.abs() < 1e-13 || (b.is_finite() && b - a <= 1e-11 * b) {
                return x;
            }
            let step = fx / pdf(x);
            let mut next = x - step;
            if !(next > a && next < b && next.is_finite()) {
                next = if b.is_finite() {
                    0.5 * (a + b)
                } else {
                    2.0 * x
                };
            }
            if (next - x).abs() <= 1e-12 * x {
                return next;
            }
            x = next;
        }
        x
    };
    Some(ExactLaw {
        mean,
        p5: quantile(0.05),
        p10: quantile(0.10),
        p50: quantile(0.5),
        p90: quantile(0.9),
        p95: quantile(0.95),
    })
}

/// The exact law of a count on lo, lo+1, … as an [`ExactLaw`].
pub(crate) fn count_law(law: &(u64, Vec<f64>)) -> ExactLaw {
    let s = law_summary(law.0, &law.1);
    let q = |q: f64| pmf_quantile(law.0, &law.1, q);
    ExactLaw {
        mean: s.mean,
        p5: s.p5,
        p10: q(0.10),
        p50: s.p50,
        p90: q(0.9),
        p95: s.p95,
    }
}
