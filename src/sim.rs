//! Running the engine for the page: a job goes in, its results arrive later
//! through a callback. Today the job runs on the main thread after a timer
//! (so the "running" state paints first); the same interface lets a Web Worker
//! take the job without changing the page.
//!
//! Every run is wrapped in the User Timing entries of TESTING.md, made on the
//! main thread: `funnelcast:sim:start`/`:end` marks, a `funnelcast:sim`
//! measure with `{ trials, scenarios, stages }`, and `funnelcast:render`.

use funnelcast_engine::{goal_seek, simulate, GoalResult, Model, Results};
use serde::{Deserialize, Serialize};

/// What the page asks for: the whole model (plain data, so it can be posted
/// to a worker) and an optional goal to seek.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Job {
    pub model: Model,
    /// (revenue target, probability as a fraction)
    pub goal: Option<(f64, f64)>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobOutput {
    pub results: Results,
    pub goal: Option<GoalResult>,
}

/// Runs a job to completion. A model that does not validate is an error
/// message (the page validates first, so this only guards the boundary).
pub fn run_job(job: &Job) -> Result<JobOutput, String> {
    let plan = job.model.validate().map_err(|errs| {
        errs.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let results = simulate(&plan);
    let goal = job
        .goal
        .map(|(target, prob)| goal_seek(&plan, target, prob));
    Ok(JobOutput { results, goal })
}

/// Something that runs jobs and calls back with their output.
pub trait Runner {
    fn run(&self, job: Job, done: Box<dyn FnOnce(Result<JobOutput, String>)>);
}

/// Runs jobs on the main thread, after yielding once to the browser.
pub struct MainThreadRunner;

impl Runner for MainThreadRunner {
    fn run(&self, job: Job, done: Box<dyn FnOnce(Result<JobOutput, String>)>) {
        #[cfg(target_arch = "wasm32")]
        {
            use std::time::Duration;
            let detail = timing::Detail::of(&job.model);
            timing::mark("funnelcast:sim:start");
            leptos::prelude::set_timeout(
                move || {
                    let out = run_job(&job);
                    timing::mark("funnelcast:sim:end");
                    timing::measure(
                        "funnelcast:sim",
                        "funnelcast:sim:start",
                        "funnelcast:sim:end",
                        &detail,
                    );
                    done(out);
                },
                Duration::from_millis(0),
            );
        }
        #[cfg(not(target_arch = "wasm32"))]
        done(run_job(&job));
    }
}

#[cfg(target_arch = "wasm32")]
pub mod timing {
    //! Thin wrappers over `performance.mark`/`measure`; failures are ignored
    //! (timing must never break the page).
    use funnelcast_engine::Model;
    use wasm_bindgen::{JsCast, JsValue};

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
                stages: m.stages.len(),
            }
        }
    }

    fn performance() -> Option<web_sys::Performance> {
        web_sys::window()?.performance()
    }

    pub fn mark(name: &str) {
        if let Some(p) = performance() {
            let _ = p.mark(name);
        }
    }

    pub fn measure(name: &str, start: &str, end: &str, detail: &Detail) {
        let Some(p) = performance() else { return };
        let opts = js_sys::Object::new();
        let d = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&d, &"trials".into(), &JsValue::from(detail.trials));
        let _ = js_sys::Reflect::set(
            &d,
            &"scenarios".into(),
            &JsValue::from(detail.scenarios as u32),
        );
        let _ = js_sys::Reflect::set(&d, &"stages".into(), &JsValue::from(detail.stages as u32));
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
}
