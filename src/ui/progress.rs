//! A long run's progress bar and cancel button (`sim-progress`,
//! `sim-cancel`), the note after a cancel, the banner when a worker stopped,
//! and the `workers` setting.

use leptos::prelude::*;

use crate::i18n::*;
use crate::runner::RunError;
use crate::ui::state::{use_state, SimStatus};
use crate::ui::words::tr;

/// Shown while a run reports progress (workers report after about 0.1 s, so
/// short runs never flash a bar).
#[component]
pub fn RunProgress() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let fraction = move || {
        (state.status() == SimStatus::Running)
            .then(|| state.progress())
            .flatten()
    };
    view! {
        {move || {
            fraction()
                .map(|f| {
                    let pct = crate::format::fixed(f * 100.0, 0);
                    view! {
                        <div class="run-progress">
                            <progress
                                data-testid="sim-progress"
                                data-value=crate::numtext::display(f)
                                max="1"
                                value=crate::numtext::display(f)
                                aria-label=tr(i18n, |i| t_string!(i, progress_label))
                            ></progress>
                            <span class="muted">{format!("{pct} %")}</span>
                            <button
                                class="btn"
                                data-testid="sim-cancel"
                                on:click=move |_| state.cancel_run()
                            >
                                {tr(i18n, |i| t_string!(i, cancel_run))}
                            </button>
                        </div>
                    }
                })
        }}
        <Show when=move || state.run_cancelled()>
            <div class="notice" data-testid="run-cancelled" role="status">
                <span>{tr(i18n, |i| t_string!(i, run_cancelled))}</span>
                <button class="btn" data-testid="run-again" on:click=move |_| state.run_again()>
                    {tr(i18n, |i| t_string!(i, run_again))}
                </button>
            </div>
        </Show>
        <Show when=move || {
            state.status() == SimStatus::Error && state.run_error() == Some(RunError::Stopped)
        }>
            <div class="error-banner" data-testid="error-banner" role="alert">
                <span>{tr(i18n, |i| t_string!(i, worker_stopped))}</span>
                <button
                    class="btn"
                    data-testid="error-reload"
                    on:click=move |_| {
                        let share = crate::ui::sharing::use_sharing();
                        leptos::task::spawn_local(async move {
                            share.keep_for_reload(state).await;
                            crate::share::web::reload();
                        });
                    }
                >
                    {tr(i18n, |i| t_string!(i, reload))}
                </button>
            </div>
        </Show>
    }
}

/// Where the `workers` setting is kept (a setting of this browser, not of the
/// model: the digits are the same with any number of workers).
#[cfg(target_arch = "wasm32")]
const WORKERS_KEY: &str = "funnelcast.workers";

/// Reads the remembered `workers` setting (at start-up).
pub fn load_workers_setting() {
    #[cfg(target_arch = "wasm32")]
    if let Ok(Some(v)) = crate::share::web::load(WORKERS_KEY) {
        if let Ok(n) = crate::format::parse_whole::<u32>(&v) {
            crate::runner::workers::set_workers(n);
        }
    }
}

/// `workers`: `auto` or 1–4 workers share a long run.
#[component]
pub fn WorkersSetting() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(target_arch = "wasm32")]
    let current = crate::runner::workers::workers_setting();
    #[cfg(not(target_arch = "wasm32"))]
    let current = 0u32;
    let choices = ["auto", "1", "2", "3", "4"];
    view! {
        <label class="lbl" for="workers">
            {tr(i18n, |i| t_string!(i, workers_label))}
        </label>
        <select
            id="workers"
            data-testid="workers"
            title=tr(i18n, |i| t_string!(i, workers_hint))
            on:change=move |ev| {
                let v = event_target_value(&ev);
                let n = crate::format::parse_whole::<u32>(&v).unwrap_or(0);
                #[cfg(target_arch = "wasm32")]
                {
                    crate::runner::workers::set_workers(n);
                    let _ = crate::share::web::save(WORKERS_KEY, &n.to_string());
                }
                let _ = n;
            }
        >
            {choices
                .into_iter()
                .map(|c| {
                    let selected = crate::format::parse_whole::<u32>(c).unwrap_or(0) == current;
                    view! {
                        <option value=c selected=selected>
                            {move || {
                                if c == "auto" {
                                    t_string!(i18n, workers_auto).to_string()
                                } else {
                                    c.to_string()
                                }
                            }}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}
