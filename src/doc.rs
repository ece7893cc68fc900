//! The page's document: the engine's [`Model`] plus what only the page needs
//! (currency, period, which names came from a preset). It is one serialisable
//! value, so it can live in the address and in files; every edit of the page is
//! a plain function on it here, unit-tested natively.

use funnelcast_engine::{
    limits, DealSpec, Lever, Model, RateSpec, ScenarioSpec, Scope, SegmentSpec, VolumeSpec,
};
use serde::{Deserialize, Serialize};

use crate::format::{Currency, Lang};
use crate::presets;

/// The period the volume is counted in; the results are "per period".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Month,
    Quarter,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Doc {
    pub model: Model,
    /// Per stage: the preset key its name came from, `None` once renamed.
    pub stage_keys: Vec<Option<String>>,
    pub segment_keys: Vec<Option<String>>,
    pub scenario_keys: Vec<Option<String>>,
    pub preset: Option<String>,
    pub currency: Currency,
    /// The currency follows the language (¥ in Chinese, $ in English) until
    /// the user picks one.
    #[serde(default)]
    pub currency_chosen: bool,
    pub period: Period,
}

/// Which lever field of a scenario an input edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeverKind {
    Volume,
    RatePoints(usize),
    RateRelative(usize),
    Deal,
}

impl LeverKind {
    fn matches(self, lever: &Lever) -> bool {
        match (self, lever) {
            (LeverKind::Volume, Lever::Volume { .. }) | (LeverKind::Deal, Lever::Deal { .. }) => {
                true
            }
            (LeverKind::RatePoints(i), Lever::RatePoints { stage, .. }) => *stage == i,
            (LeverKind::RateRelative(i), Lever::RateRelative { stage, .. }) => *stage == i,
            _ => false,
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

/// The expected value of a volume input (its plan value).
pub fn volume_mean(v: &VolumeSpec) -> f64 {
    match *v {
        VolumeSpec::Fixed { value } => value,
        // The median of the fitted lognormal: the geometric middle of the range.
        VolumeSpec::Range { low, high } => (low * high).sqrt(),
    }
}

impl Doc {
    pub fn stages(&self) -> usize {
        self.model.stages.len()
    }

    /// Expected (plan) count at every stage of segment `g`:
    /// count₀ = V, countᵢ = countᵢ₋₁ · rᵢ.
    pub fn plan_counts(&self, g: usize) -> Vec<f64> {
        let Some(seg) = self.model.segments.get(g) else {
            return vec![];
        };
        let mut out = Vec::with_capacity(seg.rates.len() + 1);
        let mut c = volume_mean(&seg.volume);
        out.push(c);
        for r in &seg.rates {
            c *= r.mean();
            out.push(c);
        }
        out
    }

    /// Expected counts at every stage, summed over the segments.
    pub fn plan_totals(&self) -> Vec<f64> {
        let mut t = vec![0.0; self.stages()];
        for g in 0..self.model.segments.len() {
            for (a, c) in t.iter_mut().zip(self.plan_counts(g)) {
                *a += c;
            }
        }
        t
    }

    pub fn set_volume(&mut self, g: usize, value: f64) {
        if let Some(seg) = self.model.segments.get_mut(g) {
            seg.volume = VolumeSpec::Fixed { value };
        }
    }

    /// Applies a pasted column of stage counts (stage 0 first) to segment
    /// `g`: the entering volume, then each rate as the ratio of a count to
    /// the one before — fixed, or as evidence "k of n" when `as_evidence`
    /// (what last quarter's CRM counts are: measured, so the rates keep
    /// their uncertainty). Counts beyond the stages are ignored.
    ///
    /// # Errors
    /// Nothing changes when a count is above the one before it (a funnel
    /// never grows down its stages), or, as evidence, is not a whole number
    /// of people; the error names the line (1-based).
    pub fn apply_counts(
        &mut self,
        g: usize,
        counts: &[f64],
        as_evidence: bool,
    ) -> Result<(), CountsProblem> {
        let k = self.stages().min(counts.len());
        for (i, &c) in counts.iter().enumerate().take(k) {
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

    /// Sets the rate into stage `i` (a fraction); the stages below follow.
    pub fn set_rate(&mut self, g: usize, i: usize, value: f64) {
        if let Some(r) = self.rate_mut(g, i) {
            *r = RateSpec::Fixed { value };
        }
    }

    /// Typing a count sets rᵢ = countᵢ / countᵢ₋₁ and keeps the other rates.
    /// A count before an empty stage cannot set a rate: nothing changes then.
    pub fn set_count(&mut self, g: usize, i: usize, count: f64) -> bool {
        let counts = self.plan_counts(g);
        let Some(prev) = i.checked_sub(1).and_then(|p| counts.get(p)).copied() else {
            return false;
        };
        if prev <= 0.0 {
            return false;
        }
        self.set_rate(g, i, count / prev);
        true
    }

    fn rate_mut(&mut self, g: usize, i: usize) -> Option<&mut RateSpec> {
        self.model
            .segments
            .get_mut(g)?
            .rates
            .get_mut(i.checked_sub(1)?)
    }

    pub fn rate(&self, g: usize, i: usize) -> Option<RateSpec> {
        self.model
            .segments
            .get(g)?
            .rates
            .get(i.checked_sub(1)?)
            .copied()
    }

    /// Switches the uncertainty of rate i. Evidence starts from the plan counts
    /// (k = countᵢ, n = countᵢ₋₁); a range starts ±20 % around the rate.
    pub fn set_rate_mode(&mut self, g: usize, i: usize, mode: &str) {
        let counts = self.plan_counts(g);
        let Some(r) = self.rate(g, i) else { return };
        let mean = r.mean();
        let new = match mode {
            "fixed" => RateSpec::Fixed { value: mean },
            "evidence" => {
                let n = counts.get(i - 1).copied().unwrap_or(0.0).round().max(1.0);
                let k = (n * mean).round().min(n);
                RateSpec::Evidence {
                    k: k as u64,
                    n: n as u64,
                }
            }
            "range" => {
                let low = (mean * 0.8).clamp(0.0005, 0.998);
                let high = (mean * 1.2).clamp(low + 0.001, 0.9995);
                RateSpec::Range { low, high }
            }
            _ => return,
        };
        if let Some(slot) = self.rate_mut(g, i) {
            *slot = new;
        }
    }

    pub fn set_rate_spec(&mut self, g: usize, i: usize, spec: RateSpec) {
        if let Some(slot) = self.rate_mut(g, i) {
            *slot = spec;
        }
    }

    pub fn set_volume_mode(&mut self, g: usize, mode: &str) {
        let Some(seg) = self.model.segments.get_mut(g) else {
            return;
        };
        let mean = volume_mean(&seg.volume);
        seg.volume = match mode {
            "fixed" => VolumeSpec::Fixed {
                value: mean.round(),
            },
            "range" => VolumeSpec::Range {
                low: (mean * 0.8).round().max(1.0),
                high: (mean * 1.2).round().max(2.0),
            },
            _ => return,
        };
    }

    pub fn set_deal(&mut self, g: usize, deal: DealSpec) {
        if let Some(seg) = self.model.segments.get_mut(g) {
            seg.deal = deal;
        }
    }

    pub fn rename_stage(&mut self, i: usize, name: String) {
        if let Some(n) = self.model.stages.get_mut(i) {
            *n = name;
            self.stage_keys[i] = None;
            self.preset = None;
        }
    }

    pub fn rename_segment(&mut self, g: usize, name: String) {
        if let Some(seg) = self.model.segments.get_mut(g) {
            seg.name = name;
            self.segment_keys[g] = None;
        }
    }

    pub fn rename_scenario(&mut self, s: usize, name: String) {
        if let Some(sc) = s
            .checked_sub(1)
            .and_then(|j| self.model.scenarios.get_mut(j))
        {
            sc.name = name;
            self.scenario_keys[s - 1] = None;
        }
    }

    /// Adds a stage at the end (a new purchase stage after the old one).
    pub fn add_stage(&mut self, name: String) -> bool {
        if self.stages() >= limits::MAX_STAGES {
            return false;
        }
        self.model.stages.push(name);
        self.stage_keys.push(None);
        for seg in &mut self.model.segments {
            seg.rates.push(RateSpec::Fixed { value: 0.5 });
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
        for g in 0..self.model.segments.len() {
            let counts = self.plan_counts(g);
            let seg = &mut self.model.segments[g];
            if i == 0 {
                seg.volume = VolumeSpec::Fixed {
                    value: counts[1].round(),
                };
                seg.rates.remove(0);
            } else {
                // The people who reached stage i−1 now go straight to i+1 at
                // the combined rate, so the stages below keep their counts.
                if i + 1 < k {
                    let merged = seg.rates[i - 1].mean() * seg.rates[i].mean();
                    seg.rates[i] = RateSpec::Fixed { value: merged };
                }
                seg.rates.remove(i - 1);
            }
        }
        self.model.stages.remove(i);
        self.stage_keys.remove(i);
        for sc in &mut self.model.scenarios {
            sc.levers.retain_mut(|l| match l {
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
        self.preset = None;
        true
    }

    /// Swaps the names of stages i and i+1 (the rates stay with positions: the
    /// funnel's shape is kept, its steps are relabelled).
    pub fn move_stage_down(&mut self, i: usize) -> bool {
        if i + 1 >= self.stages() {
            return false;
        }
        self.model.stages.swap(i, i + 1);
        self.stage_keys.swap(i, i + 1);
        self.preset = None;
        true
    }

    pub fn add_segment(&mut self, name: String) -> bool {
        if self.model.segments.len() >= limits::MAX_SEGMENTS {
            return false;
        }
        let template = self.model.segments.last().cloned().unwrap_or(SegmentSpec {
            name: String::new(),
            volume: VolumeSpec::Fixed { value: 1000.0 },
            rates: vec![RateSpec::Fixed { value: 0.5 }; self.stages().saturating_sub(1)],
            deal: DealSpec {
                mean: 1000.0,
                cv: 0.5,
            },
        });
        self.model.segments.push(SegmentSpec { name, ..template });
        self.segment_keys.push(None);
        self.preset = None;
        true
    }

    pub fn remove_segment(&mut self, g: usize) -> bool {
        if self.model.segments.len() <= 1 || g >= self.model.segments.len() {
            return false;
        }
        self.model.segments.remove(g);
        self.segment_keys.remove(g);
        for sc in &mut self.model.scenarios {
            sc.scope = match sc.scope {
                Scope::Segment(x) if x == g => Scope::All,
                Scope::Segment(x) if x > g => Scope::Segment(x - 1),
                other => other,
            };
        }
        self.preset = None;
        true
    }

    pub fn add_scenario(&mut self, spec: ScenarioSpec, key: Option<String>) -> bool {
        if self.model.scenarios.len() + 1 >= limits::MAX_SCENARIOS {
            return false;
        }
        self.model.scenarios.push(spec);
        self.scenario_keys.push(key);
        true
    }

    pub fn duplicate_scenario(&mut self, s: usize, name: String) -> bool {
        let Some(sc) = s
            .checked_sub(1)
            .and_then(|j| self.model.scenarios.get(j))
            .cloned()
        else {
            return false;
        };
        self.add_scenario(ScenarioSpec { name, ..sc }, None)
    }

    pub fn remove_scenario(&mut self, s: usize) -> bool {
        let Some(j) = s.checked_sub(1).filter(|j| *j < self.model.scenarios.len()) else {
            return false;
        };
        self.model.scenarios.remove(j);
        self.scenario_keys.remove(j);
        true
    }

    /// The amount of one lever of scenario s (0 when the scenario has none).
    pub fn lever(&self, s: usize, kind: LeverKind) -> f64 {
        s.checked_sub(1)
            .and_then(|j| self.model.scenarios.get(j))
            .and_then(|sc| sc.levers.iter().find(|l| kind.matches(l)))
            .map(lever_amount)
            .unwrap_or(0.0)
    }

    /// Sets one lever; 0 removes it, so a scenario lists only what it changes.
    pub fn set_lever(&mut self, s: usize, kind: LeverKind, value: f64) {
        let Some(sc) = s
            .checked_sub(1)
            .and_then(|j| self.model.scenarios.get_mut(j))
        else {
            return;
        };
        let pos = sc.levers.iter().position(|l| kind.matches(l));
        match (pos, value == 0.0) {
            (Some(p), true) => {
                sc.levers.remove(p);
            }
            (Some(p), false) => sc.levers[p] = kind.make(value),
            (None, false) => sc.levers.push(kind.make(value)),
            (None, true) => {}
        }
    }

    pub fn scenario_mut(&mut self, s: usize) -> Option<&mut ScenarioSpec> {
        s.checked_sub(1)
            .and_then(|j| self.model.scenarios.get_mut(j))
    }

    /// Names that came from a preset follow the language, and so does the
    /// currency until the user has picked one.
    pub fn relocalize(&mut self, lang: Lang) {
        if !self.currency_chosen {
            self.currency = Currency::default_for(lang);
        }
        for (name, key) in self.model.stages.iter_mut().zip(&self.stage_keys) {
            if let Some(k) = key {
                *name = presets::name(k, lang);
            }
        }
        for (seg, key) in self.model.segments.iter_mut().zip(&self.segment_keys) {
            if let Some(k) = key {
                seg.name = presets::name(k, lang);
            }
        }
        for (sc, key) in self.model.scenarios.iter_mut().zip(&self.scenario_keys) {
            if let Some(k) = key {
                sc.name = presets::name(k, lang);
            }
        }
    }
}

/// Why a pasted column of counts was refused (lines are 1-based).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CountsProblem {
    /// More people than at the stage before.
    Grows { line: usize },
    /// Evidence counts people: whole numbers only.
    NotWhole { line: usize },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::initial_doc;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn pasted_counts_set_the_volume_and_the_rates() {
        let mut d = initial_doc(Lang::En);
        d.apply_counts(0, &[20_000.0, 5_000.0, 1_000.0, 400.0, 100.0], false)
            .unwrap();
        assert_eq!(
            d.model.segments[0].volume,
            VolumeSpec::Fixed { value: 20_000.0 }
        );
        assert_eq!(d.rate(0, 2), Some(RateSpec::Fixed { value: 0.2 }));
        assert!(close(d.plan_counts(0)[4], 100.0));
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
        assert!(d.model.validate().is_ok());
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
        assert_eq!(d, before);
        // Fractional counts are fine as plain ratios.
        d.apply_counts(0, &[1_000.0, 200.5], false).unwrap();
        assert_eq!(d.rate(0, 1), Some(RateSpec::Fixed { value: 0.2005 }));
    }

    #[test]
    fn plan_counts_multiply_rates() {
        let d = initial_doc(Lang::En);
        let c = d.plan_counts(0);
        let want = [10_000.0, 2_500.0, 800.0, 200.0, 60.0];
        assert_eq!(c.len(), 5);
        for (a, b) in c.iter().zip(want) {
            assert!(close(*a, b), "{a} vs {b}");
        }
    }

    #[test]
    fn plan_totals_add_the_segments() {
        let base = initial_doc(Lang::En);
        let d = presets::apply_preset(&base, "case-b", Lang::En).unwrap();
        // SMB 8,000 × .25 = 2,000 and enterprise 2,000 × .30 = 600 reach interest.
        let t = d.plan_totals();
        assert!(close(t[0], 10_000.0) && close(t[1], 2_600.0), "{t:?}");
    }

    #[test]
    fn typing_a_count_sets_its_rate_and_scales_the_stages_below() {
        let mut d = initial_doc(Lang::En);
        assert!(d.set_count(0, 2, 1_000.0));
        let c = d.plan_counts(0);
        assert!(close(d.rate(0, 2).unwrap().mean(), 0.4));
        assert!(close(c[2], 1_000.0));
        // Rates below are kept, so their counts scale by 1000/800.
        assert!(close(c[3], 250.0));
        assert!(close(c[4], 75.0));
        assert!(close(d.rate(0, 3).unwrap().mean(), 0.25));
    }

    #[test]
    fn typing_a_rate_moves_its_count_and_those_below() {
        let mut d = initial_doc(Lang::En);
        d.set_rate(0, 1, 0.5);
        let c = d.plan_counts(0);
        assert!(close(c[1], 5_000.0));
        assert!(close(c[4], 120.0));
        assert!(close(c[0], 10_000.0));
    }

    #[test]
    fn evidence_mode_starts_from_the_plan_counts() {
        let mut d = initial_doc(Lang::En);
        d.set_rate_mode(0, 2, "evidence");
        assert_eq!(d.rate(0, 2), Some(RateSpec::Evidence { k: 800, n: 2_500 }));
    }

    #[test]
    fn removing_a_middle_stage_keeps_the_counts_below() {
        let mut d = initial_doc(Lang::En);
        d.set_lever(1, LeverKind::Volume, 0.3); // no scenario: ignored
        assert!(d.remove_stage(2));
        let c = d.plan_counts(0);
        assert_eq!(c.len(), 4);
        assert!(close(c[2], 200.0));
        assert!(close(c[3], 60.0));
        assert_eq!(d.model.stages[2], "Intent");
    }

    #[test]
    fn levers_follow_their_stage_when_a_stage_is_removed() {
        let mut d = initial_doc(Lang::En);
        let (sc, key) = presets::awareness30(Lang::En);
        d.add_scenario(sc, Some(key));
        d.set_lever(1, LeverKind::RatePoints(3), 0.05);
        d.set_lever(1, LeverKind::RatePoints(2), 0.02);
        d.remove_stage(2);
        assert_eq!(d.lever(1, LeverKind::RatePoints(2)), 0.05);
        assert_eq!(d.lever(1, LeverKind::RatePoints(3)), 0.0);
        assert_eq!(d.lever(1, LeverKind::Volume), 0.3);
    }

    #[test]
    fn a_zero_lever_is_removed() {
        let mut d = initial_doc(Lang::En);
        let (sc, key) = presets::awareness30(Lang::En);
        d.add_scenario(sc, Some(key));
        d.set_lever(1, LeverKind::Volume, 0.0);
        assert!(d.model.scenarios[0].levers.is_empty());
    }

    #[test]
    fn the_currency_follows_the_language_until_chosen() {
        let mut d = initial_doc(Lang::En);
        assert_eq!(d.currency, Currency::Usd);
        d.relocalize(Lang::Zh);
        assert_eq!(d.currency, Currency::Cny);
        d.currency = Currency::Eur;
        d.currency_chosen = true;
        d.relocalize(Lang::En);
        assert_eq!(d.currency, Currency::Eur);
    }

    #[test]
    fn preset_names_follow_the_language_until_renamed() {
        let mut d = initial_doc(Lang::En);
        d.rename_stage(0, "Reach".into());
        d.relocalize(Lang::Zh);
        assert_eq!(d.model.stages[0], "Reach");
        assert_eq!(d.model.stages[1], "兴趣");
        assert_eq!(d.model.stages[4], "购买");
    }

    #[test]
    fn every_preset_validates() {
        let base = initial_doc(Lang::En);
        for id in presets::PRESET_IDS {
            let d = presets::apply_preset(&base, id, Lang::Zh).unwrap();
            assert!(d.model.validate().is_ok(), "{id}");
            assert_eq!(d.model.segments.len(), if *id == "case-b" { 2 } else { 1 });
        }
    }

    #[test]
    fn doc_round_trips_through_json() {
        let d = initial_doc(Lang::Zh);
        let s = serde_json_roundtrip(&d);
        assert_eq!(s, d);
    }

    fn serde_json_roundtrip(d: &Doc) -> Doc {
        // The page stores documents as JSON (files) — keep them loss-free.
        let text = serde_json::to_string(d).unwrap();
        serde_json::from_str(&text).unwrap()
    }
}
