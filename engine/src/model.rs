//! The whole model as one serialisable value: what the user typed, in the
//! engine's units (rates and percentages as fractions, money in the chosen
//! currency). It lives in the page's address and in files, so it holds plain
//! data only (no names: labels are the page's); [`Model::validate`] turns it into a [`crate::Plan`] whose values
//! are always valid.

use crate::deal::DealValue;
use crate::error::ArgError;
use crate::rate::Rate;
use crate::volume::Volume;
use serde::{Deserialize, Serialize};

/// The limits' old path: they live in [`crate::limits`] so that `volume`,
/// `rate` and `deal` need not import the model they are part of.
pub use crate::limits;

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

impl VolumeSpec {
    /// The volume the engine samples ([`Volume::fixed`] or [`Volume::range`]).
    ///
    /// # Errors
    /// The constructor's [`ArgError`], naming `Value`, `Low` or `High`.
    pub fn to_volume(&self) -> Result<Volume, ArgError> {
        match *self {
            VolumeSpec::Fixed { value } => Volume::fixed(value),
            VolumeSpec::Range { low, high } => Volume::range(low, high),
        }
    }

    /// The mean of the volume the engine samples ([`Volume::mean`]: a range
    /// gives its lognormal's mean, not its median); `None` when the input is
    /// invalid.
    pub fn mean(&self) -> Option<f64> {
        self.to_volume().ok().map(|v| v.mean())
    }
}

impl RateSpec {
    /// The rate the engine samples ([`Rate::fixed`], [`Rate::evidence`] or
    /// [`Rate::range`], which fits a Beta: a few milliseconds).
    ///
    /// # Errors
    /// The constructor's [`ArgError`], naming `Value`, `K`, `N`, `Low` or `High`.
    pub fn to_rate(&self) -> Result<Rate, ArgError> {
        match *self {
            RateSpec::Fixed { value } => Rate::fixed(value),
            RateSpec::Evidence { k, n } => Rate::evidence(k, n),
            RateSpec::Range { low, high } => Rate::range(low, high),
        }
    }

    /// The mean of the rate the engine samples ([`Rate::mean`]: evidence
    /// gives (k + 1)/(n + 2), a range its fitted Beta's mean — not the
    /// midpoint); `None` when the input is invalid.
    ///
    /// # Examples
    /// ```
    /// use funnelcast_engine::RateSpec;
    /// let skewed = RateSpec::Range { low: 0.02, high: 0.2 };
    /// let mean = skewed.mean().unwrap();
    /// assert!(mean < 0.11 - 0.01, "{mean}"); // well below the midpoint 0.11
    /// assert_eq!(RateSpec::Fixed { value: 2.0 }.mean(), None);
    /// ```
    pub fn mean(&self) -> Option<f64> {
        self.to_rate().ok().map(|r| r.mean())
    }
}

/// The value of one deal: a Gamma with this mean and coefficient of variation
/// (cv = 0: every deal is worth exactly `mean`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DealSpec {
    pub mean: f64,
    pub cv: f64,
}

impl DealSpec {
    /// The deal value the engine samples ([`DealValue::new`]).
    ///
    /// # Errors
    /// The constructor's [`ArgError`], naming `Mean` or `Cv`.
    pub fn to_deal(&self) -> Result<DealValue, ArgError> {
        DealValue::new(self.mean, self.cv)
    }
}

/// One customer segment (the article's case B): its own volume, rates and deal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentSpec {
    pub volume: VolumeSpec,
    /// `rates[i - 1]` is the rate into stage i; one fewer than the stages.
    pub rates: Vec<RateSpec>,
    pub deal: DealSpec,
}

impl SegmentSpec {
    /// The expected count at each stage, entry stage included (`rates.len()
    /// + 1` values): the mean volume the engine samples, then each stage's
    /// expected count times the mean of the rate into the next as the engine
    /// samples it; `None` from the first input that is invalid onwards. The
    /// same computation as [`crate::Plan::expected_counts`].
    ///
    /// # Examples
    /// ```
    /// use funnelcast_engine::{DealSpec, RateSpec, SegmentSpec, VolumeSpec};
    /// let seg = SegmentSpec {
    ///     volume: VolumeSpec::Fixed { value: 1_000.4 }, // whole people: 1 000
    ///     rates: vec![RateSpec::Fixed { value: 0.5 }, RateSpec::Fixed { value: 7.0 }],
    ///     deal: DealSpec { mean: 100.0, cv: 0.0 },
    /// };
    /// assert_eq!(seg.expected_counts(), vec![Some(1_000.0), Some(500.0), None]);
    /// ```
    pub fn expected_counts(&self) -> Vec<Option<f64>> {
        expected_counts(
            self.volume.to_volume().ok(),
            self.rates.iter().map(|r| r.to_rate().ok()),
        )
    }
}

/// The funnel's expected counts from its constructed pieces: E[N₀] = E[V],
/// E[Nᵢ] = E[Nᵢ₋₁]·E[rᵢ] (binomial thinning by rates independent of the
/// volume), with the means of the laws the engine samples; `None` from the
/// first piece that did not construct onwards. The one computation behind
/// [`crate::Plan::expected_counts`] and [`SegmentSpec::expected_counts`], so
/// the page and the engine cannot disagree.
pub(crate) fn expected_counts(
    volume: Option<Volume>,
    rates: impl IntoIterator<Item = Option<Rate>>,
) -> Vec<Option<f64>> {
    let mut n = volume.map(|v| v.mean());
    let mut out = vec![n];
    for r in rates {
        n = n.zip(r).map(|(n, r)| n * r.mean());
        out.push(n);
    }
    out
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
    pub scope: Scope,
    pub levers: Vec<Lever>,
    pub cost: Option<f64>,
}

/// Everything a run depends on. Names and labels are the page's: the engine
/// knows stages, segments and scenarios by index.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// The number of stages, entry stage included (every segment has
    /// `stages - 1` rates).
    pub stages: usize,
    pub segments: Vec<SegmentSpec>,
    /// Scenarios besides the baseline (scenario s ≥ 1 is `scenarios[s - 1]`).
    pub scenarios: Vec<ScenarioSpec>,
    /// Gross margin as a fraction; ROI is on margin when it is set.
    pub margin: Option<f64>,
    pub trials: u32,
    pub seed: u64,
}
