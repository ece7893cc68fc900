//! A validated run: [`Model::validate`] checks every input, collects all
//! errors (each naming its field) and returns a [`Plan`] whose pieces were built
//! by fallible constructors, so sampling never checks again and never panics.

use crate::error::{Field, ModelError, Problem};
use crate::model::{limits, Lever, Model, RateSpec, Scope, VolumeSpec};
use crate::special::{beta_inc, beta_quantile, Z90, Z95};

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
    /// [`Problem::NotFinite`] for NaN/∞, [`Problem::OutOfRange`] outside
    /// `0..=MAX_VOLUME`.
    ///
    /// # Examples
    /// ```
    /// use funnelcast_engine::Volume;
    /// assert!(Volume::fixed(10_000.0).is_ok());
    /// assert!(Volume::fixed(-1.0).is_err());
    /// ```
    pub fn fixed(value: f64) -> Result<Self, Problem> {
        check_finite_in(value, 0.0, limits::MAX_VOLUME)?;
        Ok(Self(VolumeKind::Fixed(libm::round(value))))
    }

    /// A 90 % range: the lognormal with P5 = `low` and P95 = `high`.
    ///
    /// # Errors
    /// [`Problem::OutOfRange`] unless `0 < low` and `high ≤ MAX_VOLUME`;
    /// [`Problem::LowNotBelowHigh`] unless `low < high`.
    ///
    /// # Examples
    /// ```
    /// use funnelcast_engine::Volume;
    /// let v = Volume::range(8_000.0, 12_000.0).unwrap();
    /// assert!((v.quantile(0.05) - 8_000.0).abs() < 1e-6);
    /// assert_eq!(Volume::range(5.0, 5.0).unwrap_err(), funnelcast_engine::Problem::LowNotBelowHigh);
    /// ```
    pub fn range(low: f64, high: f64) -> Result<Self, Problem> {
        check_finite_in(low, f64::MIN_POSITIVE, limits::MAX_VOLUME)?;
        check_finite_in(high, f64::MIN_POSITIVE, limits::MAX_VOLUME)?;
        if low >= high {
            return Err(Problem::LowNotBelowHigh);
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

    /// The mean (of the continuous volume, before rounding to whole people).
    pub fn mean(&self) -> f64 {
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
    /// [`Problem::NotFinite`] or [`Problem::OutOfRange`] outside [0, 1].
    ///
    /// # Examples
    /// ```
    /// use funnelcast_engine::Rate;
    /// assert_eq!(Rate::fixed(0.25).unwrap().mean(), 0.25);
    /// assert!(Rate::fixed(1.5).is_err());
    /// ```
    pub fn fixed(p: f64) -> Result<Self, Problem> {
        check_finite_in(p, 0.0, 1.0)?;
        Ok(Self(RateKind::Fixed(p)))
    }

    /// "k of n converted": the posterior Beta(k + 1, n − k + 1) of a uniform prior.
    ///
    /// # Errors
    /// [`Problem::MoreSuccessesThanTrials`] when k > n,
    /// [`Problem::OutOfRange`] when n > `MAX_EVIDENCE_N`.
    ///
    /// # Examples
    /// ```
    /// use funnelcast_engine::Rate;
    /// let r = Rate::evidence(60, 200).unwrap();
    /// assert!((r.mean() - 61.0 / 202.0).abs() < 1e-15);
    /// ```
    pub fn evidence(k: u64, n: u64) -> Result<Self, Problem> {
        if n > limits::MAX_EVIDENCE_N {
            return Err(Problem::OutOfRange {
                min: 0.0,
                max: limits::MAX_EVIDENCE_N as f64,
            });
        }
        if k > n {
            return Err(Problem::MoreSuccessesThanTrials);
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
    /// [`Problem::OutOfRange`] unless 0 < low < 1 and 0 < high < 1;
    /// [`Problem::LowNotBelowHigh`] unless low < high.
    ///
    /// # Examples
    /// ```
    /// use funnelcast_engine::Rate;
    /// let r = Rate::range(0.2, 0.3).unwrap();
    /// assert!((r.quantile(0.05) - 0.2).abs() < 1e-6);
    /// assert!((r.quantile(0.95) - 0.3).abs() < 1e-6);
    /// ```
    pub fn range(low: f64, high: f64) -> Result<Self, Problem> {
        let open = |x: f64| {
            if !x.is_finite() {
                Err(Problem::NotFinite)
            } else if x <= 0.0 || x >= 1.0 {
                Err(Problem::OutOfRange { min: 0.0, max: 1.0 })
            } else {
                Ok(())
            }
        };
        open(low)?;
        open(high)?;
        if low >= high {
            return Err(Problem::LowNotBelowHigh);
        }
        let (a, b) = fit_beta(low, high);
        Ok(Self(RateKind::Beta { a, b }))
    }

    pub(crate) fn kind(&self) -> RateKind {
        self.0
    }

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
    /// [`Problem::NotFinite`]/[`Problem::OutOfRange`] unless
    /// mean ∈ [0, MAX_DEAL_VALUE] and cv ∈ [0, MAX_DEAL_CV].
    ///
    /// # Examples
    /// ```
    /// use funnelcast_engine::DealValue;
    /// let d = DealValue::new(5_000.0, 0.5).unwrap();
    /// assert_eq!(d.mean(), 5_000.0);
    /// assert!(DealValue::new(5_000.0, -0.1).is_err());
    /// ```
    pub fn new(mean: f64, cv: f64) -> Result<Self, Problem> {
        check_finite_in(mean, 0.0, limits::MAX_DEAL_VALUE)?;
        check_finite_in(cv, 0.0, limits::MAX_DEAL_CV)?;
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

fn check_finite_in(x: f64, min: f64, max: f64) -> Result<(), Problem> {
    if !x.is_finite() {
        Err(Problem::NotFinite)
    } else if x < min || x > max {
        Err(Problem::OutOfRange { min, max })
    } else {
        Ok(())
    }
}

/// One change to a rate, applied to each trial's drawn rate in lever order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum RateOp {
    Points(f64),
    Relative(f64),
}

impl RateOp {
    #[inline]
    pub(crate) fn apply(self, r: f64) -> f64 {
        match self {
            RateOp::Points(p) => (r + p).clamp(0.0, 1.0),
            RateOp::Relative(f) => (r * (1.0 + f)).clamp(0.0, 1.0),
        }
    }
}

/// A scenario's levers as they act on one segment.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SegmentLevers {
    pub volume_factor: f64,
    /// `rate_ops[i - 1]`: operations on the rate into stage i, in order.
    pub rate_ops: Vec<Vec<RateOp>>,
    pub deal_factor: f64,
}

impl SegmentLevers {
    pub(crate) fn identity(stages: usize) -> Self {
        Self {
            volume_factor: 1.0,
            rate_ops: vec![Vec::new(); stages - 1],
            deal_factor: 1.0,
        }
    }
    pub(crate) fn is_identity(&self) -> bool {
        self.volume_factor == 1.0
            && self.deal_factor == 1.0
            && self.rate_ops.iter().all(|v| v.is_empty())
    }
    #[inline]
    pub(crate) fn rate(&self, i: usize, r: f64) -> f64 {
        self.rate_ops[i].iter().fold(r, |r, op| op.apply(r))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SegmentPlan {
    pub volume: Volume,
    /// `rates[i - 1]` is the rate into stage i.
    pub rates: Vec<Rate>,
    pub deal: DealValue,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ScenarioPlan {
    pub name: String,
    pub cost: Option<f64>,
    /// One per segment.
    pub levers: Vec<SegmentLevers>,
}

/// A validated model: every value in range, every distribution constructed.
/// Cheap to clone; sampling a `Plan` never fails.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub(crate) stage_names: Vec<String>,
    pub(crate) segment_names: Vec<String>,
    pub(crate) segments: Vec<SegmentPlan>,
    /// Index 0 is the baseline (identity levers).
    pub(crate) scenarios: Vec<ScenarioPlan>,
    pub(crate) margin: Option<f64>,
    pub(crate) trials: u32,
    pub(crate) seed: u64,
    /// Test hook: never use the fixed-input fast path.
    pub(crate) force_general: bool,
}

impl Plan {
    /// Number of stages (entry stage included).
    pub fn stages(&self) -> usize {
        self.stage_names.len()
    }
    pub fn stage_names(&self) -> &[String] {
        &self.stage_names
    }
    pub fn segments(&self) -> usize {
        self.segments.len()
    }
    pub fn segment_names(&self) -> &[String] {
        &self.segment_names
    }
    /// Scenarios including the baseline (index 0).
    pub fn scenarios(&self) -> usize {
        self.scenarios.len()
    }
    pub fn scenario_name(&self, s: usize) -> &str {
        &self.scenarios[s].name
    }
    pub fn trials(&self) -> u32 {
        self.trials
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn margin(&self) -> Option<f64> {
        self.margin
    }
    /// Segment g's volume.
    pub fn volume(&self, g: usize) -> Volume {
        self.segments[g].volume
    }
    /// Segment g's rate into stage i (i ≥ 1).
    pub fn rate(&self, g: usize, i: usize) -> Rate {
        self.segments[g].rates[i - 1]
    }
    pub fn deal(&self, g: usize) -> DealValue {
        self.segments[g].deal
    }
    /// The same plan with another number of trials (clamped to the limits).
    pub fn with_trials(mut self, trials: u32) -> Self {
        self.trials = trials.clamp(1, limits::MAX_TRIALS);
        self
    }
    /// The same plan with another seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Test hook: run every segment on the general (binomial chain) path,
    /// never on the fixed-input table fast path. Same laws, other draws.
    #[doc(hidden)]
    pub fn with_general_path(mut self) -> Self {
        self.force_general = true;
        self
    }
}

impl Model {
    /// Check every input and build the [`Plan`].
    ///
    /// # Errors
    /// All problems found, each with the [`Field`] it is about (scenario
    /// levers use s ≥ 1: `scenarios[j]` is s = j + 1).
    ///
    /// # Examples
    /// ```
    /// let mut m = funnelcast_engine::workloads::w1();
    /// assert!(m.validate().is_ok());
    /// m.trials = 0;
    /// let errs = m.validate().unwrap_err();
    /// assert_eq!(errs[0].field, funnelcast_engine::Field::Trials);
    /// ```
    pub fn validate(&self) -> Result<Plan, Vec<ModelError>> {
        let mut errs = Vec::new();
        let mut push = |field: Field, problem: Problem| errs.push(ModelError::new(field, problem));
        let k = self.stages.len();
        if k < limits::MIN_STAGES {
            push(
                Field::Stages,
                Problem::TooFew {
                    min: limits::MIN_STAGES,
                },
            );
        }
        if k > limits::MAX_STAGES {
            push(
                Field::Stages,
                Problem::TooMany {
                    max: limits::MAX_STAGES,
                },
            );
        }
        for (i, name) in self.stages.iter().enumerate() {
            if name.chars().count() > limits::MAX_NAME_CHARS {
                push(
                    Field::StageName(i),
                    Problem::TooMany {
                        max: limits::MAX_NAME_CHARS,
                    },
                );
            }
        }
        if self.segments.is_empty() {
            push(Field::Segments, Problem::TooFew { min: 1 });
        }
        if self.segments.len() > limits::MAX_SEGMENTS {
            push(
                Field::Segments,
                Problem::TooMany {
                    max: limits::MAX_SEGMENTS,
                },
            );
        }
        let mut segments = Vec::new();
        for (g, seg) in self.segments.iter().enumerate() {
            if seg.name.chars().count() > limits::MAX_NAME_CHARS {
                push(
                    Field::SegmentName(g),
                    Problem::TooMany {
                        max: limits::MAX_NAME_CHARS,
                    },
                );
            }
            let volume = match seg.volume {
                VolumeSpec::Fixed { value } => {
                    Volume::fixed(value).map_err(|p| vec![(Field::Volume(g), p)])
                }
                VolumeSpec::Range { low, high } => {
                    let positive = |x: f64| match check_finite_in(x, 0.0, limits::MAX_VOLUME) {
                        Ok(()) if x == 0.0 => Err(Problem::OutOfRange {
                            min: 0.0,
                            max: limits::MAX_VOLUME,
                        }),
                        r => r,
                    };
                    match (positive(low), positive(high)) {
                        (Ok(()), Ok(())) => {
                            Volume::range(low, high).map_err(|p| vec![(Field::VolumeHigh(g), p)])
                        }
                        (l, h) => {
                            let mut v = Vec::new();
                            if let Err(p) = l {
                                v.push((Field::VolumeLow(g), p));
                            }
                            if let Err(p) = h {
                                v.push((Field::VolumeHigh(g), p));
                            }
                            Err(v)
                        }
                    }
                }
            };
            let volume = match volume {
                Ok(v) => Some(v),
                Err(list) => {
                    for (f, p) in list {
                        push(f, p);
                    }
                    None
                }
            };
            if seg.rates.len() + 1 != k {
                push(Field::Stages, Problem::NoSuchIndex);
            }
            let mut rates = Vec::new();
            for (j, spec) in seg.rates.iter().enumerate() {
                let i = j + 1;
                let r = match *spec {
                    RateSpec::Fixed { value } => {
                        Rate::fixed(value).map_err(|p| (Field::Rate(g, i), p))
                    }
                    RateSpec::Evidence { k: kk, n } => Rate::evidence(kk, n).map_err(|p| match p {
                        Problem::MoreSuccessesThanTrials => (Field::EvidenceK(g, i), p),
                        _ => (Field::EvidenceN(g, i), p),
                    }),
                    RateSpec::Range { low, high } => {
                        let open = |x: f64| x.is_finite() && x > 0.0 && x < 1.0;
                        if !low.is_finite() {
                            Err((Field::RateLow(g, i), Problem::NotFinite))
                        } else if !open(low) {
                            Err((
                                Field::RateLow(g, i),
                                Problem::OutOfRange { min: 0.0, max: 1.0 },
                            ))
                        } else if !high.is_finite() {
                            Err((Field::RateHigh(g, i), Problem::NotFinite))
                        } else if !open(high) {
                            Err((
                                Field::RateHigh(g, i),
                                Problem::OutOfRange { min: 0.0, max: 1.0 },
                            ))
                        } else {
                            Rate::range(low, high).map_err(|p| (Field::RateHigh(g, i), p))
                        }
                    }
                };
                match r {
                    Ok(r) => rates.push(r),
                    Err((f, p)) => push(f, p),
                }
            }
            let mut deal_ok = true;
            if let Err(p) = check_finite_in(seg.deal.mean, 0.0, limits::MAX_DEAL_VALUE) {
                push(Field::DealValue(g), p);
                deal_ok = false;
            }
            if let Err(p) = check_finite_in(seg.deal.cv, 0.0, limits::MAX_DEAL_CV) {
                push(Field::DealCv(g), p);
                deal_ok = false;
            }
            if let (Some(volume), true, true) = (volume, rates.len() == seg.rates.len(), deal_ok) {
                if let Ok(deal) = DealValue::new(seg.deal.mean, seg.deal.cv) {
                    segments.push(SegmentPlan {
                        volume,
                        rates,
                        deal,
                    });
                }
            }
        }
        if let Some(m) = self.margin {
            if !m.is_finite() {
                push(Field::Margin, Problem::NotFinite);
            } else if m <= 0.0 || m > 1.0 {
                push(Field::Margin, Problem::OutOfRange { min: 0.0, max: 1.0 });
            }
        }
        let runs = self.scenarios.len() + 1;
        if self.trials < limits::MIN_TRIALS || self.trials > limits::MAX_TRIALS {
            push(
                Field::Trials,
                Problem::OutOfRange {
                    min: limits::MIN_TRIALS as f64,
                    max: limits::MAX_TRIALS as f64,
                },
            );
        } else if self.trials as u64 * runs as u64 > limits::MAX_TRIAL_SCENARIOS {
            push(
                Field::Trials,
                Problem::TrialsForScenarios {
                    max: (limits::MAX_TRIAL_SCENARIOS / runs as u64) as u32,
                    scenarios: runs,
                },
            );
        }
        if self.scenarios.len() + 1 > limits::MAX_SCENARIOS {
            push(
                Field::Scenarios,
                Problem::TooMany {
                    max: limits::MAX_SCENARIOS - 1,
                },
            );
        }
        let nseg = self.segments.len();
        let stages_ok = (limits::MIN_STAGES..=limits::MAX_STAGES).contains(&k);
        let mut scenarios = vec![ScenarioPlan {
            name: "Baseline".into(),
            cost: None,
            levers: vec![SegmentLevers::identity(k.max(1)); nseg],
        }];
        for (j, sc) in self.scenarios.iter().enumerate() {
            let s = j + 1;
            if sc.name.chars().count() > limits::MAX_NAME_CHARS {
                push(
                    Field::ScenarioName(s),
                    Problem::TooMany {
                        max: limits::MAX_NAME_CHARS,
                    },
                );
            }
            if let Scope::Segment(g) = sc.scope {
                if g >= nseg {
                    push(Field::LeverScope(s), Problem::NoSuchIndex);
                }
            }
            if let Some(c) = sc.cost {
                if let Err(p) = check_finite_in(c, 0.0, f64::MAX) {
                    push(Field::LeverCost(s), p);
                }
            }
            let mut lv = SegmentLevers::identity(k.max(1));
            for lever in &sc.levers {
                match *lever {
                    Lever::Volume { frac } => match check_finite_in(frac, -1.0, 100.0) {
                        Ok(()) => lv.volume_factor *= 1.0 + frac,
                        Err(p) => push(Field::LeverVolumePct(s), p),
                    },
                    Lever::Deal { frac } => match check_finite_in(frac, -1.0, 100.0) {
                        Ok(()) => lv.deal_factor *= 1.0 + frac,
                        Err(p) => push(Field::LeverDealPct(s), p),
                    },
                    Lever::RatePoints { stage, points } => {
                        if stage == 0 || stage >= k {
                            push(Field::LeverRatePts(s, stage), Problem::NoSuchIndex);
                        } else {
                            match check_finite_in(points, -1.0, 1.0) {
                                Ok(()) => lv.rate_ops[stage - 1].push(RateOp::Points(points)),
                                Err(p) => push(Field::LeverRatePts(s, stage), p),
                            }
                        }
                    }
                    Lever::RateRelative { stage, frac } => {
                        if stage == 0 || stage >= k {
                            push(Field::LeverRatePct(s, stage), Problem::NoSuchIndex);
                        } else {
                            match check_finite_in(frac, -1.0, 100.0) {
                                Ok(()) => lv.rate_ops[stage - 1].push(RateOp::Relative(frac)),
                                Err(p) => push(Field::LeverRatePct(s, stage), p),
                            }
                        }
                    }
                }
            }
            let levers = (0..nseg)
                .map(|g| match sc.scope {
                    Scope::All => lv.clone(),
                    Scope::Segment(h) if h == g => lv.clone(),
                    Scope::Segment(_) => SegmentLevers::identity(k.max(1)),
                })
                .collect();
            scenarios.push(ScenarioPlan {
                name: sc.name.clone(),
                cost: sc.cost,
                levers,
            });
        }
        if !errs.is_empty() || !stages_ok {
            return Err(errs);
        }
        Ok(Plan {
            stage_names: self.stages.clone(),
            segment_names: self.segments.iter().map(|s| s.name.clone()).collect(),
            segments,
            scenarios,
            margin: self.margin,
            trials: self.trials,
            seed: self.seed,
            force_general: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workloads;

    /// w3 has four scenarios with the baseline: 8M / 4 = 2M trials at most.
    #[test]
    fn trials_are_bounded_by_the_scenarios_memory() {
        let mut m = workloads::w3();
        m.trials = 2_000_000;
        assert!(m.validate().is_ok());
        m.trials = 2_000_001;
        let errs = m.validate().unwrap_err();
        assert_eq!(
            errs,
            vec![ModelError::new(
                Field::Trials,
                Problem::TrialsForScenarios {
                    max: 2_000_000,
                    scenarios: 4
                }
            )]
        );
        // One scenario: the plain bound.
        m.scenarios.clear();
        m.trials = limits::MAX_TRIALS;
        assert!(m.validate().is_ok());
    }
}
