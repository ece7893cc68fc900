//! Running the engine for the page, as messages: the page sends a
//! [`Request`] (start a job, cancel a job) and gets [`Reply`]s back — progress,
//! partial results, done, failed — each naming its job. Every message is
//! plain serialisable data, so a Web Worker can implement [`Runner`] without
//! the page changing; [`MainThreadRunner`] implements it today by running a
//! job's steps (simulate → sensitivity → goal seek) in short slices between
//! timers, so the page keeps answering.
//!
//! The page gets its runner from context ([`RunnerHandle`]), so tests can give
//! it another one.

mod main_thread;
#[cfg(target_arch = "wasm32")]
pub mod timing;

pub use main_thread::MainThreadRunner;

use std::rc::Rc;

use funnelcast_engine::{GoalLever, GoalResult, Model, ModelError, Results};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Names a job in every message about it; the page never reuses one.
pub type JobId = u64;

/// What the page asks for: the whole model (plain data) and an optional goal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: JobId,
    pub model: Model,
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

/// Everything a finished job computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobOutput {
    pub results: Results,
    pub goal: Option<GoalResult>,
}

/// From the page to the runner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Start a job; a job still running is given up first (one at a time).
    Start(Job),
    /// Give up a job: no further message about it is sent.
    Cancel(JobId),
}

/// From the runner to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    /// Trials simulated so far, while a job takes more than one slice.
    Progress {
        id: JobId,
        trials_done: u32,
        trials: u32,
    },
    /// Results of the trials so far, for charts that sharpen as trials
    /// accumulate (the main-thread runner sends none: its slices are too
    /// short for a redraw to pay off).
    Partial {
        id: JobId,
        results: Results,
    },
    Done {
        id: JobId,
        output: JobOutput,
    },
    Failed {
        id: JobId,
        error: RunError,
    },
}

impl Reply {
    pub fn id(&self) -> JobId {
        match self {
            Reply::Progress { id, .. }
            | Reply::Partial { id, .. }
            | Reply::Done { id, .. }
            | Reply::Failed { id, .. } => *id,
        }
    }
}

/// Why a job failed, typed so the page can say it in its language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RunError {
    /// The model does not validate (the page validates first, so this only
    /// guards the boundary): the problems, each naming its field.
    Invalid(Vec<ModelError>),
}

/// Something that runs jobs. Replies go to the function given to
/// [`Runner::connect`], on the page's thread; in the browser never from
/// inside `send` (natively, in tests, a job is answered at once).
pub trait Runner {
    fn connect(&self, on_reply: Rc<dyn Fn(Reply)>);
    fn send(&self, request: Request);
}

/// The page's runner, provided as context.
#[derive(Clone, Copy)]
pub struct RunnerHandle(StoredValue<Rc<dyn Runner>, LocalStorage>);

impl RunnerHandle {
    pub fn new(runner: Rc<dyn Runner>) -> Self {
        RunnerHandle(StoredValue::new_local(runner))
    }

    pub fn provide(runner: Rc<dyn Runner>) -> Self {
        let h = Self::new(runner);
        provide_context(h);
        h
    }

    pub fn send(&self, request: Request) {
        self.0.with_value(|r| r.send(request));
    }

    pub fn connect(&self, on_reply: Rc<dyn Fn(Reply)>) {
        self.0.with_value(|r| r.connect(on_reply));
    }
}

/// The runner from context, or a main-thread one.
pub fn use_runner() -> RunnerHandle {
    use_context::<RunnerHandle>()
        .unwrap_or_else(|| RunnerHandle::provide(Rc::new(MainThreadRunner::default())))
}

/// Runs a whole job at once (tests, and the native build of the page).
pub fn run_job(job: &Job) -> Result<JobOutput, RunError> {
    let plan = job.model.validate().map_err(RunError::Invalid)?;
    let results = funnelcast_engine::Simulation::new(&plan).finish();
    let goal = job
        .goal
        .map(|g| funnelcast_engine::goal_seek_lever(&plan, g.lever, g.target, g.prob));
    Ok(JobOutput { results, goal })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Lang;
    use crate::presets::initial_doc;
    use std::cell::RefCell;

    fn job(id: JobId) -> Job {
        let mut model = initial_doc(Lang::En).model();
        model.trials = 2_000;
        Job {
            id,
            model,
            goal: Some(GoalAsk {
                target: 300_000.0,
                prob: 0.9,
                lever: GoalLever::Volume,
            }),
        }
    }

    /// The native runner answers each job with Done (the wasm one in slices,
    /// tested in the browser), naming the job, with the goal answered.
    #[test]
    fn a_job_is_answered_with_its_id() {
        let r = MainThreadRunner::default();
        let got = Rc::new(RefCell::new(Vec::new()));
        let sink = got.clone();
        r.connect(Rc::new(move |m| sink.borrow_mut().push(m)));
        r.send(Request::Start(job(7)));
        let got = got.borrow();
        assert_eq!(got.len(), 1);
        match &got[0] {
            Reply::Done { id, output } => {
                assert_eq!(*id, 7);
                assert_eq!(output.results.trials, 2_000);
                assert!(output.goal.is_some());
                assert_eq!(output, &run_job(&job(7)).unwrap());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_invalid_model_fails_with_typed_errors() {
        let r = MainThreadRunner::default();
        let got = Rc::new(RefCell::new(Vec::new()));
        let sink = got.clone();
        r.connect(Rc::new(move |m| sink.borrow_mut().push(m)));
        let mut j = job(3);
        j.model.trials = 0;
        r.send(Request::Start(j));
        let got = got.borrow();
        match &got[0] {
            Reply::Failed {
                id: 3,
                error: RunError::Invalid(errs),
            } => assert_eq!(errs[0].field, funnelcast_engine::Field::Trials),
            other => panic!("{other:?}"),
        }
    }

    /// Messages are plain data: they survive a serialisation round trip, as
    /// they will crossing to a Web Worker.
    #[test]
    fn messages_cross_as_data() {
        let req = Request::Start(job(1));
        let text = serde_json::to_string(&req).unwrap();
        assert_eq!(serde_json::from_str::<Request>(&text).unwrap(), req);
        let reply = Reply::Done {
            id: 1,
            output: run_job(&job(1)).unwrap(),
        };
        let text = serde_json::to_string(&reply).unwrap();
        assert_eq!(serde_json::from_str::<Reply>(&text).unwrap(), reply);
    }
}
