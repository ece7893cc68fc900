//! The engine in the browser: the benchmark workloads w1–w4 run by the
//! page's Web Workers, beside the same engine run natively in this process,
//! and the main thread's budgets while they run. Every figure comes from the
//! page's User Timing entries (`funnelcast:sim`, `funnelcast:render`, made on
//! the main thread) and a `longtask` PerformanceObserver.
//!
//! A benchmark, not a test: it prints JSON lines and asserts nothing.
//!
//!     cargo run --release --offline -p funnelcast-e2e --example browser_bench
//!
//! (FUNNELCAST_DIST=/some/dir measures another build than dist/.) Prints:
//! - `{"workload":"w1","trials":1000000,"ns_per_trial":…,"native_ns_per_trial":…,"ratio":…}`
//!   for w1–w4: the best of three runs on one worker (the `funnelcast:sim`
//!   measure: the job's message, the draws, the summaries and the
//!   sensitivity, and the results' way back), and the best of three native
//!   runs of the same plan (`Simulation::finish`);
//! - `{"check":"two_workers","workload":"w4",…}`: w4 on two workers against one;
//! - `{"check":"longtask","workload":"w3",…}`: the longest main-thread task
//!   while w3 runs a million trials on a worker, rendering included;
//! - `{"check":"drag",…}`: a rate slider of case B dragged one step every
//!   16 ms for 3 s: results drawn per second, the longest task;
//! - `{"check":"step_latency","workload":"w1","trials":100000,…}`: from a
//!   slider step's input event to the end of the charts' redraw;
//! - `{"check":"memory","workload":"w4",…}`: the largest w4 run the limits
//!   allow, and the tab's resident memory (its renderer process, workers
//!   included) at its peak;
//! - `{"check":"longtask_control",…}`: a 120 ms busy task, to show the
//!   long-task observer sees one where there is one.

use std::time::{Duration, Instant};

use funnelcast_e2e::{before_every_page, open, serve_dist, start_driver, Browser, Page};
use funnelcast_engine::{workloads, Model, Simulation};
use serde_json::{json, Value};

/// Records every long task (> 50 ms) of the main thread.
const LONGTASKS_JS: &str = r#"
window.__fcLong = [];
new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__fcLong.push([e.startTime, e.duration])))
  .observe({ type: 'longtask', buffered: true });
"#;

/// The workload as a document of the page (docs/document-format.md).
fn document(model: &Model) -> String {
    let m = serde_json::to_value(model).unwrap();
    let stages: Vec<Value> = (0..model.stages)
        .map(|i| json!({ "text": format!("Stage {}", i + 1) }))
        .collect();
    let segments: Vec<Value> = m["segments"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(g, s)| json!({ "label": { "text": format!("Segment {}", g + 1) }, "spec": s }))
        .collect();
    let scenarios: Vec<Value> = m["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(k, s)| json!({ "label": { "text": format!("Scenario {}", k + 1) }, "spec": s }))
        .collect();
    json!({
        "v": 1, "preset": null, "stages": stages, "segments": segments, "scenarios": scenarios,
        "trials": model.trials, "seed": model.seed, "margin": model.margin,
        "currency": "USD", "period": "month",
        "goal": { "target": null, "prob": 0.9, "lever": { "kind": "volume" } },
        "engine": funnelcast_engine::NUMBERS
    })
    .to_string()
}

fn model(name: &str, trials: u32) -> Model {
    let mut m = workloads::by_name(name).expect("a workload");
    m.trials = trials;
    m
}

async fn js(p: &Page, script: &str) -> Value {
    p.script(script, vec![]).await
}

/// Opens a workload's document through the file input, as a planner would.
async fn import(p: &Page, model: &Model) {
    let path = std::env::temp_dir().join(format!("funnelcast-bench-{}.json", std::process::id()));
    std::fs::write(&path, document(model)).unwrap();
    p.el("import-json")
        .await
        .send_keys(&path.display().to_string())
        .await
        .unwrap();
    wait_trials(p, model.trials).await;
    p.wait_state("done").await;
    let _ = std::fs::remove_file(path);
}

async fn wait_trials(p: &Page, trials: u32) {
    let t0 = Instant::now();
    while p.input_value("trials").await.replace([',', ' '], "") != trials.to_string() {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "the document did not open"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs the inputs again (seed there and back) and gives the duration of
/// the run with the original seed, and how many workers ran it.
async fn run_again(p: &Page) -> (f64, u32) {
    let seed = p.input_value("seed").await;
    p.type_into("seed", "7").await;
    p.wait_state("done").await;
    p.type_into("seed", &seed).await;
    p.wait_state("done").await;
    let ms = js(
        p,
        "const e = performance.getEntriesByName('funnelcast:sim'); return e[e.length - 1].duration;",
    )
    .await
    .as_f64()
    .unwrap();
    let workers = p.attr("sim-status", "data-workers").await.parse().unwrap();
    (ms, workers)
}

/// The best of three runs on the workers set now (runs that went to the
/// page's thread while a worker started are not counted).
async fn best_of_three(p: &Page) -> (f64, u32) {
    let mut best = (f64::INFINITY, 0);
    let mut got = 0;
    for _ in 0..8 {
        let (ms, w) = run_again(p).await;
        if w == 0 {
            continue;
        }
        if ms < best.0 {
            best = (ms, w);
        }
        got += 1;
        if got == 3 {
            break;
        }
    }
    best
}

fn native_ns(model: &Model) -> f64 {
    let plan = model.validate().unwrap();
    (0..3)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(Simulation::new(&plan).finish());
            t.elapsed().as_secs_f64() * 1e9 / model.trials as f64
        })
        .fold(f64::INFINITY, f64::min)
}

/// The longest main-thread task since `since` (ms on the page's clock).
async fn longest_task_since(p: &Page, since: f64) -> f64 {
    js(
        p,
        &format!(
            "return Math.max(0, ...window.__fcLong.filter(([s, d]) => s + d >= {since}).map(([s, d]) => d));"
        ),
    )
    .await
    .as_f64()
    .unwrap_or(0.0)
}

/// The resident memory of the largest renderer process: the page's tab,
/// its workers included (they are threads of it). One tab is open.
fn renderer_rss_mb() -> f64 {
    let mut most = 0u64;
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let cmd = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
        let cmd = String::from_utf8_lossy(&cmd);
        if !cmd.contains("chrom") || !cmd.contains("--type=renderer") {
            continue;
        }
        if let Ok(st) = std::fs::read_to_string(e.path().join("status")) {
            if let Some(kb) = st
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
            {
                most = most.max(kb);
            }
        }
    }
    most as f64 / 1024.0
}

/// The largest w4 run the limits allow (trials × runs ≤ the bound), in a
/// fresh browser (WebAssembly memory only grows: a tab that ran other
/// workloads before keeps their peak), on `workers` workers.
async fn memory_check(driver: &funnelcast_e2e::Driver, url: &str, workers: &str) {
    let c = open(driver, Browser::default()).await;
    let p = Page::goto(c, url).await;
    p.select("workers", workers).await;
    let m = model("w4", 2_000_000);
    let base = renderer_rss_mb();
    let peak = std::sync::Arc::new(std::sync::Mutex::new(base));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let (peak, stop) = (peak.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let now = renderer_rss_mb();
                let mut p = peak.lock().unwrap();
                *p = p.max(now);
                drop(p);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    import(&p, &m).await;
    let (ms, w) = run_again(&p).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    sampler.join().unwrap();
    let peak = *peak.lock().unwrap();
    println!(
        "{}",
        json!({ "check": "memory", "workload": "w4", "trials": m.trials, "ms": ms.round(), "workers": w,
                "renderer_rss_mb_before": base.round(), "renderer_rss_mb_peak": peak.round(), "budget_mb": 500 })
    );
    p.close().await;
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let url = serve_dist();
    let driver = start_driver();
    let c = open(&driver, Browser::default()).await;
    let _ = before_every_page(&c, LONGTASKS_JS).await;
    let p = Page::goto(c, &url).await;
    p.select("workers", "1").await;

    // The observer sees long tasks here: a 120 ms busy task must show.
    js(&p, "setTimeout(() => { const t = performance.now(); while (performance.now() - t < 120) {} }, 0); return 0;").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let seen = longest_task_since(&p, 0.0).await;
    println!(
        "{}",
        json!({ "check": "longtask_control", "busy_task_ms": 120, "longest_seen_ms": seen })
    );

    // w1–w4 on one worker, beside the native engine.
    for name in ["w1", "w2", "w3", "w4"] {
        let m = model(name, 1_000_000);
        import(&p, &m).await;
        let (ms, _) = best_of_three(&p).await;
        let ns = ms * 1e6 / m.trials as f64;
        let native = native_ns(&m);
        println!(
            "{}",
            json!({ "workload": name, "trials": m.trials, "ns_per_trial": (ns * 10.0).round() / 10.0,
                    "native_ns_per_trial": (native * 10.0).round() / 10.0,
                    "ratio": (ns / native * 100.0).round() / 100.0, "where": "one worker" })
        );
        if name == "w3" {
            let since = js(&p, "return performance.now();").await.as_f64().unwrap();
            run_again(&p).await;
            let longest = longest_task_since(&p, since).await;
            println!(
                "{}",
                json!({ "check": "longtask", "workload": "w3", "trials": m.trials,
                        "longest_main_thread_task_ms": longest, "budget_ms": 50 })
            );
        }
        if name == "w4" {
            p.select("workers", "2").await;
            let (two, w) = best_of_three(&p).await;
            println!(
                "{}",
                json!({ "check": "two_workers", "workload": "w4", "trials": m.trials,
                        "one_worker_ms": ms.round(), "two_workers_ms": two.round(), "workers": w,
                        "ratio": (two / ms * 1000.0).round() / 1000.0, "budget_ratio": 0.65 })
            );
            p.select("workers", "1").await;
        }
    }

    p.select("workers", "1").await;

    // A slider step on w1 at 100,000 trials: input event → charts redrawn.
    {
        let m = model("w1", 100_000);
        import(&p, &m).await;
        run_again(&p).await;
        let mut lat = vec![];
        for k in 0..7 {
            let v = 30.0 + k as f64 * 0.5;
            let r = js(
                &p,
                &format!(
                    "const n = performance.getEntriesByName('funnelcast:render').length;
                     const s = document.querySelector('[data-testid=\"rate-slider-0-2\"]');
                     s.value = '{v}';
                     const ev = new Event('input', {{ bubbles: true }});
                     s.dispatchEvent(ev);
                     return [n, ev.timeStamp];"
                ),
            )
            .await;
            let (n, t0) = (r[0].as_u64().unwrap(), r[1].as_f64().unwrap());
            p.wait_state("done").await;
            let end = js(
                &p,
                &format!(
                    "const e = performance.getEntriesByName('funnelcast:render')[{n}]; return e ? e.startTime + e.duration : null;"
                ),
            )
            .await;
            if let Some(end) = end.as_f64() {
                lat.push(end - t0);
            }
        }
        lat.sort_by(f64::total_cmp);
        println!(
            "{}",
            json!({ "check": "step_latency", "workload": "w1", "trials": m.trials,
                    "median_ms": lat.get(lat.len() / 2).map(|x| x.round()), "max_ms": lat.last().map(|x| x.round()),
                    "steps": lat.len(), "budget_ms": 100 })
        );
    }

    // Case B at its default trials: a rate slider dragged one step every
    // 16 ms for 3 s.
    {
        p.select("preset", "case-b").await;
        p.wait_state("done").await;
        let r = js(
            &p,
            "return await new Promise((done) => {
               const s = document.querySelector('[data-testid=\"rate-slider-0-1\"]');
               const t0 = performance.now();
               const renders0 = performance.getEntriesByName('funnelcast:render').length;
               let k = 0;
               const id = setInterval(() => {
                 k++;
                 s.value = String(20 + (k % 40) * 0.25);
                 s.dispatchEvent(new Event('input', { bubbles: true }));
                 if (performance.now() - t0 >= 3000) {
                   clearInterval(id);
                   const t1 = performance.now();
                   const renders = performance.getEntriesByName('funnelcast:render')
                     .slice(renders0).filter((e) => e.startTime + e.duration <= t1).length;
                   const long = window.__fcLong.filter(([st, d]) => st + d >= t0 && st <= t1).map(([st, d]) => d);
                   done([k, renders, (t1 - t0), Math.max(0, ...long)]);
                 }
               }, 16);
             });",
        )
        .await;
        let (steps, renders, ms, long) = (
            r[0].as_u64().unwrap(),
            r[1].as_u64().unwrap(),
            r[2].as_f64().unwrap(),
            r[3].as_f64().unwrap(),
        );
        println!(
            "{}",
            json!({ "check": "drag", "preset": "case-b", "steps": steps, "seconds": (ms / 10.0).round() / 100.0,
                    "updates_per_second": ((renders as f64) / (ms / 1000.0) * 10.0).round() / 10.0,
                    "longest_main_thread_task_ms": long, "budget_updates_per_second": 20 })
        );
        p.wait_state("done").await;
    }
    p.close().await;
    for workers in ["1", "2"] {
        memory_check(&driver, &url, workers).await;
    }
}
