//! The simulation worker's side: started by `main` when the page's module
//! runs inside a Web Worker (`assets/worker.js` instantiates the module the
//! page already compiled, so the engine ships once). It answers
//! [`ToWorker`] messages: a job's key blocks are drawn in slices of about
//! [`SLICE_MS`]; between slices the worker yields to its message queue (a
//! `MessageChannel` to itself: no timer clamping), so a `Cancel` or a newer
//! job takes effect at once. One job at a time: a new `Run` replaces the old.

use std::cell::{Cell, RefCell};

use funnelcast_engine::{sensitivity::sensitivity, ChunkSummary, Plan, Results, Simulation};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent, MessagePort};

use super::protocol::{from_js, share_from_js, share_to_js, to_js, FromWorker, ToWorker};
use super::{GoalAsk, JobId, JobOutput, Reply, RunError};

/// Work between two looks at the message queue: a cancel waits at most this.
const SLICE_MS: f64 = 20.0;
/// Progress at most this often: each message costs the page a small redraw.
const PROGRESS_MS: f64 = 100.0;
/// Partial results at most this often, once a run has taken this long:
/// summarising sorts every draw so far, and the page redraws every chart.
const PARTIAL_MS: f64 = 400.0;

struct Active {
    id: JobId,
    plan: Plan,
    goal: Option<GoalAsk>,
    /// The shares still to come from the other workers (the lead only).
    lead: Option<u32>,
    shares: Vec<ChunkSummary>,
    step: Step,
    started: f64,
    last_progress: f64,
    last_partial: f64,
}

enum Step {
    Draw(Box<Simulation>),
    /// The lead's own share, drawn; the others' are awaited.
    Wait(ChunkSummary),
    Sensitivity(Results),
    Goal(Results),
    /// Taken out while a step runs.
    Busy,
}

thread_local! {
    static ACTIVE: RefCell<Option<Active>> = const { RefCell::new(None) };
    static SELF_PORT: RefCell<Option<MessagePort>> = const { RefCell::new(None) };
    static SCHEDULED: Cell<bool> = const { Cell::new(false) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn now() -> f64 {
    js_sys::Date::now()
}

fn post(msg: &FromWorker) {
    let _ = scope().post_message(&to_js(msg));
}

/// Starts the worker's message loop and tells the page it is ready.
pub fn start() {
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(on_message);
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    if let Ok(ch) = MessageChannel::new() {
        let tick = Closure::<dyn FnMut(MessageEvent)>::new(|_| run_slice());
        ch.port1()
            .set_onmessage(Some(tick.as_ref().unchecked_ref()));
        tick.forget();
        SELF_PORT.with(|p| *p.borrow_mut() = Some(ch.port2()));
    }
    post(&FromWorker::Ready);
}

/// The next slice, after the messages already queued.
fn schedule() {
    if SCHEDULED.with(|s| s.replace(true)) {
        return;
    }
    SELF_PORT.with(|p| {
        if let Some(p) = p.borrow().as_ref() {
            let _ = p.post_message(&JsValue::NULL);
        }
    });
}

fn on_message(e: MessageEvent) {
    let data = e.data();
    // Only the page talks to this worker; anything unreadable is dropped.
    let Ok(msg) = from_js::<ToWorker>(&data) else {
        return;
    };
    match msg {
        ToWorker::Run {
            job,
            from,
            to,
            lead,
        } => {
            let id = job.id;
            match job.plan() {
                Err(errs) => {
                    ACTIVE.with(|a| *a.borrow_mut() = None);
                    post(&FromWorker::Reply(Reply::Failed {
                        id,
                        error: RunError::Invalid(errs),
                    }));
                }
                Ok(plan) => {
                    let t = now();
                    let sim = Simulation::for_blocks(&plan, from..to);
                    ACTIVE.with(|a| {
                        *a.borrow_mut() = Some(Active {
                            id,
                            plan,
                            goal: job.goal,
                            lead,
                            shares: Vec::new(),
                            step: Step::Draw(Box::new(sim)),
                            started: t,
                            last_progress: t,
                            last_partial: t,
                        })
                    });
                    schedule();
                }
            }
        }
        ToWorker::Share { id, mut share } => {
            if share_from_js(&data, &mut share) {
                ACTIVE.with(|a| {
                    if let Some(a) = a.borrow_mut().as_mut().filter(|a| a.id == id) {
                        a.shares.push(share);
                    }
                });
                schedule();
            }
        }
        ToWorker::Ping => post(&FromWorker::Pong),
        ToWorker::Cancel(id) => ACTIVE.with(|a| {
            let mut a = a.borrow_mut();
            if a.as_ref().is_some_and(|a| a.id == id) {
                *a = None;
            }
        }),
    }
}

/// What a slice sends and whether the job goes on.
struct SliceOut {
    messages: Vec<Outgoing>,
    finished: bool,
    again: bool,
}

enum Outgoing {
    Plain(FromWorker),
    Share(JobId, ChunkSummary),
}

fn run_slice() {
    SCHEDULED.with(|s| s.set(false));
    let out = ACTIVE.with(|a| {
        let mut a = a.borrow_mut();
        let active = a.as_mut()?;
        let out = active.slice();
        if out.finished {
            *a = None;
        }
        Some(out)
    });
    let Some(out) = out else { return };
    // Sent with no borrow held.
    for m in out.messages {
        match m {
            Outgoing::Plain(m) => post(&m),
            Outgoing::Share(id, share) => {
                let (msg, transfer) =
                    share_to_js(share, |share| to_js(&FromWorker::Share { id, share }));
                let _ = scope().post_message_with_transfer(&msg, &transfer);
            }
        }
    }
    if out.again {
        schedule();
    }
}

impl Active {
    fn slice(&mut self) -> SliceOut {
        let id = self.id;
        let mut messages = Vec::new();
        let t0 = now();
        let (finished, again) = match std::mem::replace(&mut self.step, Step::Busy) {
            Step::Draw(mut sim) => {
                while !sim.is_finished() && now() - t0 < SLICE_MS {
                    sim.step();
                }
                let t = now();
                if sim.is_finished() {
                    let share = sim.into_chunk();
                    if self.lead.is_some() {
                        self.step = Step::Wait(share);
                        (false, true)
                    } else {
                        messages.push(Outgoing::Share(id, share));
                        (true, false)
                    }
                } else {
                    if t - self.last_progress >= PROGRESS_MS {
                        self.last_progress = t;
                        messages.push(Outgoing::Plain(FromWorker::Reply(Reply::Progress {
                            id,
                            trials_done: sim.trials_done(),
                            trials: sim.trials(),
                        })));
                    }
                    // The lead's share is the run's first trials: its
                    // summaries are those of a shorter run.
                    if self.lead.is_some()
                        && t - self.started >= PARTIAL_MS
                        && t - self.last_partial >= PARTIAL_MS
                    {
                        if let Some(results) = sim.partial() {
                            messages.push(Outgoing::Plain(FromWorker::Reply(Reply::Partial {
                                id,
                                results,
                            })));
                        }
                        self.last_partial = now();
                    }
                    self.step = Step::Draw(sim);
                    (false, true)
                }
            }
            Step::Wait(own) => {
                let expected = self.lead.unwrap_or(0) as usize;
                if self.shares.len() < expected {
                    // The next share's arrival schedules the next slice.
                    self.step = Step::Wait(own);
                    (false, false)
                } else {
                    let mut parts = std::mem::take(&mut self.shares);
                    parts.push(own);
                    let merged = ChunkSummary::merge(parts);
                    match merged.and_then(|m| Simulation::assemble(&self.plan, m)) {
                        Some(results) => {
                            self.step = Step::Sensitivity(results);
                            (false, true)
                        }
                        None => {
                            messages.push(Outgoing::Plain(FromWorker::Reply(Reply::Failed {
                                id,
                                error: RunError::Stopped,
                            })));
                            (true, false)
                        }
                    }
                }
            }
            Step::Sensitivity(mut results) => {
                results.sensitivity = sensitivity(&self.plan);
                self.step = Step::Goal(results);
                (false, true)
            }
            Step::Goal(results) => {
                let goal = self.goal.map(|g| g.seek(&self.plan));
                let output = JobOutput {
                    results,
                    goal,
                    months: None,
                };
                let workers = self.lead.map_or(1, |k| k + 1);
                messages.push(Outgoing::Plain(FromWorker::Reply(Reply::Done {
                    id,
                    output,
                    workers,
                })));
                (true, false)
            }
            Step::Busy => (true, false),
        };
        SliceOut {
            messages,
            finished,
            again,
        }
    }
}
