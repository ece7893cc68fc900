//! The page's inputs as typed ids: the engine's [`Field`]s (what it
//! validates) plus the inputs only the page checks (names, the paste box).
//! Messages are keyed by these, and each knows its `data-testid` (the test
//! contract in docs/test-contract.md) and the unit it is typed in.

use funnelcast_engine::Field;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldId {
    Model(Field),
    StageName(usize),
    SegmentName(usize),
    /// Scenario s ≥ 1.
    ScenarioName(usize),
    /// The pasted column of counts of segment g.
    PasteCounts(usize),
    /// The expected count at stage i of segment g, linked to its rate.
    Count(usize, usize),
}

/// How a field's number is typed: engine fractions are shown in percent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Plain,
    Percent,
}

impl From<Field> for FieldId {
    fn from(f: Field) -> Self {
        FieldId::Model(f)
    }
}

impl FieldId {
    /// The input's `data-testid`.
    pub fn testid(&self) -> String {
        use Field::*;
        let f = match *self {
            FieldId::StageName(i) => return format!("stage-name-{i}"),
            FieldId::SegmentName(g) => return format!("segment-name-{g}"),
            FieldId::ScenarioName(s) => return format!("scenario-name-{s}"),
            FieldId::PasteCounts(g) => return format!("paste-counts-{g}"),
            FieldId::Count(g, i) => return format!("count-{g}-{i}"),
            FieldId::Model(f) => f,
        };
        match f {
            Stages => "add-stage".into(),
            Segments => "add-segment".into(),
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
            LeverScope(s) => format!("lever-scope-{s}"),
            LeverVolumePct(s) => format!("lever-volume-pct-{s}"),
            LeverRatePts(s, i) => format!("lever-rate-pts-{s}-{i}"),
            LeverRatePct(s, i) => format!("lever-rate-pct-{s}-{i}"),
            LeverDealPct(s) => format!("lever-deal-pct-{s}"),
            LeverCost(s) => format!("lever-cost-{s}"),
            GoalTarget => "goal-target".into(),
            GoalProb => "goal-prob".into(),
            Horizon => "horizon".into(),
            MonthWeight(m) => format!("month-weight-{m}"),
            LagMedian(g, i) => format!("lag-median-{g}-{i}"),
            LagP90(g, i) => format!("lag-p90-{g}-{i}"),
            CampaignStart(s) => format!("campaign-start-{s}"),
            CampaignEnd(s) => format!("campaign-end-{s}"),
            // A field added to the engine later: shown at the page level.
            _ => "model".into(),
        }
    }

    /// The unit the field is typed in; the engine's bounds are fractions for
    /// percent fields and are shown ×100 there.
    pub fn unit(&self) -> Unit {
        use Field::*;
        match *self {
            FieldId::Model(
                Rate(..) | RateLow(..) | RateHigh(..) | DealCv(_) | Margin | LeverVolumePct(_)
                | LeverRatePts(..) | LeverRatePct(..) | LeverDealPct(_) | GoalProb,
            ) => Unit::Percent,
            _ => Unit::Plain,
        }
    }
}

impl FieldId {
    /// Which ends of the field's accepted interval are open (the bound itself
    /// refused), so its message says "more than 0" rather than "between 0
    /// and …": a range's ends must be above 0 (a lognormal takes their
    /// logarithm, a Beta puts no mass on 0 or 1), a rate range's below
    /// 100 %, a margin above 0. The tests check this against the engine.
    pub fn open_ends(&self) -> (bool, bool) {
        use Field::*;
        match *self {
            FieldId::Model(RateLow(..) | RateHigh(..)) => (true, true),
            FieldId::Model(VolumeLow(_) | VolumeHigh(_) | Margin) => (true, false),
            _ => (false, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_ids_follow_the_contract() {
        assert_eq!(FieldId::from(Field::Rate(1, 2)).testid(), "rate-1-2");
        assert_eq!(
            FieldId::from(Field::LeverRatePts(3, 2)).testid(),
            "lever-rate-pts-3-2"
        );
        assert_eq!(FieldId::ScenarioName(2).testid(), "scenario-name-2");
        assert_eq!(FieldId::PasteCounts(0).testid(), "paste-counts-0");
    }

    #[test]
    fn units_come_from_the_field_not_its_name() {
        assert_eq!(FieldId::from(Field::RateLow(0, 1)).unit(), Unit::Percent);
        assert_eq!(FieldId::from(Field::GoalProb).unit(), Unit::Percent);
        assert_eq!(FieldId::from(Field::EvidenceK(0, 1)).unit(), Unit::Plain);
        assert_eq!(FieldId::from(Field::LeverCost(1)).unit(), Unit::Plain);
    }

    /// Every engine bound a message states is true: the value at each end is
    /// accepted or refused as [`FieldId::open_ends`] says ("between 0 and 1"
    /// was shown where 0 is refused), and each bound prints in a few
    /// characters in both languages (a cost's bound printed 309 digits).
    #[test]
    fn message_bounds_are_true_and_short() {
        use crate::document::{Document, LeverKind};
        use crate::format::{format_number, Lang};
        use crate::presets;
        use funnelcast_engine::{DealSpec, Problem, RateSpec, VolumeSpec};
        type Set = fn(&mut Document, f64);
        let cases: Vec<(Field, f64, Set)> = vec![
            (Field::Volume(0), -5.0, |d, x| d.set_volume(0, x)),
            (Field::VolumeLow(0), -5.0, |d, x| {
                d.segments[0].spec.volume = VolumeSpec::Range {
                    low: x,
                    high: 12_000.0,
                }
            }),
            (Field::VolumeHigh(0), -5.0, |d, x| {
                d.segments[0].spec.volume = VolumeSpec::Range {
                    low: 8_000.0,
                    high: x,
                }
            }),
            (Field::Rate(0, 1), -5.0, |d, x| d.set_rate(0, 1, x)),
            (Field::RateLow(0, 1), -5.0, |d, x| {
                d.set_rate_spec(0, 1, RateSpec::Range { low: x, high: 0.6 })
            }),
            (Field::RateHigh(0, 1), -5.0, |d, x| {
                d.set_rate_spec(0, 1, RateSpec::Range { low: 0.2, high: x })
            }),
            (Field::EvidenceN(0, 1), 2e9, |d, x| {
                d.set_rate_spec(0, 1, RateSpec::Evidence { k: 0, n: x as u64 })
            }),
            (Field::DealValue(0), -5.0, |d, x| {
                d.set_deal(0, DealSpec { mean: x, cv: 0.5 })
            }),
            (Field::DealCv(0), -5.0, |d, x| {
                d.set_deal(0, DealSpec { mean: 100.0, cv: x })
            }),
            (Field::Margin, -5.0, |d, x| d.margin = Some(x)),
            (Field::Trials, 0.0, |d, x| d.trials = x as u32),
            (Field::LeverVolumePct(1), -5.0, |d, x| {
                d.set_lever(1, LeverKind::Volume, x)
            }),
            (Field::LeverDealPct(1), -5.0, |d, x| {
                d.set_lever(1, LeverKind::Deal, x)
            }),
            (Field::LeverRatePts(1, 2), -5.0, |d, x| {
                d.set_lever(1, LeverKind::RatePoints(2), x)
            }),
            (Field::LeverRatePct(1, 2), -5.0, |d, x| {
                d.set_lever(1, LeverKind::RateRelative(2), x)
            }),
            (Field::LeverCost(1), -1.0, |d, x| d.set_cost(1, Some(x))),
            (Field::GoalProb, 2.0, |d, x| d.goal.prob = x),
        ];
        let base = {
            let mut d = presets::initial_doc(Lang::En);
            let (label, spec) = presets::awareness30();
            d.add_scenario(label, spec);
            d
        };
        // The field's own bound problem at `x`, if any.
        let bound_problem = |set: Set, field: Field, x: f64| {
            let mut d = base.clone();
            set(&mut d, x);
            d.plan().err().and_then(|errs| {
                errs.into_iter()
                    .find(|e| {
                        e.field == field
                            && matches!(e.problem, Problem::OutOfRange { .. } | Problem::NotFinite)
                    })
                    .map(|e| e.problem)
            })
        };
        for (field, bad, set) in cases {
            let id = FieldId::from(field);
            let Some(Problem::OutOfRange { min, max }) = bound_problem(set, field, bad) else {
                panic!("{field:?}: {bad} is not refused as out of range");
            };
            let (open_min, open_max) = id.open_ends();
            assert_eq!(
                bound_problem(set, field, min).is_some(),
                open_min,
                "{field:?} at its min {min}"
            );
            assert_eq!(
                bound_problem(set, field, max).is_some(),
                open_max,
                "{field:?} at its max {max}"
            );
            let scale = if id.unit() == Unit::Percent {
                100.0
            } else {
                1.0
            };
            for lang in [Lang::En, Lang::Zh] {
                for x in [min, max] {
                    let s = format_number(x * scale, lang);
                    assert!(s.chars().count() <= 25, "{field:?}: {s}");
                }
            }
        }
    }
}
