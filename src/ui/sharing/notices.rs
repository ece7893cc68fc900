//! What the page says about the model's sources: a link or file that did
//! not open, storage that refuses, the own model kept, an unreadable save,
//! another tab's change, other engine numbers.

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use super::{saving_text, use_sharing, Banner, Saving};
use crate::document::{self, DecodeError};
use crate::i18n::*;
use crate::share::address::AddressError;
use crate::share::keep::{self, Unreadable};
use crate::share::{web, SourceError};
use crate::ui::state::use_state;
use crate::ui::words::tr;

fn why_doc(i18n: I18nContext<Locale>, e: &DecodeError) -> String {
    match e {
        DecodeError::TooLong { .. } => t_string!(i18n, why_too_long).to_string(),
        DecodeError::Malformed(_) => t_string!(i18n, why_malformed).to_string(),
        DecodeError::NewerVersion { found } => t_string!(i18n, why_newer, n = *found).to_string(),
        DecodeError::UnknownVersion { found } => {
            t_string!(i18n, why_unknown, n = *found).to_string()
        }
        DecodeError::Inconsistent(_) => t_string!(i18n, why_inconsistent).to_string(),
    }
}

fn banner_text(i18n: I18nContext<Locale>, b: &Banner) -> String {
    match b {
        Banner::Link(e) => {
            let why = match e {
                AddressError::UnknownPacking => t_string!(i18n, why_packing).to_string(),
                AddressError::TooLong => t_string!(i18n, why_too_long).to_string(),
                AddressError::NotBase64 => t_string!(i18n, why_chars).to_string(),
                AddressError::Damaged => t_string!(i18n, why_damaged).to_string(),
                AddressError::Document(d) => why_doc(i18n, d),
            };
            t_string!(i18n, bad_link, why = why).to_string()
        }
        Banner::File(e) => {
            let why = match e {
                SourceError::File(d) | SourceError::Stored(d) => why_doc(i18n, d),
                _ => t_string!(i18n, why_unreadable).to_string(),
            };
            t_string!(i18n, bad_file, why = why).to_string()
        }
    }
}

/// Banners and notices above the page: a link or file that did not open,
/// the planner's previous model, another tab's change.
#[component]
pub fn ShareNotices() -> impl IntoView {
    let state = use_state();
    let share = use_sharing();
    let i18n = use_i18n();
    view! {
        // The guided first run: with the notices, after the first results.
        <crate::ui::tour::Tour />
        {move || {
            share
                .banner
                .get()
                .map(|b| {
                    view! {
                        <div class="error-banner" data-testid="error-banner" role="alert">
                            <span>{move || banner_text(i18n, &b)}</span>
                            <button
                                class="btn"
                                data-testid="error-dismiss"
                                on:click=move |_| share.banner.set(None)
                            >
                                {tr(i18n, |i| t_string!(i, dismiss))}
                            </button>
                        </div>
                    }
                })
        }}
        <Show when=move || { !matches!(share.saving.get(), Saving::Saved | Saving::Idle) }>
            <div class="notice warn" data-testid="storage-problem" role="status">
                <span>{move || saving_text(i18n, share.saving.get())}</span>
            </div>
        </Show>
        <Show when=move || { share.keeper.with(|k| k.own.is_some()) && !share.own_dismissed.get() }>
            <div class="notice" data-testid="previous-notice" role="status">
                <span>{tr(i18n, |i| t_string!(i, restore_previous_note))}</span>
                <button
                    class="btn"
                    data-testid="restore-previous"
                    on:click=move |_| share.restore_own(state)
                >
                    {tr(i18n, |i| t_string!(i, restore_previous))}
                </button>
                <button
                    class="btn"
                    data-testid="previous-dismiss"
                    title=tr(i18n, |i| t_string!(i, previous_dismiss_hint))
                    on:click=move |_| share.own_dismissed.set(true)
                >
                    {tr(i18n, |i| t_string!(i, dismiss))}
                </button>
                <button
                    class="btn"
                    data-testid="previous-drop"
                    on:click=move |_| share.keeper.update(|k| k.drop_own(&mut web::Local))
                >
                    {tr(i18n, |i| t_string!(i, previous_drop))}
                </button>
            </div>
        </Show>
        <Show when=move || share.unreadable.with(Option::is_some)>
            <div class="notice warn" data-testid="unreadable-notice" role="status">
                <span>
                    {move || {
                        if share.unreadable.get() == Some(Unreadable::Held) {
                            t_string!(i18n, unreadable_held).to_string()
                        } else {
                            t_string!(i18n, unreadable_kept).to_string()
                        }
                    }}
                </span>
                <button
                    class="btn"
                    data-testid="unreadable-download"
                    on:click=move |_| {
                        if let Some(text) = keep::unreadable_text(&web::Local) {
                            web::download(
                                "funnelcast-unreadable.json",
                                "application/json",
                                &[text.as_bytes()],
                            );
                        }
                    }
                >
                    {tr(i18n, |i| t_string!(i, unreadable_download))}
                </button>
                <button
                    class="btn"
                    data-testid="unreadable-drop"
                    on:click=move |_| share.drop_unreadable(state)
                >
                    {tr(i18n, |i| t_string!(i, unreadable_drop))}
                </button>
            </div>
        </Show>
        <Show when=move || share.keeper.with(|k| k.other_tab)>
            <div class="notice warn" data-testid="other-tab" role="alert">
                <span>{tr(i18n, |i| t_string!(i, other_tab))}</span>
                <button
                    class="btn"
                    data-testid="other-tab-load"
                    on:click=move |_| {
                        let current = state.doc_now();
                        let mut theirs = None;
                        share
                            .keeper
                            .update(|k| {
                                theirs = k.load_theirs(&mut web::Local, &mut web::Session, &current)
                            });
                        if let Some(d) = theirs {
                            share.last_saved.set_value(document::encode(&d));
                            state.replace_doc(d);
                        }
                    }
                >
                    {tr(i18n, |i| t_string!(i, other_tab_load))}
                </button>
                <button
                    class="btn"
                    data-testid="other-tab-keep"
                    on:click=move |_| {
                        share.keeper.update(|k| k.other_tab = false);
                        share.save_now(state);
                    }
                >
                    {tr(i18n, |i| t_string!(i, other_tab_keep))}
                </button>
            </div>
        </Show>
    }
}

/// Beside the results: a kept link whose engine numbers are not this build's.
#[component]
pub fn EngineNotice() -> impl IntoView {
    let share = use_sharing();
    let i18n = use_i18n();
    move || {
        share.engine_changed.get().map(|old| {
            view! {
                <p class="notice warn" data-testid="engine-changed" role="note">
                    {t!(i18n, engine_changed, old = old)}
                </p>
            }
        })
    }
}
