//! The page's state, shared through context, with clear readers and writers:
//!
//! - the [`Document`] is written only through [`AppState::edit`] (or
//!   [`AppState::edit_drag`] for a slider's live edits), which also counts the
//!   edit (the inputs' generation) and records the document before it for
//!   undo ([`AppState::undo`], [`AppState::redo`]), grouped by [`Group`];
//! - what a run depends on is a memo of the document ([`RunInputs`]: the
//!   model and the goal, not labels, currency or period); a memo notifies
//!   only when its value changes, so a label's edit never reaches the runner;
//! - field messages are keyed by typed [`FieldId`]s: those found where a value
//!   is typed (owned by their input) and those the engine or the document's
//!   own checks find (derived from the document); one memo says whether any
//!   is shown;
//! - the last results are kept together with the inputs and the document
//!   snapshot they were computed from; while their inputs are the current
//!   ones they are shown with the current labels;
//! - the run status is never set by hand: it is a memo comparing the current
//!   inputs with those of the results shown and of the job in flight.
//!
//! Runs go through the [`RunnerHandle`] from context, as messages.

use std::collections::HashMap;
use std::rc::Rc;

use funnelcast_engine::Problem;
use leptos::prelude::*;

use crate::document::{Document, RunInputs};
use crate::fields::FieldId;
use crate::format::{Lang, ParseError};
pub use crate::history::Group;
use crate::history::History;
use crate::names::MAX_NAME_CHARS;
use crate::runner::{GoalAsk, Job, JobId, JobOutput, Reply, Request, RunError, RunnerHandle};

// Natively only: the tests drive the effects on their own executor and
// fire the native timers by hand.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimStatus {
    /// The inputs changed and their run has not started (set at once by any
    /// edit, before the debounce).
    Pending,
    Running,
    /// The results shown belong to the current inputs.
    Done,
    /// A field message is shown; the last good results stay.
    Invalid,
    Error,
}

impl SimStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SimStatus::Pending => "pending",
            SimStatus::Running => "running",
            SimStatus::Done => "done",
            SimStatus::Invalid => "invalid",
            SimStatus::Error => "error",
        }
    }
}

/// A message beside a field: text that is not a number, or a number the
/// engine (or the page) refuses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldMsg {
    Parse(ParseError),
    Model(Problem),
    /// A message the field shows itself, in its own words (the paste box
    /// names the pasted value): here it only makes the inputs invalid.
    Own,
}

/// Results and the run they came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// What the run computed from: the results belong to the current inputs
    /// exactly when these are equal to them.
    pub inputs: RunInputs,
    /// The document the results are shown with: its labels, currency and
    /// period. From [`AppState::with_shown`], the current document while
    /// `inputs` are the current ones, else the one the run started from.
    pub doc: Document,
    pub out: JobOutput,
    /// The results of a run's first trials, while it goes on: the charts
    /// sharpen, the status stays `running`.
    pub partial: bool,
    /// How many workers shared the run (0: the page's own thread).
    pub workers: u32,
}

/// The job in flight.
#[derive(Clone, Debug, PartialEq)]
struct InFlight {
    id: JobId,
    /// What it runs; the document it started from gives its results'
    /// labels.
    inputs: RunInputs,
    doc: Document,
    /// Share of trials done, once the runner says.
    progress: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Run {
    job: Option<InFlight>,
    /// The last failure and the inputs it ran.
    failed: Option<(RunInputs, RunError)>,
    /// The inputs whose run the user cancelled: not run again by itself
    /// until the inputs change (or [`AppState::run_again`]).
    cancelled: Option<RunInputs>,
    next_id: JobId,
}

#[derive(Clone, Copy)]
pub struct AppState {
    doc: RwSignal<Document>,
    pub lang: Signal<Lang>,
    /// Bumped by every edit of the document, labels included (the address
    /// and the autosave follow it; runs follow `inputs`).
    edits: RwSignal<u64>,
    /// What a run depends on. As a memo it notifies only when it changes.
    inputs: Memo<RunInputs>,
    /// Messages found where a value is typed (not a number, not whole, …),
    /// owned by their input: it clears them when it goes or is rewritten.
    typed: RwSignal<HashMap<FieldId, FieldMsg>>,
    /// Messages the engine's validation and the document's checks find.
    checked: Memo<HashMap<FieldId, Problem>>,
    /// No message anywhere: the inputs may run. The one place this is
    /// decided (the status, the effect that starts runs and `start` read it).
    valid: Memo<bool>,
    run: RwSignal<Run>,
    /// The last results, as they arrived.
    shown: RwSignal<Option<Shown>>,
    /// `shown` as the page shows it: with the current labels while its
    /// inputs are the current ones (a renamed stage is renamed in the
    /// results at once, and no run is needed for it).
    on_screen: Memo<Option<Shown>>,
    /// While partial results are shown: the last complete ones, shown again
    /// when their run is cancelled or fails (a cancelled run leaves no
    /// half-finished figures behind).
    complete: StoredValue<Option<Shown>>,
    status: Memo<SimStatus>,
    runner: RunnerHandle,
    history: RwSignal<History>,
    /// While [`AppState::typing`] applies a typed value: its group. The value
    /// reaches the document through a callback the box's owner wrote, which
    /// calls plain [`AppState::edit`]; this is how that edit learns its box.
    typing: StoredValue<Option<Group>>,
    /// Counts the debounce's timers: a timer starts a run only if it is the
    /// latest (every change of the inputs or their validity restarts the
    /// pause, and an invalid field voids it).
    debounce: StoredValue<u64>,
}

pub fn use_state() -> AppState {
    expect_context::<AppState>()
}

/// Typing pauses this long before a run starts.
const DEBOUNCE_MS: u64 = 120;

impl AppState {
    /// Creates the state, connects it to the runner and provides it as context.
    pub fn provide(doc: Document, lang: Signal<Lang>, runner: RunnerHandle) -> AppState {
        let doc = RwSignal::new(doc);
        let inputs = Memo::new(move |_| doc.with(Document::run_inputs));
        let checked = Memo::new(move |_| doc.with(check));
        let typed = RwSignal::new(HashMap::new());
        let valid =
            Memo::new(move |_| typed.with(HashMap::is_empty) && checked.with(HashMap::is_empty));
        let run = RwSignal::new(Run::default());
        let shown = RwSignal::new(None::<Shown>);
        let on_screen = Memo::new(move |_| {
            shown.with(|s| {
                s.as_ref().map(|s| {
                    let mut s = s.clone();
                    if inputs.with(|i| *i == s.inputs) {
                        s.doc = doc.get();
                    }
                    s
                })
            })
        });
        let status = Memo::new(move |_| {
            if !valid.get() {
                return SimStatus::Invalid;
            }
            inputs.with(|now| {
                if shown.with(|s| s.as_ref().is_some_and(|s| !s.partial && s.inputs == *now)) {
                    return SimStatus::Done;
                }
                run.with(|r| {
                    if r.job.as_ref().is_some_and(|j| j.inputs == *now) {
                        SimStatus::Running
                    } else if r.failed.as_ref().is_some_and(|(i, _)| i == now) {
                        SimStatus::Error
                    } else {
                        SimStatus::Pending
                    }
                })
            })
        });
        let state = AppState {
            doc,
            lang,
            edits: RwSignal::new(0),
            inputs,
            typed,
            checked,
            valid,
            run,
            shown,
            on_screen,
            complete: StoredValue::new(None),
            status,
            runner,
            history: RwSignal::new(History::default()),
            typing: StoredValue::new(None),
            debounce: StoredValue::new(0),
        };
        provide_context(state);
        runner.connect(Rc::new(move |reply| state.on_reply(reply)));
        state.drive();
        state
    }

    // --- Readers -----------------------------------------------------------

    /// Reads the document (tracked).
    pub fn with_doc<R>(&self, f: impl FnOnce(&Document) -> R) -> R {
        self.doc.with(f)
    }

    /// A copy of the document, untracked (for an event handler).
    pub fn doc_now(&self) -> Document {
        self.doc.get_untracked()
    }

    pub fn status(&self) -> SimStatus {
        self.status.get()
    }

    /// The share of trials done while a run takes more than one slice.
    pub fn progress(&self) -> Option<f64> {
        self.run.with(|r| r.job.as_ref().and_then(|j| j.progress))
    }

    /// The user cancelled the run of the current inputs.
    pub fn run_cancelled(&self) -> bool {
        self.inputs.with(|now| {
            self.run
                .with(|r| r.job.is_none() && r.cancelled.as_ref() == Some(now))
        })
    }

    pub fn run_error(&self) -> Option<RunError> {
        self.run.with(|r| r.failed.as_ref().map(|(_, e)| e.clone()))
    }

    /// Reads the results on screen and their document (tracked).
    pub fn with_shown<R>(&self, f: impl FnOnce(Option<&Shown>) -> R) -> R {
        self.on_screen.with(|s| f(s.as_ref()))
    }

    /// The message beside a field, if any: a typed one first.
    pub fn field_msg(&self, field: FieldId) -> Option<FieldMsg> {
        if let Some(e) = self.typed.with(|m| m.get(&field).copied()) {
            return Some(e);
        }
        self.checked
            .with(|m| m.get(&field).copied())
            .map(FieldMsg::Model)
    }

    // --- Writers -----------------------------------------------------------

    /// Applies an edit to the document; results are pending from now on if
    /// it changed what a run depends on. One undo step (or part of the
    /// typed number being applied, see [`AppState::typing`]).
    pub fn edit(&self, f: impl FnOnce(&mut Document)) {
        self.edit_in(self.typing.get_value(), f);
    }

    /// A live edit (a slider's `input` events on `field`): edits of one
    /// drag are one undo step, and runs are throttled instead of debounced
    /// (see [`AppState::drive`]).
    pub fn edit_drag(&self, field: FieldId, f: impl FnOnce(&mut Document)) {
        self.edit_in(Some(Group::Drag(field)), f);
    }

    /// Runs `apply` (which edits the document through [`AppState::edit`])
    /// as typing into the box `field`: the keystrokes of one value, close
    /// together, are one undo step.
    pub fn typing(&self, field: FieldId, apply: impl FnOnce()) {
        let outer = self.typing.get_value();
        self.typing.set_value(Some(Group::Typing(field)));
        apply();
        self.typing.set_value(outer);
    }

    fn edit_in(&self, group: Option<Group>, f: impl FnOnce(&mut Document)) {
        let before = self.doc.get_untracked();
        self.doc.update(f);
        if self.doc.with_untracked(|d| *d != before) {
            let now = now_ms();
            self.history.update(|h| h.record(&before, group, now));
        }
        self.edits.update(|g| *g += 1);
    }

    /// Replaces the whole document (a file, another tab's model, the
    /// shared version): one undo step, like any edit.
    pub fn replace_doc(&self, doc: Document) {
        self.edit(|d| *d = doc);
    }

    /// Goes back one edit; false when there is none.
    pub fn undo(&self) -> bool {
        self.step(true)
    }

    pub fn redo(&self) -> bool {
        self.step(false)
    }

    fn step(&self, back: bool) -> bool {
        let cur = self.doc.get_untracked();
        let mut to = None;
        self.history.update(|h| {
            to = if back { h.undo(&cur) } else { h.redo(&cur) };
        });
        let Some(to) = to else { return false };
        self.doc.set(to);
        self.edits.update(|g| *g += 1);
        true
    }

    pub fn can_undo(&self) -> bool {
        self.history.with(History::can_undo)
    }

    pub fn can_redo(&self) -> bool {
        self.history.with(History::can_redo)
    }

    /// The edits' generation (tracked): bumped by every edit, labels
    /// included.
    pub fn generation(&self) -> u64 {
        self.edits.get()
    }

    pub fn generation_untracked(&self) -> u64 {
        self.edits.get_untracked()
    }

    /// What a run of the current document depends on (tracked): changes
    /// only when the model or the goal does.
    pub fn run_inputs(&self) -> RunInputs {
        self.inputs.get()
    }

    pub fn set_typed_error(&self, field: FieldId, e: FieldMsg) {
        self.typed.update(|m| {
            m.insert(field, e);
        });
    }

    pub fn clear_typed_error(&self, field: FieldId) {
        if self.typed.with_untracked(|m| m.contains_key(&field)) {
            self.typed.update(|m| {
                m.remove(&field);
            });
        }
    }

    // --- Runs --------------------------------------------------------------

    /// Gives up the run in flight (`sim-cancel`): the results shown stay,
    /// marked as older than the inputs, until the inputs change or
    /// [`AppState::run_again`].
    pub fn cancel_run(&self) {
        let Some(job) = self.run.with_untracked(|r| r.job.clone()) else {
            return;
        };
        self.drop_job(job.id);
        self.run.update(|r| r.cancelled = Some(job.inputs));
    }

    /// Tells the runner to give up job `id`, forgets it and puts the last
    /// complete results back in place of its partial ones.
    fn drop_job(&self, id: JobId) {
        self.runner.send(Request::Cancel(id));
        self.run.update(|r| r.job = None);
        self.drop_partial();
    }

    /// The last complete results again, in place of a stopped run's partial
    /// ones.
    fn drop_partial(&self) {
        if self
            .shown
            .with_untracked(|s| s.as_ref().is_some_and(|s| s.partial))
        {
            let complete = self.complete.get_value();
            self.shown.set(complete);
        }
        self.complete.set_value(None);
    }

    /// Runs the current inputs again after a cancel.
    pub fn run_again(&self) {
        self.run.update(|r| r.cancelled = None);
        self.start();
    }

    /// Whenever the inputs or their validity change (never for labels or
    /// view settings, which the inputs' memo leaves out): a job for other
    /// inputs is cancelled; with every field good, a run starts after a
    /// short pause, unless the results shown are already these inputs'.
    ///
    /// A slider's live steps are throttled instead: a step starts a run at
    /// once when none is in flight; while one is, it goes on, its results
    /// are shown when they come, and the latest inputs run right after (see
    /// `on_reply`). So a drag shows results as fast as runs finish, where
    /// cancelling every 16 ms would show none until the drag stops.
    fn drive(self) {
        Effect::new(move |before: Option<RunInputs>| {
            let valid = self.valid.get();
            let now = self.inputs.get();
            // Whatever the debounce was waiting for is void now.
            let ticket = self.debounce.get_value() + 1;
            self.debounce.set_value(ticket);
            let moved = before.as_ref().is_some_and(|b| *b != now);
            if moved && self.run.with_untracked(|r| r.cancelled.is_some()) {
                // New inputs: a cancel was about the old ones.
                self.run.update(|r| r.cancelled = None);
            }
            // The document is being dragged: the edit that changed the
            // inputs was a slider's, as the undo history records it.
            let dragging = self
                .history
                .with_untracked(|h| matches!(h.last_group(), Some(Group::Drag(_))));
            let stale = self
                .run
                .with_untracked(|r| r.job.as_ref().filter(|j| j.inputs != now).map(|j| j.id));
            if let Some(stale) = stale {
                if dragging && valid {
                    return now;
                }
                self.drop_job(stale);
            }
            let idle = self
                .run
                .with_untracked(|r| r.job.is_none() && r.cancelled.as_ref() != Some(&now));
            let current = self
                .shown
                .with_untracked(|s| s.as_ref().is_some_and(|s| s.inputs == now));
            if !valid || !idle || current {
                return now;
            }
            if dragging {
                self.start();
                return now;
            }
            // The first results wait for nothing: no one is typing yet, and
            // on a slow link every millisecond before them counts.
            let first = self.shown.with_untracked(Option::is_none);
            after(if first { 0 } else { DEBOUNCE_MS }, move || {
                if self.debounce.get_value() == ticket {
                    self.start();
                }
            });
            now
        });
    }

    /// Starts a job for the current inputs, if they are valid and no job is
    /// in flight.
    fn start(self) {
        if !self.valid.get_untracked() || self.run.with_untracked(|r| r.job.is_some()) {
            return;
        }
        let doc = self.doc.get_untracked();
        let inputs = self.inputs.get_untracked();
        let goal = doc.goal.target.map(|target| GoalAsk {
            target,
            prob: doc.goal.prob,
            lever: doc.goal_lever(),
        });
        let model = inputs.model.clone();
        let time = inputs.time.clone();
        let mut id = 0;
        self.run.update(|r| {
            r.next_id += 1;
            id = r.next_id;
            r.job = Some(InFlight {
                id,
                inputs,
                doc,
                progress: None,
            });
        });
        #[cfg(target_arch = "wasm32")]
        crate::runner::timing::mark("funnelcast:sim:start");
        self.runner.send(Request::Start(Job {
            id,
            model,
            goal,
            time,
        }));
    }

    /// After a job ends: if the inputs moved on while it ran (a drag), the
    /// latest ones run now.
    fn run_latest(self, ran: &RunInputs) {
        if self.inputs.with_untracked(|now| now != ran) {
            self.start();
        }
    }

    fn on_reply(self, reply: Reply) {
        let current = self
            .run
            .with_untracked(|r| r.job.as_ref().is_some_and(|j| j.id == reply.id()));
        if !current {
            // A cancelled or replaced job: its results are never shown.
            return;
        }
        match reply {
            Reply::Progress {
                trials_done,
                trials,
                ..
            } => self.run.update(|r| {
                if let Some(j) = &mut r.job {
                    j.progress = Some(trials_done as f64 / trials.max(1) as f64);
                }
            }),
            // A worker's results so far: the charts sharpen while it goes on.
            Reply::Partial { results, .. } => {
                let Some(job) = self.run.with_untracked(|r| r.job.clone()) else {
                    return;
                };
                // The goal is answered at the end: the last answer stays.
                let goal = self
                    .shown
                    .with_untracked(|s| s.as_ref().and_then(|s| s.out.goal.clone()));
                if let Some(prev) = self.shown.get_untracked().filter(|s| !s.partial) {
                    self.complete.set_value(Some(prev));
                }
                self.shown.set(Some(Shown {
                    inputs: job.inputs,
                    doc: job.doc,
                    out: JobOutput {
                        results,
                        goal,
                        months: None,
                    },
                    partial: true,
                    workers: 0,
                }));
            }
            Reply::Done {
                output, workers, ..
            } => {
                let Some(job) = self.run.with_untracked(|r| r.job.clone()) else {
                    return;
                };
                #[cfg(target_arch = "wasm32")]
                {
                    use crate::runner::timing;
                    timing::mark("funnelcast:sim:end");
                    timing::measure(
                        "funnelcast:sim",
                        "funnelcast:sim:start",
                        "funnelcast:sim:end",
                        &timing::Detail::of(&job.inputs.model),
                    );
                }
                self.run.update(|r| {
                    r.job = None;
                    r.failed = None;
                });
                self.complete.set_value(None);
                self.shown.set(Some(Shown {
                    inputs: job.inputs.clone(),
                    doc: job.doc,
                    out: output,
                    partial: false,
                    workers,
                }));
                #[cfg(target_arch = "wasm32")]
                crate::runner::timing::measure_render();
                self.run_latest(&job.inputs);
            }
            Reply::Failed { error, .. } => {
                let Some(job) = self.run.with_untracked(|r| r.job.clone()) else {
                    return;
                };
                self.run.update(|r| {
                    r.job = None;
                    r.failed = Some((job.inputs.clone(), error));
                });
                self.drop_partial();
                self.run_latest(&job.inputs);
            }
        }
    }
}

/// Runs `f` after `ms` milliseconds: a browser timer on the page; natively
/// (the tests) a queue of this thread that a test fires by hand, so the
/// test decides when time passes.
fn after(ms: u64, f: impl FnOnce() + 'static) {
    #[cfg(target_arch = "wasm32")]
    set_timeout(f, std::time::Duration::from_millis(ms));
    #[cfg(not(target_arch = "wasm32"))]
    TIMERS.with(|t| t.borrow_mut().push((ms, Box::new(f))));
}

/// A timer's delay and what it runs.
#[cfg(not(target_arch = "wasm32"))]
type Timer = (u64, Box<dyn FnOnce()>);

#[cfg(not(target_arch = "wasm32"))]
thread_local! {
    static TIMERS: std::cell::RefCell<Vec<Timer>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Milliseconds, for coalescing a drag's edits (any clock will do).
fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }
}

/// The messages a document gets without anything typed: the engine's
/// validation of every value and the page's own checks of names.
fn check(d: &Document) -> HashMap<FieldId, Problem> {
    let mut m: HashMap<FieldId, Problem> = match d.plan() {
        Ok(_) => HashMap::new(),
        Err(errs) => errs
            .into_iter()
            .map(|e| (FieldId::Model(e.field), e.problem))
            .collect(),
    };
    for f in d.name_problems() {
        m.insert(
            f,
            Problem::TooMany {
                max: MAX_NAME_CHARS,
            },
        );
    }
    m
}
