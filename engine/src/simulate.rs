//! A run from start to results: [`simulate`] in one call, or a
//! [`Simulation`] taken in steps (the page stays responsive between them);
//! the per-trial draws are the engine's, the summaries are assembled here.

use crate::engine::{BlockBuf, Engine, GenOut, BLOCK};
use crate::exact::{count_law, exact_is_cheap, exact_stage_summaries, mixture_law, ExactLaws};
use crate::plan::Plan;
use crate::results::{Comparison, ExactFigures, Results, ScenarioResult, Sensitivity};
use crate::streams::KEY_BLOCK;
use crate::summary::{
    fill_histogram, histogram_frame, share_error, shortfall, summarize, CountHist,
};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Trials between two progress calls (four key blocks).
pub const PROGRESS_EVERY: u32 = 4 * KEY_BLOCK;

/// The key blocks of a run of `trials` trials (the last may be partial).
pub fn key_blocks(trials: u32) -> u32 {
    trials.div_ceil(KEY_BLOCK)
}

/// Run the plan: `plan.trials()` trials from `plan.seed()`.
///
/// The same plan gives the same digits on every machine (native or wasm32):
/// the generator and every sampler are portable and use `libm`.
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
/// let r = funnelcast_engine::simulate(&plan.with_trials(2_000));
/// assert_eq!(r.scenarios.len(), 1);
/// assert!(r.scenarios[0].revenue.mean > 0.0);
/// ```
pub fn simulate(plan: &Plan) -> Results {
    Simulation::new(plan).finish()
}

/// A run taken in steps of [`PROGRESS_EVERY`] trials, for a caller that must
/// stay responsive between them: the page runs steps for a few milliseconds
/// per frame, shows progress, and drops the run when its inputs change; a Web
/// Worker can do the same between messages. Steps do not change the digits:
/// every random stream is read in trial order, so [`Simulation::finish`]
/// returns exactly what [`simulate`] returns.
///
/// # Examples
/// ```
/// use funnelcast_engine::{simulate, Simulation};
/// # use funnelcast_engine::{DealSpec, Model, RateSpec, SegmentSpec, VolumeSpec};
/// // 8 000–12 000 people a period (90 %), rates 25/32/25/30 %, deals of 5 000 (cv 50 %).
/// # let rates = [0.25, 0.32, 0.25, 0.30].map(|value| RateSpec::Fixed { value });
/// # let model = Model {
/// #     stages: 5,
/// #     segments: vec![SegmentSpec {
/// #         volume: VolumeSpec::Range { low: 8_000.0, high: 12_000.0 },
/// #         rates: rates.to_vec(),
/// #         deal: DealSpec { mean: 5_000.0, cv: 0.5 },
/// #     }],
/// #     scenarios: vec![],
/// #     margin: None,
/// #     trials: 20_000,
/// #     seed: 42,
/// # };
/// let plan = model.validate().unwrap().with_trials(40_000);
/// let mut run = Simulation::new(&plan);
/// while !run.is_finished() {
///     let done = run.step();
///     assert!(done <= run.trials());
/// }
/// assert_eq!(run.finish(), simulate(&plan));
///
/// // The same run, its sensitivity as a separate step.
/// let mut results = Simulation::new(&plan).summaries();
/// assert!(results.sensitivity.bars.is_empty());
/// results.sensitivity = funnelcast_engine::sensitivity::sensitivity(&plan);
/// assert_eq!(results, simulate(&plan));
/// ```
///
/// A `Simulation` owns a copy of its plan (it is `'static` and `Send`), so
/// it can be kept between timer callbacks or moved into a worker.
pub struct Simulation {
    plan: Plan,
    runner: Runner,
    exact: Option<ExactLaws>,
    acc: ChunkSummary,
    done: u32,
    /// The key block after the last one this run takes.
    end_block: u32,
}

/// The draws of a range of key blocks of a run, plain serialisable data (a
/// Web Worker can send it to the page): the count histograms of every
/// (scenario, stage) — of the customers only when every segment's inputs are
/// fixed (the stages then come from their exact laws) — and every trial's
/// revenue and uplift per scenario, in trial order. Chunks of one run merge
/// exactly ([`ChunkSummary::merge`]): histograms add up, draws are joined in
/// block order, so the quantiles come from the merged draws.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChunkSummary {
    pub first_block: u32,
    pub blocks: u32,
    pub trials: u32,
    /// `counts[s * stages + i]`.
    pub counts: Vec<CountHist>,
    /// `revenue[s][j]`: trial `first_block · KEY_BLOCK + j`.
    pub revenue: Vec<Vec<f64>>,
    /// `uplift[s][j]` = R_s − R_0 from the draws (empty for s = 0).
    pub uplift: Vec<Vec<f64>>,
}

impl ChunkSummary {
    fn empty(first_block: u32, plan: &Plan, capacity: usize) -> Self {
        let (k, ns) = (plan.stages(), plan.scenarios());
        ChunkSummary {
            first_block,
            blocks: 0,
            trials: 0,
            counts: vec![CountHist::new(); ns * k],
            revenue: (0..ns).map(|_| Vec::with_capacity(capacity)).collect(),
            uplift: (0..ns)
                .map(|s| Vec::with_capacity(if s == 0 { 0 } else { capacity }))
                .collect(),
        }
    }

    /// The chunks of one run as one: in block order, adjacent, none
    /// overlapping (any order in `parts`); `None` when they leave a gap or
    /// overlap, or `parts` is empty.
    pub fn merge(mut parts: Vec<ChunkSummary>) -> Option<ChunkSummary> {
        crate::small_sort::sort_small_by(&mut parts, |a, b| a.first_block.cmp(&b.first_block));
        let mut it = parts.into_iter();
        let mut acc = it.next()?;
        for c in it {
            acc.append(c)?;
        }
        Some(acc)
    }

    /// Adds the chunk that follows this one.
    fn append(&mut self, c: ChunkSummary) -> Option<()> {
        if c.first_block != self.first_block + self.blocks || c.counts.len() != self.counts.len() {
            return None;
        }
        self.blocks += c.blocks;
        self.trials += c.trials;
        for (a, b) in self.counts.iter_mut().zip(&c.counts) {
            a.merge(b);
        }
        for (a, b) in self.revenue.iter_mut().zip(c.revenue) {
            a.extend_from_slice(&b);
        }
        for (a, b) in self.uplift.iter_mut().zip(c.uplift) {
            a.extend_from_slice(&b);
        }
        Some(())
    }
}

/// What draws the key blocks of a run.
struct Runner {
    engine: Engine,
    gen: GenOut,
    block: BlockBuf,
    trials: u32,
    /// Test hook: every segment's chain drawn, fixed or not.
    all_general: bool,
}

impl Runner {
    fn new(plan: &Plan) -> Self {
        let mut engine = Engine::new(plan);
        // Every segment on the fast path: the stages come exactly from their
        // laws, and a trial draws only the customers.
        engine.customers_only = engine
            .fast_paths()
            .is_some_and(|paths| exact_is_cheap(&paths, plan.stages(), plan.scenarios()));
        let ns = if engine.customers_only {
            plan.scenarios()
        } else {
            0
        };
        Runner {
            gen: engine.gen_out(),
            block: BlockBuf::new(ns),
            engine,
            trials: plan.trials,
            all_general: false,
        }
    }

    /// Trials in key block `b`.
    fn block_trials(&self, b: u32) -> u32 {
        self.trials.saturating_sub(b * KEY_BLOCK).min(KEY_BLOCK)
    }

    /// Draws key block `b`, calling `f` with each group of up to
    /// [`BLOCK`] trials: customers only (fast path) or every stage.
    fn run_block(&mut self, b: u32, mut f: impl FnMut(Drawn<'_>)) {
        let n = self.block_trials(b) as usize;
        self.engine.start_block(b);
        let mut left = n;
        while left > 0 {
            let len = left.min(BLOCK);
            if self.engine.customers_only {
                self.engine.block_customers(len, &mut self.block);
                f(Drawn::Block(&self.block, len));
            } else {
                self.engine
                    .block_general(len, self.all_general, &mut self.gen);
                f(Drawn::General(&self.gen, len));
            }
            left -= len;
        }
    }

    /// Key block `b` into `out` (the block after its last).
    fn add_block(&mut self, b: u32, out: &mut ChunkSummary) {
        let k = self.engine.stages;
        let ns = self.engine.scenarios;
        let trials = self.block_trials(b);
        self.run_block(b, |d| match d {
            Drawn::Block(bb, len) => {
                for s in 0..ns {
                    let r = s * BLOCK..s * BLOCK + len;
                    out.counts[s * k + k - 1].add_slice(&bb.cust[r.clone()]);
                    out.revenue[s].extend_from_slice(&bb.rev[r.clone()]);
                    if s > 0 {
                        out.uplift[s].extend_from_slice(&bb.uplift[r]);
                    }
                }
            }
            Drawn::General(g, len) => {
                for (q, h) in out.counts.iter_mut().enumerate() {
                    h.add_slice(&g.counts[q * BLOCK..q * BLOCK + len]);
                }
                for s in 0..ns {
                    let r = s * BLOCK..s * BLOCK + len;
                    out.revenue[s].extend_from_slice(&g.revenue[r.clone()]);
                    if s > 0 {
                        out.uplift[s].extend_from_slice(&g.uplift[r]);
                    }
                }
            }
        });
        out.blocks += 1;
        out.trials += trials;
    }
}

/// The trials in key blocks `blocks` of the plan's run.
fn chunk_trials(plan: &Plan, blocks: Range<u32>) -> usize {
    let start = blocks.start.saturating_mul(KEY_BLOCK).min(plan.trials);
    let end = blocks.end.saturating_mul(KEY_BLOCK).min(plan.trials);
    (end - start) as usize
}

/// A group of drawn trials: the customers only, or every stage.
enum Drawn<'a> {
    Block(&'a BlockBuf, usize),
    General(&'a GenOut, usize),
}

impl Simulation {
    /// Prepares the run (inversion tables, the exact stage laws of the fast
    /// path); no trial is taken yet.
    pub fn new(plan: &Plan) -> Self {
        Self::for_blocks(plan, 0..key_blocks(plan.trials))
    }

    /// A run of key blocks `blocks` only (clamped to the run's
    /// [`key_blocks`]), taken in steps like a whole run: the share of one of
    /// several workers. [`Simulation::into_chunk`] gives its draws, which
    /// merge with the other shares' ([`ChunkSummary::merge`]) into the whole
    /// run's digits. Its progress counts its own trials.
    pub fn for_blocks(plan: &Plan, blocks: Range<u32>) -> Self {
        let end_block = blocks.end.min(key_blocks(plan.trials));
        let first = blocks.start.min(end_block);
        let mut runner = Runner::new(plan);
        let exact = match runner.engine.fast_paths() {
            Some(paths) if runner.engine.customers_only => {
                exact_stage_summaries(&paths, plan.stages(), plan.scenarios())
            }
            _ => None,
        };
        runner.engine.customers_only = exact.is_some();
        Simulation {
            plan: plan.clone(),
            runner,
            exact,
            acc: ChunkSummary::empty(first, plan, chunk_trials(plan, first..end_block)),
            done: 0,
            end_block,
        }
    }

    /// The draws of key blocks `blocks` of the run (clamped to the run's
    /// [`key_blocks`]): what a worker computes. Any split of the run into
    /// chunks, computed in any order, merges ([`ChunkSummary::merge`]) into
    /// the same digits as the whole run.
    pub fn chunk(plan: &Plan, blocks: Range<u32>) -> ChunkSummary {
        let end = blocks.end.min(key_blocks(plan.trials));
        let start = blocks.start.min(end);
        let mut runner = Runner::new(plan);
        let mut out = ChunkSummary::empty(start, plan, chunk_trials(plan, start..end));
        for b in start..end {
            runner.add_block(b, &mut out);
        }
        out
    }

    /// The results (without the sensitivity, like [`Simulation::summaries`])
    /// of the merged chunks of a whole run; `None` unless `chunk` covers
    /// every key block of the plan's run.
    pub fn assemble(plan: &Plan, chunk: ChunkSummary) -> Option<Results> {
        if chunk.first_block != 0 || chunk.blocks != key_blocks(plan.trials) {
            return None;
        }
        let runner = Runner::new(plan);
        let exact = match runner.engine.fast_paths() {
            Some(paths) if runner.engine.customers_only => {
                exact_stage_summaries(&paths, plan.stages(), plan.scenarios())
            }
            _ => None,
        };
        Some(assemble(plan, chunk, exact))
    }

    /// The trials the run will take (of its own key blocks).
    pub fn trials(&self) -> u32 {
        chunk_trials(&self.plan, self.acc.first_block..self.end_block) as u32
    }

    /// The trials taken so far.
    pub fn trials_done(&self) -> u32 {
        self.done
    }

    pub fn is_finished(&self) -> bool {
        self.acc.first_block + self.acc.blocks >= self.end_block
    }

    /// Takes the next [`PROGRESS_EVERY`] trials (fewer at the end; none once
    /// finished) and returns the trials taken so far.
    pub fn step(&mut self) -> u32 {
        let next = self.acc.first_block + self.acc.blocks;
        let end = self.end_block.min(next + PROGRESS_EVERY / KEY_BLOCK);
        for b in next..end {
            self.runner.add_block(b, &mut self.acc);
        }
        self.done = self.acc.trials;
        self.done
    }

    /// The results of the trials taken so far (without the sensitivity), for
    /// charts that sharpen while a long run goes on; `None` before the first
    /// step. The trials taken are the run's first ones, so these are the
    /// digits a run of that many trials gives.
    pub fn partial(&self) -> Option<Results> {
        if self.done == 0 || self.acc.first_block != 0 {
            return None;
        }
        let plan = self.plan.clone().with_trials(self.done);
        Some(assemble(&plan, self.acc.clone(), self.exact.clone()))
    }

    /// Takes the trials left and gives the draws, for merging with the other
    /// shares of the run.
    pub fn into_chunk(mut self) -> ChunkSummary {
        while !self.is_finished() {
            self.step();
        }
        self.acc
    }

    /// Takes the trials left, then summarises: [`Simulation::summaries`]
    /// with the [`crate::sensitivity::sensitivity`] of the plan.
    pub fn finish(self) -> Results {
        let plan = self.plan.clone();
        let mut results = self.summaries();
        results.sensitivity = crate::sensitivity::sensitivity(&plan);
        results
    }

    /// Takes the trials left, then summarises the draws only: `sensitivity`
    /// is left empty ([`Sensitivity::default`]), for a caller that runs
    /// [`crate::sensitivity::sensitivity`] (no draws, exact) as a separate
    /// step.
    pub fn summaries(mut self) -> Results {
        while !self.is_finished() {
            self.step();
        }
        assemble(&self.plan, self.acc, self.exact)
    }
}

/// Test hook (feature `workloads`): call `f(counts, revenue)` for each
/// trial on the general path (every stage drawn, whatever the segments'
/// inputs), with per-trial totals over segments: `counts[s * stages + i]`
/// and `revenue[s]`.
#[cfg(feature = "workloads")]
pub fn for_each_trial(plan: &Plan, mut f: impl FnMut(&[u64], &[f64])) {
    let mut runner = Runner::new(plan);
    runner.engine.customers_only = false;
    runner.all_general = true;
    let (k, ns) = (plan.stages(), plan.scenarios());
    let (mut c, mut r) = (vec![0u64; ns * k], vec![0.0f64; ns]);
    for b in 0..key_blocks(plan.trials) {
        runner.run_block(b, |d| {
            if let Drawn::General(g, len) = d {
                for j in 0..len {
                    for (q, c) in c.iter_mut().enumerate() {
                        *c = g.counts[q * BLOCK + j];
                    }
                    for (s, r) in r.iter_mut().enumerate() {
                        *r = g.revenue[s * BLOCK + j];
                    }
                    f(&c, &r);
                }
            }
        });
    }
}

/// Test hook (feature `workloads`): call `f(customers, revenue, uplift)`
/// for each trial of the run as [`simulate`] draws it (customers only, in
/// blocks, when every input is fixed), one value per scenario.
#[cfg(feature = "workloads")]
pub fn for_each_customers(plan: &Plan, mut f: impl FnMut(&[u64], &[f64], &[f64])) {
    let mut runner = Runner::new(plan);
    let (k, ns) = (plan.stages(), plan.scenarios());
    let (mut c, mut r, mut u) = (vec![0u64; ns], vec![0.0f64; ns], vec![0.0f64; ns]);
    for b in 0..key_blocks(plan.trials) {
        runner.run_block(b, |d| match d {
            Drawn::Block(bb, len) => {
                for j in 0..len {
                    for s in 0..ns {
                        c[s] = bb.cust[s * BLOCK + j];
                        r[s] = bb.rev[s * BLOCK + j];
                        u[s] = bb.uplift[s * BLOCK + j];
                    }
                    f(&c, &r, &u);
                }
            }
            Drawn::General(g, len) => {
                for j in 0..len {
                    for s in 0..ns {
                        c[s] = g.counts[(s * k + k - 1) * BLOCK + j];
                        r[s] = g.revenue[s * BLOCK + j];
                        u[s] = g.uplift[s * BLOCK + j];
                    }
                    f(&c, &r, &u);
                }
            }
        });
    }
}

/// Test hook (feature `workloads`): the fast path's table entries of the
/// run, and how many segments are on the fast path.
#[cfg(feature = "workloads")]
pub fn table_entries(plan: &Plan) -> (usize, usize) {
    Engine::new(plan).table_entries()
}

/// Whether the run draws only the customers, in blocks (every segment's
/// inputs fixed, the tables within budget): the fast path.
#[cfg(feature = "workloads")]
pub fn is_fast(plan: &Plan) -> bool {
    Runner::new(plan).engine.customers_only
}

/// The summaries of a whole run's draws, with no exact laws (time mode's
/// horizon revenue, [`crate::months::MonthResults::summaries`]).
pub(crate) fn assemble_draws(plan: &Plan, c: ChunkSummary) -> Results {
    assemble(plan, c, None)
}

fn assemble(plan: &Plan, mut c: ChunkSummary, exact: Option<ExactLaws>) -> Results {
    let k = plan.stages();
    let ns = plan.scenarios.len();
    let mut comparisons: Vec<Option<Comparison>> = vec![None];
    for s in 1..ns {
        let d = &mut c.uplift[s];
        let t = d.len();
        let (mut more, mut equal) = (0usize, 0usize);
        for &x in d.iter() {
            more += (x > 0.0) as usize;
            equal += (x == 0.0) as usize;
        }
        let tf = t.max(1) as f64;
        let (p_more, p_equal) = (more as f64 / tf, equal as f64 / tf);
        let p_beat = p_more + 0.5 * p_equal;
        let cost = plan.scenarios[s].cost;
        let margin = plan.margin.unwrap_or(1.0);
        // P(net gain > 0): the trials whose uplift on margin beats the cost.
        let p_profit =
            cost.map(|c| d.iter().filter(|&&x| x * margin - c > 0.0).count() as f64 / tf);
        let (uplift, lo, hi) = summarize(d);
        let mut uplift_hist = histogram_frame(lo, hi);
        fill_histogram(&mut uplift_hist, d);
        let mean = uplift.mean;
        let mut cmp = Comparison {
            uplift,
            uplift_hist,
            p_beat,
            p_more,
            p_equal,
            p_beat_err: share_error(p_beat, t),
            p_more_err: share_error(p_more, t),
            p_equal_err: share_error(p_equal, t),
            p_profit,
            p_profit_err: p_profit.map_or(0.0, |p| share_error(p, t)),
            exact_uplift: None,
            cost,
            net_gain: None,
            roi: None,
        };
        cmp.set_net_from(mean, plan.margin);
        comparisons.push(Some(cmp));
        // The uplift's draws are no longer needed.
        *d = Vec::new();
    }
    let mut summaries = Vec::new();
    let mut tails = Vec::new();
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for rv in c.revenue.iter_mut() {
        let t = rv.len().max(1) as f64;
        let p_target = plan
            .target
            .map(|x| rv.iter().filter(|&&r| r >= x).count() as f64 / t);
        let (sm, a, b) = summarize(rv);
        lo = lo.min(a);
        hi = hi.max(b);
        summaries.push(sm);
        tails.push((shortfall(rv), p_target, rv.len()));
    }
    let exact_figures = |s: usize| -> Option<ExactFigures> {
        let laws = exact.as_ref()?;
        // A Binomial mixture of Gammas needs one deal law and one deal
        // lever over the segments.
        let deal = plan.segments[0].deal;
        let factor = plan.scenarios[s].levers[0].deal_factor;
        let same = plan.segments.iter().all(|g| g.deal == deal)
            && plan.scenarios[s]
                .levers
                .iter()
                .all(|l| l.deal_factor == factor);
        if !same {
            return None;
        }
        let customers = &laws[s].1;
        Some(ExactFigures {
            customers: count_law(customers),
            revenue: mixture_law(customers, &deal, factor)?,
        })
    };
    let exacts: Vec<Option<ExactFigures>> = (0..ns).map(exact_figures).collect();
    let scenarios = summaries
        .into_iter()
        .zip(comparisons)
        .zip(tails)
        .enumerate()
        .map(|(s, ((rev, mut cmp), ((cvar5, cvar5_err), p_target, t)))| {
            let mut revenue_hist = histogram_frame(lo, hi);
            fill_histogram(&mut revenue_hist, &c.revenue[s]);
            // Every input fixed: the mean uplift, and so the net gain and
            // the ROI, from the two exact means.
            if let (Some(c), Some(e0), Some(es)) = (cmp.as_mut(), exacts[0], exacts[s]) {
                let up = es.revenue.mean - e0.revenue.mean;
                c.exact_uplift = Some(up);
                c.set_net_from(up, plan.margin);
            }
            ScenarioResult {
                stages: match &exact {
                    Some(e) => e[s].0.clone(),
                    None => c.counts[s * k..(s + 1) * k]
                        .iter()
                        .map(CountHist::stage_summary)
                        .collect(),
                },
                customers: c.counts[s * k + k - 1].summary(),
                revenue: rev,
                revenue_hist,
                cvar5,
                cvar5_err,
                p_target,
                p_target_err: p_target.map_or(0.0, |p| share_error(p, t)),
                vs_baseline: cmp,
                exact: exacts[s],
            }
        })
        .collect();
    Results {
        trials: plan.trials,
        seed: plan.seed,
        scenarios,
        sensitivity: Sensitivity::default(),
    }
}
