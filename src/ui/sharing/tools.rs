//! The header's share tools: undo, redo, back to the shared version, copy
//! the link, the QR slide, and whether the model is saved.

use leptos::prelude::*;

use super::{saving_text, use_sharing, Saving};
use crate::i18n::*;
use crate::share::web;
use crate::ui::state::use_state;
use crate::ui::words::tr;

/// The header's tools: undo, redo, back to the shared version, copy the
/// link, the QR slide, and whether the model is saved.
#[component]
pub fn ShareTools() -> impl IntoView {
    let state = use_state();
    let share = use_sharing();
    let i18n = use_i18n();
    let copy = move |_| {
        let link = share.link.get_untracked();
        let link = if link.is_empty() { web::href() } else { link };
        leptos::task::spawn_local(async move {
            let ok = web::copy_text(&link).await;
            share.copied.set(Some(ok));
            set_timeout(
                move || share.copied.set(None),
                std::time::Duration::from_secs(4),
            );
        });
    };
    let differs_from_shared = move || {
        share
            .shared
            .with(|s| s.as_ref().is_some_and(|s| state.with_doc(|d| d != s)))
    };
    // Icons with their words in `title` and the accessible name: the sticky
    // header keeps to one line on a 1280 px projector. The words show on a
    // hover, and after a copy in a toast that does not move the page.
    view! {
        <div class="share-tools" role="toolbar" aria-label=move || t_string!(i18n, share_title)>
            // The guided tour, again.
            <button
                class="btn icon"
                data-testid="tour-start"
                title=tr(i18n, |i| t_string!(i, tour_title))
                aria-label=tr(i18n, |i| t_string!(i, tour_title))
                on:click=move |_| {
                    share.tour.set(Some(0));
                    set_timeout(
                        || crate::ui::hooks::focus_testid("tour"),
                        std::time::Duration::ZERO,
                    );
                }
            >
                "?"
            </button>
            <button
                class="btn icon"
                data-testid="undo"
                disabled=move || !state.can_undo()
                title=tr(i18n, |i| t_string!(i, undo_hint))
                aria-label=tr(i18n, |i| t_string!(i, undo))
                on:click=move |_| {
                    state.undo();
                }
            >
                "↶"
            </button>
            <button
                class="btn icon"
                data-testid="redo"
                disabled=move || !state.can_redo()
                title=tr(i18n, |i| t_string!(i, redo_hint))
                aria-label=tr(i18n, |i| t_string!(i, redo))
                on:click=move |_| {
                    state.redo();
                }
            >
                "↷"
            </button>
            <Show when=differs_from_shared>
                <button
                    class="btn icon"
                    data-testid="back-to-shared"
                    title=tr(i18n, |i| t_string!(i, back_to_shared))
                    aria-label=tr(i18n, |i| t_string!(i, back_to_shared))
                    on:click=move |_| {
                        if let Some(d) = share.shared.get_untracked() {
                            state.replace_doc(d);
                        }
                    }
                >
                    "↺"
                </button>
            </Show>
            <button
                class="btn icon"
                data-testid="copy-link"
                title=tr(i18n, |i| t_string!(i, copy_link))
                aria-label=tr(i18n, |i| t_string!(i, copy_link))
                on:click=copy
            >
                // A chain link, drawn: an emoji may have no font on the machine.
                <svg
                    viewBox="0 0 24 24"
                    width="18"
                    height="18"
                    fill="none"
                    stroke="currentColor"
                    stroke-width="2.2"
                    stroke-linecap="round"
                    aria-hidden="true"
                >
                    <path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1" />
                    <path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" />
                </svg>
            </button>
            <button
                class="btn icon"
                data-testid="qr-show"
                title=tr(i18n, |i| t_string!(i, qr_show))
                aria-label=tr(i18n, |i| t_string!(i, qr_show))
                on:click=move |_| share.slide.set(true)
            >
                "▦"
            </button>
            <span
                class="autosave"
                class:warn=move || !matches!(share.saving.get(), Saving::Saved | Saving::Idle)
                data-testid="autosave-notice"
                data-state=move || {
                    match share.saving.get() {
                        Saving::Idle => "idle",
                        Saving::Saved => "saved",
                        Saving::Failed => "failed",
                        Saving::Unreadable => "unreadable",
                        Saving::Unavailable => "unavailable",
                    }
                }
                title=move || saving_text(i18n, share.saving.get())
                aria-label=move || saving_text(i18n, share.saving.get())
                role="status"
            >
                {move || match share.saving.get() {
                    Saving::Idle => "",
                    Saving::Saved => "✓",
                    _ => "⚠",
                }}
            </span>
            <span
                class="copy-feedback"
                class:shown=move || share.copied.get().is_some()
                data-testid="copy-feedback"
                role="status"
                aria-live="polite"
            >
                {move || match share.copied.get() {
                    Some(true) => t_string!(i18n, copied).to_string(),
                    Some(false) => t_string!(i18n, copy_failed).to_string(),
                    None => String::new(),
                }}
            </span>
        </div>
    }
}
