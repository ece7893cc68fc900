fn main() {
    // The same module runs the page and its simulation workers
    // (assets/worker.js): inside a worker there is no window.
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        if js_sys::global().dyn_into::<web_sys::Window>().is_err() {
            std::panic::set_hook(Box::new(console_error_panic_hook::hook));
            // The worker's side is a part of the page of its own (the page
            // never runs it), fetched by the worker as it starts.
            wasm_bindgen_futures::spawn_local(async {
                if funnelcast::ui::later::worker_loop().await.is_err() {
                    // The part did not arrive: the worker stops, and the page
                    // finds it silent and runs without it (runner/workers.rs).
                    js_sys::global()
                        .unchecked_into::<web_sys::DedicatedWorkerGlobalScope>()
                        .close();
                }
            });
            return;
        }
    }
    funnelcast::install_panic_hook();
    leptos::mount::mount_to_body(funnelcast::App);
}
