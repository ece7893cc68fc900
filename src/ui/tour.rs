//! The guided first run: on a first visit (no link, no saved model) a
//! small card walks through the funnel's stages, a rate's slider, the
//! "+30 % awareness" scenario and the revenue band, and ends on "now enter
//! your own funnel". It points at each part (scrolled into view and
//! outlined) without blocking the page, can be skipped, is remembered as
//! seen, and comes back from the help button (`tour-start`). Its code is in
//! a part loaded after the first results (it is mounted by the share
//! notices, ui/later.rs).

use leptos::prelude::*;

use crate::i18n::*;
use crate::ui::sharing::use_sharing;
use crate::ui::words::tr;

/// Remembered once the tour is finished or skipped.
pub const SEEN_KEY: &str = "funnelcast.tour";

/// What each step points at (a test id) and whether the outline goes on
/// its card rather than on the control itself.
const STEPS: [(&str, bool); 5] = [
    ("stage-name-0", true),
    ("rate-slider-0-1", false),
    ("scenario-awareness30", false),
    ("revenue-chart", true),
    ("volume-0", false),
];

fn seen() -> bool {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(SEEN_KEY).ok().flatten())
        .is_some()
}

fn remember_seen() {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(SEEN_KEY, "seen");
    }
}

/// The element a step points at, outlined (or none, to clear).
fn point_at(step: Option<usize>) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(list) = doc.query_selector_all(".tour-on") {
        for i in 0..list.length() {
            if let Some(el) = list
                .item(i)
                .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
            {
                let _ = el.class_list().remove_1("tour-on");
            }
        }
    }
    let Some((id, card)) = step.and_then(|s| STEPS.get(s)) else {
        return;
    };
    let Ok(Some(el)) = doc.query_selector(&format!("[data-testid=\"{id}\"]")) else {
        return;
    };
    let target = if *card {
        el.closest(".card").ok().flatten().unwrap_or(el)
    } else {
        el
    };
    let _ = target.class_list().add_1("tour-on");
    let opts = web_sys::ScrollIntoViewOptions::new();
    opts.set_block(web_sys::ScrollLogicalPosition::Center);
    target.scroll_into_view_with_scroll_into_view_options(&opts);
}

/// The tour's card (`tour`), with `tour-next` and `tour-skip`.
#[component]
pub fn Tour() -> impl IntoView {
    let share = use_sharing();
    let i18n = use_i18n();
    if share.fresh && !seen() {
        share.tour.set(Some(0));
    }
    Effect::new(move |_| point_at(share.tour.get()));
    on_cleanup(|| point_at(None));
    let close = move || {
        remember_seen();
        share.tour.set(None);
        // Back to where it comes from again.
        crate::ui::hooks::focus_testid("tour-start");
    };
    let last = STEPS.len() - 1;
    move || {
        share.tour.get().map(|step| {
            let text = match step {
                0 => t_string!(i18n, tour_stages),
                1 => t_string!(i18n, tour_rate),
                2 => t_string!(i18n, tour_scenario),
                3 => t_string!(i18n, tour_band),
                _ => t_string!(i18n, tour_own),
            };
            view! {
                <div
                    class="tour"
                    role="dialog"
                    aria-modal="false"
                    aria-labelledby="tour-h"
                    data-testid="tour"
                    data-step=step
                    tabindex="-1"
                >
                    <p class="tour-head">
                        <b id="tour-h">{tr(i18n, |i| t_string!(i, tour_title))}</b>
                        <span class="tour-pos">{format!("{} / {}", step + 1, last + 1)}</span>
                    </p>
                    <p class="tour-text" aria-live="polite">
                        {text}
                    </p>
                    <div class="tour-buttons">
                        <button
                            class="btn small ghost"
                            data-testid="tour-skip"
                            on:click=move |_| close()
                        >
                            {tr(i18n, |i| t_string!(i, tour_skip))}
                        </button>
                        <button
                            class="btn small"
                            data-testid="tour-next"
                            on:click=move |_| {
                                if step >= last {
                                    close();
                                } else {
                                    share.tour.set(Some(step + 1));
                                }
                            }
                        >
                            {move || {
                                if step >= last {
                                    t_string!(i18n, tour_done)
                                } else {
                                    t_string!(i18n, tour_next)
                                }
                            }}
                        </button>
                    </div>
                </div>
            }
        })
    }
}
