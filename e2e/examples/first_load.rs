//! Where the first load's time goes, on a slow link: serves the release
//! build gzip-compressed, lets Chromium emulate the network of the budget
//! (`Network.emulateNetworkConditions` latency 150 ms, 200,000 B/s down,
//! 93,750 B/s up, HTTP cache off), opens the page in a fresh profile and
//! prints, from the page's own timing entries, each request, the compile
//! and start of the WebAssembly, the first run of the engine and its render,
//! and when the split modules fetched after the first results are in.
//! "First results" are results the engine computed during this load.
//! Then, on the same slow link, it switches time mode on ("Over time") and
//! times the click to its first monthly chart: the time-mode parts (the
//! month engine, the lag inputs) fetched then, and the run in months.
//!
//! A benchmark, not a test: it prints figures and asserts nothing.
//!
//!     cargo run --offline -p funnelcast-e2e --example first_load [-- RUNS]
//!
//! (FUNNELCAST_DIST=/some/dir measures another build than dist/.)

use std::collections::HashMap;
use std::io::Write;

use funnelcast_e2e::{cdp, content_type, dist_dir, host, open, start_driver, Browser, Page};

/// Serves dist/ as a static host with compression on would: every file
/// gzip -9, `Content-Encoding: gzip`.
fn serve_gzip() -> String {
    let dist = dist_dir();
    let mut files: HashMap<String, (Vec<u8>, &'static str)> = HashMap::new();
    for entry in std::fs::read_dir(&dist).expect("a built dist/") {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&std::fs::read(&path).unwrap()).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        files.insert(name, (gz.finish().unwrap(), content_type(&path)));
    }
    let port = host::serve(move |path| {
        let name = path.trim_start_matches('/');
        let name = if name.is_empty() { "index.html" } else { name };
        match files.get(name) {
            Some((body, ct)) => host::Answer {
                status: 200,
                headers: vec![
                    ("Content-Type", ct.to_string()),
                    ("Content-Encoding", "gzip".into()),
                ],
                body: body.clone(),
                delay: None,
            },
            None => host::Answer::status(404, "not found"),
        }
    });
    format!("http://127.0.0.1:{port}/")
}

/// Marks the moment the WebAssembly module is compiled, instantiated and its
/// `main` has run (Trunk's loader fires `TrunkApplicationStarted` then).
const STARTED_JS: &str = r#"
addEventListener('TrunkApplicationStarted', () => performance.mark('funnelcast:started'));
"#;

const READ_JS: &str = r#"
const nav = performance.getEntriesByType('navigation')[0];
const mark = (n) => { const e = performance.getEntriesByName(n)[0]; return e ? e.startTime : null; };
const render = performance.getEntriesByName('funnelcast:render')[0];
return {
  html: { start: nav.requestStart, end: nav.responseEnd, bytes: nav.transferSize },
  resources: performance.getEntriesByType('resource').map((e) => ({
    name: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd, bytes: e.transferSize })),
  started: mark('funnelcast:started'),
  simStart: mark('funnelcast:sim:start'),
  simEnd: mark('funnelcast:sim:end'),
  renderEnd: render ? render.startTime + render.duration : null,
  parts: mark('funnelcast:parts'),
};
"#;

/// Clicks months on and notes (in `window.__fan`) the milliseconds until
/// the baseline's monthly revenue fan is on the page.
const OVER_TIME_JS: &str = r#"
window.__fan = null;
const t0 = performance.now();
const fan = () => document.querySelector('[data-testid="fan-revenue-0"]');
const obs = new MutationObserver(() => {
  if (fan() && window.__fan === null) { window.__fan = performance.now() - t0; obs.disconnect(); }
});
obs.observe(document.body, { childList: true, subtree: true });
document.querySelector('[data-testid="time-on"]').click();
"#;

#[tokio::main]
async fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let url = serve_gzip();
    println!(
        "first load of {} (gzip; latency 150 ms, 200,000 B/s down, 93,750 B/s up, cache off)",
        dist_dir().display()
    );
    let mut totals = vec![];
    let mut overs = vec![];
    for run in 1..=runs {
        // A fresh browser each time: no HTTP cache, no service worker.
        let driver = start_driver();
        let c = open(&driver, Browser::default()).await;
        cdp(&c, "Network.enable", serde_json::json!({})).await;
        cdp(
            &c,
            "Network.setCacheDisabled",
            serde_json::json!({ "cacheDisabled": true }),
        )
        .await;
        cdp(
            &c,
            "Network.emulateNetworkConditions",
            serde_json::json!({
                "offline": false, "latency": 150,
                "downloadThroughput": 200000, "uploadThroughput": 93750
            }),
        )
        .await;
        let _ = funnelcast_e2e::before_every_page(&c, STARTED_JS).await;
        let p = Page::goto(c, &url).await;
        let t = p.script(READ_JS, vec![]).await;
        let f = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN);
        println!("\nrun {run}            start ms   end ms   bytes");
        println!(
            "  {:<18} {:>7.0} {:>8.0} {:>7}",
            "index.html",
            f(&t["html"]["start"]),
            f(&t["html"]["end"]),
            t["html"]["bytes"]
        );
        let mut last_fetch: f64 = f(&t["html"]["end"]);
        let mut bytes = t["html"]["bytes"].as_u64().unwrap_or(0);
        for r in t["resources"].as_array().unwrap() {
            let name = r["name"].as_str().unwrap_or("?");
            let short: String = name.trim_start_matches('/').chars().take(18).collect();
            println!(
                "  {:<18} {:>7.0} {:>8.0} {:>7}",
                short,
                f(&r["start"]),
                f(&r["end"]),
                r["bytes"]
            );
            if f(&r["start"]) < f(&t["simStart"]) {
                last_fetch = last_fetch.max(f(&r["end"]));
                bytes += r["bytes"].as_u64().unwrap_or(0);
            }
        }
        let wasm_end = t["resources"]
            .as_array()
            .unwrap()
            .iter()
            // The first load's .wasm, not the split modules asked for after
            // the first results.
            .filter(|r| {
                r["name"].as_str().unwrap_or("").ends_with(".wasm")
                    && f(&r["start"]) < f(&t["simStart"])
            })
            .map(|r| f(&r["end"]))
            .fold(f64::NAN, f64::max);
        let (started, s0, s1, done) = (
            f(&t["started"]),
            f(&t["simStart"]),
            f(&t["simEnd"]),
            f(&t["renderEnd"]),
        );
        println!("  requests in series, until the last byte: {last_fetch:.0} ms ({bytes} B over the wire)");
        println!(
            "  compile + start after the .wasm arrived:  {:.0} ms",
            started - wasm_end
        );
        println!(
            "  start → first run asked (debounce):      {:.0} ms",
            s0 - started
        );
        println!(
            "  first run of the engine:                 {:.0} ms",
            s1 - s0
        );
        println!(
            "  first render:                            {:.0} ms",
            done - s1
        );
        println!("  first results:                           {done:.0} ms (budget 2,500)");
        println!(
            "  the deferred parts in (split modules):   {:.0} ms",
            f(&t["parts"])
        );
        totals.push(done);
        // "Over time": the click on months to the first fan chart.
        p.wait_parts().await;
        p.script(OVER_TIME_JS, vec![]).await;
        let over = loop {
            let v = p.script("return window.__fan;", vec![]).await;
            if let Some(ms) = v.as_f64() {
                break ms;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        };
        println!("  Over time, click → first monthly chart:  {over:.0} ms (budget 1,500)");
        overs.push(over);
    }
    overs.sort_by(f64::total_cmp);
    println!(
        "\nOver time, click → first monthly chart over {} runs: median {:.0} ms, max {:.0}",
        overs.len(),
        overs[overs.len() / 2],
        overs[overs.len() - 1]
    );
    totals.sort_by(f64::total_cmp);
    println!(
        "\nfirst results over {} runs: median {:.0} ms, min {:.0}, max {:.0}",
        totals.len(),
        totals[totals.len() / 2],
        totals[0],
        totals[totals.len() - 1]
    );
}
