//! Sharing on the page: the start-up choice of document, the address and the
//! autosave kept current, undo/redo, copy-link, the QR code and its slide,
//! files (JSON, CSV, chart downloads), and the banners and notices that say
//! what happened. The rules of what is kept where are in
//! `crate::share::keep`; this is their wiring.

use std::collections::VecDeque;

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::document::{self, DecodeError, Document};
use crate::format::Lang;
use crate::i18n::*;
use crate::share::address::{self, AddressError};
use crate::share::keep::{self, Keeper, Start, Unreadable};
use crate::share::{self as sh, qr, web, SourceError};
use crate::ui::state::{use_state, AppState, SimStatus};
use crate::ui::words::tr;

/// Reads the address, this tab's last state and the autosave, and picks
/// the document to start with (`share::keep::start`), and the language
/// (the link's, then `saved`, then `browser`).
pub fn boot_page(
    saved: Option<Lang>,
    browser: Lang,
    default: impl FnOnce(Lang) -> Document,
) -> (Start, Lang) {
    let frag = address::parse_fragment(&web::hash());
    let lang = sh::boot_lang(frag.lang, saved, browser);
    let start = keep::start(
        &mut web::Local,
        &web::Session,
        frag.model.as_deref(),
        || default(lang),
    );
    (start, lang)
}

/// What the page says about a source it could not use.
#[derive(Clone, Debug, PartialEq)]
enum Banner {
    Link(AddressError),
    File(SourceError),
}

/// The autosave's state, for the `autosave-notice`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Saving {
    /// Nothing written yet in this visit.
    Idle,
    Saved,
    Failed,
    /// Storage held text this build cannot read (kept aside: the
    /// `unreadable-notice`); the default was used.
    Unreadable,
    Unavailable,
}

#[derive(Clone, Copy)]
pub struct Share {
    banner: RwSignal<Option<Banner>>,
    saving: RwSignal<Saving>,
    /// Where the model on screen comes from, the own model it offers back,
    /// and whether this tab may save (`share::keep`).
    keeper: RwSignal<Keeper>,
    /// The notice offering the own model back was dismissed (the share
    /// card still offers it).
    own_dismissed: RwSignal<bool>,
    /// Saved text this build could not read, kept aside.
    unreadable: RwSignal<Option<Unreadable>>,
    /// The document the link opened, for "back to the shared version".
    shared: RwSignal<Option<Document>>,
    engine_changed: RwSignal<Option<u32>>,
    /// The address as last written, or about to be (what copy-link and the
    /// QR code give).
    link: RwSignal<String>,
    copied: RwSignal<Option<bool>>,
    slide: RwSignal<bool>,
    /// A bad link stays in the address bar until the first edit, so it can
    /// be copied into a bug report.
    hold_address: RwSignal<bool>,
    last_saved: StoredValue<String>,
    writes: StoredValue<VecDeque<f64>>,
    /// The newest address waiting for the browsers' write budget (only the
    /// newest is ever written).
    pending: StoredValue<Option<(String, Document)>>,
    /// Whether the address's deflate compressor (a split module,
    /// ui/later.rs) has arrived.
    compressor_in: StoredValue<bool>,
}

pub fn use_share() -> Share {
    expect_context::<Share>()
}

/// Browsers throttle `replaceState` (Chromium throws after ~200 calls in 10 s,
/// Safari after 100 in 30 s): at most this many writes in [`WRITE_WINDOW_MS`].
const MAX_WRITES: usize = 80;
const WRITE_WINDOW_MS: f64 = 30_000.0;
/// The autosave waits for typing to pause.
const SAVE_DEBOUNCE_MS: u64 = 400;

impl Share {
    /// Sets up sharing for the page's state, from what [`boot_page`] found.
    pub fn provide(start: &Start, state: AppState) -> Share {
        let saving = match &start.storage_error {
            Some(SourceError::StorageUnavailable) => Saving::Unavailable,
            Some(_) => Saving::Unreadable,
            None => Saving::Idle,
        };
        let share = Share {
            banner: RwSignal::new(start.link_error.clone().map(Banner::Link)),
            saving: RwSignal::new(saving),
            keeper: RwSignal::new(Keeper::new(start)),
            own_dismissed: RwSignal::new(false),
            unreadable: RwSignal::new(start.unreadable),
            shared: RwSignal::new(start.shared.clone()),
            engine_changed: RwSignal::new(start.engine_changed),
            link: RwSignal::new(String::new()),
            copied: RwSignal::new(None),
            slide: RwSignal::new(false),
            hold_address: RwSignal::new(start.link_error.is_some()),
            last_saved: StoredValue::new(String::new()),
            writes: StoredValue::new(VecDeque::new()),
            pending: StoredValue::new(None),
            compressor_in: StoredValue::new(false),
        };
        provide_context(share);
        share.keep_address(state);
        share.autosave(state);
        share.listen(state);
        share
    }

    /// The address follows the document once its results are shown (and the
    /// language at once).
    fn keep_address(self, state: AppState) {
        Effect::new(move |_| {
            let gen = state.generation();
            if gen > 0 {
                self.hold_address.set(false);
            }
            if state.status() != SimStatus::Done || self.hold_address.get() {
                return;
            }
            let doc = state.with_doc(Document::clone);
            let lang = state.lang.get();
            if !self.compressor_in.get_value() {
                // Until the compressor arrives the address holds the document
                // in stored deflate blocks (longer, read the same way), so it
                // is current as soon as the results are (test contract). A
                // link opened and not edited keeps its own text.
                let current = address::parse_fragment(&web::hash());
                let model = keep::address_to_write(&doc, current.model.as_deref())
                    .or(current.model)
                    .unwrap_or_default();
                self.write_address(address::fragment(&model, lang), doc.clone());
            }
            leptos::task::spawn_local(async move {
                let later = crate::ui::later::address_fragment(doc.clone(), lang);
                // Without the compressor the stored form stays in the address.
                let Ok(frag) = crate::ui::later::part(later).await else {
                    return;
                };
                self.compressor_in.set_value(true);
                // A newer edit or language writes its own.
                if state.generation_untracked() == gen && state.lang.get_untracked() == lang {
                    self.write_address(frag, doc);
                }
            });
        });
    }

    /// Writes `frag` into the address, within the browsers' budget: over
    /// it, the newest fragment waits and is written when there is room (a
    /// long drag's last state, never an older one).
    fn write_address(self, frag: String, doc: Document) {
        let base = web::href();
        let base = base.split('#').next().unwrap_or_default().to_string();
        if web::hash() == frag {
            self.pending.set_value(None);
            self.link.set(format!("{base}{frag}"));
            return;
        }
        // Copy-link and the QR code give the newest model at once.
        self.link.set(format!("{base}{frag}"));
        let now = js_sys::Date::now();
        let full = self
            .writes
            .with_value(|w| w.iter().filter(|t| now - **t < WRITE_WINDOW_MS).count() >= MAX_WRITES);
        if full {
            let waiting = self.pending.with_value(Option::is_some);
            self.pending.set_value(Some((frag, doc)));
            if !waiting {
                set_timeout(
                    move || {
                        if let Some((f, d)) = self.pending.get_value() {
                            self.pending.set_value(None);
                            self.write_address(f, d);
                        }
                    },
                    std::time::Duration::from_secs(2),
                );
            }
            return;
        }
        self.pending.set_value(None);
        self.writes.update_value(|w| {
            w.retain(|t| now - *t < WRITE_WINDOW_MS);
            w.push_back(now);
        });
        web::replace_fragment(&frag);
        if let Some(model) = address::parse_fragment(&frag).model {
            self.keeper
                .update_untracked(|k| k.wrote_address(&mut web::Session, &model, &doc));
        }
    }

    /// Saves the document as it is edited (never on the first run: opening a
    /// page writes nothing), unless another tab's model is waiting.
    fn autosave(self, state: AppState) {
        Effect::new(move |first: Option<()>| {
            let gen = state.generation();
            if first.is_none() {
                return;
            }
            // Unsaved until the pause ends and the save is taken. The edit's
            // time goes with the save: of two versions of the own model,
            // the one edited last is kept (share::keep).
            sh::set_save_state(sh::SaveState::Unsaved);
            let now = js_sys::Date::now() as u64;
            self.keeper.update_untracked(|k| k.edited_at(now));
            set_timeout(
                move || {
                    if state.generation_untracked() == gen {
                        self.save_now(state);
                    }
                },
                std::time::Duration::from_millis(SAVE_DEBOUNCE_MS),
            );
        });
        // A reload or a closed tab within the debounce (the crash banner's
        // reload, say) still finds the last edit saved, and the tab's state
        // is recorded for its reload.
        // Opening a page and leaving it writes nothing.
        let flush = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            let doc = state.doc_now();
            let edited = state.generation_untracked() > 0
                && self.last_saved.with_value(|l| *l != document::encode(&doc));
            if edited {
                self.keeper
                    .update_untracked(|k| k.leave(&mut web::Local, &mut web::Session, &doc));
            }
        });
        if let Some(w) = web_sys::window() {
            use wasm_bindgen::JsCast;
            let _ = w.add_event_listener_with_callback("pagehide", flush.as_ref().unchecked_ref());
        }
        flush.forget();
    }

    fn save_now(self, state: AppState) {
        let doc = state.doc_now();
        let mut res = Ok(false);
        self.keeper
            .update_untracked(|k| res = k.save(&mut web::Local, &mut web::Session, &doc));
        match res {
            Ok(true) => {
                sh::set_save_state(sh::SaveState::Saved);
                self.last_saved.set_value(document::encode(&doc));
                self.saving.set(Saving::Saved);
            }
            // Held: another tab's model or unreadable text waits for the
            // user's word; the notices say so.
            Ok(false) => {}
            Err(_) => {
                self.saving.set(Saving::Failed);
            }
        }
    }

    /// Keys (undo, redo, Esc), other tabs' saves, and links opened in this
    /// tab while it is open (pasted into the address bar, or back/forward).
    fn listen(self, state: AppState) {
        let keys = window_event_listener(leptos::ev::keydown, move |ev| {
            let key = ev.key();
            if key == "Escape" && self.slide.get_untracked() {
                self.slide.set(false);
                return;
            }
            if !(ev.ctrl_key() || ev.meta_key()) {
                return;
            }
            // A text area (pasted counts) keeps its own undo.
            let in_text_area = ev
                .target()
                .and_then(|t| {
                    wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlTextAreaElement>(t).ok()
                })
                .is_some();
            if in_text_area {
                return;
            }
            let done = match key.as_str() {
                "z" | "Z" if ev.shift_key() => state.redo(),
                "z" | "Z" => state.undo(),
                "y" | "Y" => state.redo(),
                _ => return,
            };
            if done {
                ev.prevent_default();
            }
        });
        let storage = window_event_listener(leptos::ev::storage, move |ev| {
            if ev.key().as_deref() != Some(keep::DOC_KEY) {
                return;
            }
            let Some(text) = ev.new_value() else { return };
            if self.last_saved.with_value(|l| *l == text) {
                return;
            }
            let same =
                document::decode(&text).is_ok_and(|d| keep::same_model(&d, &state.doc_now()));
            if !same {
                self.keeper.update(|k| k.other_tab = true);
            }
        });
        let hash = window_event_listener(leptos::ev::hashchange, move |_| self.open_address(state));
        let pop = window_event_listener(leptos::ev::popstate, move |_| self.open_address(state));
        on_cleanup(move || {
            keys.remove();
            storage.remove();
            hash.remove();
            pop.remove();
        });
    }

    /// The address changed under the page (a link pasted into the address
    /// bar, back or forward): its model opens, and the one on screen stays
    /// restorable (undo, and the own model's notice).
    fn open_address(self, state: AppState) {
        let frag = address::parse_fragment(&web::hash());
        let current = state.doc_now();
        let opened = frag.model.as_deref().map(|m| (m, address::decode(m)));
        match opened {
            Some((model, Ok(d))) => {
                if keep::same_model(&d, &current) {
                    return;
                }
                self.keeper.update(|k| {
                    k.open(
                        &mut web::Local,
                        &mut web::Session,
                        &current,
                        &d,
                        Some(model),
                    )
                });
                self.own_dismissed.set(false);
                self.banner.set(None);
                self.engine_changed
                    .set((d.engine != document::ENGINE_NUMBERS).then_some(d.engine));
                let mut d = d;
                d.engine = document::ENGINE_NUMBERS;
                self.shared.set(Some(d.clone()));
                state.replace_doc(d);
            }
            // A fragment that looks like a link but does not open: say so
            // and keep the model (the address follows it again).
            Some((model, Err(e))) if looks_like_link(model) => {
                self.banner.set(Some(Banner::Link(e)));
                self.put_address_back(state);
            }
            // Anything else (an old in-page anchor, an empty fragment): the
            // address holds the model again.
            _ => self.put_address_back(state),
        }
    }

    fn put_address_back(self, state: AppState) {
        let doc = state.doc_now();
        let model = address::encode_stored(&doc);
        self.write_address(address::fragment(&model, state.lang.get_untracked()), doc);
    }

    /// Before a reload the page asks for (the crash banner's): the current
    /// model goes into the address and storage now, so the reload opens it
    /// even when its run never finished (the address otherwise follows
    /// finished runs only).
    pub async fn keep_for_reload(self, state: AppState) {
        let doc = state.doc_now();
        let lang = state.lang.get_untracked();
        let frag = match crate::ui::later::address_fragment(doc.clone(), lang).await {
            Ok(f) => f,
            Err(_) => address::fragment(&address::encode_stored(&doc), lang),
        };
        web::replace_fragment(&frag);
        if let Some(model) = address::parse_fragment(&frag).model {
            self.keeper
                .update_untracked(|k| k.wrote_address(&mut web::Session, &model, &doc));
        }
        self.save_now(state);
    }

    /// Opens a document from a file's text: the same decoder and errors as a
    /// link; nothing changes when it fails. The model it replaces stays
    /// restorable.
    pub fn open_text(self, state: AppState, text: &str) {
        match document::decode(text) {
            Ok(mut d) => {
                d.engine = document::ENGINE_NUMBERS;
                let current = state.doc_now();
                self.keeper
                    .update(|k| k.open(&mut web::Local, &mut web::Session, &current, &d, None));
                self.own_dismissed.set(false);
                self.banner.set(None);
                state.replace_doc(d);
            }
            Err(e) => self.banner.set(Some(Banner::File(SourceError::File(e)))),
        }
    }

    /// `restore-previous`: the user's own model back on screen (one undo
    /// step).
    fn restore_own(self, state: AppState) {
        let mut own = None;
        let current = state.doc_now();
        self.keeper
            .update(|k| own = k.restore_own(&mut web::Local, &mut web::Session, &current));
        if let Some(own) = own {
            state.replace_doc(own);
        }
    }
}

/// A fragment written as a link (`<packing digits>.…`), not an in-page
/// anchor.
fn looks_like_link(model: &str) -> bool {
    model
        .split_once('.')
        .is_some_and(|(p, _)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn lang_of(i18n: I18nContext<Locale>) -> Lang {
    if i18n.get_locale() == Locale::zh {
        Lang::Zh
    } else {
        Lang::En
    }
}

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

/// The header's tools: undo, redo, back to the shared version, copy the
/// link, the QR slide, and whether the model is saved.
#[component]
pub fn ShareTools() -> impl IntoView {
    let state = use_state();
    let share = use_share();
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

fn saving_text(i18n: I18nContext<Locale>, s: Saving) -> String {
    match s {
        Saving::Idle => String::new(),
        Saving::Saved => t_string!(i18n, saved).to_string(),
        Saving::Failed => t_string!(i18n, save_failed).to_string(),
        Saving::Unreadable => t_string!(i18n, storage_unreadable).to_string(),
        Saving::Unavailable => t_string!(i18n, storage_unavailable).to_string(),
    }
}

/// Banners and notices above the page: a link or file that did not open,
/// the planner's previous model, another tab's change.
#[component]
pub fn ShareNotices() -> impl IntoView {
    let state = use_state();
    let share = use_share();
    let i18n = use_i18n();
    view! {
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

impl Share {
    /// `unreadable-drop`: the kept text goes; text still waiting in the
    /// autosave (saving held) takes its place, and saving goes on.
    fn drop_unreadable(self, state: AppState) {
        let held = self.unreadable.get_untracked() == Some(Unreadable::Held);
        let next = keep::drop_unreadable(&mut web::Local, held);
        self.unreadable.set(next);
        let still_held = next == Some(Unreadable::Held);
        self.keeper.update(|k| k.unreadable_held = still_held);
        if held && !still_held {
            self.save_now(state);
        }
    }
}

/// Beside the results: a kept link whose engine numbers are not this build's.
#[component]
pub fn EngineNotice() -> impl IntoView {
    let share = use_share();
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

/// The QR code of `link` (or `qr-too-long`), sized by CSS.
#[component]
fn QrCode(#[prop(into)] link: Signal<String>, testid: &'static str) -> impl IntoView {
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
        let shown = if lite.get() {
            lite_link()
        } else {
            href.clone()
        };
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
                        <Show when=move || lite.get()>
                            <p class="fine">{tr(i18n, |i| t_string!(i, qr_lite_note))}</p>
                        </Show>
                    </div>
                }
                .into_any()
            }
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
    let share = use_share();
    view! {
        <Show when=move || {
            share.slide.get()
        }>{crate::ui::later::retrying(crate::ui::later::qr_slide)}</Show>
    }
}

/// The slide's contents (fetched when it is first opened).
pub fn qr_slide_body() -> AnyView {
    let share = use_share();
    let i18n = use_i18n();
    view! {
        <div class="qr-slide" data-testid="qr-slide" role="dialog" aria-modal="true">
            <QrCode link=share.link testid="qr-code-slide" />
            <button class="btn" data-testid="qr-close" on:click=move |_| share.slide.set(false)>
                {tr(i18n, |i| t_string!(i, qr_close))}
            </button>
        </div>
    }
    .into_any()
}

/// The share card: the QR code, the link's length, and the files.
#[component]
pub fn ShareCard() -> impl IntoView {
    let state = use_state();
    let share = use_share();
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
            s.map(|s| sh::csv::comparison_csv(&s.doc, &s.out.results, lang, &baseline))
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
        let legend: Vec<(String, &'static str)> = state.with_shown(|s| {
            s.map(|s| {
                (0..s.out.results.scenarios.len())
                    .map(|k| {
                        (
                            crate::names::scenario_name(i18n, &s.doc, k, lang),
                            crate::ui::scenarios::colour(k),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
        });
        let legend = if chart == "revenue" || chart == "uplift" {
            legend
        } else {
            vec![]
        };
        let title = crate::share::chart_export::heading_of(svg_testid).unwrap_or_default();
        if let Some(svg) = crate::share::chart_export::standalone_svg(svg_testid, &title, &legend) {
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
