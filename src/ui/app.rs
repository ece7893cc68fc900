//! The page: header (language, preset, money), editors on the left, results
//! on the right; stacked on a phone.

use funnelcast_engine::limits;
use leptos::prelude::*;

use crate::doc::Period;
use crate::format::{Currency, Lang};
use crate::i18n::*;
use crate::presets;
use crate::ui::funnel_editor::{SegmentsEditor, StagesEditor};
use crate::ui::input::{whole_in, NumInput, NumKind};
use crate::ui::results::{GoalSeek, ResultsTable, Status};
use crate::ui::scenarios::ScenariosEditor;
use crate::ui::state::{use_state, AppState};
use leptos_i18n::I18nContext;

const LANG_KEY: &str = "funnelcast.lang";

pub fn period_word(i18n: I18nContext<Locale>, p: Period) -> String {
    match p {
        Period::Month => t_string!(i18n, period_month).to_string(),
        Period::Quarter => t_string!(i18n, period_quarter).to_string(),
    }
}

fn to_locale(l: Lang) -> Locale {
    match l {
        Lang::En => Locale::en,
        Lang::Zh => Locale::zh,
    }
}

/// The language to start in: the one the user chose before, else the browser's.
fn initial_lang() -> Lang {
    #[cfg(target_arch = "wasm32")]
    {
        let w = web_sys::window();
        let saved = w
            .as_ref()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(LANG_KEY).ok().flatten());
        if let Some(l) = saved.as_deref().and_then(Lang::from_code) {
            return l;
        }
        let nav = w.and_then(|w| w.navigator().language()).unwrap_or_default();
        Lang::from_browser(&nav)
    }
    #[cfg(not(target_arch = "wasm32"))]
    Lang::En
}

fn remember_lang(l: Lang) {
    #[cfg(target_arch = "wasm32")]
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(LANG_KEY, l.code());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (l, LANG_KEY);
}

#[component]
pub fn App() -> impl IntoView {
    view! {
        <I18nContextProvider>
            <Page />
        </I18nContextProvider>
    }
}

#[component]
fn Page() -> impl IntoView {
    let i18n = use_i18n();
    let start = initial_lang();
    i18n.set_locale(to_locale(start));
    let lang = Signal::derive(move || {
        if i18n.get_locale() == Locale::zh {
            Lang::Zh
        } else {
            Lang::En
        }
    });
    AppState::provide(presets::initial_doc(start), lang);
    // The <html lang> follows, for screen readers and font choice.
    #[cfg(target_arch = "wasm32")]
    Effect::new(move |_| {
        let l = lang.get();
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = el.set_attribute("lang", if l == Lang::Zh { "zh-CN" } else { "en" });
        }
    });
    view! {
        <Header />
        <main class="layout">
            <div class="col editors">
                <StagesEditor />
                <SegmentsEditor />
                <ScenariosEditor />
                <Settings />
            </div>
            <div class="col results-col">
                <section class="card results-card" aria-labelledby="res-h">
                    <div class="card-head">
                        <h2 id="res-h">{t!(i18n, results)}</h2>
                        <Status />
                    </div>
                    <ResultsTable />
                </section>
                <crate::ui::charts::Charts />
                <GoalSeek />
                <Explainers />
            </div>
        </main>
        <footer class="footer">{t!(i18n, footer)}</footer>
        <crate::ui::results::PhoneBar />
    }
}

#[component]
fn Header() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let switch = move |_| {
        let next = if state.lang.get_untracked() == Lang::Zh {
            Lang::En
        } else {
            Lang::Zh
        };
        i18n.set_locale(to_locale(next));
        remember_lang(next);
        state.edit(|d| d.relocalize(next));
    };
    view! {
        <header class="top">
            <div class="brand">
                <span class="logo" aria-hidden="true">
                    <svg viewBox="0 0 32 32" width="32" height="32"><path d="M3 5h26l-9 11v9l-8 3V16z" fill="currentColor"/></svg>
                </span>
                <div>
                    <h1>{t!(i18n, app_title)}" "<span class="sub">{t!(i18n, app_subtitle)}</span></h1>
                    <p class="tagline">{t!(i18n, tagline)}</p>
                </div>
            </div>
            <div class="top-tools">
                <label class="lbl">{t!(i18n, preset)}</label>
                <select data-testid="preset" aria-label=move || t_string!(i18n, preset).to_string()
                    prop:value=move || state.doc.with(|d| d.preset.clone().unwrap_or_else(|| "custom".into()))
                    on:change=move |ev| {
                        let id = event_target_value(&ev);
                        let lang = state.lang.get_untracked();
                        let base = state.doc.get_untracked();
                        if let Some(doc) = presets::apply_preset(&base, &id, lang) {
                            state.edit_structure(|d| *d = doc);
                        }
                    }>
                    <option value="custom" disabled=true selected=move || state.doc.with(|d| d.preset.is_none())>{t!(i18n, preset_custom)}</option>
                    {presets::PRESET_IDS.iter().map(|id| {
                        let id = *id;
                        view! {
                            <option value=id selected=move || state.doc.with(|d| d.preset.as_deref() == Some(id))>
                                {move || preset_label(i18n, id)}
                            </option>
                        }
                    }).collect_view()}
                </select>
                <button class="btn lang" data-testid="lang" data-lang=move || state.lang.get().code() on:click=switch
                    title="中文 / English">{t!(i18n, lang_switch)}</button>
            </div>
        </header>
    }
}

fn preset_label(i18n: I18nContext<Locale>, id: &str) -> String {
    match id {
        "classic5" => t_string!(i18n, preset_classic5),
        "aida" => t_string!(i18n, preset_aida),
        "b2b" => t_string!(i18n, preset_b2b),
        "b2c" => t_string!(i18n, preset_b2c),
        "ecommerce" => t_string!(i18n, preset_ecommerce),
        "services" => t_string!(i18n, preset_services),
        _ => t_string!(i18n, preset_case_b),
    }
    .to_string()
}

#[component]
fn Settings() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    view! {
        <section class="card" aria-labelledby="set-h">
            <h2 id="set-h">{t!(i18n, settings)}</h2>
            <div class="settings-grid">
                <label class="lbl">{t!(i18n, trials)}</label>
                <NumInput testid="trials" label=Signal::derive(move || t_string!(i18n, trials).to_string()) value=Signal::derive(move || state.doc.with(|d| d.model.trials as f64))
                    check=whole_in(limits::MIN_TRIALS as f64, limits::MAX_TRIALS as f64)
                    on_value=Callback::new(move |v: f64| state.edit(|d| d.model.trials = v as u32))/>
                <label class="lbl">{t!(i18n, seed)}</label>
                <NumInput testid="seed" label=Signal::derive(move || t_string!(i18n, seed).to_string()) value=Signal::derive(move || state.doc.with(|d| d.model.seed as f64))
                    // Seeds up to 2^53 survive the round trip through a number box.
                    check=whole_in(0.0, 9_007_199_254_740_991.0)
                    on_value=Callback::new(move |v: f64| state.edit(|d| d.model.seed = v as u64))/>
                <label class="lbl">{t!(i18n, currency)}</label>
                <select data-testid="currency" aria-label=move || t_string!(i18n, currency).to_string()
                    prop:value=move || state.doc.with(|d| d.currency.code())
                    on:change=move |ev| {
                        if let Some(c) = Currency::from_code(&event_target_value(&ev)) {
                            state.edit(|d| { d.currency = c; d.currency_chosen = true; });
                        }
                    }>
                    {[Currency::Cny, Currency::Usd, Currency::Eur, Currency::Gbp].into_iter().map(|c| view! {
                        <option value=c.code() selected=move || state.doc.with(|d| d.currency == c)>{format!("{} {}", c.symbol(), c.code())}</option>
                    }).collect_view()}
                </select>
                <label class="lbl">{t!(i18n, period)}</label>
                <select data-testid="period" aria-label=move || t_string!(i18n, period).to_string()
                    prop:value=move || if state.doc.with(|d| d.period) == Period::Quarter { "quarter" } else { "month" }
                    on:change=move |ev| {
                        let p = if event_target_value(&ev) == "quarter" { Period::Quarter } else { Period::Month };
                        state.edit(|d| d.period = p);
                    }>
                    <option value="month" selected=move || state.doc.with(|d| d.period == Period::Month)>{t!(i18n, period_month)}</option>
                    <option value="quarter" selected=move || state.doc.with(|d| d.period == Period::Quarter)>{t!(i18n, period_quarter)}</option>
                </select>
                <label class="lbl">{t!(i18n, margin)}</label>
                <NumInput testid="margin" kind=NumKind::Percent optional=true class="short"
                    label=Signal::derive(move || t_string!(i18n, margin).to_string())
                    value=Signal::derive(move || state.doc.with(|d| d.model.margin.map(|m| m * 100.0).unwrap_or(f64::NAN)))
                    on_value=Callback::new(move |v: f64| state.edit(|d| d.model.margin = (!v.is_nan()).then_some(v / 100.0)))/>
            </div>
            <p class="fine">{t!(i18n, trials_note)}</p>
        </section>
    }
}

#[component]
fn Explainers() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card explain" aria-labelledby="exp-h">
            <h2 id="exp-h">{t!(i18n, explain_title)}</h2>
            <ul>
                <li>{t!(i18n, explain_rate)}</li>
                <li>{t!(i18n, explain_bottleneck)}</li>
                <li>{t!(i18n, explain_pct)}</li>
                <li>{t!(i18n, explain_mc)}</li>
                <li>{t!(i18n, explain_plan)}</li>
                <li>{t!(i18n, explain_crn)}</li>
                <li>{t!(i18n, explain_pbeat)}</li>
                <li>{t!(i18n, explain_cohort)}</li>
            </ul>
        </section>
    }
}
