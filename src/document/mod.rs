//! The page's document: everything a user set up, as ONE serialisable,
//! versioned value — the funnel and its labels, the scenarios, trials and
//! seed, money settings and the goal-seek inputs. It is what a link, a file
//! or the autosave holds, and what the undo history records.
//!
//! The language is not in it: it is a view setting beside the document
//! (switching it changes what is shown, starts no run and changes no link).
//! The engine never sees labels: [`Document::model`] gives it numbers only.
//!
//! - `edit.rs`: every edit of the page as a plain function on the document;
//! - `codec.rs`: the one fallible codec (JSON text), which checks every
//!   invariant before a document is used.

mod codec;
mod edit;
pub mod json;

pub use codec::{
    decode, encode, migrate, model_from_json, model_to_json, text_from_bytes, DecodeError,
    Inconsistency, Migration, MAX_ENCODED_BYTES, MIGRATIONS,
};
pub use edit::{goal_lever_code, CountsProblem, LeverKind, ModeNote};

pub use funnelcast_engine::months::LagSpec;
use funnelcast_engine::months::TimeSpec;
use funnelcast_engine::{
    GoalLever, Model, ModelError, Plan, ScenarioSpec, SegmentSpec, VolumeSpec,
};
use serde::{Deserialize, Serialize};

use crate::format::{Currency, Lang};
use crate::names::Label;

/// The newest format version this build reads and writes. Decoding refuses
/// newer ones (with a message) rather than guessing. A document is written
/// as the oldest version that holds it ([`Document::format_needed`]): 1
/// without time mode, 2 with it, so a link that uses no time-mode input
/// still opens in a page built before time mode (a workshop phone's cached
/// copy, say).
pub const FORMAT_VERSION: u32 = 2;

/// The largest seed, 2^53 - 1: the page shows and reads the seed in a
/// number box (an f64, a JavaScript number), which holds every whole number
/// up to it exactly. The decoder refuses a larger one and the box refuses
/// to set one, so a seed is always shown as the digits it runs with.
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// The version of the engine's numbers ([`funnelcast_engine::NUMBERS`], kept
/// by the engine, whose goldens tell when it must change). A document records
/// the one that computed it, so a kept link opened after the numbers changed
/// says so beside the results instead of silently showing other digits.
pub const ENGINE_NUMBERS: u32 = funnelcast_engine::NUMBERS;

/// Documents written before the field existed were all computed by the
/// first numbers. The one statement of it: the codec's declaration of
/// `Document` (`json.rs`) and serde's attribute (the reference the tests
/// hold the codec to) both call it.
fn first_numbers() -> u32 {
    1
}

/// The period the volume is counted in; the results are "per period".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Month,
    Quarter,
}

impl Period {
    pub const ALL: [Period; 2] = [Period::Month, Period::Quarter];

    /// The `period` option value and the document's JSON ("month", "quarter").
    pub fn code(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
        }
    }

    pub fn from_code(code: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.code() == code)
    }

    /// Its length in months.
    pub fn months(self) -> u32 {
        match self {
            Period::Month => 1,
            Period::Quarter => 3,
        }
    }
}

/// The presets of the `preset` select, in display order; serialised as the
/// option values of the page's test contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PresetId {
    #[serde(rename = "classic5")]
    Classic5,
    #[serde(rename = "aida")]
    Aida,
    #[serde(rename = "b2b")]
    B2b,
    #[serde(rename = "b2c")]
    B2c,
    #[serde(rename = "ecommerce")]
    Ecommerce,
    #[serde(rename = "services")]
    Services,
    #[serde(rename = "case-b")]
    CaseB,
}

impl PresetId {
    pub const ALL: [PresetId; 7] = [
        PresetId::Classic5,
        PresetId::Aida,
        PresetId::B2b,
        PresetId::B2c,
        PresetId::Ecommerce,
        PresetId::Services,
        PresetId::CaseB,
    ];

    /// The `preset` option value ("classic5", …, "case-b").
    pub fn code(self) -> &'static str {
        match self {
            PresetId::Classic5 => "classic5",
            PresetId::Aida => "aida",
            PresetId::B2b => "b2b",
            PresetId::B2c => "b2c",
            PresetId::Ecommerce => "ecommerce",
            PresetId::Services => "services",
            PresetId::CaseB => "case-b",
        }
    }

    pub fn from_code(code: &str) -> Option<PresetId> {
        PresetId::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// One customer segment: its name and its numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub label: Label,
    pub spec: SegmentSpec,
    /// Time mode (format 2): `lags[i − 1]` is the lag of the people who
    /// convert into stage i, in days; a transition left out has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lags: Vec<LagSpec>,
}

/// One what-if: its name and its levers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub label: Label,
    pub spec: ScenarioSpec,
    /// Time mode (format 2): the campaign's months; `None`, the whole
    /// horizon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
}

/// A campaign's first and last month (1-based, inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub first: u32,
    pub last: u32,
}

/// Time mode's settings (format 2; engine/README.md, "Months"): kept while
/// time mode is off, so switching it back on finds them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeSettings {
    /// Whether the run is over months.
    pub on: bool,
    /// Months, 1–36.
    pub horizon: u32,
    /// Each month's weight on the entering volume; empty, every month 1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weights: Vec<f64>,
}

impl Default for TimeSettings {
    fn default() -> Self {
        TimeSettings {
            on: false,
            horizon: 12,
            weights: Vec::new(),
        }
    }
}

/// Goal seek: "what does it take for P(revenue ≥ target) ≥ prob?".
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    /// The revenue target per period; `None` until the user asks.
    pub target: Option<f64>,
    /// The probability as a fraction (0.9 = 90 %).
    pub prob: f64,
    /// The volume, or one stage's rate in points.
    pub lever: GoalLever,
}

impl Default for Goal {
    fn default() -> Self {
        Goal {
            target: None,
            prob: 0.9,
            lever: GoalLever::Volume,
        }
    }
}

/// The whole document. Invariants (checked by [`decode`], kept by every
/// edit): 2–12 stages; 1–6 segments, each with one rate fewer than stages;
/// at most 7 scenarios, whose scope and lever stages exist; a goal lever on
/// an existing stage. Values in range are the engine's to check, beside
/// their fields, like typed input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Format version ([`FORMAT_VERSION`] when written by this build).
    pub v: u32,
    /// The preset the funnel came from, until its stages are changed.
    pub preset: Option<PresetId>,
    /// Stage names, shared by every segment; stage 0 is the entry.
    pub stages: Vec<Label>,
    pub segments: Vec<Segment>,
    /// Scenarios besides the baseline (scenario s ≥ 1 is `scenarios[s - 1]`).
    pub scenarios: Vec<Scenario>,
    pub trials: u32,
    pub seed: u64,
    /// Gross margin as a fraction; ROI is on margin when it is set.
    pub margin: Option<f64>,
    /// Picked from the language when a document is created, then the user's.
    pub currency: Currency,
    pub period: Period,
    pub goal: Goal,
    /// [`ENGINE_NUMBERS`] of the build that wrote the document.
    #[serde(default = "first_numbers")]
    pub engine: u32,
    /// Time mode (format 2); `None` in a one-period document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeSettings>,
}

/// What a run of the engine needs from a document, and nothing else: two
/// documents with the same `RunInputs` give the same results.
#[derive(Clone, Debug, PartialEq)]
pub struct RunInputs {
    pub model: Model,
    pub goal: Goal,
    /// The time-mode inputs, while time mode is on.
    pub time: Option<TimeSpec>,
}

impl Document {
    /// A document with no funnel yet, in `lang`'s currency; presets fill it.
    pub fn empty(lang: Lang) -> Document {
        Document {
            v: FORMAT_VERSION,
            preset: None,
            stages: vec![],
            segments: vec![],
            scenarios: vec![],
            trials: 20_000,
            seed: 42,
            margin: None,
            currency: Currency::default_for(lang),
            period: Period::Month,
            goal: Goal::default(),
            engine: ENGINE_NUMBERS,
            time: None,
        }
    }

    /// The oldest format that holds this document: 2 when it has any
    /// time-mode input, else 1.
    pub fn format_needed(&self) -> u32 {
        let timed = self.time.is_some()
            || self.segments.iter().any(|s| !s.lags.is_empty())
            || self.scenarios.iter().any(|s| s.window.is_some());
        if timed {
            2
        } else {
            1
        }
    }

    /// Time mode's inputs for the engine, when time mode is on.
    pub fn time_spec(&self) -> Option<TimeSpec> {
        let t = self.time.as_ref().filter(|t| t.on)?;
        Some(TimeSpec {
            horizon: t.horizon,
            weights: t.weights.clone(),
            lags: self.segments.iter().map(|s| s.lags.clone()).collect(),
            windows: self
                .scenarios
                .iter()
                .map(|s| s.window.map(|w| (w.first, w.last)))
                .collect(),
        })
    }

    /// The engine's check of the time-mode inputs against a valid `plan`
    /// (`None` while time mode is off): each problem names its field. The
    /// page checks with [`Document::plan`] and the runner computes the
    /// close laws, so only the tests ask for it.
    #[cfg(test)]
    pub fn time_plan(
        &self,
        plan: &Plan,
    ) -> Option<Result<funnelcast_engine::months::TimePlan, Vec<ModelError>>> {
        self.time_spec().map(|t| t.validate(plan))
    }

    /// Time mode's horizon in months (the default one while none is set).
    pub fn horizon(&self) -> u32 {
        self.time
            .as_ref()
            .map_or(TimeSettings::default().horizon, |t| t.horizon)
    }

    pub fn stages(&self) -> usize {
        self.stages.len()
    }

    /// The engine's model: numbers only, no labels, no language.
    pub fn model(&self) -> Model {
        Model {
            stages: self.stages.len(),
            segments: self.segments.iter().map(|s| s.spec.clone()).collect(),
            scenarios: self.scenarios.iter().map(|s| s.spec.clone()).collect(),
            margin: self.margin,
            trials: self.trials,
            seed: self.seed,
        }
    }

    /// What a run depends on (the model and the goal).
    pub fn run_inputs(&self) -> RunInputs {
        RunInputs {
            model: self.model(),
            goal: self.goal,
            time: self.time_spec(),
        }
    }

    /// The engine's check of every value, as for typed input: the model's,
    /// then the goal's probability (not part of the model, but as much a
    /// field a link or a file may hold out of range).
    pub fn plan(&self) -> Result<Plan, Vec<ModelError>> {
        // The time-mode inputs are checked against a valid model (their
        // bounds depend on its stages, scenarios and trials).
        let plan = self
            .model()
            .validate()
            .and_then(|plan| match self.time_spec() {
                Some(t) => t.check(&plan).map(|()| plan),
                None => Ok(plan),
            });
        let goal: Vec<ModelError> = [
            funnelcast_engine::check_goal_prob(self.goal.prob),
            funnelcast_engine::check_goal_target(self.goal.target),
        ]
        .into_iter()
        .filter_map(Result::err)
        .collect();
        match plan {
            Ok(_) if !goal.is_empty() => Err(goal),
            Ok(plan) => Ok(plan),
            Err(mut errs) => {
                errs.extend(goal);
                Err(errs)
            }
        }
    }

    /// The goal-seek lever in effect: a rate lever on a stage that is gone
    /// runs (and shows) as the volume.
    pub fn goal_lever(&self) -> GoalLever {
        match self.goal.lever {
            GoalLever::RatePoints { stage } if stage == 0 || stage >= self.stages() => {
                GoalLever::Volume
            }
            l => l,
        }
    }

    /// Expected count at every stage of segment `g`, from the engine's own
    /// means of what it samples (a range volume's lognormal mean, a range
    /// rate's fitted Beta mean): the numbers in the count boxes, the total
    /// row and the funnel chart. `None` from an input the engine refuses on.
    pub fn expected_counts(&self, g: usize) -> Vec<Option<f64>> {
        self.segments
            .get(g)
            .map(|s| s.spec.expected_counts())
            .unwrap_or_default()
    }

    /// Expected counts at every stage, summed over the segments; `None`
    /// where a segment's count is unknown.
    pub fn expected_totals(&self) -> Vec<Option<f64>> {
        let mut t = vec![Some(0.0); self.stages()];
        for g in 0..self.segments.len() {
            for (a, c) in t.iter_mut().zip(self.expected_counts(g)) {
                *a = match (*a, c) {
                    (Some(a), Some(c)) => Some(a + c),
                    _ => None,
                };
            }
        }
        t
    }

    /// The volume box's value: a fixed volume, or a range's mean.
    pub fn volume_value(&self, g: usize) -> Option<f64> {
        let v = self.segments.get(g)?.spec.volume;
        match v {
            VolumeSpec::Fixed { value } => Some(value),
            VolumeSpec::Range { .. } => v.mean(),
        }
    }

    pub fn scenario(&self, s: usize) -> Option<&Scenario> {
        self.scenarios.get(s.checked_sub(1)?)
    }

    /// Names typed too long, as (field, limit) for the messages beside them.
    pub fn name_problems(&self) -> Vec<crate::fields::FieldId> {
        use crate::fields::FieldId;
        let stages = self
            .stages
            .iter()
            .enumerate()
            .filter(|(_, l)| l.too_long())
            .map(|(i, _)| FieldId::StageName(i));
        let segments = self
            .segments
            .iter()
            .enumerate()
            .filter(|(_, s)| s.label.too_long())
            .map(|(g, _)| FieldId::SegmentName(g));
        let scenarios = self
            .scenarios
            .iter()
            .enumerate()
            .filter(|(_, s)| s.label.too_long())
            .map(|(j, _)| FieldId::ScenarioName(j + 1));
        stages.chain(segments).chain(scenarios).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::initial_doc;
    use funnelcast_engine::RateSpec;

    /// The codes are the select's option values and the JSON's words; serde's
    /// derived names (the reference the hand-written JSON is tested against)
    /// must be the same.
    #[test]
    fn period_codes_read_back_and_match_serde() {
        for p in Period::ALL {
            assert_eq!(Period::from_code(p.code()), Some(p));
            assert_eq!(
                serde_json::to_string(&p).unwrap(),
                format!("\"{}\"", p.code())
            );
        }
        assert_eq!(Period::from_code("year"), None);
        assert_ne!(Period::Month.code(), Period::Quarter.code());
    }

    #[test]
    fn the_model_has_no_labels_and_the_language_changes_nothing() {
        let en = initial_doc(Lang::En);
        let mut zh = initial_doc(Lang::Zh);
        // Only the currency differs: it is picked when a document is created.
        zh.currency = en.currency;
        assert_eq!(en, zh, "labels are keys, the same in both languages");
        assert_eq!(en.model().stages, 5);
    }

    /// The count boxes and the funnel use the engine's means: for a range
    /// volume the lognormal's mean (above its median √(lo·hi)), for a range
    /// rate the fitted Beta's mean (not the midpoint).
    #[test]
    fn expected_counts_are_the_engines_means_for_ranges() {
        let mut d = initial_doc(Lang::En);
        d.segments[0].spec.volume = VolumeSpec::Range {
            low: 5_000.0,
            high: 20_000.0,
        };
        d.segments[0].spec.rates[0] = RateSpec::Range {
            low: 0.02,
            high: 0.30,
        };
        let counts = d.expected_counts(0);
        let plan = d.plan().unwrap();
        let engine = plan.expected_counts(0);
        assert_eq!(counts.len(), engine.len());
        for (a, b) in counts.iter().zip(&engine) {
            assert_eq!(a.unwrap(), *b);
        }
        let median = (5_000.0f64 * 20_000.0).sqrt();
        assert!(counts[0].unwrap() > median * 1.05, "{counts:?}");
        let rate = counts[1].unwrap() / counts[0].unwrap();
        assert!((rate - 0.16).abs() > 0.01, "midpoint used: {rate}");
        assert_eq!(d.expected_totals()[1], counts[1]);
    }

    #[test]
    fn a_refused_input_leaves_the_counts_below_it_unknown() {
        let mut d = initial_doc(Lang::En);
        d.segments[0].spec.rates[1] = RateSpec::Fixed { value: 1.5 };
        let c = d.expected_counts(0);
        assert!(c[1].is_some() && c[2].is_none() && c[4].is_none(), "{c:?}");
    }

    /// So is a goal's target: negative, not finite or past 1e15, a
    /// message beside `goal-target` and no run.
    #[test]
    fn an_out_of_range_goal_target_is_a_field_error() {
        use funnelcast_engine::Field;
        let mut d = initial_doc(Lang::En);
        for t in [-1.0, f64::NAN, f64::INFINITY, 2e15] {
            d.goal.target = Some(t);
            let errs = d.plan().err().unwrap_or_default();
            assert!(
                errs.iter().any(|e| e.field == Field::GoalTarget),
                "{t}: {errs:?}"
            );
        }
        for t in [None, Some(0.0), Some(450_000.0), Some(1e15)] {
            d.goal.target = t;
            assert!(d.plan().is_ok(), "{t:?}");
        }
    }

    /// A goal probability from a link or a file is checked like typed
    /// input: out of range, it gets a message beside `goal-prob` and no run
    /// starts (the goal seek would otherwise clamp it silently).
    #[test]
    fn an_out_of_range_goal_probability_is_a_field_error() {
        use funnelcast_engine::{Field, Problem};
        let mut d = initial_doc(Lang::En);
        for prob in [2.0, 1.0, 0.0, -0.5, 0.9995, 0.005] {
            d.goal.prob = prob;
            let errs = d.plan().err().unwrap_or_default();
            assert!(
                errs.iter().any(|e| e.field == Field::GoalProb
                    && matches!(e.problem, Problem::OutOfRange { .. })),
                "{prob}: {errs:?}"
            );
        }
        // What the box accepts (1 to 99.9, divided by 100) is accepted here.
        for typed in [1.0, 50.0, 90.0, 99.9] {
            d.goal.prob = typed / 100.0;
            assert!(d.plan().is_ok(), "{typed}: {:?}", d.plan().err());
        }
    }
}
