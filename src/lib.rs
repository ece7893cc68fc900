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
pub mod names;
pub mod numtext;
pub mod presets;
pub mod runner;
pub mod share;
pub mod ui;

pub use ui::app::App;

/// Shows a panic on the page (the `error-banner`), besides the console, so a
/// user sees that something broke. The page stops responding after a panic;
/// the model is autosaved in local storage as it is edited (and is in the
/// address), so the banner offers a reload (`error-reload`) that restores it.
/// When storage could not be written, the `autosave-notice` already says so.
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
            // The autosave runs as the user edits; if storage refused it,
            // only the address holds the model, and the banner says so.
            let saved = !share::SAVE_REFUSED.load(std::sync::atomic::Ordering::Relaxed);
            let text = if saved {
                "Something went wrong and the page stopped. Your model is saved in this \
                 browser: reload to go on. 出现错误，页面已停止。您的模型已保存在此浏览器中，\
                 重新加载即可继续。"
            } else {
                "Something went wrong and the page stopped. This browser refused to save \
                 the model: copy the address first, it holds the model, then reload. \
                 出现错误，页面已停止。此浏览器拒绝保存模型：请先复制地址（其中包含模型），再重新加载。"
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
