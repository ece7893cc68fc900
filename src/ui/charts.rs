//! The charts, drawn in SVG from the geometry in `crate::chart`: the funnel,
//! revenue distributions overlaid with P5–P95 bands, uplift distributions and
//! the tornado ("where to invest"). A scenario has the same colour everywhere;
//! hovering a shape shows its values (SVG `<title>`).
//!
//! Every chart is an `<svg role="img">` whose accessible name states what it
//! shows in words and figures, in the page's language (the figures as the
//! results table prints them), so a screen reader user gets the chart.

use funnelcast_engine::{Field, Histogram, SensitivityInput};
use leptos::prelude::*;

use crate::chart::{self, fmt_svg, Bins, LinearScale};
use crate::fields::FieldId;
use crate::format::{
    format_count, format_money, format_money_compact, format_percent, Currency, Lang,
};
use crate::i18n::*;
use crate::names::scenario_name;
use crate::ui::input::{aria_name, Hint};
use crate::ui::results::raw;
use crate::ui::scenarios::colour;
use crate::ui::state::use_state;
use crate::ui::words::tr;

/// The width of the charts' coordinate system: narrow on a phone so that
/// text stays readable when the SVG is scaled to the screen.
fn chart_width() -> Memo<f64> {
    let width = RwSignal::new(window_width());
    let handle = window_event_listener(leptos::ev::resize, move |_| width.set(window_width()));
    on_cleanup(move || handle.remove());
    Memo::new(move |_| if width.get() < 700.0 { 400.0 } else { 640.0 })
}

fn window_width() -> f64 {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(1200.0)
}

/// The separator of a list of names in `lang`: "、" in Chinese.
fn sep(lang: Lang) -> &'static str {
    if lang == Lang::Zh {
        "、"
    } else {
        ", "
    }
}

#[component]
pub fn Charts() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_state();
    // The charts show the run on screen: its period, names and money.
    let title = move || {
        let (period, horizon) = state.with_shown(|s| {
            s.map_or((state.with_doc(|d| d.period), None), |s| {
                (s.doc.period, s.out.months.as_ref().map(|m| m.horizon))
            })
        });
        crate::ui::words::revenue_title(i18n, period, horizon)
    };
    provide_context(ChartWidth(chart_width()));
    view! {
        <section class="card" aria-labelledby="funnel-chart-h">
            <h2 id="funnel-chart-h">{tr(i18n, |i| t_string!(i, chart_funnel))}</h2>
            <crate::ui::sharing::ChartExport chart="funnel" svg_testid="funnel-chart" />
            <FunnelChart />
        </section>
        <section class="card" aria-labelledby="rev-chart-h">
            <div class="chart-title">
                <h2 id="rev-chart-h">
                    {title}" "
                    <Hint text=Signal::derive(move || {
                        format!("{} {}", t_string!(i18n, explain_mc), t_string!(i18n, explain_plan))
                    }) />
                </h2>
                <crate::ui::sharing::ChartExport chart="revenue" svg_testid="revenue-chart" />
            </div>
            <Legend />
            <DistChart dist=Dist::Revenue />
        </section>
        <Show when=move || {
            state.with_shown(|s| s.is_some_and(|s| s.out.results.scenarios.len() > 1))
        }>
            <section class="card" aria-labelledby="up-chart-h">
                <h2 id="up-chart-h">
                    {tr(i18n, |i| t_string!(i, chart_uplift))}" "
                    <Hint text=Signal::derive(move || t_string!(i18n, explain_crn).to_string()) />
                </h2>
                <crate::ui::sharing::ChartExport chart="uplift" svg_testid="uplift-chart" />
                <DistChart dist=Dist::Uplift />
            </section>
        </Show>
        <section class="card" aria-labelledby="tornado-h">
            <h2 id="tornado-h">
                {tr(i18n, |i| t_string!(i, chart_tornado))}" "
                <Hint text=Signal::derive(move || {
                    t_string!(i18n, explain_bottleneck).to_string()
                }) />
            </h2>
            <crate::ui::sharing::ChartExport chart="tornado" svg_testid="tornado-chart" />
            <Tornado />
        </section>
    }
}

#[derive(Clone, Copy)]
struct ChartWidth(Memo<f64>);

fn use_width() -> Memo<f64> {
    expect_context::<ChartWidth>().0
}

fn money(x: f64, c: Currency, l: Lang) -> String {
    format_money(x, c, l)
}

/// A chart's accessible name: its title, then its items, joined the page's
/// way ("Title: a; b" / "标题：a；b").
pub fn chart_name(lang: Lang, title: &str, items: &[String]) -> String {
    let list = items.join(if lang == Lang::Zh { "；" } else { "; " });
    aria_name(lang, &[title, &list])
}

/// One distribution in words: "Baseline: P5 $210,000, P50 …, P95 …"
/// ("基准：P5 ¥21万，P50 …，P95 …"). Only the punctuation differs by
/// language, so it is made here rather than by a translation.
pub fn dist_item(lang: Lang, name: &str, [p5, p50, p95]: [String; 3]) -> String {
    let comma = if lang == Lang::Zh { "，" } else { ", " };
    let list = format!("P5 {p5}{comma}P50 {p50}{comma}P95 {p95}");
    aria_name(lang, &[name, &list])
}

/// The funnel's bars, darkest at the top: each takes white figures at 4.5:1
/// or more (WCAG AA), from navy to the palette's blue (#0072B2, 5.2:1). A
/// fade to transparent, as before, left the lower figures at 1.3–4.2:1.
fn funnel_fill(i: usize, n: usize) -> String {
    let t = if n > 1 {
        i as f64 / (n - 1) as f64
    } else {
        0.0
    };
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(0x0b, 0x00),
        mix(0x3a, 0x72),
        mix(0x66, 0xb2)
    )
}

#[component]
fn Legend() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    move || {
        let lang = state.lang.get();
        state
            .with_shown(|shown| {
                shown.map(|shown| {
                    (0..shown.out.results.scenarios.len())
                        .map(|s| {
                            let name = scenario_name(i18n, &shown.doc, s, lang);
                            view! {
                                <span style=format!("--sc:{}", colour(s))>
                                    <span class="swatch"></span>
                                    {name}
                                </span>
                            }
                        })
                        .collect_view()
                })
            })
            .map(|items| view! { <div class="legend">{items}</div> })
    }
}

#[component]
fn FunnelChart() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let width = use_width();
    move || {
        let cw = width.get();
        let lang = state.lang.get();
        // The funnel of the inputs as typed (expected counts, the engine's
        // means); a stage after a refused input shows empty.
        let (names, counts): (Vec<String>, Vec<f64>) = state.with_doc(|d| {
            (
                d.stages.iter().map(|l| l.text(lang)).collect(),
                d.expected_totals()
                    .into_iter()
                    .map(|c| c.unwrap_or(0.0))
                    .collect(),
            )
        });
        let label_w = if cw < 500.0 { 96.0 } else { 150.0 };
        let plot_w = cw - label_w - 10.0;
        let (bar_h, gap) = (30.0, 22.0);
        let bars = chart::funnel_bars(&counts, plot_w, bar_h, gap);
        let conv = chart::conversions(&counts);
        let h = chart::funnel_height(counts.len(), bar_h, gap) + 4.0;
        let drop = t_string!(i18n, drop_off).to_string();
        // In words: each stage's expected count and the rate into it.
        let items: Vec<String> = counts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let name = names.get(i).cloned().unwrap_or_default();
                match conv.get(i).and_then(|cv| cv.rate) {
                    Some(r) => format!(
                        "{name} {} ({})",
                        format_count(*c, lang),
                        format_percent(r, 1)
                    ),
                    None => format!("{name} {}", format_count(*c, lang)),
                }
            })
            .collect();
        let label = chart_name(lang, t_string!(i18n, chart_funnel), &items);
        let shapes = bars
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let name = names.get(i).cloned().unwrap_or_default();
                let c = counts[i];
                let mid_y = b.y + b.h / 2.0;
                let conv_label = conv.get(i).and_then(|cv| {
                    cv.rate.map(|r| {
                        format!(
                            "↓ {} · {} {}",
                            format_percent(r, 1),
                            drop,
                            format_percent(1.0 - r, 1)
                        )
                    })
                });
                let title = format!("{name}: {}", format_count(c, lang));
                view! {
                    <g>
                        <text
                            x=fmt_svg(label_w - 10.0)
                            y=fmt_svg(mid_y + 4.0)
                            text-anchor="end"
                            class="stage-name"
                        >
                            // Cut to the label column (SVG text neither wraps
                            // nor clips); the whole name on hover.
                            <title>{name.clone()}</title>
                            {chart::fit_label(&name, label_w - 14.0, 13.0)}
                        </text>
                        <g transform=format!("translate({},0)", fmt_svg(label_w))>
                            <path d=b.path.clone() fill="#0072B2" fill-opacity="0.12"></path>
                            <rect
                                x=fmt_svg(b.x)
                                y=fmt_svg(b.y)
                                width=fmt_svg(b.w)
                                height=fmt_svg(b.h)
                                rx="4"
                                fill=funnel_fill(i, counts.len())
                            >
                                <title>{title}</title>
                            </rect>
                            {if b.w >= 64.0 {
                                view! {
                                    <text
                                        x=fmt_svg(plot_w / 2.0)
                                        y=fmt_svg(mid_y + 4.5)
                                        text-anchor="middle"
                                        class="bar-in"
                                    >
                                        {format_count(c, lang)}
                                    </text>
                                }
                                    .into_any()
                            } else {
                                view! {
                                    <text
                                        x=fmt_svg(b.x + b.w + 8.0)
                                        y=fmt_svg(mid_y + 4.5)
                                        class="bar-out"
                                    >
                                        {format_count(c, lang)}
                                    </text>
                                }
                                    .into_any()
                            }}
                            {conv_label
                                .map(|l| {
                                    view! {
                                        <text
                                            x=fmt_svg(plot_w / 2.0)
                                            y=fmt_svg(b.y + b.h + gap / 2.0 + 4.0)
                                            text-anchor="middle"
                                            class="conv"
                                        >
                                            {l}
                                        </text>
                                    }
                                })}
                        </g>
                    </g>
                }
            })
            .collect_view();
        view! {
            <svg
                class="chart funnel-chart"
                viewBox=format!("0 0 {} {}", fmt_svg(cw), fmt_svg(h))
                role="img"
                aria-label=label
                data-testid="funnel-chart"
            >
                {shapes}
            </svg>
        }
    }
}

/// x ticks with their labels along the bottom of a plot.
fn x_axis(x: &LinearScale, y: f64, ticks: &[f64], fmt: impl Fn(f64) -> String) -> impl IntoView {
    let (lo, hi) = x.range_extent();
    view! {
        <g class="axis">
            <line x1=fmt_svg(lo) x2=fmt_svg(hi) y1=fmt_svg(y) y2=fmt_svg(y)></line>
            {ticks
                .iter()
                .filter(|t| {
                    let px = x.map(**t);
                    px >= lo - 0.5 && px <= hi + 0.5
                })
                .map(|t| {
                    let px = x.map(*t);
                    view! {
                        <line
                            x1=fmt_svg(px)
                            x2=fmt_svg(px)
                            y1=fmt_svg(y)
                            y2=fmt_svg(y + 4.0)
                        ></line>
                        <text x=fmt_svg(px) y=fmt_svg(y + 16.0) text-anchor="middle">
                            {fmt(*t)}
                        </text>
                    }
                })
                .collect_view()}
        </g>
    }
}

fn total(h: &Histogram) -> u32 {
    h.counts.iter().sum::<u32>() + h.below + h.above
}

/// Overlaid densities of several histograms, with a P5–P95 band and a P50
/// tick per series below the plot.
struct Series<'a> {
    s: usize,
    hist: &'a Histogram,
    p5: f64,
    p50: f64,
    p95: f64,
    name: String,
}

fn overlay(
    cw: f64,
    series: &[Series],
    fmt: &dyn Fn(f64) -> String,
    zero_line: bool,
    testid: &'static str,
    label: String,
) -> AnyView {
    let (l, r, top, plot_h) = (56.0, cw - 14.0, 10.0, 170.0);
    let lo = series
        .iter()
        .map(|s| s.hist.lo.min(s.p5))
        .fold(f64::INFINITY, f64::min);
    let hi = series
        .iter()
        .map(|s| (s.hist.lo + s.hist.width * s.hist.counts.len() as f64).max(s.p95))
        .fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() || hi <= lo {
        return view! { <p class="fine">"—"</p> }.into_any();
    }
    let ticks = chart::nice_ticks(lo, hi, 6);
    let x = LinearScale::new(lo, hi, l, r);
    let bins: Vec<Bins> = series
        .iter()
        .map(|s| Bins::new(s.hist.lo, s.hist.width, &s.hist.counts, total(s.hist)))
        .collect();
    let ymax = chart::max_density(&bins) * 1.05;
    let y = LinearScale::new(0.0, if ymax > 0.0 { ymax } else { 1.0 }, top + plot_h, top);
    let band_top = top + plot_h + 28.0;
    let h = band_top + 14.0 * series.len() as f64 + 6.0;
    let areas = series
        .iter()
        .zip(&bins)
        .map(|(s, b)| {
            let c = colour(s.s);
            view! {
                <path d=b.area_path(&x, &y) fill=c fill-opacity="0.10"></path>
                <path d=b.step_path(&x, &y) fill="none" stroke=c stroke-width="2">
                    <title>{s.name.clone()}</title>
                </path>
            }
        })
        .collect_view();
    let bands = series.iter().enumerate().map(|(k, s)| {
        let c = colour(s.s);
        let (bx, bw) = chart::band(s.p5, s.p95, &x);
        let yy = band_top + 14.0 * k as f64;
        let px = x.clamp(s.p50);
        let tip = format!("{} — P5 {} · P50 {} · P95 {}", s.name, fmt(s.p5), fmt(s.p50), fmt(s.p95));
        view! {
            <g>
                <title>{tip}</title>
                <rect
                    x=fmt_svg(bx)
                    y=fmt_svg(yy - 3.0)
                    width=fmt_svg(bw)
                    height="6"
                    rx="3"
                    fill=c
                    fill-opacity="0.55"
                ></rect>
                <rect x=fmt_svg(px - 1.5) y=fmt_svg(yy - 6.0) width="3" height="12" fill=c></rect>
            </g>
        }
    }).collect_view();
    let zero = (zero_line && lo < 0.0 && hi > 0.0).then(|| {
        let zx = x.map(0.0);
        view! {
            <line
                x1=fmt_svg(zx)
                x2=fmt_svg(zx)
                y1=fmt_svg(top)
                y2=fmt_svg(top + plot_h)
                stroke="#17202b"
                stroke-dasharray="4 3"
            ></line>
        }
    });
    // The baseline's mean, marked across the plot.
    let base_mark = (!zero_line)
        .then(|| {
            series.first().map(|s| {
                let bx = x.clamp(s.p50);
                view! {
                    <line
                        x1=fmt_svg(bx)
                        x2=fmt_svg(bx)
                        y1=fmt_svg(top)
                        y2=fmt_svg(top + plot_h)
                        stroke=colour(0)
                        stroke-dasharray="3 3"
                        stroke-opacity="0.8"
                    ></line>
                }
            })
        })
        .flatten();
    view! {
        <svg
            class="chart"
            viewBox=format!("0 0 {} {}", fmt_svg(cw), fmt_svg(h))
            role="img"
            aria-label=label
            data-testid=testid
        >
            {areas}
            {zero}
            {base_mark}
            {x_axis(&x, top + plot_h, &ticks, fmt)}
            {bands}
            <text x=fmt_svg(l - 6.0) y=fmt_svg(band_top + 4.0) text-anchor="end" class="band-lbl">
                "P5–P95"
            </text>
        </svg>
    }
    .into_any()
}

/// Which distribution a [`DistChart`] draws: each scenario's revenue, or
/// each non-baseline scenario's uplift over the baseline.
#[derive(Clone, Copy, PartialEq)]
enum Dist {
    Revenue,
    Uplift,
}

/// The revenue or uplift histograms, overlaid: the two differ only in
/// their figures, title and test id, so they are one component.
#[component]
fn DistChart(dist: Dist) -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let width = use_width();
    move || {
        let cw = width.get();
        let lang = state.lang.get();
        state.with_shown(|shown| {
            shown.map(|shown| {
                let (r, cur) = (&shown.out.results, shown.doc.currency);
                let series: Vec<Series> = r
                    .scenarios
                    .iter()
                    .enumerate()
                    .filter_map(|(s, sc)| {
                        let (hist, q) = match dist {
                            Dist::Revenue => (&sc.revenue_hist, &sc.revenue),
                            Dist::Uplift => {
                                let c = sc.vs_baseline.as_ref()?;
                                (&c.uplift_hist, &c.uplift)
                            }
                        };
                        Some(Series {
                            s,
                            hist,
                            p5: q.p5,
                            p50: q.p50,
                            p95: q.p95,
                            name: scenario_name(i18n, &shown.doc, s, lang),
                        })
                    })
                    .collect();
                let fmt = move |v: f64| format_money_compact(v, cur, lang);
                // In words, the figures of the results table: for revenue the
                // exact law's where there is one, else the simulated ones.
                let items: Vec<String> = series
                    .iter()
                    .map(|se| {
                        let simulated = [se.p5, se.p50, se.p95];
                        let q = match (dist, r.scenarios[se.s].exact) {
                            (Dist::Revenue, Some(e)) => {
                                [e.revenue.p5, e.revenue.p50, e.revenue.p95]
                            }
                            _ => simulated,
                        };
                        dist_item(lang, &se.name, q.map(|x| money(x, cur, lang)))
                    })
                    .collect();
                let (title, testid) = match dist {
                    Dist::Revenue => (
                        crate::ui::words::revenue_title(
                            i18n,
                            shown.doc.period,
                            shown.out.months.as_ref().map(|m| m.horizon),
                        ),
                        "revenue-chart",
                    ),
                    Dist::Uplift => (t_string!(i18n, chart_uplift).to_string(), "uplift-chart"),
                };
                let label = chart_name(lang, &title, &items);
                overlay(cw, &series, &fmt, dist == Dist::Uplift, testid, label)
            })
        })
    }
}

#[component]
fn Tornado() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let width = use_width();
    move || {
        let cw = width.get();
        let lang = state.lang.get();
        state.with_shown(|shown| {
            shown.map(|shown| {
                let (r, d) = (&shown.out.results, &shown.doc);
                let cur = d.currency;
                let names: Vec<String> = d.stages.iter().map(|l| l.text(lang)).collect();
                let sens = &r.sensitivity;
                let label = |input: &SensitivityInput| match *input {
                    SensitivityInput::Rate { stage } => t_string!(i18n, tornado_rate, stage = names.get(stage).cloned().unwrap_or_default()).to_string(),
                    SensitivityInput::Volume => t_string!(i18n, tornado_volume).to_string(),
                    SensitivityInput::Deal => t_string!(i18n, tornado_deal).to_string(),
                };
                let lever_id = |input: &SensitivityInput| match *input {
                    SensitivityInput::Rate { stage } => FieldId::Model(Field::Rate(0, stage)).testid(),
                    SensitivityInput::Volume => FieldId::Model(Field::Volume(0)).testid(),
                    SensitivityInput::Deal => FieldId::Model(Field::DealValue(0)).testid(),
                };
                let values: Vec<(usize, f64)> = sens.bars.iter().enumerate().map(|(k, b)| (k, b.gain)).collect();
                // Room for the names on the left and the figures on the
                // right, as wide as they need (at 12 px, bold allowed for),
                // up to 45 % of the width for the names: on a phone
                // "Consideration" and "+¥174,620" were cut.
                let name_w = sens
                    .bars
                    .iter()
                    .map(|b| crate::chart::text_width(&label(&b.input), 13.0))
                    .fold(0.0, f64::max);
                let label_w = funnelcast_engine::special::clamp(name_w + 14.0, 60.0, cw * 0.45);
                let value_w = sens
                    .bars
                    .iter()
                    .map(|b| crate::chart::text_width(&format!("+{}", money(b.gain, cur, lang)), 12.5))
                    .fold(0.0, f64::max);
                let plot_w = (cw - label_w - value_w - 12.0).max(40.0);
                let (bar_h, gap) = (22.0, 8.0);
                let bars = chart::tornado_bars(&values, plot_w, bar_h, gap);
                let h = bars.len() as f64 * (bar_h + gap) + 4.0;
                // In words, largest first, as the bars and their tooltips.
                let items: Vec<String> = bars
                    .iter()
                    .map(|b| {
                        let bar = &sens.bars[b.label_id];
                        format!(
                            "{}{}+{}",
                            label(&bar.input),
                            crate::ui::words::colon(lang),
                            money(bar.gain, cur, lang)
                        )
                    })
                    .collect();
                let tornado_name = chart_name(lang, t_string!(i18n, chart_tornado), &items);
                // On paper the bars' figures as one line (the chart would
                // take a third of the page).
                let on_paper = items.join(" · ");
                let rows = bars.iter().enumerate().map(|(n, b)| {
                    let bar = &sens.bars[b.label_id];
                    let is_bottleneck = matches!(bar.input, SensitivityInput::Rate { stage } if Some(stage) == sens.bottleneck);
                    let reference = !matches!(bar.input, SensitivityInput::Rate { .. });
                    let fill = if is_bottleneck { "#D55E00" } else if reference { "#9aa5b1" } else { "#0072B2" };
                    let text = crate::chart::fit_label(&label(&bar.input), label_w - 8.0, 13.0);
                    let value = money(bar.gain, cur, lang);
                    view! {
                        <g
                            data-testid=format!("tornado-bar-{n}")
                            data-lever=lever_id(&bar.input)
                            data-value=raw(bar.gain)
                            class:bottleneck=is_bottleneck
                        >
                            <title>
                                {format!(
                                    "{}{}+{value}",
                                    label(&bar.input),
                                    crate::ui::words::colon(lang),
                                )}
                            </title>
                            <text
                                x=fmt_svg(label_w - 8.0)
                                y=fmt_svg(b.y + bar_h / 2.0 + 4.0)
                                text-anchor="end"
                                font-weight=if is_bottleneck { "700" } else { "400" }
                            >
                                {text.clone()}
                            </text>
                            <rect
                                x=fmt_svg(label_w + b.x)
                                y=fmt_svg(b.y)
                                width=fmt_svg(b.w.max(1.0))
                                height=fmt_svg(b.h)
                                rx="3"
                                fill=fill
                            ></rect>
                            <text
                                x=fmt_svg(label_w + b.x + b.w + 6.0)
                                y=fmt_svg(b.y + bar_h / 2.0 + 4.0)
                            >
                                {format!("+{value}")}
                            </text>
                        </g>
                    }
                }).collect_view();
                // One stage, or every stage that ties for the largest gain
                // (the engine names none then).
                let top = sens.bars.iter().find_map(|b| match b.input {
                    SensitivityInput::Rate { .. } if b.gain > 0.0 => Some(b.gain),
                    _ => None,
                });
                let tied: Vec<String> = sens
                    .bars
                    .iter()
                    .filter_map(|b| match (b.input, top) {
                        (SensitivityInput::Rate { stage }, Some(t))
                            if t - b.gain <= funnelcast_engine::sensitivity::TIE * t =>
                        {
                            names.get(stage).cloned()
                        }
                        _ => None,
                    })
                    .collect();
                let bottleneck = match sens.bottleneck.and_then(|i| names.get(i).cloned()) {
                    Some(b) => Some((t_string!(i18n, bottleneck, stage = b).to_string(), false)),
                    None if tied.len() > 1 => Some((
                        t_string!(i18n, bottleneck_tie, stages = tied.join(sep(lang))).to_string(),
                        true,
                    )),
                    None => None,
                };
                let swings = (!sens.swings.is_empty()).then(|| {
                    let base = r.scenarios[0].revenue.mean;
                    let vals: Vec<(usize, f64, f64)> = sens.swings.iter().enumerate().map(|(k, s)| (k, s.at_p10, s.at_p90)).collect();
                    let bars = chart::swing_bars(&vals, base, plot_w, bar_h, gap);
                    let h = bars.len() as f64 * (bar_h + gap) + 4.0;
                    let seg_names: Vec<String> = d.segments.iter().map(|s| s.label.text(lang)).collect();
                    let many = seg_names.len() > 1;
                    let mut tips = Vec::new();
                    let rows = bars.iter().map(|b| {
                        let sw = &sens.swings[b.label_id];
                        let mut text = match sw.input {
                            SensitivityInput::Rate { stage } => names.get(stage).cloned().unwrap_or_default(),
                            SensitivityInput::Volume => t_string!(i18n, volume_short).to_string(),
                            SensitivityInput::Deal => t_string!(i18n, deal_value).to_string(),
                        };
                        if many {
                            text = format!("{} · {text}", seg_names.get(sw.segment).cloned().unwrap_or_default());
                        }
                        let tip = format!("{text}: P10 → {} · P90 → {}", money(sw.at_p10, cur, lang), money(sw.at_p90, cur, lang));
                        tips.push(tip.clone());
                        view! {
                            <g>
                                <title>{tip}</title>
                                <text
                                    x=fmt_svg(label_w - 8.0)
                                    y=fmt_svg(b.y + bar_h / 2.0 + 4.0)
                                    text-anchor="end"
                                >
                                    {text}
                                </text>
                                <rect
                                    x=fmt_svg(label_w + b.low_x)
                                    y=fmt_svg(b.y)
                                    width=fmt_svg(b.low_w)
                                    height=fmt_svg(b.h)
                                    fill="#D55E00"
                                    fill-opacity="0.8"
                                ></rect>
                                <rect
                                    x=fmt_svg(label_w + b.high_x)
                                    y=fmt_svg(b.y)
                                    width=fmt_svg(b.high_w)
                                    height=fmt_svg(b.h)
                                    fill="#009E73"
                                    fill-opacity="0.8"
                                ></rect>
                            </g>
                        }
                    }).collect_view();
                    let swing_name = chart_name(lang, t_string!(i18n, swing_title), &tips);
                    view! {
                        <h3 class="sub-h">{tr(i18n, |i| t_string!(i, swing_title))}</h3>
                        <div class="legend">
                            <span style="--sc:#D55E00">
                                <span class="swatch"></span>
                                "P10"
                            </span>
                            <span style="--sc:#009E73">
                                <span class="swatch"></span>
                                "P90"
                            </span>
                        </div>
                        <svg
                            class="chart"
                            viewBox=format!("0 0 {} {}", fmt_svg(cw), fmt_svg(h))
                            role="img"
                            aria-label=swing_name
                            data-testid="swing-chart"
                        >
                            {rows}
                        </svg>
                    }
                });
                view! {
                    {bottleneck
                        .map(|(text, tie)| {
                            view! {
                                <p
                                    class="bottleneck"
                                    data-testid="bottleneck"
                                    data-tie=tie.then_some("true")
                                >
                                    {text}
                                </p>
                            }
                        })}
                    <svg
                        class="chart"
                        viewBox=format!("0 0 {} {}", fmt_svg(cw), fmt_svg(h))
                        role="img"
                        aria-label=tornado_name
                        data-testid="tornado-chart"
                    >
                        {rows}
                    </svg>
                    <p class="print-only">{on_paper}</p>
                    {swings}
                }
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::funnel_fill;

    /// WCAG 2 relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let c = |k: usize| {
            let v = u8::from_str_radix(&hex[1 + 2 * k..3 + 2 * k], 16).unwrap() as f64 / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * c(0) + 0.7152 * c(1) + 0.0722 * c(2)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn white_figures_on_every_funnel_bar_meet_wcag_aa() {
        for n in 1..=funnelcast_engine::limits::MAX_STAGES {
            for i in 0..n {
                let fill = funnel_fill(i, n);
                let ratio = contrast(&fill, "#ffffff");
                assert!(ratio >= 4.5, "bar {i} of {n}: {fill} gives {ratio:.2}:1");
            }
        }
        // Darkest at the top, the palette's blue at the bottom.
        assert_eq!(funnel_fill(0, 5), "#0b3a66");
        assert_eq!(funnel_fill(4, 5), "#0072b2");
        // The check catches the old fade: the second bar, #0072B2 at 88 %
        // over white (#1f83bb), gave white figures 4.2:1.
        assert!(contrast("#1f83bb", "#ffffff") < 4.5);
    }
}
