//! The address follows the model: written once results are shown, within
//! the browsers' budget of `replaceState` calls (only the newest waits), and
//! a link pasted into the address bar or reached by back/forward opens.

use leptos::prelude::*;

use super::{Banner, Sharing};
use crate::document::{self, Document};
use crate::share::address;
use crate::share::keep;
use crate::share::web;
use crate::ui::hooks::use_location_hash;
use crate::ui::state::{AppState, SimStatus};

/// Browsers throttle `replaceState` (Chromium throws after ~200 calls in 10 s,
/// Safari after 100 in 30 s): at most this many writes in [`WRITE_WINDOW_MS`].
const MAX_WRITES: usize = 80;
const WRITE_WINDOW_MS: f64 = 30_000.0;

impl Sharing {
    /// The address follows the document once its results are shown (and the
    /// language at once).
    pub(super) fn keep_address(self, state: AppState) {
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

    /// Links opened in this tab while it is open (pasted into the address
    /// bar, or back/forward).
    pub(super) fn listen_address(self, state: AppState) {
        use_location_hash(move |hash| self.open_address(state, &hash));
    }

    /// The address changed under the page (a link pasted into the address
    /// bar, back or forward): its model opens, and the one on screen stays
    /// restorable (undo, and the own model's notice).
    fn open_address(self, state: AppState, hash: &str) {
        let frag = address::parse_fragment(hash);
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
}

/// A fragment written as a link (`<packing digits>.…`), not an in-page
/// anchor.
fn looks_like_link(model: &str) -> bool {
    model
        .split_once('.')
        .is_some_and(|(p, _)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}
