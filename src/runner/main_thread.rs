//! The runner of today: jobs run on the page's own thread. In the browser a
//! job's steps run in slices of about [`SLICE_MS`], one per timer callback, so
//! a long run (a million trials of two segments takes seconds) never freezes
//! the page: typing goes on, progress shows, and a cancel takes effect at
//! the next slice. Natively (tests) a job runs at once inside `send`.

use std::cell::RefCell;
use std::rc::Rc;

use super::{Job, Reply, Request, Runner};

/// Long enough that timer overhead stays small, short enough that typing
/// does not lag.
#[cfg(target_arch = "wasm32")]
pub const SLICE_MS: f64 = 30.0;

#[derive(Default)]
pub struct MainThreadRunner {
    inner: Rc<RefCell<Inner>>,
}

#[derive(Default)]
struct Inner {
    on_reply: Option<Rc<dyn Fn(Reply)>>,
    #[cfg(target_arch = "wasm32")]
    active: Option<sliced::Active>,
    /// A time-mode job whose engine is on its way (a part of the page).
    #[cfg(target_arch = "wasm32")]
    loading: Option<super::JobId>,
}

impl Runner for MainThreadRunner {
    fn connect(&self, on_reply: Rc<dyn Fn(Reply)>) {
        self.inner.borrow_mut().on_reply = Some(on_reply);
    }

    fn send(&self, request: Request) {
        match request {
            Request::Start(job) => self.start(job),
            Request::Cancel(id) => self.cancel(id),
        }
    }
}

impl MainThreadRunner {
    fn reply(inner: &Rc<RefCell<Inner>>, r: Reply) {
        // Called with no borrow held: the page may send from its handler.
        let sink = inner.borrow().on_reply.clone();
        if let Some(f) = sink {
            f(r);
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn start(&self, job: Job) {
        let id = job.id;
        let reply = match super::run_job(&job) {
            Ok(output) => Reply::Done {
                id,
                output,
                workers: 0,
            },
            Err(error) => Reply::Failed { id, error },
        };
        Self::reply(&self.inner, reply);
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn cancel(&self, _id: super::JobId) {
        // Jobs finish inside `send` natively: nothing is ever in flight.
    }

    #[cfg(target_arch = "wasm32")]
    fn start(&self, job: Job) {
        let id = job.id;
        match job.plan() {
            Err(errs) => {
                let inner = self.inner.clone();
                // Replies never come from inside `send`.
                leptos::prelude::set_timeout(
                    move || {
                        Self::reply(
                            &inner,
                            Reply::Failed {
                                id,
                                error: super::RunError::Invalid(errs),
                            },
                        )
                    },
                    std::time::Duration::ZERO,
                );
            }
            Ok(plan) => match job.time.clone() {
                None => {
                    let mut inner = self.inner.borrow_mut();
                    inner.loading = None;
                    inner.active = Some(sliced::Active::new(job, plan));
                    drop(inner);
                    sliced::schedule(self.inner.clone(), id);
                }
                Some(time) => {
                    let mut inner = self.inner.borrow_mut();
                    inner.active = None;
                    inner.loading = Some(id);
                    drop(inner);
                    sliced::start_months(self.inner.clone(), job, plan, time);
                }
            },
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn cancel(&self, id: super::JobId) {
        let mut inner = self.inner.borrow_mut();
        if inner.loading == Some(id) {
            inner.loading = None;
        }
        if inner.active.as_ref().is_some_and(|a| a.id == id) {
            inner.active = None;
            super::timing::mark("funnelcast:sim:dropped");
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod sliced {
    //! A job as steps: trials in slices, then the sensitivity, then the
    //! goal (its code a part of the page, loaded the first time), itself in
    //! slices of a few evaluations.
    use super::*;
    use crate::runner::{timing, GoalAsk, GoalSearch, JobId, JobOutput};
    use funnelcast_engine::{sensitivity::sensitivity, Plan, Simulation};

    pub(super) struct Active {
        pub id: JobId,
        plan: Plan,
        goal: Option<GoalAsk>,
        step: Step,
    }

    enum Step {
        Simulate(Box<Simulation>),
        /// A time-mode run (its engine loaded as a part of the page).
        Months(Box<dyn crate::runner::MonthRun>),
        Sensitivity(JobOutput),
        /// The results, the goal seek's part on its way.
        Loading(JobOutput),
        Seeking(JobOutput, Box<dyn GoalSearch>),
        /// Taken out while a step runs.
        Busy,
    }

    /// What follows a slice.
    enum After {
        /// The next slice, after a timer.
        Again,
        /// The job is done: no more slices.
        Finished,
        /// Load the goal seek's part: nothing until it arrives
        /// ([`load_goal`]).
        Load(Plan, GoalAsk),
        /// Nothing: the part on its way takes the job on.
        Wait,
    }

    impl Active {
        pub fn new(job: Job, plan: Plan) -> Self {
            let sim = Simulation::new(&plan);
            Active {
                id: job.id,
                plan,
                goal: job.goal,
                step: Step::Simulate(Box::new(sim)),
            }
        }

        fn done(&self, output: JobOutput) -> (Option<Reply>, After) {
            let done = Reply::Done {
                id: self.id,
                output,
                workers: 0,
            };
            (Some(done), After::Finished)
        }

        /// Runs for about one slice.
        fn slice(&mut self) -> (Option<Reply>, After) {
            let id = self.id;
            match std::mem::replace(&mut self.step, Step::Busy) {
                Step::Simulate(mut sim) => {
                    let t0 = timing::now();
                    while !sim.is_finished() && timing::now() - t0 < SLICE_MS {
                        sim.step();
                    }
                    if sim.is_finished() {
                        let output = JobOutput {
                            results: sim.summaries(),
                            goal: None,
                            months: None,
                        };
                        self.step = Step::Sensitivity(output);
                        (None, After::Again)
                    } else {
                        let progress = Reply::Progress {
                            id,
                            trials_done: sim.trials_done(),
                            trials: sim.trials(),
                        };
                        self.step = Step::Simulate(sim);
                        (Some(progress), After::Again)
                    }
                }
                Step::Months(mut run) => {
                    let t0 = timing::now();
                    while !run.is_finished() && timing::now() - t0 < SLICE_MS {
                        run.step();
                    }
                    if !run.is_finished() {
                        let progress = Reply::Progress {
                            id,
                            trials_done: run.trials_done(),
                            trials: run.trials(),
                        };
                        self.step = Step::Months(run);
                        return (Some(progress), After::Again);
                    }
                    // The goal seek is in the part that holds the run.
                    let search = self.goal.map(|ask| run.goal(ask));
                    let output = run.finish();
                    match search {
                        Some(search) => {
                            self.step = Step::Seeking(output, search);
                            (None, After::Again)
                        }
                        None => self.done(output),
                    }
                }
                Step::Sensitivity(mut output) => {
                    output.results.sensitivity = sensitivity(&self.plan);
                    match self.goal {
                        Some(ask) => {
                            self.step = Step::Loading(output);
                            (None, After::Load(self.plan.clone(), ask))
                        }
                        None => self.done(output),
                    }
                }
                Step::Seeking(mut output, mut search) => {
                    let t0 = timing::now();
                    loop {
                        if let Some(goal) = search.step() {
                            output.goal = Some(goal);
                            return self.done(output);
                        }
                        if timing::now() - t0 >= SLICE_MS {
                            self.step = Step::Seeking(output, search);
                            return (None, After::Again);
                        }
                    }
                }
                // Loading is left by `load_goal`, not by a slice.
                step @ Step::Loading(_) => {
                    self.step = step;
                    (None, After::Wait)
                }
                Step::Busy => (None, After::Finished),
            }
        }
    }

    /// Loads the goal seek's part, then seeks in slices; a part that does
    /// not arrive leaves the results without a goal (the goal card says
    /// nothing rather than the run failing).
    fn load_goal(inner: Rc<RefCell<Inner>>, id: JobId, plan: Plan, ask: GoalAsk) {
        leptos::task::spawn_local(async move {
            let loaded = crate::ui::later::goal_search(plan, ask).await;
            let next = {
                let mut st = inner.borrow_mut();
                let Some(active) = st.active.as_mut().filter(|a| a.id == id) else {
                    // Cancelled, or replaced by a newer job.
                    return;
                };
                let Step::Loading(output) = std::mem::replace(&mut active.step, Step::Busy) else {
                    return;
                };
                match loaded {
                    Ok(search) => {
                        active.step = Step::Seeking(output, search);
                        None
                    }
                    Err(_) => {
                        st.active = None;
                        Some(Reply::Done {
                            id,
                            output,
                            workers: 0,
                        })
                    }
                }
            };
            match next {
                Some(done) => MainThreadRunner::reply(&inner, done),
                None => schedule(inner, id),
            }
        });
    }

    /// Loads the time-mode engine (a part of the page, fetched the first
    /// time), then runs job `job` in slices like any other, unless it was
    /// cancelled or replaced meanwhile.
    pub(super) fn start_months(
        inner: Rc<RefCell<Inner>>,
        job: Job,
        plan: Plan,
        time: funnelcast_engine::months::TimeSpec,
    ) {
        let id = job.id;
        leptos::task::spawn_local(async move {
            let loaded = crate::ui::later::month_run(plan.clone(), time).await;
            let wanted = inner.borrow().loading == Some(id);
            if !wanted {
                return;
            }
            inner.borrow_mut().loading = None;
            match loaded {
                Ok(Ok(run)) => {
                    inner.borrow_mut().active = Some(Active {
                        id,
                        plan,
                        goal: job.goal,
                        step: Step::Months(run),
                    });
                    schedule(inner, id);
                }
                Ok(Err(errs)) => MainThreadRunner::reply(
                    &inner,
                    Reply::Failed {
                        id,
                        error: crate::runner::RunError::Invalid(errs),
                    },
                ),
                // The part did not arrive: the page says the run stopped
                // and offers the reload.
                Err(_) => MainThreadRunner::reply(
                    &inner,
                    Reply::Failed {
                        id,
                        error: crate::runner::RunError::Stopped,
                    },
                ),
            }
        });
    }

    /// The next slice of job `id`, after a timer (so the page paints and
    /// handles input in between).
    pub(super) fn schedule(inner: Rc<RefCell<Inner>>, id: JobId) {
        leptos::prelude::set_timeout(
            move || {
                let (reply, after) = {
                    let mut st = inner.borrow_mut();
                    let Some(active) = st.active.as_mut().filter(|a| a.id == id) else {
                        // Cancelled, or replaced by a newer job.
                        return;
                    };
                    let out = active.slice();
                    if matches!(out.1, After::Finished) {
                        st.active = None;
                    }
                    out
                };
                if let Some(r) = reply {
                    MainThreadRunner::reply(&inner, r);
                }
                match after {
                    After::Again => schedule(inner, id),
                    After::Load(plan, ask) => load_goal(inner, id, plan, ask),
                    After::Finished | After::Wait => {}
                }
            },
            std::time::Duration::ZERO,
        );
    }
}
