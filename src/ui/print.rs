//! The printed handout: one A4 page with the inputs (compact), the funnel,
//! the revenue distribution and the comparison table, in the page's
//! language. The charts and the table are the page's own (print CSS in
//! style/main.css folds everything else away); this module adds what the
//! page shows only in its editors: the inputs the results were computed
//! from, as a small table a participant can read on paper.

use funnelcast_engine::{Lever, RateSpec, Scope, VolumeSpec};
use leptos::prelude::*;

use crate::document::Document;
use crate::format::{format_count, format_money, format_number, Lang};
use crate::i18n::*;
use crate::names::scenario_name;
use crate::ui::scenarios::colour;
use crate::ui::state::use_state;
use crate::ui::words::tr;
use leptos_i18n::I18nContext;

/// A fraction as a short percentage: 0.25 → "25%", 0.025 → "2.5%".
fn pct(frac: f64, lang: Lang) -> String {
    format!("{}%", format_number(frac * 100.0, lang))
}

/// A rate as typed: "25%", "25% (2,500 / 10,000)", "20–30%".
pub fn rate_text(r: &RateSpec, lang: Lang) -> String {
    match *r {
        RateSpec::Fixed { value } => pct(value, lang),
        // The rate first (what a reader compares), the counts after it.
        RateSpec::Evidence { k, n } => {
            format!(
                "{} ({} / {})",
                pct(k as f64 / n.max(1) as f64, lang),
                format_count(k as f64, lang),
                format_count(n as f64, lang)
            )
        }
        RateSpec::Range { low, high } => {
            format!("{}–{}", format_number(low * 100.0, lang), pct(high, lang))
        }
    }
}

/// An entering volume as typed: "10,000" or "8,000–12,000".
pub fn volume_text(v: &VolumeSpec, lang: Lang) -> String {
    match *v {
        VolumeSpec::Fixed { value } => format_count(value, lang),
        VolumeSpec::Range { low, high } => {
            format!("{}–{}", format_count(low, lang), format_count(high, lang))
        }
    }
}

/// A signed number for a lever: "+30", "−5".
fn signed(x: f64, lang: Lang) -> String {
    let s = format_number(x, lang);
    if x > 0.0 {
        format!("+{s}")
    } else {
        s
    }
}

/// One scenario's levers in words: "volume +30% · Consideration +5 pts".
fn levers_text(i18n: I18nContext<Locale>, d: &Document, s: usize, lang: Lang) -> String {
    let Some(sc) = d.scenario(s) else {
        return String::new();
    };
    let stage = |i: usize| d.stages.get(i).map(|l| l.text(lang)).unwrap_or_default();
    let mut parts: Vec<String> = sc
        .spec
        .levers
        .iter()
        .filter_map(|l| match *l {
            Lever::Volume { frac } if frac != 0.0 => Some(format!(
                "{} {}%",
                t_string!(i18n, volume_short),
                signed(frac * 100.0, lang)
            )),
            Lever::RatePoints { stage: i, points } if points != 0.0 => Some(format!(
                "{} {} {}",
                stage(i),
                signed(points * 100.0, lang),
                t_string!(i18n, print_points)
            )),
            Lever::RateRelative { stage: i, frac } if frac != 0.0 => {
                Some(format!("{} {}%", stage(i), signed(frac * 100.0, lang)))
            }
            Lever::Deal { frac } if frac != 0.0 => Some(format!(
                "{} {}%",
                t_string!(i18n, print_deal),
                signed(frac * 100.0, lang)
            )),
            _ => None,
        })
        .collect();
    if let Scope::Segment(g) = sc.spec.scope {
        if let Some(seg) = d.segments.get(g) {
            parts.push(format!("({})", seg.label.text(lang)));
        }
    }
    if let Some(cost) = sc.spec.cost {
        parts.push(format!(
            "{} {}",
            t_string!(i18n, lever_cost),
            format_money(cost, d.currency, lang)
        ));
    }
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(" · ")
    }
}

/// Shown only on paper (`@media print`): the inputs of the results shown.
#[component]
pub fn Handout() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    move || {
        let lang = state.lang.get();
        state.with_shown(|shown| {
            shown.map(|shown| {
                let d = &shown.doc;
                let cur = d.currency;
                let period = crate::ui::words::period_word(i18n, d.period);
                let head = d
                    .segments
                    .iter()
                    .map(|g| view! { <th scope="col">{g.label.text(lang)}</th> })
                    .collect_view();
                let stage_rows = (0..d.stages())
                    .map(|i| {
                        let cells = d
                            .segments
                            .iter()
                            .map(|g| {
                                let text = if i == 0 {
                                    volume_text(&g.spec.volume, lang)
                                } else {
                                    g.spec
                                        .rates
                                        .get(i - 1)
                                        .map(|r| rate_text(r, lang))
                                        .unwrap_or_default()
                                };
                                view! { <td>{text}</td> }
                            })
                            .collect_view();
                        let label = d.stages[i].text(lang);
                        let what = if i == 0 {
                            t_string!(i18n, volume_short).to_string()
                        } else {
                            t_string!(i18n, print_rate_into).to_string()
                        };
                        view! {
                            <tr>
                                <th scope="row">{label}<span class="print-what">{what}</span></th>
                                {cells}
                            </tr>
                        }
                    })
                    .collect_view();
                let deal_cells = d
                    .segments
                    .iter()
                    .map(|g| {
                        let text = format!(
                            "{} (CV {})",
                            format_money(g.spec.deal.mean, cur, lang),
                            pct(g.spec.deal.cv, lang)
                        );
                        view! { <td>{text}</td> }
                    })
                    .collect_view();
                let scenarios = (1..=d.scenarios.len())
                    .map(|s| {
                        view! {
                            <li style=format!("--sc:{}", colour(s))>
                                <span class="swatch"></span>
                                <b>{scenario_name(i18n, d, s, lang)}</b>
                                {crate::ui::words::colon(lang)}
                                {levers_text(i18n, d, s, lang)}
                            </li>
                        }
                    })
                    .collect_view();
                let mut settings = vec![
                    format!(
                        "{} {}",
                        t_string!(i18n, trials),
                        format_count(d.trials as f64, lang)
                    ),
                    format!("{} {}", t_string!(i18n, seed), d.seed),
                    format!("{} {}", cur.symbol(), cur.code()),
                    t_string!(i18n, per_period, period = period.clone()).to_string(),
                ];
                if let Some(m) = d.margin {
                    settings.push(format!(
                        "{} {}",
                        t_string!(i18n, print_margin),
                        pct(m, lang)
                    ));
                }
                let title = [
                    d.preset.map(|id| crate::ui::app::preset_label(i18n, id)),
                    Some(crate::ui::words::today(lang)),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
                let goal = crate::ui::results::goal_answer(i18n, lang, shown).map(|a| {
                    let head = t_string!(
                        i18n,
                        goal_scenario_name,
                        prob = crate::format::format_percent(d.goal.prob, 0),
                        target = format_money(d.goal.target.unwrap_or(f64::NAN), cur, lang)
                    )
                    .to_string();
                    view! {
                        <p class="print-goal">
                            <b>{head}</b>
                            {crate::ui::words::colon(lang)}
                            {a.text}
                        </p>
                    }
                });
                let share = crate::ui::sharing::use_sharing();
                view! {
                    <section class="print-sheet" aria-hidden="true">
                        <p class="print-title">{title}</p>
                        // The answer first: the verdict and the goal.
                        <crate::ui::results::Verdict paper=true />
                        {goal}
                        <h2>{tr(i18n, |i| t_string!(i, print_inputs))}</h2>
                        <div class="print-inputs">
                            <table class="print-table">
                                <thead>
                                    <tr>
                                        <th scope="col">{tr(i18n, |i| t_string!(i, stage))}</th>
                                        {head}
                                    </tr>
                                </thead>
                                <tbody>
                                    {stage_rows} <tr>
                                        <th scope="row">
                                            {tr(i18n, |i| t_string!(i, deal_value))}
                                        </th>
                                        {deal_cells}
                                    </tr>
                                </tbody>
                            </table>
                            <ul class="print-scenarios">{scenarios}</ul>
                            // Back to the live model, from paper.
                            <div class="print-qr">
                                <crate::ui::sharing::QrCode
                                    link=share.link
                                    testid="print-qr"
                                    paper=true
                                />
                                <p>{tr(i18n, |i| t_string!(i, qr_caption))}</p>
                                <p class="print-host">
                                    {move || crate::ui::sharing::host_and_path(&share.link.get())}
                                </p>
                            </div>
                        </div>
                        {shown.out.months.as_ref().map(|m| month_lines(i18n, d, m, lang))}
                    </section>
                    // The technical settings, last and small (print CSS
                    // orders it after the results).
                    <p class="print-foot" aria-hidden="true">
                        {settings.join(" · ")}
                        " · "
                        {tr(i18n, |i| t_string!(i, print_mc_note))}
                    </p>
                }
            })
        })
    }
}

/// Time mode on paper: per scenario, the revenue within the horizon and
/// when it is paid back (the charts stay on the screen).
fn month_lines(
    i18n: I18nContext<Locale>,
    d: &Document,
    m: &funnelcast_engine::months::MonthResults,
    lang: Lang,
) -> impl IntoView + use<> {
    let h = m.horizon;
    let items = m
        .scenarios
        .iter()
        .enumerate()
        .map(|(s, sc)| {
            let Some(cum) = sc.cum_revenue.last() else {
                return ().into_any();
            };
            let money = |x: f64| crate::format::format_money_compact(x, d.currency, lang);
            let line = t_string!(
                i18n,
                print_months,
                name = scenario_name(i18n, d, s, lang),
                rev = money(cum.mean),
                h = h,
                lo = money(cum.p5),
                hi = money(cum.p95)
            )
            .to_string();
            let payback = sc.payback_prob.last().map(|&last| match sc.payback_p50 {
                Some(month) => t_string!(i18n, payback_median, m = month).to_string(),
                None => {
                    let p = crate::format::format_percent(1.0 - last, 0);
                    t_string!(i18n, payback_beyond, h = h, p = p).to_string()
                }
            });
            let text = match payback {
                Some(p) => format!("{line} · {p}"),
                None => line,
            };
            view! {
                <li style=format!("--sc:{}", colour(s))>
                    <span class="swatch"></span>
                    {text}
                </li>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <h2>{tr(i18n, |i| t_string!(i, over_time))}</h2>
        <ul class="print-scenarios print-months" data-testid="print-months">
            {items}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_typed() {
        let en = Lang::En;
        assert_eq!(rate_text(&RateSpec::Fixed { value: 0.25 }, en), "25%");
        assert_eq!(rate_text(&RateSpec::Fixed { value: 0.025 }, en), "2.5%");
        assert_eq!(
            rate_text(
                &RateSpec::Evidence {
                    k: 2_500,
                    n: 10_000
                },
                en
            ),
            "25% (2,500 / 10,000)"
        );
        assert_eq!(
            rate_text(
                &RateSpec::Range {
                    low: 0.2,
                    high: 0.3
                },
                en
            ),
            "20–30%"
        );
    }

    #[test]
    fn volumes_read_as_typed_in_both_languages() {
        let fixed = VolumeSpec::Fixed { value: 10_000.0 };
        assert_eq!(volume_text(&fixed, Lang::En), "10,000");
        assert_eq!(volume_text(&fixed, Lang::Zh), "1万");
        let range = VolumeSpec::Range {
            low: 8_000.0,
            high: 12_000.0,
        };
        assert_eq!(volume_text(&range, Lang::En), "8,000–12,000");
    }
}
