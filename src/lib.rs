//! Funnelcast, the page: a Leptos (CSR) app over the `funnelcast-engine` crate.
//! `main.rs` only mounts [`App`]; everything lives here so tests can mount it.

#![allow(clippy::too_many_arguments)]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod chart;
pub mod document;
pub mod fields;
pub mod format;
pub mod names;
pub mod presets;
pub mod runner;
pub mod ui;

pub use ui::app::App;

/// Shows a panic on the page (the `error-banner`), besides the console, so a
/// user sees that something broke. The page stops responding after a panic
/// but keeps showing the inputs, so the banner says so rather than inviting a
/// reload that would reset them (there is no autosave yet).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        #[cfg(target_arch = "wasm32")]
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let (Ok(div), Some(body)) = (doc.create_element("div"), doc.body()) {
                let _ = div.set_attribute("data-testid", "error-banner");
                let _ = div.set_attribute("class", "error-banner");
                let _ = div.set_attribute("role", "alert");
                // Text, never markup: the message may quote user input.
                div.set_text_content(Some(&format!(
                    "Something went wrong and the page stopped; your inputs are still shown. \
                     出现错误，页面已停止；您的输入仍显示在页面上。 ({info})"
                )));
                let _ = body.prepend_with_node_1(&div);
            }
        }
    }));
}
