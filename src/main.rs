fn main() {
    // The same module runs the page and its simulation workers
    // (assets/worker.js): inside a worker there is no window.
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        if js_sys::global().dyn_into::<web_sys::Window>().is_err() {
            std::panic::set_hook(Box::new(console_error_panic_hook::hook));
            funnelcast::runner::in_worker::start();
            return;
        }
    }
    funnelcast::install_panic_hook();
    leptos::mount::mount_to_body(funnelcast::App);
}
