//! The simulation in Web Workers: the same digits on one or two workers, a
//! progress bar with a cancel button, and a worker that fails.

use funnelcast_e2e::*;

/// Runs the current inputs again (a seed there and back: two edits, the
/// second gives the inputs of before).
async fn rerun(p: &Page) {
    let seed = p.input_value("seed").await;
    p.type_into("seed", "7").await;
    p.wait_state("done").await;
    p.type_into("seed", &seed).await;
    p.wait_state("done").await;
}

/// Case B with its two ready scenarios (three runs, a rate from evidence:
/// 2.5 million trials take seconds), its results shown.
async fn case_b_with_scenarios(p: &Page) {
    p.select("preset", "case-b").await;
    p.wait_state("done").await;
    p.click("scenario-awareness30").await;
    p.click("scenario-case-a").await;
    p.wait_state("done").await;
}

/// The `workers` setting of the test contract: one worker or two give the
/// same `data-value`s, to the last digit (the run is cut into key blocks,
/// merged in order).
#[tokio::test(flavor = "multi_thread")]
async fn one_or_two_workers_give_the_same_digits() {
    let (_driver, p) = launch(Browser::default()).await;
    // Case B: a rate from evidence (every stage drawn) and two segments;
    // 300,000 trials are long enough to be shared.
    p.select("preset", "case-b").await;
    p.wait_state("done").await;
    p.click("scenario-awareness30").await;
    p.wait_state("done").await;
    p.select("workers", "1").await;
    p.type_into("trials", "300000").await;
    p.wait_state("done").await;
    rerun(&p).await;
    assert_eq!(p.attr("sim-status", "data-workers").await, "1");
    let one = p.results().await;
    assert!(one.len() > 20, "{one:?}");

    p.select("workers", "2").await;
    rerun(&p).await;
    assert_eq!(p.attr("sim-status", "data-workers").await, "2");
    let two = p.results().await;
    assert_eq!(one, two);

    // A short run is not worth a hand-over: one worker takes it.
    p.type_into("trials", "20000").await;
    p.wait_state("done").await;
    assert_eq!(p.attr("sim-status", "data-workers").await, "1");
    p.close().await;
}

/// A long run shows `sim-progress` with the fraction done and `sim-cancel`;
/// a cancel stops it, keeps the results of before and offers to run again.
#[tokio::test(flavor = "multi_thread")]
async fn a_long_run_shows_progress_and_can_be_cancelled() {
    // A run that lasts seconds, so the one asked for again below is still
    // going when the test looks for its bar.
    let url = serve_dist();
    let driver = start_driver();
    let c = open(&driver, Browser::default()).await;
    let p = Page::goto(c, &heavy_model_link(&url)).await;
    let before = p.results().await;
    p.type_into("trials", "1000000").await;
    // The moment the bar shows, read it and press cancel in the same
    // script: the run cannot end in between, however fast this machine is.
    let fraction = std::cell::Cell::new(None);
    wait_until("the progress bar, cancel pressed as it shows", 30, || async {
        let r = p
            .script(
                "const b = document.querySelector('[data-testid=sim-progress]');
                 if (!b) return [document.querySelector('[data-testid=sim-status]').dataset.state, null];
                 const f = b.dataset.value;
                 document.querySelector('[data-testid=sim-cancel]').click();
                 return ['shown', f];",
                vec![],
            )
            .await;
        if r[0] == "shown" {
            fraction.set(Some(r[1].as_str().unwrap().parse::<f64>().unwrap()));
            return true;
        }
        assert!(r[0] != "done", "no progress bar; status {}", r[0]);
        false
    })
    .await;
    let fraction = fraction.get().unwrap();
    assert!(fraction > 0.0 && fraction < 1.0, "{fraction}");
    p.el("run-cancelled").await;
    assert!(!p.exists("sim-progress").await);
    assert_eq!(p.state().await, "pending");
    // The results of before stay, whole.
    assert_eq!(p.results().await, before);
    p.assert_clean().await;

    // Run again: it runs (the bar is back), and an edit replaces it.
    p.click("run-again").await;
    assert!(!p.exists("run-cancelled").await);
    p.el("sim-progress").await;
    p.type_into("trials", "20000").await;
    p.wait_state("done").await;
    assert!(!p.exists("sim-progress").await);
    p.close().await;
}

/// While a long run goes on, its first trials' results are shown (the
/// figures change while `sim-status` is still `running`, the bar still
/// shown); a cancel puts the last complete results back.
#[tokio::test(flavor = "multi_thread")]
async fn a_long_run_shows_partial_results_and_a_cancel_restores_the_last_ones() {
    // A model whose long run lasts seconds: the presets' end in under one,
    // too soon after their first partial results to act on them.
    let url = serve_dist();
    let driver = start_driver();
    let c = open(&driver, Browser::default()).await;
    let p = Page::goto(c, &heavy_model_link(&url)).await;
    p.select("workers", "1").await;
    let before = p.results().await;
    assert!(before.len() > 10, "{before:?}");
    p.type_into("trials", "1000000").await;
    wait_until("partial results while the run goes on", 30, || async {
        let state = p.state().await;
        assert!(
            state != "done",
            "no partial results before the run ended ({state})"
        );
        if state == "running" && p.exists("sim-progress").await {
            let now = p.results().await;
            if now != before {
                // Partial: the same cells, other figures, the run going on.
                assert_eq!(now.len(), before.len());
                assert_eq!(p.state().await, "running");
                return true;
            }
        }
        false
    })
    .await;
    // A keyboard user on `sim-cancel` keeps it while reports arrive: the
    // button is one element for the whole run, not one per report.
    p.focus("sim-cancel").await;
    assert_eq!(p.focused_testid().await, "sim-cancel");
    let seen = p.attr("sim-progress", "data-value").await;
    wait_until(&format!("a progress report after {seen}"), 30, || async {
        p.attr("sim-progress", "data-value").await != seen
    })
    .await;
    assert_eq!(
        p.focused_testid().await,
        "sim-cancel",
        "a progress report took the focus"
    );
    p.press(fantoccini::key::Key::Enter).await;
    p.el("run-cancelled").await;
    assert_eq!(p.state().await, "pending");
    assert_eq!(p.results().await, before);
    p.assert_clean().await;
    p.close().await;
}

/// Case B with its scenarios on one worker, every worker the page starts
/// kept in `window.__fcWorkers`.
async fn case_b_on_one_worker(driver: &funnelcast_e2e::Driver) -> Page {
    let url = serve_dist();
    let p = Page::new(open(driver, Browser::default()).await);
    p.before_every_page(KEEP_WORKERS_JS).await;
    p.load(&url).await;
    p.select("workers", "1").await;
    case_b_with_scenarios(&p).await;
    p
}

/// The first worker may still be starting (runs then go on the page's
/// thread): runs again until one ran on it.
async fn until_a_run_on_a_worker(p: &Page) {
    for _ in 0..20 {
        if p.attr("sim-status", "data-workers").await == "1" {
            return;
        }
        rerun(p).await;
    }
    panic!("no run went to a worker");
}

/// Runs `action` (script) the moment the progress bar shows, in the same
/// script that sees it: the run cannot end in between, however fast this
/// machine is.
async fn at_the_progress_bar(p: &Page, action: &str) {
    let script = format!(
        "if (!document.querySelector('[data-testid=sim-progress]')) return false; {action} return true;"
    );
    wait_until(
        "the progress bar, and the action done as it shows",
        30,
        || async {
            let done = p.script(&script, vec![]).await;
            if done == serde_json::json!(true) {
                return true;
            }
            assert!(
                p.state().await != "done",
                "no progress bar before the run ended"
            );
            false
        },
    )
    .await;
}

/// Keeps every worker the page starts in `window.__fcWorkers`, so the test
/// can make one fail the way a crashed worker does (an `error` event).
const KEEP_WORKERS_JS: &str = r#"
window.__fcWorkers = [];
const W = window.Worker;
window.Worker = function (url, opts) {
  const w = new W(url, opts);
  window.__fcWorkers.push(w);
  return w;
};
window.Worker.prototype = W.prototype;
"#;

/// Ends every worker of `window.__fcWorkers` without a word, as a killed
/// or self-closed worker goes.
const TERMINATE_WORKERS_JS: &str = "window.__fcWorkers.forEach(w => w.terminate());";

/// A worker that dies mid-run fails the run with `error-banner` and a way to
/// reload; the next edit starts a new worker, and a reload restores the
/// autosaved model.
#[tokio::test(flavor = "multi_thread")]
async fn a_worker_that_fails_shows_the_banner_and_the_page_goes_on() {
    let driver = start_driver();
    let p = case_b_on_one_worker(&driver).await;
    until_a_run_on_a_worker(&p).await;
    let kill = || async {
        p.type_into("trials", "2500000").await;
        // The moment the bar shows, fail the workers in the same script:
        // the run cannot end in between, however fast this machine is.
        at_the_progress_bar(
            &p,
            "window.__fcWorkers.forEach(w => w.dispatchEvent(new ErrorEvent('error', { message: 'test: the worker died' })));",
        )
        .await;
        p.wait_state("error").await;
        p.el("error-banner").await;
        p.el("error-reload").await;
        p.assert_clean().await;
    };
    kill().await;
    // The next edit runs again, on a new worker once it is up.
    p.type_into("trials", "40000").await;
    p.wait_state("done").await;
    assert!(!p.exists("error-banner").await);
    until_a_run_on_a_worker(&p).await;

    // The reload the banner offers brings the model back from autosave.
    kill().await;
    p.click("error-reload").await;
    wait_until(
        "the trials restored from autosave (2500000)",
        30,
        || async { p.input_value("trials").await.replace(',', "") == "2500000" },
    )
    .await;
    assert!(!p.exists("error-banner").await);
    p.type_into("trials", "30000").await;
    p.wait_state("done").await;
    p.close().await;
}

/// A worker that dies without an error event (it closed itself, or was
/// killed) is found by its silence: between runs or in the middle of one,
/// the job runs again on a new worker, and the page never stays `running`.
#[tokio::test(flavor = "multi_thread")]
async fn a_worker_that_goes_silent_is_replaced_and_its_run_completes() {
    let driver = start_driver();
    let p = case_b_on_one_worker(&driver).await;
    until_a_run_on_a_worker(&p).await;

    // Between runs: the worker goes without a word; the next run finds out.
    p.script(TERMINATE_WORKERS_JS, vec![]).await;
    p.type_into("trials", "30000").await;
    p.wait_state("done").await;
    assert!(!p.exists("error-banner").await);

    // In the middle of a run.
    p.type_into("trials", "2500000").await;
    at_the_progress_bar(&p, TERMINATE_WORKERS_JS).await;
    p.wait_state("done").await;
    assert!(!p.exists("error-banner").await);
    assert_eq!(p.attr("sim-status", "data-workers").await, "1");
    p.assert_clean().await;
    p.close().await;
}
