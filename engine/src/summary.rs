//! Summaries of a run: quantiles by selection (the smallest drawn x with
//! F(x) ≥ q, one rule for counts, revenue and uplift), their 95 % Monte
//! Carlo errors (order-statistic intervals), counting histograms for integer
//! stage counts (bounded memory for millions of trials, merged exactly),
//! shared revenue histograms.

use crate::results::{Histogram, McError, StageSummary, Summary};
use serde::{Deserialize, Serialize};

/// 0-based rank of the q-quantile among n > 0 values: the smallest x with
/// F_n(x) ≥ q is the ⌈nq⌉-th smallest (the first for q = 0). Every quantile
/// the engine reports is this sample value itself, never an interpolation
/// between two neighbours (numpy's `method="inverted_cdf"`, not its linear
/// default).
pub fn rank(n: usize, q: f64) -> usize {
    (libm::ceil(q * n as f64) as usize).clamp(1, n) - 1
}

/// 0-based ranks of the ends of a 95 % distribution-free interval for the
/// q-quantile among n > 0 values: ⌊nq − 1.96·s⌋ and ⌈nq + 1.96·s⌉ + 1
/// (1-based, s = √(nq(1 − q))), clamped to the sample.
pub fn interval_ranks(n: usize, q: f64) -> (usize, usize) {
    let nq = n as f64 * q;
    let h = 1.96 * libm::sqrt(nq * (1.0 - q));
    let lo = (libm::floor(nq - h).max(1.0) as usize).min(n);
    let hi = ((libm::ceil(nq + h) + 1.0) as usize).clamp(1, n);
    (lo - 1, hi - 1)
}

/// Half-width of a 95 % interval for a share `p` of `n` trials: the larger
/// distance from `p` to the ends of Wilson's score interval. Wald's
/// p ± 1.96·√(p(1 − p)/n) is 0 at a share of 0 or 1 and covered a true
/// 0.9991 in 84 % of 400 seeds at 1,000 trials; Wilson's is never empty.
/// For a mean of scores in [0, 1] (P(beat) counts a tie as ½) the
/// Bernoulli variance p(1 − p) bounds the scores', so it is conservative.
pub fn share_error(p: f64, n: usize) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let (n, z2) = (n as f64, 1.96 * 1.96);
    let d = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / d;
    let half = 1.96 / d * libm::sqrt((p * (1.0 - p) / n + z2 / (4.0 * n * n)).max(0.0));
    (p - (centre - half)).max(centre + half - p)
}

/// The expected shortfall at 5 %: the mean of the lowest ⌈0.05·n⌉ of
/// `values` (reordered), and its 95 % Monte Carlo error,
/// 1.96·√((s²_tail + (1 − α)(VaR − ES)²) / (α·n)) with α = 0.05, s²_tail
/// the variance of those values and VaR the largest of them (the P5): the
/// asymptotic variance of the tail mean with its estimated threshold.
pub fn shortfall(values: &mut [f64]) -> (f64, f64) {
    const ALPHA: f64 = 0.05;
    let n = values.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    let k = rank(n, ALPHA) + 1;
    let (tail, var_at, _) = values.select_nth_unstable_by(k - 1, |a, b| a.total_cmp(b));
    let var_at = *var_at;
    let sum = tail.iter().sum::<f64>() + var_at;
    let es = sum / k as f64;
    let ss = tail.iter().map(|x| (x - es) * (x - es)).sum::<f64>() + (var_at - es) * (var_at - es);
    let s2 = if k > 1 { ss / (k - 1) as f64 } else { 0.0 };
    let v = (s2 + (1.0 - ALPHA) * (var_at - es) * (var_at - es)) / (ALPHA * n as f64);
    (es, 1.96 * libm::sqrt(v))
}

/// The quantile levels a [`Summary`] reports with an error.
const REPORTED: [f64; 5] = [0.05, 0.10, 0.5, 0.9, 0.95];

/// [`McError`] of a summary: the mean's from the sd, each quantile's from
/// the order statistics at `at(rank)`: the larger of the distances from the
/// estimate to the interval's ends. The interval is not centred on the
/// estimate (a count's P5 often sits at its lower end), and half its width
/// left the other end out: P5 of a 60-customer count was covered in 74 %
/// of seeds. A ± that reaches both ends covers whenever the interval does.
fn mc_error(n: usize, sd: f64, at: impl Fn(usize) -> f64) -> McError {
    if n == 0 {
        return McError::default();
    }
    let q = |q: f64| {
        let (lo, hi) = interval_ranks(n, q);
        let x = at(rank(n, q));
        (x - at(lo)).max(at(hi) - x)
    };
    McError {
        mean: 1.96 * sd / libm::sqrt(n as f64),
        p5: q(0.05),
        p10: q(0.10),
        p50: q(0.5),
        p90: q(0.9),
        p95: q(0.95),
    }
}

/// Bins a [`CountHist`] keeps before halving its resolution.
pub const MAX_COUNT_BINS: usize = 1 << 16;

/// A histogram of whole counts with exact sums. Bins are one count wide
/// (exact quantiles) until the values span more than [`MAX_COUNT_BINS`]; then
/// bins double in width as needed, so memory stays bounded and quantiles are
/// within one bin (span / 65 536) of the exact ones. The bin width depends
/// only on the smallest and largest value seen (never on their order), so
/// histograms of the parts of a run merge into the histogram of the whole.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CountHist {
    /// First bin, in bin units (value >> shift).
    base: u64,
    shift: u32,
    counts: Vec<u32>,
    n: u64,
    /// Exact sum; the sum of squares comes from the bins at the end (exact
    /// while bins are one count wide).
    sum: u128,
    min: u64,
    max: u64,
}

/// A [`CountHist`]'s state as plain parts: what a binary message carries
/// (the page's worker protocol), without serde's code in the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountHistParts {
    pub base: u64,
    pub shift: u32,
    pub counts: Vec<u32>,
    pub n: u64,
    pub sum: u128,
    pub min: u64,
    pub max: u64,
}

impl CountHist {
    /// Its state, for a message.
    pub fn to_parts(&self) -> CountHistParts {
        CountHistParts {
            base: self.base,
            shift: self.shift,
            counts: self.counts.clone(),
            n: self.n,
            sum: self.sum,
            min: self.min,
            max: self.max,
        }
    }

    /// Back from [`CountHist::to_parts`]; `None` for a bin width no
    /// histogram has (a shift of 64 bits or more).
    pub fn from_parts(p: CountHistParts) -> Option<Self> {
        (p.shift < 64).then_some(CountHist {
            base: p.base,
            shift: p.shift,
            counts: p.counts,
            n: p.n,
            sum: p.sum,
            min: p.min,
            max: p.max,
        })
    }

    pub fn new() -> Self {
        Self {
            min: u64::MAX,
            ..Self::default()
        }
    }

    #[inline]
    pub fn add(&mut self, v: u64) {
        self.n += 1;
        self.sum += v as u128;
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        let b = v >> self.shift;
        if b >= self.base && b < self.base + self.counts.len() as u64 {
            self.counts[(b - self.base) as usize] += 1;
        } else {
            self.grow(v);
            let b = v >> self.shift;
            self.counts[(b - self.base) as usize] += 1;
        }
    }

    /// [`CountHist::add`] of every value of `vs`, in order (the same
    /// histogram). Values that fall in the current bins are counted in a
    /// tight loop (one unsigned comparison finds a value's bin in range);
    /// from the first that does not, one at a time.
    #[inline]
    pub fn add_slice(&mut self, vs: &[u64]) {
        let (base, shift) = (self.base, self.shift);
        let bins = self.counts.len() as u64;
        let (mut lo, mut hi, mut sum) = (self.min, self.max, 0u128);
        let mut done = vs.len();
        for (i, &v) in vs.iter().enumerate() {
            // Below the first bin wraps to a large number: out of range too.
            let b = (v >> shift).wrapping_sub(base);
            if b >= bins {
                done = i;
                break;
            }
            self.counts[b as usize] += 1;
            lo = lo.min(v);
            hi = hi.max(v);
            sum += v as u128;
        }
        self.n += done as u64;
        self.sum += sum;
        self.min = lo;
        self.max = hi;
        for &v in &vs[done..] {
            self.add(v);
        }
    }

    #[cold]
    fn grow(&mut self, v: u64) {
        if self.counts.is_empty() {
            self.base = v;
            self.counts = vec![0; 64];
            // Centre the first bins on v.
            self.base = v.saturating_sub(32);
            return;
        }
        // The value range to cover, in raw units, with some slack.
        let lo_raw = (self.base << self.shift).min(v);
        let hi_raw = ((self.base + self.counts.len() as u64) << self.shift)
            .saturating_sub(1)
            .max(v);
        let span = hi_raw - lo_raw + 1;
        let slack = span / 4;
        let lo_raw = if v < self.base << self.shift {
            lo_raw.saturating_sub(slack)
        } else {
            lo_raw
        };
        let hi_raw = if v >= self.base << self.shift {
            hi_raw.saturating_add(slack)
        } else {
            hi_raw
        };
        // The width: the finest that holds [min, max] seen (the slack only
        // sizes the array), so it does not depend on the order of the values.
        let (min, max) = (self.min.min(v), self.max.max(v));
        let shift = canonical_shift(min, max).max(self.shift);
        // Slack only while it fits in the bins.
        let (lo_raw, hi_raw) =
            if ((hi_raw >> shift) - (lo_raw >> shift) + 1) as usize > MAX_COUNT_BINS {
                (min, max)
            } else {
                (lo_raw, hi_raw)
            };
        let base = lo_raw >> shift;
        let len = ((hi_raw >> shift) - base + 1) as usize;
        let mut counts = vec![0u32; len];
        for (j, &c) in self.counts.iter().enumerate() {
            if c > 0 {
                let raw = (self.base + j as u64) << self.shift;
                counts[((raw >> shift) - base) as usize] += c;
            }
        }
        self.base = base;
        self.shift = shift;
        self.counts = counts;
    }

    pub fn len(&self) -> u64 {
        self.n
    }

    /// Adds `other`'s values: the same histogram as adding them one by one.
    pub fn merge(&mut self, other: &CountHist) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = other.clone();
            return;
        }
        let (min, max) = (self.min.min(other.min), self.max.max(other.max));
        let shift = canonical_shift(min, max).max(self.shift).max(other.shift);
        let base = min >> shift;
        let mut counts = vec![0u32; ((max >> shift) - base + 1) as usize];
        for h in [&*self, other] {
            for (j, &c) in h.counts.iter().enumerate() {
                if c > 0 {
                    let raw = (h.base + j as u64) << h.shift;
                    counts[((raw >> shift) - base) as usize] += c;
                }
            }
        }
        self.base = base;
        self.shift = shift;
        self.counts = counts;
        self.n += other.n;
        self.sum += other.sum;
        self.min = min;
        self.max = max;
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum as f64 / self.n as f64
        }
    }

    /// Sample standard deviation (n − 1), computed from exact integer sums.
    pub fn sd(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        // Σ count·(value − mean)² over the bins (mid-bin when coarse).
        let mean = self.mean();
        let half = if self.shift == 0 {
            0.0
        } else {
            ((1u64 << self.shift) as f64 - 1.0) / 2.0
        };
        let mut ss = 0.0;
        for (j, &c) in self.counts.iter().enumerate() {
            if c > 0 {
                let v = ((self.base + j as u64) << self.shift) as f64 + half;
                ss += c as f64 * (v - mean) * (v - mean);
            }
        }
        (ss / (self.n - 1) as f64).sqrt()
    }

    /// Value of the order statistic of rank r (0-based).
    fn order_stat(&self, r: u64) -> f64 {
        let mut acc = 0u64;
        for (j, &c) in self.counts.iter().enumerate() {
            acc += c as u64;
            if acc > r {
                let raw = (self.base + j as u64) << self.shift;
                let v = if self.shift == 0 {
                    raw as f64
                } else {
                    // Mid-bin for coarse bins.
                    raw as f64 + ((1u64 << self.shift) as f64 - 1.0) / 2.0
                };
                return crate::special::clamp(v, self.min as f64, self.max as f64);
            }
        }
        self.max as f64
    }

    /// The q-quantile: the smallest counted x with F(x) ≥ q.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        self.order_stat(rank(self.n as usize, q) as u64)
    }

    fn errors(&self) -> McError {
        mc_error(self.n as usize, self.sd(), |r| self.order_stat(r as u64))
    }

    pub fn stage_summary(&self) -> StageSummary {
        let err = self.errors();
        StageSummary {
            mean: self.mean(),
            p5: self.quantile(0.05),
            p50: self.quantile(0.5),
            p95: self.quantile(0.95),
            exact: false,
            err: McError {
                p10: 0.0,
                p90: 0.0,
                ..err
            },
        }
    }

    pub fn summary(&self) -> Summary {
        let sd = self.sd();
        Summary {
            mean: self.mean(),
            sd,
            se: if self.n > 0 {
                sd / libm::sqrt(self.n as f64)
            } else {
                0.0
            },
            min: if self.n > 0 { self.min as f64 } else { 0.0 },
            p5: self.quantile(0.05),
            p10: self.quantile(0.10),
            p50: self.quantile(0.5),
            p90: self.quantile(0.9),
            p95: self.quantile(0.95),
            max: self.max as f64,
            err: self.errors(),
        }
    }
}

/// The finest bin width (as a shift) at which [lo, hi] fits in
/// [`MAX_COUNT_BINS`] bins.
fn canonical_shift(lo: u64, hi: u64) -> u32 {
    let mut shift = 0;
    while ((hi >> shift) - (lo >> shift) + 1) as usize > MAX_COUNT_BINS {
        shift += 1;
    }
    shift
}

/// Quantiles of `xs` at the levels `qs` (the smallest x with F(x) ≥ q).
/// `xs` may be reordered. The reference the tests check the bucket passes
/// against.
#[cfg(test)]
fn quantiles(xs: &mut [f64], qs: &[f64]) -> Vec<f64> {
    let n = xs.len();
    if n == 0 {
        return vec![0.0; qs.len()];
    }
    let ranks = level_ranks(n, qs);
    let values = order_stats(xs, &ranks);
    let at = |r: usize| values[ranks.binary_search(&r).expect("rank was asked for")];
    qs.iter().map(|&q| at(rank(n, q))).collect()
}

/// The sorted distinct ranks the levels `qs` need among n values, with the
/// ends of the error intervals of the [`REPORTED`] levels.
fn level_ranks(n: usize, qs: &[f64]) -> Vec<usize> {
    let mut ranks: Vec<usize> = qs.iter().map(|&q| rank(n, q)).collect();
    for q in REPORTED {
        let (lo, hi) = interval_ranks(n, q);
        ranks.push(lo);
        ranks.push(hi);
    }
    ranks.sort_unstable();
    ranks.dedup();
    ranks
}

/// Buckets of the counting pass in [`order_stats`].
const SELECT_BUCKETS: usize = 1 << 12;

/// The order statistics of the given sorted, distinct ranks (0-based) of a
/// non-empty `xs`, exactly. One pass counts the values into equal-width
/// buckets over [min, max] (a monotone map, so bucket b holds exactly the
/// ranks between the counts before it); a second pass collects only the
/// values of the buckets holding a wanted rank, which are then selected.
/// About three cheap passes, against several partitioning passes for
/// nested `select_nth_unstable` over the whole array.
#[cfg(test)]
fn order_stats(xs: &mut [f64], ranks: &[usize]) -> Vec<f64> {
    let (_, lo, hi) = scan(xs);
    order_stats_in(xs, ranks, lo, hi, 0.0).0
}

/// Σx (in order), min and max of a non-empty slice, in one pass.
#[cfg(test)]
fn scan(xs: &[f64]) -> (f64, f64, f64) {
    let mut sc = Scan::new();
    sc.add_slice(xs);
    (sc.sum, sc.lo, sc.hi)
}

/// The running Σx (in order), min and max behind [`summarize`], for a caller
/// that sees the values in pieces while they are still in cache
/// ([`summarize_scanned`]); the same sums as one pass.
#[derive(Clone, Copy, Debug)]
pub struct Scan {
    sum: f64,
    lo: f64,
    hi: f64,
}

impl Default for Scan {
    fn default() -> Self {
        Self::new()
    }
}

impl Scan {
    pub fn new() -> Self {
        Self {
            sum: 0.0,
            lo: f64::INFINITY,
            hi: f64::NEG_INFINITY,
        }
    }

    #[inline]
    pub fn add_slice(&mut self, xs: &[f64]) {
        let (mut sum, mut lo, mut hi) = (self.sum, self.lo, self.hi);
        for &x in xs {
            sum += x;
            if x < lo {
                lo = x;
            }
            if x > hi {
                hi = x;
            }
        }
        (self.sum, self.lo, self.hi) = (sum, lo, hi);
    }
}

/// [`order_stats`] given min `lo` and max `hi`; also returns Σ(x − mean)²
/// (summed in order), computed in the same pass.
fn order_stats_in(xs: &mut [f64], ranks: &[usize], lo: f64, hi: f64, mean: f64) -> (Vec<f64>, f64) {
    let sum_sq = |xs: &[f64]| xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>();
    if lo == hi {
        return (vec![lo; ranks.len()], sum_sq(xs));
    }
    let scale = SELECT_BUCKETS as f64 / (hi - lo);
    if !(scale.is_finite() && scale > 0.0) || ranks.len() >= u8::MAX as usize {
        // A range too wide (or NaN) to bucket: nested selections.
        let ss = sum_sq(xs);
        select_ranks(xs, 0, ranks);
        return (ranks.iter().map(|&r| xs[r]).collect(), ss);
    }
    // Monotone in x: (x − lo)·scale ∈ [0, 4096·(1 + ε)] rounded to the
    // nearest integer by adding 2⁵², read from the bits (cheaper than a
    // checked float → int conversion), capped at 4096: SELECT_BUCKETS + 1
    // buckets.
    const MAGIC: f64 = (1u64 << 52) as f64;
    let bucket = |x: f64| {
        let b = ((x - lo) * scale + MAGIC).to_bits() - MAGIC.to_bits();
        (b as usize).min(SELECT_BUCKETS)
    };
    // In chunks: first the buckets (and the squares, in order), then the
    // increments — fused, an increment's address waits on the conversion
    // and the next loads collide with pending stores (see `fill_histogram`).
    // Two count arrays for alternate values: neighbours that fall in the
    // same bucket then do not wait on each other's increment.
    let mut even = vec![0u32; SELECT_BUCKETS + 1];
    let mut odd = vec![0u32; SELECT_BUCKETS + 1];
    let mut ss = 0.0;
    let mut idx = [0u16; 256];
    for chunk in xs.chunks(256) {
        for (i, &x) in idx.iter_mut().zip(chunk) {
            *i = bucket(x) as u16;
            ss += (x - mean) * (x - mean);
        }
        let mut pairs = idx[..chunk.len()].chunks_exact(2);
        for p in &mut pairs {
            even[p[0] as usize] += 1;
            odd[p[1] as usize] += 1;
        }
        for &i in pairs.remainder() {
            even[i as usize] += 1;
        }
    }
    let counts: Vec<usize> = even
        .iter()
        .zip(&odd)
        .map(|(&a, &b)| a as usize + b as usize)
        .collect();
    // For each rank: its bucket and its rank inside the bucket.
    let mut slot = vec![u8::MAX; SELECT_BUCKETS + 1];
    let mut wanted: Vec<usize> = Vec::new();
    let mut where_: Vec<(usize, usize)> = Vec::with_capacity(ranks.len());
    let (mut b, mut before) = (0usize, 0usize);
    for &r in ranks {
        while before + counts[b] <= r {
            before += counts[b];
            b += 1;
        }
        if slot[b] == u8::MAX {
            slot[b] = wanted.len() as u8;
            wanted.push(b);
        }
        where_.push((slot[b] as usize, r - before));
    }
    let mut parts: Vec<Vec<f64>> = wanted
        .iter()
        .map(|&b| Vec::with_capacity(counts[b]))
        .collect();
    for &x in xs.iter() {
        let s = slot[bucket(x)];
        if s != u8::MAX {
            parts[s as usize].push(x);
        }
    }
    let values = where_
        .into_iter()
        .map(|(s, r)| *parts[s].select_nth_unstable_by(r, |a, b| a.total_cmp(b)).1)
        .collect();
    (values, ss)
}

/// Put the order statistics of the given ranks (relative to `offset`, sorted)
/// in place, by recursive bisection of the rank list.
fn select_ranks(xs: &mut [f64], offset: usize, ranks: &[usize]) {
    if ranks.is_empty() || xs.is_empty() {
        return;
    }
    let mid = ranks.len() / 2;
    let r = ranks[mid] - offset;
    xs.select_nth_unstable_by(r, |a, b| a.total_cmp(b));
    let (left, right) = xs.split_at_mut(r);
    select_ranks(left, offset, &ranks[..mid]);
    select_ranks(&mut right[1..], offset + r + 1, &ranks[mid + 1..]);
}

/// Mean and sample sd of `xs` (two-pass for accuracy): the reference the
/// tests check [`summarize`]'s moments against.
#[cfg(test)]
fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, 0.0);
    }
    let ss: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
    (mean, libm::sqrt(ss / (n - 1) as f64))
}

/// Levels a float summary needs, sorted: min, P0.5, P5, P10, P50, P90, P95, P99.5, max.
pub const LEVELS: [f64; 9] = [0.0, 0.005, 0.05, 0.10, 0.5, 0.9, 0.95, 0.995, 1.0];

/// Summary of `xs` (reordered in place) and its P0.5/P99.5 (for histogram
/// ranges). Its percentiles are inverse-CDF order statistics ([`rank`]): the
/// smallest value x with F_n(x) ≥ q, no interpolation.
pub fn summarize(xs: &mut [f64]) -> (Summary, f64, f64) {
    let mut sc = Scan::new();
    sc.add_slice(xs);
    summarize_scanned(xs, sc)
}

/// [`summarize`] given the [`Scan`] of exactly `xs`, in order.
pub fn summarize_scanned(xs: &mut [f64], sc: Scan) -> (Summary, f64, f64) {
    let n = xs.len();
    if n == 0 {
        return (Summary::default(), 0.0, 0.0);
    }
    // Two passes in all for the moments and the order statistics: Σx, min
    // and max (the scan); then the buckets and Σ(x − mean)² (the same sums,
    // in the same order, as `mean_sd`).
    let Scan { sum, lo, hi } = sc;
    let mean = sum / n as f64;
    let ranks = level_ranks(n, &LEVELS);
    let (values, ss) = order_stats_in(xs, &ranks, lo, hi, mean);
    let sd = if n < 2 {
        0.0
    } else {
        libm::sqrt(ss / (n - 1) as f64)
    };
    let at = |r: usize| values[ranks.binary_search(&r).expect("rank was asked for")];
    let q: Vec<f64> = LEVELS.iter().map(|&l| at(rank(n, l))).collect();
    let err = mc_error(n, sd, at);
    let n = n as f64;
    (
        Summary {
            mean,
            sd,
            se: sd / libm::sqrt(n),
            min: q[0],
            p5: q[2],
            p10: q[3],
            p50: q[4],
            p90: q[5],
            p95: q[6],
            max: q[8],
            err,
        },
        q[1],
        q[7],
    )
}

/// Bins of every histogram.
pub const BINS: usize = 40;

/// An empty histogram over [lo, hi] with [`BINS`] bins (a degenerate range
/// gets a width of 1 so that the value falls in the first bin).
pub fn histogram_frame(lo: f64, hi: f64) -> Histogram {
    let width = if hi > lo {
        (hi - lo) / BINS as f64
    } else {
        1.0
    };
    let lo = if hi > lo { lo } else { lo - 0.5 };
    Histogram {
        lo,
        width,
        counts: vec![0; BINS],
        below: 0,
        above: 0,
    }
}

/// Count `xs` into `h`.
///
/// In chunks: first each value's bin (`nb` for below, `nb + 1` for above)
/// into a small buffer, then the increments. Fused into one loop, an
/// increment's address waits on the float conversion and the next values'
/// counter loads collide with pending stores; split, this runs ~2.5× faster.
pub fn fill_histogram(h: &mut Histogram, xs: &[f64]) {
    let nb = h.counts.len();
    if nb + 2 > u16::MAX as usize {
        return fill_histogram_one_by_one(h, xs);
    }
    let inv = 1.0 / h.width;
    let (lo, width, nbf) = (h.lo, h.width, nb as f64);
    let (below, above) = (nb as u16, nb as u16 + 1);
    let bin = |x: f64| -> u16 {
        let t = (x - lo) * inv;
        if t >= 0.0 && t < nbf {
            // The common case: inside (the same bin as the branches below).
            t as i32 as u16
        } else if t < 0.0 {
            below
        } else {
            let j = t as usize;
            if j < nb {
                j as u16
            } else if j == nb && x <= lo + width * nb as f64 {
                // The top edge belongs to the last bin.
                (nb - 1) as u16
            } else {
                above
            }
        }
    };
    let mut counts = vec![0u32; nb + 2];
    let mut idx = [0u16; 256];
    for chunk in xs.chunks(256) {
        for (i, &x) in idx.iter_mut().zip(chunk) {
            *i = bin(x);
        }
        for &i in &idx[..chunk.len()] {
            counts[i as usize] += 1;
        }
    }
    for (c, &n) in h.counts.iter_mut().zip(&counts) {
        *c += n;
    }
    h.below += counts[nb];
    h.above += counts[nb + 1];
}

/// [`fill_histogram`] a value at a time (bins beyond the u16 range).
fn fill_histogram_one_by_one(h: &mut Histogram, xs: &[f64]) {
    let inv = 1.0 / h.width;
    let nb = h.counts.len();
    for &x in xs {
        let t = (x - h.lo) * inv;
        if t >= 0.0 && t < nb as f64 {
            // The common case: inside (the same bin as the branches below).
            h.counts[t as i32 as usize] += 1;
        } else if t < 0.0 {
            h.below += 1;
        } else {
            let j = t as usize;
            if j < nb {
                h.counts[j] += 1;
            } else if j == nb && x <= h.lo + h.width * nb as f64 {
                // The top edge belongs to the last bin.
                h.counts[nb - 1] += 1;
            } else {
                h.above += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_the_inverse_empirical_cdf() {
        // numpy.quantile([1,2,3,4,10], [0, .1, .5, .9, 1],
        // method="inverted_cdf") = [1, 1, 3, 10, 10]; F(2) = 0.4 ≥ 0.4.
        let mut xs = vec![10.0, 3.0, 1.0, 4.0, 2.0];
        let q = quantiles(&mut xs, &[0.0, 0.1, 0.4, 0.5, 0.9, 1.0]);
        let want = [1.0, 1.0, 2.0, 3.0, 10.0, 10.0];
        for (a, b) in q.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{q:?}");
        }
    }

    #[test]
    fn bucketed_order_statistics_equal_a_full_sort() {
        // Skewed, tied, negative and outlying values: every rank exact.
        let mut state = 12345u64;
        let mut xs: Vec<f64> = (0..20_000)
            .map(|i| {
                let r = crate::rng::splitmix64(&mut state);
                let u = (r >> 11) as f64 / (1u64 << 53) as f64;
                match i % 5 {
                    0 => 7.0,
                    1 => -1e3 * u,
                    2 => 1e9 * u * u * u * u,
                    _ => u,
                }
            })
            .collect();
        xs.push(1e300);
        // n = 20,002: with n − 1 = 20,000 every level times n − 1 would be a
        // whole rank, where linear interpolation and the inverse CDF agree.
        xs.push(0.25);
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let ranks: Vec<usize> = vec![0, 1, 99, 100, 1000, 4000, 4001, 10_000, 19_999, 20_001];
        assert_eq!(
            order_stats(&mut xs.clone(), &ranks),
            ranks.iter().map(|&r| sorted[r]).collect::<Vec<_>>()
        );
        // The rule (`rank`): the q-quantile is the smallest sample value x
        // with F_n(x) ≥ q, i.e. at least ⌈nq⌉ values are ≤ x and fewer than
        // that are < x. Checked by counting, not through `rank`.
        let n = sorted.len() as f64;
        let levels = LEVELS;
        let q = quantiles(&mut xs, &levels);
        assert_eq!(
            (levels[0], q[0]),
            (0.0, sorted[0]),
            "level 0 is the minimum"
        );
        let mut interpolation_differs = false;
        for (&l, &v) in levels.iter().zip(&q) {
            let at_most = sorted.iter().filter(|&&x| x <= v).count() as f64;
            let below = sorted.iter().filter(|&&x| x < v).count() as f64;
            assert!(at_most >= l * n, "level {l}: F({v}) < {l}");
            assert!(
                l == 0.0 || below < l * n,
                "level {l}: a smaller value has F ≥ {l}"
            );
            // Linear interpolation (numpy's default) gives other values here.
            let h = (n - 1.0) * l;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(sorted.len() - 1);
            let linear = sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]);
            interpolation_differs |= linear != v;
        }
        assert!(
            interpolation_differs,
            "at this n the two rules must differ, or the test cannot tell them apart"
        );
    }

    #[test]
    fn count_hist_exact_quantiles() {
        let vals: Vec<u64> = (0..1000u64).map(|i| (i * 7919) % 1013 + 100_000).collect();
        let mut h = CountHist::new();
        for &v in &vals {
            h.add(v);
        }
        let mut f: Vec<f64> = vals.iter().map(|&v| v as f64).collect();
        let q = quantiles(&mut f, &[0.05, 0.5, 0.95]);
        assert_eq!(h.quantile(0.05), q[0]);
        assert_eq!(h.quantile(0.5), q[1]);
        assert_eq!(h.quantile(0.95), q[2]);
        let (m, sd) = mean_sd(&f);
        assert!((h.mean() - m).abs() < 1e-9);
        assert!((h.sd() - sd).abs() < 1e-9);
    }

    #[test]
    fn count_hist_add_slice_is_add_in_order() {
        // Blocks inside the bins, blocks that grow them, wide ones that
        // coarsen them: the same histogram as one value at a time.
        let mut state = 7u64;
        let mut one = CountHist::new();
        let mut blocks = CountHist::new();
        for b in 0..300u64 {
            let spread = [40, 300, 5_000, 400_000][(b % 4) as usize];
            let centre = 1_000_000 + b * 997;
            let vs: Vec<u64> = (0..(b % 7) * 40)
                .map(|_| centre + crate::rng::splitmix64(&mut state) % spread)
                .collect();
            for &v in &vs {
                one.add(v);
            }
            blocks.add_slice(&vs);
        }
        assert_eq!(
            (
                one.base,
                one.shift,
                &one.counts,
                one.n,
                one.sum,
                one.min,
                one.max
            ),
            (
                blocks.base,
                blocks.shift,
                &blocks.counts,
                blocks.n,
                blocks.sum,
                blocks.min,
                blocks.max
            )
        );
        assert!(one.shift > 0, "the test reaches coarse bins");
    }

    /// Histograms of the parts of a sequence, merged in any order, give the
    /// summary of the whole, fine or coarse (the bin width depends only on
    /// the smallest and largest value).
    #[test]
    fn count_hist_merge_equals_the_whole() {
        let mut state = 11u64;
        for spread in [50u64, 5_000, 40_000_000] {
            let vs: Vec<u64> = (0..20_000)
                .map(|i| 1_000 + i % 13 + crate::rng::splitmix64(&mut state) % spread)
                .collect();
            let mut whole = CountHist::new();
            whole.add_slice(&vs);
            for parts in [1usize, 2, 3, 7] {
                let size = vs.len().div_ceil(parts);
                let mut hs: Vec<CountHist> = vs
                    .chunks(size)
                    .map(|c| {
                        let mut h = CountHist::new();
                        for &v in c {
                            h.add(v);
                        }
                        h
                    })
                    .collect();
                hs.reverse();
                let mut merged = CountHist::new();
                for h in &hs {
                    merged.merge(h);
                }
                assert_eq!(merged.summary(), whole.summary(), "{spread} {parts}");
                assert_eq!(merged.shift, whole.shift);
            }
            assert_eq!(whole.shift > 0, spread > 1 << 16);
        }
    }

    #[test]
    fn chunked_histogram_equals_one_by_one() {
        // Inside, below, above, on the top edge, just past it, NaN; several
        // chunks and a partial one.
        let mut state = 3u64;
        let mut xs: Vec<f64> = (0..5_000)
            .map(|_| (crate::rng::splitmix64(&mut state) >> 11) as f64 / (1u64 << 53) as f64)
            .map(|u| -0.2 + 1.4 * u)
            .collect();
        xs.extend([
            0.0,
            1.0,
            1.0 + 1e-16,
            1.0 + 2e-16,
            -1e-300,
            f64::NAN,
            40.0,
            1e9,
        ]);
        for (lo, hi) in [(0.0, 1.0), (0.25, 0.75), (0.5, 0.5)] {
            let mut a = histogram_frame(lo, hi);
            let mut b = histogram_frame(lo, hi);
            fill_histogram(&mut a, &xs);
            fill_histogram_one_by_one(&mut b, &xs);
            assert_eq!((&a.counts, a.below, a.above), (&b.counts, b.below, b.above));
            assert!(a.below > 0 && a.above > 0, "the test reaches both sides");
        }
    }

    #[test]
    fn count_hist_coarsens_when_wide() {
        let mut h = CountHist::new();
        for i in 0..10_000u64 {
            h.add(i * 1_000_000);
        }
        assert!(h.counts.len() <= MAX_COUNT_BINS);
        let q = h.quantile(0.5);
        let exact = 4999.5 * 1e6;
        assert!((q - exact).abs() / exact < 1e-3, "{q}");
    }
}
