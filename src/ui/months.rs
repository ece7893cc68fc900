//! "Over time" (按月): time mode's inputs and what it answers. The switch
//! and the horizon, the days each stage takes per segment (typical and slow
//! case), each scenario's campaign months; then, per scenario, the monthly
//! revenue as a fan (P5–P95, P25–P75, the mean), the cumulative net gain
//! against the baseline with the cost spent each month, the chance of being
//! paid back by each month, what is still in the pipeline at the horizon,
//! and the monthly table. A part of the page loaded after the first
//! results (ui/later.rs); the figures come from the engine's months
//! (engine/README.md, "Months").

use funnelcast_engine::months::{MonthResults, MonthScenario, MonthStats, MAX_HORIZON};
use funnelcast_engine::Field;
use leptos::prelude::*;

use crate::chart::fan::{band_path, bars, line_points, step_path, value_scale, MonthAxis};
use crate::chart::{fmt_svg, LinearScale};
use crate::format::{format_count, format_money, format_money_compact, format_percent};
use crate::i18n::*;
use crate::names::scenario_name;
use crate::ui::input::{whole_in, within, NumInput};
use crate::ui::results::raw;
use crate::ui::scenarios::colour;
use crate::ui::state::use_state;
use crate::ui::words::tr;

/// The charts' coordinate system (scaled to the card's width).
const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 84.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;
/// `W` and `H` as the SVG's `viewBox` (no float formatting in the page).
const VIEW_BOX: &str = "0 0 640 220";

#[component]
pub fn OverTime() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let on = Memo::new(move |_| state.with_doc(|d| d.time.as_ref().is_some_and(|t| t.on)));
    // Said once, when switching on made a quarterly model monthly.
    let per_month = RwSignal::new(false);
    let toggle = move |ev: leptos::ev::Event| {
        let checked = event_target_checked(&ev);
        let mut said = false;
        state.edit(|d| said = d.set_time_on(checked));
        per_month.set(said);
    };
    view! {
        <section class="card over-time" aria-labelledby="time-h" data-testid="over-time">
            <h2 id="time-h">{tr(i18n, |i| t_string!(i, over_time))}</h2>
            <label class="check">
                <input
                    type="checkbox"
                    data-testid="time-on"
                    prop:checked=move || on.get()
                    on:change=toggle
                />
                {tr(i18n, |i| t_string!(i, time_on))}
            </label>
            <Show when=move || per_month.get()>
                <p class="note" data-testid="time-per-month">
                    {tr(i18n, |i| t_string!(i, time_per_month))}
                </p>
            </Show>
            <Show when=move || on.get()>
                <div class="time-inputs">
                    <label class="lbl">{tr(i18n, |i| t_string!(i, horizon))}</label>
                    <NumInput
                        field=Field::Horizon
                        class="short"
                        label=Signal::derive(move || t_string!(i18n, horizon).to_string())
                        value=Signal::derive(move || { state.with_doc(|d| f64::from(d.horizon())) })
                        check=whole_in(1.0, MAX_HORIZON as f64)
                        on_value=Callback::new(move |v: f64| state.edit(|d| d.set_horizon(v)))
                    />
                </div>
                <Weights />
                <p class="note" data-testid="lags-where">
                    {tr(i18n, |i| t_string!(i, lags_where))}
                </p>
                <Windows />
                <p class="fine">{tr(i18n, |i| t_string!(i, time_scope))}</p>
                <MonthFigures />
            </Show>
        </section>
    }
}

/// Each month's weight on the entering volume (1: as typed), folded away:
/// most models have none.
#[component]
fn Weights() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let h = Memo::new(move |_| state.with_doc(|d| d.horizon().clamp(1, MAX_HORIZON)));
    let weight = move |m: usize| {
        Signal::derive(move || {
            state.with_doc(|d| {
                d.time
                    .as_ref()
                    .and_then(|t| t.weights.get(m - 1).copied())
                    .unwrap_or(1.0)
            })
        })
    };
    let range = within(0.0, funnelcast_engine::months::MAX_MONTH_WEIGHT);
    view! {
        <details class="weights">
            <summary>{tr(i18n, |i| t_string!(i, weights_title))}</summary>
            <div class="weight-grid">
                {move || {
                    (1..=h.get() as usize)
                        .map(|m| {
                            view! {
                                <label class="weight">
                                    <span>{m.to_string()}</span>
                                    <NumInput
                                        field=Field::MonthWeight(m)
                                        class="short"
                                        value=weight(m)
                                        check=range
                                        on_value=Callback::new(move |v: f64| {
                                            state.edit(|d| d.set_month_weight(m, v))
                                        })
                                    />
                                </label>
                            }
                        })
                        .collect_view()
                }}
            </div>
        </details>
    }
}

/// Segment `g`'s days from each stage to the next, in the funnel editor
/// under the segment's rates while time mode is on, with a profile that
/// fills them all at once (B2B weeks to months, e-commerce hours to days).
#[component]
pub fn SegmentLags(g: usize) -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let k = Memo::new(move |_| state.with_doc(|d| d.stages()));
    let lag = move |i: usize, p90: bool| {
        Signal::derive(move || {
            state.with_doc(|d| {
                d.segments
                    .get(g)
                    .and_then(|s| s.lags.get(i - 1))
                    .map_or(0.0, |l| if p90 { l.p90 } else { l.median })
            })
        })
    };
    let step = move |i: usize| {
        move || {
            let lang = state.lang.get();
            state.with_doc(|d| {
                let at = |j: usize| d.stages.get(j).map(|l| l.text(lang)).unwrap_or_default();
                format!("{} → {}", at(i - 1), at(i))
            })
        }
    };
    let days = within(0.0, funnelcast_engine::lag::MAX_LAG_DAYS);
    let profile_name = move |code: &str| match code {
        "b2b" => t_string!(i18n, lag_profile_b2b).to_string(),
        "enterprise" => t_string!(i18n, lag_profile_enterprise).to_string(),
        "smb" => t_string!(i18n, lag_profile_smb).to_string(),
        "services" => t_string!(i18n, lag_profile_services).to_string(),
        "b2c" => t_string!(i18n, lag_profile_b2c).to_string(),
        _ => t_string!(i18n, lag_profile_ecommerce).to_string(),
    };
    view! {
        <div class="segment-lags" data-testid=format!("lags-{g}")>
            <div class="lag-head">
                <span class="lbl">{tr(i18n, |i| t_string!(i, lag_title))}</span>
                <select
                    data-testid=format!("lag-profile-{g}")
                    aria-label=tr(i18n, |i| t_string!(i, lag_profile))
                    prop:value=""
                    on:change=move |ev| {
                        let code = event_target_value(&ev);
                        if !code.is_empty() {
                            state.edit(|d| d.set_lag_profile(g, &code));
                        }
                        event_target::<leptos::web_sys::HtmlSelectElement>(&ev).set_value("");
                    }
                >
                    <option value="" selected>
                        {tr(i18n, |i| t_string!(i, lag_profile))}
                    </option>
                    {crate::presets::LAG_PROFILES
                        .iter()
                        .map(|&(code, _, _)| {
                            view! { <option value=code>{move || profile_name(code)}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <table class="lag-table">
                <thead>
                    <tr>
                        <th></th>
                        <th>{tr(i18n, |i| t_string!(i, lag_typical))}</th>
                        <th>{tr(i18n, |i| t_string!(i, lag_slow))}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        (1..k.get())
                            .map(|i| {
                                view! {
                                    <tr>
                                        <th scope="row">{step(i)}</th>
                                        <td>
                                            <NumInput
                                                field=Field::LagMedian(g, i)
                                                class="short"
                                                value=lag(i, false)
                                                check=days
                                                on_value=Callback::new(move |v: f64| {
                                                    state.edit(|d| d.set_lag(g, i, false, v))
                                                })
                                            />
                                        </td>
                                        <td>
                                            <NumInput
                                                field=Field::LagP90(g, i)
                                                class="short"
                                                value=lag(i, true)
                                                check=days
                                                on_value=Callback::new(move |v: f64| {
                                                    state.edit(|d| d.set_lag(g, i, true, v))
                                                })
                                            />
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
        </div>
    }
}

/// Each scenario's campaign months (the whole horizon unless set).
#[component]
fn Windows() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let n = Memo::new(move |_| state.with_doc(|d| d.scenarios.len()));
    let month = move |s: usize, last: bool| {
        Signal::derive(move || {
            state.with_doc(|d| {
                let h = d.horizon();
                let w = d.scenarios.get(s - 1).and_then(|sc| sc.window);
                f64::from(match (w, last) {
                    (Some(w), false) => w.first,
                    (Some(w), true) => w.last,
                    (None, false) => 1,
                    (None, true) => h,
                })
            })
        })
    };
    let months = whole_in(1.0, MAX_HORIZON as f64);
    view! {
        <Show when=move || { n.get() > 0 }>
            <h3>{tr(i18n, |i| t_string!(i, campaign))}</h3>
            <div class="windows">
                {move || {
                    (1..=n.get())
                        .map(|s| {
                            let name = move || {
                                state.with_doc(|d| scenario_name(i18n, d, s, state.lang.get()))
                            };
                            view! {
                                <div class="window-row">
                                    <span class="lbl">{name}</span>
                                    <NumInput
                                        field=Field::CampaignStart(s)
                                        class="short"
                                        value=month(s, false)
                                        check=months
                                        on_value=Callback::new(move |v: f64| {
                                            state.edit(|d| d.set_campaign_month(s, false, v))
                                        })
                                    />
                                    <span>"–"</span>
                                    <NumInput
                                        field=Field::CampaignEnd(s)
                                        class="short"
                                        value=month(s, true)
                                        check=months
                                        on_value=Callback::new(move |v: f64| {
                                            state.edit(|d| d.set_campaign_month(s, true, v))
                                        })
                                    />
                                </div>
                            }
                        })
                        .collect_view()
                }}
            </div>
        </Show>
    }
}

/// The monthly figures of the results on screen, per scenario.
#[component]
fn MonthFigures() -> impl IntoView {
    let state = use_state();
    let months = Memo::new(move |_| state.with_shown(|s| s.and_then(|s| s.out.months.clone())));
    // Built again when the language changes: names, money and sentences.
    move || {
        state.lang.track();
        months.get().map(|m| {
            (0..m.scenarios.len())
                .map(|s| view! { <ScenarioMonths months=m.clone() s=s /> })
                .collect_view()
        })
    }
}

#[component]
fn ScenarioMonths(months: MonthResults, s: usize) -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let lang = state.lang.get_untracked();
    let currency = state
        .with_shown(|x| x.map(|x| x.doc.currency))
        .unwrap_or_else(|| state.with_doc(|d| d.currency));
    let name = move || state.with_shown(|x| x.map(|x| scenario_name(i18n, &x.doc, s, lang)));
    let sc = months.scenarios[s].clone();
    let base = (s > 0).then(|| months.scenarios[0].month_revenue.clone());
    let h = months.horizon;
    let money = move |x: f64| format_money(x, currency, lang);
    let compact = move |x: f64| format_money_compact(x, currency, lang);
    let payback = payback_text(i18n, &sc, h, s);
    let pipeline = {
        let n = format_count(sc.pipeline_customers_mean, lang);
        let rev = money(sc.pipeline_revenue_mean);
        t_string!(i18n, pipeline, h = h, n = n, rev = rev).to_string()
    };
    view! {
        <div class="scenario-months" style=format!("--sc: {}", colour(s))>
            <h3>{name}</h3>
            <p class="fine">{tr(i18n, |i| t_string!(i, fan_title))}</p>
            {fan_chart(
                &sc.month_revenue,
                base.as_deref(),
                h,
                &compact,
                &format!("fan-revenue-{s}"),
            )}
            <p class="fine">{tr(i18n, |i| t_string!(i, fan_note))}</p>
            {(s > 0)
                .then(|| {
                    view! {
                        <p class="fine">{tr(i18n, |i| t_string!(i, net_title))}</p>
                        {net_chart(&sc, h, &compact, s)}
                        {(!sc.payback_prob.is_empty())
                            .then(|| {
                                view! {
                                    <p class="fine">{tr(i18n, |i| t_string!(i, payback_title))}</p>
                                    {payback_chart(&sc.payback_prob, h, s)}
                                }
                            })}
                    }
                })}
            {payback}
            <p
                class="note"
                data-testid=format!("result-pipeline-mean-{s}")
                data-value=raw(sc.pipeline_customers_mean)
            >
                {pipeline}
            </p>
            <details class="month-table">
                <summary>{tr(i18n, |i| t_string!(i, table_title))}</summary>
                {month_table(i18n, &sc, s, &money)}
            </details>
        </div>
    }
}

/// The median payback month, or "not within the horizon" with its
/// probability; nothing for the baseline or a scenario without a cost.
fn payback_text(
    i18n: leptos_i18n::I18nContext<Locale>,
    sc: &MonthScenario,
    h: usize,
    s: usize,
) -> Option<impl IntoView> {
    let last = *sc.payback_prob.last()?;
    let id = format!("result-payback-p50-{s}");
    Some(match sc.payback_p50 {
        Some(m) => view! {
            <p
                class="note payback-note"
                data-testid=id
                data-value=m.to_string()
                data-state="within"
            >
                {t_string!(i18n, payback_median, m = m).to_string()}
            </p>
        }
        .into_any(),
        None => {
            let p = format_percent(1.0 - last, 0);
            view! {
                <p class="note payback-note" data-testid=id data-value="" data-state="beyond">
                    {t_string!(i18n, payback_beyond, h = h, p = p).to_string()}
                </p>
            }
            .into_any()
        }
    })
}

fn axis(h: usize) -> MonthAxis {
    MonthAxis {
        h,
        x0: LEFT,
        x1: W - RIGHT,
    }
}

/// The frame of a month chart: y ticks with their labels, the months
/// below, and the zero line.
fn frame(y: &LinearScale, ticks: &[f64], h: usize, label: &dyn Fn(f64) -> String) -> AnyView {
    let a = axis(h);
    let ys: Vec<_> = ticks
        .iter()
        .map(|&t| {
            let yy = fmt_svg(y.map(t));
            view! {
                <line
                    class="grid"
                    x1=fmt_svg(LEFT)
                    x2=fmt_svg(W - RIGHT)
                    y1=yy.clone()
                    y2=yy.clone()
                />
                <text class="tick" x=fmt_svg(LEFT - 6.0) y=yy text-anchor="end" dy="0.32em">
                    {label(t)}
                </text>
            }
        })
        .collect();
    let xs: Vec<_> = a
        .labels()
        .into_iter()
        .map(|m| {
            view! {
                <text class="tick" x=fmt_svg(a.x(m)) y=fmt_svg(H - 8.0) text-anchor="middle">
                    {m.to_string()}
                </text>
            }
        })
        .collect();
    let zero = fmt_svg(y.map(0.0));
    view! {
        {ys}
        {xs}
        <line class="zero" x1=fmt_svg(LEFT) x2=fmt_svg(W - RIGHT) y1=zero.clone() y2=zero />
    }
    .into_any()
}

/// A fan of monthly figures: P5–P95 and P25–P75 bands and the mean line,
/// with another run's mean (the baseline) dashed for comparison.
fn fan_chart(
    stats: &[MonthStats],
    other: Option<&[MonthStats]>,
    h: usize,
    label: &dyn Fn(f64) -> String,
    testid: &str,
) -> AnyView {
    let pick = |f: fn(&MonthStats) -> f64, v: &[MonthStats]| v.iter().map(f).collect::<Vec<f64>>();
    let (p5, p25, mean, p75, p95) = (
        pick(|x| x.p5, stats),
        pick(|x| x.p25, stats),
        pick(|x| x.mean, stats),
        pick(|x| x.p75, stats),
        pick(|x| x.p95, stats),
    );
    let other_mean = other.map(|o| pick(|x| x.mean, o));
    let lo = p5
        .iter()
        .chain(other_mean.iter().flatten())
        .fold(f64::INFINITY, |a, &b| a.min(b));
    let hi = p95
        .iter()
        .chain(other_mean.iter().flatten())
        .fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    let (y, ticks) = value_scale(lo, hi, TOP, H - BOTTOM);
    let a = axis(h);
    view! {
        <svg class="fan" viewBox=VIEW_BOX data-testid=testid.to_string() role="img">
            {frame(&y, &ticks, h, label)}
            <path class="band outer" d=band_path(&a, &y, &p5, &p95) />
            <path class="band inner" d=band_path(&a, &y, &p25, &p75) />
            {other_mean
                .map(|m| view! { <polyline class="other" points=line_points(&a, &y, &m) /> })}
            <polyline class="mean" points=line_points(&a, &y, &mean) />
        </svg>
    }
    .into_any()
}

/// The cumulative net gain's fan with the zero line, and the cost spent
/// each month as bars below zero.
fn net_chart(sc: &MonthScenario, h: usize, label: &dyn Fn(f64) -> String, s: usize) -> AnyView {
    let spent: Vec<f64> = sc.cost.iter().map(|c| -c).collect();
    let lo = sc
        .cum_net
        .iter()
        .map(|x| x.p5)
        .chain(spent.iter().copied())
        .fold(f64::INFINITY, f64::min);
    let hi = sc
        .cum_net
        .iter()
        .map(|x| x.p95)
        .fold(f64::NEG_INFINITY, f64::max);
    let (y, ticks) = value_scale(lo, hi, TOP, H - BOTTOM);
    let a = axis(h);
    let pick = |f: fn(&MonthStats) -> f64| sc.cum_net.iter().map(f).collect::<Vec<f64>>();
    let cost_bars: Vec<_> = bars(&a, &y, &spent)
        .into_iter()
        .map(|(x, yy, w, hh)| {
            view! { <rect class="cost" x=fmt_svg(x) y=fmt_svg(yy) width=fmt_svg(w) height=fmt_svg(hh) /> }
        })
        .collect();
    view! {
        <svg class="fan" viewBox=VIEW_BOX data-testid=format!("fan-net-{s}") role="img">
            {frame(&y, &ticks, h, label)}
            {cost_bars}
            <path class="band outer" d=band_path(&a, &y, &pick(|x| x.p5), &pick(|x| x.p95)) />
            <path class="band inner" d=band_path(&a, &y, &pick(|x| x.p25), &pick(|x| x.p75)) />
            <polyline class="mean" points=line_points(&a, &y, &pick(|x| x.mean)) />
        </svg>
    }
    .into_any()
}

/// P(paid back by month m) as a step curve on 0–100 %.
fn payback_chart(prob: &[f64], h: usize, s: usize) -> AnyView {
    let y = LinearScale::new(0.0, 1.0, H - BOTTOM, TOP);
    let a = axis(h);
    view! {
        <svg
            class="fan payback"
            viewBox=VIEW_BOX
            data-testid=format!("payback-curve-{s}")
            role="img"
        >
            {frame(&y, &[0.0, 0.25, 0.5, 0.75, 1.0], h, &|p| format_percent(p, 0))}
            <path class="step" d=step_path(&a, &y, prob) />
        </svg>
    }
    .into_any()
}

/// The monthly table: revenue, cumulative revenue, customers and (against
/// the baseline) the cumulative net gain and the payback chance, each
/// figure with its raw value for tools.
fn month_table(
    i18n: leptos_i18n::I18nContext<Locale>,
    sc: &MonthScenario,
    s: usize,
    money: &dyn Fn(f64) -> String,
) -> AnyView {
    let stats = ["mean", "p5", "p50", "p95"];
    let get = |x: &MonthStats, k: usize| [x.mean, x.p5, x.p50, x.p95][k];
    // A mean's 95 % Monte Carlo error rides with it (`data-mc-error`).
    let cell_err = move |id: String, v: f64, err: Option<f64>, text: String| {
        view! {
            <td data-testid=id data-value=raw(v) data-mc-error=err.map(raw)>
                {text}
            </td>
        }
    };
    let cell = move |id: String, v: f64, text: String| cell_err(id, v, None, text);
    // Statistic k of `x` (the mean with its error).
    let stat = move |id: String, x: &MonthStats, k: usize| {
        let v = get(x, k);
        cell_err(id, v, (k == 0).then_some(x.mean_err), money(v))
    };
    let head = |what: &str| {
        stats
            .iter()
            .map(|st| view! { <th>{format!("{what} {}", st.to_ascii_uppercase()).trim().to_string()}</th> })
            .collect_view()
    };
    let rows: Vec<_> = (0..sc.month_revenue.len())
        .map(|m| {
            let mm = m + 1;
            let rev: Vec<_> = (0..4)
                .map(|k| {
                    let id = format!("result-month-revenue-{}-{s}-{mm}", stats[k]);
                    stat(id, &sc.month_revenue[m], k)
                })
                .collect();
            let cum: Vec<_> = (0..4)
                .map(|k| {
                    let id = format!("result-cum-revenue-{}-{s}-{mm}", stats[k]);
                    stat(id, &sc.cum_revenue[m], k)
                })
                .collect();
            let cust = sc.month_customers_mean[m];
            let net: Vec<_> = sc
                .cum_net
                .get(m)
                .map(|x| {
                    (0..4)
                        .map(|k| stat(format!("result-cum-net-{}-{s}-{mm}", stats[k]), x, k))
                        .collect()
                })
                .unwrap_or_default();
            let pay = sc.payback_prob.get(m).map(|&p| {
                cell(
                    format!("result-payback-prob-{s}-{mm}"),
                    p,
                    format_percent(p, 0),
                )
            });
            view! {
                <tr>
                    <th scope="row">{mm.to_string()}</th>
                    {rev}
                    {cum}
                    {cell(
                        format!("result-month-customers-mean-{s}-{mm}"),
                        cust,
                        crate::format::fixed(cust, 1),
                    )}
                    {net}
                    {pay}
                </tr>
            }
        })
        .collect();
    let has_net = !sc.cum_net.is_empty();
    let has_pay = !sc.payback_prob.is_empty();
    view! {
        <div class="table-scroll">
            <table class="months">
                <thead>
                    <tr>
                        <th>{tr(i18n, |i| t_string!(i, month_col))}</th>
                        {head("")}
                        {head(t_string!(i18n, cum_col))}
                        <th>{tr(i18n, |i| t_string!(i, customers_col))}</th>
                        {has_net.then(|| head(t_string!(i18n, net_col)))}
                        {has_pay.then(|| view! { <th>"P"</th> })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_view_box_is_the_charts_coordinate_system() {
        assert_eq!(
            super::VIEW_BOX,
            format!("0 0 {} {}", super::W, super::H),
            "written out so the page formats no float"
        );
    }
}
