//! The page on any static host, on bad Wi-Fi: served from a sub-path, a
//! reload with the network off (service worker), "a new version is
//! available" instead of a silent switch, and a Content-Security-Policy
//! that is really in force (docs/test-contract.md).

use funnelcast_e2e::{
    cdp, dist_dir, open, serve_dir_at, serve_dist_at, start_driver, Browser, Page,
};

/// Waits until the service worker controls nothing yet but is active and
/// has stored the app shell: what one visit leaves behind.
async fn wait_for_worker(p: &Page) -> String {
    let v =
        p.c.execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.serviceWorker.ready
               .then(async (reg) => {
                 const keys = (await caches.keys()).filter((k) => k.startsWith('funnelcast-'));
                 done({ scope: reg.scope, caches: keys });
               })
               .catch((e) => done({ error: String(e) }));",
            vec![],
        )
        .await
        .unwrap();
    assert!(v.get("error").is_none(), "service worker: {v}");
    let caches = v["caches"].as_array().unwrap();
    assert_eq!(caches.len(), 1, "one cache of the app shell: {v}");
    caches[0].as_str().unwrap().to_string()
}

/// The names of the page's caches (none while the page reloads).
async fn cache_names(p: &Page) -> Vec<String> {
    p.c.execute_async(
        "const done = arguments[arguments.length - 1]; caches.keys().then(done);",
        vec![],
    )
    .await
    .ok()
    .and_then(|k| serde_json::from_value(k).ok())
    .unwrap_or_default()
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

async fn set_offline(p: &Page, offline: bool) {
    cdp(&p.c, "Network.enable", serde_json::json!({})).await;
    cdp(
        &p.c,
        "Network.emulateNetworkConditions",
        serde_json::json!({
            "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1
        }),
    )
    .await;
}

/// Milliseconds from the start of the navigation until the first results
/// were drawn (the page's own User Timing entries).
async fn ms_to_first_results(p: &Page) -> f64 {
    let v =
        p.c.execute(
            "const r = performance.getEntriesByName('funnelcast:render')[0];
             return r ? r.startTime + r.duration : -1;",
            vec![],
        )
        .await
        .unwrap();
    v.as_f64().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reload_with_the_network_off_shows_results_and_runs() {
    let served = serve_dist_at("/");
    let driver = start_driver();
    let p = Page::goto(open(&driver, Browser::default()).await, &served.url).await;
    wait_for_worker(&p).await;
    // What a reload shows online (the address and the autosave keep the
    // model); offline must show the same.
    p.c.refresh().await.unwrap();
    p.wait_state("done").await;
    let online = p.value("result-revenue-mean-0").await;

    // The network goes: the browser is offline and the server is gone.
    served.set_down(true);
    set_offline(&p, true).await;
    p.c.refresh().await.unwrap();
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
    p.c.refresh().await.unwrap();
    p.wait_state("done").await;
    // Offered, not switched: the page still runs the old version.
    p.el("update-ready").await;
    let caches = |p: &Page| {
        let c = p.c.clone();
        async move {
            // None while the page reloads.
            c.execute_async(
                "const done = arguments[arguments.length - 1]; caches.keys().then(done);",
                vec![],
            )
            .await
            .ok()
            .unwrap_or_default()
        }
    };
    let both = caches(&p).await;
    assert_eq!(
        both.as_array().unwrap().len(),
        2,
        "old and new shell, {both}"
    );
    assert!(both.as_array().unwrap().contains(&first.clone().into()));

    // The user says when: the page reloads under the new version, and the
    // old version's cache is gone.
    p.click("update-reload").await;
    funnelcast_e2e::wait_until("one cache left, the new version's", 20, || async {
        let keys = caches(&p).await;
        let keys = keys.as_array().cloned().unwrap_or_default();
        keys.len() == 1 && keys[0] != serde_json::json!(first)
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
    let files =
        p.c.execute(
            "return performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname);",
            vec![],
        )
        .await
        .unwrap();
    let files = files.as_array().unwrap();
    assert!(files.len() >= 2, "js and wasm at least: {files:?}");
    for f in files {
        assert!(
            f.as_str().unwrap().starts_with("/tools/funnelcast/"),
            "{f} is outside the sub-path"
        );
    }
    let scope = wait_for_worker_scope(&p).await;
    assert!(
        scope.ends_with("/tools/funnelcast/"),
        "worker scope {scope}"
    );
    p.assert_clean().await;
}

async fn wait_for_worker_scope(p: &Page) -> String {
    let v =
        p.c.execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.serviceWorker.ready.then((r) => done(r.scope));",
            vec![],
        )
        .await
        .unwrap();
    v.as_str().unwrap().to_string()
}

/// The policy is in force, and the watcher every test relies on does see a
/// violation (a negative control: a check that cannot fail proves nothing).
#[tokio::test(flavor = "multi_thread")]
async fn the_content_security_policy_blocks_what_the_page_does_not_need() {
    let served = serve_dist_at("/");
    let driver = start_driver();
    let p = Page::goto(open(&driver, Browser::default()).await, &served.url).await;
    let csp = p
        .c
        .execute(
            "const m = document.querySelector('meta[http-equiv=Content-Security-Policy]'); return m && m.content;",
            vec![],
        )
        .await
        .unwrap();
    let csp = csp.as_str().expect("a Content-Security-Policy meta tag");
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
        .c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__injected = false;
             const s = document.createElement('script');
             s.textContent = 'window.__injected = true;';
             document.body.append(s);
             fetch('http://example.invalid/x').catch(() => {}).finally(() =>
               setTimeout(() => done({ ran: window.__injected, seen: window.__fcViolations.length }), 50));",
            vec![],
        )
        .await
        .unwrap();
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
    let t =
        p.c.execute(
            "const end = performance.getEntriesByName('funnelcast:sim:end')[0].startTime;
             return { end, split: performance.getEntriesByType('resource')
               .filter((e) => /\\/(split|chunk)_[^/]*\\.wasm$/.test(new URL(e.name).pathname))
               .map((e) => [new URL(e.name).pathname, e.startTime]) };",
            vec![],
        )
        .await
        .unwrap();
    let end = t["end"].as_f64().unwrap();
    let split = t["split"].as_array().unwrap();
    assert!(!split.is_empty(), "no split module was fetched");
    for s in split {
        let at = s[1].as_f64().unwrap();
        assert!(
            at >= end,
            "{} fetched at {at:.0} ms, before the first results at {end:.0} ms",
            s[0]
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
    p.c.refresh().await.unwrap();
    p.wait_parts().await;
    let tab_a = p.c.window().await.unwrap();
    let tab_b = p.c.new_window(true).await.unwrap().handle;
    p.c.switch_to_window(tab_b.clone()).await.unwrap();
    p.c.goto(&served.url).await.unwrap();
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
    p.c.switch_to_window(tab_a.clone()).await.unwrap();
    p.c.refresh().await.unwrap();
    p.wait_parts().await;
    p.el("update-ready").await;
    p.click("update-reload").await;
    funnelcast_e2e::wait_until("tab A on the new build", 30, || async {
        cache_names(&p).await.iter().any(|k| k.contains("next-"))
    })
    .await;

    // Tab B, still on the old build: told, and its part still comes.
    p.c.switch_to_window(tab_b).await.unwrap();
    p.el("update-ready").await;
    p.click("present").await;
    p.el("present-exit").await;
    assert!(!p.exists("part-missing").await);
    assert!(!p.exists("error-reload").await);
    p.click("present-exit").await;

    // Once tab B reloads onto the new build, the old cache goes.
    p.c.refresh().await.unwrap();
    p.wait_parts().await;
    funnelcast_e2e::wait_until("the old cache dropped", 30, || async {
        !cache_names(&p).await.contains(&old)
    })
    .await;
    p.c.clone().close().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
