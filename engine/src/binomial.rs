//! Binomial counts: an exact sampler for arbitrary (n, p) (BINV inversion for
//! small n·p, BTPE otherwise — Kachitvichyanukul & Schmeiser 1988, ported from
//! rand_distr 0.6 with `libm` maths), and an inversion table for the fast path
//! whose draws are monotone in the uniform (common random numbers).

use crate::rng::Xoshiro256pp;
use core::cmp::Ordering;

/// A Binomial(n, p) draw. p outside [0, 1] is clamped (callers pass valid p).
pub fn binomial(n: u64, p: f64, rng: &mut Xoshiro256pp) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    let flipped = p > 0.5;
    let p = if flipped { 1.0 - p } else { p };
    let np = n as f64 * p;
    let x = if np < 10.0 {
        binv(n, p, rng)
    } else {
        btpe(n, p, rng)
    };
    if flipped {
        n - x
    } else {
        x
    }
}

/// ln(1 − p) for p ∈ [0, 0.5], accurate also for tiny p (series below 1e-3).
#[inline]
fn ln_1m(p: f64) -> f64 {
    if p < 1e-3 {
        -(p + p * p * (0.5 + p * (1.0 / 3.0 + p * (0.25 + p * 0.2))))
    } else {
        crate::fmath::ln(1.0 - p)
    }
}

fn binv(n: u64, p: f64, rng: &mut Xoshiro256pp) -> u64 {
    let q = 1.0 - p;
    let s = p / q;
    let a = (n as f64 + 1.0) * s;
    // q^n via exp(n·log1p(−p)) keeps precision for tiny p.
    let r0 = crate::fmath::exp(n as f64 * ln_1m(p));
    // n·p < 10 so a result above 110 is ~30 sd away: restart (as GSL does).
    const MAX_X: u64 = 110;
    'outer: loop {
        let mut r = r0;
        let mut u = rng.uniform();
        let mut x = 0u64;
        while u > r {
            u -= r;
            x += 1;
            if x > MAX_X || x > n {
                continue 'outer;
            }
            r *= a / (x as f64) - s;
        }
        return x;
    }
}

#[allow(clippy::many_single_char_names)]
fn btpe(n: u64, p: f64, rng: &mut Xoshiro256pp) -> u64 {
    const SQUEEZE_THRESHOLD: u64 = 20;
    let np = n as f64 * p;
    let q = 1.0 - p;
    let npq = np * q;
    let f_m = np + p;
    let m = f_m as u64;
    let p1 = (2.195 * npq.sqrt() - 4.6 * q).floor() + 0.5;
    let x_m = m as f64 + 0.5;
    let x_l = x_m - p1;
    let x_r = x_m + p1;
    let c = 0.134 + 20.5 / (15.3 + m as f64);
    let p2 = p1 * (1.0 + 2.0 * c);
    fn lambda(a: f64) -> f64 {
        a * (1.0 + 0.5 * a)
    }
    let lambda_l = lambda((f_m - x_l) / (f_m - x_l * p));
    let lambda_r = lambda((x_r - f_m) / (x_r * q));
    let p3 = p2 + c / lambda_l;
    let p4 = p3 + c / lambda_r;
    let mut y: u64;
    loop {
        let u = rng.uniform() * p4;
        let mut v = rng.uniform();
        if u <= p1 {
            y = (x_m - p1 * v + u) as u64;
            break;
        }
        if u <= p2 {
            let x = x_l + (u - p1) / c;
            v = v * c + 1.0 - (x - x_m).abs() / p1;
            if v > 1.0 || x < 0.0 {
                continue;
            }
            y = x as u64;
        } else if u <= p3 {
            let y_tmp = x_l + crate::fmath::ln(v) / lambda_l;
            if y_tmp < 0.0 {
                continue;
            }
            y = y_tmp as u64;
            v *= (u - p2) * lambda_l;
        } else {
            let y_tmp = x_r - crate::fmath::ln(v) / lambda_r;
            if y_tmp.is_nan() || y_tmp > n as f64 {
                continue;
            }
            y = y_tmp as u64;
            if y > n {
                continue;
            }
            v *= (u - p3) * lambda_r;
        }
        let k = y.abs_diff(m);
        if !(k > SQUEEZE_THRESHOLD && (k as f64) < 0.5 * npq - 1.0) {
            let s = p / q;
            let a = s * (n as f64 + 1.0);
            let mut f = 1.0;
            match m.cmp(&y) {
                Ordering::Less => {
                    let mut i = m;
                    loop {
                        i += 1;
                        f *= a / (i as f64) - s;
                        if i == y {
                            break;
                        }
                    }
                }
                Ordering::Greater => {
                    let mut i = y;
                    loop {
                        i += 1;
                        f /= a / (i as f64) - s;
                        if i == m {
                            break;
                        }
                    }
                }
                Ordering::Equal => {}
            }
            if v > f {
                continue;
            }
            break;
        }
        let kf = k as f64;
        let rho = (kf / npq) * ((kf * (kf / 3.0 + 0.625) + 1.0 / 6.0) / npq + 0.5);
        let t = -0.5 * kf * kf / npq;
        let alpha = crate::fmath::ln(v);
        if alpha < t - rho {
            break;
        }
        if alpha > t + rho {
            continue;
        }
        let x1 = (y + 1) as f64;
        let f1 = (m + 1) as f64;
        let z = ((n - m) + 1) as f64;
        let w = ((n - y) + 1) as f64;
        fn stirling(a: f64) -> f64 {
            let a2 = a * a;
            (13860. - (462. - (132. - (99. - 140. / a2) / a2) / a2) / a2) / a / 166320.
        }
        let y_sub_m = if y > m {
            (y - m) as f64
        } else {
            -((m - y) as f64)
        };
        if alpha
            > x_m * crate::fmath::ln(f1 / x1)
                + ((n - m) as f64 + 0.5) * crate::fmath::ln(z / w)
                + y_sub_m * crate::fmath::ln(w * p / (x1 * q))
                + stirling(f1)
                + stirling(z)
                - stirling(x1)
                - stirling(w)
        {
            continue;
        }
        break;
    }
    y
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
    guide: Vec<u32>,
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
        // Four guide entries per value: the search then takes ~0.25 steps.
        let g = 4 * cdf.len();
        let mut guide = Vec::with_capacity(g);
        let mut j = 0usize;
        for k in 0..g {
            let t = k as f64 / g as f64;
            while cdf[j] <= t {
                j += 1;
            }
            guide.push(j as u32);
        }
        Self { lo, cdf, guide }
    }

    /// The smallest x with F(x) > u, for u in [0, 1).
    #[inline(always)]
    pub fn quantile(&self, u: f64) -> u64 {
        let g = self.guide.len();
        let mut j = self.guide[((u * g as f64) as usize).min(g - 1)] as usize;
        while self.cdf[j] <= u {
            j += 1;
        }
        self.lo + j as u64
    }

    /// Entries in the table.
    pub fn len(&self) -> usize {
        self.cdf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cdf.is_empty()
    }
}
