//! What a run returns: plain data, serialisable so that it can cross from a
//! Web Worker to the page.

use serde::{Deserialize, Serialize};

/// Distribution summary of one quantity over the trials. Quantiles follow
/// one rule everywhere: the q-quantile is the smallest drawn value x with
/// F(x) ≥ q (the inverse of the empirical CDF), so counts stay whole.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub mean: f64,
    pub sd: f64,
    /// Monte Carlo standard error of the mean (sd / √T).
    pub se: f64,
    pub min: f64,
    pub p5: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub max: f64,
    /// 95 % Monte Carlo error of each estimate, in its units.
    #[serde(default)]
    pub err: McError,
}

/// Half-widths of 95 % Monte Carlo intervals: the mean's 1.96·sd/√T; a
/// quantile's half the distance between the order statistics of ranks
/// ⌊Tq − 1.96·√(Tq(1−q))⌋ and ⌈Tq + 1.96·√(Tq(1−q))⌉ + 1 (the
/// distribution-free binomial interval). 0 for a figure known exactly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct McError {
    pub mean: f64,
    pub p5: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
}

/// A law known exactly (every input of the run fixed): its mean and
/// quantiles (the smallest x with F(x) ≥ q).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExactLaw {
    pub mean: f64,
    pub p5: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
}

/// A scenario's customers and revenue computed from their exact laws
/// (a Binomial or a convolution over segments; a Binomial mixture of
/// Gammas), beside the drawn `customers` and `revenue`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExactFigures {
    pub customers: ExactLaw,
    pub revenue: ExactLaw,
}

/// Equal-width bins `[lo + j·width, lo + (j+1)·width)`; values outside the
/// binned range are counted in `below` / `above`. The revenue histograms of all
/// scenarios of one run share their bins, so they overlay.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    pub lo: f64,
    pub width: f64,
    pub counts: Vec<u32>,
    pub below: u32,
    pub above: u32,
}

/// The count reaching one stage.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StageSummary {
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    /// True when the figures come from the exact law (no Monte Carlo error).
    #[serde(default)]
    pub exact: bool,
    /// 95 % Monte Carlo errors (`p10`, `p90` unused); zeros when exact.
    #[serde(default)]
    pub err: McError,
}

/// A scenario against the baseline, trial by trial (common random numbers).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Revenue uplift R_s − R_0 per trial.
    pub uplift: Summary,
    pub uplift_hist: Histogram,
    /// P(R_s > R_0) + ½·P(R_s = R_0) (`p_more` + ½·`p_equal`).
    pub p_beat: f64,
    /// P(R_s > R_0): the share of trials where the scenario earns more,
    /// decided from the draws that differ (its own customers' revenue against
    /// the baseline's lost customers'), never from rounded totals.
    #[serde(default)]
    pub p_more: f64,
    /// P(R_s = R_0): the share of trials where the two runs differ in
    /// nothing (common in small funnels).
    #[serde(default)]
    pub p_equal: f64,
    /// 95 % Monte Carlo errors of `p_beat`, `p_more` and `p_equal`: the
    /// larger distance to the ends of Wilson's interval
    /// ([`crate::summary::share_error`]).
    #[serde(default)]
    pub p_beat_err: f64,
    #[serde(default)]
    pub p_more_err: f64,
    #[serde(default)]
    pub p_equal_err: f64,
    /// P(net gain > 0) when a cost is set: the share of trials whose
    /// uplift (× margin where one is set) is above the cost. P(beat) is
    /// about revenue only, and a lever can win on revenue in nearly every
    /// trial while losing money.
    #[serde(default)]
    pub p_profit: Option<f64>,
    /// Its 95 % Monte Carlo error, as `p_beat_err`.
    #[serde(default)]
    pub p_profit_err: f64,
    /// The mean uplift from the two exact mean revenues, when both runs
    /// have exact laws (every input fixed): `net_gain` and `roi` are then
    /// exact too.
    #[serde(default)]
    pub exact_uplift: Option<f64>,
    pub cost: Option<f64>,
    /// Mean uplift (× margin where a margin is set) − cost.
    pub net_gain: Option<f64>,
    /// net gain / cost, as a fraction.
    pub roi: Option<f64>,
}

impl Comparison {
    /// The mean uplift as the page shows it: exact when both runs have
    /// exact laws, else the drawn mean.
    pub fn mean_uplift(&self) -> f64 {
        self.exact_uplift.unwrap_or(self.uplift.mean)
    }

    /// Sets the net gain and ROI from a mean uplift `up` (the drawn or the
    /// exact one): net gain = up × (margin or 1) − cost, ROI = net gain /
    /// cost when the cost is above 0.
    pub fn set_net_from(&mut self, up: f64, margin: Option<f64>) {
        self.net_gain = self.cost.map(|k| up * margin.unwrap_or(1.0) - k);
        self.roi = match (self.net_gain, self.cost) {
            (Some(g), Some(k)) if k > 0.0 => Some(g / k),
            _ => None,
        };
    }
}

/// Results of one scenario (index 0 is the baseline).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScenarioResult {
    /// Totals over segments, stage 0 (entering volume) to stage k (customers).
    pub stages: Vec<StageSummary>,
    pub customers: Summary,
    pub revenue: Summary,
    pub revenue_hist: Histogram,
    /// The expected shortfall of revenue: the mean of the worst 5 % of
    /// trials (the lowest ⌈0.05·T⌉ revenues), and its 95 % Monte Carlo error
    /// ([`crate::summary::shortfall`]).
    #[serde(default)]
    pub cvar5: f64,
    #[serde(default)]
    pub cvar5_err: f64,
    /// P(revenue ≥ target) when the plan has a target
    /// ([`crate::Plan::with_target`]), and its 95 % error (Wilson's, as
    /// P(beat)'s).
    #[serde(default)]
    pub p_target: Option<f64>,
    #[serde(default)]
    pub p_target_err: f64,
    /// `None` for the baseline.
    pub vs_baseline: Option<Comparison>,
    /// The exact laws of customers and revenue, when every input is fixed
    /// (and the revenue's law is a Binomial mixture of Gammas: one deal value
    /// law and deal lever over the segments).
    #[serde(default)]
    pub exact: Option<ExactFigures>,
}

/// The input a sensitivity bar moves. (Externally tagged, unlike the
/// model's enums: results cross to the page in a compact binary format that
/// cannot read internally tagged enums, and are never kept as JSON.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SensitivityInput {
    /// The rate into this stage (+5 percentage points, capped at 100 %).
    Rate { stage: usize },
    /// Entering volume +10 % (a reference bar).
    Volume,
    /// Deal value +10 % (a reference bar).
    Deal,
}

/// Change in baseline mean revenue when one input moves (all segments).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SensitivityBar {
    pub input: SensitivityInput,
    pub gain: f64,
}

/// Revenue swing between an uncertain input's P10 and P90 (the classic tornado).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Swing {
    pub segment: usize,
    pub input: SensitivityInput,
    /// Mean revenue with the input at its P10 and at its P90.
    pub at_p10: f64,
    pub at_p90: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// Largest gain first.
    pub bars: Vec<SensitivityBar>,
    /// The stage whose rate gives the largest gain: the bottleneck.
    pub bottleneck: Option<usize>,
    /// Largest swing first; empty when nothing is uncertain.
    pub swings: Vec<Swing>,
}

/// Everything one run computed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub trials: u32,
    pub seed: u64,
    pub scenarios: Vec<ScenarioResult>,
    pub sensitivity: Sensitivity,
}

/// Answer of a goal seek.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalResult {
    /// What was moved.
    pub lever: GoalLever,
    /// Smallest change of the lever with P(revenue ≥ target) ≥ prob, as a
    /// fraction: a volume change (0.25 = +25 %) or rate points (0.05 = +5
    /// points); `None` when no change within the search range reaches it.
    pub change: Option<f64>,
    /// P(revenue ≥ target) at the answer, estimated on the run's trials.
    pub achieved: f64,
    /// Monte Carlo standard error of `achieved`.
    pub achieved_se: f64,
    /// Half-width of the search bracket around `change` (fraction).
    pub tolerance: f64,
    /// 95 % Monte Carlo error of `change` itself, in its units: the
    /// probability's error at the goal carried through the local slope of
    /// P(revenue ≥ target) against the lever, plus the bracket
    /// ([`crate::goal`]); NaN where the slope could not be measured, 0
    /// when there is no answer or it sits at the end of the range.
    #[serde(default)]
    pub change_err: f64,
}

/// What a goal seek may move, in every segment at once.
///
/// In JSON (documents, links) internally tagged like the model's enums,
/// `{"kind": "rate_points", "stage": 2}`; in compact binary formats (the
/// page's messages to and from its workers, which cannot read internal tags)
/// externally tagged: see [`goal_lever_serde`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GoalLever {
    /// The entering volume: × (1 + x), x from −1 to +1000.
    #[default]
    Volume,
    /// The rate into `stage` (≥ 1): + x points (a fraction, the rate kept
    /// within 0–100 %), x from −1 to +1.
    RatePoints { stage: usize },
}

/// [`GoalLever`]'s two representations, chosen by the format: internally
/// tagged where it is human-readable (JSON), externally tagged otherwise.
mod goal_lever_serde {
    use super::GoalLever;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    enum Tagged {
        Volume,
        RatePoints { stage: usize },
    }

    #[derive(Serialize, Deserialize)]
    enum Plain {
        Volume,
        RatePoints { stage: usize },
    }

    impl Serialize for GoalLever {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match (*self, s.is_human_readable()) {
                (GoalLever::Volume, true) => Tagged::Volume.serialize(s),
                (GoalLever::RatePoints { stage }, true) => {
                    Tagged::RatePoints { stage }.serialize(s)
                }
                (GoalLever::Volume, false) => Plain::Volume.serialize(s),
                (GoalLever::RatePoints { stage }, false) => {
                    Plain::RatePoints { stage }.serialize(s)
                }
            }
        }
    }

    impl<'de> Deserialize<'de> for GoalLever {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Ok(if d.is_human_readable() {
                match Tagged::deserialize(d)? {
                    Tagged::Volume => GoalLever::Volume,
                    Tagged::RatePoints { stage } => GoalLever::RatePoints { stage },
                }
            } else {
                match Plain::deserialize(d)? {
                    Plain::Volume => GoalLever::Volume,
                    Plain::RatePoints { stage } => GoalLever::RatePoints { stage },
                }
            })
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn json_keeps_the_internal_tag() {
            let l = GoalLever::RatePoints { stage: 2 };
            let j = serde_json::to_string(&l).unwrap();
            assert_eq!(j, r#"{"kind":"rate_points","stage":2}"#);
            assert_eq!(serde_json::from_str::<GoalLever>(&j).unwrap(), l);
            assert_eq!(
                serde_json::from_str::<GoalLever>(r#"{"kind":"volume"}"#).unwrap(),
                GoalLever::Volume
            );
        }
    }
}
