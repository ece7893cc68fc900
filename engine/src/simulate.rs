//! A run from start to results: [`simulate`] in one call, or a
//! [`Simulation`] taken in steps (the page stays responsive between them);
//! the per-trial draws are the engine's, the summaries are assembled here.

use crate::engine::{Engine, TrialBuf, BLOCK};
use crate::exact::exact_stage_summaries;
use crate::plan::Plan;
use crate::results::{Comparison, Results, ScenarioResult, Sensitivity, StageSummary};
use crate::summary::{
    fill_histogram, histogram_frame, summarize, summarize_scanned, CountHist, Scan,
};

#[cfg(feature = "workloads")]
pub use crate::engine::for_each_trial;

/// Trials between two progress calls.
pub const PROGRESS_EVERY: u32 = 1 << 14;

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
    engine: Engine,
    exact: Option<Vec<Vec<StageSummary>>>,
    buf: TrialBuf,
    hists: Vec<CountHist>,
    revenue: Vec<Vec<f64>>,
    /// Customers-only runs scan each block's revenue while it is in cache.
    scans: Vec<Scan>,
    /// Customers-only scratch: one block per scenario.
    block_cust: Vec<u64>,
    block_rev: Vec<f64>,
    done: u32,
}

impl Simulation {
    /// Prepares the run (inversion tables, the exact stage laws of the fast
    /// path); no trial is taken yet.
    pub fn new(plan: &Plan) -> Self {
        let t_total = plan.trials as usize;
        let k = plan.stages();
        let ns = plan.scenarios.len();
        let mut engine = Engine::new(plan);
        // Every segment on the fast path: the stages before the last come
        // exactly from their laws, and a trial draws only the customers.
        let exact = engine
            .fast_paths()
            .and_then(|paths| exact_stage_summaries(&paths, k, ns));
        engine.customers_only = exact.is_some();
        let blocks = if engine.customers_only { ns * BLOCK } else { 0 };
        Simulation {
            plan: plan.clone(),
            buf: engine.buf(),
            engine,
            exact,
            hists: vec![CountHist::new(); ns * k],
            revenue: (0..ns).map(|_| Vec::with_capacity(t_total)).collect(),
            scans: vec![Scan::new(); ns],
            block_cust: vec![0; blocks],
            block_rev: vec![0.0; blocks],
            done: 0,
        }
    }

    /// The trials the run will take.
    pub fn trials(&self) -> u32 {
        self.plan.trials
    }

    /// The trials taken so far.
    pub fn trials_done(&self) -> u32 {
        self.done
    }

    pub fn is_finished(&self) -> bool {
        self.done >= self.plan.trials
    }

    /// Takes the next [`PROGRESS_EVERY`] trials (fewer at the end; none once
    /// finished) and returns the trials taken so far.
    pub fn step(&mut self) -> u32 {
        let k = self.plan.stages();
        let ns = self.plan.scenarios.len();
        let chunk = (self.plan.trials - self.done).min(PROGRESS_EVERY) as usize;
        if self.engine.customers_only {
            let (cust, rev) = (&mut self.block_cust, &mut self.block_rev);
            let mut left = chunk;
            while left > 0 {
                let len = left.min(BLOCK);
                self.engine.block_customers(len, cust, rev);
                for s in 0..ns {
                    self.hists[s * k + k - 1].add_slice(&cust[s * BLOCK..s * BLOCK + len]);
                    let r = &rev[s * BLOCK..s * BLOCK + len];
                    self.scans[s].add_slice(r);
                    self.revenue[s].extend_from_slice(r);
                }
                left -= len;
            }
        } else {
            for _ in 0..chunk {
                self.engine.trial(&mut self.buf);
                for (h, &c) in self.hists.iter_mut().zip(&self.buf.counts) {
                    h.add(c);
                }
                for (rv, &r) in self.revenue.iter_mut().zip(&self.buf.revenue) {
                    rv.push(r);
                }
            }
        }
        self.done += chunk as u32;
        self.done
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
        let scans = self.engine.customers_only.then_some(self.scans);
        assemble(&self.plan, &self.hists, self.exact, self.revenue, scans)
    }
}

fn assemble(
    plan: &Plan,
    hists: &[CountHist],
    exact: Option<Vec<Vec<StageSummary>>>,
    mut revenue: Vec<Vec<f64>>,
    scans: Option<Vec<Scan>>,
) -> Results {
    let k = plan.stages();
    let ns = plan.scenarios.len();
    let t = revenue.first().map_or(0, |r| r.len());
    // Comparisons first: they need the trials in their original order.
    let mut comparisons: Vec<Option<Comparison>> = vec![None];
    let mut scratch = Vec::with_capacity(if ns > 1 { t } else { 0 });
    for s in 1..ns {
        scratch.clear();
        let mut beat = 0.0f64;
        for (a, b) in revenue[s].iter().zip(&revenue[0]) {
            let d = a - b;
            beat += if d > 0.0 {
                1.0
            } else if d == 0.0 {
                0.5
            } else {
                0.0
            };
            scratch.push(d);
        }
        let (uplift, lo, hi) = summarize(&mut scratch);
        let mut uplift_hist = histogram_frame(lo, hi);
        fill_histogram(&mut uplift_hist, &scratch);
        let cost = plan.scenarios[s].cost;
        let net_gain = cost.map(|c| uplift.mean * plan.margin.unwrap_or(1.0) - c);
        let roi = match (net_gain, cost) {
            (Some(g), Some(c)) if c > 0.0 => Some(g / c),
            _ => None,
        };
        comparisons.push(Some(Comparison {
            uplift,
            uplift_hist,
            p_beat: if t > 0 { beat / t as f64 } else { 0.0 },
            cost,
            net_gain,
            roi,
        }));
    }
    drop(scratch);
    let mut summaries = Vec::new();
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (s, rv) in revenue.iter_mut().enumerate() {
        let (sm, a, b) = match &scans {
            Some(sc) => summarize_scanned(rv, sc[s]),
            None => summarize(rv),
        };
        lo = lo.min(a);
        hi = hi.max(b);
        summaries.push(sm);
    }
    let scenarios = summaries
        .into_iter()
        .zip(comparisons)
        .enumerate()
        .map(|(s, (rev, cmp))| {
            let mut revenue_hist = histogram_frame(lo, hi);
            fill_histogram(&mut revenue_hist, &revenue[s]);
            ScenarioResult {
                stages: match &exact {
                    Some(e) => e[s].clone(),
                    None => hists[s * k..(s + 1) * k]
                        .iter()
                        .map(CountHist::stage_summary)
                        .collect(),
                },
                customers: hists[s * k + k - 1].summary(),
                revenue: rev,
                revenue_hist,
                vs_baseline: cmp,
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
