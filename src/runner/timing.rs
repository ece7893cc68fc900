//! User Timing entries, made on the page's main thread whoever runs the job
//! (marks made inside a Web Worker are invisible to the page), so any
//! browser tool can measure a run: `funnelcast:sim:start` when a run is
//! asked for, `funnelcast:sim:end` when its results arrive, a measure
//! `funnelcast:sim` between them with `{ trials, scenarios, stages }`, then
//! `funnelcast:render` until the page has drawn them; `funnelcast:sim:dropped`
//! when a stale run is given up (docs/test-contract.md).
//!
//! Thin wrappers over `performance.mark`/`measure`; failures are ignored
//! (timing must never break the page).
use funnelcast_engine::Model;
use wasm_bindgen::{JsCast, JsValue};

/// The `detail` of the `funnelcast:sim` measure.
#[derive(serde::Serialize)]
pub struct Detail {
    trials: u32,
    scenarios: usize,
    stages: usize,
}

impl Detail {
    pub fn of(m: &Model) -> Self {
        Detail {
            trials: m.trials,
            scenarios: m.scenarios.len() + 1,
            stages: m.stages,
        }
    }
}

fn performance() -> Option<web_sys::Performance> {
    web_sys::window()?.performance()
}

/// Milliseconds from `performance.now()` (0 where there is none).
pub fn now() -> f64 {
    performance().map_or(0.0, |p| p.now())
}

pub fn mark(name: &str) {
    if let Some(p) = performance() {
        let _ = p.mark(name);
    }
}

pub fn measure(name: &str, start: &str, end: &str, detail: &Detail) {
    let Some(p) = performance() else { return };
    let opts = js_sys::Object::new();
    // A plain object, `{ trials, scenarios, stages }`, as any tool reads it.
    let d = serde_wasm_bindgen::Serializer::json_compatible().serialize_maps_as_objects(true);
    let d = serde::Serialize::serialize(detail, &d).unwrap_or(JsValue::UNDEFINED);
    let _ = js_sys::Reflect::set(&opts, &"detail".into(), &d);
    let _ = js_sys::Reflect::set(&opts, &"start".into(), &start.into());
    let _ = js_sys::Reflect::set(&opts, &"end".into(), &end.into());
    // `measure(name, { start, end, detail })` is an unstable API in web-sys,
    // so call it through JS reflection.
    if let Ok(f) = js_sys::Reflect::get(&p, &"measure".into()) {
        if let Ok(f) = f.dyn_into::<js_sys::Function>() {
            let _ = f.call2(&p, &name.into(), &opts);
        }
    }
}

/// `funnelcast:render`: from the results' arrival (the sim end mark) to
/// the next animation frame, when the page has drawn them.
pub fn measure_render() {
    use wasm_bindgen::closure::Closure;
    let Some(w) = web_sys::window() else { return };
    let cb = Closure::once_into_js(move || {
        if let Some(p) = performance() {
            let _ = p.mark("funnelcast:render:end");
            let _ = p.measure_with_start_mark_and_end_mark(
                "funnelcast:render",
                "funnelcast:sim:end",
                "funnelcast:render:end",
            );
        }
    });
    let _ = w.request_animation_frame(cb.unchecked_ref());
}
