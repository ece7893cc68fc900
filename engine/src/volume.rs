//! The entering volume of a segment: a fixed whole number of people, or a
//! lognormal fitted to a 90 % range.

use crate::error::{check_finite_in, Arg, ArgError, Problem};
use crate::limits;
use crate::special::{Z90, Z95};

/// The entering volume of a segment, ready to sample.
///
/// Volumes are whole people: a fixed volume such as 1234.6 is rounded to the
/// nearest whole person (1235); a range draws a continuous lognormal volume
/// which is rounded after any volume lever is applied.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Volume(VolumeKind);

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum VolumeKind {
    Fixed(f64),
    LogNormal { mu: f64, sigma: f64 },
}

impl Volume {
    /// A fixed volume (people per period), rounded to a whole person.
    ///
    /// # Errors
    /// [`Arg::Value`] with [`Problem::NotFinite`] for NaN/∞,
    /// [`Problem::OutOfRange`] outside `0..=MAX_VOLUME`.
    ///
    /// # Examples
    /// ```
    /// use funnelcast_engine::Volume;
    /// assert_eq!(Volume::fixed(1_234.6).unwrap().mean(), 1_235.0);
    /// assert!(Volume::fixed(-1.0).is_err());
    /// ```
    pub fn fixed(value: f64) -> Result<Self, ArgError> {
        check_finite_in(value, 0.0, limits::MAX_VOLUME)
            .map_err(|p| ArgError::new(Arg::Value, p))?;
        Ok(Self(VolumeKind::Fixed(libm::round(value))))
    }

    /// A 90 % range: the lognormal with P5 = `low` and P95 = `high`.
    ///
    /// # Errors
    /// [`Arg::Low`] or [`Arg::High`] with [`Problem::NotFinite`] or
    /// [`Problem::OutOfRange`] unless `0 < low` and `high ≤ MAX_VOLUME`;
    /// [`Arg::High`] with [`Problem::LowNotBelowHigh`] unless `low < high`.
    ///
    /// # Examples
    /// ```
    /// use funnelcast_engine::{Arg, ArgError, Problem, Volume};
    /// let v = Volume::range(8_000.0, 12_000.0).unwrap();
    /// assert!((v.quantile(0.05) - 8_000.0).abs() < 1e-6);
    /// assert_eq!(
    ///     Volume::range(5.0, 5.0).unwrap_err(),
    ///     ArgError::new(Arg::High, Problem::LowNotBelowHigh)
    /// );
    /// assert_eq!(Volume::range(0.0, 5.0).unwrap_err().arg, Arg::Low);
    /// ```
    pub fn range(low: f64, high: f64) -> Result<Self, ArgError> {
        check_positive(low).map_err(|p| ArgError::new(Arg::Low, p))?;
        check_positive(high).map_err(|p| ArgError::new(Arg::High, p))?;
        if low >= high {
            return Err(ArgError::new(Arg::High, Problem::LowNotBelowHigh));
        }
        if high > MAX_SPREAD * low {
            let problem = Problem::RangeTooWide {
                max_ratio: MAX_SPREAD,
            };
            return Err(ArgError::new(Arg::High, problem));
        }
        let (l, h) = (libm::log(low), libm::log(high));
        Ok(Self(VolumeKind::LogNormal {
            mu: 0.5 * (l + h),
            sigma: (h - l) / (2.0 * Z95),
        }))
    }

    pub(crate) fn kind(&self) -> VolumeKind {
        self.0
    }

    /// The mean of the volume the engine samples: a fixed volume's whole
    /// number, a range's E[round V] — the drawn lognormal rounded to whole
    /// people, as every trial does (not the median; for a range of 0.5–3
    /// people 1.4 % above the continuous mean exp(μ + σ²/2)).
    ///
    /// E[round V] = Σ_{k≥1} P(V ≥ k − ½): summed where the lognormal
    /// varies on the scale of one person; where its local spread σ·v is 20
    /// people or more, the rest of the sum is the integral
    /// E[(V − c)⁺] = e^(μ+σ²/2)·Φ(d₁) − c·Φ(d₂) (the midpoint rule, exact to
    /// far below 1e-15 there).
    pub fn mean(&self) -> f64 {
        match self.0 {
            VolumeKind::Fixed(v) => v,
            VolumeKind::LogNormal { mu, sigma } => rounded_lognormal_mean(mu, sigma),
        }
    }

    /// The continuous lognormal's mean exp(μ + σ²/2) (a fixed volume's value).
    pub fn continuous_mean(&self) -> f64 {
        match self.0 {
            VolumeKind::Fixed(v) => v,
            VolumeKind::LogNormal { mu, sigma } => libm::exp(mu + 0.5 * sigma * sigma),
        }
    }

    /// The q-quantile of the continuous volume (exact normal quantiles are
    /// used at 0.05/0.10/0.90/0.95, bisection on erfc elsewhere); fixed
    /// volumes return their value.
    pub fn quantile(&self, q: f64) -> f64 {
        match self.0 {
            VolumeKind::Fixed(v) => v,
            VolumeKind::LogNormal { mu, sigma } => libm::exp(mu + normal_quantile(q) * sigma),
        }
    }

    pub fn is_fixed(&self) -> bool {
        matches!(self.0, VolumeKind::Fixed(_))
    }
}

/// Largest volume a trial draws (people); a lognormal range's far tail is cut here.
pub const VOLUME_CAP: f64 = 1e15;

/// Largest high/low of a volume range: a 90 % range over four orders of
/// magnitude (σ ≈ 2.8) keeps the drawn volumes, and so every draw's cost,
/// bounded in practice; wider is refused with a message.
pub const MAX_SPREAD: f64 = 1e4;

/// A drawn volume (levers applied) in whole people, within [0, VOLUME_CAP].
#[inline]
pub(crate) fn round_volume(v: f64) -> u64 {
    // Rounding is exact in IEEE arithmetic: the same on every target. Half
    // away from zero as `f64::round` does, inlined (`round` is a library
    // call on x86_64's baseline): v − ⌊v⌋ is exact, and NaN gives 0 as
    // `NaN.round() as u64` does.
    let v = crate::special::clamp(v, 0.0, VOLUME_CAP);
    let t = v as i64;
    (t + (v - t as f64 >= 0.5) as i64) as u64
}

/// A range end: finite, above 0 (its logarithm is taken) and at most
/// `MAX_VOLUME`.
fn check_positive(x: f64) -> Result<(), Problem> {
    check_finite_in(x, 0.0, limits::MAX_VOLUME)?;
    if x < f64::MIN_POSITIVE {
        return Err(Problem::OutOfRange {
            min: 0.0,
            max: limits::MAX_VOLUME,
        });
    }
    Ok(())
}

/// Standard normal quantile, for the few levels the engine needs.
fn normal_quantile(q: f64) -> f64 {
    // Bisection on erfc: exact to the last bits, used rarely (never per trial).
    let (mut lo, mut hi) = (-40.0f64, 40.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        let cdf = 0.5 * libm::erfc(-mid / core::f64::consts::SQRT_2);
        if cdf < q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let z = 0.5 * (lo + hi);
    // Use the exact constants where they apply, so P5/P95 round-trip.
    if (q - 0.95).abs() < 1e-15 {
        Z95
    } else if (q - 0.05).abs() < 1e-15 {
        -Z95
    } else if (q - 0.9).abs() < 1e-15 {
        Z90
    } else if (q - 0.1).abs() < 1e-15 {
        -Z90
    } else {
        z
    }
}

/// E[round V] for V lognormal(μ, σ) ([`Volume::mean`]).
fn rounded_lognormal_mean(mu: f64, sigma: f64) -> f64 {
    // Where the lognormal's local spread σ·v reaches this many people, the
    // rest of the sum is its integral with the Euler–Maclaurin corrections
    // of the midpoint rule (the next is ~1e-9 of f there).
    const SMOOTH: f64 = 30.0;
    let cont = libm::exp(mu + 0.5 * sigma * sigma);
    let s2 = sigma * core::f64::consts::SQRT_2;
    // P(V ≥ t), Φ, and the density with its second derivative.
    let surv = |t: f64| 0.5 * libm::erfc((libm::log(t) - mu) / s2);
    let phi = |d: f64| 0.5 * libm::erfc(-d / core::f64::consts::SQRT_2);
    let dens = |v: f64| {
        let l = libm::log(v) - mu;
        let f = libm::exp(-l * l / (2.0 * sigma * sigma))
            / (v * sigma * libm::sqrt(2.0 * core::f64::consts::PI));
        let g1 = -(1.0 + l / (sigma * sigma)) / v;
        let g2 = (1.0 - (1.0 - l) / (sigma * sigma)) / (v * v);
        (f, f * (g1 * g1 + g2))
    };
    // Σ_{k>c} P(V ≥ k − ½) = ∫_c^∞ P(V ≥ t) dt − f(c)/24 + 7 f''(c)/5760,
    // with ∫_c^∞ P(V ≥ t) dt = E[(V − c)⁺].
    let tail = |c: f64| {
        let d1 = (mu + sigma * sigma - libm::log(c)) / sigma;
        let (f, f2) = dens(c);
        cont * phi(d1) - c * phi(d1 - sigma) - f / 24.0 + 7.0 * f2 / 5760.0
    };
    let lo = libm::exp(mu - 9.0 * sigma);
    if sigma * lo >= SMOOTH && lo > 1.0 {
        // Smooth on the scale of one person wherever it has mass (the
        // corrections at lo are below 1e-17 of the mean).
        return cont;
    }
    // Below lo every term is 1 (to 1e-19).
    let first = libm::floor(lo).max(1.0);
    let mut sum = first - 1.0;
    let mut k = first;
    loop {
        if sigma * (k - 1.0) >= SMOOTH && k > 1.0 {
            return sum + tail(k - 1.0);
        }
        let s = surv(k - 0.5);
        sum += s;
        if s < 1e-18 {
            return sum;
        }
        k += 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The inlined rounding against `f64::round` at the ties and next to
    /// them, where a `v + 0.5` shortcut would go wrong (0.49999999999999994
    /// + 0.5 rounds to 1).
    #[test]
    fn round_volume_is_f64_round() {
        let below_half = 0.5 - f64::EPSILON / 4.0;
        let mut xs = vec![
            0.0,
            -0.0,
            -3.0,
            below_half,
            0.5,
            1.5,
            2.5,
            1e15 - 0.5,
            1e15,
            2e15,
            f64::INFINITY,
            (1u64 << 52) as f64 - 0.5,
            (1u64 << 52) as f64 + 1.0,
        ];
        for i in 0..2000 {
            let x = i as f64 * 0.25 + 1e6;
            xs.extend([x, x.next_up(), x.next_down()]);
        }
        for x in xs {
            let want = crate::special::clamp(x, 0.0, VOLUME_CAP).round() as u64;
            assert_eq!(round_volume(x), want, "{x}");
        }
        assert_eq!(round_volume(f64::NAN), 0);
        assert_eq!(round_volume(below_half), 0);
    }
}
