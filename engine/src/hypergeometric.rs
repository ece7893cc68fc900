//! Hypergeometric counts, for coupling a scenario with fewer people at a stage
//! than the baseline: which of the baseline's converters are among them.

use crate::rng::{Uniforms, Xoshiro256PlusPlus};

/// Number of successes in `draws` draws without replacement from `total`
/// items of which `successes` are successes.
///
/// Exact inversion around the mode (chop-down alternating outwards) with the
/// pmf ratio recurrence; cost grows with the standard deviation. The mode's
/// probability comes from `lgamma`; should rounding leave the table's total
/// short of 1 the draw restarts, so the law is exact up to that rounding.
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
    let lo = (draws + successes).saturating_sub(total);
    let hi = draws.min(successes);
    let mode = ((((n + 1.0) * (k + 1.0)) / (nn + 2.0)) as u64).clamp(lo, hi);
    let ln_choose =
        |a: f64, b: f64| libm::lgamma(a + 1.0) - libm::lgamma(b + 1.0) - libm::lgamma(a - b + 1.0);
    let m = mode as f64;
    let ln_pm = ln_choose(k, m) + ln_choose(nn - k, n - m) - ln_choose(nn, n);
    let pm = libm::exp(ln_pm);
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
