//! Errors are values that name the input they are about, so the page can put
//! the message beside the right field (TESTING.md's `field-error`/`data-field`).

use core::fmt;

/// Which input a [`ModelError`] is about. `g` is the segment, `i` the stage
/// (i ≥ 1 for rates: the rate *into* stage i), `s` the scenario (0 = baseline,
/// so a scenario's levers have s ≥ 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    StageName(usize),
    Stages,
    Segments,
    SegmentName(usize),
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
    ScenarioName(usize),
    LeverScope(usize),
    LeverVolumePct(usize),
    LeverRatePts(usize, usize),
    LeverRatePct(usize, usize),
    LeverDealPct(usize),
    LeverCost(usize),
    GoalTarget,
    GoalProb,
}

impl Field {
    /// The page's `data-testid` of the input (TESTING.md's contract).
    pub fn testid(&self) -> String {
        use Field::*;
        match *self {
            StageName(i) => format!("stage-name-{i}"),
            Stages => "add-stage".into(),
            Segments => "add-segment".into(),
            SegmentName(g) => format!("segment-name-{g}"),
            Volume(g) => format!("volume-{g}"),
            VolumeLow(g) => format!("volume-low-{g}"),
            VolumeHigh(g) => format!("volume-high-{g}"),
            Rate(g, i) => format!("rate-{g}-{i}"),
            RateLow(g, i) => format!("rate-low-{g}-{i}"),
            RateHigh(g, i) => format!("rate-high-{g}-{i}"),
            EvidenceK(g, i) => format!("evidence-k-{g}-{i}"),
            EvidenceN(g, i) => format!("evidence-n-{g}-{i}"),
            DealValue(g) => format!("deal-value-{g}"),
            DealCv(g) => format!("deal-cv-{g}"),
            Margin => "margin".into(),
            Trials => "trials".into(),
            Seed => "seed".into(),
            Scenarios => "add-scenario".into(),
            ScenarioName(s) => format!("scenario-name-{s}"),
            LeverScope(s) => format!("lever-scope-{s}"),
            LeverVolumePct(s) => format!("lever-volume-pct-{s}"),
            LeverRatePts(s, i) => format!("lever-rate-pts-{s}-{i}"),
            LeverRatePct(s, i) => format!("lever-rate-pct-{s}-{i}"),
            LeverDealPct(s) => format!("lever-deal-pct-{s}"),
            LeverCost(s) => format!("lever-cost-{s}"),
            GoalTarget => "goal-target".into(),
            GoalProb => "goal-prob".into(),
        }
    }
}

/// What is wrong with the value. Bounds are in the unit the engine uses
/// (fractions for rates); the page turns them into its own words and units.
#[derive(Clone, Copy, Debug, PartialEq)]
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
}

/// An input that the engine refuses, with the field it is about.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ModelError {
    pub field: Field,
    pub problem: Problem,
}

impl ModelError {
    pub fn new(field: Field, problem: Problem) -> Self {
        Self { field, problem }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = self.field.testid();
        match self.problem {
            Problem::NotFinite => write!(f, "{what}: must be a number"),
            Problem::OutOfRange { min, max } => {
                write!(f, "{what}: must be between {min} and {max}")
            }
            Problem::NotWhole => write!(f, "{what}: must be a whole number"),
            Problem::LowNotBelowHigh => write!(f, "{what}: the low end must be below the high end"),
            Problem::MoreSuccessesThanTrials => {
                write!(f, "{what}: converted cannot exceed the number who entered")
            }
            Problem::TooMany { max } => write!(f, "{what}: at most {max}"),
            Problem::TooFew { min } => write!(f, "{what}: at least {min}"),
            Problem::NoSuchIndex => write!(f, "{what}: no such stage or segment"),
            Problem::TrialsForScenarios { max, scenarios } => {
                write!(f, "{what}: at most {max} with {scenarios} scenarios")
            }
        }
    }
}

impl std::error::Error for ModelError {}
