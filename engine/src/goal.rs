//! Goal seek: the smallest volume change that reaches a revenue target with a
//! chosen probability.

use crate::plan::Plan;
use crate::results::GoalResult;
use crate::simulate::revenues;

/// Trials per evaluation (at most).
pub const GOAL_TRIALS: u32 = 20_000;
/// Largest volume change searched: ×(1 + 1000).
pub const GOAL_MAX_FRAC: f64 = 1000.0;

/// Smallest x ∈ [−1, 1000] such that, with every segment's volume ×(1 + x) on
/// top of the baseline, P(total revenue ≥ `target`) ≥ `prob`.
///
/// Every evaluation reuses the same seed (common random numbers), so the
/// estimated probability moves with x only through the lever, and bisection
/// on the volume factor (geometric) brackets the answer; `tolerance` is the
/// bracket's half-width in x. On fixed-input segments the customer counts are
/// exactly monotone in x; revenue draws for different x share their random
/// numbers but are not guaranteed monotone trial by trial, so the estimated
/// probability is monotone only up to Monte Carlo noise (about `achieved_se`).
/// `prob` outside (0, 1] is clamped.
///
/// # Examples
/// ```
/// let plan = funnelcast_engine::workloads::w1().validate().unwrap();
/// // Mean revenue of w1 is 10 000 · 0.006 · 5 000 = 300 000.
/// let g = funnelcast_engine::goal_seek(&plan, 600_000.0, 0.9);
/// let x = g.volume_frac.unwrap();
/// assert!(x > 1.0 && x < 1.5, "{x}");
/// ```
pub fn goal_seek(plan: &Plan, target: f64, prob: f64) -> GoalResult {
    let prob = if prob.is_nan() {
        1.0
    } else {
        prob.clamp(1e-9, 1.0)
    };
    let trials = plan.trials().clamp(1, GOAL_TRIALS);
    let base = plan.clone().with_trials(trials);
    let mut buf = Vec::with_capacity(trials as usize);
    let mut eval = |factor: f64| -> f64 {
        let mut p = base.clone();
        p.force_general = plan.force_general;
        for sc in p.scenarios.iter_mut().skip(1) {
            drop(std::mem::take(&mut sc.levers));
        }
        p.scenarios.truncate(1);
        let mut lv = p.scenarios[0].clone();
        for l in &mut lv.levers {
            l.volume_factor = factor;
        }
        p.scenarios.push(lv);
        revenues(&p, 1, &mut buf);
        buf.iter().filter(|&&r| r >= target).count() as f64 / trials as f64
    };
    let se = |a: f64| libm::sqrt(a * (1.0 - a) / trials as f64);
    if target <= 0.0 {
        // Zero revenue already reaches it.
        return GoalResult {
            volume_frac: Some(-1.0),
            achieved: 1.0,
            achieved_se: 0.0,
            tolerance: 0.0,
        };
    }
    let top = 1.0 + GOAL_MAX_FRAC;
    let p_top = eval(top);
    if p_top < prob {
        return GoalResult {
            volume_frac: None,
            achieved: p_top,
            achieved_se: se(p_top),
            tolerance: 0.0,
        };
    }
    // Bracket [lo, hi] in volume factor with P(lo) < prob ≤ P(hi).
    let (mut lo, mut hi, mut p_hi) = (0.0f64, top, p_top);
    let p1 = eval(1.0);
    if p1 >= prob {
        hi = 1.0;
        p_hi = p1;
        let mut f = 0.5;
        while f > 1e-6 {
            let p = eval(f);
            if p >= prob {
                hi = f;
                p_hi = p;
                f *= 0.5;
            } else {
                lo = f;
                break;
            }
        }
    } else {
        lo = 1.0;
        let mut f = 2.0;
        while f < top {
            let p = eval(f);
            if p >= prob {
                hi = f;
                p_hi = p;
                break;
            }
            lo = f;
            f *= 2.0;
        }
    }
    // Bisection (geometric where the bracket is away from 0) to 0.1 % of the factor.
    while hi - lo > 1e-3 * hi.max(1e-3) {
        let mid = if lo > 0.0 {
            libm::sqrt(lo * hi)
        } else {
            0.5 * (lo + hi)
        };
        let p = eval(mid);
        if p >= prob {
            hi = mid;
            p_hi = p;
        } else {
            lo = mid;
        }
    }
    GoalResult {
        volume_frac: Some(hi - 1.0),
        achieved: p_hi,
        achieved_se: se(p_hi),
        tolerance: 0.5 * (hi - lo),
    }
}
