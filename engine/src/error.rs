//! Errors are values that name the input they are about (serialisable, so
//! they cross from a Web Worker to the page): a [`ModelError`]
//! names a field of the [`crate::Model`], so the page can put its own message
//! beside the right input; an [`ArgError`] names the argument of a
//! constructor ([`crate::Volume::range`], [`crate::Rate::evidence`], …), and
//! [`crate::Model::validate`] maps one to the other.

use core::fmt;

use serde::{Deserialize, Serialize};

/// Which input a [`ModelError`] is about. `g` is the segment, `i` the stage
/// (i ≥ 1 for rates: the rate *into* stage i), `s` the scenario (0 = baseline,
/// so a scenario's levers have s ≥ 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Field {
    Stages,
    Segments,
    Volume(usize),
    VolumeLow(usize),
    VolumeHigh(usize),
    Rate(usize, usize),
    RateLow(usize, usize),
    RateHigh(usize, usize),
    EvidenceK(usize, usize),
    EvidenceN(usize, usize),
    DealValue(usize),
    DealCv(usize),
    Margin,
    Trials,
    Seed,
    Scenarios,
    LeverScope(usize),
    LeverVolumePct(usize),
    LeverRatePts(usize, usize),
    LeverRatePct(usize, usize),
    LeverDealPct(usize),
    LeverCost(usize),
    GoalTarget,
    GoalProb,
    /// Time mode (README.md, "Months"): the horizon in months.
    Horizon,
    /// The entering volume's weight in month m (1-based).
    MonthWeight(usize),
    /// The typical (median) lag of transition i of segment g, in days.
    LagMedian(usize, usize),
    /// The slow case (P90) of that lag.
    LagP90(usize, usize),
    /// Scenario s's campaign window: its first and last month.
    CampaignStart(usize),
    CampaignEnd(usize),
}

/// What is wrong with the value. Bounds are in the unit the engine uses
/// (fractions for rates); the page turns them into its own words and units.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Problem {
    /// NaN or infinite.
    NotFinite,
    /// Outside `[min, max]`.
    OutOfRange { min: f64, max: f64 },
    /// Must be a whole number.
    NotWhole,
    /// The low end of a range is not below its high end.
    LowNotBelowHigh,
    /// Evidence "k of n" with k > n.
    MoreSuccessesThanTrials,
    /// Too many items (stages, segments, scenarios).
    TooMany { max: usize },
    /// Too few items.
    TooFew { min: usize },
    /// A stage or segment index that does not exist.
    NoSuchIndex,
    /// More trials than memory allows with this many scenarios (the
    /// baseline included).
    TrialsForScenarios { max: u32, scenarios: usize },
    /// A rate range narrower than a fitted Beta can honour (its quantiles
    /// would not come out at the range's ends): a fixed rate says the same.
    RangeTooNarrow,
    /// A volume range whose high end is more than `max_ratio` × its low end.
    RangeTooWide { max_ratio: f64 },
    /// A lag whose slow case (P90) is below its typical (median) value.
    P90BelowMedian,
    /// A slow case (P90) above 0 for a typical lag of 0 days.
    SlowCaseOfNoLag,
    /// A campaign window that ends before it starts.
    EndBeforeStart,
}

/// An input that the engine refuses, with the field it is about.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelError {
    pub field: Field,
    pub problem: Problem,
}

impl ModelError {
    pub fn new(field: Field, problem: Problem) -> Self {
        Self { field, problem }
    }
}

/// Plain English, for logs and tests; the page writes its own words from
/// [`Problem`] in the user's language.
impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.field, self.problem)
    }
}

impl std::error::Error for ModelError {}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Problem::NotFinite => write!(f, "must be a number"),
            Problem::OutOfRange { min, max } => {
                write!(f, "must be between {min} and {max}")
            }
            Problem::NotWhole => write!(f, "must be a whole number"),
            Problem::LowNotBelowHigh => write!(f, "the low end must be below the high end"),
            Problem::MoreSuccessesThanTrials => {
                write!(f, "converted cannot exceed the number who entered")
            }
            Problem::TooMany { max } => write!(f, "at most {max}"),
            Problem::TooFew { min } => write!(f, "at least {min}"),
            Problem::NoSuchIndex => write!(f, "no such stage or segment"),
            Problem::TrialsForScenarios { max, scenarios } => {
                write!(f, "at most {max} with {scenarios} scenarios")
            }
            Problem::RangeTooNarrow => write!(f, "range too narrow to fit: use a fixed rate"),
            Problem::P90BelowMedian => write!(f, "the slow case cannot be below the typical lag"),
            Problem::SlowCaseOfNoLag => {
                write!(f, "a typical lag of 0 days has no slow case: set both to 0")
            }
            Problem::EndBeforeStart => write!(f, "the last month cannot come before the first"),
            Problem::RangeTooWide { max_ratio } => {
                write!(
                    f,
                    "the high end may be at most {max_ratio} times the low end"
                )
            }
        }
    }
}

/// `x` finite and within `[min, max]`: the check behind every constructor.
pub(crate) fn check_finite_in(x: f64, min: f64, max: f64) -> Result<(), Problem> {
    if !x.is_finite() {
        Err(Problem::NotFinite)
    } else if x < min || x > max {
        Err(Problem::OutOfRange { min, max })
    } else {
        Ok(())
    }
}

/// Which argument of a constructor an [`ArgError`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Arg {
    /// The value of [`crate::Volume::fixed`] or [`crate::Rate::fixed`].
    Value,
    /// The low end of a 90 % range.
    Low,
    /// The high end of a 90 % range (also where `low ≥ high` is reported).
    High,
    /// Successes `k` of [`crate::Rate::evidence`] (also where k > n is reported).
    K,
    /// Trials `n` of [`crate::Rate::evidence`].
    N,
    /// The mean of [`crate::DealValue::new`].
    Mean,
    /// The coefficient of variation of [`crate::DealValue::new`].
    Cv,
    /// The median of [`crate::lag::Lag::new`].
    Median,
    /// The 90th percentile of [`crate::lag::Lag::new`].
    P90,
}

/// A constructor's refusal, naming the argument at fault (the way
/// `rand_distr`'s constructors do), so [`crate::Model::validate`] only maps
/// [`Arg`] to the model's [`Field`]. Arguments are checked in order; the
/// first one at fault is reported.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ArgError {
    pub arg: Arg,
    pub problem: Problem,
}

impl ArgError {
    pub fn new(arg: Arg, problem: Problem) -> Self {
        Self { arg, problem }
    }
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.arg, self.problem)
    }
}

impl std::error::Error for ArgError {}
