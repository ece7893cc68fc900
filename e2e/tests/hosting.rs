//! The page on any static host, on bad Wi-Fi: served from a sub-path, a
//! reload with the network off (service worker), "a new version is
//! available" instead of a silent switch, and a Content-Security-Policy
//! that is really in force (docs/test-contract.md).

use funnelcast_e2e::{dist_dir, open, serve_dir_at, serve_dist_at, start_driver, Browser, Page};

/// Waits until the service worker controls nothing yet but is active and
/// has stored the app shell: what one visit leaves behind.
async fn wait_for_worker(p: &Page) -> String {
    let scope = p.service_worker_scope().await;
    let caches: Vec<String> = p
        .cache_names()
        .await
        .into_iter()
        .filter(|k| k.starts_with("funnelcast-"))
        .collect();
    assert_eq!(
        caches.len(),
        1,
        "one cache of the app shell: {caches:?} ({scope})"
    );
    caches[0].clone()
}

/// A copy of the build that a test can "deploy" over, named `name`.
fn deploy_copy(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("funnelcast-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(dist_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// Milliseconds from the start of the navigation until the first results
/// were drawn (the page's own User Timing entries).
async fn ms_to_first_results(p: &Page) -> f64 {
    p.measures("funnelcast:render")
        .await
        .first()
        .map_or(-1.0, |r| r.start + r.duration)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reload_with_the_network_off_shows_results_and_runs() {
    let served = serve_dist_at("/");
    let driver = start_driver();
    let p = Page::goto(open(&driver, Browser::default()).await, &served.url).await;
    wait_for_worker(&p).await;
    // What a reload shows online (the address and the autosave keep the
    // model); offline must show the same.
    p.refresh().await;
    p.wait_state("done").await;
    let online = p.value("result-revenue-mean-0").await;

    // The network goes: the browser is offline and the server is gone.
    served.set_down(true);
    p.set_offline(true).await;
    p.refresh().await;
    p.wait_state("done").await;
    println!(
        "offline reload: first results {:.0} ms after navigation start",
        ms_to_first_results(&p).await
    );
    // The split modules (share card, charts, …) come from the cache too.
    p.wait_parts().await;
    p.el("export-json").await;
    p.el("revenue-chart").await;
    assert_eq!(
        p.value("result-revenue-mean-0").await,
        online,
        "the same seed gives the same results offline"
    );
    // And it still simulates: double the volume, double the revenue.
    p.type_into("volume-0", "20000").await;
    p.wait_state("done").await;
    let doubled = p.value("result-revenue-mean-0").await;
    assert!(
        (doubled / online - 2.0).abs() < 0.05,
        "offline run: {online} → {doubled}"
    );
    assert_eq!(
        served.requests_while_down(),
        0,
        "nothing reached the server"
    );
    p.assert_clean().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_version_is_offered_not_switched_to() {
    let dir = deploy_copy("deploy");
    let served = serve_dir_at(dir.clone(), "/");
    let driver = start_driver();
    let p = Page::goto(open(&driver, Browser::default()).await, &served.url).await;
    let first = wait_for_worker(&p).await;
    assert!(
        !p.exists("update-ready").await,
        "a first visit offers nothing"
    );

    // A new build is published: its worker differs (the build writes a new
    // version into sw.js whenever any file changes).
    let sw = std::fs::read_to_string(dir.join("sw.js")).unwrap();
    let (head, tail) = sw.split_once("const VERSION = \"").expect("a built sw.js");
    std::fs::write(
        dir.join("sw.js"),
        format!("{head}const VERSION = \"next-{tail}"),
    )
    .unwrap();
    // The browser looks for a new worker on the next visit.
    p.refresh().await;
    p.wait_state("done").await;
    // Offered, not switched: the page still runs the old version.
    p.el("update-ready").await;
    let both = p.cache_names().await;
    assert_eq!(both.len(), 2, "old and new shell, {both:?}");
    assert!(both.contains(&first));

    // The user says when: the page reloads under the new version, and the
    // old version's cache is gone.
    p.click("update-reload").await;
    funnelcast_e2e::wait_until("one cache left, the new version's", 20, || async {
        let keys = p.cache_names().await;
        keys.len() == 1 && keys[0] != first
    })
    .await;
    p.wait_state("done").await;
    assert!(!p.exists("update-ready").await, "nothing more to offer");
    p.assert_clean().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_runs_from_a_sub_path() {
    let served = serve_dist_at("/tools/funnelcast/");
    let driver = start_driver();
    let p = Page::goto(open(&driver, Browser::default()).await, &served.url).await;
    assert!(p.value("result-revenue-mean-0").await > 0.0);
    // Every file came from under the prefix, and the worker's scope is the
    // prefix, not the host's root.
    let files: Vec<String> = p
        .resources()
        .await
        .iter()
        .map(|r| pathname(&r.url))
        .collect();
    assert!(files.len() >= 2, "js and wasm at least: {files:?}");
    for f in &files {
        assert!(
            f.starts_with("/tools/funnelcast/"),
            "{f} is outside the sub-path"
        );
    }
    let scope = p.service_worker_scope().await;
    assert!(
        scope.ends_with("/tools/funnelcast/"),
        "worker scope {scope}"
    );
    p.assert_clean().await;
}

/// The path of a fetched file's address, as `new URL(…).pathname` gives it.
fn pathname(url: &str) -> String {
    url::Url::parse(url)
        .unwrap_or_else(|e| panic!("{url}: {e}"))
        .path()
        .to_string()
}

/// The policy is in force, and the watcher every test relies on does see a
/// violation (a negative control: a check that cannot fail proves nothing).
#[tokio::test(flavor = "multi_thread")]
async fn the_content_security_policy_blocks_what_the_page_does_not_need() {
    let served = serve_dist_at("/");
    let driver = start_driver();
    let p = Page::goto(open(&driver, Browser::default()).await, &served.url).await;
    let csp = p
        .find_css("meta[http-equiv=Content-Security-Policy]")
        .await
        .expect("a Content-Security-Policy meta tag")
        .attr("content")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(
        csp.contains("'sha256-"),
        "the loader's hash is filled in: {csp}"
    );
    assert!(!csp.contains("inline-script-hashes"), "{csp}");
    p.assert_clean().await;

    // An injected inline script and a request to another host are refused
    // and reported.
    let ran = p
        .script(
            "window.__injected = false;
             const s = document.createElement('script');
             s.textContent = 'window.__injected = true;';
             document.body.append(s);
             return new Promise((done) => fetch('http://example.invalid/x').catch(() => {}).finally(() =>
               setTimeout(() => done({ ran: window.__injected, seen: window.__fcViolations.length }), 50)));",
            vec![],
        )
        .await;
    assert_eq!(
        ran["ran"],
        serde_json::json!(false),
        "an inline script ran: {ran}"
    );
    assert!(ran["seen"].as_u64().unwrap() >= 2, "violations seen: {ran}");
}

/// The first load is the main module only: the split modules (share card,
/// goal seek, charts, scenarios, …: src/ui/later.rs) are fetched after the
/// first results are on screen, and then the parts they draw are there.
#[tokio::test(flavor = "multi_thread")]
async fn the_split_modules_come_after_the_first_results() {
    let served = serve_dist_at("/");
    let driver = start_driver();
    let p = Page::goto(open(&driver, Browser::default()).await, &served.url).await;
    let end = p.measures("funnelcast:sim:end").await[0].start;
    // A split module: …/split_….wasm or …/chunk_….wasm.
    let split: Vec<(String, f64)> = p
        .resources()
        .await
        .iter()
        .map(|r| (pathname(&r.url), r.start))
        .filter(|(path, _)| {
            let file = path.rsplit('/').next().unwrap_or_default();
            (file.starts_with("split_") || file.starts_with("chunk_")) && file.ends_with(".wasm")
        })
        .collect();
    assert!(!split.is_empty(), "no split module was fetched");
    for (path, at) in &split {
        assert!(
            *at >= end,
            "{path:?} fetched at {at:.0} ms, before the first results at {end:.0} ms"
        );
    }
    for id in [
        "export-json",
        "goal-target",
        "revenue-chart",
        "add-scenario",
        "trials",
    ] {
        p.el(id).await;
    }
    p.assert_clean().await;
}

/// The reliability issue's second tab: one tab takes an update whose build
/// no longer has the old build's parts; another tab, still on the old
/// build, opens presentation mode (a part it had not fetched yet). Its part
/// comes from the old build's cache, kept while a page of that build is
/// open; it is told a new version is there; the old cache goes once every
/// open page runs the new build.
#[tokio::test(flavor = "multi_thread")]
async fn a_tab_on_the_old_build_keeps_its_parts_after_another_takes_the_update() {
    let dir = deploy_copy("deploy2");
    let served = serve_dir_at(dir.clone(), "/");
    let driver = start_driver();
    let p = Page::goto(open(&driver, Browser::default()).await, &served.url).await;
    let old = wait_for_worker(&p).await;
    // Both tabs controlled by the old build's worker.
    p.refresh().await;
    p.wait_parts().await;
    let tab_a = p.tab().await;
    let tab_b = p.new_tab(&served.url).await;
    p.wait_parts().await;

    // A new build is published without the old presentation part.
    let part = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| n.starts_with("split_presentation-"))
        .expect("a presentation part in the build");
    std::fs::remove_file(dir.join(&part)).unwrap();
    let sw = std::fs::read_to_string(dir.join("sw.js")).unwrap();
    let sw = sw
        .replacen("const VERSION = \"", "const VERSION = \"next-", 1)
        .replace(&format!("\"{part}\","), "")
        .replace(&format!(",\"{part}\""), "");
    assert!(
        !sw.contains(&part),
        "the new worker's list still names {part}"
    );
    std::fs::write(dir.join("sw.js"), sw).unwrap();

    // Tab A sees it and takes it.
    p.switch_to(&tab_a).await;
    p.refresh().await;
    p.wait_parts().await;
    p.el("update-ready").await;
    p.click("update-reload").await;
    funnelcast_e2e::wait_until("tab A on the new build", 30, || async {
        p.cache_names().await.iter().any(|k| k.contains("next-"))
    })
    .await;

    // Tab B, still on the old build: told, and its part still comes.
    p.switch_to(&tab_b).await;
    p.el("update-ready").await;
    p.click("present").await;
    p.el("present-exit").await;
    assert!(!p.exists("part-missing").await);
    assert!(!p.exists("error-reload").await);
    p.click("present-exit").await;

    // Once tab B reloads onto the new build, the old cache goes.
    p.refresh().await;
    p.wait_parts().await;
    funnelcast_e2e::wait_until("the old cache dropped", 30, || async {
        !p.cache_names().await.contains(&old)
    })
    .await;
    p.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
