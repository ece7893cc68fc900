//! Sharing on the page: the start-up choice of document, the address and the
//! autosave kept current, undo/redo, copy-link, the QR code and its slide,
//! files (JSON, CSV, chart downloads), and the banners and notices that say
//! what happened. The logic is in `crate::share`; this is its wiring.

use std::collections::VecDeque;

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::document::{self, DecodeError, Document};
use crate::format::Lang;
use crate::i18n::*;
use crate::share::address::{self, AddressError};
use crate::share::{self as sh, qr, web, Boot, SourceError, Sources};
use crate::ui::state::{use_state, AppState, SimStatus};
use crate::ui::words::tr;

/// Reads the address and the autosave and picks the document to start with
/// (address, then storage, then `default`), and the language (the link's,
/// then `saved`, then `browser`).
pub fn boot_page(
    saved: Option<Lang>,
    browser: Lang,
    default: impl FnOnce(Lang) -> Document,
) -> (Boot, Lang) {
    let frag = address::parse_fragment(&web::hash());
    let lang = sh::boot_lang(frag.lang, saved, browser);
    let stored = match web::load(sh::DOC_KEY) {
        Ok(Some(text)) => Some(sh::read_stored(&text)),
        Ok(None) => None,
        Err(web::StorageRefused) => Some(Err(SourceError::StorageUnavailable)),
    };
    let sources = Sources {
        address: frag.model.as_deref().map(address::decode),
        stored,
    };
    (sh::boot(sources, || default(lang)), lang)
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
    /// Storage held garbage at start; the default was used.
    Unreadable,
    Unavailable,
}

#[derive(Clone, Copy)]
pub struct Share {
    banner: RwSignal<Option<Banner>>,
    saving: RwSignal<Saving>,
    previous: RwSignal<Option<Document>>,
    /// The document the link opened, for "back to the shared version".
    shared: RwSignal<Option<Document>>,
    engine_changed: RwSignal<Option<u32>>,
    /// Another tab's saved text, while this tab holds off saving.
    other_tab: RwSignal<Option<String>>,
    /// The address as last written (what copy-link and the QR code give).
    link: RwSignal<String>,
    copied: RwSignal<Option<bool>>,
    slide: RwSignal<bool>,
    /// A bad link stays in the address bar until the first edit, so it can
    /// be copied into a bug report.
    hold_address: RwSignal<bool>,
    last_saved: StoredValue<String>,
    writes: StoredValue<VecDeque<f64>>,
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
    pub fn provide(boot: &Boot, state: AppState) -> Share {
        if boot.storage_error == Some(SourceError::StorageUnavailable) {
            sh::SAVE_REFUSED.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        let saving = match &boot.storage_error {
            Some(SourceError::StorageUnavailable) => Saving::Unavailable,
            Some(_) => Saving::Unreadable,
            None => Saving::Idle,
        };
        let share = Share {
            banner: RwSignal::new(boot.link_error.clone().map(Banner::Link)),
            saving: RwSignal::new(saving),
            previous: RwSignal::new(boot.previous.clone()),
            shared: RwSignal::new(boot.from_link.then(|| boot.doc.clone())),
            engine_changed: RwSignal::new(boot.engine_changed),
            other_tab: RwSignal::new(None),
            link: RwSignal::new(String::new()),
            copied: RwSignal::new(None),
            slide: RwSignal::new(false),
            hold_address: RwSignal::new(boot.link_error.is_some()),
            last_saved: StoredValue::new(String::new()),
            writes: StoredValue::new(VecDeque::new()),
            compressor_in: StoredValue::new(false),
        };
        provide_context(share);
        // The planner's own model is kept aside under its own key before a
        // link's model can ever be autosaved over it.
        if let Some(p) = &boot.previous {
            let _ = web::save(sh::PREVIOUS_KEY, &document::encode(p));
        }
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
            // Opened from a link and not edited yet: the address already
            // holds this model.
            let current = address::parse_fragment(&web::hash());
            let kept = gen == 0 && current.model.is_some() && current.lang == Some(lang);
            if !self.compressor_in.get_value() && !kept {
                // Until the compressor arrives the address holds the document
                // in stored deflate blocks (longer, read the same way), so it
                // is current as soon as the results are (test contract).
                let model = address::encode_stored(&doc);
                self.write_address(address::fragment(&model, lang));
            }
            leptos::task::spawn_local(async move {
                let frag =
                    crate::ui::later::part(crate::ui::later::address_fragment(doc, lang)).await;
                self.compressor_in.set_value(true);
                // A newer edit or language writes its own.
                if state.generation_untracked() == gen && state.lang.get_untracked() == lang {
                    self.write_address(frag);
                }
            });
        });
    }

    fn write_address(self, frag: String) {
        if web::hash() == frag {
            self.link.set(web::href());
            return;
        }
        let now = js_sys::Date::now();
        let full = self
            .writes
            .with_value(|w| w.iter().filter(|t| now - **t < WRITE_WINDOW_MS).count() >= MAX_WRITES);
        if full {
            // Over the browsers' budget: try again when it has room.
            set_timeout(
                move || self.write_address(frag),
                std::time::Duration::from_secs(2),
            );
            return;
        }
        self.writes.update_value(|w| {
            w.retain(|t| now - *t < WRITE_WINDOW_MS);
            w.push_back(now);
        });
        web::replace_fragment(&frag);
        self.link.set(web::href());
    }

    /// Saves the document as it is edited (never on the first run: opening a
    /// page writes nothing), unless another tab's model is waiting.
    fn autosave(self, state: AppState) {
        Effect::new(move |first: Option<()>| {
            let gen = state.generation();
            if first.is_none() {
                return;
            }
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
        // reload, say) still finds the last edit saved.
        let flush = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            if state.generation_untracked() > 0 {
                let text = document::encode(&state.doc_now());
                if self.last_saved.with_value(|l| *l != text) {
                    self.save_now(state);
                }
            }
        });
        if let Some(w) = web_sys::window() {
            use wasm_bindgen::JsCast;
            let _ = w.add_event_listener_with_callback("pagehide", flush.as_ref().unchecked_ref());
        }
        flush.forget();
    }

    fn save_now(self, state: AppState) {
        if self.other_tab.get_untracked().is_some() {
            return;
        }
        let text = document::encode(&state.doc_now());
        let ok = web::save(sh::DOC_KEY, &text).is_ok();
        sh::SAVE_REFUSED.store(!ok, std::sync::atomic::Ordering::Relaxed);
        if ok {
            self.last_saved.set_value(text);
        }
        self.saving
            .set(if ok { Saving::Saved } else { Saving::Failed });
    }

    /// Keys (undo, redo, Esc) and other tabs' saves.
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
            if ev.key().as_deref() != Some(sh::DOC_KEY) {
                return;
            }
            let Some(text) = ev.new_value() else { return };
            if self.last_saved.with_value(|l| *l == text) {
                return;
            }
            let same = sh::read_stored(&text).is_ok_and(|d| d == state.doc_now());
            if !same {
                self.other_tab.set(Some(text));
            }
        });
        on_cleanup(move || {
            keys.remove();
            storage.remove();
        });
    }

    /// Opens a document from a file's text: the same decoder and errors as a
    /// link; nothing changes when it fails.
    /// Before a reload the page asks for (the crash banner's): the current
    /// model goes into the address and storage now, so the reload opens it
    /// even when its run never finished (the address otherwise follows
    /// finished runs only).
    pub async fn keep_for_reload(self, state: AppState) {
        let doc = state.doc_now();
        let frag = crate::ui::later::address_fragment(doc, state.lang.get_untracked()).await;
        web::replace_fragment(&frag);
        if state.generation_untracked() > 0 && self.other_tab.get_untracked().is_none() {
            self.save_now(state);
        }
    }

    pub fn open_text(self, state: AppState, text: &str) {
        match document::decode(text) {
            Ok(mut d) => {
                d.engine = document::ENGINE_NUMBERS;
                self.banner.set(None);
                state.replace_doc(d);
            }
            Err(e) => self.banner.set(Some(Banner::File(SourceError::File(e)))),
        }
    }
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
        <Show when=move || share.previous.with(Option::is_some)>
            <div class="notice" data-testid="previous-notice" role="status">
                <span>{tr(i18n, |i| t_string!(i, restore_previous_note))}</span>
                <button
                    class="btn"
                    data-testid="restore-previous"
                    on:click=move |_| {
                        if let Some(p) = share.previous.get_untracked() {
                            share.previous.set(None);
                            state.replace_doc(p);
                        }
                    }
                >
                    {tr(i18n, |i| t_string!(i, restore_previous))}
                </button>
                <button
                    class="btn"
                    data-testid="previous-dismiss"
                    on:click=move |_| share.previous.set(None)
                >
                    {tr(i18n, |i| t_string!(i, dismiss))}
                </button>
            </div>
        </Show>
        <Show when=move || share.other_tab.with(Option::is_some)>
            <div class="notice warn" data-testid="other-tab" role="alert">
                <span>{tr(i18n, |i| t_string!(i, other_tab))}</span>
                <button
                    class="btn"
                    data-testid="other-tab-load"
                    on:click=move |_| {
                        if let Some(text) = share.other_tab.get_untracked() {
                            share.other_tab.set(None);
                            share.last_saved.set_value(text.clone());
                            share.open_text(state, &text);
                        }
                    }
                >
                    {tr(i18n, |i| t_string!(i, other_tab_load))}
                </button>
                <button
                    class="btn"
                    data-testid="other-tab-keep"
                    on:click=move |_| {
                        share.other_tab.set(None);
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
        }>{move || Suspend::new(crate::ui::later::qr_slide())}</Show>
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
                            crate::ui::results::scenario_name(i18n, &s.doc, k, lang),
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
