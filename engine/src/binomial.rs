//! Binomial counts: an exact sampler for arbitrary (n, p) (inversion for
//! small n·p, Hörmann's transformed rejection BTRD otherwise, written here
//! from the 1993 paper with `libm` maths), and an inversion table for the fast path
//! whose draws are monotone in the uniform (common random numbers).

use crate::rng::{Uniforms, Xoshiro256PlusPlus};

/// A Binomial(n, p) draw, n < 2⁶³ (the engine's counts are at most 10¹⁵).
/// p outside [0, 1] is clamped (callers pass valid p).
pub fn binomial(n: u64, p: f64, rng: &mut Xoshiro256PlusPlus) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    let flipped = p > 0.5;
    let p = if flipped { 1.0 - p } else { p };
    let np = cf(n) * p;
    let x = if np < 10.0 {
        small_mean(n, p, rng)
    } else {
        btrd(n, p, rng)
    };
    if flipped {
        n - x
    } else {
        x
    }
}

/// Binomial(n, p) for p ≤ ½ and n·p < 10 by sequential search of the CDF
/// from 0: P(0) = (1 − p)^n (via log1p, accurate for tiny p; ≥ e^−14
/// here, no underflow), then P(x) = P(x − 1)·(n − x + 1)/x·p/(1 − p).
/// About n·p + 1 steps. Should rounding leave the summed CDF below u after
/// every term that still matters, the uniform is drawn again (a rejection
/// of that ~1e-16 of mass), so the draw is the law renormalised.
fn small_mean(n: u64, p: f64, rng: &mut Xoshiro256PlusPlus) -> u64 {
    let odds = p / (1.0 - p);
    let p0 = libm::exp(cf(n) * libm::log1p(-p));
    loop {
        let u = rng.uniform();
        let (mut x, mut px, mut cdf) = (0u64, p0, p0);
        while cdf <= u && x < n && px > 0.0 {
            x += 1;
            px *= cf(n - x + 1) / cf(x) * odds;
            cdf += px;
        }
        if cdf > u {
            return x;
        }
    }
}

/// ln k! − [(k + ½)·ln(k + 1) − (k + 1) + ½·ln 2π]: the error of Stirling's
/// formula for ln k!, from `lgamma` below k = 30 and its asymptotic series
/// to the k⁻⁷ term beyond (the next term is below 1e-16 there; the hypergeometric's ln-factorial
/// differences rely on that accuracy).
pub(crate) fn stirling_error(k: u64) -> f64 {
    let k1 = (k + 1) as f64;
    if k < 30 {
        const HALF_LN_2PI: f64 = 0.918_938_533_204_672_8;
        libm::lgamma(k1) - (k as f64 + 0.5) * libm::log(k1) + k1 - HALF_LN_2PI
    } else {
        let r2 = 1.0 / (k1 * k1);
        (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - r2 / 1680.0) * r2) * r2) / k1
    }
}

/// Binomial(n, p) for p ≤ ½ and n·p ≥ 10 by transformed rejection with
/// decomposition (Hörmann 1993, "BTRD"): a uniform U is mapped through a
/// hat that fits the pmf's shape; most draws are accepted at once (the
/// central box), the others by comparing a uniform with the exact pmf ratio
/// f(k)/f(m) — by multiplication near the mode m, else via Stirling's series
/// after a squeeze. Exact (up to floating point).
fn btrd(n: u64, p: f64, rng: &mut Xoshiro256PlusPlus) -> u64 {
    let v = rng.uniform();
    btrd_from(n, p, v, rng)
}

/// The constants of BTRD's central box for (n, p), p ≤ ½, n·p ≥ 10: the
/// only part of the setup a draw accepted there needs (no square root is
/// shared with the rest, which recomputes its own).
#[derive(Clone, Copy)]
struct BoxConsts {
    a: f64,
    b: f64,
    c: f64,
    v_r: f64,
    u_rv_r: f64,
}

impl BoxConsts {
    #[inline(always)]
    fn new(n: u64, p: f64) -> Self {
        let nf = cf(n);
        let spq = (nf * p * (1.0 - p)).sqrt();
        let b = 1.15 + 2.53 * spq;
        let a = -0.0873 + 0.0248 * b + 0.01 * p;
        let c = nf * p + 0.5;
        let v_r = 0.92 - 4.2 / b;
        Self {
            a,
            b,
            c,
            v_r,
            u_rv_r: 0.86 * v_r,
        }
    }

    /// The box's value for a first uniform v ≤ `u_rv_r` (for a larger v a
    /// meaningless number: the caller discards it).
    #[inline(always)]
    fn value(&self, v: f64) -> f64 {
        let u = v / self.v_r - 0.43;
        floor((2.0 * self.a / (0.5 - u.abs()) + self.b) * u + self.c)
    }
}

/// A count as `f64` through `i64`: one instruction where `u64`'s conversion
/// takes several, and the same value for every n < 2⁶³ (the engine's counts
/// are at most 10¹⁵).
#[inline(always)]
fn cf(n: u64) -> f64 {
    debug_assert!(n < 1 << 63);
    (n as i64) as f64
}

/// A whole number x as a count, through `i64` (see [`cf`]): the same as
/// `x as u64` for x < 2⁶³ (below 0 and NaN give 0).
#[inline(always)]
fn cu(x: f64) -> u64 {
    (x.max(0.0) as i64) as u64
}

/// ⌊x⌋ for −1 ≤ x < 2⁶³ (a count's range), inlined: through the exact
/// conversion to `i64` (truncation), one less where that rounded up. The
/// same value as `libm::floor` there; outside (only a discarded value or a
/// rejected proposal can be) some number outside [0, n] or below −1.
#[inline(always)]
fn floor(x: f64) -> f64 {
    let t = (x as i64) as f64;
    if t > x {
        t - 1.0
    } else {
        t
    }
}

/// BTRD from its first uniform `v` (drawn by the caller): the same draw as
/// [`btrd`] whose first call to the generator gave `v`.
fn btrd_from(n: u64, p: f64, first: f64, rng: &mut Xoshiro256PlusPlus) -> u64 {
    let q = 1.0 - p;
    let nf = cf(n);
    let m = cu((nf + 1.0) * p);
    let r = p / q;
    let npq = nf * p * q;
    let spq = npq.sqrt();
    // The box's constants as `binomial_pass` computes them, so its test
    // there and here agree to the bit.
    let bx = BoxConsts::new(n, p);
    let BoxConsts {
        a,
        b,
        c,
        v_r,
        u_rv_r,
    } = bx;
    let alpha = (2.83 + 5.1 / b) * spq;
    let nm = cf(n - m + 1);
    let mf = cf(m);
    // The constant part of the final test, computed when first needed.
    let mut h = f64::NAN;
    let mut next = Some(first);
    loop {
        let mut v = match next.take() {
            Some(v) => v,
            None => rng.uniform(),
        };
        if v <= u_rv_r {
            // The central box: accepted without a test.
            return cu(bx.value(v));
        }
        let u = if v >= v_r {
            rng.uniform() - 0.5
        } else {
            let u = v / v_r - 0.93;
            v = rng.uniform() * v_r;
            0.5f64.copysign(u) - u
        };
        let us = 0.5 - u.abs();
        let kf = floor(((2.0 * a / us + b) * u + c).max(-1.0));
        if !(kf >= 0.0 && kf <= nf) {
            continue;
        }
        let k = cu(kf);
        v = v * alpha / (a / (us * us) + b);
        let km = k.abs_diff(m);
        if km <= 15 {
            // f(k)/f(m) by the ratio f(i)/f(i−1) = (n + 1 − i)·r / i, its
            // numerators and denominators multiplied apart (one comparison
            // of products instead of a division per step; at most 15
            // factors ≤ 10^15 each, far from overflow).
            let (mut num, mut den) = (1.0, 1.0);
            let (lo, hi) = if m < k { (m, k) } else { (k, m) };
            if n < 1 << 53 {
                // i and n + 1 − i as floats stepped by 1 (exact below 2⁵³:
                // the engine's counts are at most 10¹⁵), the same factors
                // as converting each; a half-open range (an inclusive one
                // costs a flag per step).
                let (mut fi, mut fni) = (cf(lo), cf(n - lo) + 1.0);
                for _ in lo..hi {
                    fi += 1.0;
                    fni -= 1.0;
                    num *= fni * r;
                    den *= fi;
                }
            } else {
                for i in lo + 1..=hi {
                    num *= cf(n + 1 - i) * r;
                    den *= cf(i);
                }
            }
            // m < k: accept v ≤ f(k)/f(m); m ≥ k: v·f(m)/f(k) ≤ 1.
            let accept = if m < k {
                v * den <= num
            } else {
                v * num <= den
            };
            if accept {
                return k;
            }
            continue;
        }
        // Squeeze on ln v around the normal approximation of ln f(k)/f(m).
        let v = libm::log(v);
        let kmf = cf(km);
        let rho = (kmf / npq) * (((kmf / 3.0 + 0.625) * kmf + 1.0 / 6.0) / npq + 0.5);
        let t = -kmf * kmf / (2.0 * npq);
        if v < t - rho {
            return k;
        }
        if v > t + rho {
            continue;
        }
        if h.is_nan() {
            h = (mf + 0.5) * libm::log((mf + 1.0) / (r * nm))
                + stirling_error(m)
                + stirling_error(n - m);
        }
        let nk = cf(n - k + 1);
        let bound =
            h + (nf + 1.0) * libm::log(nm / nk) + (kf + 0.5) * libm::log(nk * r / (kf + 1.0))
                - stirling_error(k)
                - stirling_error(n - k);
        if v <= bound {
            return k;
        }
    }
}

/// Trials a [`binomial_block`] call handles in one pass (its scratch lives
/// on the stack).
const PASS: usize = 256;

/// Independent draws `out[j]` ~ Binomial(`n[j]`, `p[j]`) for a block of
/// trials (n < 2⁶³), each exactly the law of [`binomial`] (p outside [0, 1]
/// clamped),
/// but the uniforms taken in another order: per pass of up to 256 draws,
/// first one uniform for every draw in BTRD's regime (n·p ≥ 10 after
/// p ↦ min(p, 1 − p)) — the central box's test and value, computed for all
/// of them with no branch on the outcome, so the processor overlaps the
/// square roots and divisions of independent draws — then, in order, BTRD's
/// remaining steps for the draws that left the box (about a quarter at
/// n·p near 10², a fifth beyond), then the inversions for small n·p. Every
/// draw uses its own uniforms, each once, so the draws are independent and
/// each has BTRD's (or inversion's) exact law; the order only decides which
/// uniforms go where, and it is fixed, so a seed gives the same numbers
/// everywhere.
pub fn binomial_block(n: &[u64], p: &[f64], out: &mut [u64], rng: &mut Xoshiro256PlusPlus) {
    assert!(n.len() == p.len() && n.len() == out.len());
    for ((n, p), out) in n.chunks(PASS).zip(p.chunks(PASS)).zip(out.chunks_mut(PASS)) {
        binomial_pass(n, p, out, rng);
    }
}

/// One pass of [`binomial_block`] (≤ [`PASS`] draws).
fn binomial_pass(n: &[u64], p: &[f64], out: &mut [u64], rng: &mut Xoshiro256PlusPlus) {
    let len = n.len();
    // Draws that left BTRD's box (index, first uniform), then those for
    // inversion; `flip[j]`: drawn with 1 − p (its count is n − x).
    let mut left = [0u16; PASS];
    let mut left_v = [0.0f64; PASS];
    let mut small = [0u16; PASS];
    let mut flip = [false; PASS];
    let (mut nl, mut ns) = (0usize, 0usize);
    let mut r = rng.clone();
    for j in 0..len {
        let (nj, pj) = (n[j], p[j]);
        if nj == 0 || pj <= 0.0 {
            out[j] = 0;
            continue;
        }
        if pj >= 1.0 {
            out[j] = nj;
            continue;
        }
        let f = pj > 0.5;
        let pp = if f { 1.0 - pj } else { pj };
        flip[j] = f;
        if cf(nj) * pp < 10.0 {
            small[ns] = j as u16;
            ns += 1;
            continue;
        }
        let bx = BoxConsts::new(nj, pp);
        let v = r.uniform();
        let x = cu(bx.value(v));
        out[j] = if f { nj.wrapping_sub(x) } else { x };
        // Record the draw as left whatever the outcome, and count it only
        // if it left the box (no branch on a coin flip).
        left[nl] = j as u16;
        left_v[nl] = v;
        nl += (v > bx.u_rv_r) as usize;
    }
    for i in 0..nl {
        let j = left[i] as usize;
        let pp = if flip[j] { 1.0 - p[j] } else { p[j] };
        let x = btrd_from(n[j], pp, left_v[i], &mut r);
        out[j] = if flip[j] { n[j] - x } else { x };
    }
    for &j in &small[..ns] {
        let j = j as usize;
        let pp = if flip[j] { 1.0 - p[j] } else { p[j] };
        let x = small_mean(n[j], pp, &mut r);
        out[j] = if flip[j] { n[j] - x } else { x };
    }
    *rng = r;
}

/// Largest table the fast path builds (entries); beyond it the segment falls
/// back on the general path.
pub const MAX_TABLE: usize = 1 << 17;

/// An inversion table of Binomial(n, p): `quantile(u)` is the exact quantile
/// function (tails below ~1e-17 dropped), monotone in `u` and, for a fixed
/// `u`, monotone in n and p — the basis of the common-random-number coupling.
#[derive(Clone, Debug)]
pub struct BinomialTable {
    lo: u64,
    cdf: Vec<f64>,
    /// `guide[k]`: the first j with F(lo + j) > k/G, G = `guide.len()`, a
    /// power of two.
    guide: Vec<u32>,
    /// 53 − log2 G.
    shift: u32,
}

impl BinomialTable {
    /// `None` when the table would exceed [`MAX_TABLE`] entries.
    pub fn new(n: u64, p: f64) -> Option<Self> {
        if n == 0 || p <= 0.0 {
            return Some(Self::constant(0));
        }
        if p >= 1.0 {
            return Some(Self::constant(n));
        }
        let sd = (n as f64 * p * (1.0 - p)).sqrt();
        if 2.0 * 9.5 * sd + 60.0 > MAX_TABLE as f64 {
            return None;
        }
        // pmf relative to the mode, by the ratio recurrence outwards; the
        // common factor cancels when normalising.
        let mode = (((n as f64 + 1.0) * p) as u64).min(n);
        let ratio_up = |x: u64| (n - x) as f64 / (x + 1) as f64 * p / (1.0 - p);
        let mut up = Vec::new();
        let mut f = 1.0;
        let mut x = mode;
        let mut sum = 1.0;
        while x < n {
            f *= ratio_up(x);
            x += 1;
            up.push(f);
            sum += f;
            if f < 1e-17 * sum {
                break;
            }
        }
        let mut down = Vec::new();
        f = 1.0;
        x = mode;
        while x > 0 {
            f /= ratio_up(x - 1);
            x -= 1;
            down.push(f);
            sum += f;
            if f < 1e-17 * sum {
                break;
            }
        }
        let lo = mode - down.len() as u64;
        let mut pmf: Vec<f64> = down.into_iter().rev().collect();
        pmf.push(1.0);
        pmf.extend(up);
        let total: f64 = pmf.iter().sum();
        let mut cdf = Vec::with_capacity(pmf.len());
        let mut acc = 0.0;
        for v in pmf {
            acc += v / total;
            cdf.push(acc);
        }
        *cdf.last_mut().expect("non-empty") = f64::INFINITY;
        Some(Self::with_cdf(lo, cdf))
    }

    fn constant(v: u64) -> Self {
        Self::with_cdf(v, vec![f64::INFINITY])
    }

    fn with_cdf(lo: u64, cdf: Vec<f64>) -> Self {
        // A power of two ≥ 2 entries per value: the search then takes ≤ 0.5
        // steps on average, and the entry for a 53-bit uniform is its top bits.
        let g = (2 * cdf.len()).next_power_of_two();
        let mut guide = Vec::with_capacity(g);
        let mut j = 0usize;
        for k in 0..g {
            let t = k as f64 / g as f64;
            while cdf[j] <= t {
                j += 1;
            }
            guide.push(j as u32);
        }
        Self {
            lo,
            cdf,
            guide,
            shift: 53 - g.trailing_zeros(),
        }
    }

    /// The smallest x with F(x) > u, for u in [0, 1).
    #[inline(always)]
    pub fn quantile(&self, u: f64) -> u64 {
        let g = self.guide.len();
        let k = ((u * g as f64) as usize).min(g - 1);
        self.lo + self.walk(self.guide[k] as usize, u) as u64
    }

    /// [`BinomialTable::quantile`] at u = m·2⁻⁵³ (m < 2⁵³, the bits of
    /// `Uniforms::bits53`), as an index into the table: the value is
    /// `support().0 + index`. The guide entry is m's top bits (exact: k/G ≤ u).
    #[inline(always)]
    pub fn index_bits(&self, m: u64) -> usize {
        let j = self.guide[(m >> self.shift) as usize] as usize;
        self.walk(j, crate::rng::to_unit(m))
    }

    /// The value of [`BinomialTable::index_bits`].
    #[inline(always)]
    pub fn quantile_bits(&self, m: u64) -> u64 {
        self.lo + self.index_bits(m) as u64
    }

    /// From a guide entry j (F(lo + j − 1) ≤ u) to the smallest j with F > u.
    #[inline(always)]
    fn walk(&self, mut j: usize, u: f64) -> usize {
        // The answer is almost always within one step of the guide: take
        // it without a branch (the last entry is ∞, so j stays in the
        // table), then finish the rare longer walks.
        j += (self.cdf[j] <= u) as usize;
        while self.cdf[j] <= u {
            j += 1;
        }
        j
    }

    /// F(x) as stored (0 below the table, ∞ — i.e. 1 — from its last entry on).
    #[inline]
    fn cdf_at(&self, x: u64) -> f64 {
        if x < self.lo {
            0.0
        } else {
            let j = (x - self.lo) as usize;
            self.cdf.get(j).copied().unwrap_or(f64::INFINITY)
        }
    }

    /// This table with F(x) raised to at least `other`'s F(x) everywhere, so
    /// that `self.quantile(u) ≤ other.quantile(u)` for every u (in fact the
    /// quantile becomes min of the two). A later stage of a funnel is
    /// stochastically smaller than the one before, so this only repairs
    /// rounding (≈ 1e-16) and keeps the stages in order at every u.
    pub fn at_most(self, other: &BinomialTable) -> Self {
        let mut cdf = self.cdf;
        for (j, c) in cdf.iter_mut().enumerate() {
            *c = c.max(other.cdf_at(self.lo + j as u64));
        }
        if let Some(end) = cdf.iter().position(|c| *c == f64::INFINITY) {
            cdf.truncate(end + 1);
        }
        Self::with_cdf(self.lo, cdf)
    }

    /// The law the table inverts: (first value, probabilities) — its
    /// probabilities sum to 1.
    pub fn pmf(&self) -> (u64, Vec<f64>) {
        let mut prev = 0.0;
        let pmf = self
            .cdf
            .iter()
            .map(|&c| {
                let c = c.min(1.0);
                let p = (c - prev).max(0.0);
                prev = c;
                p
            })
            .collect();
        (self.lo, pmf)
    }

    /// The table's parts (first value, CDF, guide, guide shift), for a
    /// caller that keeps many small tables side by side in one arena.
    pub(crate) fn parts(&self) -> (u64, &[f64], &[u32], u32) {
        (self.lo, &self.cdf, &self.guide, self.shift)
    }

    /// The smallest and largest value the table returns.
    pub fn support(&self) -> (u64, u64) {
        (self.lo, self.lo + self.cdf.len() as u64 - 1)
    }

    /// Entries in the table.
    pub fn len(&self) -> usize {
        self.cdf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cdf.is_empty()
    }
}
