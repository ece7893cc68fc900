//! Hypergeometric counts, for the "same people" coupling: which of the
//! baseline's converters are among the people a scenario shares with it.

use crate::binomial::stirling_error;
use crate::rng::{Uniforms, Xoshiro256PlusPlus};

/// ln(x!) − ln(y!) without the cancellation of two large `lgamma` values:
/// by Stirling's formula with its error term, (y + ½)·ln1p(d/(y + 1)) +
/// d·ln(x + 1) − d + ε(x) − ε(y), d = x − y, accurate to about 1e-13
/// absolute at any size (a difference of `lgamma`s near 10^10 loses 1e-5).
pub(crate) fn ln_fact_ratio(x: u64, y: u64) -> f64 {
    if x == y {
        return 0.0;
    }
    let d = x as f64 - y as f64;
    (y as f64 + 0.5) * libm::log1p(d / (y as f64 + 1.0)) + d * libm::log((x + 1) as f64) - d
        + stirling_error(x)
        - stirling_error(y)
}

/// Variance from which the ratio-of-uniforms method takes over from
/// inversion (whose cost grows with the standard deviation).
const HRUA_VARIANCE: f64 = 50.0;

/// Number of successes in `draws` draws without replacement from `total`
/// items of which `successes` are successes.
///
/// Small variance: exact inversion around the mode (chop-down alternating
/// outwards) with the pmf ratio recurrence, the mode's probability from
/// [`ln_fact_ratio`]. Otherwise Stadlober's ratio-of-uniforms method HRUA
/// (1989; the variant numpy uses), written here from the paper: O(1)
/// expected uniforms at any size, the acceptance test on ln f(k)/f(m) from
/// [`ln_fact_ratio`] (no cancelling `lgamma`s).
pub fn hypergeometric(total: u64, successes: u64, draws: u64, rng: &mut Xoshiro256PlusPlus) -> u64 {
    debug_assert!(successes <= total && draws <= total);
    if draws == 0 || successes == 0 {
        return 0;
    }
    if draws == total {
        return successes;
    }
    if successes == total {
        return draws;
    }
    // Symmetries: fewer draws than half, fewer successes than half.
    if draws > total / 2 {
        return successes - hypergeometric(total, successes, total - draws, rng);
    }
    if successes > total / 2 {
        return draws - hypergeometric(total, total - successes, draws, rng);
    }
    let (nn, k, n) = (total as f64, successes as f64, draws as f64);
    let var = n * (k / nn) * (1.0 - k / nn) * (nn - n) / (nn - 1.0);
    if var >= HRUA_VARIANCE {
        return hrua(total, successes, draws, var, rng);
    }
    let lo = (draws + successes).saturating_sub(total);
    let hi = draws.min(successes);
    let mode = ((((n + 1.0) * (k + 1.0)) / (nn + 2.0)) as u64).clamp(lo, hi);
    let pm = libm::exp(ln_pmf_ratio_to(total, successes, draws, mode));
    // pmf(x+1)/pmf(x)
    let ratio = |x: u64| {
        let x = x as f64;
        (k - x) * (n - x) / ((x + 1.0) * (nn - k - n + x + 1.0))
    };
    loop {
        let mut u = rng.uniform();
        u -= pm;
        if u < 0.0 {
            return mode;
        }
        let (mut up_x, mut up_f) = (mode, pm);
        let (mut dn_x, mut dn_f) = (mode, pm);
        loop {
            let can_up = up_x < hi;
            let can_dn = dn_x > lo;
            if !can_up && !can_dn {
                break;
            }
            if can_up {
                up_f *= ratio(up_x);
                up_x += 1;
                u -= up_f;
                if u < 0.0 {
                    return up_x;
                }
            }
            if can_dn {
                dn_f /= ratio(dn_x - 1);
                dn_x -= 1;
                u -= dn_f;
                if u < 0.0 {
                    return dn_x;
                }
            }
            if up_f < 1e-300 && dn_f < 1e-300 {
                break;
            }
        }
    }
}

/// ln pmf(m) of the hypergeometric law, as differences of nearby log
/// factorials: C(K, m)·C(N − K, n − m)/C(N, n) = [K!/(K − m)!]·[n!/(n − m)!]
/// /m! · (N − K)!(N − n)!/(N!·(N − K − n + m)!), the last four paired so
/// that each pair differs by the smaller of K and n (m is small where this
/// is used: the variance, about m, is below [`HRUA_VARIANCE`]).
fn ln_pmf_ratio_to(total: u64, successes: u64, draws: u64, m: u64) -> f64 {
    let (nn, k, n) = (total, successes, draws);
    let big = if k <= n {
        ln_fact_ratio(nn - k, nn) + ln_fact_ratio(nn - n, nn - k - n + m)
    } else {
        ln_fact_ratio(nn - k, nn - k - n + m) + ln_fact_ratio(nn - n, nn)
    };
    ln_fact_ratio(k, k - m) + ln_fact_ratio(n, n - m) - ln_fact_ratio(m, 0) + big
}

/// HRUA for draws ≤ total/2 and successes ≤ total/2 (Stadlober 1989): a
/// ratio-of-uniforms hat of width h = 2√(2/e)·√(var + ½) + 3 − 2√(3/e)
/// around mean + ½, a quick accept and a quick reject by the bounds
/// 1 + ln-bounds of ln U, then the exact test 2 ln U ≤ ln f(k)/f(m).
fn hrua(total: u64, successes: u64, draws: u64, var: f64, rng: &mut Xoshiro256PlusPlus) -> u64 {
    const D1: f64 = 1.715_527_769_921_413_5; // 2√(2/e)
    const D2: f64 = 0.898_916_162_058_898_8; // 3 − 2√(3/e)
    let (nn, k, n) = (total as f64, successes as f64, draws as f64);
    let a = n * k / nn + 0.5;
    let c = libm::sqrt(var + 0.5);
    let h = D1 * c + D2;
    let m = ((n + 1.0) * (k + 1.0) / (nn + 2.0)) as u64;
    let b = ((draws.min(successes) + 1) as f64).min(libm::floor(a + 16.0 * c));
    // ln f(x)/f(m) from the factorials that change with x.
    let ln_ratio = |x: u64| -> f64 {
        ln_fact_ratio(m, x)
            + ln_fact_ratio(successes - m, successes - x)
            + ln_fact_ratio(draws - m, draws - x)
            + ln_fact_ratio(total - successes - draws + m, total - successes - draws + x)
    };
    loop {
        let u = rng.open01();
        let v = rng.uniform();
        let x = a + h * (v - 0.5) / u;
        if !(0.0..b).contains(&x) {
            continue;
        }
        let kx = x as u64;
        let t = ln_ratio(kx);
        if u * (4.0 - u) - 3.0 <= t {
            return kx;
        }
        if u * (u - t) >= 1.0 {
            continue;
        }
        if 2.0 * libm::log(u) <= t {
            return kx;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The inversion's start, pmf(mode), is right to 1e-12 relative at
    /// N = 10^10: the pmf built from it by the ratio recurrence sums to 1.
    /// The `lgamma` differences it replaces are off by more than 1e-7 there
    /// (the negative control).
    #[test]
    fn the_mode_probability_is_accurate_at_any_size() {
        for (nn, k, n) in [
            (10_000_000_000u64, 3_333_333_333u64, 100u64),
            (10_000_000_000, 20, 4_000_000_000),
            (1_000_000_000_000_000, 400_000_000_000_000, 30),
            (1_000, 300, 40),
        ] {
            let (nf, kf, df) = (nn as f64, k as f64, n as f64);
            let (lo, hi) = ((n + k).saturating_sub(nn), n.min(k));
            let mode = ((((df + 1.0) * (kf + 1.0)) / (nf + 2.0)) as u64).clamp(lo, hi);
            let ln_pm = ln_pmf_ratio_to(nn, k, n, mode);
            let ratio = |x: u64| {
                let x = x as f64;
                (kf - x) * (df - x) / ((x + 1.0) * (nf - kf - df + x + 1.0))
            };
            let (mut total, mut f, mut x) = (1.0, 1.0, mode);
            while x < hi && f > 1e-30 {
                f *= ratio(x);
                x += 1;
                total += f;
            }
            (f, x) = (1.0, mode);
            while x > lo && f > 1e-30 {
                f /= ratio(x - 1);
                x -= 1;
                total += f;
            }
            // Σ pmf = pmf(mode) · total = 1.
            let sum = libm::exp(ln_pm) * total;
            assert!((sum - 1.0).abs() < 1e-12, "N={nn}: {sum}");
            if nn >= 10_000_000_000 {
                let lg = |a: f64, b: f64| {
                    libm::lgamma(a + 1.0) - libm::lgamma(b + 1.0) - libm::lgamma(a - b + 1.0)
                };
                let m = mode as f64;
                let old = lg(kf, m) + lg(nf - kf, df - m) - lg(nf, df);
                assert!(
                    (libm::exp(old) * total - 1.0).abs() > 1e-7,
                    "control N={nn}"
                );
            }
        }
    }
}
