//! The page's runner in the browser: jobs go to Web Workers, so the page's
//! own thread only sends messages and draws results.
//!
//! Each worker runs the page's own WebAssembly module: `assets/worker.js`
//! imports the page's JS glue and instantiates the `WebAssembly.Module` the
//! page posts it (already compiled, nothing downloaded twice), and `main`
//! starts the worker's loop there ([`super::in_worker`]). One worker starts
//! with the page; more are started when a long run is shared
//! ([`set_workers`]: `auto` uses the browser's `hardwareConcurrency`, at most
//! [`MAX_WORKERS`]).
//!
//! Until the first worker is ready (on a slow link it fetches two small
//! scripts after the page started), and wherever no worker can start (no
//! module workers, a host that refuses the script), jobs run on the page's
//! thread ([`MainThreadRunner`]) in short slices: the first results never
//! wait for a worker. A worker that fails after it started fails its job
//! with [`RunError::Stopped`]; the next job starts a new one.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use funnelcast_engine::simulate::key_blocks;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

use super::protocol::{from_js, share_buffers, split, to_js, FromWorker, ToWorker};
use super::{Job, JobId, MainThreadRunner, Reply, Request, RunError, Runner};

/// More workers than this stop paying off (the summaries are assembled by
/// one of them) and cost memory: each holds its portion of the draws.
pub const MAX_WORKERS: u32 = 4;
/// A worker's portion is at least this many key blocks (of 4,096 trials):
/// shorter runs are quicker on one worker than with a hand-over.
const MIN_BLOCKS: u32 = 16;
/// A run of more draws (trials × runs) than this is not shared: the lead
/// holds every draw to merge them, and each helper keeps its portion's memory
/// (WebAssembly memory does not shrink), so sharing the largest w4 run the
/// limits allow (2M trials × 4 runs) took the tab from 443 to 602 MB
/// (docs/benchmarks.md); at this size and below it stays well under 500 MB.
const MAX_SHARED_DRAWS: u64 = 4_000_000;
/// The worker script, beside `index.html` (relative: any sub-path works).
const SCRIPT: &str = "./worker.js";

thread_local! {
    /// The `workers` setting: 0 is `auto`.
    static WANTED: Cell<u32> = const { Cell::new(0) };
}

/// Sets how many workers share a run (0: `auto`); the next run uses it.
pub fn set_workers(n: u32) {
    WANTED.with(|w| w.set(n.min(MAX_WORKERS)));
}

pub fn workers_setting() -> u32 {
    WANTED.with(Cell::get)
}

/// The workers a run may use now.
fn wanted() -> u32 {
    match WANTED.with(Cell::get) {
        0 => web_sys::window()
            .map(|w| w.navigator().hardware_concurrency() as u32)
            .unwrap_or(1)
            .clamp(1, MAX_WORKERS),
        n => n,
    }
}

struct Slot {
    worker: Worker,
    ready: bool,
    /// When the worker was last heard from (any message, a `Pong` too).
    heard: f64,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

/// A job on its workers: the slot of each portion, its progress.
struct Running {
    id: JobId,
    /// One per portion; the first is the lead.
    portions: Vec<Portion>,
    /// The job itself, to run again on a new worker if one goes silent.
    job: Job,
    /// When it was sent, and when any of its workers was last heard from.
    started: f64,
    last_heard: f64,
}

/// One worker's portion of a job, and how far it has got.
struct Portion {
    slot: usize,
    trials_done: u32,
    trials: u32,
}

#[derive(Default)]
struct Pool {
    on_reply: Option<Rc<dyn Fn(Reply)>>,
    glue: String,
    module: JsValue,
    slots: Vec<Option<Slot>>,
    /// The job on the workers.
    running: Option<Running>,
    /// Runs jobs while no worker is ready, and for good where none starts.
    local: Rc<MainThreadRunner>,
    /// The job on the page's thread.
    local_job: Option<JobId>,
    /// Set once workers turned out not to start here.
    no_workers: bool,
    /// The liveness check's interval while a job is on the workers.
    watchdog: Option<i32>,
    /// A job waiting for a worker's `Ready`: too heavy for the page's
    /// thread before the first worker is up, or run again after its worker
    /// went silent.
    rerun: Option<Job>,
    /// The job already run again once: a second silence fails it.
    rerun_id: Option<JobId>,
}

/// A worker is dead when it stays silent longer than this plus twice the
/// time its job had run when it was last heard from: a worker that closed
/// itself (`self.close()`) or was killed sends no error event, only
/// silence. A live worker answers a `Ping` between its slices (20 ms), but
/// the sensitivity and the goal seek are one slice each, about a tenth of
/// the draws' time for the sensitivity and a few seconds at most for the
/// goal seek (at most 20,000 trials an evaluation), hence the job-scaled
/// part.
const SILENCE_MS: f64 = 6_000.0;
/// How often the page pings the workers of a running job.
const PING_MS: i32 = 1_000;

pub struct WorkerRunner {
    pool: Rc<RefCell<Pool>>,
}

impl WorkerRunner {
    /// A runner whose first worker starts once the page has shown its first
    /// results (its scripts then never compete with the page's own download
    /// on a slow link), or `None` where this page cannot start workers (the
    /// caller then runs jobs on the page).
    pub fn new() -> Option<Self> {
        let glue = web_sys::window()?
            .document()?
            .query_selector("link[rel=modulepreload]")
            .ok()??
            .dyn_into::<web_sys::HtmlLinkElement>()
            .ok()?
            .href();
        let module = wasm_bindgen::module();
        if !module.is_object() {
            return None;
        }
        let pool = Rc::new(RefCell::new(Pool {
            glue,
            module,
            ..Pool::default()
        }));
        Some(WorkerRunner { pool })
    }
}

/// Starts the worker of slot `i`; false when the browser refuses.
fn spawn(pool: &Rc<RefCell<Pool>>, i: usize) -> bool {
    let opts = WorkerOptions::new();
    opts.set_type(WorkerType::Module);
    opts.set_name(&format!("funnelcast-{i}"));
    let Ok(worker) = Worker::new_with_options(SCRIPT, &opts) else {
        return false;
    };
    let weak = Rc::downgrade(pool);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if let Some(pool) = weak.upgrade() {
            on_message(&pool, i, e.data());
        }
    });
    let weak = Rc::downgrade(pool);
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
        e.prevent_default();
        if let Some(pool) = weak.upgrade() {
            on_error(&pool, i, e.message());
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let init = js_sys::Object::new();
    {
        let p = pool.borrow();
        let _ = js_sys::Reflect::set(&init, &"glue".into(), &p.glue.as_str().into());
        let _ = js_sys::Reflect::set(&init, &"module".into(), &p.module);
    }
    if worker.post_message(&init).is_err() {
        worker.terminate();
        return false;
    }
    let mut p = pool.borrow_mut();
    if p.slots.len() <= i {
        p.slots.resize_with(i + 1, || None);
    }
    p.slots[i] = Some(Slot {
        worker,
        ready: false,
        heard: js_sys::Date::now(),
        _on_message: on_message,
        _on_error: on_error,
    });
    true
}

fn reply(pool: &Rc<RefCell<Pool>>, r: Reply) {
    // Called with no borrow held: the page may send from its handler.
    let sink = pool.borrow().on_reply.clone();
    if let Some(f) = sink {
        f(r);
    }
}

fn post(pool: &Pool, slot: usize, msg: &ToWorker) {
    if let Some(Some(s)) = pool.slots.get(slot) {
        let _ = s.worker.post_message(&to_js(msg));
    }
}

fn on_message(pool: &Rc<RefCell<Pool>>, slot: usize, data: JsValue) {
    let Ok(msg) = from_js::<FromWorker>(&data) else {
        return;
    };
    {
        let now = js_sys::Date::now();
        let mut p = pool.borrow_mut();
        if let Some(Some(s)) = p.slots.get_mut(slot) {
            s.heard = now;
        }
        if let Some(run) = p
            .running
            .as_mut()
            .filter(|r| r.portions.iter().any(|s| s.slot == slot))
        {
            run.last_heard = now;
        }
    }
    match msg {
        FromWorker::Pong => {}
        FromWorker::Ready => {
            let rerun = {
                let mut p = pool.borrow_mut();
                if let Some(Some(s)) = p.slots.get_mut(slot) {
                    s.ready = true;
                }
                p.rerun.take()
            };
            if let Some(job) = rerun {
                dispatch(pool, job);
            }
        }
        FromWorker::Share { id, .. } => {
            // Handed on to the lead as it came: the same shape, the draws'
            // buffers moved again (the page never copies them).
            let p = pool.borrow();
            let Some(lead) = p
                .running
                .as_ref()
                .filter(|r| r.id == id)
                .map(|r| r.portions[0].slot)
            else {
                return;
            };
            if let Some(Some(s)) = p.slots.get(lead) {
                let _ = s
                    .worker
                    .post_message_with_transfer(&data, &share_buffers(&data));
            }
        }
        FromWorker::Reply(r) => {
            let id = r.id();
            let out = {
                let mut p = pool.borrow_mut();
                let Some(run) = p.running.as_mut().filter(|run| run.id == id) else {
                    // A cancelled or replaced job.
                    return;
                };
                match r {
                    Reply::Progress {
                        trials_done,
                        trials,
                        ..
                    } => {
                        if let Some(s) = run.portions.iter_mut().find(|s| s.slot == slot) {
                            s.trials_done = trials_done;
                            s.trials = trials;
                        }
                        let done = run.portions.iter().map(|s| s.trials_done).sum();
                        let total = run.portions.iter().map(|s| s.trials).sum();
                        Reply::Progress {
                            id,
                            trials_done: done,
                            trials: total,
                        }
                    }
                    Reply::Done { .. } | Reply::Failed { .. } => {
                        // A failed portion fails the job: the others stop.
                        let others: Vec<usize> = match r {
                            Reply::Failed { .. } => run
                                .portions
                                .iter()
                                .map(|s| s.slot)
                                .filter(|&s| s != slot)
                                .collect(),
                            _ => Vec::new(),
                        };
                        p.running = None;
                        for s in others {
                            post(&p, s, &ToWorker::Cancel(id));
                        }
                        r
                    }
                    Reply::Partial { .. } => r,
                }
            };
            reply(pool, out);
        }
    }
}

/// A worker failed: before it was ready, workers do not work here (jobs go
/// to the page's thread from now on); after, its job fails and the slot is
/// emptied (the next job starts a new worker).
fn on_error(pool: &Rc<RefCell<Pool>>, slot: usize, message: String) {
    web_sys::console::error_1(&format!("simulation worker {slot}: {message}").into());
    let mut waiting = None;
    let failed = {
        let mut p = pool.borrow_mut();
        let was_ready = p
            .slots
            .get(slot)
            .and_then(|s| s.as_ref())
            .is_some_and(|s| s.ready);
        drop_slot(&mut p, slot);
        if !was_ready && slot == 0 {
            // Workers do not start here: jobs run on the page from now on,
            // the one waiting for this worker too.
            p.no_workers = true;
            waiting = p.rerun.take();
        }
        let run = p
            .running
            .take_if(|r| r.portions.iter().any(|s| s.slot == slot));
        if let Some(run) = &run {
            for &Portion { slot: s, .. } in &run.portions {
                post(&p, s, &ToWorker::Cancel(run.id));
            }
        }
        run.map(|r| r.id)
    };
    if let Some(job) = waiting {
        dispatch(pool, job);
    }
    if let Some(id) = failed {
        reply(
            pool,
            Reply::Failed {
                id,
                error: RunError::Stopped,
            },
        );
    }
}

/// Sends `job` to the ready workers (to the page's thread while none is).
fn dispatch(pool: &Rc<RefCell<Pool>>, job: Job) {
    if job.time.is_some() {
        // Time mode runs on the page's thread, in slices (`Job::time`).
        let mut p = pool.borrow_mut();
        p.local_job = Some(job.id);
        let local = p.local.clone();
        drop(p);
        local.send(Request::Start(job));
        return;
    }
    let blocks = key_blocks(job.model.trials);
    let draws = job.model.trials as u64 * (job.model.scenarios.len() as u64 + 1);
    let wanted = if draws > MAX_SHARED_DRAWS {
        1
    } else {
        wanted()
    };
    // Start the workers a long run would share, for this run or the next.
    let parts_wanted = split(blocks, wanted, MIN_BLOCKS).len();
    // No worker before the first results (see `connect`).
    let started = !pool.borrow().slots.is_empty();
    for i in (0..parts_wanted).filter(|_| started) {
        let missing = pool.borrow().slots.get(i).is_none_or(Option::is_none);
        if missing {
            spawn(pool, i);
        }
    }
    let mut p = pool.borrow_mut();
    let ready: Vec<usize> = p
        .slots
        .iter()
        .enumerate()
        .take(parts_wanted)
        .filter(|(_, s)| s.as_ref().is_some_and(|s| s.ready))
        .map(|(i, _)| i)
        .collect();
    if ready.is_empty() {
        if !p.no_workers && super::estimated_ns(&job) > super::PAGE_THREAD_BUDGET_NS {
            // Too heavy for the page's thread: it waits for the first worker,
            // started now (its `Ready` sends it on).
            p.rerun = Some(job);
            let missing = p.slots.first().is_none_or(Option::is_none);
            drop(p);
            if missing && !spawn(pool, 0) {
                let mut p = pool.borrow_mut();
                p.no_workers = true;
                if let Some(job) = p.rerun.take() {
                    drop(p);
                    dispatch(pool, job);
                }
            }
            return;
        }
        p.local_job = Some(job.id);
        let local = p.local.clone();
        drop(p);
        local.send(Request::Start(job));
        return;
    }
    let parts = split(blocks, ready.len() as u32, MIN_BLOCKS);
    let id = job.id;
    let helpers = parts.len() as u32 - 1;
    let mut portions = Vec::with_capacity(parts.len());
    for (j, &(from, to)) in parts.iter().enumerate() {
        let slot = ready[j];
        let msg = ToWorker::Run {
            job: job.clone(),
            from,
            to,
            lead: (j == 0).then_some(helpers),
        };
        post(&p, slot, &msg);
        portions.push(Portion {
            slot,
            trials_done: 0,
            trials: 0,
        });
    }
    let now = js_sys::Date::now();
    p.running = Some(Running {
        id,
        portions,
        job,
        started: now,
        last_heard: now,
    });
    let watching = p.watchdog.is_some();
    drop(p);
    if !watching {
        watch(pool);
    }
}

/// While a job is on the workers, pings them every [`PING_MS`] and treats
/// one that stays silent past its deadline as dead ([`silent`]).
fn watch(pool: &Rc<RefCell<Pool>>) {
    let weak = Rc::downgrade(pool);
    let tick = Closure::<dyn FnMut()>::new(move || {
        let Some(pool) = weak.upgrade() else { return };
        let now = js_sys::Date::now();
        let dead = {
            let mut p = pool.borrow_mut();
            let Some(run) = p.running.as_ref() else {
                // Nothing to watch: the interval stops until the next job.
                if let (Some(id), Some(w)) = (p.watchdog.take(), web_sys::window()) {
                    w.clear_interval_with_handle(id);
                }
                return;
            };
            let allowed = SILENCE_MS + 2.0 * (run.last_heard - run.started).max(0.0);
            let slots: Vec<usize> = run.portions.iter().map(|s| s.slot).collect();
            let mut dead = None;
            for slot in slots {
                post(&p, slot, &ToWorker::Ping);
                let heard = p
                    .slots
                    .get(slot)
                    .and_then(Option::as_ref)
                    .map_or(0.0, |s| s.heard);
                if now - heard > allowed {
                    dead = Some(slot);
                }
            }
            dead
        };
        if let Some(slot) = dead {
            silent(&pool, slot);
        }
    });
    let id = web_sys::window().and_then(|w| {
        w.set_interval_with_callback_and_timeout_and_arguments_0(
            tick.as_ref().unchecked_ref(),
            PING_MS,
        )
        .ok()
    });
    tick.forget();
    pool.borrow_mut().watchdog = id;
}

/// A worker went silent (closed or killed without an error event): it is
/// dropped, and its job runs again once on a new worker; a second silence
/// fails the job, as a worker's error does.
fn silent(pool: &Rc<RefCell<Pool>>, slot: usize) {
    web_sys::console::error_1(&format!("simulation worker {slot} went silent").into());
    let again = {
        let mut p = pool.borrow_mut();
        drop_slot(&mut p, slot);
        let run = p.running.take();
        let Some(run) = run else { return };
        for s in &run.portions {
            post(&p, s.slot, &ToWorker::Cancel(run.id));
        }
        let first = p.rerun_id != Some(run.id);
        if first {
            p.rerun_id = Some(run.id);
        }
        first.then_some(run.job).ok_or(run.id)
    };
    match again {
        Ok(job) => {
            // A new worker in the dead one's place; the job goes to it when
            // it says it is ready.
            pool.borrow_mut().rerun = Some(job.clone());
            if !spawn(pool, slot) {
                pool.borrow_mut().rerun = None;
                dispatch(pool, job);
            }
        }
        Err(id) => reply(
            pool,
            Reply::Failed {
                id,
                error: RunError::Stopped,
            },
        ),
    }
}

/// Empties a worker's slot: its handlers first (a late event finds none
/// rather than a dropped closure), then the worker.
fn drop_slot(p: &mut Pool, slot: usize) {
    if let Some(s) = p.slots.get_mut(slot).and_then(Option::take) {
        s.worker.set_onmessage(None);
        s.worker.set_onerror(None);
        s.worker.terminate();
    }
}

impl Runner for WorkerRunner {
    fn connect(&self, on_reply: Rc<dyn Fn(Reply)>) {
        let mut p = self.pool.borrow_mut();
        // The page's first results come from its own thread; then the first
        // worker starts.
        let weak = Rc::downgrade(&self.pool);
        let sink = on_reply.clone();
        p.local.connect(Rc::new(move |r: Reply| {
            let done = matches!(r, Reply::Done { .. });
            sink(r);
            if let Some(pool) = weak.upgrade().filter(|_| done) {
                let none = {
                    let p = pool.borrow();
                    !p.no_workers && p.slots.iter().all(Option::is_none)
                };
                if none && !spawn(&pool, 0) {
                    pool.borrow_mut().no_workers = true;
                }
            }
        }));
        p.on_reply = Some(on_reply);
    }

    fn send(&self, request: Request) {
        let (no_workers, local) = {
            let p = self.pool.borrow();
            (p.no_workers, p.local.clone())
        };
        if no_workers {
            local.send(request);
            return;
        }
        match request {
            Request::Start(job) => {
                let local_job = {
                    let mut p = self.pool.borrow_mut();
                    // One job at a time: the one in flight (or waiting to
                    // run again) is given up.
                    p.rerun = None;
                    if let Some(run) = p.running.take() {
                        for &Portion { slot: s, .. } in &run.portions {
                            post(&p, s, &ToWorker::Cancel(run.id));
                        }
                        super::timing::mark("funnelcast:sim:dropped");
                    }
                    p.local_job.take()
                };
                if let Some(id) = local_job {
                    local.send(Request::Cancel(id));
                }
                dispatch(&self.pool, job);
            }
            Request::Cancel(id) => {
                let mut p = self.pool.borrow_mut();
                p.rerun.take_if(|j| j.id == id);
                if p.local_job == Some(id) {
                    p.local_job = None;
                    drop(p);
                    local.send(Request::Cancel(id));
                    return;
                }
                if let Some(run) = p.running.take_if(|r| r.id == id) {
                    for &Portion { slot: s, .. } in &run.portions {
                        post(&p, s, &ToWorker::Cancel(id));
                    }
                    super::timing::mark("funnelcast:sim:dropped");
                }
            }
        }
    }
}
