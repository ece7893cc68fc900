//! Ready-made funnels and scenarios. Stage, segment and scenario names carry a
//! key so that they follow the page's language until the user renames them.
//!
//! The starting numbers are illustrative: plausible orders of magnitude for
//! each kind of business, not data. `classic5` is TESTING.md's workload w1
//! (10,000 people, 25/32/25/30 %, deals of 5,000 ± 50 %), and `case-b`'s
//! enterprise segment is w4's second segment.

use funnelcast_engine::{
    DealSpec, Lever, Model, RateSpec, ScenarioSpec, Scope, SegmentSpec, VolumeSpec,
};

use crate::doc::{Doc, Period};
use crate::format::Lang;

/// (key, English, Chinese) for every name a preset can give.
const NAMES: &[(&str, &str, &str)] = &[
    ("awareness", "Awareness", "意识"),
    ("interest", "Interest", "兴趣"),
    ("consideration", "Consideration", "考虑"),
    ("intent", "Intent", "意图"),
    ("purchase", "Purchase", "购买"),
    ("attention", "Attention", "注意"),
    ("desire", "Desire", "欲望"),
    ("action", "Action", "行动"),
    ("lead", "Leads", "线索"),
    ("mql", "Marketing-qualified", "市场认可线索"),
    ("sql", "Sales-qualified", "销售认可线索"),
    ("opportunity", "Opportunity", "商机"),
    ("proposal", "Proposal", "方案报价"),
    ("won", "Won", "成交"),
    ("visitors", "Store visitors", "进店客流"),
    ("browse", "Browsing", "浏览商品"),
    ("try", "Tried / asked", "试用咨询"),
    ("visits", "Site visits", "网站访问"),
    ("product_view", "Product views", "商品浏览"),
    ("cart", "Added to cart", "加入购物车"),
    ("checkout", "Checkout started", "开始结算"),
    ("order", "Order placed", "完成下单"),
    ("enquiry", "Enquiries", "咨询"),
    ("consultation", "Consultation", "面谈"),
    ("signed", "Signed", "签约"),
    ("segment_all", "All customers", "全部客户"),
    ("smb", "Small firms", "中小企业"),
    ("enterprise", "Large enterprises", "大型企业"),
    ("awareness30", "+30% awareness", "意识 +30%"),
    (
        "case_a",
        "Case A: reach & early conversion",
        "案例 A：扩大覆盖与前端转化",
    ),
    (
        "pts_consideration",
        "+5 pts at consideration",
        "考虑阶段 +5 个百分点",
    ),
];

/// The name for `key` in `lang`, or the key itself when unknown.
pub fn name(key: &str, lang: Lang) -> String {
    NAMES
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, en, zh)| match lang {
            Lang::En => (*en).to_string(),
            Lang::Zh => (*zh).to_string(),
        })
        .unwrap_or_else(|| key.to_string())
}

/// The presets of the `preset` select, in display order.
pub const PRESET_IDS: &[&str] = &[
    "classic5",
    "aida",
    "b2b",
    "b2c",
    "ecommerce",
    "services",
    "case-b",
];

struct SegmentPreset {
    key: &'static str,
    volume: f64,
    rates_pct: &'static [f64],
    deal: f64,
    cv_pct: f64,
}

const CLASSIC: &[&str] = &[
    "awareness",
    "interest",
    "consideration",
    "intent",
    "purchase",
];

fn one(volume: f64, rates_pct: &'static [f64], deal: f64, cv_pct: f64) -> Vec<SegmentPreset> {
    vec![SegmentPreset {
        key: "segment_all",
        volume,
        rates_pct,
        deal,
        cv_pct,
    }]
}

/// Stage keys and segments of a preset.
fn preset(id: &str) -> Option<(&'static [&'static str], Vec<SegmentPreset>)> {
    Some(match id {
        "classic5" => (
            CLASSIC,
            one(10_000.0, &[25.0, 32.0, 25.0, 30.0], 5_000.0, 50.0),
        ),
        "aida" => (
            &["attention", "interest", "desire", "action"],
            one(20_000.0, &[20.0, 25.0, 15.0], 800.0, 60.0),
        ),
        "b2b" => (
            &["lead", "mql", "sql", "opportunity", "proposal", "won"],
            one(2_000.0, &[30.0, 40.0, 50.0, 40.0, 25.0], 50_000.0, 80.0),
        ),
        "b2c" => (
            &["visitors", "browse", "try", "purchase"],
            one(5_000.0, &[60.0, 30.0, 40.0], 300.0, 70.0),
        ),
        // Cart abandonment is the drop between "added to cart" and "checkout".
        "ecommerce" => (
            &["visits", "product_view", "cart", "checkout", "order"],
            one(50_000.0, &[40.0, 12.0, 45.0, 70.0], 400.0, 90.0),
        ),
        "services" => (
            &["enquiry", "consultation", "proposal", "signed"],
            one(300.0, &[50.0, 60.0, 40.0], 12_000.0, 50.0),
        ),
        // The article's case B: small firms and large enterprises, each with its own offer.
        "case-b" => (
            CLASSIC,
            vec![
                SegmentPreset {
                    key: "smb",
                    volume: 8_000.0,
                    rates_pct: &[25.0, 30.0, 25.0, 35.0],
                    deal: 3_000.0,
                    cv_pct: 50.0,
                },
                SegmentPreset {
                    key: "enterprise",
                    volume: 2_000.0,
                    rates_pct: &[30.0, 40.0, 35.0, 40.0],
                    deal: 40_000.0,
                    cv_pct: 80.0,
                },
            ],
        ),
        _ => return None,
    })
}

/// A fresh document for preset `id` (scenarios, trials, seed and money
/// settings are kept from `base`); `None` for an unknown id.
pub fn apply_preset(base: &Doc, id: &str, lang: Lang) -> Option<Doc> {
    let (stages, segments) = preset(id)?;
    let mut doc = base.clone();
    doc.preset = Some(id.to_string());
    doc.stage_keys = stages.iter().map(|k| Some((*k).to_string())).collect();
    doc.segment_keys = segments.iter().map(|s| Some(s.key.to_string())).collect();
    doc.model.stages = stages.iter().map(|k| name(k, lang)).collect();
    doc.model.segments = segments
        .iter()
        .map(|s| SegmentSpec {
            name: name(s.key, lang),
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
        })
        .collect();
    // Levers name stages by index: drop those that no longer exist.
    let k = doc.model.stages.len();
    for sc in &mut doc.model.scenarios {
        sc.levers.retain(|l| match l {
            Lever::RatePoints { stage, .. } | Lever::RateRelative { stage, .. } => *stage < k,
            _ => true,
        });
        if let Scope::Segment(g) = sc.scope {
            if g >= doc.model.segments.len() {
                sc.scope = Scope::All;
            }
        }
    }
    Some(doc)
}

/// The ready scenario "+30 % awareness": the entering volume × 1.3.
pub fn awareness30(lang: Lang) -> (ScenarioSpec, String) {
    (
        ScenarioSpec {
            name: name("awareness30", lang),
            scope: Scope::All,
            levers: vec![Lever::Volume { frac: 0.30 }],
            cost: None,
        },
        "awareness30".into(),
    )
}

/// The article's case A: a manufacturer pushed advertising, social media and
/// targeted content (reach, and conversion at the awareness → interest step);
/// sales grew about 30 %. Illustrative levers: +15 % reach and +3 points into
/// the interest stage give about +29 % on the classic funnel; the cost is an
/// illustrative campaign budget so that ROI shows.
pub fn case_a(lang: Lang, stages: usize) -> (ScenarioSpec, String) {
    let mut levers = vec![Lever::Volume { frac: 0.15 }];
    if stages > 1 {
        levers.push(Lever::RatePoints {
            stage: 1,
            points: 0.03,
        });
    }
    (
        ScenarioSpec {
            name: name("case_a", lang),
            scope: Scope::All,
            levers,
            cost: Some(50_000.0),
        },
        "case_a".into(),
    )
}

/// The page's first document: the classic five stages of the source article.
pub fn initial_doc(lang: Lang) -> Doc {
    let empty = Doc {
        model: Model {
            stages: vec![],
            segments: vec![],
            scenarios: vec![],
            margin: None,
            trials: 20_000,
            seed: 42,
        },
        stage_keys: vec![],
        segment_keys: vec![],
        scenario_keys: vec![],
        preset: None,
        currency: crate::format::Currency::default_for(lang),
        currency_chosen: false,
        period: Period::Month,
    };
    apply_preset(&empty, "classic5", lang).expect("classic5 is a preset")
}
