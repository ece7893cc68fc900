//! Every edit of the page as a plain function on the [`Document`], so each
//! is unit-tested natively. Edits keep the document's invariants (the lengths
//! and indices that `decode` checks): a request that would break one changes
//! nothing and says so.

use funnelcast_engine::special::clamp;
use funnelcast_engine::{
    limits, DealSpec, GoalLever, Lever, RateSpec, ScenarioSpec, Scope, SegmentSpec, VolumeSpec,
};

use super::{Document, LagSpec, Period, Scenario, Segment, TimeSettings, Window};
use crate::names::Label;
use funnelcast_engine::months::MAX_HORIZON;

/// Which lever field of a scenario an input edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeverKind {
    Volume,
    RatePoints(usize),
    RateRelative(usize),
    Deal,
}

impl LeverKind {
    /// The box a lever is shown in. A scenario holds at most one lever of
    /// each kind (the decoder refuses more): the box shows one amount, so a
    /// second lever of its kind would act unseen.
    pub fn of(lever: &Lever) -> LeverKind {
        match *lever {
            Lever::Volume { .. } => LeverKind::Volume,
            Lever::Deal { .. } => LeverKind::Deal,
            Lever::RatePoints { stage, .. } => LeverKind::RatePoints(stage),
            Lever::RateRelative { stage, .. } => LeverKind::RateRelative(stage),
        }
    }

    fn matches(self, lever: &Lever) -> bool {
        LeverKind::of(lever) == self
    }

    /// The stage a rate lever moves, if it is one.
    fn stage(self) -> Option<usize> {
        match self {
            LeverKind::RatePoints(i) | LeverKind::RateRelative(i) => Some(i),
            LeverKind::Volume | LeverKind::Deal => None,
        }
    }

    fn make(self, v: f64) -> Lever {
        match self {
            LeverKind::Volume => Lever::Volume { frac: v },
            LeverKind::Deal => Lever::Deal { frac: v },
            LeverKind::RatePoints(stage) => Lever::RatePoints { stage, points: v },
            LeverKind::RateRelative(stage) => Lever::RateRelative { stage, frac: v },
        }
    }
}

fn lever_amount(lever: &Lever) -> f64 {
    match *lever {
        Lever::Volume { frac } | Lever::Deal { frac } | Lever::RateRelative { frac, .. } => frac,
        Lever::RatePoints { points, .. } => points,
    }
}

/// Why a pasted column of counts was refused (lines are 1-based).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CountsProblem {
    /// Below zero (or not a number): no stage has fewer than no people.
    Negative { line: usize },
    /// More people than at the stage before.
    Grows { line: usize },
    /// Evidence counts people: whole numbers only.
    NotWhole { line: usize },
}

/// What a mode switch had to change, for the note beside the field.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ModeNote {
    /// A range needs room on both sides of its mean: the rate (0 %, 100 %
    /// or nearly) became this range (fractions).
    RangeAtEdge { low: f64, high: f64 },
    /// Evidence "k of n" gives the rate (k + 1)/(n + 2): `now`, not `was`.
    EvidenceRate { k: u64, n: u64, was: f64, now: f64 },
    /// No whole-people range around the volume has it as its mean: this
    /// range's mean is `now`, not `was`.
    VolumeRange {
        low: f64,
        high: f64,
        was: f64,
        now: f64,
    },
}

/// A 90 % volume range in whole people, about ±20 % around `v`, whose mean
/// (the rounded lognormal's, as the engine draws) rounds to `v`: the
/// ±20 % range scaled by v / its mean, then the nearest high end that gets
/// the mean within half a person. `None` where there is none (0, or at the
/// largest volumes).
fn volume_range_around(v: f64) -> Option<(f64, f64)> {
    if !(1.0..=limits::MAX_VOLUME).contains(&v) {
        return None;
    }
    let mean_of = |low: f64, high: f64| VolumeSpec::Range { low, high }.mean();
    let scale = v / mean_of(0.8 * v, 1.2 * v)?;
    let low = (0.8 * v * scale).round().max(1.0);
    let high = (1.2 * v * scale).round().max(low + 1.0);
    (0..=8)
        .flat_map(|k| [high + k as f64, high - k as f64])
        .filter(|&h| h > low && h <= limits::MAX_VOLUME)
        .find(|&h| mean_of(low, h).is_some_and(|m| (m - v).abs() < 0.5))
        .map(|h| (low, h))
}

/// Half the last shown digit of a rate box (two decimals of a percent): a
/// rate that moves less than this looks the same after a switch.
const SHOWN_RATE: f64 = 0.5e-4;

/// A 90 % range whose fitted Beta has mean `m` (to [`SHOWN_RATE`]): the 5 %
/// and 95 % points of Beta(mκ, (1 − m)κ), with κ giving a half-width of
/// about 20 % of the rate (or of 1 − rate near 100 %), its ends rounded to
/// 0.001 points. `None` where no such range is a valid input (0, 1, or so
/// close that the range would be narrower than a fit can honour).
fn range_around(m: f64) -> Option<(f64, f64)> {
    use funnelcast_engine::special::beta_quantile;
    if !(m > 0.0 && m < 1.0) {
        return None;
    }
    // sd ≈ half-width / 1.645; Var = m(1 − m)/(κ + 1).
    let sd = 0.2 * m.min(1.0 - m) / 1.645;
    let kappa = clamp(m * (1.0 - m) / (sd * sd) - 1.0, 2.0, 1e6);
    let (a, b) = (m * kappa, (1.0 - m) * kappa);
    let round = |x: f64| (x * 1e5).round() / 1e5;
    let candidates = [
        (
            round(beta_quantile(a, b, 0.05)),
            round(beta_quantile(a, b, 0.95)),
        ),
        (beta_quantile(a, b, 0.05), beta_quantile(a, b, 0.95)),
    ];
    candidates.into_iter().find(|&(low, high)| {
        RateSpec::Range { low, high }
            .mean()
            .is_some_and(|got| (got - m).abs() <= SHOWN_RATE)
    })
}

/// A rate's plan value for edits that need one number: its mean where the
/// engine accepts it, else a fixed rate's own (refused) value, else 0.
fn rate_value(r: &RateSpec) -> f64 {
    match (r.mean(), r) {
        (Some(m), _) => m,
        (None, RateSpec::Fixed { value }) if value.is_finite() => *value,
        _ => 0.0,
    }
}

impl Document {
    fn segment_mut(&mut self, g: usize) -> Option<&mut SegmentSpec> {
        self.segments.get_mut(g).map(|s| &mut s.spec)
    }

    fn rate_mut(&mut self, g: usize, i: usize) -> Option<&mut RateSpec> {
        self.segment_mut(g)?.rates.get_mut(i.checked_sub(1)?)
    }

    pub fn rate(&self, g: usize, i: usize) -> Option<RateSpec> {
        self.segments
            .get(g)?
            .spec
            .rates
            .get(i.checked_sub(1)?)
            .copied()
    }

    pub fn deal(&self, g: usize) -> Option<DealSpec> {
        self.segments.get(g).map(|s| s.spec.deal)
    }

    pub fn set_volume(&mut self, g: usize, value: f64) {
        if let Some(seg) = self.segment_mut(g) {
            seg.volume = VolumeSpec::Fixed { value };
        }
    }

    /// Counts the volumes in period `p` from now on. With `rescale` every
    /// segment's entering people (a fixed number or both ends of a range)
    /// are multiplied by the ratio of the periods' lengths, so the model
    /// stays the same business (10,000 a month is 30,000 a quarter);
    /// without it the numbers stay as typed and mean people per `p`. Rates,
    /// deal values and campaign costs are not per period and stay; the
    /// goal's revenue target is, and scales with the volumes. Gives
    /// the factor applied to the volumes (1 when none was).
    pub fn set_period(&mut self, p: crate::document::Period, rescale: bool) -> f64 {
        let (to, from) = (f64::from(p.months()), f64::from(self.period.months()));
        self.period = p;
        if !rescale || to == from {
            return 1.0;
        }
        // × to ÷ from, in that order: month → quarter → month is exact.
        let scale = |x: f64| x * to / from;
        for seg in &mut self.segments {
            seg.spec.volume = match seg.spec.volume {
                VolumeSpec::Fixed { value } => VolumeSpec::Fixed {
                    value: scale(value),
                },
                VolumeSpec::Range { low, high } => VolumeSpec::Range {
                    low: scale(low),
                    high: scale(high),
                },
            };
        }
        // The goal's target is revenue per period too.
        self.goal.target = self.goal.target.map(scale);
        to / from
    }

    /// Sets one end of a volume range (`high` false: the low end).
    pub fn set_volume_end(&mut self, g: usize, high: bool, value: f64) {
        if let Some(VolumeSpec::Range { low, high: hi }) =
            self.segment_mut(g).map(|s| &mut s.volume)
        {
            *(if high { hi } else { low }) = value;
        }
    }

    /// Applies a pasted column of stage counts (stage 0 first) to segment
    /// `g`: the entering volume, then each rate as the ratio of a count to
    /// the one before — fixed, or as evidence "k of n" when `as_evidence`
    /// (what last quarter's CRM counts are: measured, so the rates keep
    /// their uncertainty). Counts beyond the stages are ignored.
    ///
    /// # Errors
    /// Nothing changes when a count is negative, above the one before it (a
    /// funnel never grows down its stages), or, as evidence, not a whole
    /// number of people; the error names the value (1-based).
    pub fn apply_counts(
        &mut self,
        g: usize,
        counts: &[f64],
        as_evidence: bool,
    ) -> Result<(), CountsProblem> {
        let k = self.stages().min(counts.len());
        for (i, &c) in counts.iter().enumerate().take(k) {
            if !(c >= 0.0 && c.is_finite()) {
                return Err(CountsProblem::Negative { line: i + 1 });
            }
            if as_evidence && c.fract() != 0.0 {
                return Err(CountsProblem::NotWhole { line: i + 1 });
            }
            if i > 0 && c > counts[i - 1] {
                return Err(CountsProblem::Grows { line: i + 1 });
            }
        }
        let Some(&first) = counts.first() else {
            return Ok(());
        };
        self.set_volume(g, first);
        for i in 1..k {
            let (n, c) = (counts[i - 1], counts[i]);
            if as_evidence {
                self.set_rate_spec(
                    g,
                    i,
                    RateSpec::Evidence {
                        k: c as u64,
                        n: n as u64,
                    },
                );
            } else {
                // 0 of 0 people: no information, a rate of 0 keeps the stage empty.
                self.set_rate(g, i, if n > 0.0 { c / n } else { 0.0 });
            }
        }
        Ok(())
    }

    /// Makes the funnel `n` stages long for a paste of `n` counts: stages
    /// are added at the end (named from `names` where given, else
    /// `stage_word` and their number) or removed from the end. `false`, and
    /// nothing changed, when `n` is outside the stage limits.
    pub fn fit_stages(&mut self, n: usize, names: &[Option<String>], stage_word: &str) -> bool {
        if !(limits::MIN_STAGES..=limits::MAX_STAGES).contains(&n) {
            return false;
        }
        while self.stages() > n {
            self.remove_stage(self.stages() - 1);
        }
        while self.stages() < n {
            let i = self.stages();
            let name = names
                .get(i)
                .cloned()
                .flatten()
                .unwrap_or_else(|| format!("{stage_word} {}", i + 1));
            self.add_stage(Label::Text(name));
        }
        true
    }

    /// Renames the stages from a paste's labels, in order (a stage with no
    /// label keeps its name).
    pub fn rename_stages(&mut self, names: &[Option<String>]) {
        for (i, name) in names.iter().enumerate().take(self.stages()) {
            if let Some(name) = name.clone().filter(|n| !n.trim().is_empty()) {
                self.rename_stage(i, name);
            }
        }
    }

    /// Sets the rate into stage `i` (a fraction); the stages below follow.
    pub fn set_rate(&mut self, g: usize, i: usize, value: f64) {
        if let Some(r) = self.rate_mut(g, i) {
            *r = RateSpec::Fixed { value };
        }
    }

    /// Typing a count sets rᵢ = countᵢ / countᵢ₋₁ and keeps the other rates.
    /// A count after an empty or unknown stage cannot set a rate: nothing
    /// changes then.
    pub fn set_count(&mut self, g: usize, i: usize, count: f64) -> bool {
        let counts = self.expected_counts(g);
        let Some(prev) = i
            .checked_sub(1)
            .and_then(|p| counts.get(p).copied().flatten())
        else {
            return false;
        };
        if prev <= 0.0 {
            return false;
        }
        self.set_rate(g, i, count / prev);
        true
    }

    /// Switches the uncertainty of rate i. Evidence starts from the plan counts
    /// (k = countᵢ, n = countᵢ₋₁); a range is a 90 % range whose fitted Beta
    /// has the rate as its mean, about ±20 % around it. What the switch had
    /// to change is returned, for a note beside the field: a rate of 0 % or
    /// 100 % (a range needs room on both sides), or evidence whose rate
    /// (k + 1)/(n + 2) differs from the rate shown before.
    pub fn set_rate_mode(&mut self, g: usize, i: usize, mode: &str) -> Option<ModeNote> {
        let counts = self.expected_counts(g);
        let r = self.rate(g, i)?;
        let mean = rate_value(&r);
        let (new, note) = match mode {
            "fixed" => (RateSpec::Fixed { value: mean }, None),
            "evidence" => {
                let n = clamp(
                    counts.get(i - 1).copied().flatten().unwrap_or(0.0).round(),
                    1.0,
                    limits::MAX_EVIDENCE_N as f64,
                );
                let k = clamp((n * mean).round(), 0.0, n);
                let (k, n) = (k as u64, n as u64);
                let spec = RateSpec::Evidence { k, n };
                let now = spec.mean().unwrap_or(f64::NAN);
                // A NaN (a refused rate) is not kept either.
                let kept = (now - mean).abs() <= SHOWN_RATE;
                let note = (!kept).then_some(ModeNote::EvidenceRate {
                    k,
                    n,
                    was: mean,
                    now,
                });
                (spec, note)
            }
            "range" => match range_around(mean) {
                Some((low, high)) => (RateSpec::Range { low, high }, None),
                None => {
                    // 0 % or 100 % (or so close that no range fits around
                    // it): the nearest range a Beta can have, and say so.
                    let (low, high) = if mean > 0.5 {
                        (0.99, 0.9995)
                    } else {
                        (0.0005, 0.01)
                    };
                    (
                        RateSpec::Range { low, high },
                        Some(ModeNote::RangeAtEdge { low, high }),
                    )
                }
            },
            _ => return None,
        };
        if r == new {
            return None;
        }
        if let Some(slot) = self.rate_mut(g, i) {
            *slot = new;
        }
        note
    }

    pub fn set_rate_spec(&mut self, g: usize, i: usize, spec: RateSpec) {
        if let Some(slot) = self.rate_mut(g, i) {
            *slot = spec;
        }
    }

    /// Switches the volume between fixed and a 90 % range. A range is about
    /// ±20 % in whole people, placed so that its mean (what the funnel's
    /// counts use) is still the volume: 10,000 becomes 8,104–12,156, not
    /// 8,000–12,000 (mean 9,872, which switching back kept). Where no such
    /// range exists the switch says what it set. Back to fixed, the volume
    /// is the range's mean in whole people.
    pub fn set_volume_mode(&mut self, g: usize, mode: &str) -> Option<ModeNote> {
        let mean = self.volume_value(g)?;
        let old = self.segment_mut(g)?.volume;
        let (new, note) = match mode {
            "fixed" => (
                VolumeSpec::Fixed {
                    value: mean.round(),
                },
                None,
            ),
            "range" => match volume_range_around(mean) {
                Some((low, high)) => (VolumeSpec::Range { low, high }, None),
                None => {
                    // ±20 % in whole people, within the limits, and always a
                    // valid range (a volume of 2 became 2–2 once).
                    let low = clamp((mean * 0.8).floor(), 1.0, limits::MAX_VOLUME - 1.0);
                    let high = clamp((mean * 1.2).ceil(), low + 1.0, limits::MAX_VOLUME);
                    let spec = VolumeSpec::Range { low, high };
                    let note = ModeNote::VolumeRange {
                        low,
                        high,
                        was: mean,
                        now: spec.mean().unwrap_or(f64::NAN),
                    };
                    (spec, Some(note))
                }
            },
            _ => return None,
        };
        if old == new {
            return None;
        }
        self.segment_mut(g)?.volume = new;
        note
    }

    pub fn set_deal(&mut self, g: usize, deal: DealSpec) {
        if let Some(seg) = self.segment_mut(g) {
            seg.deal = deal;
        }
    }

    pub fn rename_stage(&mut self, i: usize, name: String) {
        if let Some(n) = self.stages.get_mut(i) {
            *n = Label::Text(name);
            self.preset = None;
        }
    }

    pub fn rename_segment(&mut self, g: usize, name: String) {
        if let Some(seg) = self.segments.get_mut(g) {
            seg.label = Label::Text(name);
        }
    }

    pub fn rename_scenario(&mut self, s: usize, name: String) {
        if let Some(sc) = self.scenario_mut(s) {
            sc.label = Label::Text(name);
        }
    }

    /// Adds a stage at the end (a new purchase stage after the old one).
    pub fn add_stage(&mut self, name: Label) -> bool {
        if self.stages() >= limits::MAX_STAGES {
            return false;
        }
        self.stages.push(name);
        for seg in &mut self.segments {
            seg.spec.rates.push(RateSpec::Fixed { value: 0.5 });
        }
        self.preset = None;
        true
    }

    /// Removes stage `i`. Removing the entry stage makes stage 1 the entry,
    /// with its plan count as the new volume. Levers on later stages move with
    /// their stage; levers on the removed stage go.
    pub fn remove_stage(&mut self, i: usize) -> bool {
        let k = self.stages();
        if k <= limits::MIN_STAGES || i >= k {
            return false;
        }
        for g in 0..self.segments.len() {
            let counts = self.expected_counts(g);
            let seg = &mut self.segments[g].spec;
            if i == 0 {
                let next = counts.get(1).copied().flatten().unwrap_or(0.0);
                seg.volume = VolumeSpec::Fixed {
                    value: next.round(),
                };
                seg.rates.remove(0);
            } else {
                // The people who reached stage i−1 now go straight to i+1 at
                // the combined rate, so the stages below keep their counts.
                if i + 1 < k {
                    let merged = rate_value(&seg.rates[i - 1]) * rate_value(&seg.rates[i]);
                    seg.rates[i] = RateSpec::Fixed { value: merged };
                }
                seg.rates.remove(i - 1);
            }
        }
        for seg in &mut self.segments {
            remove_stage_lag(&mut seg.lags, i, k);
        }
        self.stages.remove(i);
        for sc in &mut self.scenarios {
            sc.spec.levers.retain_mut(|l| match l {
                Lever::RatePoints { stage, .. } | Lever::RateRelative { stage, .. } => {
                    if *stage == i || (i == 0 && *stage == 1) {
                        false
                    } else {
                        if *stage > i {
                            *stage -= 1;
                        }
                        true
                    }
                }
                _ => true,
            });
        }
        // The goal's rate lever follows its stage too (or falls back to the volume).
        if let GoalLever::RatePoints { stage } = self.goal.lever {
            self.goal.lever = if stage == i || (i == 0 && stage == 1) {
                GoalLever::Volume
            } else if stage > i {
                GoalLever::RatePoints { stage: stage - 1 }
            } else {
                GoalLever::RatePoints { stage }
            };
        }
        self.preset = None;
        true
    }

    /// Swaps the names of stages i and i+1 (the rates stay with positions: the
    /// funnel's shape is kept, its steps are relabelled).
    pub fn move_stage_down(&mut self, i: usize) -> bool {
        if i + 1 >= self.stages() {
            return false;
        }
        self.stages.swap(i, i + 1);
        self.preset = None;
        true
    }

    pub fn add_segment(&mut self, name: Label) -> bool {
        if self.segments.len() >= limits::MAX_SEGMENTS {
            return false;
        }
        let spec = self
            .segments
            .last()
            .map(|s| s.spec.clone())
            .unwrap_or(SegmentSpec {
                volume: VolumeSpec::Fixed { value: 1000.0 },
                rates: vec![RateSpec::Fixed { value: 0.5 }; self.stages().saturating_sub(1)],
                deal: DealSpec {
                    mean: 1000.0,
                    cv: 0.5,
                },
            });
        // In time mode the new segment starts with the last one's lags.
        let lags = self
            .segments
            .last()
            .map(|s| s.lags.clone())
            .unwrap_or_default();
        self.segments.push(Segment {
            label: name,
            spec,
            lags,
        });
        self.preset = None;
        true
    }

    pub fn remove_segment(&mut self, g: usize) -> bool {
        if self.segments.len() <= 1 || g >= self.segments.len() {
            return false;
        }
        self.segments.remove(g);
        for sc in &mut self.scenarios {
            sc.spec.scope = match sc.spec.scope {
                Scope::Segment(x) if x == g => Scope::All,
                Scope::Segment(x) if x > g => Scope::Segment(x - 1),
                other => other,
            };
        }
        self.preset = None;
        true
    }

    /// A goal seek's answer as a scenario named `name`: the volume change,
    /// or the points on the rate into one stage, for every segment. `false`
    /// when there is no answer or no room for one more scenario.
    pub fn add_goal_scenario(
        &mut self,
        lever: funnelcast_engine::GoalLever,
        change: Option<f64>,
        name: String,
    ) -> bool {
        let Some(x) = change.filter(|x| x.is_finite()) else {
            return false;
        };
        let lever = match lever {
            funnelcast_engine::GoalLever::Volume => Lever::Volume { frac: x },
            funnelcast_engine::GoalLever::RatePoints { stage } => {
                if stage == 0 || stage >= self.stages() {
                    return false;
                }
                Lever::RatePoints { stage, points: x }
            }
        };
        self.add_scenario(
            Label::Text(name),
            ScenarioSpec {
                scope: funnelcast_engine::Scope::All,
                levers: vec![lever],
                cost: None,
            },
        )
    }

    pub fn add_scenario(&mut self, label: Label, spec: ScenarioSpec) -> bool {
        if self.scenarios.len() + 1 >= limits::MAX_SCENARIOS {
            return false;
        }
        self.scenarios.push(Scenario {
            label,
            spec,
            window: None,
        });
        true
    }

    /// A copy of scenario `s` named `name`, added at the end.
    pub fn duplicate_scenario(&mut self, s: usize, name: String) -> bool {
        let Some(sc) = self.scenario(s).map(|x| x.spec.clone()) else {
            return false;
        };
        self.add_scenario(Label::Text(name), sc)
    }

    pub fn remove_scenario(&mut self, s: usize) -> bool {
        let Some(j) = s.checked_sub(1).filter(|j| *j < self.scenarios.len()) else {
            return false;
        };
        self.scenarios.remove(j);
        true
    }

    /// The amount of one lever of scenario s (0 when the scenario has none).
    pub fn lever(&self, s: usize, kind: LeverKind) -> f64 {
        self.scenario(s)
            .and_then(|sc| sc.spec.levers.iter().find(|l| kind.matches(l)))
            .map(lever_amount)
            .unwrap_or(0.0)
    }

    /// Sets one lever; 0 removes it, so a scenario lists only what it changes.
    /// A rate lever on a stage that does not exist changes nothing (the
    /// decoder would refuse the document).
    pub fn set_lever(&mut self, s: usize, kind: LeverKind, value: f64) {
        let stages = self.stages();
        if kind.stage().is_some_and(|i| i == 0 || i >= stages) {
            return;
        }
        let Some(sc) = self.scenario_mut(s) else {
            return;
        };
        let levers = &mut sc.spec.levers;
        let pos = levers.iter().position(|l| kind.matches(l));
        match (pos, value == 0.0) {
            (Some(p), true) => {
                levers.remove(p);
            }
            (Some(p), false) => levers[p] = kind.make(value),
            (None, false) => levers.push(kind.make(value)),
            (None, true) => {}
        }
    }

    pub fn set_scope(&mut self, s: usize, scope: Scope) {
        let segments = self.segments.len();
        if let Some(sc) = self.scenario_mut(s) {
            sc.spec.scope = match scope {
                Scope::Segment(g) if g >= segments => Scope::All,
                other => other,
            };
        }
    }

    pub fn set_cost(&mut self, s: usize, cost: Option<f64>) {
        if let Some(sc) = self.scenario_mut(s) {
            sc.spec.cost = cost;
        }
    }

    /// The goal lever; a rate lever on a stage that does not exist is the volume.
    pub fn set_goal_lever(&mut self, lever: GoalLever) {
        self.goal.lever = match lever {
            GoalLever::RatePoints { stage } if stage == 0 || stage >= self.stages() => {
                GoalLever::Volume
            }
            l => l,
        };
    }

    /// The trials box (whole numbers in the engine's range, checked by the
    /// box) or the "more trials" button's count. `as` saturates, so even an
    /// unchecked value stays a `u32`.
    pub fn set_trials(&mut self, value: f64) {
        self.trials = value as u32;
    }

    /// The seed box (whole numbers up to 2^53, checked by the box).
    pub fn set_seed(&mut self, value: f64) {
        self.seed = value as u64;
    }

    /// The margin box, in percent; an empty box (NaN) clears the margin, so
    /// ROI is on revenue again.
    pub fn set_margin_percent(&mut self, percent: f64) {
        self.margin = (!percent.is_nan()).then_some(percent / 100.0);
    }

    /// Time mode on or off (its settings are kept while it is off); a
    /// preset's segments without lags get the preset's typical days. In
    /// time mode the entering volume is per month: switching on a quarterly
    /// model divides every volume by 3 and makes the period a month, and
    /// says so by returning `true`.
    pub fn set_time_on(&mut self, on: bool) -> bool {
        let t = self.time.get_or_insert_with(TimeSettings::default);
        t.on = on;
        if on {
            // A preset's segments start with its typical days.
            if let Some(id) = self.preset {
                let n = self.stages.len().saturating_sub(1);
                for (g, seg) in self.segments.iter_mut().enumerate() {
                    if seg.lags.is_empty() {
                        seg.lags = crate::presets::preset_lags(id, g, n);
                    }
                }
            }
        }
        if !on || self.period != Period::Quarter {
            return false;
        }
        for seg in &mut self.segments {
            seg.spec.volume = match seg.spec.volume {
                VolumeSpec::Fixed { value } => VolumeSpec::Fixed { value: value / 3.0 },
                VolumeSpec::Range { low, high } => VolumeSpec::Range {
                    low: low / 3.0,
                    high: high / 3.0,
                },
            };
        }
        self.period = Period::Month;
        true
    }

    /// The horizon box (whole months, checked by the engine): the month
    /// weights follow it, a new month weighing 1.
    pub fn set_horizon(&mut self, months: f64) {
        let t = self.time.get_or_insert_with(TimeSettings::default);
        t.horizon = months as u32;
        if !t.weights.is_empty() {
            t.weights.resize(t.horizon.min(MAX_HORIZON) as usize, 1.0);
        }
    }

    /// Month `m`'s weight (from 1) on the entering volume; all ones again
    /// means no profile.
    pub fn set_month_weight(&mut self, m: usize, weight: f64) {
        let t = self.time.get_or_insert_with(TimeSettings::default);
        let h = t.horizon.clamp(1, MAX_HORIZON) as usize;
        if m == 0 || m > h {
            return;
        }
        if t.weights.is_empty() {
            t.weights = vec![1.0; h];
        }
        t.weights[m - 1] = weight;
        if t.weights.iter().all(|&w| w == 1.0) {
            t.weights.clear();
        }
    }

    /// Segment `g`'s lag into stage `i` (from 1), in days: its typical
    /// value (`p90: false`) or its slow case. Lags not typed before are 0;
    /// a fixed lag (slow case equal to its typical value) stays fixed when
    /// its typical value is typed.
    pub fn set_lag(&mut self, g: usize, i: usize, p90: bool, days: f64) {
        let k = self.stages();
        let Some(seg) = self.segments.get_mut(g) else {
            return;
        };
        if i == 0 || i >= k {
            return;
        }
        if seg.lags.len() < i {
            seg.lags.resize(
                i,
                LagSpec {
                    median: 0.0,
                    p90: 0.0,
                },
            );
        }
        let l = &mut seg.lags[i - 1];
        if p90 {
            l.p90 = days;
        } else {
            if l.p90 == l.median {
                l.p90 = days;
            }
            l.median = days;
        }
    }

    /// Segment `g`'s lags from profile `code` ([`crate::presets::LAG_PROFILES`]),
    /// fitted to the funnel's stages; an unknown code changes nothing.
    pub fn set_lag_profile(&mut self, g: usize, code: &str) {
        let n = self.stages().saturating_sub(1);
        let Some(&(_, id, pg)) = crate::presets::LAG_PROFILES.iter().find(|p| p.0 == code) else {
            return;
        };
        if let Some(seg) = self.segments.get_mut(g) {
            seg.lags = crate::presets::preset_lags(id, pg, n);
        }
    }

    /// Scenario `s`'s campaign month (from 1): its first (`last: false`)
    /// or last. Without a window the campaign is the whole horizon.
    pub fn set_campaign_month(&mut self, s: usize, last: bool, month: f64) {
        let h = self.horizon();
        let Some(sc) = s.checked_sub(1).and_then(|i| self.scenarios.get_mut(i)) else {
            return;
        };
        let w = sc.window.get_or_insert(Window { first: 1, last: h });
        if last {
            w.last = month as u32;
        } else {
            w.first = month as u32;
        }
    }

    /// The goal's revenue target; an empty box (NaN) withdraws the question.
    pub fn set_goal_target(&mut self, value: f64) {
        self.goal.target = (!value.is_nan()).then_some(value);
    }

    /// The probability the goal must be reached with, typed in percent.
    pub fn set_goal_prob_percent(&mut self, percent: f64) {
        self.goal.prob = percent / 100.0;
    }

    /// The goal lever from its option value ([`goal_lever_code`]); anything
    /// else, and a stage that does not exist, is the volume.
    pub fn set_goal_lever_code(&mut self, code: &str) {
        let lever = code
            .strip_prefix("rate-")
            .and_then(|i| crate::format::parse_whole(i).ok())
            .map_or(GoalLever::Volume, |stage| GoalLever::RatePoints { stage });
        self.set_goal_lever(lever);
    }

    fn scenario_mut(&mut self, s: usize) -> Option<&mut Scenario> {
        self.scenarios.get_mut(s.checked_sub(1)?)
    }
}

/// The goal lever's option value in the `goal-lever` select and its
/// `data-lever`: "volume" or "rate-<stage>".
pub fn goal_lever_code(lever: GoalLever) -> String {
    match lever {
        GoalLever::Volume => "volume".into(),
        GoalLever::RatePoints { stage } => format!("rate-{stage}"),
    }
}

/// Time mode's lags when stage `i` of `k` goes: the entry's transition
/// goes with the entry; otherwise the people who reached stage i − 1 go
/// straight on to i + 1, taking both lags (medians and P90s added, a
/// typed approximation the user can correct: a sum of lognormals is not
/// one).
fn remove_stage_lag(lags: &mut Vec<LagSpec>, i: usize, k: usize) {
    if i == 0 {
        if !lags.is_empty() {
            lags.remove(0);
        }
    } else if i < lags.len() {
        let (a, b) = (lags[i - 1], lags[i]);
        lags[i] = LagSpec {
            median: a.median + b.median,
            p90: a.p90 + b.p90,
        };
        lags.remove(i - 1);
    } else if i == lags.len() && i + 1 >= k {
        // The last stage: its transition goes.
        lags.remove(i - 1);
    }
    // Else transition i + 1 had no lag: the merged one is lag i, in place.
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A paste of six counts into five stages makes six stages (the sixth
    /// named from its label), four makes four; then the counts apply whole,
    /// and the labels rename the stages on request.
    #[test]
    fn a_paste_of_another_length_fits_the_funnel_first() {
        let mut d = crate::presets::initial_doc(crate::format::Lang::En);
        assert_eq!(d.stages(), 5);
        let names: Vec<Option<String>> = ["Leads", "MQL", "SQL", "Demo", "Proposal", "Won"]
            .iter()
            .map(|n| Some(n.to_string()))
            .collect();
        assert!(d.fit_stages(6, &names, "Stage"));
        assert_eq!(d.stages(), 6);
        assert_eq!(d.stages[5], Label::Text("Won".into()));
        d.apply_counts(0, &[12_400.0, 3_050.0, 910.0, 248.0, 140.0, 71.0], false)
            .unwrap();
        assert!((d.rate(0, 5).unwrap().mean().unwrap() - 71.0 / 140.0).abs() < 1e-12);
        d.rename_stages(&names);
        assert_eq!(d.stages[0], Label::Text("Leads".into()));
        assert!(d.fit_stages(4, &[], "Stage"));
        assert_eq!(d.stages(), 4);
        assert!(!d.fit_stages(1, &[], "Stage"));
        assert!(!d.fit_stages(13, &[], "Stage"));
        assert_eq!(d.stages(), 4);
        assert!(d.plan().is_ok());
    }

    /// A goal's answer becomes a scenario with its lever, for every
    /// segment; no answer, or a stage not in the funnel, adds nothing.
    #[test]
    fn a_goal_answer_becomes_a_scenario() {
        use funnelcast_engine::GoalLever;
        let mut d = crate::presets::initial_doc(crate::format::Lang::En);
        let n = d.scenarios.len();
        assert!(!d.add_goal_scenario(GoalLever::Volume, None, "none".into()));
        assert!(!d.add_goal_scenario(GoalLever::RatePoints { stage: 9 }, Some(0.1), "x".into()));
        assert!(d.add_goal_scenario(GoalLever::Volume, Some(0.463), "Goal".into()));
        assert!(d.add_goal_scenario(
            GoalLever::RatePoints { stage: 2 },
            Some(0.054),
            "Goal 2".into()
        ));
        assert_eq!(d.scenarios.len(), n + 2);
        assert_eq!(
            d.scenarios[n].spec.levers,
            vec![Lever::Volume { frac: 0.463 }]
        );
        assert_eq!(
            d.scenarios[n + 1].spec.levers,
            vec![Lever::RatePoints {
                stage: 2,
                points: 0.054
            }]
        );
        assert!(d.plan().is_ok());
    }
    use crate::document::PresetId;
    use crate::format::Lang;
    use crate::names::NameKey;
    use crate::presets::{self, initial_doc};

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    fn counts(d: &Document, g: usize) -> Vec<f64> {
        d.expected_counts(g)
            .into_iter()
            .map(Option::unwrap)
            .collect()
    }

    #[test]
    fn pasted_counts_set_the_volume_and_the_rates() {
        let mut d = initial_doc(Lang::En);
        d.apply_counts(0, &[20_000.0, 5_000.0, 1_000.0, 400.0, 100.0], false)
            .unwrap();
        assert_eq!(
            d.segments[0].spec.volume,
            VolumeSpec::Fixed { value: 20_000.0 }
        );
        assert_eq!(d.rate(0, 2), Some(RateSpec::Fixed { value: 0.2 }));
        assert!(close(counts(&d, 0)[4], 100.0));
    }

    #[test]
    fn pasted_counts_as_evidence_keep_what_was_measured() {
        let mut d = initial_doc(Lang::En);
        d.apply_counts(0, &[8_000.0, 1_800.0, 540.0, 135.0, 47.0], true)
            .unwrap();
        assert_eq!(
            d.rate(0, 1),
            Some(RateSpec::Evidence { k: 1_800, n: 8_000 })
        );
        assert_eq!(d.rate(0, 4), Some(RateSpec::Evidence { k: 47, n: 135 }));
        assert!(d.plan().is_ok());
    }

    #[test]
    fn pasted_counts_that_grow_or_are_not_whole_change_nothing() {
        let mut d = initial_doc(Lang::En);
        let before = d.clone();
        assert_eq!(
            d.apply_counts(0, &[1_000.0, 200.0, 300.0], false),
            Err(CountsProblem::Grows { line: 3 })
        );
        assert_eq!(
            d.apply_counts(0, &[1_000.0, 200.5], true),
            Err(CountsProblem::NotWhole { line: 2 })
        );
        // "1000 / -5 / -10" as evidence was "0 of 1000" and "0 of 0".
        for evidence in [true, false] {
            assert_eq!(
                d.apply_counts(0, &[1_000.0, -5.0, -10.0], evidence),
                Err(CountsProblem::Negative { line: 2 })
            );
        }
        assert_eq!(d, before);
        // Fractional counts are fine as plain ratios.
        d.apply_counts(0, &[1_000.0, 200.5], false).unwrap();
        assert_eq!(d.rate(0, 1), Some(RateSpec::Fixed { value: 0.2005 }));
    }

    #[test]
    fn expected_counts_multiply_rates() {
        let d = initial_doc(Lang::En);
        let c = counts(&d, 0);
        let want = [10_000.0, 2_500.0, 800.0, 200.0, 60.0];
        assert_eq!(c.len(), 5);
        for (a, b) in c.iter().zip(want) {
            assert!(close(*a, b), "{a} vs {b}");
        }
    }

    #[test]
    fn expected_totals_add_the_segments() {
        let d = presets::preset_doc(PresetId::CaseB, Lang::En);
        // SMB 8,000 × .25 = 2,000 and enterprise 2,000 × .30 = 600 reach interest.
        let t = d.expected_totals();
        assert!(
            close(t[0].unwrap(), 10_000.0) && close(t[1].unwrap(), 2_600.0),
            "{t:?}"
        );
    }

    #[test]
    fn typing_a_count_sets_its_rate_and_scales_the_stages_below() {
        let mut d = initial_doc(Lang::En);
        assert!(d.set_count(0, 2, 1_000.0));
        let c = counts(&d, 0);
        assert!(close(d.rate(0, 2).unwrap().mean().unwrap(), 0.4));
        assert!(close(c[2], 1_000.0));
        // Rates below are kept, so their counts scale by 1000/800.
        assert!(close(c[3], 250.0));
        assert!(close(c[4], 75.0));
        assert!(close(d.rate(0, 3).unwrap().mean().unwrap(), 0.25));
    }

    #[test]
    fn typing_a_rate_moves_its_count_and_those_below() {
        let mut d = initial_doc(Lang::En);
        d.set_rate(0, 1, 0.5);
        let c = counts(&d, 0);
        assert!(close(c[1], 5_000.0));
        assert!(close(c[4], 120.0));
        assert!(close(c[0], 10_000.0));
    }

    /// Evidence starts from the plan counts; its rate is (k + 1)/(n + 2),
    /// so the switch says when that is not the rate shown before: 800 of
    /// 2,500 is 32.01 %, not 32 %; a volume of 1 gives "0 of 1", 33.3 %
    /// instead of 30 % (which it did without a word).
    #[test]
    fn evidence_mode_starts_from_the_plan_counts_and_says_when_the_rate_moves() {
        let mut d = initial_doc(Lang::En);
        let note = d.set_rate_mode(0, 2, "evidence");
        assert_eq!(d.rate(0, 2), Some(RateSpec::Evidence { k: 800, n: 2_500 }));
        assert_eq!(
            note,
            Some(ModeNote::EvidenceRate {
                k: 800,
                n: 2_500,
                was: 0.32,
                now: 801.0 / 2_502.0
            })
        );
        let mut d = initial_doc(Lang::En);
        d.set_volume(0, 1.0);
        d.set_rate(0, 1, 0.3);
        let note = d.set_rate_mode(0, 1, "evidence");
        assert_eq!(d.rate(0, 1), Some(RateSpec::Evidence { k: 0, n: 1 }));
        assert_eq!(
            note,
            Some(ModeNote::EvidenceRate {
                k: 0,
                n: 1,
                was: 0.3,
                now: 1.0 / 3.0
            })
        );
        // 500 of 1,000 is 501/1,002 = 50 % exactly: nothing to say.
        let mut d = initial_doc(Lang::En);
        d.set_volume(0, 1_000.0);
        d.set_rate(0, 1, 0.5);
        assert_eq!(d.set_rate_mode(0, 1, "evidence"), None);
        assert_eq!(d.rate(0, 1), Some(RateSpec::Evidence { k: 500, n: 1_000 }));
    }

    /// A 100 % rate switched to a range became 80–99.95 % without a word (its
    /// mean far below 100 %). A range needs room on both sides: the switch
    /// sets the nearest one and says so; the same at 0 %.
    #[test]
    fn a_rate_of_0_or_100_switched_to_a_range_says_what_it_set() {
        for (rate, low, high) in [(1.0, 0.99, 0.9995), (0.0, 0.0005, 0.01)] {
            let mut d = initial_doc(Lang::En);
            d.set_rate(0, 2, rate);
            let note = d.set_rate_mode(0, 2, "range");
            assert_eq!(note, Some(ModeNote::RangeAtEdge { low, high }), "{rate}");
            assert_eq!(d.rate(0, 2), Some(RateSpec::Range { low, high }));
            assert!(d.plan().is_ok());
        }
    }

    /// Any rate switched to a range keeps its number — the fitted Beta's
    /// mean, which the rate box shows, equals it to the two decimals shown —
    /// or the switch says what it set. Between 0.01 % and 99.99 % it keeps it.
    #[test]
    fn a_rate_switched_to_a_range_keeps_its_number_or_says_so() {
        let pcts = [
            0.0, 0.0001, 0.01, 0.1, 1.0, 5.0, 12.5, 25.0, 32.0, 50.0, 61.8, 75.0, 90.0, 99.0, 99.9,
            99.99, 99.9999, 100.0,
        ];
        for pct in pcts {
            let m: f64 = pct / 100.0;
            let mut d = initial_doc(Lang::En);
            d.set_rate(0, 2, m);
            let note = d.set_rate_mode(0, 2, "range");
            let spec = d.rate(0, 2).unwrap();
            let RateSpec::Range { low, high } = spec else {
                panic!("{pct}: {spec:?}");
            };
            let now = spec
                .mean()
                .unwrap_or_else(|| panic!("{pct}: refused {spec:?}"));
            let kept = (now - m).abs() <= 0.5e-4;
            match note {
                None => assert!(
                    kept && low < m && m < high,
                    "{pct}: {low}–{high}, mean {now}"
                ),
                Some(ModeNote::RangeAtEdge { low: l, high: h }) => {
                    assert!(!kept, "{pct}: a note though the mean was kept");
                    assert_eq!((l, h), (low, high));
                }
                other => panic!("{pct}: {other:?}"),
            }
            if (0.01..=99.99).contains(&pct) {
                assert_eq!(note, None, "{pct}: {low}–{high}");
            }
            // Back to fixed: the number shown in range mode, no note.
            assert_eq!(d.set_rate_mode(0, 2, "fixed"), None);
            assert_eq!(d.rate(0, 2), Some(RateSpec::Fixed { value: now }));
        }
    }

    /// A volume switched to a range and back is the same volume: 10,000
    /// became 8,000–12,000 (mean 9,872) and then 9,872. Where no range has
    /// it as its mean, the switch says what it set.
    #[test]
    fn a_volume_switched_to_a_range_and_back_keeps_its_number_or_says_so() {
        for v in [1.0, 2.0, 3.0, 7.0, 10.0, 99.0, 1_234.0, 10_000.0, 8e8, 1e9] {
            let mut d = initial_doc(Lang::En);
            d.set_volume(0, v);
            let note = d.set_volume_mode(0, "range");
            let VolumeSpec::Range { low, high } = d.segments[0].spec.volume else {
                panic!("not a range");
            };
            assert!(d.plan().is_ok(), "{v}: {low}–{high}");
            let mean = d.volume_value(0).unwrap();
            match note {
                None => assert_eq!(mean.round(), v, "{v}: {low}–{high}"),
                Some(ModeNote::VolumeRange {
                    low: l,
                    high: h,
                    was,
                    now,
                }) => {
                    assert_ne!(mean.round(), v, "{v}: a note though the mean was kept");
                    assert_eq!((l, h, was, now), (low, high, v, mean));
                }
                other => panic!("{v}: {other:?}"),
            }
            if v < 1e8 {
                assert_eq!(note, None, "{v}: {low}–{high}");
            }
            assert_eq!(d.set_volume_mode(0, "fixed"), None);
            if note.is_none() {
                assert_eq!(d.segments[0].spec.volume, VolumeSpec::Fixed { value: v });
            }
        }
    }

    /// A small volume switched to a range gets a valid range around it.
    #[test]
    fn a_small_volume_switched_to_a_range_is_a_valid_range() {
        for v in [1.0, 2.0, 3.0, 10.0, 10_000.0] {
            let mut d = initial_doc(Lang::En);
            d.set_volume(0, v);
            d.set_volume_mode(0, "range");
            let VolumeSpec::Range { low, high } = d.segments[0].spec.volume else {
                panic!("not a range");
            };
            assert!(low <= v && v <= high && low < high, "{v}: {low}–{high}");
            assert!(d.plan().is_ok(), "{v}: {low}–{high}");
        }
    }

    #[test]
    fn removing_a_middle_stage_keeps_the_counts_below() {
        let mut d = initial_doc(Lang::En);
        d.set_lever(1, LeverKind::Volume, 0.3); // no scenario: ignored
        assert!(d.remove_stage(2));
        let c = counts(&d, 0);
        assert_eq!(c.len(), 4);
        assert!(close(c[2], 200.0));
        assert!(close(c[3], 60.0));
        assert_eq!(d.stages[2], Label::Key(NameKey::Intent));
    }

    #[test]
    fn levers_and_the_goal_follow_their_stage_when_a_stage_is_removed() {
        let mut d = initial_doc(Lang::En);
        let (label, spec) = presets::awareness30();
        d.add_scenario(label, spec);
        d.set_lever(1, LeverKind::RatePoints(3), 0.05);
        d.set_lever(1, LeverKind::RatePoints(2), 0.02);
        d.set_goal_lever(GoalLever::RatePoints { stage: 4 });
        d.remove_stage(2);
        assert_eq!(d.lever(1, LeverKind::RatePoints(2)), 0.05);
        assert_eq!(d.lever(1, LeverKind::RatePoints(3)), 0.0);
        assert_eq!(d.lever(1, LeverKind::Volume), 0.3);
        assert_eq!(d.goal.lever, GoalLever::RatePoints { stage: 3 });
        d.remove_stage(3);
        assert_eq!(d.goal.lever, GoalLever::Volume);
        assert!(super::super::decode(&super::super::encode(&d)).is_ok());
    }

    #[test]
    fn a_zero_lever_is_removed() {
        let mut d = initial_doc(Lang::En);
        let (label, spec) = presets::awareness30();
        d.add_scenario(label, spec);
        d.set_lever(1, LeverKind::Volume, 0.0);
        assert!(d.scenarios[0].spec.levers.is_empty());
    }

    /// The decoder refuses a scenario with a lever kind twice, so no edit
    /// may make one: setting a lever again replaces it, removing or moving
    /// stages keeps one lever per stage, a copy or a preset keeps them apart.
    #[test]
    fn no_edit_gives_a_scenario_a_lever_twice() {
        use LeverKind::*;
        fn assert_distinct(d: &Document, after: &str) {
            for sc in &d.scenarios {
                let l = &sc.spec.levers;
                for (a, x) in l.iter().enumerate() {
                    let kind = [Volume, Deal]
                        .into_iter()
                        .chain((0..20).flat_map(|i| [RatePoints(i), RateRelative(i)]))
                        .find(|k| k.matches(x))
                        .unwrap();
                    assert!(
                        !l[a + 1..].iter().any(|y| kind.matches(y)),
                        "{after}: {l:?}"
                    );
                }
            }
            let back = super::super::decode(&super::super::encode(d));
            assert!(back.is_ok(), "{after}: {back:?}");
        }
        let mut d = initial_doc(Lang::En);
        while d.add_stage(Label::Text("s".into())) {}
        let (label, spec) = presets::case_a(d.stages());
        d.add_scenario(label, spec);
        for round in 0..6 {
            // Stages 0 and k do not take a rate lever: those edits change nothing.
            for i in 0..d.stages() + 1 {
                for kind in [Volume, Deal, RatePoints(i), RateRelative(i)] {
                    d.set_lever(1, kind, 0.01);
                    d.set_lever(1, kind, 0.02);
                }
            }
            assert_distinct(&d, "set twice");
            assert!(d.duplicate_scenario(1, "copy".into()));
            assert_distinct(&d, "copied");
            // The entry, a middle stage and the last, in turn.
            let i = [0, 3, d.stages() - 1][round % 3];
            assert!(d.remove_stage(i));
            assert_distinct(&d, "a stage removed");
            assert!(d.move_stage_down(1));
            assert!(d.add_stage(Label::Text("t".into())));
            assert_distinct(&d, "stages moved and added");
            d.remove_scenario(2);
        }
        for id in PresetId::ALL {
            assert_distinct(&presets::apply_preset(&d, id, Lang::En), "a preset");
        }
    }

    #[test]
    fn a_scope_on_a_missing_segment_is_all() {
        let mut d = initial_doc(Lang::En);
        let (label, spec) = presets::awareness30();
        d.add_scenario(label, spec);
        d.set_scope(1, Scope::Segment(3));
        assert_eq!(d.scenarios[0].spec.scope, Scope::All);
    }

    #[test]
    fn renamed_names_become_text_and_leave_the_preset() {
        let mut d = initial_doc(Lang::En);
        d.rename_stage(0, "Reach".into());
        assert_eq!(d.stages[0], Label::Text("Reach".into()));
        assert_eq!(d.stages[1], Label::Key(NameKey::Interest));
        assert_eq!(d.preset, None);
    }

    #[test]
    fn limits_refuse_and_change_nothing() {
        let mut d = initial_doc(Lang::En);
        while d.add_stage(Label::Text("s".into())) {}
        assert_eq!(d.stages(), limits::MAX_STAGES);
        while d.add_segment(Label::Text("g".into())) {}
        assert_eq!(d.segments.len(), limits::MAX_SEGMENTS);
        while d.add_scenario(Label::Text("x".into()), presets::awareness30().1) {}
        assert_eq!(d.scenarios.len() + 1, limits::MAX_SCENARIOS);
        let before = d.clone();
        assert!(!d.add_stage(Label::Text("s".into())));
        assert_eq!(d, before);
        while d.remove_stage(0) {}
        assert_eq!(d.stages(), limits::MIN_STAGES);
        assert!(super::super::decode(&super::super::encode(&d)).is_ok());
    }

    #[test]
    fn settings_boxes_convert_their_units() {
        let mut d = initial_doc(Lang::En);
        d.set_trials(40_000.0);
        assert_eq!(d.trials, 40_000);
        d.set_trials(1e12);
        assert_eq!(d.trials, u32::MAX, "saturates, never wraps");
        d.set_seed(9_007_199_254_740_991.0);
        assert_eq!(d.seed, (1 << 53) - 1);
        d.set_margin_percent(35.0);
        assert_eq!(d.margin, Some(0.35));
        d.set_margin_percent(f64::NAN);
        assert_eq!(d.margin, None, "an empty box clears the margin");
        d.set_goal_target(250_000.0);
        assert_eq!(d.goal.target, Some(250_000.0));
        d.set_goal_target(f64::NAN);
        assert_eq!(d.goal.target, None);
        d.set_goal_prob_percent(95.0);
        assert_eq!(d.goal.prob, 0.95);
    }

    #[test]
    fn a_removed_stage_takes_its_lag_along() {
        let lag = |m: f64| LagSpec {
            median: m,
            p90: 2.0 * m,
        };
        // Five stages, four transitions with lags 1, 2, 4, 8 days.
        let full = || vec![lag(1.0), lag(2.0), lag(4.0), lag(8.0)];
        let mut l = full();
        remove_stage_lag(&mut l, 0, 5);
        assert_eq!(
            l,
            vec![lag(2.0), lag(4.0), lag(8.0)],
            "the entry's lag goes"
        );
        let mut l = full();
        remove_stage_lag(&mut l, 2, 5);
        assert_eq!(l, vec![lag(1.0), lag(6.0), lag(8.0)], "two lags become one");
        let mut l = full();
        remove_stage_lag(&mut l, 4, 5);
        assert_eq!(l, vec![lag(1.0), lag(2.0), lag(4.0)], "the last one goes");
        // Fewer lags than transitions: the missing ones are none.
        let mut l = vec![lag(1.0), lag(2.0)];
        remove_stage_lag(&mut l, 2, 5);
        assert_eq!(l, vec![lag(1.0), lag(2.0)]);
        let mut l = vec![lag(1.0)];
        remove_stage_lag(&mut l, 3, 5);
        assert_eq!(l, vec![lag(1.0)]);
        // Through the document: the segments' lags follow their stages.
        let mut d = initial_doc(Lang::En);
        d.segments[0].lags = full();
        assert!(d.remove_stage(2));
        assert_eq!(d.segments[0].lags, vec![lag(1.0), lag(6.0), lag(8.0)]);
        assert!(d.add_segment(Label::Text("B".into())));
        assert_eq!(
            d.segments[1].lags, d.segments[0].lags,
            "a new segment starts alike"
        );
    }

    #[test]
    fn goal_lever_codes_read_back() {
        let mut d = initial_doc(Lang::En);
        assert!(d.stages() > 2);
        for lever in [GoalLever::Volume, GoalLever::RatePoints { stage: 2 }] {
            d.set_goal_lever_code(&goal_lever_code(lever));
            assert_eq!(d.goal_lever(), lever);
        }
        assert_eq!(
            goal_lever_code(GoalLever::RatePoints { stage: 3 }),
            "rate-3"
        );
        d.set_goal_lever_code("rate-1");
        assert_eq!(d.goal_lever(), GoalLever::RatePoints { stage: 1 });
        // A stage that does not exist, a rate into the first stage and
        // anything unknown: the volume.
        for code in [
            format!("rate-{}", d.stages()),
            "rate-0".into(),
            "rate-x".into(),
            "x".into(),
        ] {
            d.set_goal_lever_code("rate-1");
            d.set_goal_lever_code(&code);
            assert_eq!(d.goal_lever(), GoalLever::Volume, "{code}");
        }
    }

    #[test]
    fn time_mode_edits_keep_the_document_runnable() {
        let mut d = initial_doc(Lang::En);
        d.period = Period::Quarter;
        let v = d.segments[0].spec.volume;
        // Switching on a quarterly model: per month now, and said so.
        assert!(d.set_time_on(true));
        assert_eq!(d.period, Period::Month);
        match (v, d.segments[0].spec.volume) {
            (VolumeSpec::Fixed { value: a }, VolumeSpec::Fixed { value: b }) => {
                assert!((a / 3.0 - b).abs() < 1e-9)
            }
            other => panic!("{other:?}"),
        }
        assert!(!d.set_time_on(true), "a monthly model is left as it is");
        assert!(d.time_spec().is_some());
        assert!(d.plan().is_ok(), "{:?}", d.plan().err());
        // The preset's typical days came with the switch; cleared here to
        // type them.
        assert_eq!(
            d.segments[0].lags,
            crate::presets::preset_lags(d.preset.unwrap(), 0, 4)
        );
        d.segments[0].lags.clear();
        // Lags: a fixed lag follows its typical value; a slow case below
        // the typical value is refused beside its field.
        d.set_lag(0, 2, false, 14.0);
        assert_eq!(d.segments[0].lags.len(), 2);
        assert_eq!(
            d.segments[0].lags[1],
            LagSpec {
                median: 14.0,
                p90: 14.0
            }
        );
        d.set_lag(0, 2, true, 30.0);
        d.set_lag(0, 2, false, 20.0);
        assert_eq!(
            d.segments[0].lags[1],
            LagSpec {
                median: 20.0,
                p90: 30.0
            }
        );
        assert!(d.plan().is_ok());
        d.set_lag(0, 2, true, 10.0);
        let errs = d.plan().unwrap_err();
        assert_eq!(errs[0].field, funnelcast_engine::Field::LagP90(0, 2));
        d.set_lag(0, 2, true, 30.0);
        d.set_lag(0, 0, false, 5.0);
        d.set_lag(0, d.stages(), false, 5.0);
        d.set_lag(9, 1, false, 5.0);
        assert_eq!(d.segments[0].lags.len(), 2, "no lag out of the funnel");
        // A profile fills every step of the segment at once, fitted to its
        // stages; an unknown one, or a segment that is not there, nothing.
        let kept = d.segments[0].lags.clone();
        d.set_lag_profile(0, "nonsense");
        d.set_lag_profile(9, "b2b");
        assert_eq!(d.segments[0].lags, kept);
        d.set_lag_profile(0, "enterprise");
        assert_eq!(d.segments[0].lags.len(), d.stages() - 1);
        assert_eq!(
            d.segments[0].lags[0],
            LagSpec {
                median: 14.0,
                p90: 30.0
            }
        );
        assert!(d.plan().is_ok());
        d.segments[0].lags = kept;
        // The horizon and the month weights.
        d.set_month_weight(3, 2.0);
        assert_eq!(d.time.as_ref().unwrap().weights.len(), 12);
        d.set_horizon(6.0);
        assert_eq!(
            d.time.as_ref().unwrap().weights,
            vec![1.0, 1.0, 2.0, 1.0, 1.0, 1.0]
        );
        d.set_month_weight(3, 1.0);
        assert!(d.time.as_ref().unwrap().weights.is_empty(), "no profile");
        d.set_month_weight(7, 2.0);
        assert!(
            d.time.as_ref().unwrap().weights.is_empty(),
            "beyond the horizon"
        );
        // A campaign window inside the horizon; an end before the start is
        // refused beside the end.
        assert!(d.add_scenario(
            Label::Text("Campaign".into()),
            ScenarioSpec {
                scope: Scope::All,
                levers: vec![Lever::Volume { frac: 0.3 }],
                cost: Some(10_000.0),
            },
        ));
        d.set_campaign_month(1, false, 2.0);
        assert_eq!(d.scenarios[0].window, Some(Window { first: 2, last: 6 }));
        assert!(d.plan().is_ok());
        d.set_campaign_month(1, true, 1.0);
        let errs = d.plan().unwrap_err();
        assert_eq!(errs[0].field, funnelcast_engine::Field::CampaignEnd(1));
        // Off: the settings stay for the next time, and one period runs.
        d.set_time_on(false);
        assert!(d.time_spec().is_none());
        assert!(d.plan().is_ok());
        assert_eq!(d.time.as_ref().unwrap().horizon, 6);
    }

    #[test]
    fn a_period_change_rescales_the_volumes_or_keeps_them_as_asked() {
        use crate::document::Period;
        let mut d = presets::preset_doc(PresetId::CaseB, Lang::En);
        d.period = Period::Month;
        let before: Vec<VolumeSpec> = d.segments.iter().map(|g| g.spec.volume).collect();
        let rates = d.segments[0].spec.rates.clone();
        d.goal.target = Some(100_000.0);
        assert_eq!(d.set_period(Period::Quarter, true), 3.0);
        assert_eq!(d.goal.target, Some(300_000.0));
        assert_eq!(d.period, Period::Quarter);
        for (g, was) in before.iter().enumerate() {
            let now = d.segments[g].spec.volume;
            match (was, now) {
                (VolumeSpec::Fixed { value: a }, VolumeSpec::Fixed { value: b }) => {
                    assert_eq!(b, 3.0 * a)
                }
                (VolumeSpec::Range { low: a, high: b }, VolumeSpec::Range { low: c, high: e }) => {
                    assert_eq!((c, e), (3.0 * a, 3.0 * b))
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(d.segments[0].spec.rates, rates, "rates are not per period");
        // Back to months: divided by 3, the same business again.
        assert_eq!(d.set_period(Period::Month, true), 1.0 / 3.0);
        let after: Vec<VolumeSpec> = d.segments.iter().map(|g| g.spec.volume).collect();
        assert_eq!(after, before);
        assert_eq!(d.goal.target, Some(100_000.0));
        // Kept as typed: only the period changes.
        assert_eq!(d.set_period(Period::Quarter, false), 1.0);
        let kept: Vec<VolumeSpec> = d.segments.iter().map(|g| g.spec.volume).collect();
        assert_eq!(kept, before);
        assert_eq!(d.period, Period::Quarter);
        assert_eq!(
            d.set_period(Period::Quarter, true),
            1.0,
            "no change, no factor"
        );
    }
}
