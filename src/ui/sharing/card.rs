//! The share card (the QR code and the files), the QR slide for the room,
//! and the chart downloads.

use leptos::prelude::*;

use super::{lang_of, use_sharing, Banner};
use crate::document;
use crate::i18n::*;
use crate::share::{self as sh, address, qr, web};
use crate::ui::state::use_state;
use crate::ui::words::tr;

/// The QR code of `link` (or `qr-too-long`), sized by CSS.
///
/// `paper`: the handout's copy. It has no notice or button (nothing to
/// click on paper, and their test ids stay unique): a link too long for a
/// code falls back to the model without scenarios, else to no code.
#[component]
pub(crate) fn QrCode(
    #[prop(into)] link: Signal<String>,
    testid: &'static str,
    #[prop(optional)] paper: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_state();
    let lite = RwSignal::new(false);
    // The link of the model without scenarios, to shorten a long one.
    let lite_link = move || {
        let mut d = state.doc_now();
        d.scenarios.clear();
        let href = link.get();
        let base = href.split('#').next().unwrap_or_default().to_string();
        format!(
            "{base}{}",
            address::fragment(&address::encode(&d), state.lang.get())
        )
    };
    move || {
        let href = link.get();
        if href.is_empty() {
            return None;
        }
        let short = lite.get() || (paper && qr::qr(&href).is_err());
        let shown = if short { lite_link() } else { href.clone() };
        Some(match qr::qr(&shown) {
            Ok(q) => {
                // The SVG is made here from the link's bits (no user text
                // reaches it as markup); the test contract's attributes go
                // on the <svg> itself. The link is a URL: no `"` or `<` in it,
                // escaped anyway.
                let attr = shown
                    .replace('&', "&amp;")
                    .replace('"', "&quot;")
                    .replace('<', "&lt;");
                // Its accessible name, a translation (escaped all the same).
                let name = t_string!(i18n, a11y_qr)
                    .to_string()
                    .replace('&', "&amp;")
                    .replace('"', "&quot;")
                    .replace('<', "&lt;");
                let svg = q.svg.replacen(
                    "<svg ",
                    &format!(
                        "<svg data-testid=\"{testid}\" data-version=\"{}\" data-ecc=\"{}\" data-link=\"{attr}\" role=\"img\" aria-label=\"{name}\" ",
                        q.version,
                        q.ecc,
                    ),
                    1,
                );
                view! {
                    <div class="qr-wrap">
                        <div class="qr" inner_html=svg></div>
                        {short
                            .then(|| {
                                view! {
                                    <p class="fine">{tr(i18n, |i| t_string!(i, qr_lite_note))}</p>
                                }
                            })}
                    </div>
                }
                .into_any()
            }
            Err(_) if paper => ().into_any(),
            Err(too) => view! {
                <div class="notice warn" data-testid="qr-too-long" data-value=too.bytes>
                    <p>{t!(i18n, qr_too_long, n = too.bytes)}</p>
                    <button
                        class="btn"
                        data-testid="qr-without-scenarios"
                        on:click=move |_| lite.set(true)
                    >
                        {tr(i18n, |i| t_string!(i, qr_without_scenarios))}
                    </button>
                </div>
            }
            .into_any(),
        })
    }
}

/// The full-screen QR slide for the room (Esc closes).
#[component]
pub fn QrSlide() -> impl IntoView {
    let share = use_sharing();
    view! {
        <Show when=move || {
            share.slide.get()
        }>{crate::ui::later::retrying(crate::ui::later::qr_slide)}</Show>
    }
}

/// The slide's contents (fetched when it is first opened).
/// A link's host and path, without its scheme and the model after `#`.
pub(crate) fn host_and_path(link: &str) -> String {
    let rest = link.split_once("://").map_or(link, |(_, r)| r);
    let end = rest.find(['#', '?']).unwrap_or(rest.len());
    rest[..end].trim_end_matches('/').to_string()
}

pub fn qr_slide_body() -> AnyView {
    let share = use_sharing();
    let i18n = use_i18n();
    view! {
        <div class="qr-slide" data-testid="qr-slide" role="dialog" aria-modal="true">
            <p class="qr-caption" data-testid="qr-caption">
                {tr(i18n, |i| t_string!(i, qr_caption))}
            </p>
            <QrCode link=share.link testid="qr-code-slide" />
            // Where it leads, for those who type rather than scan.
            <p class="qr-host" data-testid="qr-host">
                {move || host_and_path(&share.link.get())}
            </p>
            <button class="btn" data-testid="qr-close" on:click=move |_| share.slide.set(false)>
                {tr(i18n, |i| t_string!(i, qr_close))}
            </button>
        </div>
    }
    .into_any()
}

/// The CSV's column names in the page's language; `{}` marks where the
/// file fills in a stage or a month.
fn csv_words(i18n: leptos_i18n::I18nContext<Locale>, target: &str) -> sh::csv::CsvWords {
    sh::csv::CsvWords {
        scenario: t_string!(i18n, csv_scenario).to_string(),
        mean: t_string!(i18n, csv_mean).to_string(),
        customers: t_string!(i18n, customers).to_string(),
        revenue: t_string!(i18n, revenue).to_string(),
        cvar5: t_string!(i18n, cvar5).to_string(),
        p_target: t_string!(i18n, p_target, target = target).to_string(),
        uplift: t_string!(i18n, uplift).to_string(),
        p_more: t_string!(i18n, p_beat).to_string(),
        cost: t_string!(i18n, lever_cost).to_string(),
        net_gain: t_string!(i18n, net_gain).to_string(),
        roi: t_string!(i18n, roi).to_string(),
        p_profit: t_string!(i18n, p_profit).to_string(),
        goal_target: t_string!(i18n, csv_goal_target).to_string(),
        goal_prob: t_string!(i18n, csv_goal_prob).to_string(),
        goal_volume: t_string!(i18n, csv_goal_volume).to_string(),
        goal_points: t_string!(i18n, csv_goal_points, stage = "{}").to_string(),
        goal_err: t_string!(i18n, csv_goal_err).to_string(),
        goal_achieved: t_string!(i18n, csv_goal_achieved).to_string(),
        stage_mean: t_string!(i18n, csv_stage_mean, stage = "{}").to_string(),
        month: t_string!(i18n, csv_month, m = "{}").to_string(),
        month_revenue: t_string!(i18n, csv_month_revenue).to_string(),
        cum_revenue: t_string!(i18n, csv_cum_revenue).to_string(),
        month_customers: t_string!(i18n, csv_month_customers).to_string(),
        cum_net: t_string!(i18n, csv_cum_net).to_string(),
        payback_prob: t_string!(i18n, csv_payback_prob).to_string(),
        payback_month: t_string!(i18n, csv_payback_month).to_string(),
        pipeline_customers: t_string!(i18n, csv_pipeline_customers).to_string(),
        pipeline_revenue: t_string!(i18n, csv_pipeline_revenue).to_string(),
    }
}

/// The share card: the QR code, the link's length, and the files.
#[component]
pub fn ShareCard() -> impl IntoView {
    let state = use_state();
    let share = use_sharing();
    let i18n = use_i18n();
    let export_json = move |_| {
        let text = document::encode(&state.doc_now());
        web::download(
            "funnelcast-model.json",
            "application/json",
            &[text.as_bytes()],
        );
    };
    let export_csv = move |_| {
        let lang = lang_of(i18n);
        let baseline = t_string!(i18n, baseline).to_string();
        let text = state.with_shown(|s| {
            s.map(|s| {
                let months = s.out.months.as_ref();
                let goal = s.out.goal.as_ref();
                let target = s.doc.goal.target.unwrap_or(f64::NAN);
                let target = crate::format::format_money(target, s.doc.currency, lang);
                let words = csv_words(i18n, &target);
                sh::csv::comparison_csv(
                    &s.doc,
                    &s.out.results,
                    months,
                    goal,
                    lang,
                    &words,
                    &baseline,
                )
            })
        });
        if let Some(text) = text {
            web::download(
                "funnelcast-comparison.csv",
                "text/csv;charset=utf-8",
                &[text.as_bytes()],
            );
        }
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            match web::read_file(&input, document::MAX_ENCODED_BYTES).await {
                Ok(text) => share.open_text(state, &text),
                Err(e) => share.banner.set(Some(Banner::File(e))),
            }
            // The same file can be chosen again.
            input.set_value("");
        });
    };
    let model_len = move || {
        let l = share.link.get();
        l.find('#').map_or(0, |i| l.len() - i - 1)
    };
    view! {
        <section class="card share-card" aria-labelledby="share-h">
            <h2 id="share-h">{tr(i18n, |i| t_string!(i, share_title))}</h2>
            <p class="fine">{tr(i18n, |i| t_string!(i, share_note))}</p>
            <QrCode link=share.link testid="qr-code" />
            <p class="fine" data-testid="link-length" data-value=model_len>
                {move || t_string!(i18n, link_length, n = model_len()).to_string()}
            </p>
            // The own model stays reachable once its notice is dismissed.
            <Show when=move || {
                share.own_dismissed.get() && share.keeper.with(|k| k.own.is_some())
            }>
                <p class="fine own-kept">
                    {tr(i18n, |i| t_string!(i, own_kept_card))} " "
                    <button
                        class="btn mini"
                        data-testid="restore-previous"
                        on:click=move |_| share.restore_own(state)
                    >
                        {tr(i18n, |i| t_string!(i, restore_previous))}
                    </button>
                </p>
            </Show>
            <div class="file-tools">
                <button class="btn" data-testid="export-json" on:click=export_json>
                    {tr(i18n, |i| t_string!(i, export_json))}
                </button>
                <label class="btn file">
                    {tr(i18n, |i| t_string!(i, import_json))}
                    <input
                        type="file"
                        accept=".json,application/json"
                        data-testid="import-json"
                        on:change=import
                    />
                </label>
                <button
                    class="btn"
                    data-testid="export-csv"
                    disabled=move || state.with_shown(|s| s.is_none())
                    on:click=export_csv
                >
                    {tr(i18n, |i| t_string!(i, export_csv))}
                </button>
            </div>
            <p class="fine">{tr(i18n, |i| t_string!(i, csv_note))}</p>
        </section>
    }
}

/// The download buttons beside a chart's title: `export-svg-{chart}` and
/// `export-png-{chart}`. `svg_testid` is the chart's `<svg>`, `title` its
/// heading's text.
#[component]
pub fn ChartExport(chart: &'static str, svg_testid: &'static str) -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let export = move |png: bool| {
        let lang = lang_of(i18n);
        // What the chart draws, named: every scenario's colour for the
        // revenue chart, the scenarios (not the baseline) for the uplift;
        // the funnel and the tornado have no series. The title is the
        // card's words without its "?" and tooltip; under it the model, the
        // date and the units.
        let Some((title, subtitle, legend)) = state.with_shown(|s| {
            let s = s?;
            let d = &s.doc;
            let horizon = s.out.months.as_ref().map(|m| m.horizon);
            let first = match chart {
                "uplift" => 1,
                _ => 0,
            };
            let legend: Vec<(String, &'static str)> = match chart {
                "revenue" | "uplift" => (first..s.out.results.scenarios.len())
                    .map(|k| {
                        (
                            crate::names::scenario_name(i18n, d, k, lang),
                            crate::ui::scenarios::colour(k),
                        )
                    })
                    .collect(),
                _ => vec![],
            };
            let title = match chart {
                "revenue" => crate::ui::words::revenue_title(i18n, d.period, horizon),
                "uplift" => t_string!(i18n, chart_uplift).to_string(),
                "tornado" => t_string!(i18n, chart_tornado).to_string(),
                _ => t_string!(i18n, chart_funnel).to_string(),
            };
            // The funnel is drawn from the inputs: one period's counts.
            let per =
                crate::ui::words::per_run(i18n, d.period, horizon.filter(|_| chart != "funnel"));
            let units = match chart {
                "funnel" => t_string!(i18n, export_units_people, per = per).to_string(),
                _ => t_string!(
                    i18n,
                    export_units_money,
                    cur = d.currency.symbol(),
                    code = d.currency.code(),
                    per = per
                )
                .to_string(),
            };
            let model = d.preset.map_or_else(
                || t_string!(i18n, app_title).to_string(),
                |id| crate::ui::app::preset_label(i18n, id),
            );
            let subtitle = format!("{model} · {} · {units}", crate::ui::words::today(lang));
            Some((title, subtitle, legend))
        }) else {
            return;
        };
        if let Some(svg) =
            crate::share::chart_export::standalone_svg(svg_testid, &title, &subtitle, &legend)
        {
            if png {
                crate::share::chart_export::download_png(svg, &format!("funnelcast-{chart}.png"));
            } else {
                web::download(
                    &format!("funnelcast-{chart}.svg"),
                    "image/svg+xml",
                    &[svg.text.as_bytes()],
                );
            }
        }
    };
    view! {
        <span class="chart-export">
            <button
                class="btn mini"
                data-testid=format!("export-svg-{chart}")
                title=move || t_string!(i18n, export_chart, what = "SVG").to_string()
                on:click=move |_| export(false)
            >
                {tr(i18n, |i| t_string!(i, export_svg))}
            </button>
            <button
                class="btn mini"
                data-testid=format!("export-png-{chart}")
                title=move || t_string!(i18n, export_chart, what = "PNG").to_string()
                on:click=move |_| export(true)
            >
                {tr(i18n, |i| t_string!(i, export_png))}
            </button>
        </span>
    }
}
