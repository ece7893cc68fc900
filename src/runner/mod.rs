//! Running the engine for the page, as messages: the page sends a
//! [`Request`] (start a job, cancel a job) and gets [`Reply`]s back — progress,
//! partial results, done, failed — each naming its job. Every message is
//! plain data; what crosses to and from a worker has its bytes ([`wire`]).
//! In the browser [`WorkerRunner`] sends jobs to Web Workers ([`protocol`]
//! says how a job is shared between several); [`MainThreadRunner`] runs a
//! job's steps (simulate → sensitivity → goal seek) on the page's own thread
//! in short slices between timers, where no worker can start, and natively
//! for tests.
//!
//! The page gets its runner from context ([`RunnerHandle`]), so tests can give
//! it another one.

#[cfg(target_arch = "wasm32")]
pub mod in_worker;
mod main_thread;
pub mod protocol;
#[cfg(target_arch = "wasm32")]
pub mod timing;
pub mod wire;
#[cfg(target_arch = "wasm32")]
pub mod workers;

pub use main_thread::MainThreadRunner;
#[cfg(target_arch = "wasm32")]
pub use workers::WorkerRunner;

use std::rc::Rc;

use funnelcast_engine::months::{MonthResults, TimeSpec};
use funnelcast_engine::{GoalLever, GoalResult, Model, ModelError, Results};
use leptos::prelude::*;

/// Names a job in every message about it; the page never reuses one.
pub type JobId = u64;

/// What the page asks for: the whole model (plain data) and an optional goal.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub id: JobId,
    pub model: Model,
    pub goal: Option<GoalAsk>,
    /// Time mode's inputs: the run is then monthly cohorts over a horizon
    /// (engine README, "Months"), on the page's own thread in slices (its
    /// engine is a part of the page loaded when time mode is first on); its
    /// sensitivity and its goal are about revenue within the horizon.
    pub time: Option<TimeSpec>,
}

impl Job {
    /// The job's plan: its model checked, with the goal's target, so each
    /// scenario's results say P(revenue ≥ target) (the draws are the same).
    pub fn plan(&self) -> Result<funnelcast_engine::Plan, Vec<ModelError>> {
        Ok(self
            .model
            .validate()?
            .with_target(self.goal.map(|g| g.target)))
    }
}

/// A goal to seek: P(revenue ≥ `target`) ≥ `prob` (a fraction) by moving
/// `lever`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GoalAsk {
    pub target: f64,
    pub prob: f64,
    pub lever: GoalLever,
}

impl GoalAsk {
    /// The goal seek on `plan` (the last step of a job, wherever it runs).
    pub fn seek(&self, plan: &funnelcast_engine::Plan) -> GoalResult {
        funnelcast_engine::goal_seek_lever(plan, self.lever, self.target, self.prob)
    }

    /// The same, taken in steps ([`GoalSearch`]).
    pub fn search(&self, plan: &funnelcast_engine::Plan) -> Box<dyn GoalSearch> {
        Box::new(Stepped(Box::pin(funnelcast_engine::goal::goal_seek_steps(
            plan,
            self.lever,
            self.target,
            self.prob,
        ))))
    }

    /// Time mode's, about revenue within the horizon, in steps.
    pub fn search_months(
        &self,
        plan: &funnelcast_engine::Plan,
        time: &funnelcast_engine::months::TimePlan,
    ) -> Box<dyn GoalSearch> {
        Box::new(Stepped(Box::pin(
            funnelcast_engine::months::goal_seek_months(
                plan,
                time,
                self.lever,
                self.target,
                self.prob,
            ),
        )))
    }
}

/// A goal seek taken in steps on the page's thread (each an evaluation of
/// some thousands of trials), behind a trait so its code stays in the parts
/// of the page that start it ([`crate::ui::later::goal_search`],
/// [`MonthRun::goal`]).
pub trait GoalSearch {
    /// Takes the next step; the answer once there is one.
    fn step(&mut self) -> Option<GoalResult>;
}

/// The engine's goal seek future, polled one step at a time: it never
/// waits on anything but its caller (each step ends where it yields), so
/// a waker that does nothing will do.
struct Stepped(std::pin::Pin<Box<dyn std::future::Future<Output = GoalResult>>>);

impl GoalSearch for Stepped {
    fn step(&mut self) -> Option<GoalResult> {
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match self.0.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(g) => Some(g),
            std::task::Poll::Pending => None,
        }
    }
}

/// Everything a finished job computed.
#[derive(Clone, Debug, PartialEq)]
pub struct JobOutput {
    pub results: Results,
    pub goal: Option<GoalResult>,
    /// Time mode's monthly figures (`results` is then about revenue within
    /// the horizon).
    pub months: Option<MonthResults>,
}

/// From the page to the runner.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// Start a job; a job still running is given up first (one at a time).
    Start(Job),
    /// Give up a job: no further message about it is sent.
    Cancel(JobId),
}

/// From the runner to the page.
#[derive(Clone, Debug, PartialEq)]
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
        /// How many workers shared the run (0: the page's own thread).
        workers: u32,
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
#[derive(Clone, Debug, PartialEq)]
pub enum RunError {
    /// The model does not validate (the page validates first, so this only
    /// guards the boundary): the problems, each naming its field.
    Invalid(Vec<ModelError>),
    /// The worker running the job stopped (it failed, or its shares did not
    /// fit together): the page offers a reload; the next run starts a new
    /// worker.
    Stopped,
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

/// Runs a whole job at once (tests, and the native build of the page).
pub fn run_job(job: &Job) -> Result<JobOutput, RunError> {
    let plan = job.plan().map_err(RunError::Invalid)?;
    if let Some(time) = &job.time {
        let time = time.validate(&plan).map_err(RunError::Invalid)?;
        let mut output = month_output(
            &plan,
            &time,
            funnelcast_engine::months::simulate_months(&plan, &time),
        );
        output.goal = job.goal.map(|g| {
            funnelcast_engine::goal::block_on(funnelcast_engine::months::goal_seek_months(
                &plan, &time, g.lever, g.target, g.prob,
            ))
        });
        return Ok(output);
    }
    let results = funnelcast_engine::Simulation::new(&plan).finish();
    let goal = job.goal.map(|g| g.seek(&plan));
    Ok(JobOutput {
        results,
        goal,
        months: None,
    })
}

/// A time-mode run taken in steps on the page's thread, behind a trait so
/// its code (the time-mode engine) stays in the part of the page that
/// builds it ([`crate::ui::later::month_run`]).
pub trait MonthRun {
    fn step(&mut self) -> u32;
    fn is_finished(&self) -> bool;
    fn trials(&self) -> u32;
    fn trials_done(&self) -> u32;
    /// Takes the trials left and summarises.
    fn finish(self: Box<Self>) -> JobOutput;
    /// The goal seek on the run's plans, in steps.
    fn goal(&self, ask: GoalAsk) -> Box<dyn GoalSearch>;
}

/// The engine's [`funnelcast_engine::months::MonthSimulation`] with its
/// plans.
pub struct Months {
    sim: funnelcast_engine::months::MonthSimulation,
    plan: funnelcast_engine::Plan,
    time: funnelcast_engine::months::TimePlan,
}

impl Months {
    /// Checks `time` against `plan` and prepares the run (the close laws).
    pub fn new(plan: funnelcast_engine::Plan, time: &TimeSpec) -> Result<Self, Vec<ModelError>> {
        let time = time.validate(&plan)?;
        Ok(Months {
            sim: funnelcast_engine::months::MonthSimulation::new(&plan, &time),
            plan,
            time,
        })
    }
}

impl MonthRun for Months {
    fn step(&mut self) -> u32 {
        self.sim.step()
    }
    fn is_finished(&self) -> bool {
        self.sim.is_finished()
    }
    fn trials(&self) -> u32 {
        self.sim.trials()
    }
    fn trials_done(&self) -> u32 {
        self.sim.trials_done()
    }
    fn finish(self: Box<Self>) -> JobOutput {
        let Months { sim, plan, time } = *self;
        month_output(&plan, &time, sim.finish())
    }
    fn goal(&self, ask: GoalAsk) -> Box<dyn GoalSearch> {
        ask.search_months(&self.plan, &self.time)
    }
}

/// A time-mode run's output: the one-period figures about revenue within
/// the horizon beside the monthly ones.
pub fn month_output(
    plan: &funnelcast_engine::Plan,
    time: &funnelcast_engine::months::TimePlan,
    mut months: MonthResults,
) -> JobOutput {
    let mut results = months.summaries(plan, time);
    let weight: Vec<f64> = (0..plan.segments())
        .map(|g| time.horizon_weight(g))
        .collect();
    results.sensitivity = funnelcast_engine::sensitivity::sensitivity_weighted(plan, &weight);
    JobOutput {
        results,
        goal: None,
        months: Some(months),
    }
}

/// The most work the page's own thread takes on while no worker is ready
/// (the first results, before the first worker has started): a job
/// estimated above it waits for a worker, started at once, so a heavy link
/// never blocks the page for seconds.
pub const PAGE_THREAD_BUDGET_NS: f64 = 50e6;

/// A rough estimate of a job's work, in nanoseconds on machines like the
/// benchmarks' (docs/benchmarks.md: w1 about 40 ns a trial, w2 about 700):
/// per trial, run and segment, 10 ns a stage when the segment's inputs are
/// fixed and 150 when some are uncertain (Beta and lognormal draws); a goal
/// seek adds about 30 evaluations of up to 20,000 trials of the baseline.
pub fn estimated_ns(job: &Job) -> f64 {
    use funnelcast_engine::{RateSpec, VolumeSpec};
    let m = &job.model;
    let per_trial: f64 = m
        .segments
        .iter()
        .map(|g| {
            let uncertain = !matches!(g.volume, VolumeSpec::Fixed { .. })
                || g.rates.iter().any(|r| !matches!(r, RateSpec::Fixed { .. }));
            m.stages as f64 * if uncertain { 150.0 } else { 10.0 }
        })
        .sum();
    let runs = m.scenarios.len() as f64 + 1.0;
    let goal = if job.goal.is_some() {
        30.0 * f64::from(m.trials.min(20_000))
    } else {
        0.0
    };
    (f64::from(m.trials) * runs + goal) * per_trial
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_first_page_runs_on_its_own_thread_and_a_heavy_link_waits_for_a_worker() {
        use crate::document::PresetId;
        use crate::format::Lang;
        let job = |d: crate::document::Document| super::Job {
            id: 1,
            model: d.model(),
            goal: None,
            time: None,
        };
        // The page as it first opens.
        let first = job(crate::presets::initial_doc(Lang::En));
        assert!(super::estimated_ns(&first) < super::PAGE_THREAD_BUDGET_NS);
        // The reliability issue's heavy link: 1M trials × 8 runs, 6
        // segments × 12 stages, every input uncertain.
        let mut heavy = crate::presets::preset_doc(PresetId::CaseB, Lang::En);
        heavy.trials = 1_000_000;
        let mut m = heavy.model();
        m.stages = 12;
        for g in &mut m.segments {
            g.rates = vec![funnelcast_engine::RateSpec::Evidence { k: 30, n: 100 }; 11];
        }
        m.segments = vec![m.segments[0].clone(); 6];
        m.scenarios = vec![
            m.scenarios.first().cloned().unwrap_or_else(|| {
                funnelcast_engine::ScenarioSpec {
                    scope: funnelcast_engine::Scope::All,
                    levers: vec![],
                    cost: None,
                }
            });
            7
        ];
        let heavy = super::Job {
            id: 2,
            model: m,
            goal: None,
            time: None,
        };
        assert!(super::estimated_ns(&heavy) > 100.0 * super::PAGE_THREAD_BUDGET_NS);
    }

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
            time: None,
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
            Reply::Done { id, output, .. } => {
                assert_eq!(*id, 7);
                assert_eq!(output.results.trials, 2_000);
                assert!(output.goal.is_some());
                // The goal's target: each scenario says P(revenue ≥ it).
                let p = output.results.scenarios[0].p_target.unwrap();
                assert!(p > 0.0 && p < 1.0, "{p}");
                assert_eq!(output, &run_job(&job(7)).unwrap());
            }
            other => panic!("{other:?}"),
        }
    }

    /// A goal seek taken step by step, as the page takes it in slices,
    /// gives the answer of one taken at once, one period and in months;
    /// in months it is about revenue within the horizon (a bigger target
    /// than one period's needs no more people).
    #[test]
    fn a_goal_seek_in_steps_is_the_goal_seek_at_once() {
        use funnelcast_engine::months::{LagSpec, TimeSpec};
        let stepped = |mut search: Box<dyn GoalSearch>| {
            let mut steps = 0;
            loop {
                steps += 1;
                if let Some(g) = search.step() {
                    return (g, steps);
                }
            }
        };
        let j = job(1);
        let plan = j.model.validate().unwrap();
        let ask = j.goal.unwrap();
        let (g, steps) = stepped(ask.search(&plan));
        assert_eq!(Some(g), run_job(&j).unwrap().goal);
        assert!(steps > 5, "{steps}");
        let mut j = job(2);
        let time = TimeSpec {
            horizon: 12,
            weights: vec![],
            lags: vec![vec![
                LagSpec {
                    median: 20.0,
                    p90: 40.0
                };
                4
            ]],
            windows: vec![],
        };
        j.time = Some(time.clone());
        let tp = time.validate(&plan).unwrap();
        let (g, steps) = stepped(ask.search_months(&plan, &tp));
        let at_once = run_job(&j).unwrap();
        assert_eq!(Some(g.clone()), at_once.goal);
        assert!(steps > 5, "{steps}");
        // The default funnel brings 300,000 a period: twelve months' worth
        // (less the last weeks' customers) reach it without more people.
        assert!(g.change.unwrap() < -0.5, "{g:?}");
        assert!(at_once.results.scenarios[0].revenue.mean > 2_000_000.0);
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

    /// Messages are plain data: they survive a round trip through the
    /// workers' bytes, with a goal on a rate, a model with every kind of
    /// input, and a failure. (More in `wire`'s own tests.)
    #[test]
    fn messages_cross_as_data() {
        use crate::runner::protocol::{FromWorker, ToWorker};
        use crate::runner::wire::{from_bytes, to_bytes};
        let mut j = job(1);
        j.goal.as_mut().unwrap().lever = GoalLever::RatePoints { stage: 2 };
        j.model = crate::presets::apply_preset(
            &initial_doc(Lang::En),
            crate::document::PresetId::CaseB,
            Lang::En,
        )
        .model();
        j.model.trials = 2_000;
        let to = ToWorker::Run {
            job: j.clone(),
            from: 0,
            to: 1,
            lead: Some(0),
        };
        assert_eq!(from_bytes::<ToWorker>(&to_bytes(&to)).unwrap(), to);
        for reply in [
            Reply::Done {
                id: 1,
                output: run_job(&j).unwrap(),
                workers: 2,
            },
            Reply::Failed {
                id: 2,
                error: RunError::Invalid(vec![funnelcast_engine::ModelError {
                    field: funnelcast_engine::Field::Trials,
                    problem: funnelcast_engine::Problem::TooFew { min: 1 },
                }]),
            },
            Reply::Progress {
                id: 3,
                trials_done: 5,
                trials: 9,
            },
        ] {
            let from = FromWorker::Reply(reply);
            assert_eq!(from_bytes::<FromWorker>(&to_bytes(&from)).unwrap(), from);
        }
    }
}
