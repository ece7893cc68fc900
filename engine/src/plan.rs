//! A validated run: [`Model::validate`] builds every piece through its
//! constructor ([`Volume`], [`Rate`], [`DealValue`], the levers), maps each
//! refused argument to the model's [`Field`], collects all errors and returns
//! a [`Plan`] whose values are always valid, so sampling never checks again
//! and never panics.

use crate::deal::DealValue;
use crate::error::{check_finite_in, Arg, Field, ModelError, Problem};
use crate::lever::SegmentLevers;
use crate::limits;
use crate::model::{expected_counts, Model, RateSpec, Scope, VolumeSpec};
use crate::rate::Rate;
use crate::volume::Volume;

/// Largest cost of a scenario: a thousand times the largest deal value, far
/// beyond any real budget, and a bound its message can print (any finite
/// value was accepted, and a refused one printed f64::MAX's 309 digits).
pub const MAX_COST: f64 = 1e15;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SegmentPlan {
    pub volume: Volume,
    /// `rates[i - 1]` is the rate into stage i.
    pub rates: Vec<Rate>,
    pub deal: DealValue,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ScenarioPlan {
    pub cost: Option<f64>,
    /// One per segment.
    pub levers: Vec<SegmentLevers>,
}

/// A validated model: every value in range, every distribution constructed.
/// Cheap to clone; sampling a `Plan` never fails.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub(crate) stages: usize,
    pub(crate) segments: Vec<SegmentPlan>,
    /// Index 0 is the baseline (identity levers).
    pub(crate) scenarios: Vec<ScenarioPlan>,
    pub(crate) margin: Option<f64>,
    pub(crate) trials: u32,
    pub(crate) seed: u64,
    /// Test hook: never use the fixed-input fast path.
    pub(crate) force_general: bool,
    /// A revenue target: the results then say P(revenue ≥ target).
    pub(crate) target: Option<f64>,
}

impl Plan {
    /// Number of stages (entry stage included).
    pub fn stages(&self) -> usize {
        self.stages
    }
    pub fn segments(&self) -> usize {
        self.segments.len()
    }
    /// Scenarios including the baseline (index 0).
    pub fn scenarios(&self) -> usize {
        self.scenarios.len()
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
    /// Segment g's expected count at each stage (entry stage included) in
    /// the baseline: the same numbers as
    /// [`crate::SegmentSpec::expected_counts`] of the segment it was built
    /// from (one shared computation).
    ///
    /// # Examples
    /// ```
    /// use funnelcast_engine::{DealSpec, Model, RateSpec, SegmentSpec, VolumeSpec};
    /// let seg = SegmentSpec {
    ///     volume: VolumeSpec::Fixed { value: 1_000.0 },
    ///     rates: vec![RateSpec::Fixed { value: 0.5 }, RateSpec::Evidence { k: 1, n: 8 }],
    ///     deal: DealSpec { mean: 100.0, cv: 0.0 },
    /// };
    /// let m = Model { stages: 3, segments: vec![seg.clone()], scenarios: vec![],
    ///                 margin: None, trials: 1_000, seed: 1 };
    /// let plan = m.validate().unwrap();
    /// assert_eq!(plan.expected_counts(0), vec![1_000.0, 500.0, 100.0]);
    /// assert_eq!(seg.expected_counts(), vec![Some(1_000.0), Some(500.0), Some(100.0)]);
    /// ```
    pub fn expected_counts(&self, g: usize) -> Vec<f64> {
        let seg = &self.segments[g];
        expected_counts(Some(seg.volume), seg.rates.iter().map(|&r| Some(r)))
            .into_iter()
            .map(|n| n.expect("a plan's pieces are constructed"))
            .collect()
    }
    /// The same plan with another number of trials (clamped to the limits).
    pub fn with_trials(mut self, trials: u32) -> Self {
        self.trials = trials.clamp(1, limits::MAX_TRIALS);
        self
    }
    /// The same plan with a revenue target (the goal's): each scenario's
    /// results then carry P(revenue ≥ target). A target that is not a
    /// finite number is none. The draws are unchanged.
    pub fn with_target(mut self, target: Option<f64>) -> Self {
        self.target = target.filter(|t| t.is_finite());
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
    /// use funnelcast_engine::{DealSpec, Field, Model, RateSpec, SegmentSpec, VolumeSpec};
    /// let mut m = Model {
    ///     stages: 2,
    ///     segments: vec![SegmentSpec {
    ///         volume: VolumeSpec::Fixed { value: 1_000.0 },
    ///         rates: vec![RateSpec::Fixed { value: 0.1 }],
    ///         deal: DealSpec { mean: 500.0, cv: 0.5 },
    ///     }],
    ///     scenarios: vec![],
    ///     margin: None,
    ///     trials: 10_000,
    ///     seed: 42,
    /// };
    /// assert!(m.validate().is_ok());
    /// m.trials = 0;
    /// let errs = m.validate().unwrap_err();
    /// assert_eq!(errs[0].field, Field::Trials);
    /// ```
    pub fn validate(&self) -> Result<Plan, Vec<ModelError>> {
        let mut errs = Vec::new();
        let push = |errs: &mut Vec<ModelError>, field: Field, problem: Problem| {
            errs.push(ModelError::new(field, problem))
        };
        let k = self.stages;
        if k < limits::MIN_STAGES {
            let min = limits::MIN_STAGES;
            push(&mut errs, Field::Stages, Problem::TooFew { min });
        }
        if k > limits::MAX_STAGES {
            let max = limits::MAX_STAGES;
            push(&mut errs, Field::Stages, Problem::TooMany { max });
        }
        if self.segments.is_empty() {
            push(&mut errs, Field::Segments, Problem::TooFew { min: 1 });
        }
        if self.segments.len() > limits::MAX_SEGMENTS {
            let max = limits::MAX_SEGMENTS;
            push(&mut errs, Field::Segments, Problem::TooMany { max });
        }
        let mut segments = Vec::new();
        for (g, seg) in self.segments.iter().enumerate() {
            let volume = match seg.volume.to_volume() {
                Ok(v) => Some(v),
                Err(e) => {
                    let problem = match (seg.volume, e.problem) {
                        // A low end above 0 yet too small to take its
                        // logarithm (1e-310) is no "more than 0" mistake:
                        // the range is too wide.
                        (VolumeSpec::Range { low, .. }, Problem::OutOfRange { .. })
                            if e.arg == Arg::Low && low > 0.0 && low < f64::MIN_POSITIVE =>
                        {
                            Problem::RangeTooWide {
                                max_ratio: crate::volume::MAX_SPREAD,
                            }
                        }
                        _ => e.problem,
                    };
                    if let Problem::RangeTooWide { .. } = problem {
                        // Too wide is about both ends, and either may be the
                        // one mistyped (a low end of 1e-300 was reported
                        // beside the high end only): a message beside each.
                        push(&mut errs, Field::VolumeLow(g), problem);
                        push(&mut errs, Field::VolumeHigh(g), problem);
                    } else {
                        push(&mut errs, volume_field(seg.volume, g, e.arg), problem);
                    }
                    // Each end of a range is reported beside its own input:
                    // with the low end at fault, check the high end alone
                    // (against the smallest valid low end).
                    if let (VolumeSpec::Range { high, .. }, Arg::Low) = (seg.volume, e.arg) {
                        if let Err(e) = Volume::range(f64::MIN_POSITIVE, high) {
                            if !matches!(
                                e.problem,
                                Problem::LowNotBelowHigh | Problem::RangeTooWide { .. }
                            ) {
                                push(&mut errs, Field::VolumeHigh(g), e.problem);
                            }
                        }
                    }
                    None
                }
            };
            if seg.rates.len() + 1 != k {
                push(&mut errs, Field::Stages, Problem::NoSuchIndex);
            }
            let mut rates = Vec::new();
            for (j, spec) in seg.rates.iter().enumerate() {
                match spec.to_rate() {
                    Ok(r) => rates.push(r),
                    Err(e) => push(&mut errs, rate_field(*spec, g, j + 1, e.arg), e.problem),
                }
            }
            let deal = match seg.deal.to_deal() {
                Ok(d) => Some(d),
                Err(e) => {
                    let field = |arg| match arg {
                        Arg::Mean => Field::DealValue(g),
                        _ => Field::DealCv(g),
                    };
                    push(&mut errs, field(e.arg), e.problem);
                    // The mean at fault: check the cv alone too.
                    if e.arg == Arg::Mean {
                        if let Err(e) = DealValue::new(0.0, seg.deal.cv) {
                            push(&mut errs, field(e.arg), e.problem);
                        }
                    }
                    None
                }
            };
            if let (Some(volume), true, Some(deal)) = (volume, rates.len() == seg.rates.len(), deal)
            {
                segments.push(SegmentPlan {
                    volume,
                    rates,
                    deal,
                });
            }
        }
        if let Some(m) = self.margin {
            if !m.is_finite() {
                push(&mut errs, Field::Margin, Problem::NotFinite);
            } else if m <= 0.0 || m > 1.0 {
                push(
                    &mut errs,
                    Field::Margin,
                    Problem::OutOfRange { min: 0.0, max: 1.0 },
                );
            }
        }
        let runs = self.scenarios.len() + 1;
        if self.trials < limits::MIN_TRIALS || self.trials > limits::MAX_TRIALS {
            let (min, max) = (limits::MIN_TRIALS as f64, limits::MAX_TRIALS as f64);
            push(&mut errs, Field::Trials, Problem::OutOfRange { min, max });
        } else if self.trials as u64 * runs as u64 > limits::MAX_TRIAL_SCENARIOS {
            let max = (limits::MAX_TRIAL_SCENARIOS / runs as u64) as u32;
            let problem = Problem::TrialsForScenarios {
                max,
                scenarios: runs,
            };
            push(&mut errs, Field::Trials, problem);
        }
        if runs > limits::MAX_SCENARIOS {
            let max = limits::MAX_SCENARIOS - 1;
            push(&mut errs, Field::Scenarios, Problem::TooMany { max });
        }
        let nseg = self.segments.len();
        let identity = SegmentLevers::identity(k.max(1));
        let mut scenarios = vec![ScenarioPlan {
            cost: None,
            levers: vec![identity.clone(); nseg],
        }];
        for (j, sc) in self.scenarios.iter().enumerate() {
            let s = j + 1;
            if let Scope::Segment(g) = sc.scope {
                if g >= nseg {
                    push(&mut errs, Field::LeverScope(s), Problem::NoSuchIndex);
                }
            }
            if let Some(c) = sc.cost {
                if let Err(p) = check_finite_in(c, 0.0, MAX_COST) {
                    push(&mut errs, Field::LeverCost(s), p);
                }
            }
            let lv = SegmentLevers::from_levers(&sc.levers, k, s, &mut errs);
            let levers = (0..nseg)
                .map(|g| match sc.scope {
                    Scope::Segment(h) if h != g => identity.clone(),
                    _ => lv.clone(),
                })
                .collect();
            scenarios.push(ScenarioPlan {
                cost: sc.cost,
                levers,
            });
        }
        let stages_ok = (limits::MIN_STAGES..=limits::MAX_STAGES).contains(&k);
        if !errs.is_empty() || !stages_ok {
            return Err(errs);
        }
        Ok(Plan {
            stages: k,
            segments,
            scenarios,
            margin: self.margin,
            trials: self.trials,
            seed: self.seed,
            force_general: false,
            target: None,
        })
    }
}

/// The model field of a volume constructor's argument.
fn volume_field(spec: VolumeSpec, g: usize, arg: Arg) -> Field {
    match (spec, arg) {
        (VolumeSpec::Fixed { .. }, _) => Field::Volume(g),
        (VolumeSpec::Range { .. }, Arg::Low) => Field::VolumeLow(g),
        (VolumeSpec::Range { .. }, _) => Field::VolumeHigh(g),
    }
}

/// The model field of a rate constructor's argument (rate into stage i).
fn rate_field(spec: RateSpec, g: usize, i: usize, arg: Arg) -> Field {
    match (spec, arg) {
        (RateSpec::Fixed { .. }, _) => Field::Rate(g, i),
        (RateSpec::Evidence { .. }, Arg::K) => Field::EvidenceK(g, i),
        (RateSpec::Evidence { .. }, _) => Field::EvidenceN(g, i),
        (RateSpec::Range { .. }, Arg::Low) => Field::RateLow(g, i),
        (RateSpec::Range { .. }, _) => Field::RateHigh(g, i),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DealSpec, SegmentSpec};
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

    /// A volume range too wide gets its message beside both ends: a low end
    /// of 1e-300 was reported beside the high end only, and one of 1e-310
    /// as "more than 0", which it is.
    #[test]
    fn a_volume_range_too_wide_is_reported_beside_both_ends() {
        let mut m = workloads::w1();
        let wide = Problem::RangeTooWide {
            max_ratio: crate::volume::MAX_SPREAD,
        };
        for low in [1e-310, 1e-300, 0.5] {
            m.segments[0].volume = VolumeSpec::Range {
                low,
                high: 12_000.0,
            };
            assert_eq!(
                m.validate().unwrap_err(),
                vec![
                    ModelError::new(Field::VolumeLow(0), wide),
                    ModelError::new(Field::VolumeHigh(0), wide)
                ],
                "{low}"
            );
        }
        // 0 itself is the low end's own mistake.
        m.segments[0].volume = VolumeSpec::Range {
            low: 0.0,
            high: 12_000.0,
        };
        let errs = m.validate().unwrap_err();
        assert_eq!(errs[0].field, Field::VolumeLow(0));
        assert!(matches!(errs[0].problem, Problem::OutOfRange { .. }));
    }

    /// A cost is a money amount from 0 to [`MAX_COST`]: 1e308 was accepted.
    #[test]
    fn a_cost_is_bounded() {
        let mut m = workloads::w3();
        for (cost, ok) in [(0.0, true), (MAX_COST, true), (1e308, false), (-1.0, false)] {
            m.scenarios[0].cost = Some(cost);
            match m.validate() {
                Ok(_) => assert!(ok, "{cost} accepted"),
                Err(errs) => {
                    assert!(!ok, "{cost}: {errs:?}");
                    assert_eq!(
                        errs,
                        vec![ModelError::new(
                            Field::LeverCost(1),
                            Problem::OutOfRange {
                                min: 0.0,
                                max: MAX_COST
                            }
                        )]
                    );
                }
            }
        }
    }

    /// Both ends of a range, or both deal inputs, at fault: each is
    /// reported beside its own field.
    #[test]
    fn every_argument_at_fault_is_reported() {
        let mut m = workloads::w1();
        m.segments[0].volume = VolumeSpec::Range {
            low: 0.0,
            high: f64::NAN,
        };
        m.segments[0].deal = DealSpec {
            mean: -1.0,
            cv: 11.0,
        };
        let fields: Vec<Field> = m.validate().unwrap_err().iter().map(|e| e.field).collect();
        let want = [
            Field::VolumeLow(0),
            Field::VolumeHigh(0),
            Field::DealValue(0),
            Field::DealCv(0),
        ];
        assert_eq!(fields, want);
        m.segments[0].volume = VolumeSpec::Range {
            low: 0.0,
            high: 10.0,
        };
        m.segments[0].deal.cv = 0.5;
        let fields: Vec<Field> = m.validate().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::VolumeLow(0), Field::DealValue(0)]);
    }

    fn segment(volume: VolumeSpec, rates: Vec<RateSpec>) -> SegmentSpec {
        SegmentSpec {
            volume,
            rates,
            deal: DealSpec {
                mean: 1_000.0,
                cv: 0.5,
            },
        }
    }

    fn model(seg: SegmentSpec) -> Model {
        Model {
            stages: seg.rates.len() + 1,
            segments: vec![seg],
            scenarios: vec![],
            margin: None,
            trials: 100_000,
            seed: 5,
        }
    }

    /// A range volume and a skewed range rate: the expected counts use the
    /// lognormal's mean and the fitted Beta's mean (not the median, not the
    /// midpoint), and the spec and the plan agree to the bit.
    #[test]
    fn expected_counts_use_the_sampled_means() {
        let seg = segment(
            VolumeSpec::Range {
                low: 8_000.0,
                high: 12_000.0,
            },
            vec![
                RateSpec::Range {
                    low: 0.02,
                    high: 0.2,
                },
                RateSpec::Evidence { k: 60, n: 200 },
                RateSpec::Fixed { value: 0.5 },
            ],
        );
        let spec = seg.expected_counts();
        let plan = model(seg.clone()).validate().expect("valid");
        let from_plan = plan.expected_counts(0);
        assert_eq!(spec.len(), 4);
        for (a, b) in spec.iter().zip(&from_plan) {
            assert_eq!(a.expect("valid").to_bits(), b.to_bits());
        }
        // Volume: the lognormal's mean exceeds its median √(8000·12000).
        let median = (8_000.0f64 * 12_000.0).sqrt();
        let (mu, sigma) = (median.ln(), (1.5f64).ln() / (2.0 * crate::special::Z95));
        let mean = (mu + 0.5 * sigma * sigma).exp();
        assert!((from_plan[0] - mean).abs() < 1e-9 * mean);
        assert!(from_plan[0] - median > 10.0, "{} vs {median}", from_plan[0]);
        assert_eq!(seg.volume.mean(), Some(from_plan[0]));
        // Rate: the fitted Beta's mean, clearly below the midpoint 0.11.
        let r = seg.rates[0].mean().expect("valid");
        let (a, b) = plan.rate(0, 1).beta_params().expect("a Beta");
        assert_eq!(r, a / (a + b));
        assert!(r < 0.1 && r > 0.08, "{r}");
        assert_eq!(from_plan[1], from_plan[0] * r);
        assert_eq!(seg.rates[1].mean(), Some(61.0 / 202.0));
        // An invalid piece: `None` from there on.
        let mut bad = seg.clone();
        bad.rates[1] = RateSpec::Evidence { k: 5, n: 3 };
        let counts = bad.expected_counts();
        assert!(counts[0].is_some() && counts[1].is_some());
        assert_eq!(counts[2..], [None, None]);
        bad.volume = VolumeSpec::Fixed { value: -1.0 };
        assert!(bad.expected_counts().iter().all(Option::is_none));
        assert_eq!(bad.volume.mean(), None);
    }

    /// The mean of simulated stage counts agrees with the expected counts
    /// within 4 standard errors on a model with uncertain inputs.
    #[test]
    fn simulated_stage_means_match_expected_counts() {
        let seg = segment(
            VolumeSpec::Range {
                low: 8_000.0,
                high: 12_000.0,
            },
            vec![
                RateSpec::Range {
                    low: 0.02,
                    high: 0.2,
                },
                RateSpec::Range {
                    low: 0.3,
                    high: 0.5,
                },
            ],
        );
        let plan = model(seg).validate().expect("valid");
        let want = plan.expected_counts(0);
        let k = plan.stages();
        let t = plan.trials() as usize;
        let (mut sum, mut sq) = (vec![0.0f64; k], vec![0.0f64; k]);
        let mut engine = crate::engine::Engine::new(&plan);
        let mut out = engine.gen_out();
        const B: usize = crate::engine::BLOCK;
        let t = t.div_ceil(B) * B;
        for _ in 0..t / B {
            engine.block_general(B, true, &mut out);
            for i in 0..k {
                for &x in &out.counts[i * B..(i + 1) * B] {
                    let x = x as f64;
                    sum[i] += x;
                    sq[i] += x * x;
                }
            }
        }
        for i in 0..k {
            let mean = sum[i] / t as f64;
            let var = (sq[i] / t as f64 - mean * mean) * t as f64 / (t - 1) as f64;
            let se = (var / t as f64).sqrt();
            assert!(
                (mean - want[i]).abs() < 4.0 * se,
                "stage {i}: {mean} vs {} (se {se})",
                want[i]
            );
        }
    }

    /// How long a 90 % range rate's Beta fit takes (natively; run with
    /// `--nocapture` to see it). Not a limit: a guard against a fit that
    /// suddenly takes far longer.
    #[test]
    fn rate_range_fit_time() {
        let n = 20;
        let start = std::time::Instant::now();
        for j in 0..n {
            let low = 0.02 + 0.001 * j as f64;
            std::hint::black_box(Rate::range(low, 0.2).expect("valid"));
        }
        let per = start.elapsed().as_secs_f64() / n as f64;
        println!("Rate::range fit: {:.3} ms", per * 1e3);
        assert!(per < 0.1, "{per} s");
    }
}
