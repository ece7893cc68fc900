//! The browser's side of sharing: the address bar, local storage, the
//! clipboard and files. Thin wrappers that never panic: a browser that
//! refuses (storage disabled, quota full, clipboard blocked) gives an error
//! the page turns into a message.

use wasm_bindgen::{JsCast, JsValue};

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The current fragment, `#` included (empty without one).
pub fn hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The whole address, fragment included.
pub fn href() -> String {
    window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// Sets the fragment without a history entry or a `hashchange` event.
pub fn replace_fragment(fragment: &str) -> bool {
    let Some(w) = window() else { return false };
    let Ok(h) = w.history() else { return false };
    // An empty fragment would keep the old one: replace the whole address
    // (path and query kept) to drop it.
    let url = if fragment.is_empty() {
        let loc = w.location();
        format!(
            "{}{}",
            loc.pathname().unwrap_or_default(),
            loc.search().unwrap_or_default()
        )
    } else {
        fragment.to_string()
    };
    h.replace_state_with_url(&JsValue::NULL, "", Some(&url))
        .is_ok()
}

/// Storage refused: disabled, blocked, or (on a write) full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StorageRefused;

fn storage() -> Result<web_sys::Storage, StorageRefused> {
    window()
        .ok_or(StorageRefused)?
        .local_storage()
        .map_err(|_| StorageRefused)?
        .ok_or(StorageRefused)
}

/// Reads a key: `Err` when storage cannot be used at all.
pub fn load(key: &str) -> Result<Option<String>, StorageRefused> {
    storage()?.get_item(key).map_err(|_| StorageRefused)
}

/// Writes a key: `Err` when storage is disabled or full.
pub fn save(key: &str, text: &str) -> Result<(), StorageRefused> {
    storage()?.set_item(key, text).map_err(|_| StorageRefused)
}

pub fn remove(key: &str) {
    if let Ok(s) = storage() {
        let _ = s.remove_item(key);
    }
}

fn session_storage() -> Result<web_sys::Storage, StorageRefused> {
    window()
        .ok_or(StorageRefused)?
        .session_storage()
        .map_err(|_| StorageRefused)?
        .ok_or(StorageRefused)
}

/// Local storage as the keeping rules see it (`share::keep`).
pub struct Local;
/// This tab's session storage (kept across its reloads).
pub struct Session;

fn get_in(
    s: Result<web_sys::Storage, StorageRefused>,
    key: &str,
) -> Result<Option<String>, StorageRefused> {
    s?.get_item(key).map_err(|_| StorageRefused)
}

fn set_in(
    s: Result<web_sys::Storage, StorageRefused>,
    key: &str,
    value: &str,
) -> Result<(), StorageRefused> {
    s?.set_item(key, value).map_err(|_| StorageRefused)
}

impl super::keep::Store for Local {
    fn get(&self, key: &str) -> Result<Option<String>, StorageRefused> {
        get_in(storage(), key)
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), StorageRefused> {
        set_in(storage(), key, value)
    }
    fn remove(&mut self, key: &str) {
        remove(key);
    }
}

impl super::keep::Store for Session {
    fn get(&self, key: &str) -> Result<Option<String>, StorageRefused> {
        get_in(session_storage(), key)
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), StorageRefused> {
        set_in(session_storage(), key, value)
    }
    fn remove(&mut self, key: &str) {
        if let Ok(s) = session_storage() {
            let _ = s.remove_item(key);
        }
    }
}

/// Copies text: the async clipboard API where allowed, else a hidden text
/// area and `execCommand("copy")` (older browsers, plain HTTP pages).
pub async fn copy_text(text: &str) -> bool {
    if let Some(w) = window() {
        let clip = w.navigator().clipboard();
        let has_api =
            js_sys::Reflect::has(&w.navigator(), &JsValue::from_str("clipboard")).unwrap_or(false);
        if has_api
            && wasm_bindgen_futures::JsFuture::from(clip.write_text(text))
                .await
                .is_ok()
        {
            return true;
        }
    }
    copy_fallback(text)
}

/// A new element of the page's document, as its web-sys type `T`.
fn create<T: JsCast>(tag: &str) -> Option<(web_sys::Document, T)> {
    let doc = window()?.document()?;
    let el = doc.create_element(tag).ok()?.dyn_into::<T>().ok()?;
    Some((doc, el))
}

/// Reloads the page (the crash banner's and a missing part's "reload"; the
/// tab's state is kept by the page-hide save).
pub fn reload() {
    if let Some(w) = window() {
        let _ = w.location().reload();
    }
}

fn copy_fallback(text: &str) -> bool {
    let Some((doc, ta)) = create::<web_sys::HtmlTextAreaElement>("textarea") else {
        return false;
    };
    ta.set_value(text);
    let _ = ta.set_attribute("readonly", "");
    let _ = ta.set_attribute("style", "position:fixed;top:-1000px");
    let Some(body) = doc.body() else { return false };
    let _ = body.append_child(&ta);
    ta.select();
    let ok = doc
        .dyn_ref::<web_sys::HtmlDocument>()
        .and_then(|d| d.exec_command("copy").ok())
        .unwrap_or(false);
    ta.remove();
    ok
}

/// Offers `bytes` as a download named `name`.
pub fn download(name: &str, mime: &str, parts: &[&[u8]]) -> bool {
    let arr = js_sys::Array::new();
    for p in parts {
        arr.push(&js_sys::Uint8Array::from(*p));
    }
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&arr, &bag) else {
        return false;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let ok = click_link(name, &url);
    // The click has started the download; the URL can go a moment later.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    ok
}

/// Offers a `data:` or `blob:` URL as a download named `name`.
pub fn click_link(name: &str, url: &str) -> bool {
    let Some((_, a)) = create::<web_sys::HtmlAnchorElement>("a") else {
        return false;
    };
    a.set_href(url);
    a.set_download(name);
    a.click();
    true
}

/// The text of the first file of an `<input type=file>`. A file over `max`
/// bytes is refused before it is read. Its bytes are read as they are and
/// made text by `document::text_from_bytes`, as a link's are: the browser's
/// `text()` would put U+FFFD in place of bytes that are not UTF-8 and open
/// what a link with the same bytes refuses.
pub async fn read_file(
    input: &web_sys::HtmlInputElement,
    max: usize,
) -> Result<String, super::SourceError> {
    use super::SourceError;
    use crate::document::DecodeError;
    let unreadable = || SourceError::File(DecodeError::Malformed("unreadable".into()));
    let file = input
        .files()
        .and_then(|f| f.get(0))
        .ok_or_else(unreadable)?;
    if file.size() > max as f64 {
        return Err(SourceError::File(DecodeError::TooLong {
            bytes: file.size() as usize,
        }));
    }
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| unreadable())?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    crate::document::text_from_bytes(bytes).map_err(SourceError::File)
}
