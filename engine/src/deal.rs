//! The value of one deal: a Gamma with a mean and a coefficient of variation
//! (c customers bring one Gamma(c·α, θ) draw, never c draws).

use crate::error::{check_finite_in, Arg, ArgError};
use crate::limits;

/// The value of one deal: Gamma with this mean and coefficient of variation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DealValue {
    mean: f64,
    cv: f64,
    /// Shape per deal, 1/cv² (∞ when cv = 0).
    alpha: f64,
    /// Scale, mean·cv².
    theta: f64,
}

impl DealValue {
    /// # Errors
    /// [`Arg::Mean`] unless mean ∈ [0, MAX_DEAL_VALUE] (checked first), then
    /// [`Arg::Cv`] unless cv ∈ [0, MAX_DEAL_CV], with
    /// [`crate::Problem::NotFinite`] or [`crate::Problem::OutOfRange`].
    ///
    /// # Examples
    /// ```
    /// use funnelcast_engine::{Arg, DealValue};
    /// let d = DealValue::new(5_000.0, 0.5).unwrap();
    /// assert_eq!(d.mean(), 5_000.0);
    /// assert_eq!(DealValue::new(5_000.0, -0.1).unwrap_err().arg, Arg::Cv);
    /// ```
    pub fn new(mean: f64, cv: f64) -> Result<Self, ArgError> {
        check_finite_in(mean, 0.0, limits::MAX_DEAL_VALUE)
            .map_err(|p| ArgError::new(Arg::Mean, p))?;
        check_finite_in(cv, 0.0, limits::MAX_DEAL_CV).map_err(|p| ArgError::new(Arg::Cv, p))?;
        // A spread below 1e-15 of the mean is invisible: treat it as fixed so
        // that 1/cv² cannot overflow.
        let (alpha, theta) = if cv > 1e-15 {
            (1.0 / (cv * cv), mean * cv * cv)
        } else {
            (f64::INFINITY, 0.0)
        };
        Ok(Self {
            mean,
            cv,
            alpha,
            theta,
        })
    }
    pub fn mean(&self) -> f64 {
        self.mean
    }
    pub fn cv(&self) -> f64 {
        self.cv
    }
    /// Gamma shape of one deal (1/cv²); ∞ for cv = 0.
    pub fn shape(&self) -> f64 {
        self.alpha
    }
    /// Gamma scale (mean·cv²); 0 for cv = 0.
    pub fn scale(&self) -> f64 {
        self.theta
    }
}
