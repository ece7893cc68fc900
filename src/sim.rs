//! Running the engine for the page: a job goes in, its results arrive later
//! through callbacks. Today the job runs on the main thread in short slices
//! between timers (so the page stays responsive and a stale run is dropped);
//! the same interface lets a Web Worker take the job without changing the
//! page.
//!
//! Every run is wrapped in the User Timing entries of TESTING.md, made on the
//! main thread: `funnelcast:sim:start`/`:end` marks, a `funnelcast:sim`
//! measure with `{ trials, scenarios, stages }`, and `funnelcast:render`.

use funnelcast_engine::simulate::Simulation;
use funnelcast_engine::{goal_seek_lever, GoalLever, GoalResult, Model, Plan, Results};
use serde::{Deserialize, Serialize};

/// What the page asks for: the whole model (plain data, so it can be posted
/// to a worker) and an optional goal to seek.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Job {
    pub model: Model,
    /// (revenue target, probability as a fraction)
    pub goal: Option<GoalAsk>,
}

/// A goal to seek: P(revenue ≥ `target`) ≥ `prob` (a fraction) by moving
/// `lever`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalAsk {
    pub target: f64,
    pub prob: f64,
    pub lever: GoalLever,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobOutput {
    pub results: Results,
    pub goal: Option<GoalResult>,
}

/// Runs a job to completion. A model that does not validate is an error
/// message (the page validates first, so this only guards the boundary).
pub fn run_job(job: &Job) -> Result<JobOutput, String> {
    let plan = validate(job)?;
    Ok(finish_job(job, &plan, Simulation::new(&plan)))
}

fn validate(job: &Job) -> Result<Plan, String> {
    job.model.validate().map_err(|errs| {
        errs.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// The rest of a run: the trials left, the summaries, the goal.
fn finish_job(job: &Job, plan: &Plan, run: Simulation) -> JobOutput {
    let results = run.finish();
    let goal = job
        .goal
        .map(|g| goal_seek_lever(plan, g.lever, g.target, g.prob));
    JobOutput { results, goal }
}

/// How a run talks back to the page. `live` is asked between steps: `false`
/// means the inputs changed since, and the run stops unseen. `progress`
/// gets the fraction of trials done while a run takes more than one step;
/// `done` gets the output once.
pub struct Callbacks {
    pub live: Box<dyn Fn() -> bool>,
    pub progress: Box<dyn Fn(f64)>,
    pub done: Box<dyn FnOnce(Result<JobOutput, String>)>,
}

/// Something that runs jobs and calls back with their output.
pub trait Runner {
    fn run(&self, job: Job, cb: Callbacks);
}

/// Runs jobs on the main thread in slices of about [`SLICE_MS`], one per
/// timer callback, so that a long run (a million trials of two segments
/// takes seconds) does not freeze the page: typing goes on, the status shows
/// progress, and an edit drops the stale run at its next slice.
pub struct MainThreadRunner;

/// Long enough that timer overhead stays small, short enough that typing
/// does not lag.
pub const SLICE_MS: f64 = 30.0;

impl Runner for MainThreadRunner {
    fn run(&self, job: Job, cb: Callbacks) {
        #[cfg(target_arch = "wasm32")]
        {
            timing::mark("funnelcast:sim:start");
            let plan = match validate(&job) {
                Ok(p) => p,
                Err(e) => return (cb.done)(Err(e)),
            };
            // The first slice waits for a timer, so the "running" state
            // paints first.
            let run = Simulation::new(&plan);
            slice(Sliced { job, plan, run, cb });
        }
        #[cfg(not(target_arch = "wasm32"))]
        (cb.done)(run_job(&job));
    }
}

#[cfg(target_arch = "wasm32")]
struct Sliced {
    job: Job,
    plan: Plan,
    run: Simulation,
    cb: Callbacks,
}

#[cfg(target_arch = "wasm32")]
fn slice(mut st: Sliced) {
    leptos::prelude::set_timeout(
        move || {
            if !(st.cb.live)() {
                // Seen in a profile (and by the tests) as a run given up.
                timing::mark("funnelcast:sim:dropped");
                return;
            }
            let t0 = timing::now();
            while !st.run.is_finished() && timing::now() - t0 < SLICE_MS {
                st.run.step();
            }
            if !st.run.is_finished() {
                (st.cb.progress)(st.run.trials_done() as f64 / st.run.trials() as f64);
                return slice(st);
            }
            let Sliced { job, plan, run, cb } = st;
            let out = finish_job(&job, &plan, run);
            timing::mark("funnelcast:sim:end");
            timing::measure(
                "funnelcast:sim",
                "funnelcast:sim:start",
                "funnelcast:sim:end",
                &timing::Detail::of(&job.model),
            );
            (cb.done)(Ok(out));
        },
        std::time::Duration::from_millis(0),
    );
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
