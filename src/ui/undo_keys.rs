//! Undo and redo by keyboard (Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y; ⌘ on a Mac):
//! the edit history is the state's, not sharing's. A text area (pasted
//! counts) keeps its own undo.

use leptos::prelude::*;

use crate::ui::state::AppState;

/// Listens for the undo and redo keys for as long as the calling owner lives.
pub fn use_undo_keys(state: AppState) {
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if !(ev.ctrl_key() || ev.meta_key()) {
            return;
        }
        let in_text_area = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlTextAreaElement>(t).ok())
            .is_some();
        if in_text_area {
            return;
        }
        let done = match ev.key().as_str() {
            "z" | "Z" if ev.shift_key() => state.redo(),
            "z" | "Z" => state.undo(),
            "y" | "Y" => state.redo(),
            _ => return,
        };
        if done {
            ev.prevent_default();
        }
    });
    on_cleanup(move || keys.remove());
}
