//! The page: header (language, preset, money), editors on the left, results
//! on the right; stacked on a phone.

use std::rc::Rc;

use funnelcast_engine::{limits, Field};
use leptos::prelude::*;

use crate::document::{Period, PresetId};
use crate::format::{Currency, Lang};
use crate::i18n::*;
use crate::presets;
use crate::runner::{MainThreadRunner, RunnerHandle};
use crate::ui::funnel_editor::{SegmentsEditor, StagesEditor};
use crate::ui::input::{whole_in, Hint, NumInput, NumKind};
use crate::ui::results::{ResultsTable, Status};
use crate::ui::state::{use_state, AppState};
use crate::ui::words::tr;
use leptos_i18n::I18nContext;

const LANG_KEY: &str = "funnelcast.lang";

fn to_locale(l: Lang) -> Locale {
    match l {
        Lang::En => Locale::en,
        Lang::Zh => Locale::zh,
    }
}

/// The language the user chose before (if any) and the browser's.
fn saved_and_browser_lang() -> (Option<Lang>, Lang) {
    #[cfg(target_arch = "wasm32")]
    {
        let w = web_sys::window();
        let saved = w
            .as_ref()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(LANG_KEY).ok().flatten());
        let nav = w.and_then(|w| w.navigator().language()).unwrap_or_default();
        (
            saved.as_deref().and_then(Lang::from_code),
            Lang::from_browser(&nav),
        )
    }
    #[cfg(not(target_arch = "wasm32"))]
    (None, Lang::En)
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
    // Load order: the address wins over the autosave, the autosave over the
    // default; the language of a link over the saved one over the browser's.
    let (saved, browser) = saved_and_browser_lang();
    let (boot, start) = crate::ui::sharing::boot_page(saved, browser, presets::initial_doc);
    i18n.set_locale(to_locale(start));
    // leptos_i18n's provider sets the browser's language in an effect of its
    // own after this; this effect, created later, runs after it and keeps the
    // language chosen above (a link's, or the user's saved one).
    Effect::new(move |first: Option<()>| {
        if first.is_none() {
            i18n.set_locale(to_locale(start));
        }
    });
    let lang = Signal::derive(move || {
        if i18n.get_locale() == Locale::zh {
            Lang::Zh
        } else {
            Lang::En
        }
    });
    // The runner comes from context (a test can provide another before the
    // page mounts); in the browser, Web Workers where they start.
    let runner = use_context::<RunnerHandle>().unwrap_or_else(|| {
        crate::ui::progress::load_workers_setting();
        #[cfg(target_arch = "wasm32")]
        if let Some(w) = crate::runner::WorkerRunner::new() {
            return RunnerHandle::provide(Rc::new(w));
        }
        RunnerHandle::provide(Rc::new(MainThreadRunner::default()))
    });
    let state = AppState::provide(boot.doc.clone(), lang, runner);
    // A participant on a phone who opens a trainer's link came for the
    // results: once the first run is done they are on screen (the editors
    // stay above, a scroll away).
    #[cfg(target_arch = "wasm32")]
    if boot.shared.is_some() {
        let shown = StoredValue::new(false);
        Effect::new(move |_| {
            // After the parts that load above the results on a phone (the
            // scenarios and settings editors), so nothing pushes them away.
            let settled = crate::ui::later::parts_settled();
            if shown.get_value() || !settled || state.status() != crate::ui::state::SimStatus::Done
            {
                return;
            }
            shown.set_value(true);
            let narrow = web_sys::window()
                .and_then(|w| w.inner_width().ok())
                .and_then(|w| w.as_f64())
                .is_some_and(|w| w <= 600.0);
            if narrow {
                crate::ui::hooks::scroll_to_results();
            }
        });
    }
    crate::ui::sharing::Sharing::provide(&boot, state);
    crate::ui::hooks::use_undo_keys(state);
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
        {crate::ui::later::after_first_run(crate::ui::later::share_notices)}
        <crate::ui::sharing::QrSlide />
        <main class="layout">
            <div class="col editors">
                <StagesEditor />
                <SegmentsEditor />
                {crate::ui::later::after_first_run(crate::ui::later::scenarios)}
                {crate::ui::later::after_first_run(crate::ui::later::settings)}
            </div>
            <div class="col results-col">
                <section class="card results-card" aria-labelledby="res-h">
                    <div class="card-head">
                        <h2 id="res-h">{tr(i18n, |i| t_string!(i, results))}</h2>
                        <Status />
                    </div>
                    <crate::ui::progress::RunProgress />
                    <crate::ui::sharing::EngineNotice />
                    {crate::ui::later::after_first_run(crate::ui::later::verdict)}
                    <ResultsTable />
                </section>
                // The goal next to the results it is about.
                {crate::ui::later::after_first_run(crate::ui::later::goal_seek)}
                {crate::ui::later::after_first_run(crate::ui::later::charts)}
                {crate::ui::later::after_first_run(crate::ui::later::over_time)}
                {crate::ui::later::after_first_run(crate::ui::later::share_card)}
                {crate::ui::later::after_first_run(crate::ui::later::explainers)}
            </div>
        </main>
        <footer class="footer">{tr(i18n, |i| t_string!(i, footer))}</footer>
        <crate::ui::results::PhoneBar />
    }
}

#[component]
fn Header() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    // The preset just loaded, and the edit generation that loaded it.
    let loaded = RwSignal::new(None::<(PresetId, u64)>);
    let switch = move |_| {
        let next = if state.lang.get_untracked() == Lang::Zh {
            Lang::En
        } else {
            Lang::Zh
        };
        // A view setting: the document, and so the results, stay as they are.
        i18n.set_locale(to_locale(next));
        remember_lang(next);
    };
    view! {
        <header class="top">
            <div class="brand">
                <span class="logo" aria-hidden="true">
                    <svg viewBox="0 0 32 32" width="32" height="32">
                        <path d="M3 5h26l-9 11v9l-8 3V16z" fill="currentColor" />
                    </svg>
                </span>
                <div>
                    <h1>
                        {tr(i18n, |i| t_string!(i, app_title))}" "
                        <span class="sub">{tr(i18n, |i| t_string!(i, app_subtitle))}</span>
                    </h1>
                    <p class="tagline">{tr(i18n, |i| t_string!(i, tagline))}</p>
                </div>
            </div>
            <div class="top-tools">
                <label class="lbl">{tr(i18n, |i| t_string!(i, preset))}</label>
                <select
                    data-testid="preset"
                    aria-label=tr(i18n, |i| t_string!(i, preset))
                    prop:value=move || state.with_doc(|d| d.preset.map_or("custom", PresetId::code))
                    on:change=move |ev| {
                        if let Some(id) = PresetId::from_code(&event_target_value(&ev)) {
                            let lang = state.lang.get_untracked();
                            state.edit(|d| *d = presets::apply_preset(d, id, lang));
                            loaded.set(Some((id, state.generation_untracked())));
                        }
                    }
                >
                    <option
                        value="custom"
                        disabled=true
                        selected=move || state.with_doc(|d| d.preset.is_none())
                    >
                        {tr(i18n, |i| t_string!(i, preset_custom))}
                    </option>
                    {PresetId::ALL
                        .into_iter()
                        .map(|id| {
                            view! {
                                <option
                                    value=id.code()
                                    selected=move || state.with_doc(|d| d.preset == Some(id))
                                >
                                    {move || preset_label(i18n, id)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                // A preset replaces the funnel: say so, with its undo, until
                // the next edit (after which undo would undo that instead).
                {move || {
                    loaded
                        .get()
                        .filter(|&(_, g)| g == state.generation())
                        .map(|(id, _)| {
                            view! {
                                <span class="preset-note" role="status" data-testid="preset-loaded">
                                    {t_string!(i18n, preset_loaded, name = preset_label(i18n, id))
                                        .to_string()}
                                    " "
                                    <button
                                        class="btn small"
                                        data-testid="preset-undo"
                                        on:click=move |_| {
                                            state.undo();
                                        }
                                    >
                                        {tr(i18n, |i| t_string!(i, undo))}
                                    </button>
                                </span>
                            }
                        })
                }}
                <button
                    class="btn lang"
                    data-testid="lang"
                    data-lang=move || state.lang.get().code()
                    on:click=switch
                    title="中文 / English"
                >
                    {tr(i18n, |i| t_string!(i, lang_switch))}
                </button>
                // Its place is kept while it is on its way: nothing moves.
                <span class="share-slot">
                    {crate::ui::later::after_first_run(crate::ui::later::share_tools)}
                </span>
                <crate::ui::present::PresentAndPrint />
            </div>
        </header>
    }
}

pub(crate) fn preset_label(i18n: I18nContext<Locale>, id: PresetId) -> String {
    match id {
        PresetId::Classic5 => t_string!(i18n, preset_classic5),
        PresetId::Aida => t_string!(i18n, preset_aida),
        PresetId::B2b => t_string!(i18n, preset_b2b),
        PresetId::B2c => t_string!(i18n, preset_b2c),
        PresetId::Ecommerce => t_string!(i18n, preset_ecommerce),
        PresetId::Services => t_string!(i18n, preset_services),
        PresetId::CaseB => t_string!(i18n, preset_case_b),
    }
    .to_string()
}

#[component]
pub fn Settings() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    // The period asked for, while its question is open; then what was done.
    let period_asked = RwSignal::new(None::<Period>);
    let period_done = RwSignal::new(None::<String>);
    view! {
        <section class="card" aria-labelledby="set-h">
            <h2 id="set-h">{tr(i18n, |i| t_string!(i, settings))}</h2>
            <div class="settings-grid">
                <label class="lbl">
                    {tr(i18n, |i| t_string!(i, trials))}" "
                    <Hint text=Signal::derive(move || {
                        t_string!(i18n, explain_trials).to_string()
                    }) />
                </label>
                <NumInput
                    field=Field::Trials
                    label=Signal::derive(move || t_string!(i18n, trials).to_string())
                    value=Signal::derive(move || state.with_doc(|d| d.trials as f64))
                    check=whole_in(limits::MIN_TRIALS as f64, limits::MAX_TRIALS as f64)
                    on_value=Callback::new(move |v: f64| state.edit(|d| d.set_trials(v)))
                />
                <label class="lbl">
                    {tr(i18n, |i| t_string!(i, seed))}" "
                    <Hint text=Signal::derive(move || t_string!(i18n, explain_seed).to_string()) />
                </label>
                <NumInput
                    field=Field::Seed
                    label=Signal::derive(move || t_string!(i18n, seed).to_string())
                    value=Signal::derive(move || state.with_doc(|d| d.seed as f64))
                    // Seeds up to 2^53 - 1 survive the round trip through a
                    // number box; the decoder refuses larger ones too.
                    check=whole_in(0.0, crate::document::MAX_SEED as f64)
                    on_value=Callback::new(move |v: f64| state.edit(|d| d.set_seed(v)))
                />
                <crate::ui::progress::WorkersSetting />
                <label class="lbl">{tr(i18n, |i| t_string!(i, currency))}</label>
                <select
                    data-testid="currency"
                    aria-label=tr(i18n, |i| t_string!(i, currency))
                    prop:value=move || state.with_doc(|d| d.currency.code())
                    on:change=move |ev| {
                        if let Some(c) = Currency::from_code(&event_target_value(&ev)) {
                            state.edit(|d| d.currency = c);
                        }
                    }
                >
                    {Currency::ALL
                        .into_iter()
                        .map(|c| {
                            view! {
                                <option
                                    value=c.code()
                                    selected=move || state.with_doc(|d| d.currency == c)
                                >
                                    {format!("{} {}", c.symbol(), c.code())}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <label class="lbl">{tr(i18n, |i| t_string!(i, period))}</label>
                <select
                    data-testid="period"
                    aria-label=tr(i18n, |i| t_string!(i, period))
                    prop:value=move || state.with_doc(|d| d.period).code()
                    // The same number would mean three times the people (or
                    // a third): ask first whether to rescale the volumes.
                    on:change=move |ev| {
                        let code = event_target_value(&ev);
                        let p = Period::from_code(&code).unwrap_or(Period::Month);
                        period_done.set(None);
                        period_asked.set((p != state.with_doc(|d| d.period)).then_some(p));
                    }
                >
                    <option
                        value=Period::Month.code()
                        selected=move || state.with_doc(|d| d.period == Period::Month)
                    >
                        {tr(i18n, |i| t_string!(i, period_month))}
                    </option>
                    <option
                        value=Period::Quarter.code()
                        selected=move || state.with_doc(|d| d.period == Period::Quarter)
                    >
                        {tr(i18n, |i| t_string!(i, period_quarter))}
                    </option>
                </select>
                {move || {
                    period_asked
                        .get()
                        .map(|to| period_question(state, to, period_asked, period_done))
                }}
                {move || {
                    period_done
                        .get()
                        .map(|text| {
                            view! {
                                <p
                                    class="note period-note"
                                    role="status"
                                    data-testid="period-rescaled"
                                >
                                    {text}
                                </p>
                            }
                        })
                }}
                <label class="lbl">{tr(i18n, |i| t_string!(i, margin))}</label>
                <NumInput
                    field=Field::Margin
                    kind=NumKind::Percent
                    optional=true
                    class="short"
                    label=Signal::derive(move || t_string!(i18n, margin).to_string())
                    value=Signal::derive(move || {
                        state.with_doc(|d| d.margin.map(|m| m * 100.0).unwrap_or(f64::NAN))
                    })
                    on_value=Callback::new(move |v: f64| {
                        state.edit(|d| d.set_margin_percent(v))
                    })
                />
            </div>
            <p class="fine">{tr(i18n, |i| t_string!(i, trials_note))}</p>
        </section>
    }
}

/// "The people entering are counted per month. Rescale them to a quarter
/// (10,000 → 30,000)?" with its two answers; the answer closes it and says
/// what was done.
fn period_question(
    state: AppState,
    to: Period,
    asked: RwSignal<Option<Period>>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = state.lang.get_untracked();
    let (from, example) = state.with_doc(|d| {
        let f = f64::from(to.months()) / f64::from(d.period.months());
        let v = d.volume_value(0).unwrap_or(f64::NAN);
        let n = |x: f64| crate::format::format_count(x, lang);
        (d.period, format!("{} → {}", n(v), n(v * f)))
    });
    let (from_w, to_w) = (
        crate::ui::words::period_word(i18n, from),
        crate::ui::words::period_word(i18n, to),
    );
    let question = t_string!(
        i18n,
        period_question,
        from = from_w,
        to = to_w.clone(),
        example = example.clone()
    )
    .to_string();
    let question_name = question.clone();
    let answer = move |rescale: bool| {
        state.edit(|d| {
            d.set_period(to, rescale);
        });
        asked.set(None);
        done.set(Some(if rescale {
            t_string!(
                i18n,
                period_rescaled,
                to = to_w.clone(),
                example = example.clone()
            )
            .to_string()
        } else {
            t_string!(i18n, period_kept, to = to_w.clone()).to_string()
        }));
    };
    let (yes, keep) = (answer.clone(), answer);
    view! {
        <div
            class="notice period-note"
            role="alertdialog"
            aria-label=question_name
            data-testid="period-rescale"
        >
            <span>{question}</span>
            <button class="btn small" data-testid="period-rescale-yes" on:click=move |_| yes(true)>
                {tr(i18n, |i| t_string!(i, period_rescale_yes))}
            </button>
            <button
                class="btn small ghost"
                data-testid="period-rescale-keep"
                on:click=move |_| keep(false)
            >
                {tr(i18n, |i| t_string!(i, period_rescale_keep))}
            </button>
        </div>
    }
}

#[component]
pub fn Explainers() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card explain" aria-labelledby="exp-h">
            <h2 id="exp-h">{tr(i18n, |i| t_string!(i, explain_title))}</h2>
            <ul>
                <li>{tr(i18n, |i| t_string!(i, explain_rate))}</li>
                <li>{tr(i18n, |i| t_string!(i, explain_bottleneck))}</li>
                <li>{tr(i18n, |i| t_string!(i, explain_pct))}</li>
                <li>{tr(i18n, |i| t_string!(i, explain_mc))}</li>
                <li>{tr(i18n, |i| t_string!(i, explain_plan))}</li>
                <li>{tr(i18n, |i| t_string!(i, explain_crn))}</li>
                <li>{tr(i18n, |i| t_string!(i, explain_pbeat))}</li>
                <li>{tr(i18n, |i| t_string!(i, explain_cohort))}</li>
            </ul>
        </section>
    }
}
