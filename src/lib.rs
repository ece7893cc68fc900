//! Funnelcast, the page: a Leptos (CSR) app over the `funnelcast-engine` crate.
//! `main.rs` only mounts [`App`]; everything lives here so tests can mount it.

// leptos_i18n's generated `i18n` module (build.rs) reads its locale ids with
// `str::parse` ("en".parse() into a locale id, never a float): clippy.toml's
// rule is about the page's own code, so it is allowed here alone.
#[allow(clippy::disallowed_methods)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
}
pub use generated::i18n;

pub mod chart;
pub mod document;
pub mod fields;
pub mod format;
pub mod history;
pub mod names;
pub mod numtext;
pub mod periods;
pub mod presets;
pub mod runner;
pub mod share;
pub mod ui;

pub use ui::app::App;

/// Shows a panic on the page (the `error-banner`), besides the console, so a
/// user sees that something broke. The page stops responding after a panic;
/// the model is autosaved in local storage as it is edited (and is in the
/// address), so the banner offers a reload (`error-reload`) that restores it,
/// and says whether the last change is saved (`share::save_state`).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_crash_banner(&info.to_string());
    }));
}

/// The crash banner (`error-banner` with `error-reload`), built with the
/// browser's DOM alone: after a panic the app's own state cannot be trusted.
/// `what` is shown as text, never markup (it may quote user input).
pub fn show_crash_banner(what: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let (Ok(div), Some(body)) = (doc.create_element("div"), doc.body()) {
            let _ = div.set_attribute("data-testid", "error-banner");
            let _ = div.set_attribute("class", "error-banner");
            let _ = div.set_attribute("role", "alert");
            // The banner says only what is true of the model: unchanged
            // since it opened, saved, or held only by the address.
            let text = match share::save_state() {
                share::SaveState::Unchanged => {
                    "Something went wrong and the page stopped. Nothing was changed since \
                     the model opened: reload to go on. 出现错误，页面已停止。模型打开后未作更改：\
                     重新加载即可继续。"
                }
                share::SaveState::Saved => {
                    "Something went wrong and the page stopped. Your model is saved in this \
                     browser: reload to go on. 出现错误，页面已停止。您的模型已保存在此浏览器中，\
                     重新加载即可继续。"
                }
                share::SaveState::Unsaved => {
                    "Something went wrong and the page stopped. The last change is not saved \
                     in this browser: copy the address first, it holds the model as of the \
                     last results, then reload. 出现错误，页面已停止。最后的更改未保存在此浏览器中：\
                     请先复制地址（其中包含最近一次结果时的模型），再重新加载。"
                }
            };
            div.set_text_content(Some(&format!("{text} ({what})")));
            if let Ok(button) = doc.create_element("button") {
                let _ = button.set_attribute("data-testid", "error-reload");
                let _ = button.set_attribute("class", "btn");
                // A listener, not an `onclick` attribute: the page's
                // Content-Security-Policy allows no inline script.
                let reload = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(|| {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().reload();
                    }
                });
                use wasm_bindgen::JsCast;
                let _ = button
                    .add_event_listener_with_callback("click", reload.as_ref().unchecked_ref());
                reload.forget();
                button.set_text_content(Some("Reload · 重新加载"));
                let _ = div.append_child(&button);
            }
            let _ = body.prepend_with_node_1(&div);
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = what;
}
