//! Offline: registers the service worker (`sw.js`, beside index.html) that
//! keeps the app shell, so after one visit the page opens and runs with the
//! network off — venue Wi-Fi is often bad. When a newer build is out, its
//! worker waits; the page offers "a new version is available" and switches
//! only when the user asks (a reload), never under a user's feet.
//!
//! Release builds only: a developer's `trunk serve` stays uncached.

use leptos::prelude::*;

use crate::i18n::*;
use crate::ui::words::tr;

/// Set once a new version's worker is installed and waiting.
#[derive(Clone, Copy)]
struct UpdateReady(RwSignal<bool>);

/// The "new version" offer (fixed at the foot of the screen), and the
/// worker's registration behind it.
#[component]
pub fn UpdateOffer() -> impl IntoView {
    let i18n = use_i18n();
    let state = crate::ui::state::use_state();
    let ready = UpdateReady(RwSignal::new(false));
    if !cfg!(debug_assertions) {
        // After the first results and the parts that follow them
        // (ui/later.rs): the worker then fetches the whole build once more
        // to keep it, and must not compete with either.
        let asked = StoredValue::new(false);
        Effect::new(move |_| {
            if state.with_shown(|s| s.is_some())
                && crate::ui::later::parts_settled()
                && !asked.get_value()
            {
                asked.set_value(true);
                register(ready);
            }
        });
    }
    view! {
        <Show when=move || ready.0.get()>
            <div class="update-offer" role="status" data-testid="update-ready">
                <span>{tr(i18n, |i| t_string!(i, update_ready))}</span>
                <button class="btn small" data-testid="update-reload" on:click=move |_| take_over()>
                    {tr(i18n, |i| t_string!(i, update_reload))}
                </button>
            </div>
        </Show>
    }
}

#[cfg(target_arch = "wasm32")]
fn container() -> Option<web_sys::ServiceWorkerContainer> {
    let nav = web_sys::window()?.navigator();
    // Absent on plain http:// (other than localhost) and in some private modes.
    let has = js_sys::Reflect::has(&nav, &"serviceWorker".into()).unwrap_or(false);
    has.then(|| nav.service_worker())
}

#[cfg(target_arch = "wasm32")]
fn register(ready: UpdateReady) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{ServiceWorkerRegistration, ServiceWorkerState};

    let Some(sw) = container() else { return };
    // Relative: the worker's scope is the folder the page is served from.
    let promise = sw.register("./sw.js");
    leptos::task::spawn_local(async move {
        let Ok(reg) = wasm_bindgen_futures::JsFuture::from(promise).await else {
            return; // no worker: the page works as before, online
        };
        let reg: ServiceWorkerRegistration = reg.unchecked_into();
        // This page runs the controlling worker's build: it may drop older
        // builds' caches once no page uses them (sw.js).
        if let Some(c) = container().and_then(|c| c.controller()) {
            let _ = c.post_message(&"funnelcast:hello".into());
        }
        // Another tab took the update: this one still runs the old build
        // (its parts stay cached), and offers the new one.
        if let Some(c) = container() {
            let on_change = Closure::<dyn FnMut()>::new(move || ready.0.set(true));
            c.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
            on_change.forget();
        }
        // A first visit installs with nothing to replace: nothing to offer.
        let offer = move || {
            if container().is_some_and(|c| c.controller().is_some()) {
                ready.0.set(true);
            }
        };
        // A worker being installed is watched until it waits.
        let watch = move |w: web_sys::ServiceWorker| {
            let w2 = w.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                if w2.state() == ServiceWorkerState::Installed {
                    offer();
                }
            });
            w.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        };
        if reg.waiting().is_some() {
            offer();
        }
        // The browser may have found the new version before this ran.
        if let Some(w) = reg.installing() {
            watch(w);
        }
        let reg2 = reg.clone();
        let on_found = Closure::<dyn FnMut()>::new(move || {
            if let Some(w) = reg2.installing() {
                watch(w);
            }
        });
        reg.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
        // Lives as long as the page.
        on_found.forget();
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn register(ready: UpdateReady) {
    let _ = ready;
}

/// Asks the waiting worker to take over, and reloads once it has.
#[cfg(target_arch = "wasm32")]
fn take_over() {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let reload = crate::share::web::reload;
    let Some(sw) = container() else {
        return reload();
    };
    leptos::task::spawn_local(async move {
        let reg = wasm_bindgen_futures::JsFuture::from(sw.get_registration())
            .await
            .ok()
            .and_then(|r| r.dyn_into::<web_sys::ServiceWorkerRegistration>().ok());
        let Some(waiting) = reg.and_then(|r| r.waiting()) else {
            return reload();
        };
        let on_change = Closure::once_into_js(reload);
        sw.set_oncontrollerchange(Some(on_change.unchecked_ref()));
        let _ = waiting.post_message(&"funnelcast:take-over".into());
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn take_over() {}
