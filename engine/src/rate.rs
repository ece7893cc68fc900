//! A conversion rate: fixed, a Beta posterior from evidence "k of n", or a
//! Beta fitted to a 90 % range (the fit lives here with it).

use crate::error::{check_finite_in, Arg, ArgError, Problem};
use crate::limits;
use crate::special::{beta_inc, beta_quantile};

/// A conversion rate, ready to sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate(RateKind);

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum RateKind {
    Fixed(f64),
    Beta { a: f64, b: f64 },
}

impl Rate {
    /// A known rate in [0, 1].
    ///
    /// # Errors
    /// [`Arg::Value`] with [`Problem::NotFinite`] or [`Problem::OutOfRange`]
    /// outside [0, 1].
    ///
    /// # Examples
    /// ```
    /// use funnelcast_engine::Rate;
    /// assert_eq!(Rate::fixed(0.25).unwrap().mean(), 0.25);
    /// assert!(Rate::fixed(1.5).is_err());
    /// ```
    pub fn fixed(p: f64) -> Result<Self, ArgError> {
        check_finite_in(p, 0.0, 1.0).map_err(|p| ArgError::new(Arg::Value, p))?;
        Ok(Self(RateKind::Fixed(p)))
    }

    /// "k of n converted": the posterior Beta(k + 1, n − k + 1) of a uniform prior.
    ///
    /// # Errors
    /// [`Arg::N`] with [`Problem::OutOfRange`] when n > `MAX_EVIDENCE_N`
    /// (checked first), then [`Arg::K`] with
    /// [`Problem::MoreSuccessesThanTrials`] when k > n.
    ///
    /// # Examples
    /// ```
    /// use funnelcast_engine::{Arg, Rate};
    /// let r = Rate::evidence(60, 200).unwrap();
    /// assert!((r.mean() - 61.0 / 202.0).abs() < 1e-15);
    /// assert_eq!(Rate::evidence(5, 3).unwrap_err().arg, Arg::K);
    /// ```
    pub fn evidence(k: u64, n: u64) -> Result<Self, ArgError> {
        if n > limits::MAX_EVIDENCE_N {
            return Err(ArgError::new(
                Arg::N,
                Problem::OutOfRange {
                    min: 0.0,
                    max: limits::MAX_EVIDENCE_N as f64,
                },
            ));
        }
        if k > n {
            return Err(ArgError::new(Arg::K, Problem::MoreSuccessesThanTrials));
        }
        Ok(Self(RateKind::Beta {
            a: k as f64 + 1.0,
            b: (n - k) as f64 + 1.0,
        }))
    }

    /// A 90 % range: the Beta whose P5 is `low` and P95 is `high`, fitted
    /// numerically (both quantiles reproduced to better than 1e-9).
    ///
    /// # Errors
    /// [`Arg::Low`] or [`Arg::High`] with [`Problem::NotFinite`] or
    /// [`Problem::OutOfRange`] unless 0 < low < 1 and 0 < high < 1 (checked
    /// in that order); [`Arg::High`] with [`Problem::LowNotBelowHigh`]
    /// unless low < high.
    ///
    /// # Examples
    /// ```
    /// use funnelcast_engine::{Arg, Rate};
    /// let r = Rate::range(0.2, 0.3).unwrap();
    /// assert!((r.quantile(0.05) - 0.2).abs() < 1e-6);
    /// assert!((r.quantile(0.95) - 0.3).abs() < 1e-6);
    /// assert_eq!(Rate::range(0.0, 0.3).unwrap_err().arg, Arg::Low);
    /// ```
    pub fn range(low: f64, high: f64) -> Result<Self, ArgError> {
        // Open bounds: a Beta puts no mass on 0 or 1 exactly.
        let open = |x: f64| {
            if !x.is_finite() {
                Err(Problem::NotFinite)
            } else if x <= 0.0 || x >= 1.0 {
                Err(Problem::OutOfRange { min: 0.0, max: 1.0 })
            } else {
                Ok(())
            }
        };
        open(low).map_err(|p| ArgError::new(Arg::Low, p))?;
        open(high).map_err(|p| ArgError::new(Arg::High, p))?;
        if low >= high {
            return Err(ArgError::new(Arg::High, Problem::LowNotBelowHigh));
        }
        let (a, b) = fitted(low, high);
        // A range narrower than the fit can honour (its concentration at
        // the search's cap, or beyond where `beta_inc` is tested accurate)
        // would silently give other quantiles than the range's ends.
        let honoured = a + b <= MAX_FIT_CONCENTRATION
            && (beta_inc(a, b, low) - 0.05).abs() <= FIT_TOLERANCE
            && (beta_inc(a, b, high) - 0.95).abs() <= FIT_TOLERANCE;
        if !honoured {
            return Err(ArgError::new(Arg::High, Problem::RangeTooNarrow));
        }
        Ok(Self(RateKind::Beta { a, b }))
    }

    pub(crate) fn kind(&self) -> RateKind {
        self.0
    }

    /// The mean of the rate the engine samples: p when fixed, a/(a + b) for
    /// a Beta (so a range gives its fitted Beta's mean, not the midpoint).
    pub fn mean(&self) -> f64 {
        match self.0 {
            RateKind::Fixed(p) => p,
            RateKind::Beta { a, b } => a / (a + b),
        }
    }

    /// The q-quantile (fixed rates return their value).
    pub fn quantile(&self, q: f64) -> f64 {
        match self.0 {
            RateKind::Fixed(p) => p,
            RateKind::Beta { a, b } => beta_quantile(a, b, q),
        }
    }

    /// The Beta parameters (a, b), `None` for a fixed rate.
    pub fn beta_params(&self) -> Option<(f64, f64)> {
        match self.0 {
            RateKind::Fixed(_) => None,
            RateKind::Beta { a, b } => Some((a, b)),
        }
    }

    pub fn is_fixed(&self) -> bool {
        matches!(self.0, RateKind::Fixed(_))
    }
}

/// Fits already made, newest last: a fit bisects `beta_inc` thousands of
/// times (a few ms), and the page asks for the same range on every edit (its
/// checks, its counts, the run) — so remember the last few.
const FIT_CACHE: usize = 32;

/// Largest concentration a + b of a fitted range: up to it `beta_inc` is
/// tested within 2e-9 in CDF (tests/precision.rs; its error grows like
/// κ·1e-16, to about 1e-6 at 10^10); a range that needs more (a 90 % range
/// narrower than about 0.05 points at 50 %, 0.04 at 30 %) is refused.
pub const MAX_FIT_CONCENTRATION: f64 = 1e7;
/// How closely a fit must reproduce F(low) = 0.05 and F(high) = 0.95.
const FIT_TOLERANCE: f64 = 1e-8;

/// A range's (low, high) bits and its fitted (a, b).
type Fit = ((u64, u64), (f64, f64));

std::thread_local! {
    static FITS: core::cell::RefCell<Vec<Fit>> =
        const { core::cell::RefCell::new(Vec::new()) };
}

/// [`fit_beta`], remembered: the same (low, high) bits give the same fit.
fn fitted(low: f64, high: f64) -> (f64, f64) {
    let key = (low.to_bits(), high.to_bits());
    if let Some(ab) = FITS.with(|f| f.borrow().iter().find(|(k, _)| *k == key).map(|e| e.1)) {
        return ab;
    }
    let ab = fit_beta(low, high);
    FITS.with(|f| {
        let mut f = f.borrow_mut();
        if f.len() >= FIT_CACHE {
            f.remove(0);
        }
        f.push((key, ab));
    });
    ab
}

/// Fit Beta(a, b) with I_low(a, b) = 0.05 and I_high(a, b) = 0.95.
///
/// Parametrised by mean m and concentration κ (a = mκ, b = (1 − m)κ): for a
/// given κ the Beta is stochastically increasing in m, so the m that puts P5
/// at `low` is found by bisection; then the P95 of that Beta falls as κ grows
/// (the law concentrates above `low`), so κ is found by bisection on ln κ.
fn fit_beta(low: f64, high: f64) -> (f64, f64) {
    let m_for = |kappa: f64| {
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        for _ in 0..100 {
            let m = 0.5 * (lo + hi);
            if m <= lo || m >= hi {
                break;
            }
            // F(low) decreases as m grows.
            if beta_inc(m * kappa, (1.0 - m) * kappa, low) > 0.05 {
                lo = m;
            } else {
                hi = m;
            }
        }
        0.5 * (lo + hi)
    };
    let (mut lk, mut hk) = (libm::log(1e-3), libm::log(1e12));
    for _ in 0..100 {
        let mid = 0.5 * (lk + hk);
        let kappa = libm::exp(mid);
        let m = m_for(kappa);
        // F(high) grows with κ when P5 is pinned at low.
        if beta_inc(m * kappa, (1.0 - m) * kappa, high) < 0.95 {
            lk = mid;
        } else {
            hk = mid;
        }
        if hk - lk < 1e-14 {
            break;
        }
    }
    let kappa = libm::exp(0.5 * (lk + hk));
    let m = m_for(kappa);
    (m * kappa, (1.0 - m) * kappa)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A remembered fit is the fit: the same bits in, the same Beta out,
    /// also once the cache has turned over.
    #[test]
    fn remembered_fits_equal_fresh_ones() {
        for k in 0..(FIT_CACHE + 3) {
            let low = 0.1 + k as f64 * 1e-3;
            let r = Rate::range(low, 0.4).unwrap();
            assert_eq!(r.beta_params(), Some(fit_beta(low, 0.4)));
        }
        let again = Rate::range(0.1, 0.4).unwrap();
        assert_eq!(again.beta_params(), Some(fit_beta(0.1, 0.4)));
    }
}
