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
}
