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
/// one of them) and cost memory: each holds its share of the draws.
pub const MAX_WORKERS: u32 = 4;
/// A worker's share is at least this many key blocks (of 4,096 trials):
/// shorter runs are quicker on one worker than with a hand-over.
const MIN_BLOCKS: u32 = 16;
/// A run of more draws (trials × runs) than this is not shared: the lead
/// holds every draw to merge them, and each helper keeps its share's memory
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
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

/// A job on its workers: the slot of each share, its progress.
struct Running {
    id: JobId,
    /// One per share; the first is the lead.
    shares: Vec<Share>,
}

/// One worker's share of a job, and how far it has got.
struct Share {
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
}

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
    match msg {
        FromWorker::Ready => {
            let mut p = pool.borrow_mut();
            if let Some(Some(s)) = p.slots.get_mut(slot) {
                s.ready = true;
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
                .map(|r| r.shares[0].slot)
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
                        if let Some(s) = run.shares.iter_mut().find(|s| s.slot == slot) {
                            s.trials_done = trials_done;
                            s.trials = trials;
                        }
                        let done = run.shares.iter().map(|s| s.trials_done).sum();
                        let total = run.shares.iter().map(|s| s.trials).sum();
                        Reply::Progress {
                            id,
                            trials_done: done,
                            trials: total,
                        }
                    }
                    Reply::Done { .. } | Reply::Failed { .. } => {
                        // A failed share fails the job: the others stop.
                        let others: Vec<usize> = match r {
                            Reply::Failed { .. } => run
                                .shares
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
    let failed = {
        let mut p = pool.borrow_mut();
        let was_ready = p
            .slots
            .get(slot)
            .and_then(|s| s.as_ref())
            .is_some_and(|s| s.ready);
        if let Some(s) = p.slots.get_mut(slot).and_then(Option::take) {
            // Its handlers go with the slot: unhook them first, so a late
            // event finds none rather than a dropped closure.
            s.worker.set_onmessage(None);
            s.worker.set_onerror(None);
            s.worker.terminate();
        }
        if !was_ready && slot == 0 {
            // Workers do not start here: jobs run on the page from now on.
            p.no_workers = true;
        }
        let run = p
            .running
            .take_if(|r| r.shares.iter().any(|s| s.slot == slot));
        if let Some(run) = &run {
            for &Share { slot: s, .. } in &run.shares {
                post(&p, s, &ToWorker::Cancel(run.id));
            }
        }
        run.map(|r| r.id)
    };
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
        p.local_job = Some(job.id);
        let local = p.local.clone();
        drop(p);
        local.send(Request::Start(job));
        return;
    }
    let parts = split(blocks, ready.len() as u32, MIN_BLOCKS);
    let id = job.id;
    let helpers = parts.len() as u32 - 1;
    let mut shares = Vec::with_capacity(parts.len());
    for (j, &(from, to)) in parts.iter().enumerate() {
        let slot = ready[j];
        let msg = ToWorker::Run {
            job: job.clone(),
            from,
            to,
            lead: (j == 0).then_some(helpers),
        };
        post(&p, slot, &msg);
        shares.push(Share {
            slot,
            trials_done: 0,
            trials: 0,
        });
    }
    p.running = Some(Running { id, shares });
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
                    // One job at a time: the one in flight is given up.
                    if let Some(run) = p.running.take() {
                        for &Share { slot: s, .. } in &run.shares {
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
                if p.local_job == Some(id) {
                    p.local_job = None;
                    drop(p);
                    local.send(Request::Cancel(id));
                    return;
                }
                if let Some(run) = p.running.take_if(|r| r.id == id) {
                    for &Share { slot: s, .. } in &run.shares {
                        post(&p, s, &ToWorker::Cancel(id));
                    }
                    super::timing::mark("funnelcast:sim:dropped");
                }
            }
        }
    }
}
