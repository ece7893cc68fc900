//! `AppState` natively, against a scripted runner: every request the page
//! sends is recorded, and the test answers when and how it chooses. The
//! state's effects run on a small executor of the test's own thread
//! ([`settle`]), and its timers wait in a queue until the test fires them
//! ([`Page::fire_timers`]), so each step of a test is one thing the page
//! sees, in the order the test says.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};
use std::task::{Context, Wake, Waker};

use funnelcast_engine::Field;
use leptos::prelude::*;

use super::{AppState, FieldMsg, SimStatus, TIMERS};
use crate::fields::FieldId;
use crate::format::{Lang, ParseError};
use crate::presets::initial_doc;
use crate::runner::{run_job, Job, JobId, Reply, Request, RunError, Runner, RunnerHandle};

// --- An executor on the test's thread ---------------------------------------

type LocalFuture = Pin<Box<dyn Future<Output = ()>>>;

/// Set when the task's waker is called: it has something to do.
struct Woken(AtomicBool);

impl Wake for Woken {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

struct Task {
    future: RefCell<Option<LocalFuture>>,
    woken: Arc<Woken>,
}

thread_local! {
    static TASKS: RefCell<Vec<Rc<Task>>> = const { RefCell::new(Vec::new()) };
}

fn queue(future: LocalFuture) {
    let task = Rc::new(Task {
        future: RefCell::new(Some(future)),
        woken: Arc::new(Woken(AtomicBool::new(true))),
    });
    TASKS.with(|t| t.borrow_mut().push(task));
}

/// Leptos's effects are tasks on its executor: this one keeps each test
/// thread's tasks on that thread, run by [`settle`].
struct ThisThread;

impl any_spawner::CustomExecutor for ThisThread {
    fn spawn(&self, future: any_spawner::PinnedFuture<()>) {
        queue(future);
    }

    fn spawn_local(&self, future: any_spawner::PinnedLocalFuture<()>) {
        queue(future);
    }

    fn poll_local(&self) {
        settle();
    }
}

/// Runs every task that was woken until none is: the effects have seen
/// every change made so far.
fn settle() {
    for _ in 0..1_000 {
        let ready: Vec<Rc<Task>> = TASKS.with(|t| {
            t.borrow()
                .iter()
                .filter(|t| t.woken.0.swap(false, Ordering::SeqCst))
                .cloned()
                .collect()
        });
        if ready.is_empty() {
            return;
        }
        for task in ready {
            let waker = Waker::from(task.woken.clone());
            // A task being polled further up (a nested settle) is skipped.
            let Ok(mut slot) = task.future.try_borrow_mut() else {
                continue;
            };
            if let Some(future) = slot.as_mut() {
                if future
                    .as_mut()
                    .poll(&mut Context::from_waker(&waker))
                    .is_ready()
                {
                    *slot = None;
                }
            }
        }
        // Finished tasks go; one still being polled further up stays.
        TASKS.with(|t| {
            t.borrow_mut().retain(|t| match t.future.try_borrow() {
                Ok(f) => f.is_some(),
                Err(_) => true,
            })
        });
    }
    panic!("the effects never settle");
}

// --- A scripted runner -------------------------------------------------------

/// Where the page takes the runner's replies.
type OnReply = Rc<dyn Fn(Reply)>;

/// Records what the page asks for; answers only when the test says.
#[derive(Default)]
struct Script {
    requests: RefCell<Vec<Request>>,
    jobs: RefCell<HashMap<JobId, Job>>,
    on_reply: RefCell<Option<OnReply>>,
}

impl Runner for Script {
    fn connect(&self, on_reply: OnReply) {
        *self.on_reply.borrow_mut() = Some(on_reply);
    }

    fn send(&self, request: Request) {
        if let Request::Start(job) = &request {
            self.jobs.borrow_mut().insert(job.id, job.clone());
        }
        self.requests.borrow_mut().push(request);
    }
}

/// The state on its own, as the page would make it, with the script as its
/// runner.
struct Page {
    state: AppState,
    script: Rc<Script>,
    _owner: Owner,
}

impl Page {
    fn open() -> Page {
        static EXECUTOR: Once = Once::new();
        EXECUTOR.call_once(|| {
            any_spawner::Executor::init_custom_executor(ThisThread)
                .expect("no other executor in these tests");
        });
        TIMERS.with(|t| t.borrow_mut().clear());
        let owner = Owner::new();
        owner.set();
        let mut doc = initial_doc(Lang::En);
        // Small runs: the tests compute real results for their replies.
        doc.trials = 2_000;
        let script = Rc::new(Script::default());
        let runner = RunnerHandle::new(script.clone());
        let state = AppState::provide(doc, Signal::stored(Lang::En), runner);
        settle();
        Page {
            state,
            script,
            _owner: owner,
        }
    }

    /// The page opened and its first run answered: results are `done`.
    fn with_results() -> Page {
        let page = Page::open();
        assert_eq!(
            page.fire_timers(),
            vec![0],
            "the first run waits for nothing"
        );
        let first = page.started();
        page.done(first);
        assert_eq!(page.status(), SimStatus::Done);
        page
    }

    /// Fires the timers set so far (the debounce) and lets the effects
    /// settle; gives their delays.
    fn fire_timers(&self) -> Vec<u64> {
        let due: Vec<_> = TIMERS.with(|t| t.borrow_mut().drain(..).collect());
        let delays = due.iter().map(|(ms, _)| *ms).collect();
        for (_, f) in due {
            f();
        }
        settle();
        delays
    }

    /// The requests sent since the last look.
    fn requests(&self) -> Vec<Request> {
        self.script.requests.borrow_mut().drain(..).collect()
    }

    /// The one request since the last look is a start: its job's id.
    fn started(&self) -> JobId {
        match self.requests().as_slice() {
            [Request::Start(job)] => job.id,
            other => panic!("expected one start, got {other:?}"),
        }
    }

    fn job(&self, id: JobId) -> Job {
        self.script.jobs.borrow()[&id].clone()
    }

    fn reply(&self, reply: Reply) {
        let on_reply = self.script.on_reply.borrow().clone().expect("connected");
        on_reply(reply);
        settle();
    }

    /// Answers job `id` with its real results.
    fn done(&self, id: JobId) {
        let output = run_job(&self.job(id)).expect("a valid job");
        self.reply(Reply::Done {
            id,
            output,
            workers: 0,
        });
    }

    fn partial(&self, id: JobId) {
        let results = run_job(&self.job(id)).expect("a valid job").results;
        self.reply(Reply::Partial { id, results });
    }

    // The page reads these in views and effects; a test reads them once,
    // untracked.

    fn status(&self) -> SimStatus {
        untrack(|| self.state.status())
    }

    fn cancelled(&self) -> bool {
        untrack(|| self.state.run_cancelled())
    }

    fn error(&self) -> Option<RunError> {
        untrack(|| self.state.run_error())
    }

    /// The trials of the results on screen, whether they are partial, and
    /// the name they show for stage 0.
    fn shown(&self) -> Option<(u32, bool, String)> {
        untrack(|| {
            self.state.with_shown(|s| {
                s.map(|s| {
                    let name = match &s.doc.stages[0] {
                        crate::names::Label::Text(t) => t.clone(),
                        other => format!("{other:?}"),
                    };
                    (s.out.results.trials, s.partial, name)
                })
            })
        })
    }

    fn edit(&self, f: impl FnOnce(&mut crate::document::Document)) {
        self.state.edit(f);
        settle();
    }
}

const TRIALS: FieldId = FieldId::Model(Field::Trials);

// --- The rules ---------------------------------------------------------------

/// An edit makes the status `pending` at once; the job of the old inputs is
/// cancelled, and its late answer is not shown; the new inputs run after the
/// debounce and their results are `done`.
#[test]
fn an_edit_then_a_stale_reply_is_ignored() {
    let page = Page::open();
    page.fire_timers();
    let old = page.started();
    assert_eq!(page.status(), SimStatus::Running);

    page.state.edit(|d| d.trials = 3_000);
    assert_eq!(page.status(), SimStatus::Pending, "before any effect");
    settle();
    assert_eq!(page.requests(), vec![Request::Cancel(old)]);

    // The cancelled job answers anyway (it was already on its way).
    page.done(old);
    assert_eq!(page.shown(), None, "a stale job's results are never shown");
    assert_eq!(page.status(), SimStatus::Pending);

    assert_eq!(page.fire_timers(), vec![0], "still the first results");
    let new = page.started();
    assert_eq!(page.job(new).model.trials, 3_000);
    // Once more, now that another job is in flight: still not shown.
    page.partial(old);
    page.done(old);
    assert_eq!(
        page.shown(),
        None,
        "the old job's answer is not the new one's"
    );
    assert_eq!(page.status(), SimStatus::Running);
    page.done(new);
    assert_eq!(page.status(), SimStatus::Done);
    assert_eq!(page.shown().map(|s| s.0), Some(3_000));

    // Later edits wait for a pause in typing.
    page.edit(|d| d.trials = 4_000);
    assert_eq!(page.fire_timers(), vec![super::DEBOUNCE_MS]);
    assert_eq!(page.job(page.started()).model.trials, 4_000);
}

/// Renaming a stage changes no input of a run: no job starts, the status
/// stays `done`, and the results show the new name at once.
#[test]
fn a_label_edit_starts_no_job() {
    let page = Page::with_results();
    let gen = page.state.generation_untracked();
    page.edit(|d| d.rename_stage(0, "Reach".into()));
    assert_eq!(page.status(), SimStatus::Done);
    assert_eq!(page.fire_timers(), Vec::<u64>::new(), "no debounce either");
    assert_eq!(page.requests(), vec![]);
    assert_eq!(page.shown().map(|s| s.2), Some("Reach".into()));
    // The edit still counts for the address and the autosave.
    assert_eq!(page.state.generation_untracked(), gen + 1);

    // A rename while a run is on its way neither stops nor repeats it.
    page.edit(|d| d.trials = 3_000);
    page.fire_timers();
    let job = page.started();
    page.edit(|d| d.rename_stage(0, "Reach out".into()));
    page.fire_timers();
    assert_eq!(page.requests(), vec![]);
    assert_eq!(page.status(), SimStatus::Running);
    page.done(job);
    assert_eq!(page.requests(), vec![], "no second run for the label");
    assert_eq!(page.status(), SimStatus::Done);
    assert_eq!(page.shown().map(|s| s.2), Some("Reach out".into()));
}

/// Partial results are shown while the run goes on; cancelling it puts the
/// last complete results back, and the cancelled inputs do not run again
/// by themselves.
#[test]
fn partial_results_then_cancel_put_the_complete_ones_back() {
    let page = Page::with_results();
    page.edit(|d| d.trials = 3_000);
    page.fire_timers();
    let job = page.started();
    page.partial(job);
    assert_eq!(page.shown().map(|s| (s.0, s.1)), Some((3_000, true)));
    assert_eq!(page.status(), SimStatus::Running, "partial is not done");

    page.state.cancel_run();
    settle();
    assert_eq!(page.requests(), vec![Request::Cancel(job)]);
    assert_eq!(
        page.shown().map(|s| (s.0, s.1)),
        Some((2_000, false)),
        "the last complete results"
    );
    assert_eq!(page.status(), SimStatus::Pending);
    assert!(page.cancelled());
    page.fire_timers();
    assert_eq!(page.requests(), vec![], "a cancel holds");

    page.state.run_again();
    assert_eq!(page.job(page.started()).model.trials, 3_000);
    assert!(!page.cancelled());
}

/// A failed run: the status says `error` for its inputs (with the error),
/// the partial results go, and the next edit runs again.
#[test]
fn a_failure_is_an_error_until_the_inputs_change() {
    let page = Page::with_results();
    page.edit(|d| d.trials = 3_000);
    page.fire_timers();
    let job = page.started();
    page.partial(job);
    page.reply(Reply::Failed {
        id: job,
        error: RunError::Stopped,
    });
    assert_eq!(page.status(), SimStatus::Error);
    assert_eq!(page.error(), Some(RunError::Stopped));
    assert_eq!(page.shown().map(|s| (s.0, s.1)), Some((2_000, false)));
    assert_eq!(
        page.requests(),
        vec![],
        "a failure is not retried by itself"
    );

    page.edit(|d| d.trials = 4_000);
    assert_eq!(page.status(), SimStatus::Pending);
    page.fire_timers();
    let again = page.started();
    page.done(again);
    assert_eq!(page.status(), SimStatus::Done);
    assert_eq!(page.error(), None);
}

/// A drag starts a run at once, keeps it in flight while the slider moves
/// (no cancel), runs the latest inputs when it ends, and is one undo step.
#[test]
fn a_drag_keeps_one_job_in_flight_and_runs_the_latest_next() {
    let page = Page::with_results();
    let rate = FieldId::Model(Field::Rate(0, 2));
    let drag = |v: f64| {
        page.state.edit_drag(rate, |d| d.set_rate(0, 2, v));
        settle();
    };
    drag(0.40);
    assert_eq!(page.fire_timers(), Vec::<u64>::new(), "no debounce");
    let first = page.started();
    drag(0.41);
    drag(0.42);
    assert_eq!(page.requests(), vec![], "the job in flight goes on");
    assert_eq!(page.status(), SimStatus::Pending);

    page.done(first);
    let next = page.started();
    let rate_of = |id| match page.job(id).model.segments[0].rates[1] {
        funnelcast_engine::RateSpec::Fixed { value } => value,
        other => panic!("{other:?}"),
    };
    assert_eq!(rate_of(first), 0.40);
    assert_eq!(rate_of(next), 0.42, "the latest inputs, not every step");
    assert_eq!(page.status(), SimStatus::Running);
    page.done(next);
    assert_eq!(page.status(), SimStatus::Done);
    assert_eq!(page.requests(), vec![]);

    assert!(page.state.undo(), "the drag");
    assert!(!page.state.undo(), "one step");
}

/// An invalid field stops the run in flight and starts none; the last good
/// results stay on screen. Fixing it runs again.
#[test]
fn an_invalid_field_keeps_the_last_good_results() {
    let page = Page::with_results();
    page.edit(|d| d.trials = 3_000);
    page.fire_timers();
    let job = page.started();
    page.partial(job);

    // The engine refuses a rate above 100 %.
    page.edit(|d| d.set_rate(0, 1, 1.5));
    assert_eq!(page.status(), SimStatus::Invalid);
    assert_eq!(page.requests(), vec![Request::Cancel(job)]);
    page.fire_timers();
    assert_eq!(page.requests(), vec![], "nothing runs while invalid");
    assert_eq!(page.shown().map(|s| (s.0, s.1)), Some((2_000, false)));

    // A message typed in a box is as good as the engine's.
    page.edit(|d| d.set_rate(0, 1, 0.25));
    page.state
        .set_typed_error(TRIALS, FieldMsg::Parse(ParseError::NotANumber));
    settle();
    assert_eq!(page.status(), SimStatus::Invalid);
    page.fire_timers();
    assert_eq!(page.requests(), vec![]);

    page.state.clear_typed_error(TRIALS);
    settle();
    assert_eq!(page.status(), SimStatus::Pending);
    page.fire_timers();
    page.done(page.started());
    assert_eq!(page.status(), SimStatus::Done);
}

/// Typing into a box groups its keystrokes by the box: one undo step.
#[test]
fn typing_one_number_is_one_undo_step() {
    let page = Page::with_results();
    for t in [3_000, 30_000, 300_000] {
        page.state
            .typing(TRIALS, || page.state.edit(|d| d.trials = t));
    }
    page.state.edit(|d| d.seed = 7);
    assert!(page.state.undo(), "the seed");
    assert!(page.state.undo(), "the typed number");
    assert_eq!(page.state.doc_now().trials, 2_000);
    assert!(!page.state.undo());
}

/// Time mode is part of what a run depends on: switching it on runs the
/// months (the monthly figures arrive with the results), a lag whose slow
/// case is below its typical value stops runs with a message beside that
/// field, the last good results staying; switching off runs one period.
#[test]
fn time_mode_runs_the_months_and_a_bad_lag_waits_beside_its_field() {
    let page = Page::with_results();
    page.edit(|d| {
        d.set_time_on(true);
        d.set_horizon(6.0);
    });
    page.fire_timers();
    let job = page.started();
    let time = page.job(job).time.expect("a time-mode job");
    assert_eq!(time.horizon, 6);
    page.done(job);
    assert_eq!(page.status(), SimStatus::Done);
    let horizon = untrack(|| {
        page.state
            .with_shown(|s| s.and_then(|s| s.out.months.as_ref().map(|m| m.horizon)))
    });
    assert_eq!(horizon, Some(6));

    page.edit(|d| {
        d.set_lag(0, 1, false, 20.0);
        d.set_lag(0, 1, true, 10.0);
    });
    assert_eq!(page.status(), SimStatus::Invalid);
    let p90 = FieldId::Model(Field::LagP90(0, 1));
    assert!(untrack(|| page.state.field_msg(p90)).is_some());
    page.fire_timers();
    assert_eq!(page.requests(), vec![], "nothing runs while invalid");
    assert_eq!(
        page.shown().map(|s| s.1),
        Some(false),
        "the last results stay"
    );

    page.edit(|d| {
        d.set_time_on(false);
    });
    page.fire_timers();
    let job = page.started();
    assert_eq!(
        page.job(job).time,
        None,
        "a bad lag does not stop one period"
    );
}
