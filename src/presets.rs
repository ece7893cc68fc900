//! Ready-made funnels and scenarios. Stage, segment and scenario names are
//! [`NameKey`]s, so they follow the page's language until the user renames
//! them.
//!
//! The starting numbers are illustrative: plausible orders of magnitude for
//! each kind of business, not data. `classic5` is the benchmark workload w1
//! (10,000 people, 25/32/25/30 %, deals of 5,000 ± 50 %), and `case-b`'s
//! enterprise segment is w4's second segment (docs/test-contract.md).

use funnelcast_engine::{DealSpec, Lever, RateSpec, ScenarioSpec, Scope, SegmentSpec, VolumeSpec};

use crate::document::{Document, PresetId, Segment};
use crate::format::{Currency, Lang};
use crate::names::{Label, NameKey};

struct SegmentPreset {
    key: NameKey,
    volume: f64,
    rates_pct: &'static [f64],
    deal: f64,
    cv_pct: f64,
}

use NameKey as K;

const CLASSIC: &[NameKey] = &[
    K::Awareness,
    K::Interest,
    K::Consideration,
    K::Intent,
    K::Purchase,
];

fn one(volume: f64, rates_pct: &'static [f64], deal: f64, cv_pct: f64) -> Vec<SegmentPreset> {
    vec![SegmentPreset {
        key: K::SegmentAll,
        volume,
        rates_pct,
        deal,
        cv_pct,
    }]
}

/// Stage keys and segments of a preset.
fn preset(id: PresetId) -> (&'static [NameKey], Vec<SegmentPreset>) {
    match id {
        PresetId::Classic5 => (
            CLASSIC,
            one(10_000.0, &[25.0, 32.0, 25.0, 30.0], 5_000.0, 50.0),
        ),
        PresetId::Aida => (
            &[K::Attention, K::Interest, K::Desire, K::Action],
            one(20_000.0, &[20.0, 25.0, 15.0], 800.0, 60.0),
        ),
        PresetId::B2b => (
            &[K::Lead, K::Mql, K::Sql, K::Opportunity, K::Proposal, K::Won],
            one(2_000.0, &[30.0, 40.0, 50.0, 40.0, 25.0], 50_000.0, 80.0),
        ),
        PresetId::B2c => (
            &[K::Visitors, K::Browse, K::Try, K::Purchase],
            one(5_000.0, &[60.0, 30.0, 40.0], 300.0, 70.0),
        ),
        // Cart abandonment is the drop between "added to cart" and "checkout".
        PresetId::Ecommerce => (
            &[K::Visits, K::ProductView, K::Cart, K::Checkout, K::Order],
            one(50_000.0, &[40.0, 12.0, 45.0, 70.0], 400.0, 90.0),
        ),
        PresetId::Services => (
            &[K::Enquiry, K::Consultation, K::Proposal, K::Signed],
            one(300.0, &[50.0, 60.0, 40.0], 12_000.0, 50.0),
        ),
        // The article's case B: small firms and large enterprises, each with its own offer.
        PresetId::CaseB => (
            CLASSIC,
            vec![
                SegmentPreset {
                    key: K::Smb,
                    volume: 8_000.0,
                    rates_pct: &[25.0, 30.0, 25.0, 35.0],
                    deal: 3_000.0,
                    cv_pct: 50.0,
                },
                SegmentPreset {
                    key: K::Enterprise,
                    volume: 2_000.0,
                    rates_pct: &[30.0, 40.0, 35.0, 40.0],
                    deal: 40_000.0,
                    cv_pct: 80.0,
                },
            ],
        ),
    }
}

/// The days each stage takes in preset `id`'s segment `g`, (typical, slow
/// case P90) per transition: plausible orders of magnitude, as the
/// volumes are. B2B takes weeks to months, e-commerce hours to days; in
/// case B the enterprise deals are far slower than the small firms'.
/// Applied when time mode is on (a one-period document keeps no lags, so
/// its link stays format 1).
pub fn typical_lags(id: PresetId, g: usize) -> &'static [(f64, f64)] {
    match (id, g) {
        // w6's lags (docs/test-contract.md).
        (PresetId::Classic5, _) => &[(7.0, 14.0), (14.0, 28.0), (21.0, 42.0), (30.0, 60.0)],
        (PresetId::Aida, _) => &[(2.0, 5.0), (5.0, 12.0), (7.0, 20.0)],
        (PresetId::B2b, _) => &[
            (7.0, 21.0),
            (14.0, 30.0),
            (21.0, 45.0),
            (30.0, 60.0),
            (45.0, 90.0),
        ],
        (PresetId::B2c, _) => &[(0.5, 2.0), (1.0, 4.0), (2.0, 7.0)],
        (PresetId::Ecommerce, _) => &[(0.1, 0.5), (0.2, 1.0), (0.5, 2.0), (1.0, 3.0)],
        (PresetId::Services, _) => &[(3.0, 10.0), (7.0, 21.0), (14.0, 30.0)],
        (PresetId::CaseB, 0) => &[(2.0, 5.0), (3.0, 7.0), (5.0, 10.0), (7.0, 14.0)],
        (PresetId::CaseB, _) => &[(14.0, 30.0), (30.0, 60.0), (45.0, 90.0), (60.0, 120.0)],
    }
}

/// Preset `id`'s lags for segment `g`, as the document holds them, fitted
/// to `n` transitions ([`fit_lags`]).
pub fn preset_lags(id: PresetId, g: usize, n: usize) -> Vec<crate::document::LagSpec> {
    fit_lags(typical_lags(id, g), n)
}

/// The lag profiles the funnel editor offers a segment, by code: a name a
/// planner knows for each order of magnitude (the presets' own lags).
pub const LAG_PROFILES: [(&str, PresetId, usize); 6] = [
    ("b2b", PresetId::B2b, 0),
    ("enterprise", PresetId::CaseB, 1),
    ("smb", PresetId::CaseB, 0),
    ("services", PresetId::Services, 0),
    ("b2c", PresetId::B2c, 0),
    ("ecommerce", PresetId::Ecommerce, 0),
];

/// A profile's lags on a funnel of `n` transitions: as they are when the
/// counts agree; otherwise the first and the last kept (the first contact
/// and the close) and those between picked evenly, so a longer funnel
/// repeats a middle step and a shorter one skips one.
pub fn fit_lags(lags: &[(f64, f64)], n: usize) -> Vec<crate::document::LagSpec> {
    let len = lags.len();
    (0..n)
        .map(|j| {
            let at = if n <= 1 || len <= 1 {
                len.saturating_sub(1) * usize::from(n > 1 && j > 0)
            } else {
                (j * (len - 1) + (n - 1) / 2) / (n - 1)
            };
            let (median, p90) = lags.get(at).copied().unwrap_or((0.0, 0.0));
            crate::document::LagSpec { median, p90 }
        })
        .collect()
}

/// Preset `id` on top of `base`: a new funnel, so the currency is picked
/// from `lang` as for any new document; scenarios, trials, seed, period,
/// margin and the goal are kept, less the levers on stages or segments that
/// no longer exist.
pub fn apply_preset(base: &Document, id: PresetId, lang: Lang) -> Document {
    let (stages, segments) = preset(id);
    let mut doc = base.clone();
    doc.preset = Some(id);
    doc.currency = Currency::default_for(lang);
    doc.stages = stages.iter().map(|k| Label::Key(*k)).collect();
    let time_on = base.time.as_ref().is_some_and(|t| t.on);
    doc.segments = segments
        .iter()
        .enumerate()
        .map(|(g, s)| Segment {
            lags: if time_on {
                preset_lags(id, g, stages.len() - 1)
            } else {
                Vec::new()
            },
            label: Label::Key(s.key),
            spec: SegmentSpec {
                volume: VolumeSpec::Fixed { value: s.volume },
                rates: s
                    .rates_pct
                    .iter()
                    .map(|r| RateSpec::Fixed { value: r / 100.0 })
                    .collect(),
                deal: DealSpec {
                    mean: s.deal,
                    cv: s.cv_pct / 100.0,
                },
            },
        })
        .collect();
    // Levers name stages by index: drop those that no longer exist.
    let k = doc.stages.len();
    let nseg = doc.segments.len();
    for sc in &mut doc.scenarios {
        sc.spec.levers.retain(|l| match l {
            Lever::RatePoints { stage, .. } | Lever::RateRelative { stage, .. } => *stage < k,
            _ => true,
        });
        if matches!(sc.spec.scope, Scope::Segment(g) if g >= nseg) {
            sc.spec.scope = Scope::All;
        }
    }
    let lever = doc.goal_lever();
    doc.set_goal_lever(lever);
    doc
}

/// A new document with preset `id`, in `lang`'s currency.
pub fn preset_doc(id: PresetId, lang: Lang) -> Document {
    apply_preset(&Document::empty(lang), id, lang)
}

/// The ready scenario "+30 % awareness": the entering volume × 1.3.
pub fn awareness30() -> (Label, ScenarioSpec) {
    (
        Label::Key(K::Awareness30),
        ScenarioSpec {
            scope: Scope::All,
            levers: vec![Lever::Volume { frac: 0.30 }],
            cost: None,
        },
    )
}

/// The article's case A: a manufacturer pushed advertising, social media and
/// targeted content (reach, and conversion at the awareness → interest step);
/// sales grew about 30 %. Illustrative levers: +15 % reach and +3 points into
/// the interest stage give about +29 % on the classic funnel; the cost is an
/// illustrative campaign budget so that ROI shows.
pub fn case_a(stages: usize) -> (Label, ScenarioSpec) {
    let mut levers = vec![Lever::Volume { frac: 0.15 }];
    if stages > 1 {
        levers.push(Lever::RatePoints {
            stage: 1,
            points: 0.03,
        });
    }
    (
        Label::Key(K::CaseA),
        ScenarioSpec {
            scope: Scope::All,
            levers,
            cost: Some(50_000.0),
        },
    )
}

/// The page's first document: the classic five stages of the source article.
pub fn initial_doc(lang: Lang) -> Document {
    preset_doc(PresetId::Classic5, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A profile fits any funnel: its own length unchanged; longer or
    /// shorter funnels keep its first contact and its close, and what lies
    /// between stays in order.
    #[test]
    fn a_lag_profile_fits_any_number_of_stages() {
        let b2b = typical_lags(PresetId::B2b, 0);
        let days = |n: usize| -> Vec<f64> { fit_lags(b2b, n).iter().map(|l| l.median).collect() };
        assert_eq!(days(5), b2b.iter().map(|l| l.0).collect::<Vec<_>>());
        assert_eq!(days(3), vec![7.0, 21.0, 45.0]);
        assert_eq!(days(2), vec![7.0, 45.0]);
        assert_eq!(days(1), vec![7.0]);
        assert_eq!(days(0), Vec::<f64>::new());
        let long = days(9);
        assert_eq!((long[0], long[8]), (7.0, 45.0));
        assert!(long.windows(2).all(|w| w[0] <= w[1]), "{long:?}");
        // Every profile's lags are valid inputs on a funnel of any size.
        for (_, id, g) in LAG_PROFILES {
            for n in 1..=9 {
                for l in fit_lags(typical_lags(id, g), n) {
                    assert!(
                        funnelcast_engine::lag::Lag::new(l.median, l.p90).is_ok(),
                        "{l:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_preset_validates_in_both_languages() {
        for id in PresetId::ALL {
            for lang in [Lang::En, Lang::Zh] {
                let d = preset_doc(id, lang);
                assert!(d.plan().is_ok(), "{id:?}");
                assert!(d.name_problems().is_empty());
                assert_eq!(d.segments.len(), if id == PresetId::CaseB { 2 } else { 1 });
                assert_eq!(d.currency, Currency::default_for(lang));
            }
        }
    }

    #[test]
    fn every_preset_has_typical_days_that_run_in_time_mode() {
        for id in PresetId::ALL {
            let mut d = preset_doc(id, Lang::En);
            assert!(d.segments.iter().all(|s| s.lags.is_empty()), "one period");
            d.set_time_on(true);
            for (g, seg) in d.segments.iter().enumerate() {
                assert_eq!(seg.lags.len(), d.stages() - 1, "{id:?} segment {g}");
            }
            assert!(d.plan().is_ok(), "{id:?}: {:?}", d.plan().err());
            // A preset chosen while time mode is on comes with them too.
            let again = apply_preset(&d, id, Lang::En);
            assert_eq!(again.segments, d.segments, "{id:?}");
        }
        // Case B: the enterprise deals take far longer than the small firms'.
        let total =
            |g: usize| -> f64 { typical_lags(PresetId::CaseB, g).iter().map(|l| l.0).sum() };
        assert!(total(1) > 5.0 * total(0));
        // B2B in weeks to months, e-commerce in hours to days.
        let b2b: f64 = typical_lags(PresetId::B2b, 0).iter().map(|l| l.0).sum();
        let shop: f64 = typical_lags(PresetId::Ecommerce, 0)
            .iter()
            .map(|l| l.0)
            .sum();
        assert!(b2b > 60.0 && shop < 3.0, "{b2b} {shop}");
    }

    #[test]
    fn a_preset_keeps_scenarios_and_drops_levers_on_missing_stages() {
        let mut d = preset_doc(PresetId::B2b, Lang::En);
        let (label, mut spec) = awareness30();
        spec.levers.push(Lever::RatePoints {
            stage: 5,
            points: 0.1,
        });
        spec.scope = Scope::All;
        d.add_scenario(label, spec);
        d.set_goal_lever(funnelcast_engine::GoalLever::RatePoints { stage: 5 });
        let aida = apply_preset(&d, PresetId::Aida, Lang::En);
        assert_eq!(aida.scenarios.len(), 1);
        assert_eq!(
            aida.scenarios[0].spec.levers,
            vec![Lever::Volume { frac: 0.3 }]
        );
        assert_eq!(aida.goal.lever, funnelcast_engine::GoalLever::Volume);
    }

    #[test]
    fn every_preset_id_reads_back_from_its_code() {
        for id in PresetId::ALL {
            assert_eq!(PresetId::from_code(id.code()), Some(id));
        }
    }
}
