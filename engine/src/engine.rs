//! The per-trial engine: for each trial and segment, draw the uncertain
//! inputs once, then the baseline's counts and revenue, then each scenario
//! coupled to the baseline; totals over segments go into a trial buffer (or,
//! on the customers-only fast path, a block of trials at a time).
//!
//! Two exact paths, chosen per segment:
//! * **fast** — volume and rates fixed: every stage count of every scenario is
//!   the inverse of its exact Binomial(V, ∏r) CDF at ONE shared uniform
//!   (comonotone: exact marginals, stages non-increasing, a dominating scenario
//!   never below the baseline; [`crate::fast_path`]). When every segment is
//!   fast, a run takes the stage summaries from the exact laws
//!   ([`crate::exact`]) and draws only the customers and revenue, in blocks;
//! * **general** — the baseline chain n_i ~ Bin(n_{i−1}, r_i); each scenario
//!   "follows the same people" ([`crate::coupling`]): of the people both have
//!   at stage i − 1, those the baseline converted convert again and the rest
//!   convert with the conditional rate that makes the scenario's marginal
//!   rate exact, and extra people convert independently (engine/README.md
//!   has the argument).

use crate::beta::beta;
use crate::binomial::{binomial, BinomialTable};
use crate::coupling::{
    baseline_revenue, baseline_revenue_by_value, couple_stage, scenario_revenue,
};
use crate::fast_path::FastPath;
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
    /// Scratch: rates of the baseline, counts per scenario.
    r0: Vec<f64>,
    n: Vec<u64>,
}

/// Per-trial totals over segments: `counts[s * stages + i]`, `revenue[s]`.
pub(crate) struct TrialBuf {
    pub counts: Vec<u64>,
    pub revenue: Vec<f64>,
}

/// The per-trial machinery of a run: every segment's path and streams.
pub(crate) struct Engine {
    segs: Vec<SegEngine>,
    pub(crate) stages: usize,
    pub(crate) scenarios: usize,
    /// Fast path only: draw only the customers (the last stage) per trial;
    /// the other stages' counts are then left stale in the trial buffer.
    pub(crate) customers_only: bool,
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
                let path = match plan.force_general {
                    true => None,
                    false => FastPath::new(seg, &levers),
                }
                .map_or(Path::General, Path::Fast);
                let streams = SegStreams::new(plan.seed, g, ns);
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

    /// Whether every segment runs on the fast path.
    pub(crate) fn all_fast(&self) -> bool {
        self.fast_paths().is_some()
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
        let Path::Fast(FastPath {
            tables,
            shapes,
            diff_shapes,
            diff_lo,
            ..
        }) = &self.path
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
            Path::Fast(FastPath {
                volumes, tables, ..
            }) => {
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

/// Test hook (feature `workloads`): call `f(counts, revenue)` for each trial, with per-trial totals
/// over segments: `counts[s * stages + i]` and `revenue[s]`.
#[cfg(feature = "workloads")]
pub fn for_each_trial(plan: &Plan, mut f: impl FnMut(&[u64], &[f64])) {
    let mut engine = Engine::new(plan);
    let mut buf = engine.buf();
    for _ in 0..plan.trials {
        engine.trial(&mut buf);
        f(&buf.counts, &buf.revenue);
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
            stages: 4,
            segments,
            scenarios: levers
                .into_iter()
                .map(|levers| ScenarioSpec {
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
