//! The page's state, shared through context, with clear readers and writers:
//!
//! - the [`Document`] is written only through [`AppState::edit`] (or
//!   [`AppState::edit_drag`] for a slider's live edits), which also counts the
//!   edit (the inputs' generation) and records the document before it for
//!   undo ([`AppState::undo`], [`AppState::redo`]);
//! - field messages are keyed by typed [`FieldId`]s: those found where a value
//!   is typed (owned by their input) and those the engine or the document's
//!   own checks find (derived from the document);
//! - the last results are kept together with the document snapshot they were
//!   computed from, so they always show the labels they were computed with;
//! - the run status is never set by hand: it is a memo of the inputs'
//!   generation, the job in flight and the shown results' generation.
//!
//! Runs go through the [`RunnerHandle`] from context, as messages.

use std::collections::HashMap;
use std::rc::Rc;

use funnelcast_engine::Problem;
use leptos::prelude::*;

use crate::document::Document;
use crate::fields::FieldId;
use crate::format::{Lang, ParseError};
use crate::names::MAX_NAME_CHARS;
use crate::runner::{GoalAsk, Job, JobId, JobOutput, Reply, Request, RunError, RunnerHandle};
use crate::share::history::History;

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

/// Results on screen and the document they were computed from.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// The inputs' generation they belong to.
    pub gen: u64,
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
    gen: u64,
    doc: Document,
    /// Share of trials done, once the runner says.
    progress: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Run {
    job: Option<InFlight>,
    /// The last failure and the generation it belongs to.
    failed: Option<(u64, RunError)>,
    /// The generation whose run the user cancelled.
    cancelled: Option<u64>,
    next_id: JobId,
}

#[derive(Clone, Copy)]
pub struct AppState {
    doc: RwSignal<Document>,
    pub lang: Signal<Lang>,
    /// Bumped by every edit of the document.
    edits: RwSignal<u64>,
    /// Messages found where a value is typed (not a number, not whole, …),
    /// owned by their input: it clears them when it goes or is rewritten.
    typed: RwSignal<HashMap<FieldId, FieldMsg>>,
    /// Messages the engine's validation and the document's checks find.
    checked: Memo<HashMap<FieldId, Problem>>,
    run: RwSignal<Run>,
    shown: RwSignal<Option<Shown>>,
    /// While partial results are shown: the last complete ones, shown again
    /// when their run is cancelled or fails (a cancelled run leaves no
    /// half-finished figures behind).
    complete: StoredValue<Option<Shown>>,
    status: Memo<SimStatus>,
    runner: RunnerHandle,
    history: RwSignal<History>,
    /// While a value typed into a box is applied: the box's key, so the
    /// keystrokes of one number are one undo step.
    typing: StoredValue<Option<u64>>,
    /// The last edit was a slider's live step: runs are throttled, not
    /// debounced (see [`AppState::drive`]).
    live: StoredValue<bool>,
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
        let checked = Memo::new(move |_| doc.with(check));
        let typed = RwSignal::new(HashMap::new());
        let edits = RwSignal::new(0u64);
        let run = RwSignal::new(Run::default());
        let shown = RwSignal::new(None::<Shown>);
        let status = Memo::new(move |_| {
            let bad = !typed.with(HashMap::is_empty) || !checked.with(HashMap::is_empty);
            if bad {
                return SimStatus::Invalid;
            }
            let gen = edits.get();
            if shown.with(|s| s.as_ref().is_some_and(|s| s.gen == gen && !s.partial)) {
                return SimStatus::Done;
            }
            run.with(|r| {
                if r.failed.as_ref().is_some_and(|(g, _)| *g == gen) {
                    SimStatus::Error
                } else if r.job.as_ref().is_some_and(|j| j.gen == gen) {
                    SimStatus::Running
                } else {
                    SimStatus::Pending
                }
            })
        });
        let state = AppState {
            doc,
            lang,
            edits,
            typed,
            checked,
            run,
            shown,
            complete: StoredValue::new(None),
            status,
            runner,
            history: RwSignal::new(History::default()),
            typing: StoredValue::new(None),
            live: StoredValue::new(false),
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

    /// Reads the document, untracked.
    pub fn with_doc_untracked<R>(&self, f: impl FnOnce(&Document) -> R) -> R {
        self.doc.with_untracked(f)
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
        let gen = self.edits.get();
        self.run
            .with(|r| r.cancelled == Some(gen) && r.job.is_none())
    }

    pub fn run_error(&self) -> Option<RunError> {
        self.run.with(|r| r.failed.as_ref().map(|(_, e)| e.clone()))
    }

    /// Reads the results on screen and their document (tracked).
    pub fn with_shown<R>(&self, f: impl FnOnce(Option<&Shown>) -> R) -> R {
        self.shown.with(|s| f(s.as_ref()))
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

    /// Applies an edit to the document; results are pending from now on.
    /// One undo step.
    pub fn edit(&self, f: impl FnOnce(&mut Document)) {
        self.edit_as(None, f);
    }

    /// A live edit (a slider's `input` events): edits with the same `key`
    /// in a row are one undo step, so one undo takes a whole drag back.
    pub fn edit_drag(&self, key: u64, f: impl FnOnce(&mut Document)) {
        self.edit_as(Some(key), f);
    }

    /// Runs `apply` (which edits the document) as typing into the box
    /// `field`: the keystrokes of one value, close together, are one undo step.
    pub fn typing(&self, field: FieldId, apply: impl FnOnce()) {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        field.hash(&mut h);
        // The top bit set: never a slider's key.
        self.typing.set_value(Some(h.finish() | 1 << 63));
        apply();
        self.typing.set_value(None);
    }

    fn edit_as(&self, drag: Option<u64>, f: impl FnOnce(&mut Document)) {
        self.live.set_value(drag.is_some());
        let drag = drag.or(self.typing.get_value());
        let before = self.doc.get_untracked();
        self.doc.update(f);
        if self.doc.with_untracked(|d| *d != before) {
            let now = now_ms();
            self.history.update(|h| h.record(&before, drag, now));
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

    /// The inputs' generation (tracked): bumped by every edit.
    pub fn generation(&self) -> u64 {
        self.edits.get()
    }

    pub fn generation_untracked(&self) -> u64 {
        self.edits.get_untracked()
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
    /// marked as older than the inputs, until the next edit or
    /// [`AppState::run_again`].
    pub fn cancel_run(&self) {
        let Some(job) = self.run.with_untracked(|r| r.job.clone()) else {
            return;
        };
        self.runner.send(Request::Cancel(job.id));
        self.run.update(|r| {
            r.job = None;
            r.cancelled = Some(job.gen);
        });
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
        let gen = self.edits.get_untracked();
        self.run.update(|r| r.cancelled = None);
        self.start(gen);
    }

    /// After every edit (and whenever the fields turn good): a stale job is
    /// cancelled; with every field good, a run starts after a short pause —
    /// unless only labels or view settings changed, which need none.
    ///
    /// A slider's live steps are throttled instead: a step starts a run at
    /// once when none is in flight; while one is, it goes on, its results
    /// are shown when they come, and the latest inputs run right after (see
    /// `on_reply`). So a drag shows results as fast as runs finish, where
    /// cancelling every 16 ms would show none until the drag stops.
    fn drive(self) {
        Effect::new(move |_| {
            let gen = self.edits.get();
            let good = self.typed.with(HashMap::is_empty) && self.checked.with(HashMap::is_empty);
            let live = self.live.get_value();
            if let Some(stale) = self
                .run
                .with_untracked(|r| r.job.as_ref().filter(|j| j.gen != gen).map(|j| j.id))
            {
                if live && good {
                    return;
                }
                self.runner.send(Request::Cancel(stale));
                self.run.update(|r| r.job = None);
                self.drop_partial();
            }
            if !good || self.run.with_untracked(|r| r.job.is_some()) {
                return;
            }
            let doc = self.doc.get_untracked();
            let same_run = self.shown.with_untracked(|s| {
                s.as_ref().is_some_and(|s| {
                    !s.partial && s.gen != gen && s.doc.run_inputs() == doc.run_inputs()
                })
            });
            if same_run {
                self.shown.update(|s| {
                    if let Some(s) = s {
                        s.gen = gen;
                        s.doc = doc;
                    }
                });
                return;
            }
            if self
                .shown
                .with_untracked(|s| s.as_ref().is_some_and(|s| s.gen == gen))
            {
                return;
            }
            // The first results wait for nothing: no one is typing yet, and
            // on a slow link every millisecond before them counts.
            let first = self.shown.with_untracked(Option::is_none);
            if live {
                self.start(gen);
                return;
            }
            set_timeout(
                move || {
                    if self.edits.get_untracked() == gen {
                        self.start(gen);
                    }
                },
                std::time::Duration::from_millis(if first { 0 } else { DEBOUNCE_MS }),
            );
        });
    }

    fn start(self, gen: u64) {
        let good = self.typed.with_untracked(HashMap::is_empty)
            && self.checked.with_untracked(HashMap::is_empty);
        if !good || self.run.with_untracked(|r| r.job.is_some()) {
            return;
        }
        let doc = self.doc.get_untracked();
        let model = doc.model();
        let goal = doc.goal.target.map(|target| GoalAsk {
            target,
            prob: doc.goal.prob,
            lever: doc.goal_lever(),
        });
        let mut id = 0;
        self.run.update(|r| {
            r.next_id += 1;
            id = r.next_id;
            r.job = Some(InFlight {
                id,
                gen,
                doc,
                progress: None,
            });
        });
        #[cfg(target_arch = "wasm32")]
        crate::runner::timing::mark("funnelcast:sim:start");
        self.runner.send(Request::Start(Job { id, model, goal }));
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
                    gen: job.gen,
                    doc: job.doc,
                    out: JobOutput { results, goal },
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
                        &timing::Detail::of(&job.doc.model()),
                    );
                }
                self.run.update(|r| {
                    r.job = None;
                    r.failed = None;
                });
                self.complete.set_value(None);
                self.shown.set(Some(Shown {
                    gen: job.gen,
                    doc: job.doc,
                    out: output,
                    partial: false,
                    workers,
                }));
                #[cfg(target_arch = "wasm32")]
                crate::runner::timing::measure_render();
                // A drag moved on while this ran: its latest inputs now.
                let now = self.edits.get_untracked();
                if job.gen != now {
                    self.start(now);
                }
            }
            Reply::Failed { error, .. } => {
                let mut failed_gen = None;
                self.run.update(|r| {
                    if let Some(j) = r.job.take() {
                        failed_gen = Some(j.gen);
                        r.failed = Some((j.gen, error));
                    }
                });
                self.drop_partial();
                // A drag moved on while this ran: its latest inputs now.
                let now = self.edits.get_untracked();
                if failed_gen.is_some_and(|g| g != now) {
                    self.start(now);
                }
            }
        }
    }
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
