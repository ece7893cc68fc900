//! The per-trial engine: for each trial and segment, draw the uncertain
//! inputs once, then the baseline's counts and revenue, then each scenario
//! coupled to the baseline through the same people ([`crate::coupling`]);
//! totals over segments go into arrays over a block of [`BLOCK`] trials
//! (every stage on the general path, the customers only on the fast path).
//! Every stream restarts at each key block of trials
//! ([`crate::streams::KEY_BLOCK`]).
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
//!   argument), each sampler over a whole block of trials at a time.

use crate::beta::{beta, BetaShapes};
use crate::binomial::{binomial_block, BinomialTable};
use crate::coupling::{
    baseline_revenue, baseline_revenue_by_value, couple_block, scenario_revenue, split_baseline,
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
    /// Per rate: its Beta's prepared Gamma constants (`None` for a fixed
    /// rate, or a shape below 1).
    beta_shapes: Vec<Option<BetaShapes>>,
    /// The general path's draws of the current block of trials.
    blk: GenBlock,
}

/// The general path's draws for a block of [`BLOCK`] trials of one segment,
/// structure of arrays: value `i * BLOCK + j` is stage (or rate) i of trial
/// j. Drawing a block at a time lets each sampler's setup and its central
/// case run for many independent trials back to back (the processor
/// overlaps them); every stream is read in a fixed order, so the digits do
/// not depend on how a run is cut into steps or chunks (a key block is a
/// whole number of blocks).
struct GenBlock {
    /// The drawn volume (before levers).
    vol: Vec<f64>,
    /// The drawn rates, and the baseline's (its levers applied: goal seek).
    drawn: Vec<f64>,
    r0: Vec<f64>,
    /// The baseline's counts and revenue.
    n: Vec<u64>,
    g0: Vec<f64>,
    /// Per scenario s: counts at `s * stages * BLOCK + i * BLOCK + j`,
    /// revenue and uplift at `s * BLOCK + j`.
    counts: Vec<u64>,
    rev: Vec<f64>,
    uplift: Vec<f64>,
    /// Scratch of the coupling: the groups, and the draws of one stage.
    groups: Vec<Groups>,
    rs: Vec<f64>,
    tmp: [Vec<u64>; 4],
    tmp_p: Vec<f64>,
}

impl GenBlock {
    fn new(k: usize, ns: usize) -> Self {
        let b = BLOCK;
        Self {
            vol: vec![0.0; b],
            drawn: vec![0.0; (k - 1) * b],
            r0: vec![0.0; (k - 1) * b],
            n: vec![0; k * b],
            g0: vec![0.0; b],
            counts: vec![0; ns * k * b],
            rev: vec![0.0; ns * b],
            uplift: vec![0.0; ns * b],
            groups: vec![Groups::default(); b],
            rs: vec![0.0; b],
            tmp: std::array::from_fn(|_| vec![0; b]),
            tmp_p: vec![0.0; b],
        }
    }
}

/// A block's totals over segments on the general path: `counts[(s * stages
/// + i) * BLOCK + j]`, `revenue[s * BLOCK + j]`, `uplift[s * BLOCK + j]`.
pub(crate) struct GenOut {
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
                let beta_shapes = seg
                    .rates
                    .iter()
                    .map(|r| match r.kind() {
                        RateKind::Beta { a, b } => BetaShapes::new(a, b),
                        RateKind::Fixed(_) => None,
                    })
                    .collect();
                SegEngine {
                    plan: seg.clone(),
                    levers,
                    path,
                    streams,
                    beta_shapes,
                    blk: GenBlock::new(k, ns),
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

    pub(crate) fn gen_out(&self) -> GenOut {
        let (k, ns) = (self.stages, self.scenarios);
        GenOut {
            counts: vec![0; ns * k * BLOCK],
            revenue: vec![0.0; ns * BLOCK],
            uplift: vec![0.0; ns * BLOCK],
        }
    }

    /// Every stream at the start of key block `block`.
    pub(crate) fn start_block(&mut self, block: u32) {
        for seg in &mut self.segs {
            seg.streams.start_block(block);
        }
    }

    /// `len` ≤ [`BLOCK`] trials from the start of a block, every stage
    /// counted: totals over segments into `out`, per (scenario, stage) an
    /// array over the trials (so the caller counts them a block at a time).
    /// The general path draws a whole block (from the start of a key block:
    /// a trial's numbers never depend on how many trials the run takes) and
    /// uses the first `len` trials.
    pub(crate) fn block_general(&mut self, len: usize, all_general: bool, out: &mut GenOut) {
        debug_assert!(len <= BLOCK);
        let k = self.stages;
        // The first segment drawn in blocks writes the totals (no clearing
        // pass over them); a first segment drawn trial by trial adds to
        // cleared ones.
        let mut first = true;
        for seg in &mut self.segs {
            match seg.path {
                Path::Fast(_) if !all_general => {
                    if first {
                        out.counts.fill(0);
                        out.revenue.fill(0.0);
                        out.uplift.fill(0.0);
                    }
                    seg.fast_block(k, len, out);
                }
                _ => {
                    seg.draw_block(k);
                    if first {
                        seg.add_block::<true>(k, len, out);
                    } else {
                        seg.add_block::<false>(k, len, out);
                    }
                }
            }
            first = false;
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

    /// `len` ≤ [`BLOCK`] trials of a fixed-input segment in a run that
    /// counts every stage per trial (another segment is uncertain), added to
    /// the totals: each run's stage counts by inverting its nested tables at
    /// one uniform per trial (exact marginals, the stages in order), the
    /// scenarios' customers from the baseline's by the same coupling as the
    /// customers-only path. Only each stage's law is reported, never a
    /// trial's path through the stages. A sampler at a time over the trials
    /// (each stream still read in trial order: the numbers of one trial at a
    /// time), each stream in a local copy that stays in registers, and the
    /// revenue's Gamma constants prepared.
    // Out of line: a run with only uncertain segments never calls it, and
    // inlined it changed how the general path's loops were compiled (more
    // instructions per trial there).
    #[inline(never)]
    fn fast_block(&mut self, k: usize, len: usize, out: &mut GenOut) {
        let Path::Fast(fp) = &self.path else {
            unreachable!("called on fast segments")
        };
        let deal = self.plan.deal;
        let blk = &mut self.blk;
        // The uniforms' 53 bits: a table's guide entry is their top bits
        // (`quantile_bits`, the same value as `quantile` at that uniform,
        // without a float-to-integer conversion per stage).
        let mut m = [0u64; BLOCK];
        let mut inputs = self.streams.inputs.clone();
        for x in &mut m[..len] {
            *x = inputs.bits53();
        }
        self.streams.inputs = inputs;
        let m = &m[..len];
        // The baseline's counts (kept in the segment's block: the identity
        // scenarios repeat them) and customers c0 (its last stage).
        let base = fp.tables[0].as_ref().expect("the baseline has tables");
        blk.n[..len].fill(fp.volumes[0]);
        for (i, t) in base.iter().enumerate() {
            for (c, &m) in blk.n[(i + 1) * BLOCK..][..len].iter_mut().zip(m) {
                *c = t.quantile_bits(m);
            }
        }
        let c0 = &blk.n[(k - 1) * BLOCK..][..len];
        // The baseline's revenue: Gamma constants prepared per count of its
        // last table (the same numbers as `baseline_revenue`).
        let lo = base[k - 2].support().0;
        let mut rng0 = self.streams.revenue[0].clone();
        for (g, &c) in blk.g0[..len].iter_mut().zip(c0) {
            *g = match &fp.shapes[(c - lo) as usize] {
                Some(sh) => deal.scale() * gamma_with(sh, &mut rng0),
                None => {
                    let (g, r) = baseline_revenue_by_value(c, &deal, rng0.clone());
                    rng0 = r;
                    g
                }
            };
        }
        self.streams.revenue[0] = rng0;
        let g0 = &blk.g0[..len];
        let add = |dst: &mut [u64], src: &[u64]| {
            for (d, &x) in dst[..len].iter_mut().zip(src) {
                *d += x;
            }
        };
        for (s, cp) in fp.couples.iter().enumerate() {
            let row = s * k * BLOCK;
            let Some(cp) = cp.as_ref().filter(|_| s > 0) else {
                // The baseline, and identity levers: the baseline's numbers.
                for i in 0..k {
                    add(
                        &mut out.counts[row + i * BLOCK..],
                        &blk.n[i * BLOCK..][..len],
                    );
                }
                for (j, &g) in g0.iter().enumerate() {
                    out.revenue[s * BLOCK + j] += g;
                    out.uplift[s * BLOCK + j] += 0.0;
                }
                continue;
            };
            let ts = fp.tables[s]
                .as_ref()
                .expect("a scenario with levers has tables");
            for c in &mut out.counts[row..row + len] {
                *c += fp.volumes[s];
            }
            for (i, t) in ts[..k - 2].iter().enumerate() {
                let dst = &mut out.counts[row + (i + 1) * BLOCK..][..len];
                for (d, &m) in dst.iter_mut().zip(m) {
                    *d += t.quantile_bits(m);
                }
            }
            let mut rc = self.streams.counts[s].clone();
            let mut rr = self.streams.revenue[s].clone();
            let factor = self.levers[s].deal_factor;
            let last = row + (k - 1) * BLOCK;
            for j in 0..len {
                let grp = cp.draw(c0[j], &mut rc);
                out.counts[last + j] += grp.scenario();
                let (shared, base_only) = split_baseline(&grp, g0[j], &deal, &mut rr);
                // Own customers with prepared Gamma constants: the same
                // numbers as `baseline_revenue`'s call.
                let prepared = match grp.own {
                    0 => None,
                    d => d
                        .checked_sub(fp.diff_lo)
                        .and_then(|i| fp.diff_shapes.get(i as usize)),
                };
                let own = match prepared {
                    Some(sh) => deal.scale() * gamma_with(sh, &mut rr),
                    None => baseline_revenue(grp.own, &deal, &mut rr),
                };
                let (r, d) = with_own(shared, base_only, own, factor);
                out.revenue[s * BLOCK + j] += r;
                out.uplift[s * BLOCK + j] += d;
            }
            self.streams.counts[s] = rc;
            self.streams.revenue[s] = rr;
        }
    }

    /// The first `len` trials of the current block into the totals, a
    /// (scenario, stage) at a time: added, or with `PUT` written (as added
    /// to cleared totals: 0.0 + x, which keeps the bits of every x but −0).
    fn add_block<const PUT: bool>(&self, k: usize, len: usize, out: &mut GenOut) {
        let b = &self.blk;
        let add = |dst: &mut [u64], src: &[u64]| {
            if PUT {
                dst[..len].copy_from_slice(&src[..len]);
            } else {
                for (d, &x) in dst[..len].iter_mut().zip(&src[..len]) {
                    *d += x;
                }
            }
        };
        let addf = |dst: &mut [f64], src: &[f64]| {
            for (d, &x) in dst[..len].iter_mut().zip(&src[..len]) {
                *d = if PUT { 0.0 + x } else { *d + x };
            }
        };
        for (s, lv) in self.levers.iter().enumerate() {
            let row = s * k * BLOCK;
            let (counts, rev, up) = if s == 0 || lv.is_identity() {
                (&b.n[..], &b.g0[..], None)
            } else {
                let r = s * BLOCK..(s + 1) * BLOCK;
                (
                    &b.counts[row..row + k * BLOCK],
                    &b.rev[r.clone()],
                    Some(&b.uplift[r]),
                )
            };
            for i in 0..k {
                add(
                    &mut out.counts[row + i * BLOCK..row + (i + 1) * BLOCK],
                    &counts[i * BLOCK..],
                );
            }
            let up_out = &mut out.uplift[s * BLOCK..(s + 1) * BLOCK];
            addf(&mut out.revenue[s * BLOCK..(s + 1) * BLOCK], rev);
            match up {
                Some(up) => addf(up_out, up),
                // No uplift: 0 (what cleared totals hold).
                None if PUT => up_out[..len].fill(0.0),
                None => {}
            }
        }
    }

    /// The general path's next block of [`BLOCK`] trials: the uncertain
    /// inputs (shared by all scenarios), the baseline's chain
    /// n_i ~ Bin(n_{i−1}, r_i) stage by stage over the block, its revenue,
    /// then each scenario's groups of people stage by stage
    /// ([`couple_block`]) and its revenue. Each stream is read in this
    /// fixed order.
    fn draw_block(&mut self, k: usize) {
        const B: usize = BLOCK;
        let deal = self.plan.deal;
        let blk = &mut self.blk;
        let mut inputs = self.streams.inputs.clone();
        match self.plan.volume.kind() {
            VolumeKind::Fixed(v) => blk.vol.fill(v),
            VolumeKind::LogNormal { mu, sigma } => {
                for v in &mut blk.vol {
                    *v = libm::exp(mu + sigma * standard_normal(&mut inputs)).min(VOLUME_CAP);
                }
            }
        }
        for (i, r) in self.plan.rates.iter().enumerate() {
            let d = &mut blk.drawn[i * B..(i + 1) * B];
            match (r.kind(), &self.beta_shapes[i]) {
                (RateKind::Fixed(p), _) => d.fill(p),
                (_, Some(sh)) => {
                    for x in d.iter_mut() {
                        *x = sh.draw(&mut inputs);
                    }
                }
                (RateKind::Beta { a, b }, None) => {
                    for x in d.iter_mut() {
                        *x = beta(a, b, &mut inputs);
                    }
                }
            }
            // The baseline's levers are the identity, except in goal seek,
            // where its volume or one rate is moved.
            let lv0 = &self.levers[0];
            for (r0, &x) in blk.r0[i * B..(i + 1) * B].iter_mut().zip(d.iter()) {
                *r0 = lv0.rate(i, x);
            }
        }
        self.streams.inputs = inputs;
        let f0 = self.levers[0].volume_factor;
        for (n, &v) in blk.n[..B].iter_mut().zip(&blk.vol) {
            *n = round_volume(v * f0);
        }
        let rng = &mut self.streams.counts[0];
        for i in 1..k {
            let (prev, cur) = blk.n.split_at_mut(i * B);
            binomial_block(
                &prev[(i - 1) * B..],
                &blk.r0[(i - 1) * B..i * B],
                &mut cur[..B],
                rng,
            );
        }
        let mut rr = self.streams.revenue[0].clone();
        for (g, &c) in blk.g0.iter_mut().zip(&blk.n[(k - 1) * B..]) {
            *g = baseline_revenue(c, &deal, &mut rr);
        }
        self.streams.revenue[0] = rr;
        for (s, lv) in self.levers.iter().enumerate().skip(1) {
            if lv.is_identity() {
                continue;
            }
            let base = s * k * B;
            for j in 0..B {
                let vs = round_volume(blk.vol[j] * lv.volume_factor);
                blk.counts[base + j] = vs;
                blk.groups[j] = Groups::entering(blk.n[j], vs);
            }
            let rng = &mut self.streams.counts[s];
            for i in 1..k {
                // The scenario's rates, and whether they are the baseline's
                // in every trial (in the same pass).
                let r0 = &blk.r0[(i - 1) * B..i * B];
                let mut same = true;
                for ((rs, &x), &a) in blk
                    .rs
                    .iter_mut()
                    .zip(&blk.drawn[(i - 1) * B..i * B])
                    .zip(r0)
                {
                    *rs = lv.rate(i - 1, x);
                    same &= *rs == a;
                }
                couple_block(
                    &blk.n[(i - 1) * B..i * B],
                    &blk.n[i * B..(i + 1) * B],
                    &mut blk.groups,
                    r0,
                    &blk.rs,
                    same,
                    &mut blk.tmp,
                    &mut blk.tmp_p,
                    rng,
                );
                for (c, g) in blk.counts[base + i * B..base + (i + 1) * B]
                    .iter_mut()
                    .zip(&blk.groups)
                {
                    *c = g.scenario();
                }
            }
            let rng = &mut self.streams.revenue[s];
            for j in 0..B {
                let grp = blk.groups[j];
                let (shared, base_only) = split_baseline(&grp, blk.g0[j], &deal, rng);
                let (r, d) =
                    scenario_revenue(grp.own, shared, base_only, &deal, lv.deal_factor, rng);
                blk.rev[s * B + j] = r;
                blk.uplift[s * B + j] = d;
            }
        }
    }
}
