//! Time mode (README.md, "Months"): monthly cohorts over a horizon, each
//! customer closing after the lags of the stages they passed, campaign
//! windows for the scenarios, and what a planner asks of it: monthly and
//! cumulative revenue, cumulative net gain against the baseline, the
//! payback month and what is still in the pipeline at the horizon.
//!
//! A trial draws the uncertain inputs once (a volume range is uncertainty
//! about the level of every month; an uncertain rate holds for every
//! cohort), then for each month's cohort the baseline's chain of stages,
//! the month each customer closes in ([`crate::lag::close_law`]) and the
//! revenue of each (cohort, month) cell. A scenario's cohorts outside its
//! campaign window are the baseline's own; inside it the same people
//! coupling as one period ([`crate::coupling`]) holds, and a customer in
//! both runs closes in the same month with the same deal in both.

use serde::{Deserialize, Serialize};

use crate::binomial::BinomialTable;
use crate::coupling::{baseline_revenue, couple_one, split_baseline, Groups};
use crate::error::{check_finite_in, Arg, Field, ModelError, Problem};
use crate::lag::{close_law, CloseLaw, Lag};
use crate::plan::Plan;
use crate::rate::RateKind;
use crate::results::Results;
use crate::rng::Uniforms;
use crate::rng::Xoshiro256PlusPlus;
use crate::streams::{self, KEY_BLOCK};
use crate::summary::CountHist;
use crate::volume::{round_volume, VolumeKind, VOLUME_CAP};

/// The longest horizon, in months.
pub const MAX_HORIZON: u32 = 36;
/// The largest weight of one month's entering volume (1 is the typed
/// volume).
pub const MAX_MONTH_WEIGHT: f64 = 100.0;
/// The run's work bound: trials × scenarios (the baseline included) ×
/// months. 20,000 trials of nine scenarios over 36 months are 6.5 M.
pub const MAX_TRIAL_MONTHS: u64 = 200_000_000;
/// The memory budget of the monthly draws kept for their quantiles, in
/// values (4 bytes each: 32 MB). A larger run keeps every k-th trial's
/// months for the quantiles (means and payback use every trial).
pub const MONTH_VALUES_BUDGET: usize = 8_000_000;

/// One lag as typed: its median and 90th percentile, in days.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LagSpec {
    pub median: f64,
    pub p90: f64,
}

/// The time-mode inputs beside a [`crate::Model`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeSpec {
    /// Months, 1 – [`MAX_HORIZON`].
    pub horizon: u32,
    /// Month m's entering volume is the typed volume × `weights[m − 1]`;
    /// empty: every month the same.
    #[serde(default)]
    pub weights: Vec<f64>,
    /// `lags[g][i − 1]`: the lag of the people of segment g who convert
    /// into stage i; a segment or stage left out has none.
    #[serde(default)]
    pub lags: Vec<Vec<LagSpec>>,
    /// `windows[s − 1]`: scenario s's campaign months, first and last
    /// (1-based, inclusive); left out or `None`: the whole horizon.
    #[serde(default)]
    pub windows: Vec<Option<(u32, u32)>>,
}

/// A validated [`TimeSpec`] for one plan.
#[derive(Clone, Debug, PartialEq)]
pub struct TimePlan {
    pub(crate) horizon: usize,
    pub(crate) weights: Vec<f64>,
    /// Per segment: when its customers close.
    pub(crate) close: Vec<CloseLaw>,
    /// Per scenario, the baseline included: the campaign's months,
    /// 0-based, inclusive.
    pub(crate) windows: Vec<(usize, usize)>,
}

impl TimePlan {
    pub fn horizon(&self) -> usize {
        self.horizon
    }
    /// Segment g's close law.
    pub fn close(&self, g: usize) -> &CloseLaw {
        &self.close[g]
    }
    /// How many months' worth of segment g's people become customers
    /// within the horizon, for the baseline: Σ_t w_t · G_g(H − t), G_g(n)
    /// the chance of closing within n months of the entry month. The
    /// horizon's mean revenue from the segment is its one-period mean
    /// times this (up to the rounding of each month's people).
    pub fn horizon_weight(&self, g: usize) -> f64 {
        (0..self.horizon)
            .map(|t| self.weights[t] * self.closed_within(g, self.horizon - t))
            .sum()
    }

    /// G_g(n): the chance that a customer of segment g closes within `n`
    /// months of their entry month.
    fn closed_within(&self, g: usize, n: usize) -> f64 {
        self.close[g].within[..n].iter().sum()
    }

    /// The levers month t's cohort of segment g meets in scenario s: the
    /// scenario's inside its campaign window, the baseline's outside.
    fn cohort_levers<'p>(
        &self,
        plan: &'p Plan,
        s: usize,
        g: usize,
        t: usize,
    ) -> &'p crate::lever::SegmentLevers {
        let (a, b) = self.windows[s];
        let s = if t >= a && t <= b { s } else { 0 };
        &plan.scenarios[s].levers[g]
    }
}

impl TimeSpec {
    /// Checks the time-mode inputs against `plan` and computes each
    /// segment's close law.
    ///
    /// # Errors
    /// Every problem found, each naming its field: [`Field::Horizon`],
    /// [`Field::MonthWeight`] (m from 1), [`Field::LagMedian`] and
    /// [`Field::LagP90`] (i from 1), [`Field::CampaignStart`] and
    /// [`Field::CampaignEnd`] (s from 1), and [`Field::Trials`] when the
    /// run passes [`MAX_TRIAL_MONTHS`].
    pub fn validate(&self, plan: &Plan) -> Result<TimePlan, Vec<ModelError>> {
        let Checked {
            horizon,
            lags,
            windows,
        } = self.checked(plan)?;
        Ok(TimePlan {
            horizon,
            weights: if self.weights.is_empty() {
                vec![1.0; horizon]
            } else {
                self.weights.clone()
            },
            close: lags.iter().map(|l| close_law(l, horizon)).collect(),
            windows,
        })
    }

    /// Every check of [`TimeSpec::validate`], without computing the close
    /// laws (the page checks each edit with it; the laws are computed by
    /// the run).
    ///
    /// # Errors
    /// As [`TimeSpec::validate`].
    pub fn check(&self, plan: &Plan) -> Result<(), Vec<ModelError>> {
        self.checked(plan).map(|_| ())
    }

    /// The horizon, each segment's lags and each scenario's window, checked.
    fn checked(&self, plan: &Plan) -> Result<Checked, Vec<ModelError>> {
        let mut errs = Vec::new();
        let h = self.horizon;
        if !(1..=MAX_HORIZON).contains(&h) {
            let max = f64::from(MAX_HORIZON);
            errs.push(ModelError::new(
                Field::Horizon,
                Problem::OutOfRange { min: 1.0, max },
            ));
        }
        let horizon = h.clamp(1, MAX_HORIZON) as usize;
        if !self.weights.is_empty() && self.weights.len() != horizon {
            errs.push(ModelError::new(Field::Horizon, Problem::NoSuchIndex));
        }
        for (m, &w) in self.weights.iter().enumerate() {
            if let Err(p) = check_finite_in(w, 0.0, MAX_MONTH_WEIGHT) {
                errs.push(ModelError::new(Field::MonthWeight(m + 1), p));
            }
        }
        let mut close = Vec::with_capacity(plan.segments());
        for g in 0..plan.segments() {
            let typed = self.lags.get(g).map(Vec::as_slice).unwrap_or_default();
            if typed.len() > plan.stages() - 1 {
                errs.push(ModelError::new(
                    Field::LagMedian(g, plan.stages()),
                    Problem::NoSuchIndex,
                ));
            }
            let mut lags = Vec::with_capacity(typed.len());
            for (j, l) in typed.iter().enumerate() {
                match Lag::new(l.median, l.p90) {
                    Ok(lag) => lags.push(lag),
                    Err(e) => {
                        let field = if e.arg == Arg::Median {
                            Field::LagMedian(g, j + 1)
                        } else {
                            Field::LagP90(g, j + 1)
                        };
                        errs.push(ModelError::new(field, e.problem));
                    }
                }
            }
            close.push(lags);
        }
        let mut windows = vec![(0, horizon - 1)];
        for s in 1..plan.scenarios() {
            let w = self.windows.get(s - 1).copied().flatten();
            let (first, last) = w.unwrap_or((1, h));
            let max = f64::from(h.max(1));
            for (field, m) in [
                (Field::CampaignStart(s), first),
                (Field::CampaignEnd(s), last),
            ] {
                if m < 1 || m > h {
                    errs.push(ModelError::new(
                        field,
                        Problem::OutOfRange { min: 1.0, max },
                    ));
                }
            }
            if first > last {
                errs.push(ModelError::new(
                    Field::CampaignEnd(s),
                    Problem::EndBeforeStart,
                ));
            }
            let clampm = |m: u32| (m.clamp(1, h.max(1)) - 1) as usize;
            windows.push((clampm(first), clampm(last)));
        }
        let work = u64::from(plan.trials) * plan.scenarios() as u64 * horizon as u64;
        if work > MAX_TRIAL_MONTHS {
            let max = (MAX_TRIAL_MONTHS / (plan.scenarios() as u64 * horizon as u64)) as u32;
            errs.push(ModelError::new(
                Field::Trials,
                Problem::OutOfRange {
                    min: f64::from(crate::limits::MIN_TRIALS),
                    max: f64::from(max),
                },
            ));
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(Checked {
            horizon,
            lags: close,
            windows,
        })
    }
}

/// A [`TimeSpec`] checked: its horizon, each segment's lags, each
/// scenario's window (0-based months, the baseline's first).
struct Checked {
    horizon: usize,
    lags: Vec<Vec<Lag>>,
    windows: Vec<(usize, usize)>,
}

/// Mean, P5, P25, P50, P75 and P95 of a monthly figure, and the 95 %
/// Monte Carlo error of the mean (1.96 · sd / √trials).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MonthStats {
    pub mean: f64,
    #[serde(default)]
    pub mean_err: f64,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

/// One scenario over the horizon (month m is index m − 1).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MonthScenario {
    pub month_revenue: Vec<MonthStats>,
    pub cum_revenue: Vec<MonthStats>,
    pub month_customers_mean: Vec<f64>,
    /// Cumulative uplift (on margin where one is set) minus the cost spent
    /// so far; empty for the baseline.
    pub cum_net: Vec<MonthStats>,
    /// The cost spent in each month (evenly over the campaign window).
    pub cost: Vec<f64>,
    /// P(paid back by month m): the cumulative net gain ≥ 0 for the first
    /// time in month m or before; empty for the baseline or without a cost.
    pub payback_prob: Vec<f64>,
    /// The median payback month (1-based); `None` when it is beyond the
    /// horizon (or there is no cost).
    pub payback_p50: Option<u32>,
    /// Customers who entered within the horizon and close after it, and
    /// their expected revenue.
    pub pipeline_customers_mean: f64,
    pub pipeline_revenue_mean: f64,
}

/// A time-mode run's results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthResults {
    pub horizon: usize,
    pub trials: u32,
    /// The trials whose months give the quantiles (all of them within
    /// [`MONTH_VALUES_BUDGET`], else every k-th).
    pub quantile_trials: u32,
    pub scenarios: Vec<MonthScenario>,
    /// Per scenario and trial: the revenue within the horizon, and its
    /// uplift over the baseline (empty for s = 0), in trial order — what the
    /// one-period summaries (quantiles, P(beat), goal seek) are about in
    /// time mode.
    pub revenue: Vec<Vec<f64>>,
    pub uplift: Vec<Vec<f64>>,
    /// `counts[s * stages + i]`: people entering (i = 0) over all cohorts,
    /// and customers (the last stage) closing within the horizon, whose
    /// revenue `revenue` is. The stages between are not drawn in time mode
    /// (empty here):
    /// a cohort no scenario changes draws its customers at once,
    /// Bin(V_t, ∏r) given the trial's rates; their expected counts are the
    /// model's.
    pub counts: Vec<CountHist>,
}

impl MonthResults {
    /// The one-period summaries of the run, about revenue within the
    /// horizon: its quantiles, histograms, uplift and P(beat), the entering
    /// people and the customers closing within the horizon from the draws. The stages between are not drawn in time
    /// mode: their figures are the expected counts of every cohort (mean,
    /// and the quantiles equal to it). Takes the per-trial draws out of
    /// `self`, which keeps its monthly figures.
    pub fn summaries(&mut self, plan: &Plan, time: &TimePlan) -> Results {
        let chunk = crate::simulate::ChunkSummary {
            first_block: 0,
            blocks: crate::simulate::key_blocks(plan.trials),
            trials: plan.trials,
            counts: self.counts.clone(),
            revenue: std::mem::take(&mut self.revenue),
            uplift: std::mem::take(&mut self.uplift),
        };
        let mut results = crate::simulate::assemble_draws(plan, chunk);
        for (sc, exact) in results.scenarios.iter_mut().zip(exact_horizon(plan, time)) {
            sc.exact = exact;
        }
        let k = plan.stages();
        for (s, sc) in results.scenarios.iter_mut().enumerate() {
            let expected = expected_stage_counts(plan, time, s);
            for (i, st) in sc.stages.iter_mut().enumerate().take(k - 1).skip(1) {
                let n = expected[i];
                *st = crate::results::StageSummary {
                    mean: n,
                    p5: n,
                    p50: n,
                    p95: n,
                    exact: false,
                    err: crate::results::McError::default(),
                };
            }
        }
        results
    }
}

/// Most multiply–adds spent convolving a scenario's cohort laws.
const MAX_HORIZON_CONVOLUTION: usize = 50_000_000;

/// The exact laws of the horizon's customers and revenue, per scenario,
/// when every segment's inputs are fixed (README.md, "Months"): cohort t
/// of segment g brings Bin(V_t, P_t · G_g(H − t)) customers within the
/// horizon, G_g(n) the chance of closing within n months of the entry
/// month, independent across cohorts and segments; their convolution is
/// the customers' law, and the revenue a binomial mixture of Gammas when
/// one deal law and one deal factor hold for all of them. `None` where the
/// inputs are uncertain, the deal differs, or the work is too long.
fn exact_horizon(plan: &Plan, time: &TimePlan) -> Vec<Option<crate::results::ExactFigures>> {
    let h = time.horizon;
    let fixed = plan
        .segments
        .iter()
        .all(|g| g.volume.is_fixed() && g.rates.iter().all(|r| r.is_fixed()));
    let deal = plan.segments[0].deal;
    let one_deal = plan.segments.iter().all(|g| g.deal == deal);
    (0..plan.scenarios())
        .map(|s| {
            if !fixed || !one_deal {
                return None;
            }
            let mut law: (u64, Vec<f64>) = (0, vec![1.0]);
            let mut factor = None;
            let mut work = 0usize;
            for (g, seg) in plan.segments.iter().enumerate() {
                for t in 0..h {
                    let lv = time.cohort_levers(plan, s, g, t);
                    match factor {
                        None => factor = Some(lv.deal_factor),
                        Some(f) if f != lv.deal_factor => return None,
                        Some(_) => {}
                    }
                    let v = round_volume(seg.volume.mean() * time.weights[t] * lv.volume_factor);
                    let p: f64 = seg
                        .rates
                        .iter()
                        .enumerate()
                        .map(|(i, r)| lv.rate(i, r.mean()))
                        .product();
                    let closed = time.closed_within(g, h - t);
                    let part = BinomialTable::new(v, (p * closed).min(1.0))?.pmf();
                    work += law.1.len() * part.1.len();
                    if work > MAX_HORIZON_CONVOLUTION {
                        return None;
                    }
                    law = crate::exact::convolve(&law, &part);
                }
            }
            Some(crate::results::ExactFigures {
                customers: crate::exact::count_law(&law),
                revenue: crate::exact::mixture_law(&law, &deal, factor.unwrap_or(1.0))?,
            })
        })
        .collect()
}

/// Scenario s's expected people at each stage, summed over the cohorts of
/// the horizon and the segments (its levers inside its window, the
/// baseline's outside), from the inputs' means.
fn expected_stage_counts(plan: &Plan, time: &TimePlan, s: usize) -> Vec<f64> {
    let k = plan.stages();
    let mut total = vec![0.0; k];
    for (g, seg) in plan.segments.iter().enumerate() {
        for t in 0..time.horizon {
            let lv = time.cohort_levers(plan, s, g, t);
            let mut n = seg.volume.mean() * time.weights[t] * lv.volume_factor;
            total[0] += n;
            for (i, r) in seg.rates.iter().enumerate() {
                n *= lv.rate(i, r.mean());
                total[i + 1] += n;
            }
        }
    }
    total
}

/// Stream purpose of the close months (the one-period purposes are
/// 0 to 2).
const LAGS: u64 = 3;

/// One segment's random streams in a time-mode run.
struct Streams {
    inputs: Xoshiro256PlusPlus,
    counts: Vec<Xoshiro256PlusPlus>,
    lags: Vec<Xoshiro256PlusPlus>,
    revenue: Vec<Xoshiro256PlusPlus>,
}

impl Streams {
    fn at(seed: u64, block: u32, g: usize, ns: usize) -> Self {
        let each = |purpose| {
            (0..ns)
                .map(|s| streams::stream(seed, block, g, s, purpose))
                .collect()
        };
        Streams {
            inputs: streams::stream(seed, block, g, 0, streams::INPUTS),
            counts: each(streams::COUNTS),
            lags: each(LAGS),
            revenue: each(streams::REVENUE),
        }
    }
}

/// Largest number of people whose split over the months is drawn from
/// inversion tables (beyond it, from the binomial sampler).
const SPLIT_TABLE_PEOPLE: u64 = 512;

/// Draws how a cohort's customers spread over the months they close in:
/// the months in order, each a binomial of the people left with the
/// month's probability given a later close (the same for every cohort),
/// the people left after the horizon in the last cell. Small counts use
/// exact inversion tables of those binomials, built as they are first
/// needed.
struct SplitTables {
    /// P(close in month j | not before j).
    p: Vec<f64>,
    /// `entries[j * (SPLIT_TABLE_PEOPLE + 1) + n]`: where the table of
    /// Binomial(n, p_j) is in the arenas (built when first needed).
    entries: Vec<Entry>,
    cdf: Vec<f64>,
    guide: Vec<u32>,
}

/// One table's place in [`SplitTables`]'s arenas.
#[derive(Clone, Copy, Default)]
struct Entry {
    built: bool,
    lo: u32,
    shift: u32,
    cdf: u32,
    guide: u32,
}

impl SplitTables {
    fn new(law: &[f64]) -> Self {
        let mut left = 1.0;
        let p = law
            .iter()
            .map(|&q| {
                let p = if left <= q { 1.0 } else { q / left };
                left -= q;
                p
            })
            .collect::<Vec<f64>>();
        SplitTables {
            entries: vec![Entry::default(); p.len() * (SPLIT_TABLE_PEOPLE as usize + 1)],
            p,
            cdf: Vec::new(),
            guide: Vec::new(),
        }
    }

    /// `n` people's cells into `out` (`len − 1` months, then the rest).
    fn draw(&mut self, n: u64, out: &mut [u64], rng: &mut Xoshiro256PlusPlus) {
        let cells = out.len() - 1;
        out.iter_mut().for_each(|x| *x = 0);
        let mut left = n;
        for (j, x) in out[..cells].iter_mut().enumerate() {
            if left == 0 {
                return;
            }
            *x = if left <= SPLIT_TABLE_PEOPLE {
                let at = j * (SPLIT_TABLE_PEOPLE as usize + 1) + left as usize;
                if !self.entries[at].built {
                    self.build(at, left, self.p[j]);
                }
                let e = self.entries[at];
                // As `BinomialTable::quantile_bits`: the guide entry from
                // the top bits, then the walk up the CDF.
                let m = rng.bits53();
                let mut i = self.guide[e.guide as usize + (m >> e.shift) as usize] as usize;
                let u = crate::rng::to_unit(m);
                let cdf = &self.cdf[e.cdf as usize..];
                while cdf[i] <= u {
                    i += 1;
                }
                u64::from(e.lo) + i as u64
            } else {
                crate::binomial::binomial(left, self.p[j], rng)
            };
            left -= *x;
        }
        out[cells] = left;
    }

    #[cold]
    fn build(&mut self, at: usize, n: u64, p: f64) {
        let table = BinomialTable::new(n, p).expect("a table of at most 512 people");
        let (lo, cdf, guide, shift) = table.parts();
        self.entries[at] = Entry {
            built: true,
            lo: lo as u32,
            shift,
            cdf: self.cdf.len() as u32,
            guide: self.guide.len() as u32,
        };
        self.cdf.extend_from_slice(cdf);
        self.guide.extend_from_slice(guide);
    }
}

/// Which of `cells`'s people (sizes per cell, summing to the population)
/// are the `k` drawn without replacement: per cell, into `out`.
fn subset(cells: &[u64], k: u64, out: &mut [u64], rng: &mut Xoshiro256PlusPlus) {
    let mut pop: u64 = cells.iter().sum();
    let mut left = k;
    for (x, &c) in out.iter_mut().zip(cells) {
        *x = if left == 0 {
            0
        } else if c == pop {
            left
        } else {
            crate::hypergeometric::hypergeometric(pop, c, left, rng)
        };
        pop -= c;
        left -= *x;
    }
}

/// One segment's cohort cells of one trial: `cell(t, j)` is month t's
/// cohort closing j months later (j = horizon − t is the pipeline).
struct Cells {
    h: usize,
    n: Vec<u64>,
    rev: Vec<f64>,
}

impl Cells {
    fn new(h: usize) -> Self {
        Cells {
            h,
            n: vec![0; h * (h + 1)],
            rev: vec![0.0; h * (h + 1)],
        }
    }
    /// Cohort t's cells: months t .. h − 1, then the pipeline.
    fn range(&self, t: usize) -> std::ops::Range<usize> {
        let at = t * (self.h + 1);
        at..at + (self.h - t) + 1
    }
}

/// Per-trial figures of every scenario, for the summaries.
struct TrialOut {
    h: usize,
    /// `[s * h + m]`
    month_rev: Vec<f64>,
    month_cust: Vec<u64>,
    month_uplift: Vec<f64>,
    pipeline_cust: Vec<u64>,
    pipeline_rev: Vec<f64>,
    counts: Vec<u64>,
}

/// Runs the plan in time mode (all at once: [`MonthSimulation`] takes it
/// in steps).
pub fn simulate_months(plan: &Plan, time: &TimePlan) -> MonthResults {
    MonthSimulation::new(plan, time).finish()
}

/// The trials of one step of a [`MonthSimulation`]: a time-mode trial is
/// about a horizon's worth of one-period trials, so its steps are shorter
/// than one period's (a step stays well inside a page's slice).
pub const MONTH_STEP: u32 = 1_024;

/// A time-mode run taken in steps of [`MONTH_STEP`] trials, for a
/// caller that must stay responsive (the page's thread between timers):
/// the same digits as [`simulate_months`] however it is stepped. It owns
/// copies of its plans.
pub struct MonthSimulation {
    plan: Plan,
    time: TimePlan,
    trials: Trials,
    acc: Accumulator,
    every: usize,
    costs: Vec<Vec<f64>>,
}

impl MonthSimulation {
    pub fn new(plan: &Plan, time: &TimePlan) -> Self {
        let h = time.horizon;
        let ns = plan.scenarios();
        let trials = plan.trials as usize;
        let series = h * (3 * ns - 1);
        let every = (trials * series).div_ceil(MONTH_VALUES_BUDGET).max(1);
        MonthSimulation {
            acc: Accumulator::new(ns, h, trials.div_ceil(every), trials, plan.stages()),
            costs: monthly_costs(plan, time),
            trials: Trials::new(plan, time),
            plan: plan.clone(),
            time: time.clone(),
            every,
        }
    }

    /// The trials the run takes.
    pub fn trials(&self) -> u32 {
        self.plan.trials
    }

    /// The trials taken so far.
    pub fn trials_done(&self) -> u32 {
        self.trials.t
    }

    pub fn is_finished(&self) -> bool {
        self.trials.t >= self.plan.trials
    }

    /// Takes the next [`MONTH_STEP`] trials (fewer at the end; none once
    /// finished) and returns the trials taken so far.
    pub fn step(&mut self) -> u32 {
        let end = self.plan.trials.min(self.trials.t + MONTH_STEP);
        while self.trials.t < end {
            let t = self.trials.t as usize;
            let out = self.trials.next(&self.plan, &self.time);
            self.acc
                .add(t, self.every, out, &self.costs, self.plan.margin);
        }
        self.trials.t
    }

    /// Takes the trials left, then summarises.
    pub fn finish(mut self) -> MonthResults {
        while !self.is_finished() {
            self.step();
        }
        self.acc.finish(&self.plan, &self.time, self.costs)
    }
}

/// Goal seek in time mode: the smallest change of `lever` such that
/// P(revenue within the horizon ≥ `target`) ≥ `prob`, the lever on every
/// month's cohort. The same search as one period's
/// ([`crate::goal_seek_lever`]: common random numbers, bracket, bisection),
/// each evaluation a time-mode run of the baseline alone on fewer trials
/// (a trial is a horizon of months: [`crate::goal::goal_plan`]). The
/// future gives its caller the thread back after every [`MONTH_STEP`]
/// trials, so the page can take it in slices; [`crate::goal::block_on`]
/// takes it at once.
pub fn goal_seek_months(
    plan: &Plan,
    time: &TimePlan,
    lever: crate::GoalLever,
    target: f64,
    prob: f64,
) -> impl std::future::Future<Output = crate::GoalResult> + 'static {
    let base = crate::goal::goal_plan(plan, time.horizon);
    let mut time = time.clone();
    time.windows.truncate(1);
    crate::goal::seek(base, lever, target, prob, move |p: Plan| {
        let time = time.clone();
        async move {
            let h = time.horizon;
            let mut trials = Trials::new(&p, &time);
            let mut revenue = Vec::with_capacity(p.trials as usize);
            while trials.t < p.trials {
                let end = p.trials.min(trials.t + MONTH_STEP);
                while trials.t < end {
                    let out = trials.next(&p, &time);
                    revenue.push(out.month_rev[..h].iter().sum());
                }
                crate::goal::yield_now().await;
            }
            revenue
        }
    })
}

/// One trial of a time-mode run as the test hook [`for_each_month_trial`]
/// sees it: `[s * horizon + m]` for the months, `[s * stages + i]` for the
/// stage counts over all cohorts.
pub struct MonthTrial<'a> {
    pub month_revenue: &'a [f64],
    pub month_uplift: &'a [f64],
    pub month_customers: &'a [u64],
    pub pipeline_customers: &'a [u64],
    pub counts: &'a [u64],
}

/// Test hook: calls `f` with every trial of the run, in order.
#[cfg(any(test, feature = "workloads"))]
pub fn for_each_month_trial(
    plan: &Plan,
    time: &TimePlan,
    mut f: impl FnMut(usize, MonthTrial<'_>),
) {
    run(plan, time, |t, out| {
        f(
            t,
            MonthTrial {
                month_revenue: &out.month_rev,
                month_uplift: &out.month_uplift,
                month_customers: &out.month_cust,
                pipeline_customers: &out.pipeline_cust,
                counts: &out.counts,
            },
        )
    });
}

/// The stages whose counts a trial records: the entry and the customers.
fn counted(k: usize, i: usize) -> bool {
    i == 0 || i == k - 1
}

/// The trials of a run, each handed to `each` once drawn.
#[cfg(any(test, feature = "workloads"))]
fn run(plan: &Plan, time: &TimePlan, mut each: impl FnMut(usize, &TrialOut)) {
    let mut trials = Trials::new(plan, time);
    while trials.t < plan.trials {
        let t = trials.t as usize;
        each(t, trials.next(plan, time));
    }
}

/// A run's trials, drawn one after the other.
struct Trials {
    /// The next trial.
    t: u32,
    out: TrialOut,
    segs: Vec<SegRun>,
}

impl Trials {
    fn new(plan: &Plan, time: &TimePlan) -> Self {
        let h = time.horizon;
        let ns = plan.scenarios();
        let k = plan.stages();
        Trials {
            t: 0,
            out: TrialOut {
                h,
                month_rev: vec![0.0; ns * h],
                month_cust: vec![0; ns * h],
                month_uplift: vec![0.0; ns * h],
                pipeline_cust: vec![0; ns],
                pipeline_rev: vec![0.0; ns],
                counts: vec![0; ns * k],
            },
            segs: (0..plan.segments())
                .map(|g| SegRun::new(plan, time, g))
                .collect(),
        }
    }

    /// Draws trial `self.t` and moves on.
    fn next(&mut self, plan: &Plan, time: &TimePlan) -> &TrialOut {
        let t = self.t;
        let ns = plan.scenarios();
        // Every stream restarts at each key block, as in one period: a
        // block of trials can be drawn on its own.
        if t.is_multiple_of(KEY_BLOCK) {
            for (g, seg) in self.segs.iter_mut().enumerate() {
                seg.streams = Streams::at(plan.seed, t / KEY_BLOCK, g, ns);
            }
        }
        let out = &mut self.out;
        out.month_rev.iter_mut().for_each(|x| *x = 0.0);
        out.month_cust.iter_mut().for_each(|x| *x = 0);
        out.month_uplift.iter_mut().for_each(|x| *x = 0.0);
        out.pipeline_cust.iter_mut().for_each(|x| *x = 0);
        out.pipeline_rev.iter_mut().for_each(|x| *x = 0.0);
        out.counts.iter_mut().for_each(|x| *x = 0);
        for seg in &mut self.segs {
            seg.trial(plan, time, out);
        }
        self.t += 1;
        &self.out
    }
}

/// Scenario s's cost in each month: spread evenly over its window.
fn monthly_costs(plan: &Plan, time: &TimePlan) -> Vec<Vec<f64>> {
    (0..plan.scenarios())
        .map(|s| {
            let mut c = vec![0.0; time.horizon];
            if s > 0 {
                if let Some(cost) = plan.scenarios[s].cost {
                    let (a, b) = time.windows[s];
                    let each = cost / (b - a + 1) as f64;
                    c[a..=b].iter_mut().for_each(|x| *x = each);
                }
            }
            c
        })
        .collect()
}

/// One segment's part of a time-mode trial.
struct SegRun {
    g: usize,
    streams: Streams,
    cells: Cells,
    /// The baseline's chain of each cohort: `chains[t * stages + i]` (in
    /// the fixed-input shortcut, only the entry and the customers).
    chains: Vec<u64>,
    /// Cohorts some scenario changes (inside a window, on this segment):
    /// their cells keep their own revenue for the coupling.
    coupled: Vec<bool>,
    /// The segment's inputs fixed: the customers of a cohort no scenario
    /// changes are one inversion of their exact Binomial(V_t, ∏r) table.
    fast: Option<Vec<BinomialTable>>,
    split: SplitTables,
    /// Customers of the cohorts no scenario changes, by close month (the
    /// last entry the pipeline), and their revenue.
    month_out: Vec<u64>,
    rev_out: Vec<f64>,
    /// The drawn rates, and a scenario's.
    rates: Vec<f64>,
    srates: Vec<f64>,
    /// Scratch: a cohort's customers in both runs and the scenario's own,
    /// per cell; the coupling's.
    both: Vec<u64>,
    own: Vec<u64>,
    /// A scenario's own customers by close month (the last: the pipeline).
    own_month: Vec<u64>,
}

impl SegRun {
    fn new(plan: &Plan, time: &TimePlan, g: usize) -> Self {
        let h = time.horizon;
        let coupled: Vec<bool> = (0..h)
            .map(|t| {
                (1..plan.scenarios()).any(|s| {
                    let (a, b) = time.windows[s];
                    t >= a && t <= b && !plan.scenarios[s].levers[g].is_identity()
                })
            })
            .collect();
        let seg = &plan.segments[g];
        let lv0 = &plan.scenarios[0].levers[g];
        let fixed = seg.volume.is_fixed() && seg.rates.iter().all(|r| r.is_fixed());
        let fast = fixed
            .then(|| {
                let p: f64 = seg
                    .rates
                    .iter()
                    .enumerate()
                    .map(|(i, r)| lv0.rate(i, r.mean()))
                    .product();
                let level = seg.volume.mean();
                (0..h)
                    .map(|t| {
                        let v = round_volume(level * time.weights[t] * lv0.volume_factor);
                        BinomialTable::new(v, p)
                    })
                    .collect::<Option<Vec<_>>>()
            })
            .flatten();
        SegRun {
            g,
            streams: Streams::at(plan.seed, 0, g, plan.scenarios()),
            cells: Cells::new(h),
            chains: vec![0; h * plan.stages()],
            coupled,
            fast,
            split: SplitTables::new(&time.close[g].within),
            month_out: vec![0; h + 1],
            rev_out: vec![0.0; h],
            rates: vec![0.0; plan.stages() - 1],
            srates: vec![0.0; plan.stages() - 1],
            both: vec![0; h + 1],
            own: vec![0; h + 1],
            own_month: vec![0; h + 1],
        }
    }

    fn trial(&mut self, plan: &Plan, time: &TimePlan, out: &mut TrialOut) {
        let seg = &plan.segments[self.g];
        let h = time.horizon;
        let k = plan.stages();
        let deal = seg.deal;
        // The inputs of the trial: the volume's level, the rates.
        let st = &mut self.streams;
        let level = match seg.volume.kind() {
            VolumeKind::Fixed(v) => v,
            VolumeKind::LogNormal { mu, sigma } => {
                libm::exp(mu + sigma * crate::normal::standard_normal(&mut st.inputs))
                    .min(VOLUME_CAP)
            }
        };
        for (r, rate) in self.rates.iter_mut().zip(&seg.rates) {
            *r = match rate.kind() {
                RateKind::Fixed(p) => p,
                RateKind::Beta { a, b } => crate::beta::beta(a, b, &mut st.inputs),
            };
        }
        let lv0 = &plan.scenarios[0].levers[self.g];
        let f0 = lv0.deal_factor;
        self.month_out.iter_mut().for_each(|x| *x = 0);
        // The baseline: each cohort's customers (its chain where needed),
        // the months they close in, and the revenue: per cell for the
        // cohorts a scenario changes, per month for the others.
        for t in 0..h {
            let chain = &mut self.chains[t * k..(t + 1) * k];
            chain[0] = round_volume(level * time.weights[t] * lv0.volume_factor);
            match &self.fast {
                _ if self.coupled[t] => {
                    // A scenario's coupling needs every stage.
                    for i in 1..k {
                        let r0 = lv0.rate(i - 1, self.rates[i - 1]);
                        chain[i] = crate::binomial::binomial(chain[i - 1], r0, &mut st.counts[0]);
                    }
                }
                Some(tables) => {
                    chain[k - 1] = tables[t].quantile_bits(st.counts[0].bits53());
                }
                None => {
                    // Binomial thinnings in a row, given the trial's rates:
                    // one binomial of their product.
                    let p: f64 = (1..k).map(|i| lv0.rate(i - 1, self.rates[i - 1])).product();
                    chain[k - 1] = crate::binomial::binomial(chain[0], p, &mut st.counts[0]);
                }
            }
            for (i, (c, &n)) in out.counts[..k].iter_mut().zip(chain.iter()).enumerate() {
                if counted(k, i) {
                    *c += n;
                }
            }
            let range = self.cells.range(t);
            self.split.draw(
                chain[k - 1],
                &mut self.cells.n[range.clone()],
                &mut st.lags[0],
            );
            if self.coupled[t] {
                for (j, idx) in range.enumerate() {
                    let n = self.cells.n[idx];
                    let g0 = baseline_revenue(n, &deal, &mut st.revenue[0]);
                    self.cells.rev[idx] = g0;
                    out.cell(0, t + j, n, g0 * f0, 0.0, deal.mean() * f0);
                }
            } else {
                for (j, idx) in range.enumerate() {
                    self.month_out[t + j] += self.cells.n[idx];
                }
            }
        }
        for m in 0..=h {
            let n = self.month_out[m];
            let g = if m < h {
                baseline_revenue(n, &deal, &mut st.revenue[0])
            } else {
                0.0
            };
            if m < h {
                self.rev_out[m] = g;
            }
            for s in 0..plan.scenarios() {
                out.cell(s, m, n, g * f0, 0.0, deal.mean() * f0);
            }
        }
        // Each scenario: the baseline's cohorts outside its window (or on a
        // segment its levers leave alone), coupled cohorts inside.
        for s in 1..plan.scenarios() {
            let lv = &plan.scenarios[s].levers[self.g];
            let (a, b) = time.windows[s];
            for (i, r) in self.srates.iter_mut().enumerate() {
                *r = lv.rate(i, self.rates[i]);
            }
            self.own_month.iter_mut().for_each(|x| *x = 0);
            for t in 0..h {
                if t >= a && t <= b && !lv.is_identity() {
                    self.coupled_cohort(plan, time, s, t, level, out);
                    continue;
                }
                // The baseline's own cohort.
                for (i, (c, &n)) in out.counts[s * k..(s + 1) * k]
                    .iter_mut()
                    .zip(&self.chains[t * k..(t + 1) * k])
                    .enumerate()
                {
                    if counted(k, i) {
                        *c += n;
                    }
                }
                if self.coupled[t] {
                    for (j, idx) in self.cells.range(t).enumerate() {
                        let (n, g0) = (self.cells.n[idx], self.cells.rev[idx]);
                        out.cell(s, t + j, n, g0 * f0, 0.0, deal.mean() * f0);
                    }
                }
            }
            let fs = lv.deal_factor;
            for (m, &n) in self.own_month.iter().enumerate() {
                let r = if m < h {
                    baseline_revenue(n, &deal, &mut self.streams.revenue[s]) * fs
                } else {
                    0.0
                };
                out.cell(s, m, n, r, r, deal.mean() * fs);
            }
        }
    }

    /// Scenario s's cohort of month t inside its window: the same people as
    /// the baseline's, stage by stage ([`couple_one`]); the customers in
    /// both runs close in the month they close in the baseline (a uniform
    /// subset of its customers) with the same deals, the scenario's own
    /// customers have their own months and deals.
    #[allow(clippy::too_many_arguments)] // the trial's state, passed on whole
    fn coupled_cohort(
        &mut self,
        plan: &Plan,
        time: &TimePlan,
        s: usize,
        t: usize,
        level: f64,
        out: &mut TrialOut,
    ) {
        let (h, k) = (time.horizon, plan.stages());
        let lv0 = &plan.scenarios[0].levers[self.g];
        let lv = &plan.scenarios[s].levers[self.g];
        let deal = plan.segments[self.g].deal;
        let (f0, fs) = (lv0.deal_factor, lv.deal_factor);
        let chain = &self.chains[t * k..(t + 1) * k];
        let vs = round_volume(level * time.weights[t] * lv.volume_factor);
        let mut gr = Groups::entering(chain[0], vs);
        out.counts[s * k] += vs;
        let st = &mut self.streams;
        for i in 1..k {
            let r0 = lv0.rate(i - 1, self.rates[i - 1]);
            let rs = self.srates[i - 1];
            couple_one(chain[i - 1], chain[i], &mut gr, r0, rs, &mut st.counts[s]);
            if counted(k, i) {
                out.counts[s * k + i] += gr.scenario();
            }
        }
        let range = self.cells.range(t);
        let len = range.len();
        subset(
            &self.cells.n[range.clone()],
            gr.both,
            &mut self.both[..len],
            &mut st.lags[s],
        );
        self.split
            .draw(gr.own, &mut self.own[..len], &mut st.lags[s]);
        for (j, idx) in range.enumerate() {
            let (n, g0) = (self.cells.n[idx], self.cells.rev[idx]);
            let x = self.both[j];
            // The scenario's own customers get their revenue per month,
            // after every cohort (one Gamma a month: the sum of their deals).
            self.own_month[(t + j).min(h)] += self.own[j];
            let parts = Groups {
                both: x,
                base_only: n - x,
                own: 0,
            };
            let (shared, base_only_rev) = split_baseline(&parts, g0, &deal, &mut st.revenue[s]);
            // From the parts, never as a difference of totals: a small gain
            // keeps its sign (as in one period).
            let up = if fs == f0 {
                -base_only_rev * f0
            } else {
                (fs - f0) * shared - f0 * base_only_rev
            };
            out.cell(s, t + j, x, shared * fs, up, deal.mean() * fs);
        }
    }
}

impl TrialOut {
    /// Adds customers `n` closing in month `m` of scenario s (the pipeline
    /// when m is past the horizon), their revenue and uplift; a pipeline
    /// customer counts at the deal's mean `deal`.
    #[inline]
    fn cell(&mut self, s: usize, m: usize, n: u64, rev: f64, up: f64, deal: f64) {
        let h = self.h;
        if m < h {
            self.month_rev[s * h + m] += rev;
            self.month_cust[s * h + m] += n;
            self.month_uplift[s * h + m] += up;
        } else {
            self.pipeline_cust[s] += n;
            self.pipeline_rev[s] += n as f64 * deal;
        }
    }
}

/// What a run keeps of its trials.
struct Accumulator {
    ns: usize,
    h: usize,
    k: usize,
    /// Sums over all trials, `[s * h + m]`.
    rev_sum: Vec<f64>,
    cum_sum: Vec<f64>,
    cust_sum: Vec<f64>,
    net_sum: Vec<f64>,
    /// Sums of squares of the same, for the means' errors.
    rev_sq: Vec<f64>,
    cum_sq: Vec<f64>,
    net_sq: Vec<f64>,
    pipe_cust: Vec<f64>,
    pipe_rev: Vec<f64>,
    /// Per scenario: trials first paid back in month m (`[s * h + m]`).
    paid: Vec<u64>,
    /// The kept trials' months, a column of `rows` values per series:
    /// monthly revenue, cumulative revenue (ns · h each), cumulative net
    /// ((ns − 1) · h); column-major, so each month's quantiles select in
    /// one contiguous slice.
    kept: Vec<f32>,
    rows: usize,
    revenue: Vec<Vec<f64>>,
    uplift: Vec<Vec<f64>>,
    counts: Vec<CountHist>,
}

impl Accumulator {
    fn new(ns: usize, h: usize, kept: usize, trials: usize, k: usize) -> Self {
        let series = h * (3 * ns - 1);
        Accumulator {
            ns,
            h,
            k,
            rev_sum: vec![0.0; ns * h],
            cum_sum: vec![0.0; ns * h],
            cust_sum: vec![0.0; ns * h],
            net_sum: vec![0.0; ns * h],
            rev_sq: vec![0.0; ns * h],
            cum_sq: vec![0.0; ns * h],
            net_sq: vec![0.0; ns * h],
            pipe_cust: vec![0.0; ns],
            pipe_rev: vec![0.0; ns],
            paid: vec![0; ns * h],
            kept: vec![0.0; kept * series],
            rows: kept,
            revenue: (0..ns).map(|_| Vec::with_capacity(trials)).collect(),
            uplift: (0..ns)
                .map(|s| Vec::with_capacity(if s == 0 { 0 } else { trials }))
                .collect(),
            counts: vec![CountHist::new(); ns * k],
        }
    }

    fn add(
        &mut self,
        t: usize,
        every: usize,
        out: &TrialOut,
        costs: &[Vec<f64>],
        margin: Option<f64>,
    ) {
        let (ns, h) = (self.ns, self.h);
        let keep = t.is_multiple_of(every);
        let (row, rows) = (t / every, self.rows);
        let on_margin = margin.unwrap_or(1.0);
        for (s, cost) in costs.iter().enumerate() {
            let mut cum = 0.0;
            let (mut cum_up, mut spent) = (0.0, 0.0);
            let mut paid = false;
            for (m, spend) in cost.iter().enumerate() {
                let q = s * h + m;
                cum += out.month_rev[q];
                self.rev_sum[q] += out.month_rev[q];
                self.cum_sum[q] += cum;
                self.rev_sq[q] += out.month_rev[q] * out.month_rev[q];
                self.cum_sq[q] += cum * cum;
                self.cust_sum[q] += out.month_cust[q] as f64;
                if keep {
                    self.kept[q * rows + row] = out.month_rev[q] as f32;
                    self.kept[(ns * h + q) * rows + row] = cum as f32;
                }
                if s > 0 {
                    cum_up += out.month_uplift[q];
                    spent += spend;
                    let net = on_margin * cum_up - spent;
                    self.net_sum[q] += net;
                    self.net_sq[q] += net * net;
                    if keep {
                        self.kept[(2 * ns * h + (s - 1) * h + m) * rows + row] = net as f32;
                    }
                    // Paid back: the net gain ≥ 0 for the first time once
                    // spending has begun.
                    if !paid && spent > 0.0 && net >= 0.0 {
                        paid = true;
                        self.paid[q] += 1;
                    }
                }
            }
            self.pipe_cust[s] += out.pipeline_cust[s] as f64;
            self.pipe_rev[s] += out.pipeline_rev[s];
            self.revenue[s].push(cum);
            if s > 0 {
                self.uplift[s].push(cum_up);
            }
            for i in 0..self.k {
                if counted(self.k, i) {
                    let mut n = out.counts[s * self.k + i];
                    if i == self.k - 1 {
                        // The customers the horizon's revenue is from.
                        n -= out.pipeline_cust[s];
                    }
                    self.counts[s * self.k + i].add(n);
                }
            }
        }
    }

    /// Series `col`'s quantiles over the kept trials, beside its mean and
    /// the mean's error.
    fn stats(&self, col: usize, (mean, mean_err): (f64, f64)) -> MonthStats {
        let rows = self.rows;
        let mut xs: Vec<f32> = self.kept[col * rows..(col + 1) * rows].to_vec();
        if xs.is_empty() {
            return MonthStats {
                mean,
                mean_err,
                ..MonthStats::default()
            };
        }
        // The median first, then each side's quantiles within that side
        // only (about half the work of five selections over all).
        let r = |q: f64| crate::summary::rank(rows, q);
        let (r5, r25, r50, r75, r95) = (r(0.05), r(0.25), r(0.5), r(0.75), r(0.95));
        xs.select_nth_unstable_by(r50, f32::total_cmp);
        let p50 = f64::from(xs[r50]);
        let (lo, hi) = xs.split_at_mut(r50);
        let pick = |part: &mut [f32], at: usize| -> f64 {
            f64::from(*part.select_nth_unstable_by(at, f32::total_cmp).1)
        };
        // After each selection the values below its rank are the smallest.
        let p25 = if r25 < r50 { pick(lo, r25) } else { p50 };
        let p5 = if r5 < r25 {
            pick(&mut lo[..r25], r5)
        } else {
            p25
        };
        let p75 = pick(hi, r75 - r50);
        let p95 = pick(&mut hi[r75 - r50..], r95 - r75);
        MonthStats {
            mean,
            mean_err,
            p5,
            p25,
            p50,
            p75,
            p95,
        }
    }

    fn finish(self, plan: &Plan, time: &TimePlan, costs: Vec<Vec<f64>>) -> MonthResults {
        let (ns, h) = (self.ns, self.h);
        let n = plan.trials as f64;
        let rows = self.rows;
        let scenarios = (0..ns)
            .map(|s| {
                let q = |m: usize| s * h + m;
                let has_cost = costs[s].iter().any(|&c| c > 0.0);
                let mut payback_prob = Vec::new();
                let mut payback_p50 = None;
                if s > 0 && has_cost {
                    let mut by = 0u64;
                    for m in 0..h {
                        by += self.paid[q(m)];
                        let p = by as f64 / n;
                        payback_prob.push(p);
                        if payback_p50.is_none() && p >= 0.5 {
                            payback_p50 = Some(m as u32 + 1);
                        }
                    }
                }
                // The mean over the trials and its 95 % error.
                let me = |sum: f64, sq: f64| {
                    let mean = sum / n;
                    let var = if n > 1.0 {
                        ((sq - sum * mean) / (n - 1.0)).max(0.0)
                    } else {
                        0.0
                    };
                    (mean, 1.96 * (var / n).sqrt())
                };
                MonthScenario {
                    month_revenue: (0..h)
                        .map(|m| self.stats(q(m), me(self.rev_sum[q(m)], self.rev_sq[q(m)])))
                        .collect(),
                    cum_revenue: (0..h)
                        .map(|m| {
                            self.stats(ns * h + q(m), me(self.cum_sum[q(m)], self.cum_sq[q(m)]))
                        })
                        .collect(),
                    month_customers_mean: (0..h).map(|m| self.cust_sum[q(m)] / n).collect(),
                    cum_net: if s == 0 {
                        Vec::new()
                    } else {
                        (0..h)
                            .map(|m| {
                                let col = 2 * ns * h + (s - 1) * h + m;
                                self.stats(col, me(self.net_sum[q(m)], self.net_sq[q(m)]))
                            })
                            .collect()
                    },
                    cost: costs[s].clone(),
                    payback_prob,
                    payback_p50,
                    pipeline_customers_mean: self.pipe_cust[s] / n,
                    pipeline_revenue_mean: self.pipe_rev[s] / n,
                }
            })
            .collect();
        MonthResults {
            horizon: time.horizon,
            trials: plan.trials,
            quantile_trials: rows as u32,
            scenarios,
            revenue: self.revenue,
            uplift: self.uplift,
            counts: self.counts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monthly_quantiles_are_the_inverse_cdf_order_statistics() {
        // Against sorting, at sizes where the ranks coincide or not.
        for n in [1usize, 2, 3, 5, 19, 20, 21, 100, 1_001] {
            let xs: Vec<f32> = (0..n)
                .map(|i| ((i * 7_919) % n) as f32 * 1.5 - 3.0)
                .collect();
            let mut sorted = xs.clone();
            sorted.sort_by(f32::total_cmp);
            let want = |q: f64| f64::from(sorted[crate::summary::rank(n, q)]);
            let acc = Accumulator {
                ns: 1,
                h: 1,
                k: 2,
                rev_sum: vec![0.0],
                cum_sum: vec![0.0],
                cust_sum: vec![0.0],
                net_sum: vec![0.0],
                rev_sq: vec![0.0],
                cum_sq: vec![0.0],
                net_sq: vec![0.0],
                pipe_cust: vec![0.0],
                pipe_rev: vec![0.0],
                paid: vec![0],
                kept: [xs.clone(), xs.clone()].concat(),
                rows: n,
                revenue: vec![vec![]],
                uplift: vec![vec![]],
                counts: vec![CountHist::new(); 2],
            };
            let got = acc.stats(0, (0.0, 0.0));
            assert_eq!(
                [got.p5, got.p25, got.p50, got.p75, got.p95],
                [want(0.05), want(0.25), want(0.5), want(0.75), want(0.95)],
                "n = {n}"
            );
        }
    }
}
