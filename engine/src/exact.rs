//! Exact stage laws on the fast path: when every segment's inputs are fixed,
//! a stage's total is a sum of independent binomials whose laws the
//! inversion tables hold, so their convolution gives each stage's mean and
//! quantiles with no Monte Carlo noise.

use crate::fast_path::FastPath;
use crate::results::StageSummary;

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
pub(crate) fn exact_stage_summaries(
    paths: &[&FastPath],
    k: usize,
    scenarios: usize,
) -> Option<Vec<Vec<StageSummary>>> {
    let mut work = 0usize;
    let mut out = Vec::with_capacity(scenarios);
    for s in 0..scenarios {
        let mut stages = Vec::with_capacity(k);
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
        }
        out.push(stages);
    }
    Some(out)
}

/// The law of the sum of two independent counts.
fn convolve(a: &(u64, Vec<f64>), b: &(u64, Vec<f64>)) -> (u64, Vec<f64>) {
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

/// Mean and P5/P50/P95 (the smallest x with F(x) ≥ q) of a law on lo, lo+1, ….
fn law_summary(lo: u64, pmf: &[f64]) -> StageSummary {
    let total: f64 = pmf.iter().sum();
    let mean = lo as f64
        + pmf
            .iter()
            .enumerate()
            .map(|(j, p)| j as f64 * p)
            .sum::<f64>()
            / total;
    let quantile = |q: f64| {
        let mut acc = 0.0;
        for (j, p) in pmf.iter().enumerate() {
            acc += p / total;
            if acc >= q {
                return (lo + j as u64) as f64;
            }
        }
        (lo + pmf.len() as u64 - 1) as f64
    };
    StageSummary {
        mean,
        p5: quantile(0.05),
        p50: quantile(0.5),
        p95: quantile(0.95),
    }
}
