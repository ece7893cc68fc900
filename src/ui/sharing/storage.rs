//! The autosave and what else the browser keeps (`share::keep`'s rules):
//! saving as the user edits and when the page goes, other tabs' saves, a
//! file opened, the own model restored, unreadable saves dropped.

use leptos::prelude::*;

use super::{Banner, Saving, Sharing};
use crate::document;
use crate::share::keep::{self, Unreadable};
use crate::share::{self as sh, web, SourceError};
use crate::ui::hooks::{use_page_hide, use_storage_from_other_tabs};
use crate::ui::state::AppState;

/// The autosave waits for typing to pause.
const SAVE_DEBOUNCE_MS: u64 = 400;

impl Sharing {
    /// Saves the document as it is edited (never on the first run: opening a
    /// page writes nothing), unless another tab's model is waiting.
    pub(super) fn autosave(self, state: AppState) {
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
        use_page_hide(move || {
            let doc = state.doc_now();
            let edited = state.generation_untracked() > 0
                && self.last_saved.with_value(|l| *l != document::encode(&doc));
            if edited {
                self.keeper
                    .update_untracked(|k| k.leave(&mut web::Local, &mut web::Session, &doc));
            }
        });
    }

    pub(super) fn save_now(self, state: AppState) {
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

    /// Another tab's save: this one stops saving until the user chooses.
    pub(super) fn listen_storage(self, state: AppState) {
        use_storage_from_other_tabs(keep::DOC_KEY, move |text| {
            if self.last_saved.with_value(|l| *l == text) {
                return;
            }
            let same =
                document::decode(&text).is_ok_and(|d| keep::same_model(&d, &state.doc_now()));
            if !same {
                self.keeper.update(|k| k.other_tab = true);
            }
        });
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
    pub(super) fn restore_own(self, state: AppState) {
        let mut own = None;
        let current = state.doc_now();
        self.keeper
            .update(|k| own = k.restore_own(&mut web::Local, &mut web::Session, &current));
        if let Some(own) = own {
            state.replace_doc(own);
        }
    }
    /// `unreadable-drop`: the kept text goes; text still waiting in the
    /// autosave (saving held) takes its place, and saving goes on.
    pub(super) fn drop_unreadable(self, state: AppState) {
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
