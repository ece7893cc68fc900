//! The Monte Carlo run: per trial and segment, draw the uncertain inputs once,
//! then the baseline's counts and revenue, then each scenario coupled to the
//! baseline (common random numbers, monotone coupling); totals over segments
//! go into bounded-memory summaries.
//!
//! Two exact paths, chosen per segment:
//! * **fast** — volume and rates fixed: every stage count of every scenario is
//!   the inverse of its exact Binomial(V, ∏r) CDF at ONE shared uniform
//!   (comonotone: exact marginals, stages non-increasing, a dominating scenario
//!   never below the baseline). When every segment is fast, `simulate` takes
//!   the stage summaries before the last stage from the exact laws (convolved
//!   over segments) and draws only the customers and revenue, in blocks;
//! * **general** — the baseline chain n_i ~ Bin(n_{i−1}, r_i); each scenario
//!   "follows the same people": of the people both have at stage i − 1, those
//!   the baseline converted convert again and the rest convert with the
//!   conditional rate that makes the scenario's marginal rate exact, and
//!   extra people convert independently (README.md has the argument).

use crate::binomial::{binomial, BinomialTable};
use crate::gamma::{beta, gamma, gamma_with, standard_normal, GammaShape};
use crate::hypergeometric::hypergeometric;
use crate::plan::{DealValue, Plan, RateKind, SegmentLevers, SegmentPlan, VolumeKind};
use crate::results::{Comparison, Results, ScenarioResult, StageSummary};
use crate::rng::Xoshiro256pp;
use crate::summary::{
    fill_histogram, histogram_frame, summarize, summarize_scanned, CountHist, Scan,
};

/// Trials between two progress calls.
pub const PROGRESS_EVERY: u32 = 1 << 14;

/// Largest volume a trial draws (people); a lognormal range's far tail is cut here.
pub const VOLUME_CAP: f64 = 1e15;

/// Stream purposes (ids mixed into the seed).
const INPUTS: u64 = 0;
const COUNTS: u64 = 1;
const REVENUE: u64 = 2;

fn stream(seed: u64, g: usize, s: usize, purpose: u64) -> Xoshiro256pp {
    Xoshiro256pp::new(seed, ((g as u64 * 64 + s as u64) << 2) | purpose)
}

struct SegStreams {
    inputs: Xoshiro256pp,
    /// Per scenario (0 = baseline).
    counts: Vec<Xoshiro256pp>,
    revenue: Vec<Xoshiro256pp>,
}

enum Path {
    /// `tables[s][i - 1]`; `None` for a scenario that equals the baseline here.
    Fast {
        volumes: Vec<u64>,
        tables: Vec<Option<Vec<BinomialTable>>>,
        /// Gamma constants of the baseline revenue for the customers of
        /// entry j of the baseline's last table, `shapes[j]` (the same
        /// length as that table): `None` where the deal is not a Gamma or
        /// c·α < 1 (those counts take the general call).
        shapes: Vec<Option<GammaShape>>,
        /// The same for the extra customers d = c_s − c_0 > 0 of a scenario:
        /// `diff_shapes[d − diff_lo]` is Gamma(d·α)'s.
        diff_shapes: Vec<GammaShape>,
        diff_lo: u64,
    },
    General,
}

struct SegEngine {
    plan: SegmentPlan,
    levers: Vec<SegmentLevers>,
    path: Path,
    streams: SegStreams,
    /// Scratch: rates of the baseline, counts per scenario.
    r0: Vec<f64>,
    n: Vec<u64>,
}

/// Per-trial totals over segments: `counts[s * stages + i]`, `revenue[s]`.
pub(crate) struct TrialBuf {
    pub counts: Vec<u64>,
    pub revenue: Vec<f64>,
}

pub(crate) struct Engine {
    segs: Vec<SegEngine>,
    stages: usize,
    scenarios: usize,
    /// Fast path only: draw only the customers (the last stage) per trial;
    /// the other stages' counts are then left stale in the trial buffer.
    customers_only: bool,
}

fn round_volume(v: f64) -> u64 {
    // Rounding is exact in IEEE arithmetic: the same on every target.
    v.clamp(0.0, VOLUME_CAP).round() as u64
}

impl Engine {
    pub(crate) fn new(plan: &Plan) -> Self {
        let k = plan.stages();
        let ns = plan.scenarios.len();
        let segs = plan
            .segments
            .iter()
            .enumerate()
            .map(|(g, seg)| {
                let levers: Vec<SegmentLevers> = plan
                    .scenarios
                    .iter()
                    .map(|sc| sc.levers[g].clone())
                    .collect();
                let path = if plan.force_general {
                    Path::General
                } else {
                    fast_path(seg, &levers).unwrap_or(Path::General)
                };
                let streams = SegStreams {
                    inputs: stream(plan.seed, g, 0, INPUTS),
                    counts: (0..ns).map(|s| stream(plan.seed, g, s, COUNTS)).collect(),
                    revenue: (0..ns).map(|s| stream(plan.seed, g, s, REVENUE)).collect(),
                };
                SegEngine {
                    plan: seg.clone(),
                    levers,
                    path,
                    streams,
                    r0: vec![0.0; k - 1],
                    n: vec![0; ns * k],
                }
            })
            .collect();
        Self {
            segs,
            stages: k,
            scenarios: ns,
            customers_only: false,
        }
    }

    pub(crate) fn buf(&self) -> TrialBuf {
        TrialBuf {
            counts: vec![0; self.scenarios * self.stages],
            revenue: vec![0.0; self.scenarios],
        }
    }

    /// One trial: totals over segments into `buf`.
    #[inline]
    pub(crate) fn trial(&mut self, buf: &mut TrialBuf) {
        buf.counts.fill(0);
        buf.revenue.fill(0.0);
        let k = self.stages;
        for seg in &mut self.segs {
            seg.trial(k, self.customers_only, buf);
        }
    }
}

/// Build the fast path's tables if the segment's inputs are all fixed and
/// every table is small enough.
fn fast_path(seg: &SegmentPlan, levers: &[SegmentLevers]) -> Option<Path> {
    let v = match seg.volume.kind() {
        VolumeKind::Fixed(v) => v,
        VolumeKind::LogNormal { .. } => return None,
    };
    let mut rates = Vec::new();
    for r in &seg.rates {
        match r.kind() {
            RateKind::Fixed(p) => rates.push(p),
            RateKind::Beta { .. } => return None,
        }
    }
    let mut volumes = Vec::new();
    let mut tables = Vec::new();
    for (s, lv) in levers.iter().enumerate() {
        let vs = round_volume(v * lv.volume_factor);
        volumes.push(vs);
        if s > 0 && lv.is_identity() {
            tables.push(None);
            continue;
        }
        let mut p = 1.0;
        let mut ts: Vec<BinomialTable> = Vec::new();
        for (i, &r) in rates.iter().enumerate() {
            p *= lv.rate(i, r);
            let t = BinomialTable::new(vs, p)?;
            // Stage order at every u, even where rounding in two tables
            // would break it (≈ 1e-16): each stage's quantile ≤ the last's.
            ts.push(match ts.last() {
                Some(prev) => t.at_most(prev),
                None => t,
            });
        }
        tables.push(Some(ts));
    }
    // The baseline's customers range over its last table's values.
    let mut shapes = Vec::new();
    let deal = seg.deal;
    if let Some(t) = tables[0].as_ref().and_then(|ts| ts.last()) {
        let gamma = deal.scale() > 0.0 && deal.shape().is_finite();
        let lo = t.support().0;
        shapes = (lo..lo + t.len() as u64)
            .map(|c| {
                let shape = c as f64 * deal.shape();
                (gamma && c > 0 && shape >= 1.0).then(|| GammaShape::new(shape))
            })
            .collect();
    }
    // A scenario's extra customers range up to its top minus the baseline's
    // bottom (at most 2^16 of them kept; larger ones take the general call).
    let (mut diff_shapes, mut diff_lo) = (Vec::new(), 0);
    if deal.scale() > 0.0 && deal.shape().is_finite() && tables.len() > 1 {
        let support = |t: &Option<Vec<BinomialTable>>| {
            t.as_ref()
                .and_then(|ts| ts.last())
                .map(BinomialTable::support)
        };
        let bottom = support(&tables[0]).map_or(0, |(lo, _)| lo);
        let top = tables[1..]
            .iter()
            .filter_map(support)
            .map(|(_, hi)| hi)
            .max();
        if let Some(top) = top.filter(|&t| t > bottom) {
            // Smallest d with d·α ≥ 1 (found from 1/α, then checked exactly).
            let mut first = ((1.0 / deal.shape()).ceil() as u64).max(1);
            while (first as f64) * deal.shape() < 1.0 {
                first += 1;
            }
            while first > 1 && ((first - 1) as f64) * deal.shape() >= 1.0 {
                first -= 1;
            }
            if first <= top - bottom {
                diff_lo = first;
                let end = (top - bottom).min(first + (1 << 16));
                diff_shapes = (first..=end)
                    .map(|d| GammaShape::new(d as f64 * deal.shape()))
                    .collect();
            }
        }
    }
    Some(Path::Fast {
        volumes,
        tables,
        shapes,
        diff_shapes,
        diff_lo,
    })
}

#[inline]
fn baseline_revenue(c: u64, deal: &DealValue, rng: &mut Xoshiro256pp) -> f64 {
    if c == 0 {
        0.0
    } else if deal.scale() == 0.0 || !deal.shape().is_finite() {
        c as f64 * deal.mean()
    } else {
        deal.scale() * gamma(c as f64 * deal.shape(), rng)
    }
}

/// [`baseline_revenue`] out of line, with the generator by value (a hot
/// loop's generator then never has its address taken).
#[inline(never)]
fn baseline_revenue_by_value(
    c: u64,
    deal: &DealValue,
    mut rng: Xoshiro256pp,
) -> (f64, Xoshiro256pp) {
    let g = baseline_revenue(c, deal, &mut rng);
    (g, rng)
}

/// A scenario's revenue coupled to the baseline's: shared Gamma sum plus an
/// independent Gamma for extra customers, or an exact Gamma–Beta split of
/// the baseline's sum when it has fewer customers.
#[inline]
fn scenario_revenue(
    c0: u64,
    cs: u64,
    g0: f64,
    deal: &DealValue,
    factor: f64,
    rng: &mut Xoshiro256pp,
) -> f64 {
    let r = if deal.scale() == 0.0 || !deal.shape().is_finite() {
        cs as f64 * deal.mean()
    } else if cs >= c0 {
        g0 + deal.scale() * gamma((cs - c0) as f64 * deal.shape(), rng)
    } else if cs == 0 {
        0.0
    } else {
        let a = deal.shape();
        g0 * beta(cs as f64 * a, (c0 - cs) as f64 * a, rng)
    };
    r * factor
}

/// Scenario count at a stage given the previous stage of baseline and scenario.
#[inline]
fn couple_stage(n0p: u64, n0c: u64, nsp: u64, r0: f64, rs: f64, rng: &mut Xoshiro256pp) -> u64 {
    let common = nsp.min(n0p);
    // Baseline converters among the common people.
    let c = if nsp >= n0p {
        n0c
    } else {
        hypergeometric(n0p, n0c, nsp, rng)
    };
    let conv = if rs > r0 {
        if r0 >= 1.0 {
            common
        } else {
            c + binomial(common - c, (rs - r0) / (1.0 - r0), rng)
        }
    } else if rs == r0 {
        c
    } else if r0 > 0.0 {
        binomial(c, rs / r0, rng)
    } else {
        0
    };
    conv + binomial(nsp - common, rs, rng)
}

/// Trials drawn together on the customers-only fast path.
pub(crate) const BLOCK: usize = 256;

impl Engine {
    /// `len` ≤ [`BLOCK`] trials on the fast path with `customers_only`: per
    /// scenario s and trial j, the customers and revenue totals over
    /// segments in `cust[s * BLOCK + j]`, `rev[s * BLOCK + j]` — the same
    /// numbers as `len` calls of [`Engine::trial`] (last stage, revenue).
    /// Each stream is still read in trial order; drawing a block per stream
    /// lets the processor overlap independent trials.
    pub(crate) fn block_customers(&mut self, len: usize, cust: &mut [u64], rev: &mut [f64]) {
        debug_assert!(len <= BLOCK);
        // The first segment writes, the others add (no clearing pass).
        let (first, rest) = self.segs.split_first_mut().expect("a plan has segments");
        first.block_customers::<false>(len, cust, rev);
        for seg in rest {
            seg.block_customers::<true>(len, cust, rev);
        }
    }
}

impl SegEngine {
    fn block_customers<const ADD: bool>(&mut self, len: usize, cust: &mut [u64], rev: &mut [f64]) {
        let Path::Fast {
            tables,
            shapes,
            diff_shapes,
            diff_lo,
            ..
        } = &self.path
        else {
            unreachable!("customers_only is set only when every segment is fast")
        };
        let deal = self.plan.deal;
        let put = |cust: &mut [u64], rev: &mut [f64], s: usize, j: usize, c: u64, r: f64| {
            let i = s * BLOCK + j;
            if ADD {
                cust[i] += c;
                rev[i] += r;
            } else {
                cust[i] = c;
                rev[i] = r;
            }
        };
        fn last(t: &Option<Vec<BinomialTable>>) -> Option<&BinomialTable> {
            t.as_ref().and_then(|ts| ts.last())
        }
        // Each stream is copied into a local for its loop (its state then
        // stays in registers) and stored back after it; each stream is read
        // in trial order.
        let mut u = [0u64; BLOCK];
        let mut c0 = [0u64; BLOCK];
        let mut g0 = [0.0f64; BLOCK];
        let t = last(&tables[0]).expect("the baseline has tables");
        let lo = t.support().0;
        let mut inputs = self.streams.inputs.clone();
        for x in &mut u[..len] {
            // The bits of `uniform()`: the same draw, with the guide entry
            // read off its top bits.
            *x = inputs.bits53();
        }
        self.streams.inputs = inputs;
        let mut rng0 = self.streams.revenue[0].clone();
        for ((c, g), &m) in c0[..len].iter_mut().zip(&mut g0[..len]).zip(&u[..len]) {
            let i = t.index_bits(m);
            *c = lo + i as u64;
            *g = match &shapes[i] {
                Some(sh) => deal.scale() * gamma_with(sh, &mut rng0),
                None => {
                    let (g, r) = baseline_revenue_by_value(*c, &deal, rng0.clone());
                    rng0 = r;
                    g
                }
            };
        }
        self.streams.revenue[0] = rng0;
        for j in 0..len {
            put(cust, rev, 0, j, c0[j], g0[j]);
        }
        for (s, table) in tables.iter().enumerate().skip(1) {
            match last(table) {
                Some(t) => {
                    let mut rng = self.streams.revenue[s].clone();
                    let rng = &mut rng;
                    let factor = self.levers[s].deal_factor;
                    for j in 0..len {
                        let cs = t.quantile_bits(u[j]);
                        // Extra customers with prepared Gamma constants: the
                        // same numbers as `scenario_revenue`'s call.
                        let prepared = match cs.checked_sub(c0[j]) {
                            Some(d) if d > 0 => d
                                .checked_sub(*diff_lo)
                                .and_then(|i| diff_shapes.get(i as usize)),
                            _ => None,
                        };
                        let r = match prepared {
                            Some(sh) => (g0[j] + deal.scale() * gamma_with(sh, rng)) * factor,
                            None => scenario_revenue(c0[j], cs, g0[j], &deal, factor, rng),
                        };
                        put(cust, rev, s, j, cs, r);
                    }
                    self.streams.revenue[s] = rng.clone();
                }
                // Identity levers: the baseline's numbers.
                None => {
                    for j in 0..len {
                        put(cust, rev, s, j, c0[j], g0[j]);
                    }
                }
            }
        }
    }

    #[inline]
    fn trial(&mut self, k: usize, customers_only: bool, buf: &mut TrialBuf) {
        let ns = self.levers.len();
        let deal = self.plan.deal;
        match &self.path {
            Path::Fast {
                volumes, tables, ..
            } => {
                let u = self.streams.inputs.uniform();
                for s in 0..ns {
                    let row = s * k;
                    match &tables[s] {
                        Some(ts) if customers_only => {
                            self.n[row + k - 1] = ts[k - 2].quantile(u);
                        }
                        Some(ts) => {
                            // The tables are nested (`at_most`), so the stages
                            // are in order at every u.
                            self.n[row] = volumes[s];
                            for (i, t) in ts.iter().enumerate() {
                                self.n[row + i + 1] = t.quantile(u);
                            }
                        }
                        None => {
                            let (a, b) = self.n.split_at_mut(row);
                            b[..k].copy_from_slice(&a[..k]);
                        }
                    }
                }
            }
            Path::General => {
                let inputs = &mut self.streams.inputs;
                let v = match self.plan.volume.kind() {
                    VolumeKind::Fixed(v) => v,
                    VolumeKind::LogNormal { mu, sigma } => {
                        libm::exp(mu + sigma * standard_normal(inputs)).min(VOLUME_CAP)
                    }
                };
                for (i, r) in self.plan.rates.iter().enumerate() {
                    self.r0[i] = match r.kind() {
                        RateKind::Fixed(p) => p,
                        RateKind::Beta { a, b } => beta(a, b, inputs),
                    };
                }
                let rng = &mut self.streams.counts[0];
                // The baseline's levers are the identity, except in goal seek
                // where its volume is scaled (× 1.0 leaves v unchanged).
                self.n[0] = round_volume(v * self.levers[0].volume_factor);
                for i in 1..k {
                    self.n[i] = binomial(self.n[i - 1], self.r0[i - 1], rng);
                }
                for s in 1..ns {
                    let row = s * k;
                    let lv = &self.levers[s];
                    if lv.is_identity() {
                        let (a, b) = self.n.split_at_mut(row);
                        b[..k].copy_from_slice(&a[..k]);
                        continue;
                    }
                    let rng = &mut self.streams.counts[s];
                    self.n[row] = round_volume(v * lv.volume_factor);
                    for i in 1..k {
                        let r0 = self.r0[i - 1];
                        let rs = lv.rate(i - 1, r0);
                        self.n[row + i] = couple_stage(
                            self.n[i - 1],
                            self.n[i],
                            self.n[row + i - 1],
                            r0,
                            rs,
                            rng,
                        );
                    }
                }
            }
        }
        // Revenue and totals.
        let c0 = self.n[k - 1];
        let g0 = baseline_revenue(c0, &deal, &mut self.streams.revenue[0]);
        for s in 0..ns {
            let row = s * k;
            for i in 0..k {
                buf.counts[row + i] += self.n[row + i];
            }
            let lv = &self.levers[s];
            let r = if s == 0 {
                g0
            } else {
                scenario_revenue(
                    c0,
                    self.n[row + k - 1],
                    g0,
                    &deal,
                    lv.deal_factor,
                    &mut self.streams.revenue[s],
                )
            };
            buf.revenue[s] += r;
        }
    }
}

/// Run the plan: `plan.trials()` trials from `plan.seed()`.
///
/// The same plan gives the same digits on every machine (native or wasm32):
/// the generator and every sampler are portable and use `libm`.
///
/// # Examples
/// ```
/// let plan = funnelcast_engine::workloads::w1().validate().unwrap();
/// let r = funnelcast_engine::simulate(&plan.with_trials(2_000));
/// assert_eq!(r.scenarios.len(), 1);
/// assert!(r.scenarios[0].revenue.mean > 0.0);
/// ```
pub fn simulate(plan: &Plan) -> Results {
    Simulation::new(plan).finish()
}

/// [`simulate`], calling `progress(trials done)` every [`PROGRESS_EVERY`]
/// trials and at the end; when it returns `false` the run stops and this
/// returns `None`.
///
/// # Examples
/// ```
/// let plan = funnelcast_engine::workloads::w1().validate().unwrap().with_trials(40_000);
/// let cancelled = funnelcast_engine::simulate_with_progress(&plan, &mut |done| done < 16_384);
/// assert!(cancelled.is_none());
/// ```
pub fn simulate_with_progress(
    plan: &Plan,
    progress: &mut dyn FnMut(u32) -> bool,
) -> Option<Results> {
    let mut run = Simulation::new(plan);
    while !run.is_finished() {
        let done = run.step();
        if !progress(done) {
            return None;
        }
    }
    Some(run.finish())
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
/// use funnelcast_engine::{simulate, simulate::Simulation, workloads};
/// let plan = workloads::w2().validate().unwrap().with_trials(40_000);
/// let mut run = Simulation::new(&plan);
/// while !run.is_finished() {
///     let done = run.step();
///     assert!(done <= run.trials());
/// }
/// assert_eq!(run.finish(), simulate(&plan));
/// ```
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
        let exact = exact_stage_summaries(&engine);
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

    /// Takes the trials left, then summarises.
    pub fn finish(mut self) -> Results {
        while !self.is_finished() {
            self.step();
        }
        let scans = self.engine.customers_only.then_some(self.scans);
        assemble(&self.plan, &self.hists, self.exact, self.revenue, scans)
    }
}

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
/// 100 % last rate). `None` when a segment is on the general path or the
/// convolutions would be too long.
fn exact_stage_summaries(engine: &Engine) -> Option<Vec<Vec<StageSummary>>> {
    let k = engine.stages;
    let mut work = 0usize;
    let mut out = Vec::with_capacity(engine.scenarios);
    for s in 0..engine.scenarios {
        let mut stages = Vec::with_capacity(k);
        for i in 0..k {
            let mut law: (u64, Vec<f64>) = (0, vec![1.0]);
            for seg in &engine.segs {
                let Path::Fast {
                    volumes, tables, ..
                } = &seg.path
                else {
                    return None;
                };
                let part = if i == 0 {
                    (volumes[s], vec![1.0])
                } else {
                    let ts = tables[s].as_ref().or(tables[0].as_ref())?;
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
                name: plan.scenarios[s].name.clone(),
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
        sensitivity: crate::sensitivity::sensitivity(plan),
    }
}

/// Test hook: call `f(counts, revenue)` for each trial, with per-trial totals
/// over segments: `counts[s * stages + i]` and `revenue[s]`.
#[doc(hidden)]
pub fn for_each_trial(plan: &Plan, mut f: impl FnMut(&[u64], &[f64])) {
    let mut engine = Engine::new(plan);
    let mut buf = engine.buf();
    for _ in 0..plan.trials {
        engine.trial(&mut buf);
        f(&buf.counts, &buf.revenue);
    }
}

/// Whether every segment of the plan runs on the fast path.
pub(crate) fn all_fast(plan: &Plan) -> bool {
    let engine = Engine::new(plan);
    engine.all_fast()
}

impl Engine {
    fn all_fast(&self) -> bool {
        self.segs
            .iter()
            .all(|g| matches!(g.path, Path::Fast { .. }))
    }
}

/// Revenue per trial of scenario `s` only (goal seek; no summaries).
pub(crate) fn revenues(plan: &Plan, s: usize, out: &mut Vec<f64>) {
    out.clear();
    let mut engine = Engine::new(plan);
    let mut buf = engine.buf();
    if engine.all_fast() {
        let mut cust = vec![0u64; engine.scenarios * BLOCK];
        let mut rev = vec![0.0f64; engine.scenarios * BLOCK];
        let mut left = plan.trials as usize;
        while left > 0 {
            let len = left.min(BLOCK);
            engine.block_customers(len, &mut cust, &mut rev);
            out.extend_from_slice(&rev[s * BLOCK..s * BLOCK + len]);
            left -= len;
        }
    } else {
        for _ in 0..plan.trials {
            engine.trial(&mut buf);
            out.push(buf.revenue[s]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        DealSpec, Lever, Model, RateSpec, ScenarioSpec, Scope, SegmentSpec, VolumeSpec,
    };

    fn model(deals: &[(f64, f64)], levers: Vec<Vec<Lever>>) -> Model {
        let segments = deals
            .iter()
            .enumerate()
            .map(|(g, &(mean, cv))| SegmentSpec {
                name: format!("g{g}"),
                volume: VolumeSpec::Fixed {
                    value: 3_000.0 + 1_000.0 * g as f64,
                },
                rates: [0.4, 0.3, 0.2]
                    .iter()
                    .map(|&value| RateSpec::Fixed { value })
                    .collect(),
                deal: DealSpec { mean, cv },
            })
            .collect();
        Model {
            stages: (0..4).map(|i| format!("S{i}")).collect(),
            segments,
            scenarios: levers
                .into_iter()
                .enumerate()
                .map(|(j, levers)| ScenarioSpec {
                    name: format!("s{j}"),
                    scope: Scope::All,
                    levers,
                    cost: None,
                })
                .collect(),
            margin: None,
            trials: 3_000,
            seed: 99,
        }
    }

    /// The customers-only block path gives bit for bit the customers and
    /// revenue of the trial-by-trial path, in every revenue branch: larger
    /// and smaller scenarios, identity scenarios, fixed deals (cv = 0),
    /// shapes below 1 (cv = 5), several segments.
    #[test]
    fn block_path_equals_trial_path() {
        let levers = vec![
            vec![Lever::Volume { frac: 0.2 }],
            vec![Lever::Volume { frac: -0.3 }],
            vec![],
            vec![
                Lever::RatePoints {
                    stage: 2,
                    points: -0.1,
                },
                Lever::Deal { frac: 0.5 },
            ],
            vec![Lever::RateRelative {
                stage: 3,
                frac: 2.0,
            }],
        ];
        for deals in [
            vec![(5_000.0, 0.5)],
            vec![(5_000.0, 0.0)],
            vec![(100.0, 5.0)],
            vec![(5_000.0, 0.5), (40_000.0, 0.8), (10.0, 5.0)],
        ] {
            let plan = model(&deals, levers.clone()).validate().expect("valid");
            let k = plan.stages();
            let ns = plan.scenarios();
            let mut a = Engine::new(&plan);
            let mut b = Engine::new(&plan);
            assert!(a.all_fast());
            b.customers_only = true;
            let mut buf = a.buf();
            let (mut cust, mut rev) = (vec![0u64; ns * BLOCK], vec![0.0f64; ns * BLOCK]);
            let mut left = plan.trials() as usize;
            while left > 0 {
                let len = left.min(BLOCK);
                b.block_customers(len, &mut cust, &mut rev);
                for j in 0..len {
                    a.trial(&mut buf);
                    for s in 0..ns {
                        assert_eq!(
                            cust[s * BLOCK + j],
                            buf.counts[s * k + k - 1],
                            "{deals:?} s{s}"
                        );
                        assert_eq!(
                            rev[s * BLOCK + j].to_bits(),
                            buf.revenue[s].to_bits(),
                            "{deals:?} s{s}"
                        );
                    }
                }
                left -= len;
            }
        }
    }
}
