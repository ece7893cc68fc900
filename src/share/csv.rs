//! The comparison table as CSV (by hand: the `csv` crate costs 24–34 KB gzip
//! for what is a few lines here).
//!
//! - UTF-8 with a byte-order mark, so Excel opens Chinese names correctly;
//! - one row a figure (a stable key in the first column), one column a
//!   scenario, headed by its name;
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

/// The CSV text of the results `r`, computed from `doc`, names in `lang`;
/// `baseline` is the baseline's name in that language. A time-mode run's
/// `months` add their rows: per month m, `month_{m}_…` (revenue and
/// cumulative revenue: mean, P5, P50, P95; customers' mean; the cumulative
/// net gain's and the payback chance against the baseline), then the
/// median payback month and the pipeline after the horizon.
pub fn comparison_csv(
    doc: &Document,
    r: &Results,
    months: Option<&MonthResults>,
    goal: Option<&funnelcast_engine::GoalResult>,
    lang: Lang,
    baseline: &str,
) -> String {
    let n = r.scenarios.len();
    let mut rows: Vec<(String, Vec<Option<f64>>)> = vec![];
    let mut add = |key: &str, f: &dyn Fn(usize) -> Option<f64>| {
        rows.push((key.to_string(), (0..n).map(f).collect()));
    };
    let sc = |s: usize| &r.scenarios[s];
    add("customers_mean", &|s| Some(sc(s).customers.mean));
    add("customers_p5", &|s| Some(sc(s).customers.p5));
    add("customers_p50", &|s| Some(sc(s).customers.p50));
    add("customers_p95", &|s| Some(sc(s).customers.p95));
    add("revenue_mean", &|s| Some(sc(s).revenue.mean));
    add("revenue_p5", &|s| Some(sc(s).revenue.p5));
    add("revenue_p50", &|s| Some(sc(s).revenue.p50));
    add("revenue_p95", &|s| Some(sc(s).revenue.p95));
    add("revenue_cvar5", &|s| Some(sc(s).cvar5));
    add("p_target", &|s| sc(s).p_target);
    let cmp = |s: usize| sc(s).vs_baseline.as_ref();
    add("uplift_mean", &|s| cmp(s).map(|c| c.mean_uplift()));
    add("uplift_p5", &|s| cmp(s).map(|c| c.uplift.p5));
    add("uplift_p95", &|s| cmp(s).map(|c| c.uplift.p95));
    add("p_beat", &|s| cmp(s).map(|c| c.p_beat));
    add("cost", &|s| cmp(s).and_then(|c| c.cost));
    add("net_gain", &|s| cmp(s).and_then(|c| c.net_gain));
    add("roi", &|s| cmp(s).and_then(|c| c.roi));
    add("p_profit", &|s| cmp(s).and_then(|c| c.p_profit));
    // Goal seek's answer, about the baseline (its column): the target, the
    // chance asked, the change (a volume fraction, or rate points into
    // stage i as a fraction) and its 95 % error.
    if let Some(g) = goal {
        let lever = match g.lever {
            funnelcast_engine::GoalLever::Volume => "volume".to_string(),
            funnelcast_engine::GoalLever::RatePoints { stage } => format!("rate_points_{stage}"),
        };
        let first = |v: Option<f64>| move |s: usize| if s == 0 { v } else { None };
        add("goal_target", &first(doc.goal.target));
        add("goal_prob", &first(Some(doc.goal.prob)));
        add(&format!("goal_{lever}_change"), &first(g.change));
        add(
            &format!("goal_{lever}_change_err"),
            &first(g.change.map(|_| g.change_err)),
        );
        add("goal_achieved", &first(Some(g.achieved)));
    }
    let stages = r.scenarios.first().map_or(0, |s| s.stages.len());
    for i in 0..stages {
        // Stage rows name their stage too (the key is for machines, the name for people).
        let name = doc.stages.get(i).map(|l| l.text(lang)).unwrap_or_default();
        add(&format!("stage_mean_{i} {name}"), &|s| {
            sc(s).stages.get(i).map(|x| x.mean)
        });
    }
    if let Some(mr) = months {
        let ms = |s: usize| mr.scenarios.get(s);
        let stat = |v: &[MonthStats], m: usize, k: usize| {
            v.get(m).map(|x| [x.mean, x.p5, x.p50, x.p95][k])
        };
        let names = ["mean", "p5", "p50", "p95"];
        for m in 0..mr.horizon {
            for (k, st) in names.iter().enumerate() {
                add(&format!("month_{}_revenue_{st}", m + 1), &|s| {
                    ms(s).and_then(|x| stat(&x.month_revenue, m, k))
                });
            }
            for (k, st) in names.iter().enumerate() {
                add(&format!("month_{}_cum_revenue_{st}", m + 1), &|s| {
                    ms(s).and_then(|x| stat(&x.cum_revenue, m, k))
                });
            }
            add(&format!("month_{}_customers_mean", m + 1), &|s| {
                ms(s).and_then(|x| x.month_customers_mean.get(m).copied())
            });
            for (k, st) in names.iter().enumerate() {
                add(&format!("month_{}_cum_net_{st}", m + 1), &|s| {
                    ms(s).and_then(|x| stat(&x.cum_net, m, k))
                });
            }
            add(&format!("month_{}_payback_prob", m + 1), &|s| {
                ms(s).and_then(|x| x.payback_prob.get(m).copied())
            });
        }
        add("payback_p50_month", &|s| {
            ms(s).and_then(|x| x.payback_p50).map(f64::from)
        });
        add("pipeline_customers_mean", &|s| {
            ms(s).map(|x| x.pipeline_customers_mean)
        });
        add("pipeline_revenue_mean", &|s| {
            ms(s).map(|x| x.pipeline_revenue_mean)
        });
    }

    let mut out = String::new();
    out.push(BOM);
    out.push_str(&text_cell("figure"));
    for s in 0..n {
        out.push(',');
        let name = if s == 0 {
            baseline.to_string()
        } else {
            doc.scenario(s)
                .map(|x| x.label.text(lang))
                .unwrap_or_default()
        };
        out.push_str(&text_cell(&name));
    }
    out.push_str("\r\n");
    for (key, cells) in &rows {
        out.push_str(&text_cell(key));
        for c in cells {
            out.push(',');
            out.push_str(&number_cell(*c));
        }
        out.push_str("\r\n");
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

    #[test]
    fn the_table_has_a_bom_a_column_per_scenario_and_escaped_names() {
        use crate::names::Label;
        use crate::presets;
        let mut d = presets::preset_doc(crate::document::PresetId::Classic5, Lang::Zh);
        let (label, mut spec) = presets::awareness30();
        spec.cost = Some(50_000.0);
        d.add_scenario(label, spec);
        d.scenarios[0].label = Label::Text("=cmd".into());
        d.trials = 2_000;
        let r = funnelcast_engine::simulate(&d.plan().unwrap());
        let text = comparison_csv(&d, &r, None, None, Lang::Zh, "基线");
        assert!(text.starts_with('\u{feff}'));
        let lines: Vec<&str> = text.trim_start_matches(BOM).split("\r\n").collect();
        assert_eq!(lines[0], "\"figure\",\"基线\",\"'=cmd\"");
        let row = |key: &str| {
            lines
                .iter()
                .find(|l| l.starts_with(&format!("\"{key}")))
                .unwrap()
                .split(',')
                .skip(1)
                .map(crate::format::decimal_to_f64)
                .collect::<Vec<_>>()
        };
        assert_eq!(row("revenue_mean")[0], Some(r.scenarios[0].revenue.mean));
        assert_eq!(row("revenue_mean")[1], Some(r.scenarios[1].revenue.mean));
        let up = r.scenarios[1].vs_baseline.as_ref().unwrap();
        assert_eq!(row("uplift_p5"), vec![None, Some(up.uplift.p5)]);
        assert_eq!(row("p_beat")[1], Some(up.p_beat));
        assert_eq!(row("p_profit"), vec![None, up.p_profit]);
        assert!(up.p_profit.is_some());
        assert!(lines.iter().any(|l| l.starts_with("\"stage_mean_2 考虑\"")));
        assert_eq!(row("revenue_cvar5")[0], Some(r.scenarios[0].cvar5));
        // Header, 18 figures, 5 stages, and the empty tail after the last CRLF.
        assert_eq!(lines.len(), 1 + 18 + 5 + 1);
    }

    /// Goal seek's answer goes in the baseline's column, named by its lever.
    #[test]
    fn the_goal_is_in_the_baseline_column() {
        let mut d = crate::presets::preset_doc(crate::document::PresetId::Classic5, Lang::En);
        d.trials = 2_000;
        d.set_goal_target(450_000.0);
        let plan = d.plan().unwrap();
        let r = funnelcast_engine::simulate(&plan);
        let g = funnelcast_engine::goal_seek(&plan, 450_000.0, d.goal.prob);
        let text = comparison_csv(&d, &r, None, Some(&g), Lang::En, "Baseline");
        let row = |key: &str| {
            text.split("\r\n")
                .find(|l| l.starts_with(&format!("\"{key}\"")))
                .unwrap_or_else(|| panic!("no {key} in {text}"))
                .split(',')
                .skip(1)
                .map(crate::format::decimal_to_f64)
                .collect::<Vec<_>>()
        };
        assert_eq!(row("goal_target"), vec![Some(450_000.0)]);
        assert_eq!(row("goal_volume_change"), vec![g.change]);
        assert_eq!(row("goal_volume_change_err"), vec![Some(g.change_err)]);
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
        let text = comparison_csv(&d, &out.results, Some(m), None, Lang::En, "Baseline");
        let lines: Vec<&str> = text.trim_start_matches(BOM).split("\r\n").collect();
        let row = |key: &str| -> Vec<Option<f64>> {
            lines
                .iter()
                .find(|l| l.starts_with(&format!("\"{key}\",")))
                .unwrap_or_else(|| panic!("{key}"))
                .split(',')
                .skip(1)
                .map(crate::format::decimal_to_f64)
                .collect()
        };
        let s1 = &m.scenarios[1];
        assert_eq!(row("month_2_revenue_p95")[1], Some(s1.month_revenue[1].p95));
        assert_eq!(
            row("month_3_cum_revenue_mean")[0],
            Some(m.scenarios[0].cum_revenue[2].mean)
        );
        assert_eq!(
            row("month_1_cum_net_p5"),
            vec![None, Some(s1.cum_net[0].p5)]
        );
        assert_eq!(row("month_3_payback_prob")[1], Some(s1.payback_prob[2]));
        assert_eq!(
            row("pipeline_customers_mean")[0],
            Some(m.scenarios[0].pipeline_customers_mean)
        );
        // 18 figures, 5 stages; 3 months of 4 + 4 + 1 + 4 + 1 rows; payback
        // and pipeline 3.
        assert_eq!(lines.len(), 1 + 18 + 5 + 3 * 14 + 3 + 1);
    }
}
