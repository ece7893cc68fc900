//! Goal seek: the smallest volume change, or rate change at one stage, that
//! reaches a revenue target with a chosen probability.

use crate::engine::Engine;
use crate::error::{check_finite_in, Field, ModelError, Problem};
use crate::lever::RateOp;
use crate::plan::Plan;
use crate::results::{GoalLever, GoalResult};
use crate::simulate::{key_blocks, Simulation};

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// Trials per evaluation (at most) when every segment's inputs are fixed.
pub const GOAL_TRIALS: u32 = 20_000;
/// Trials per evaluation (at most) when some input is uncertain (each trial
/// then costs some 10× more): `achieved_se` ≈ 0.003 at a 90 % goal.
pub const GOAL_TRIALS_GENERAL: u32 = 10_000;
/// The fewest trials an evaluation takes however long a trial (time mode
/// over many months): `achieved_se` ≈ 0.007 at a 90 % goal.
pub const GOAL_TRIALS_MIN: u32 = 2_000;
/// Largest volume change searched: ×(1 + 1000).
pub const GOAL_MAX_FRAC: f64 = 1000.0;

/// The goal probabilities a goal seek answers honestly: 1 % to 99.9 %. The
/// probability is estimated on [`GOAL_TRIALS_GENERAL`] (or more) trials, so
/// at 99.9 % the answer rests on the 10 worst of 10 000 trials, and beyond it
/// on fewer and fewer, up to "every trial sampled" at 100 %, a certainty no
/// sample gives; at the low end the page keeps its box's 1 %. Probabilities
/// of 0 % or below, 100 % or above are no goal at all. [`goal_seek_lever`]
/// still clamps what it is given; [`check_goal_prob`] says so beside the
/// field first.
pub const GOAL_PROB_MIN: f64 = 0.01;
/// See [`GOAL_PROB_MIN`].
pub const GOAL_PROB_MAX: f64 = 0.999;

/// A goal probability (a fraction) within [`GOAL_PROB_MIN`, `GOAL_PROB_MAX`],
/// as the [`Field::GoalProb`](crate::Field::GoalProb) error it is otherwise.
/// Compared in percent, the unit the page types it in: a box's 99.9 becomes
/// 99.9 / 100 = 0.9990000000000001, just above 0.999, and must still pass.
///
/// # Errors
/// NaN or infinite; outside the bounds (given as fractions).
pub fn check_goal_prob(prob: f64) -> Result<(), ModelError> {
    let field = |problem| ModelError::new(Field::GoalProb, problem);
    check_finite_in(prob * 100.0, GOAL_PROB_MIN * 100.0, GOAL_PROB_MAX * 100.0).map_err(|p| {
        field(match p {
            Problem::OutOfRange { .. } => Problem::OutOfRange {
                min: GOAL_PROB_MIN,
                max: GOAL_PROB_MAX,
            },
            p => p,
        })
    })
}

/// The largest revenue target goal seek takes (the bound of costs and volumes).
pub const GOAL_TARGET_MAX: f64 = 1e15;

/// A goal's revenue target, when one is set: finite, 0 to
/// [`GOAL_TARGET_MAX`] (a link or a file may hold anything; typed input is
/// held to the same bounds).
///
/// # Errors
/// A [`Field::GoalTarget`] error with its problem.
pub fn check_goal_target(target: Option<f64>) -> Result<(), ModelError> {
    match target {
        None => Ok(()),
        Some(t) => check_finite_in(t, 0.0, GOAL_TARGET_MAX)
            .map_err(|p| ModelError::new(Field::GoalTarget, p)),
    }
}

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
/// The answer is deliberately conservative: it is the bracket's upper end,
/// a change whose estimated probability reaches `prob` on the drawn trials
/// (`achieved ≥ prob` always), never the midpoint, which may fall short.
/// Its own 95 % error, `change_err`, carries the probability's error at the
/// goal through the curve's slope around the answer (two more
/// evaluations), plus the bracket.
///
/// # Examples
/// ```
/// # use funnelcast_engine::{DealSpec, Model, RateSpec, SegmentSpec, VolumeSpec};
/// // 10 000 people a period, rates 25/32/25/30 %, deals of 5 000 (cv 50 %).
/// # let rates = [0.25, 0.32, 0.25, 0.30].map(|value| RateSpec::Fixed { value });
/// # let model = Model {
/// #     stages: 5,
/// #     segments: vec![SegmentSpec {
/// #         volume: VolumeSpec::Fixed { value: 10_000.0 },
/// #         rates: rates.to_vec(),
/// #         deal: DealSpec { mean: 5_000.0, cv: 0.5 },
/// #     }],
/// #     scenarios: vec![],
/// #     margin: None,
/// #     trials: 20_000,
/// #     seed: 42,
/// # };
/// let plan = model.validate().unwrap();
/// // Mean revenue is 10 000 · 0.006 · 5 000 = 300 000.
/// let g = funnelcast_engine::goal_seek(&plan, 600_000.0, 0.9);
/// let x = g.change.unwrap();
/// assert!(x > 1.0 && x < 1.5, "{x}");
/// ```
pub fn goal_seek(plan: &Plan, target: f64, prob: f64) -> GoalResult {
    goal_seek_lever(plan, GoalLever::Volume, target, prob)
}

/// [`goal_seek`] with a choice of lever: the volume, or the rate into one
/// stage in points ("how many more points at consideration for a 90 %
/// chance?"). Rate points are searched by bisection on [−1, 1] (to 0.05
/// points) on common random numbers, like the volume; a stage that does not
/// exist reaches nothing (`change` is `None`).
///
/// # Examples
/// ```
/// use funnelcast_engine::{goal_seek_lever, GoalLever};
/// # use funnelcast_engine::{DealSpec, Model, RateSpec, SegmentSpec, VolumeSpec};
/// // 10 000 people a period, rates 25/32/25/30 %, deals of 5 000 (cv 50 %).
/// # let rates = [0.25, 0.32, 0.25, 0.30].map(|value| RateSpec::Fixed { value });
/// # let model = Model {
/// #     stages: 5,
/// #     segments: vec![SegmentSpec {
/// #         volume: VolumeSpec::Fixed { value: 10_000.0 },
/// #         rates: rates.to_vec(),
/// #         deal: DealSpec { mean: 5_000.0, cv: 0.5 },
/// #     }],
/// #     scenarios: vec![],
/// #     margin: None,
/// #     trials: 20_000,
/// #     seed: 42,
/// # };
/// let plan = model.validate().unwrap();
/// // 10 000 · 25 % · 32 % · 25 % · 30 % customers × 5 000 = 300 000 a period.
/// let g = goal_seek_lever(&plan, GoalLever::RatePoints { stage: 2 }, 400_000.0, 0.5);
/// let x = g.change.unwrap();
/// // About 32 % × 4/3 ≈ 42.7 %, so some 10.7 points more.
/// assert!(x > 0.09 && x < 0.12, "{x}");
/// ```
pub fn goal_seek_lever(plan: &Plan, lever: GoalLever, target: f64, prob: f64) -> GoalResult {
    block_on(goal_seek_steps(plan, lever, target, prob))
}

/// [`goal_seek_lever`] as a future that gives its caller the thread back
/// after each evaluation (a few milliseconds to some tens), so the page can
/// take it in slices: the same answer to the digit.
pub fn goal_seek_steps(
    plan: &Plan,
    lever: GoalLever,
    target: f64,
    prob: f64,
) -> impl Future<Output = GoalResult> + 'static {
    seek(goal_plan(plan, 1), lever, target, prob, |p| async move {
        let r = revenues(&p);
        yield_now().await;
        r
    })
}

/// The search itself, whatever computes the revenues: `eval` gets the
/// goal's plan with the lever set on its only scenario and gives that
/// scenario's revenue per trial. An evaluation may take its time (time
/// mode's, in steps between which the page's thread is given back: see
/// [`crate::months::goal_seek_months`]); the bracket and the bisection are
/// the same either way.
pub(crate) async fn seek<F, Fut>(
    base: Plan,
    lever: GoalLever,
    target: f64,
    prob: f64,
    eval: F,
) -> GoalResult
where
    F: FnMut(Plan) -> Fut,
    Fut: Future<Output = Vec<f64>>,
{
    let prob = if prob.is_nan() {
        1.0
    } else {
        crate::special::clamp(prob, 1e-9, 1.0)
    };
    match lever {
        GoalLever::Volume => seek_volume(base, target, prob, eval).await,
        GoalLever::RatePoints { stage } => seek_rate_points(base, stage, target, prob, eval).await,
    }
}

/// Polls `fut` until it is ready. Nothing here waits on the outside world:
/// an evaluation that yields ([`yield_now`]) is ready again at the next
/// poll, so a waker that does nothing is enough.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// Gives the caller back its thread once: pending at the first poll, ready
/// at the next. A caller that polls in slices (the page) stops there when
/// its slice is over.
pub(crate) fn yield_now() -> impl Future<Output = ()> {
    struct YieldNow(bool);
    impl Future for YieldNow {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                Poll::Ready(())
            } else {
                self.0 = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }
    YieldNow(false)
}

/// The model alone (its law is that of a scenario with the lever, without
/// the baseline's work), on the run's trials capped (see [`GOAL_TRIALS`]).
/// Every evaluation keeps the plan's seed: common random numbers.
/// `months`: a trial's months (1 for one period), each as costly as a
/// one-period trial, so the cap is divided by them (down to
/// [`GOAL_TRIALS_MIN`]).
pub(crate) fn goal_plan(plan: &Plan, months: usize) -> Plan {
    let cap = if Engine::new(plan).all_fast() {
        GOAL_TRIALS
    } else {
        GOAL_TRIALS_GENERAL
    };
    let cap = (cap / months.max(1) as u32).max(GOAL_TRIALS_MIN);
    let trials = plan.trials().clamp(1, cap);
    let mut p = plan.clone().with_trials(trials);
    p.force_general = plan.force_general;
    p.scenarios.truncate(1);
    p
}

/// The share of the revenues that reach `target`.
fn share_reaching(revenues: &[f64], target: f64) -> f64 {
    revenues.iter().filter(|&&r| r >= target).count() as f64 / revenues.len().max(1) as f64
}

/// A goal-seek answer whose probability was estimated on `trials` trials.
fn answer(
    lever: GoalLever,
    change: Option<f64>,
    achieved: f64,
    trials: u32,
    tolerance: f64,
) -> GoalResult {
    GoalResult {
        lever,
        change,
        achieved,
        achieved_se: libm::sqrt(achieved * (1.0 - achieved) / trials as f64),
        tolerance,
        change_err: 0.0,
    }
}

/// The answer's 95 % error: a seed moves the estimated curve
/// P(revenue ≥ target) by about its standard error at the goal,
/// √(prob(1 − prob)/T), so it moves the crossing by that over the curve's
/// slope there (measured between `below` and `above`, the shares at
/// `at − h` and `at + h`); plus the bracket's width, since the answer is the
/// bracket's upper end (see [`goal_seek`]). NaN for a slope not above 0.
fn change_error(prob: f64, trials: u32, h: f64, below: f64, above: f64, tolerance: f64) -> f64 {
    let slope = (above - below) / (2.0 * h);
    if slope > 0.0 {
        1.96 * libm::sqrt(prob * (1.0 - prob) / f64::from(trials)) / slope + 2.0 * tolerance
    } else {
        f64::NAN
    }
}

/// The smallest points added to every segment's rate into `stage`.
async fn seek_rate_points<F, Fut>(
    base: Plan,
    stage: usize,
    target: f64,
    prob: f64,
    mut revenues: F,
) -> GoalResult
where
    F: FnMut(Plan) -> Fut,
    Fut: Future<Output = Vec<f64>>,
{
    let lever = GoalLever::RatePoints { stage };
    if stage == 0 || stage >= base.stages() {
        return answer(lever, None, f64::NAN, 1, 0.0);
    }
    let trials = base.trials();
    let mut eval = async |points: f64| -> f64 {
        let mut p = base.clone();
        for l in &mut p.scenarios[0].levers {
            l.rate_ops[stage - 1] = vec![RateOp::Points(points)];
        }
        share_reaching(&revenues(p).await, target)
    };
    // P is non-decreasing in the points (up to Monte Carlo noise, as for
    // the volume): bracket the smallest reaching value within [−1, 1].
    let p0 = eval(0.0).await;
    let (mut lo, mut hi, mut p_hi) = if p0 >= prob {
        let p_bottom = eval(-1.0).await;
        if p_bottom >= prob {
            return answer(lever, Some(-1.0), p_bottom, trials, 0.0);
        }
        (-1.0, 0.0, p0)
    } else {
        let p_top = eval(1.0).await;
        if p_top < prob {
            return answer(lever, None, p_top, trials, 0.0);
        }
        (0.0, 1.0, p_top)
    };
    while hi - lo > 5e-4 {
        let mid = 0.5 * (lo + hi);
        let p = eval(mid).await;
        if p >= prob {
            hi = mid;
            p_hi = p;
        } else {
            lo = mid;
        }
    }
    let tolerance = 0.5 * (hi - lo);
    let mut g = answer(lever, Some(hi), p_hi, trials, tolerance);
    // The slope around the answer: ±1 point, or ±4 where the curve is flat
    // on the drawn trials (within the rate's range).
    for h in [0.01, 0.04] {
        let (a, b) = (
            crate::special::clamp(hi - h, -1.0, 1.0),
            crate::special::clamp(hi + h, -1.0, 1.0),
        );
        let (below, above) = (eval(a).await, eval(b).await);
        g.change_err = change_error(prob, trials, 0.5 * (b - a), below, above, tolerance);
        if !g.change_err.is_nan() {
            break;
        }
    }
    g
}

/// The smallest change of every segment's volume.
async fn seek_volume<F, Fut>(base: Plan, target: f64, prob: f64, mut revenues: F) -> GoalResult
where
    F: FnMut(Plan) -> Fut,
    Fut: Future<Output = Vec<f64>>,
{
    let lever = GoalLever::Volume;
    if target <= 0.0 {
        // Zero revenue already reaches it.
        return answer(lever, Some(-1.0), 1.0, 1, 0.0);
    }
    let trials = base.trials();
    // The revenues with every volume × factor.
    let mut eval = async |factor: f64| -> Vec<f64> {
        let mut p = base.clone();
        for l in &mut p.scenarios[0].levers {
            l.volume_factor = factor;
        }
        revenues(p).await
    };
    let top = 1.0 + GOAL_MAX_FRAC;
    // Bracket [lo, hi] in volume factor with P(lo) < prob ≤ P(hi); P(0) = 0.
    let mut buf = eval(1.0).await;
    let p1 = share_reaching(&buf, target);
    let (mut lo, mut hi, mut p_hi) = if p1 >= prob {
        (0.0f64, 1.0f64, p1)
    } else {
        (1.0, top, f64::NAN)
    };
    // First guess: revenue roughly proportional to volume, so the factor
    // that lifts today's (1 − prob)-quantile of revenue to the target.
    let guess = {
        let k = (((buf.len() - 1) as f64 * (1.0 - prob)) as usize).min(buf.len() - 1);
        let q = *buf.select_nth_unstable_by(k, |a, b| a.total_cmp(b)).1;
        let mean = buf.iter().sum::<f64>() / buf.len() as f64;
        let scale = if q > 0.0 { q } else { mean };
        if scale > 0.0 {
            target / scale
        } else {
            2.0
        }
    };
    drop(buf);
    let mut share = async |f: f64| share_reaching(&eval(f).await, target);
    // Probe around the guess, widening the step geometrically, until the
    // bracket is found (a side already known needs no evaluation).
    let g = crate::special::clamp(guess, 1e-6, top);
    if g > lo && g < hi {
        let mut probe = async |f: f64, lo: &mut f64, hi: &mut f64, p_hi: &mut f64| -> bool {
            let p = share(f).await;
            if p >= prob {
                *hi = f;
                *p_hi = p;
                true
            } else {
                *lo = f;
                false
            }
        };
        let up = !probe(g, &mut lo, &mut hi, &mut p_hi).await;
        let mut step = 1.05f64;
        loop {
            let f = if up { lo * step } else { hi / step };
            if f >= hi || f <= lo.max(1e-6) {
                break;
            }
            let reached = probe(f, &mut lo, &mut hi, &mut p_hi).await;
            if reached == up {
                break;
            }
            step *= step;
        }
    }
    if p_hi.is_nan() {
        // The top of the search range was never evaluated: is it reachable?
        let p_top = share(top).await;
        if p_top < prob {
            return answer(lever, None, p_top, trials, 0.0);
        }
        p_hi = p_top;
    }
    // Bisection (geometric where the bracket is away from 0) to 0.1 % of the factor.
    while hi - lo > 1e-3 * hi.max(1e-3) {
        let mid = if lo > 0.0 {
            libm::sqrt(lo * hi)
        } else {
            0.5 * (lo + hi)
        };
        let p = share(mid).await;
        if p >= prob {
            hi = mid;
            p_hi = p;
        } else {
            lo = mid;
        }
    }
    let tolerance = 0.5 * (hi - lo);
    let mut g = answer(lever, Some(hi - 1.0), p_hi, trials, tolerance);
    // The slope around the answer: ±5 % of the volume, or ±20 % where the
    // curve is flat on the drawn trials.
    for h in [0.05, 0.2] {
        let (below, above) = (share(hi * (1.0 - h)).await, share(hi * (1.0 + h)).await);
        g.change_err = change_error(prob, trials, h * hi, below, above, tolerance);
        if !g.change_err.is_nan() {
            break;
        }
    }
    g
}

/// Revenue per trial of the only scenario (goal seek; the run's draws, as
/// [`crate::simulate`] takes them).
fn revenues(plan: &Plan) -> Vec<f64> {
    let mut chunk = Simulation::chunk(plan, 0..key_blocks(plan.trials()));
    std::mem::take(&mut chunk.revenue[0])
}
