//! Sharing on the page, wired to the logic of `crate::share`: the
//! start-up choice of document, the `Sharing` context and its signals. Its
//! parts, one concept a file: `address_bar` (the address kept current, links
//! opened while the page is open), `storage` (the autosave, other tabs, the
//! own model and unreadable saves: `share::keep`'s rules), `notices` (what
//! the page says about the model's sources), `tools` (the header's undo,
//! redo, copy-link and QR buttons) and `card` (the QR code, its slide, the
//! files and the chart downloads). The browser events come through the
//! hooks of `ui::hooks`; undo and redo keys are there too.

mod address_bar;
mod card;
mod notices;
mod storage;
mod tools;

pub(crate) use card::{host_and_path, QrCode};
pub use card::{qr_slide_body, ChartExport, QrSlide, ShareCard};
pub use notices::{EngineNotice, ShareNotices};
pub use tools::ShareTools;

use std::collections::VecDeque;

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::document::Document;
use crate::format::Lang;
use crate::i18n::*;
use crate::share::address::{self, AddressError};
use crate::share::keep::{self, Keeper, Start, Unreadable};
use crate::share::{self as sh, web, SourceError};
use crate::ui::state::AppState;

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
pub struct Sharing {
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
    pub(crate) link: RwSignal<String>,
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
    /// A first visit (nothing to open): the guided tour offers itself.
    pub(crate) fresh: bool,
    /// The tour's step while it is open (ui/tour.rs); the help button
    /// opens it again.
    pub(crate) tour: RwSignal<Option<usize>>,
}

pub fn use_sharing() -> Sharing {
    expect_context::<Sharing>()
}

impl Sharing {
    /// Sets up sharing for the page's state, from what [`boot_page`] found.
    pub fn provide(start: &Start, state: AppState) -> Sharing {
        let saving = match &start.storage_error {
            Some(SourceError::StorageUnavailable) => Saving::Unavailable,
            Some(_) => Saving::Unreadable,
            None => Saving::Idle,
        };
        let share = Sharing {
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
            fresh: start.fresh,
            tour: RwSignal::new(None),
        };
        provide_context(share);
        share.keep_address(state);
        share.listen_address(state);
        share.autosave(state);
        share.listen_storage(state);
        share.listen_escape();
        share
    }

    /// Esc closes the QR slide.
    fn listen_escape(self) {
        let keys = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.key() == "Escape" && self.slide.get_untracked() {
                self.slide.set(false);
            }
        });
        on_cleanup(move || keys.remove());
    }
}

fn lang_of(i18n: I18nContext<Locale>) -> Lang {
    if i18n.get_locale() == Locale::zh {
        Lang::Zh
    } else {
        Lang::En
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
