//! The whole model as one serialisable value: what the user typed, in the
//! engine's units (rates and percentages as fractions, money in the chosen
//! currency). It lives in the page's address and in files, so it holds plain
//! data only; [`Model::validate`] turns it into a [`crate::Plan`] whose values
//! are always valid.

use serde::{Deserialize, Serialize};

/// Limits that keep a run's memory and time bounded; each is refused with a
/// clear error when exceeded.
pub mod limits {
    pub const MAX_STAGES: usize = 12;
    pub const MIN_STAGES: usize = 2;
    pub const MAX_SEGMENTS: usize = 6;
    /// Scenarios including the baseline.
    pub const MAX_SCENARIOS: usize = 8;
    pub const MIN_TRIALS: u32 = 100;
    pub const MAX_TRIALS: u32 = 5_000_000;
    /// Trials × scenarios (the baseline included): every scenario keeps one
    /// revenue per trial for its quantiles and the uplift, about 10 bytes a
    /// trial with the scratch, so this keeps a run under about 100 MB — a
    /// phone's tab survives it.
    pub const MAX_TRIAL_SCENARIOS: u64 = 8_000_000;
    /// People entering a segment per period.
    pub const MAX_VOLUME: f64 = 1e9;
    pub const MAX_DEAL_VALUE: f64 = 1e12;
    /// Coefficient of variation of one deal's value (10 = 1000 %).
    pub const MAX_DEAL_CV: f64 = 10.0;
    pub const MAX_EVIDENCE_N: u64 = 1_000_000_000;
    pub const MAX_NAME_CHARS: usize = 60;
}

/// The entering volume of a segment (people per period).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VolumeSpec {
    Fixed {
        value: f64,
    },
    /// A 90 % range: a lognormal whose P5 and P95 are `low` and `high`.
    Range {
        low: f64,
        high: f64,
    },
}

/// A conversion rate into a stage, as a fraction in [0, 1].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RateSpec {
    Fixed {
        value: f64,
    },
    /// "k of n converted": the posterior Beta(k + 1, n − k + 1).
    Evidence {
        k: u64,
        n: u64,
    },
    /// A 90 % range: a Beta whose P5 and P95 are `low` and `high`.
    Range {
        low: f64,
        high: f64,
    },
}

impl RateSpec {
    /// The rate's expected value (the plan value shown in the editor).
    pub fn mean(&self) -> f64 {
        match *self {
            RateSpec::Fixed { value } => value,
            RateSpec::Evidence { k, n } => (k as f64 + 1.0) / (n as f64 + 2.0),
            RateSpec::Range { low, high } => 0.5 * (low + high),
        }
    }
}

/// The value of one deal: a Gamma with this mean and coefficient of variation
/// (cv = 0: every deal is worth exactly `mean`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DealSpec {
    pub mean: f64,
    pub cv: f64,
}

/// One customer segment (the article's case B): its own volume, rates and deal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentSpec {
    pub name: String,
    pub volume: VolumeSpec,
    /// `rates[i - 1]` is the rate into stage i; one fewer than the stages.
    pub rates: Vec<RateSpec>,
    pub deal: DealSpec,
}

/// Which segments a lever acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    All,
    Segment(usize),
}

/// One change a scenario makes to the baseline.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Lever {
    /// Volume × (1 + `frac`): 0.3 is "+30 % awareness".
    Volume { frac: f64 },
    /// The rate into `stage` plus `points` (0.05 = +5 percentage points), clamped to [0, 1].
    RatePoints { stage: usize, points: f64 },
    /// The rate into `stage` × (1 + `frac`), clamped to [0, 1].
    RateRelative { stage: usize, frac: f64 },
    /// Deal value × (1 + `frac`).
    Deal { frac: f64 },
}

/// A what-if: levers applied to the baseline, on one segment or all, with an
/// optional cost for net gain and ROI.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScenarioSpec {
    pub name: String,
    pub scope: Scope,
    pub levers: Vec<Lever>,
    pub cost: Option<f64>,
}

/// Everything a run depends on. Stage names are shared by all segments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub stages: Vec<String>,
    pub segments: Vec<SegmentSpec>,
    /// Scenarios besides the baseline (scenario s ≥ 1 is `scenarios[s - 1]`).
    pub scenarios: Vec<ScenarioSpec>,
    /// Gross margin as a fraction; ROI is on margin when it is set.
    pub margin: Option<f64>,
    pub trials: u32,
    pub seed: u64,
}
