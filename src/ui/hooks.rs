//! The page's browser glue, in the style of leptos-use: each hook listens
//! to one browser event for as long as the calling owner lives and calls
//! back with what the caller needs, as leptos-use's `use_event_listener`
//! does; the caller never adds or removes a listener itself. The components keep their rules; the hooks know only
//! the browser.
//!
//! Callbacks rather than signals: a signal and the effect that reads it cost
//! about 1 KB gzip of first load each, which the budget does not have
//! (docs/benchmarks.md); for the same reason these are hand-written rather
//! than leptos-use itself.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::share::web;
use crate::ui::state::AppState;

/// Calls `f` with the address's fragment when a link pasted into the
/// address bar or a back/forward step changes it (`hashchange`,
/// `popstate`). Writes through `history.replaceState` fire neither, so the
/// page's own writes never come back through it.
pub fn use_location_hash(f: impl Fn(String) + Clone + 'static) {
    let g = f.clone();
    let on_hash = window_event_listener(leptos::ev::hashchange, move |_| f(web::hash()));
    let on_pop = window_event_listener(leptos::ev::popstate, move |_| g(web::hash()));
    on_cleanup(move || {
        on_hash.remove();
        on_pop.remove();
    });
}

/// Calls `f` with the text another tab wrote under `key` in local storage
/// (the browser's `storage` event, never fired for this tab's own writes);
/// removals are not passed on.
pub fn use_storage_from_other_tabs(key: &'static str, f: impl Fn(String) + 'static) {
    let on_storage = window_event_listener(leptos::ev::storage, move |ev| {
        if ev.key().as_deref() == Some(key) {
            if let Some(text) = ev.new_value() {
                f(text);
            }
        }
    });
    on_cleanup(move || on_storage.remove());
}

/// Calls `f` when the page goes (closed, reloaded, navigated away or put in
/// the back/forward cache): the last moment to save, and the one the
/// browsers still fire on phones, where `unload` is not.
pub fn use_page_hide(f: impl Fn() + 'static) {
    let hide = window_event_listener(
        leptos::ev::Custom::<leptos::ev::Event>::new("pagehide"),
        move |_| f(),
    );
    on_cleanup(move || hide.remove());
}

/// Undo and redo by keyboard (Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y; ⌘ on a Mac):
/// the edit history is the state's. A text area (pasted counts) keeps its
/// own undo.
pub fn use_undo_keys(state: AppState) {
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if !(ev.ctrl_key() || ev.meta_key()) {
            return;
        }
        let in_text_area = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
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

/// Calls `left` when the page leaves full screen (`fullscreenchange`): also
/// by the browser's own Esc, which no key handler of the page sees.
pub fn use_full_screen_left(left: impl Fn() + 'static) {
    let change = window_event_listener(
        leptos::ev::Custom::<leptos::ev::Event>::new("fullscreenchange"),
        move |_| {
            if !is_full_screen() {
                left();
            }
        },
    );
    on_cleanup(move || change.remove());
}

/// Asks for full screen where the browser allows it (a click is needed,
/// and some browsers or frames refuse): a refusal is answered quietly, and
/// the caller works in the window then. Returns whether it was asked.
pub fn enter_full_screen() -> bool {
    let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return false;
    };
    call_quietly(&el, "requestFullscreen")
}

pub fn exit_full_screen() {
    if is_full_screen() {
        if let Some(d) = web_sys::window().and_then(|w| w.document()) {
            call_quietly(&d, "exitFullscreen");
        }
    }
}

fn is_full_screen() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.fullscreen_element().is_some())
}

/// Calls a method that returns a promise and swallows its rejection (a
/// refused full screen must not become an "uncaught" error in the console).
/// Through reflection: web-sys declares these methods without their promise.
fn call_quietly(target: &wasm_bindgen::JsValue, method: &str) -> bool {
    let Ok(f) = js_sys::Reflect::get(target, &method.into()) else {
        return false;
    };
    let Some(f) = f.dyn_ref::<js_sys::Function>() else {
        return false;
    };
    match f.call0(target) {
        Ok(ret) => {
            if let Some(promise) = ret.dyn_ref::<js_sys::Promise>() {
                let ignore =
                    wasm_bindgen::closure::Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(|_| {});
                let _ = promise.catch(&ignore);
                // Called at most once, by the browser; a few bytes per request.
                ignore.forget();
            }
            true
        }
        Err(_) => false,
    }
}

/// Moves keyboard focus to the element with this `data-testid` (the test
/// contract's ids name the page's controls), if it is there.
pub fn focus_testid(id: &str) {
    let el = web_sys::window().and_then(|w| w.document()).and_then(|d| {
        d.query_selector(&format!("[data-testid=\"{id}\"]"))
            .ok()
            .flatten()
    });
    if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// Scrolls the results' heading into view (the phone's results bar, and a
/// link opened on a phone). A scroll in code, never a `#res-h` fragment:
/// that would be written over the model in the address.
pub fn scroll_to_results() {
    #[cfg(target_arch = "wasm32")]
    if let Some(h) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("res-h"))
    {
        h.scroll_into_view();
    }
}
