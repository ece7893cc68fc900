//! The per-trial engine: for each trial and segment, draw the uncertain
//! inputs once, then the baseline's counts and revenue, then each scenario
//! coupled to the baseline through the same people ([`crate::coupling`]);
//! totals over segments go into a trial buffer (or, on the customers-only
//! fast path, a block of trials at a time). Every stream restarts at each
//! key block of trials ([`crate::streams::KEY_BLOCK`]).
//!
//! Two exact paths with one joint law:
//! * **fast** — every segment's volume and rates fixed and the tables within
//!   the run's budget: the stage summaries come from the exact laws
//!   ([`crate::exact`]), and a trial draws only the customers: the
//!   baseline's by inverting its exact Binomial(V, ∏r) table, each
//!   scenario's from them by the closed form of the same coupling
//!   ([`crate::fast_path::FastCouple`]), in blocks of trials;
//! * **general** — the baseline chain n_i ~ Bin(n_{i−1}, r_i) and each
//!   scenario's groups of people stage by stage (engine/README.md has the
//!   argument).

use crate::beta::beta;
use crate::binomial::{binomial, BinomialTable};
use crate::coupling::{
    baseline_revenue, baseline_revenue_by_value, couple_stage, scenario_revenue, split_baseline,
    with_own, Groups,
};
use crate::fast_path::{FastPath, TABLE_BUDGET};
use crate::gamma::gamma_with;
use crate::lever::SegmentLevers;
use crate::normal::standard_normal;
use crate::plan::{Plan, SegmentPlan};
use crate::rate::RateKind;
use crate::rng::Uniforms;
use crate::streams::SegStreams;
use crate::volume::{round_volume, VolumeKind, VOLUME_CAP};

/// How a segment draws its counts.
enum Path {
    /// Every input fixed: inversion of exact binomial tables.
    Fast(FastPath),
    /// The binomial chain, scenarios coupled to the baseline.
    General,
}

/// One segment's part of a trial: its plan, the scenarios' levers on it,
/// its path and its streams.
struct SegEngine {
    plan: SegmentPlan,
    levers: Vec<SegmentLevers>,
    path: Path,
    streams: SegStreams,
    /// Scratch: the drawn rates, the baseline's rates (its levers applied,
    /// for goal seek), counts per scenario.
    drawn: Vec<f64>,
    r0: Vec<f64>,
    n: Vec<u64>,
}

/// Per-trial totals over segments: `counts[s * stages + i]`, `revenue[s]`,
/// and `uplift[s]` = R_s − R_0 computed from the draws (0 for s = 0).
pub(crate) struct TrialBuf {
    pub counts: Vec<u64>,
    pub revenue: Vec<f64>,
    pub uplift: Vec<f64>,
}

/// The per-trial machinery of a run: every segment's path and streams.
pub(crate) struct Engine {
    segs: Vec<SegEngine>,
    pub(crate) stages: usize,
    pub(crate) scenarios: usize,
    /// Fast path only: draw only the customers (the last stage) per trial,
    /// in blocks ([`Engine::block_customers`]).
    pub(crate) customers_only: bool,
}

impl Engine {
    pub(crate) fn new(plan: &Plan) -> Self {
        let k = plan.stages();
        let ns = plan.scenarios.len();
        let mut budget = TABLE_BUDGET;
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
                let path = match plan.force_general {
                    true => None,
                    false => FastPath::new(seg, &levers, &mut budget),
                }
                .map_or(Path::General, Path::Fast);
                let streams = SegStreams::new(plan.seed, g, ns);
                SegEngine {
                    plan: seg.clone(),
                    levers,
                    path,
                    streams,
                    drawn: vec![0.0; k - 1],
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
            uplift: vec![0.0; self.scenarios],
        }
    }

    /// Every stream at the start of key block `block`.
    pub(crate) fn start_block(&mut self, block: u32) {
        for seg in &mut self.segs {
            seg.streams.start_block(block);
        }
    }

    /// One trial, every stage counted: totals over segments into `buf`.
    /// Fixed-input segments take their tables unless `all_general` (the
    /// test hook [`crate::simulate::for_each_trial`] draws every segment's
    /// chain).
    #[inline]
    pub(crate) fn trial(&mut self, buf: &mut TrialBuf, all_general: bool) {
        buf.counts.fill(0);
        buf.revenue.fill(0.0);
        buf.uplift.fill(0.0);
        let k = self.stages;
        for seg in &mut self.segs {
            match seg.path {
                Path::Fast(_) if !all_general => seg.fast_trial(k, buf),
                _ => seg.trial(k, buf),
            }
        }
    }

    /// Whether every segment runs on the fast path.
    pub(crate) fn all_fast(&self) -> bool {
        self.fast_paths().is_some()
    }

    /// Table entries of the fast-path segments, and how many segments are
    /// on the fast path (a test hook's).
    #[cfg(feature = "workloads")]
    pub(crate) fn table_entries(&self) -> (usize, usize) {
        self.segs
            .iter()
            .filter_map(|g| match &g.path {
                Path::Fast(p) => Some(p.entries),
                Path::General => None,
            })
            .fold((0, 0), |(e, n), x| (e + x, n + 1))
    }

    /// Every segment's fast-path tables, `None` if a segment is on the
    /// general path.
    pub(crate) fn fast_paths(&self) -> Option<Vec<&FastPath>> {
        self.segs
            .iter()
            .map(|g| match &g.path {
                Path::Fast(p) => Some(p),
                Path::General => None,
            })
            .collect()
    }
}

/// Trials drawn together on the customers-only fast path (a key block is a
/// whole number of them).
pub(crate) const BLOCK: usize = 256;

/// A block of trials on the customers-only fast path: per scenario s and
/// trial j, index `s * BLOCK + j`.
pub(crate) struct BlockBuf {
    pub cust: Vec<u64>,
    pub rev: Vec<f64>,
    pub uplift: Vec<f64>,
}

impl BlockBuf {
    pub(crate) fn new(scenarios: usize) -> Self {
        BlockBuf {
            cust: vec![0; scenarios * BLOCK],
            rev: vec![0.0; scenarios * BLOCK],
            uplift: vec![0.0; scenarios * BLOCK],
        }
    }
}

impl Engine {
    /// `len` ≤ [`BLOCK`] trials on the fast path with `customers_only`: the
    /// customers, revenue and uplift totals over segments. Each stream is
    /// read in trial order; drawing a block per stream lets the processor
    /// overlap independent trials.
    pub(crate) fn block_customers(&mut self, len: usize, out: &mut BlockBuf) {
        debug_assert!(len <= BLOCK);
        // The first segment writes, the others add (no clearing pass).
        let (first, rest) = self.segs.split_first_mut().expect("a plan has segments");
        first.block_customers::<false>(len, out);
        for seg in rest {
            seg.block_customers::<true>(len, out);
        }
    }
}

impl SegEngine {
    fn block_customers<const ADD: bool>(&mut self, len: usize, out: &mut BlockBuf) {
        let Path::Fast(FastPath {
            tables,
            couples,
            shapes,
            diff_shapes,
            diff_lo,
            ..
        }) = &self.path
        else {
            unreachable!("customers_only is set only when every segment is fast")
        };
        let deal = self.plan.deal;
        let put = |out: &mut BlockBuf, s: usize, j: usize, c: u64, r: f64, d: f64| {
            let i = s * BLOCK + j;
            if ADD {
                out.cust[i] += c;
                out.rev[i] += r;
                out.uplift[i] += d;
            } else {
                out.cust[i] = c;
                out.rev[i] = r;
                out.uplift[i] = d;
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
            put(out, 0, j, c0[j], g0[j], 0.0);
        }
        for (s, couple) in couples.iter().enumerate().skip(1) {
            match couple {
                Some(cp) => {
                    let mut rc = self.streams.counts[s].clone();
                    let mut rr = self.streams.revenue[s].clone();
                    let factor = self.levers[s].deal_factor;
                    for j in 0..len {
                        let grp = cp.draw(c0[j], &mut rc);
                        let (shared, base_only) = split_baseline(&grp, g0[j], &deal, &mut rr);
                        // Own customers with prepared Gamma constants: the
                        // same numbers as `baseline_revenue`'s call.
                        let prepared = match grp.own {
                            0 => None,
                            d => d
                                .checked_sub(*diff_lo)
                                .and_then(|i| diff_shapes.get(i as usize)),
                        };
                        let own = match prepared {
                            Some(sh) => deal.scale() * gamma_with(sh, &mut rr),
                            None => baseline_revenue(grp.own, &deal, &mut rr),
                        };
                        let (r, d) = with_own(shared, base_only, own, factor);
                        put(out, s, j, grp.scenario(), r, d);
                    }
                    self.streams.counts[s] = rc;
                    self.streams.revenue[s] = rr;
                }
                // Identity levers: the baseline's numbers.
                None => {
                    for j in 0..len {
                        put(out, s, j, c0[j], g0[j], 0.0);
                    }
                }
            }
        }
    }

    /// One trial of a fixed-input segment in a run that counts every stage
    /// per trial (another segment is uncertain): each run's stage counts by
    /// inverting its nested tables at one uniform (exact marginals, the
    /// stages in order), the scenarios' customers from the baseline's by the
    /// same coupling as the block path. Only each stage's law is reported,
    /// never a trial's path through the stages.
    #[inline]
    fn fast_trial(&mut self, k: usize, buf: &mut TrialBuf) {
        let Path::Fast(fp) = &self.path else {
            unreachable!("called on fast segments")
        };
        let deal = self.plan.deal;
        let u = self.streams.inputs.uniform();
        let base = fp.tables[0].as_ref().expect("the baseline has tables");
        buf.counts[0] += fp.volumes[0];
        for (i, t) in base.iter().enumerate() {
            buf.counts[i + 1] += t.quantile(u);
        }
        let c0 = base[k - 2].quantile(u);
        let g0 = baseline_revenue(c0, &deal, &mut self.streams.revenue[0]);
        buf.revenue[0] += g0;
        for (s, cp) in fp.couples.iter().enumerate().skip(1) {
            let row = s * k;
            let Some(cp) = cp else {
                for (i, t) in base.iter().enumerate() {
                    buf.counts[row + i + 1] += t.quantile(u);
                }
                buf.counts[row] += fp.volumes[0];
                buf.revenue[s] += g0;
                continue;
            };
            let ts = fp.tables[s]
                .as_ref()
                .expect("a scenario with levers has tables");
            buf.counts[row] += fp.volumes[s];
            for (i, t) in ts[..k - 2].iter().enumerate() {
                buf.counts[row + i + 1] += t.quantile(u);
            }
            let grp = cp.draw(c0, &mut self.streams.counts[s]);
            buf.counts[row + k - 1] += grp.scenario();
            let rng = &mut self.streams.revenue[s];
            let (shared, base_only) = split_baseline(&grp, g0, &deal, rng);
            let factor = self.levers[s].deal_factor;
            let (r, d) = scenario_revenue(grp.own, shared, base_only, &deal, factor, rng);
            buf.revenue[s] += r;
            buf.uplift[s] += d;
        }
    }

    #[inline]
    fn trial(&mut self, k: usize, buf: &mut TrialBuf) {
        let ns = self.levers.len();
        let deal = self.plan.deal;
        let inputs = &mut self.streams.inputs;
        let v = match self.plan.volume.kind() {
            VolumeKind::Fixed(v) => v,
            VolumeKind::LogNormal { mu, sigma } => {
                libm::exp(mu + sigma * standard_normal(inputs)).min(VOLUME_CAP)
            }
        };
        for (i, r) in self.plan.rates.iter().enumerate() {
            self.drawn[i] = match r.kind() {
                RateKind::Fixed(p) => p,
                RateKind::Beta { a, b } => beta(a, b, inputs),
            };
            // The baseline's levers are the identity, except in goal seek,
            // where its volume or one rate is moved.
            self.r0[i] = self.levers[0].rate(i, self.drawn[i]);
        }
        let rng = &mut self.streams.counts[0];
        self.n[0] = round_volume(v * self.levers[0].volume_factor);
        for i in 1..k {
            self.n[i] = binomial(self.n[i - 1], self.r0[i - 1], rng);
        }
        let c0 = self.n[k - 1];
        let g0 = baseline_revenue(c0, &deal, &mut self.streams.revenue[0]);
        for i in 0..k {
            buf.counts[i] += self.n[i];
        }
        buf.revenue[0] += g0;
        for s in 1..ns {
            let row = s * k;
            let lv = &self.levers[s];
            if lv.is_identity() {
                for i in 0..k {
                    buf.counts[row + i] += self.n[i];
                }
                buf.revenue[s] += g0;
                continue;
            }
            let rng = &mut self.streams.counts[s];
            let vs = round_volume(v * lv.volume_factor);
            let mut grp = Groups::entering(self.n[0], vs);
            buf.counts[row] += vs;
            for i in 1..k {
                let rs = lv.rate(i - 1, self.drawn[i - 1]);
                grp = couple_stage(self.n[i - 1], self.n[i], grp, self.r0[i - 1], rs, rng);
                buf.counts[row + i] += grp.scenario();
            }
            let rng = &mut self.streams.revenue[s];
            let (shared, base_only) = split_baseline(&grp, g0, &deal, rng);
            let (r, d) = scenario_revenue(grp.own, shared, base_only, &deal, lv.deal_factor, rng);
            buf.revenue[s] += r;
            buf.uplift[s] += d;
        }
    }
}
