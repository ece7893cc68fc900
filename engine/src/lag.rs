//! Time from one stage to the next (time mode, README.md "Months"): a lag
//! in days, lognormal with a given median and 90th percentile, and the
//! monthly law of when a customer closes: the month that holds
//! entry day + the sum of the lags, for an entry day uniform on the 30 days
//! of the entry month.

use crate::error::{check_finite_in, Arg, ArgError, Problem};
use crate::rng::Xoshiro256PlusPlus;
use crate::special::Z90;

/// Days in a month for the lag arithmetic.
pub const MONTH_DAYS: f64 = 30.0;
/// Longest median or P90 of one lag, in days (two years).
pub const MAX_LAG_DAYS: f64 = 730.0;

/// The time people take at one transition, ready to sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lag(LagKind);

#[derive(Clone, Copy, Debug, PartialEq)]
enum LagKind {
    /// Always this many days (0: the same moment).
    Fixed(f64),
    /// ln(lag) ~ Normal(mu, sigma²).
    LogNormal { mu: f64, sigma: f64 },
}

impl Lag {
    /// The lognormal lag with this median and 90th percentile, in days;
    /// equal values give a fixed lag.
    ///
    /// # Errors
    /// [`Arg::Median`] or [`Arg::P90`] with [`Problem::NotFinite`] or
    /// [`Problem::OutOfRange`] outside 0–730 days; [`Arg::P90`] with
    /// [`Problem::P90BelowMedian`] when it is below the median, and with
    /// [`Problem::SlowCaseOfNoLag`] when the median is 0 and the P90 is not
    /// (a lognormal has no median 0).
    ///
    /// # Examples
    /// ```
    /// use funnelcast_engine::lag::Lag;
    /// let l = Lag::new(14.0, 28.0).unwrap();
    /// assert!((l.quantile(0.5) - 14.0).abs() < 1e-9);
    /// assert!((l.quantile(0.9) - 28.0).abs() < 1e-9);
    /// assert_eq!(Lag::new(7.0, 7.0).unwrap().mean(), 7.0);
    /// assert!(Lag::new(14.0, 10.0).is_err());
    /// ```
    pub fn new(median: f64, p90: f64) -> Result<Self, ArgError> {
        check_finite_in(median, 0.0, MAX_LAG_DAYS).map_err(|p| ArgError::new(Arg::Median, p))?;
        check_finite_in(p90, 0.0, MAX_LAG_DAYS).map_err(|p| ArgError::new(Arg::P90, p))?;
        if p90 < median {
            return Err(ArgError::new(Arg::P90, Problem::P90BelowMedian));
        }
        if p90 == median {
            return Ok(Lag(LagKind::Fixed(median)));
        }
        if median == 0.0 {
            return Err(ArgError::new(Arg::P90, Problem::SlowCaseOfNoLag));
        }
        let mu = libm::log(median);
        let sigma = (libm::log(p90) - mu) / Z90;
        Ok(Lag(LagKind::LogNormal { mu, sigma }))
    }

    /// No lag at all.
    pub fn none() -> Self {
        Lag(LagKind::Fixed(0.0))
    }

    pub fn is_fixed(&self) -> bool {
        matches!(self.0, LagKind::Fixed(_))
    }

    pub fn mean(&self) -> f64 {
        match self.0 {
            LagKind::Fixed(d) => d,
            LagKind::LogNormal { mu, sigma } => libm::exp(mu + sigma * sigma / 2.0),
        }
    }

    /// The q-quantile in days.
    pub fn quantile(&self, q: f64) -> f64 {
        match self.0 {
            LagKind::Fixed(d) => d,
            LagKind::LogNormal { mu, sigma } => libm::exp(mu + sigma * z_of(q)),
        }
    }

    /// One draw, in days.
    pub fn sample(&self, rng: &mut Xoshiro256PlusPlus) -> f64 {
        match self.0 {
            LagKind::Fixed(d) => d,
            LagKind::LogNormal { mu, sigma } => {
                libm::exp(mu + sigma * crate::normal::standard_normal(rng))
            }
        }
    }

    /// P(lag < x) (the law is continuous, so also ≤).
    pub fn cdf(&self, x: f64) -> f64 {
        match self.0 {
            LagKind::Fixed(d) => f64::from(u8::from(x > d)),
            LagKind::LogNormal { mu, sigma } => {
                if x <= 0.0 {
                    0.0
                } else {
                    phi((libm::log(x) - mu) / sigma)
                }
            }
        }
    }

    /// E[(x − lag)⁺], in days: the integral of the CDF from 0 to x.
    pub fn partial(&self, x: f64) -> f64 {
        match self.0 {
            LagKind::Fixed(d) => (x - d).max(0.0),
            LagKind::LogNormal { mu, sigma } => {
                if x <= 0.0 {
                    return 0.0;
                }
                let z = (libm::log(x) - mu) / sigma;
                x * phi(z) - libm::exp(mu + sigma * sigma / 2.0) * phi(z - sigma)
            }
        }
    }

    /// A width on the days scale (half the spread between the P25 and the
    /// P75), for choosing the grid of [`close_law`].
    fn width(&self) -> f64 {
        match self.0 {
            LagKind::Fixed(_) => 0.0,
            LagKind::LogNormal { mu, sigma } => {
                let z = 0.674_489_750_196_081_7 * sigma;
                libm::exp(mu) * (libm::exp(z) - libm::exp(-z)) / 2.0
            }
        }
    }

    /// The mass of [a, b) and its first moment E[lag; a ≤ lag < b].
    fn cell(&self, a: f64, b: f64) -> (f64, f64) {
        match self.0 {
            LagKind::Fixed(d) => {
                if a <= d && d < b {
                    (1.0, d)
                } else {
                    (0.0, 0.0)
                }
            }
            LagKind::LogNormal { mu, sigma } => {
                let z = |x: f64| {
                    if x <= 0.0 {
                        f64::NEG_INFINITY
                    } else {
                        (libm::log(x) - mu) / sigma
                    }
                };
                let (za, zb) = (z(a), z(b));
                let mass = phi_between(za, zb);
                let moment =
                    libm::exp(mu + sigma * sigma / 2.0) * phi_between(za - sigma, zb - sigma);
                (mass, moment)
            }
        }
    }
}

/// The standard normal quantile: the special module's start (5e-4) and
/// Newton's steps on [`phi`] to the last digits.
fn z_of(q: f64) -> f64 {
    let mut z = crate::special::normal_quantile(q);
    for _ in 0..4 {
        let pdf = libm::exp(-z * z / 2.0) / libm::sqrt(2.0 * core::f64::consts::PI);
        if pdf <= 0.0 {
            break;
        }
        z -= (phi(z) - q) / pdf;
    }
    z
}

/// The standard normal CDF.
pub(crate) fn phi(z: f64) -> f64 {
    0.5 * libm::erfc(-z / core::f64::consts::SQRT_2)
}

/// Φ(b) − Φ(a) for a ≤ b, from the tail that keeps its digits.
fn phi_between(a: f64, b: f64) -> f64 {
    if a > 0.0 {
        phi(-a) - phi(-b)
    } else {
        phi(b) - phi(a)
    }
}

/// When a cohort's customers close, in months after the entry month:
/// `within[k]` is P(the close falls k months after the month of entry), for
/// k = 0 .. months − 1, and `beyond` the rest.
#[derive(Clone, Debug, PartialEq)]
pub struct CloseLaw {
    pub within: Vec<f64>,
    pub beyond: f64,
}

/// Grid points per 30 days at the coarsest (a step of half a day).
const BASE_STEPS: usize = 60;
/// The finest grid: 30 · 2⁶ points per 30 days (a step of about 11 minutes).
const MAX_STEPS: usize = BASE_STEPS << 6;
/// Lag mass further out than this many standard deviations of ln(lag) is
/// left out (below 1e-17 of the law).
const TAIL_Z: f64 = 8.5;

/// The monthly law of entry day + Σ lags, entry day uniform on [0, 30),
/// for the first `months` months (README.md, "Months": how it is computed
/// and how accurate it is).
///
/// With every lag fixed the law is exact: a uniform shifted by the total.
/// Otherwise the lognormal lags are summed on a grid of days whose step
/// divides the month, each lag's mass in a cell placed at its exact
/// conditional mean and each sum's mass split between the two grid points
/// around it so that its mean is kept; then
/// P(entry day + L < 30m) = (J(30m) − J(30m − 30))/30 with J(x) = E[(x − L)⁺],
/// exact for the grid's law at grid points. The error is of the order of
/// the step squared, so the law is computed at two steps and extrapolated
/// (Richardson).
pub fn close_law(lags: &[Lag], months: usize) -> CloseLaw {
    let shift: f64 = lags.iter().filter(|l| l.is_fixed()).map(Lag::mean).sum();
    let mut spread: Vec<Lag> = lags.iter().copied().filter(|l| !l.is_fixed()).collect();
    let cdf_at: Vec<f64> = if spread.is_empty() {
        // Every lag fixed: the entry day shifted by their total.
        (0..=months)
            .map(|m| crate::special::clamp((m as f64 * MONTH_DAYS - shift) / MONTH_DAYS, 0.0, 1.0))
            .collect()
    } else {
        // Narrowest first: the error of each split is weighted by the
        // density of the lags still to come, smallest when the widest comes
        // last.
        crate::small_sort::sort_small_by(&mut spread, |a, b| {
            a.width()
                .partial_cmp(&b.width())
                .unwrap_or(core::cmp::Ordering::Equal)
        });
        let widest = spread.last().map_or(0.0, Lag::width);
        // About eight steps across the widest lag's quartiles.
        let mut steps = BASE_STEPS;
        while steps < MAX_STEPS && MONTH_DAYS / steps as f64 > widest / 8.0 {
            steps *= 2;
        }
        let top = months as f64 * MONTH_DAYS - shift;
        let coarse = below_on_grid(&spread, shift, months, steps, top);
        let fine = below_on_grid(&spread, shift, months, 2 * steps, top);
        coarse
            .iter()
            .zip(&fine)
            .map(|(c, f)| crate::special::clamp((4.0 * f - c) / 3.0, 0.0, 1.0))
            .collect()
    };
    let mut within = Vec::with_capacity(months);
    let mut prev = 0.0;
    for &c in &cdf_at[1..] {
        // A CDF never falls: rounding and extrapolation may not make it.
        let c = c.max(prev);
        within.push(c - prev);
        prev = c;
    }
    CloseLaw {
        within,
        beyond: (1.0 - prev).max(0.0),
    }
}

/// P(entry day + shift + Σ spread < 30m) for m = 0 ..= months, from the
/// grid law of Σ spread with `steps` points per 30 days up to `top` days.
fn below_on_grid(spread: &[Lag], shift: f64, months: usize, steps: usize, top: f64) -> Vec<f64> {
    let h = MONTH_DAYS / steps as f64;
    if top <= 0.0 {
        return vec![0.0; months + 1];
    }
    // Points 0 ..= n cover [0, top] and two more for the interpolation.
    let n = (top / h).ceil() as usize + 3;
    let mut law = vec![0.0; n + 1];
    law[0] = 1.0;
    let mut next = vec![0.0; n + 1];
    for lag in spread {
        // The lag's cells that matter: mass within TAIL_Z sigmas, inside the grid.
        let (lo, hi) = (lag.quantile_z(-TAIL_Z), lag.quantile_z(TAIL_Z));
        let first = (lo / h).floor().max(0.0) as usize;
        let last = ((hi / h).ceil() as usize).min(n);
        let cells: Vec<(usize, f64, f64)> = (first..last)
            .filter_map(|j| {
                let (a, b) = (j as f64 * h, (j + 1) as f64 * h);
                let (mass, moment) = lag.cell(a, b);
                (mass > 0.0).then(|| {
                    // The offset within the cell, as a fraction of a step.
                    let at = crate::special::clamp(moment / mass, a, b);
                    (j, mass, crate::special::clamp((at - a) / h, 0.0, 1.0))
                })
            })
            .collect();
        next.iter_mut().for_each(|x| *x = 0.0);
        for (i, &p) in law.iter().enumerate() {
            if p == 0.0 {
                continue;
            }
            for &(j, mass, frac) in &cells {
                let k = i + j;
                if k >= n {
                    break;
                }
                let w = p * mass;
                next[k] += w * (1.0 - frac);
                next[k + 1] += w * frac;
            }
        }
        std::mem::swap(&mut law, &mut next);
    }
    // J at grid points: J(p_k) = Σ_{i<k} law[i]·(p_k − p_i), by running sums.
    let mut j_at = vec![0.0; n + 1];
    let (mut mass, mut acc) = (0.0, 0.0);
    for k in 1..=n {
        mass += law[k - 1];
        acc += mass * h;
        j_at[k] = acc;
    }
    let j = |x: f64| -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        let t = x / h;
        let k = t.floor() as usize;
        if (t - k as f64).abs() < 1e-12 && k <= n {
            return j_at[k];
        }
        // Between grid points J is smooth (Σ spread has a smooth density):
        // cubic interpolation through the four points around x.
        let k0 = k.saturating_sub(1).min(n - 3);
        let u = t - k0 as f64;
        let (a, b, c, d) = (j_at[k0], j_at[k0 + 1], j_at[k0 + 2], j_at[k0 + 3]);
        let l0 = -(u - 1.0) * (u - 2.0) * (u - 3.0) / 6.0;
        let l1 = u * (u - 2.0) * (u - 3.0) / 2.0;
        let l2 = -u * (u - 1.0) * (u - 3.0) / 2.0;
        let l3 = u * (u - 1.0) * (u - 2.0) / 6.0;
        a * l0 + b * l1 + c * l2 + d * l3
    };
    (0..=months)
        .map(|m| {
            let x = m as f64 * MONTH_DAYS - shift;
            (j(x) - j(x - MONTH_DAYS)) / MONTH_DAYS
        })
        .collect()
}

impl Lag {
    /// exp(mu + z·sigma) (the fixed value for a fixed lag).
    fn quantile_z(&self, z: f64) -> f64 {
        match self.0 {
            LagKind::Fixed(d) => d,
            LagKind::LogNormal { mu, sigma } => libm::exp(mu + sigma * z),
        }
    }
}
