//! The comparison table as CSV (by hand: the `csv` crate costs 24–34 KB gzip
//! for what is a few lines here).
//!
//! - UTF-8 with a byte-order mark, so Excel opens Chinese names correctly;
//! - one row a scenario, one column a figure: a header row of names in the
//!   page's language with their units, then a row of stable machine keys;
//! - values rounded as the page shows them, in the unit their header names;
//! - a text cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage
//!   return gets a leading `'` (OWASP's advice against CSV injection), and
//!   every text cell is quoted;
//! - numbers are written plain (`-1250.5`), never as text, so a negative
//!   uplift stays a number a spreadsheet can sum.
//!
//! Per-trial samples are not exported: the engine keeps summaries and
//! histograms, not the trials themselves, and keeping them would cost up to
//! 8 million values in the page's memory.

use funnelcast_engine::months::{MonthResults, MonthStats};
use funnelcast_engine::Results;

use crate::document::Document;
use crate::format::Lang;

/// The byte-order mark, first in the file.
pub const BOM: char = '\u{feff}';

/// A text cell, quoted, with a formula's first character defused.
pub fn text_cell(s: &str) -> String {
    let risky = s
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    let mut out = String::with_capacity(s.len() + 3);
    out.push('"');
    if risky {
        out.push('\'');
    }
    for c in s.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A number cell: plain digits, a `.` and a leading `-` where negative; an
/// empty cell for a figure that does not exist (e.g. ROI without a cost).
pub fn number_cell(x: Option<f64>) -> String {
    match x {
        Some(x) if x.is_finite() => crate::numtext::display(x),
        _ => String::new(),
    }
}

/// The words of the CSV's first header row, in the page's language (the
/// caller fills them from the locale files; `{}` in a template is replaced).
#[derive(Clone, Debug, Default)]
pub struct CsvWords {
    pub scenario: String,
    pub mean: String,
    pub customers: String,
    pub revenue: String,
    pub cvar5: String,
    /// "P(revenue ≥ {})", the target in the page's money.
    pub p_target: String,
    pub uplift: String,
    pub p_more: String,
    pub cost: String,
    pub net_gain: String,
    pub roi: String,
    pub p_profit: String,
    pub goal_target: String,
    pub goal_prob: String,
    pub goal_volume: String,
    /// "Goal: points at {}", the stage's name.
    pub goal_points: String,
    pub goal_err: String,
    pub goal_achieved: String,
    /// "Stage {}: mean people", the stage's number and name.
    pub stage_mean: String,
    /// "Month {}".
    pub month: String,
    pub month_revenue: String,
    pub cum_revenue: String,
    pub month_customers: String,
    pub cum_net: String,
    pub payback_prob: String,
    pub payback_month: String,
    pub pipeline_customers: String,
    pub pipeline_revenue: String,
}

/// What a column's numbers are: how they are rounded and the unit its
/// header names.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Unit {
    /// Whole currency units (cents below 100), headed by the currency.
    Money,
    /// People, to one decimal (a mean may be fractional).
    People,
    /// A fraction written as a percentage to one decimal.
    Percent,
    /// A fraction written as a percentage to two decimals (goal seek's
    /// answer and its error, which can be a few hundredths).
    Percent2,
    /// Percentage points, two decimals.
    Points,
    /// A month's number.
    Month,
}

impl Unit {
    /// The value as written: rounded half away from zero, in the unit.
    fn cell(self, x: Option<f64>) -> Option<f64> {
        let round = |x: f64, d: i32| {
            let k = 10f64.powi(d);
            let r = (x * k).round() / k;
            // No "-0" in a spreadsheet.
            if r == 0.0 {
                0.0
            } else {
                r
            }
        };
        let x = x?;
        Some(match self {
            Unit::Money if x.abs() >= 100.0 => round(x, 0),
            Unit::Money => round(x, 2),
            Unit::People => round(x, 1),
            Unit::Percent => round(x * 100.0, 1),
            Unit::Percent2 => round(x * 100.0, 2),
            Unit::Points => round(x * 100.0, 2),
            Unit::Month => round(x, 0),
        })
    }
}

/// One column: its header for people, its key for programs, its unit and a
/// value per scenario.
struct Column {
    name: String,
    key: String,
    unit: Unit,
    cells: Vec<Option<f64>>,
}

/// The CSV text of the results `r`, computed from `doc`, headed in `lang`
/// by `words`; `baseline` is the baseline's name in that language.
///
/// One row a scenario, one column a figure. The first header row names the
/// figures for people, with their unit ("Revenue: mean ($)", "收入：均值
/// （¥）"); the second gives each a stable ASCII key (`revenue_mean`), so a
/// notebook reads the file with its second row as the header (pandas:
/// `header=1`). Values are rounded as the page shows them: money to whole
/// units (cents below 100), people to 0.1, chances and ROI in percent to
/// 0.1 (keys ending `_pct`), points to 0.01. A time-mode run's `months`
/// add, per month m, `month_{m}_…` columns (revenue and cumulative revenue:
/// mean, P5, P50, P95; customers' mean; the cumulative net gain against the
/// baseline; the chance of being paid back), then the median payback month
/// and the pipeline after the horizon. Goal seek's answer is about the
/// baseline, so it is in the baseline's row.
pub fn comparison_csv(
    doc: &Document,
    r: &Results,
    months: Option<&MonthResults>,
    goal: Option<&funnelcast_engine::GoalResult>,
    lang: Lang,
    words: &CsvWords,
    baseline: &str,
) -> String {
    let n = r.scenarios.len();
    let sep = |a: &str, b: &str| match lang {
        Lang::Zh => format!("{a}：{b}"),
        Lang::En => format!("{a}: {b}"),
    };
    let fill = |t: &str, v: &str| t.replacen("{}", v, 1);
    let mut cols: Vec<Column> = vec![];
    let mut add = |name: String, key: String, unit: Unit, f: &dyn Fn(usize) -> Option<f64>| {
        cols.push(Column {
            name,
            key,
            unit,
            cells: (0..n).map(|s| unit.cell(f(s))).collect(),
        });
    };
    let sc = |s: usize| &r.scenarios[s];
    let q = ["P5", "P50", "P95"];
    let mean = words.mean.as_str();
    let stat_names = [mean, q[0], q[1], q[2]];
    let stat_keys = ["mean", "p5", "p50", "p95"];
    let both = |x: &funnelcast_engine::Summary, k: usize| [x.mean, x.p5, x.p50, x.p95][k];
    for (k, st) in stat_keys.iter().enumerate() {
        add(
            sep(&words.customers, stat_names[k]),
            format!("customers_{st}"),
            Unit::People,
            &|s| Some(both(&sc(s).customers, k)),
        );
    }
    for (k, st) in stat_keys.iter().enumerate() {
        add(
            sep(&words.revenue, stat_names[k]),
            format!("revenue_{st}"),
            Unit::Money,
            &|s| Some(both(&sc(s).revenue, k)),
        );
    }
    add(
        words.cvar5.clone(),
        "revenue_cvar5".into(),
        Unit::Money,
        &|s| Some(sc(s).cvar5),
    );
    if r.scenarios.iter().any(|x| x.p_target.is_some()) {
        add(
            words.p_target.clone(),
            "p_target_pct".into(),
            Unit::Percent,
            &|s| sc(s).p_target,
        );
    }
    let cmp = |s: usize| sc(s).vs_baseline.as_ref();
    add(
        sep(&words.uplift, mean),
        "uplift_mean".into(),
        Unit::Money,
        &|s| cmp(s).map(|c| c.mean_uplift()),
    );
    add(
        sep(&words.uplift, q[0]),
        "uplift_p5".into(),
        Unit::Money,
        &|s| cmp(s).map(|c| c.uplift.p5),
    );
    add(
        sep(&words.uplift, q[2]),
        "uplift_p95".into(),
        Unit::Money,
        &|s| cmp(s).map(|c| c.uplift.p95),
    );
    add(
        words.p_more.clone(),
        "p_beat_pct".into(),
        Unit::Percent,
        &|s| cmp(s).map(|c| c.p_beat),
    );
    add(words.cost.clone(), "cost".into(), Unit::Money, &|s| {
        cmp(s).and_then(|c| c.cost)
    });
    add(
        words.net_gain.clone(),
        "net_gain".into(),
        Unit::Money,
        &|s| cmp(s).and_then(|c| c.net_gain),
    );
    add(words.roi.clone(), "roi_pct".into(), Unit::Percent, &|s| {
        cmp(s).and_then(|c| c.roi)
    });
    add(
        words.p_profit.clone(),
        "p_profit_pct".into(),
        Unit::Percent,
        &|s| cmp(s).and_then(|c| c.p_profit),
    );
    // Goal seek's answer, about the baseline (its row): the target, the
    // chance asked, the change (volume in percent, or points into stage i;
    // the key says which) and its 95 % error, and the chance reached.
    if let Some(g) = goal {
        let (name, key, unit) = match g.lever {
            funnelcast_engine::GoalLever::Volume => (
                words.goal_volume.clone(),
                "volume_pct".to_string(),
                Unit::Percent2,
            ),
            funnelcast_engine::GoalLever::RatePoints { stage } => {
                let stage_name = doc
                    .stages
                    .get(stage)
                    .map(|l| l.text(lang))
                    .unwrap_or_default();
                (
                    fill(&words.goal_points, &stage_name),
                    format!("rate_{stage}_pts"),
                    Unit::Points,
                )
            }
        };
        let first = |v: Option<f64>| move |s: usize| if s == 0 { v } else { None };
        add(
            words.goal_target.clone(),
            "goal_target".into(),
            Unit::Money,
            &first(doc.goal.target),
        );
        add(
            words.goal_prob.clone(),
            "goal_prob_pct".into(),
            Unit::Percent,
            &first(Some(doc.goal.prob)),
        );
        add(
            name.clone(),
            format!("goal_change_{key}"),
            unit,
            &first(g.change),
        );
        add(
            sep(&name, &words.goal_err),
            format!("goal_change_err_{key}"),
            unit,
            &first(g.change.map(|_| g.change_err)),
        );
        add(
            words.goal_achieved.clone(),
            "goal_achieved_pct".into(),
            Unit::Percent,
            &first(Some(g.achieved)),
        );
    }
    let stages = r.scenarios.first().map_or(0, |s| s.stages.len());
    for i in 0..stages {
        let name = doc.stages.get(i).map(|l| l.text(lang)).unwrap_or_default();
        add(
            fill(&words.stage_mean, &format!("{} {name}", i + 1)),
            format!("stage_{}_mean", i + 1),
            Unit::People,
            &|s| sc(s).stages.get(i).map(|x| x.mean),
        );
    }
    if let Some(mr) = months {
        let ms = |s: usize| mr.scenarios.get(s);
        let stat = |v: &[MonthStats], m: usize, k: usize| {
            v.get(m).map(|x| [x.mean, x.p5, x.p50, x.p95][k])
        };
        for m in 0..mr.horizon {
            let month = fill(&words.month, &(m + 1).to_string());
            let head = |what: &str, k: usize| sep(&sep(&month, what), stat_names[k]);
            for (k, st) in stat_keys.iter().enumerate() {
                add(
                    head(&words.month_revenue, k),
                    format!("month_{}_revenue_{st}", m + 1),
                    Unit::Money,
                    &|s| ms(s).and_then(|x| stat(&x.month_revenue, m, k)),
                );
            }
            for (k, st) in stat_keys.iter().enumerate() {
                add(
                    head(&words.cum_revenue, k),
                    format!("month_{}_cum_revenue_{st}", m + 1),
                    Unit::Money,
                    &|s| ms(s).and_then(|x| stat(&x.cum_revenue, m, k)),
                );
            }
            add(
                head(&words.month_customers, 0),
                format!("month_{}_customers_mean", m + 1),
                Unit::People,
                &|s| ms(s).and_then(|x| x.month_customers_mean.get(m).copied()),
            );
            for (k, st) in stat_keys.iter().enumerate() {
                add(
                    head(&words.cum_net, k),
                    format!("month_{}_cum_net_{st}", m + 1),
                    Unit::Money,
                    &|s| ms(s).and_then(|x| stat(&x.cum_net, m, k)),
                );
            }
            add(
                sep(&month, &words.payback_prob),
                format!("month_{}_payback_prob_pct", m + 1),
                Unit::Percent,
                &|s| ms(s).and_then(|x| x.payback_prob.get(m).copied()),
            );
        }
        add(
            words.payback_month.clone(),
            "payback_p50_month".into(),
            Unit::Month,
            &|s| ms(s).and_then(|x| x.payback_p50).map(f64::from),
        );
        add(
            words.pipeline_customers.clone(),
            "pipeline_customers_mean".into(),
            Unit::People,
            &|s| ms(s).map(|x| x.pipeline_customers_mean),
        );
        add(
            words.pipeline_revenue.clone(),
            "pipeline_revenue_mean".into(),
            Unit::Money,
            &|s| ms(s).map(|x| x.pipeline_revenue_mean),
        );
    }

    let unit_text = |u: Unit| -> String {
        let inner = match u {
            Unit::Money => doc.currency.symbol(),
            Unit::Percent | Unit::Percent2 => "%",
            Unit::Points => match lang {
                Lang::Zh => "个百分点",
                Lang::En => "points",
            },
            Unit::People | Unit::Month => return String::new(),
        };
        match lang {
            Lang::Zh => format!("（{inner}）"),
            Lang::En => format!(" ({inner})"),
        }
    };
    let mut out = String::new();
    out.push(BOM);
    let mut line = |first: &str, rest: &mut dyn Iterator<Item = String>| {
        out.push_str(&text_cell(first));
        for c in rest {
            out.push(',');
            out.push_str(&c);
        }
        out.push_str("\r\n");
    };
    line(
        &words.scenario,
        &mut cols
            .iter()
            .map(|c| text_cell(&format!("{}{}", c.name, unit_text(c.unit)))),
    );
    line("scenario", &mut cols.iter().map(|c| text_cell(&c.key)));
    for s in 0..n {
        let name = if s == 0 {
            baseline.to_string()
        } else {
            doc.scenario(s)
                .map(|x| x.label.text(lang))
                .unwrap_or_default()
        };
        line(&name, &mut cols.iter().map(|c| number_cell(c.cells[s])));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_quotes_doubled() {
        assert_eq!(text_cell("=cmd|' /C calc'!A0"), "\"'=cmd|' /C calc'!A0\"");
        for lead in ["+", "-", "@", "\t", "\r"] {
            let c = text_cell(&format!("{lead}x"));
            assert!(c.starts_with("\"'"), "{c:?}");
        }
        assert_eq!(text_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text_cell("<script>"), "\"<script>\"");
        assert_eq!(text_cell("意识"), "\"意识\"");
        // Only the first character matters.
        assert_eq!(text_cell("a=b"), "\"a=b\"");
    }

    /// Names full of markup, entities and direction overrides are cells of
    /// plain text: quoted, nothing added or taken but the doubled quote and
    /// the defusing `'`, one line per row (a newline stays inside its quotes).
    #[test]
    fn names_with_markup_are_plain_quoted_text() {
        let names = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "</text><script>alert(1)</script><text>",
            "&amp;lt;b&amp;gt;",
            "\u{202E}gnp.exe",
            "\u{202E}=cmd",
            "a\r\nb",
        ];
        for n in names {
            let c = text_cell(n);
            assert!(c.starts_with('"') && c.ends_with('"'), "{c:?}");
            assert_eq!(&c[1..c.len() - 1], n.replace('"', "\"\""), "{n:?}");
        }
        assert_eq!(
            text_cell("<svg onload=\"x\">"),
            "\"<svg onload=\"\"x\"\">\""
        );
    }

    #[test]
    fn numbers_stay_numbers() {
        assert_eq!(number_cell(Some(-1250.5)), "-1250.5");
        assert_eq!(number_cell(Some(1e21)), "1000000000000000000000");
        assert_eq!(number_cell(Some(0.25)), "0.25");
        assert_eq!(number_cell(None), "");
        assert_eq!(number_cell(Some(f64::NAN)), "");
    }

    /// Words whose every field is its own name, so a test can find a
    /// column by what it says.
    fn words() -> CsvWords {
        CsvWords {
            scenario: "Scenario".into(),
            mean: "mean".into(),
            customers: "Customers".into(),
            revenue: "Revenue".into(),
            cvar5: "Bad case".into(),
            p_target: "P(target)".into(),
            uplift: "Uplift".into(),
            p_more: "P(more revenue)".into(),
            cost: "Cost".into(),
            net_gain: "Net gain".into(),
            roi: "ROI".into(),
            p_profit: "P(profit)".into(),
            goal_target: "Goal: target".into(),
            goal_prob: "Goal: chance asked".into(),
            goal_volume: "Goal: volume".into(),
            goal_points: "Goal: points at {}".into(),
            goal_err: "95% error".into(),
            goal_achieved: "Goal: chance".into(),
            stage_mean: "Stage {}: mean people".into(),
            month: "Month {}".into(),
            month_revenue: "revenue".into(),
            cum_revenue: "cumulative revenue".into(),
            month_customers: "customers".into(),
            cum_net: "cumulative net gain".into(),
            payback_prob: "P(paid back)".into(),
            payback_month: "Paid back (median month)".into(),
            pipeline_customers: "Pipeline customers".into(),
            pipeline_revenue: "Pipeline revenue".into(),
        }
    }

    /// The file as rows of cells (quotes kept), its BOM checked.
    fn table(text: &str) -> Vec<Vec<String>> {
        assert!(text.starts_with(BOM));
        let body = text.trim_start_matches(BOM);
        assert!(body.ends_with("\r\n"));
        body.trim_end_matches("\r\n")
            .split("\r\n")
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect()
    }

    /// The cell of scenario `s` under machine key `key`, as a number.
    fn cell(t: &[Vec<String>], key: &str, s: usize) -> Option<f64> {
        let col = t[1]
            .iter()
            .position(|c| c == &format!("\"{key}\""))
            .unwrap_or_else(|| panic!("no column {key} in {:?}", t[1]));
        crate::format::decimal_to_f64(&t[2 + s][col])
    }

    fn round(x: f64, d: i32) -> f64 {
        let k = 10f64.powi(d);
        (x * k).round() / k
    }

    #[test]
    fn the_table_has_a_bom_a_row_per_scenario_two_headers_and_escaped_names() {
        use crate::names::Label;
        use crate::presets;
        let mut d = presets::preset_doc(crate::document::PresetId::Classic5, Lang::Zh);
        let (label, mut spec) = presets::awareness30();
        spec.cost = Some(50_000.0);
        d.add_scenario(label, spec);
        d.scenarios[0].label = Label::Text("=cmd".into());
        d.trials = 2_000;
        let r = funnelcast_engine::simulate(&d.plan().unwrap());
        let text = comparison_csv(&d, &r, None, None, Lang::Zh, &words(), "基线");
        let t = table(&text);
        // Two header rows and a row per scenario, every row as wide.
        assert_eq!(t.len(), 2 + 2);
        assert!(t.iter().all(|row| row.len() == t[0].len()));
        assert_eq!(t[0][0], "\"Scenario\"");
        assert_eq!(t[1][0], "\"scenario\"");
        assert_eq!(t[2][0], "\"基线\"");
        assert_eq!(t[3][0], "\"'=cmd\"");
        // Names for people with their units, in the page's punctuation.
        assert!(
            t[0].contains(&"\"Revenue：mean（¥）\"".to_string()),
            "{:?}",
            t[0]
        );
        assert!(t[0].contains(&"\"ROI（%）\"".to_string()));
        assert!(
            t[0].contains(&"\"Stage 3 考虑: mean people\"".to_string()),
            "{:?}",
            t[0]
        );
        // Machine keys are ASCII.
        assert!(t[1].iter().all(|k| k.is_ascii()), "{:?}", t[1]);
        // Values rounded as the page shows them, in their units.
        let up = r.scenarios[1].vs_baseline.as_ref().unwrap();
        assert_eq!(
            cell(&t, "revenue_mean", 0),
            Some(round(r.scenarios[0].revenue.mean, 0))
        );
        assert_eq!(
            cell(&t, "revenue_mean", 1),
            Some(round(r.scenarios[1].revenue.mean, 0))
        );
        assert_eq!(cell(&t, "uplift_p5", 0), None);
        assert_eq!(cell(&t, "uplift_p5", 1), Some(round(up.uplift.p5, 0)));
        assert_eq!(cell(&t, "p_beat_pct", 1), Some(round(up.p_beat * 100.0, 1)));
        assert_eq!(
            cell(&t, "p_profit_pct", 1),
            up.p_profit.map(|p| round(p * 100.0, 1))
        );
        assert_eq!(cell(&t, "roi_pct", 1), up.roi.map(|p| round(p * 100.0, 1)));
        assert_eq!(cell(&t, "cost", 1), Some(50_000.0));
        assert_eq!(
            cell(&t, "customers_mean", 0),
            Some(round(r.scenarios[0].customers.mean, 1))
        );
        assert_eq!(
            cell(&t, "stage_3_mean", 1),
            Some(round(r.scenarios[1].stages[2].mean, 1))
        );
        assert_eq!(
            cell(&t, "revenue_cvar5", 0),
            Some(round(r.scenarios[0].cvar5, 0))
        );
        // No raw floats: at most two decimals (cents, points).
        for row in &t[2..] {
            for c in &row[1..] {
                let decimals = c.split('.').nth(1).map_or(0, str::len);
                assert!(decimals <= 2, "{c}");
            }
        }
        // Scenario name, 4 + 4 figures, the bad case, 8 comparison figures, 5 stages.
        assert_eq!(t[0].len(), 1 + 8 + 1 + 8 + 5);
    }

    /// Goal seek's answer goes in the baseline's row, named by its lever.
    #[test]
    fn the_goal_is_in_the_baseline_row() {
        let mut d = crate::presets::preset_doc(crate::document::PresetId::Classic5, Lang::En);
        d.trials = 2_000;
        d.set_goal_target(450_000.0);
        let plan = d.plan().unwrap();
        let r = funnelcast_engine::simulate(&plan);
        let g = funnelcast_engine::goal_seek(&plan, 450_000.0, d.goal.prob);
        let text = comparison_csv(&d, &r, None, Some(&g), Lang::En, &words(), "Baseline");
        let t = table(&text);
        assert_eq!(cell(&t, "goal_target", 0), Some(450_000.0));
        assert_eq!(
            cell(&t, "goal_change_volume_pct", 0),
            g.change.map(|c| round(c * 100.0, 2))
        );
        assert_eq!(
            cell(&t, "goal_change_err_volume_pct", 0),
            Some(round(g.change_err * 100.0, 2))
        );
        assert!(
            t[0].contains(&"\"Goal: volume (%)\"".to_string()),
            "{:?}",
            t[0]
        );
        assert!(g.change.unwrap() > 0.3, "{g:?}");
    }

    #[test]
    fn a_time_mode_run_adds_its_months() {
        let mut d = crate::presets::preset_doc(crate::document::PresetId::Classic5, Lang::En);
        let (label, mut spec) = crate::presets::awareness30();
        spec.cost = Some(50_000.0);
        d.add_scenario(label, spec);
        d.trials = 1_000;
        d.set_time_on(true);
        d.set_horizon(3.0);
        let job = crate::runner::Job {
            id: 1,
            model: d.model(),
            goal: None,
            time: d.time_spec(),
        };
        let out = crate::runner::run_job(&job).unwrap();
        let m = out.months.as_ref().unwrap();
        let text = comparison_csv(
            &d,
            &out.results,
            Some(m),
            None,
            Lang::En,
            &words(),
            "Baseline",
        );
        let t = table(&text);
        let s1 = &m.scenarios[1];
        assert_eq!(
            cell(&t, "month_2_revenue_p95", 1),
            Some(round(s1.month_revenue[1].p95, 0))
        );
        assert_eq!(
            cell(&t, "month_3_cum_revenue_mean", 0),
            Some(round(m.scenarios[0].cum_revenue[2].mean, 0))
        );
        assert_eq!(cell(&t, "month_1_cum_net_p5", 0), None);
        assert_eq!(
            cell(&t, "month_1_cum_net_p5", 1),
            Some(round(s1.cum_net[0].p5, 0))
        );
        assert_eq!(
            cell(&t, "month_3_payback_prob_pct", 1),
            Some(round(s1.payback_prob[2] * 100.0, 1))
        );
        assert_eq!(
            cell(&t, "pipeline_customers_mean", 0),
            Some(round(m.scenarios[0].pipeline_customers_mean, 1))
        );
        assert!(t[0].contains(&"\"Month 2: revenue: P95 ($)\"".to_string()));
        // 17 figures, 5 stages; 3 months of 4 + 4 + 1 + 4 + 1 columns;
        // payback and pipeline 3.
        assert_eq!(t[0].len(), 1 + 17 + 5 + 3 * 14 + 3);
    }
}
