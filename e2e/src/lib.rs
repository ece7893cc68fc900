//! Harness for the end-to-end tests: serves the release build in `dist/` on
//! 127.0.0.1, starts chromedriver and headless Chromium, and gives a small
//! page object that finds everything by `data-testid` (docs/test-contract.md).

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

pub mod host;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The release build to test: `dist/`, or the folder in `FUNNELCAST_DIST`
/// (so two builds, e.g. of two branches, can be tested side by side).
pub fn dist_dir() -> PathBuf {
    std::env::var_os("FUNNELCAST_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("dist"))
}

/// Serves the release build on a free port of 127.0.0.1 from a background
/// thread, at `/`.
pub fn serve_dist() -> String {
    serve_dist_at("/").url
}

/// A running test server: its address and a switch that takes it "off the
/// network" (every request then fails and is counted, so a test can show
/// that a page came from the service worker's cache, not from the server).
pub struct Served {
    /// The page's address, ending in the prefix (`http://127.0.0.1:port/tools/funnelcast/`).
    pub url: String,
    down: std::sync::Arc<std::sync::atomic::AtomicBool>,
    while_down: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Served {
    pub fn set_down(&self, down: bool) {
        self.down.store(down, std::sync::atomic::Ordering::SeqCst);
    }

    /// Requests that arrived while the server was down.
    pub fn requests_while_down(&self) -> usize {
        self.while_down.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Serves the release build under a path prefix, as a static host that
/// publishes dist/ in a sub-folder would (`/tools/funnelcast/`); anything
/// outside the prefix is 404.
pub fn serve_dist_at(prefix: &str) -> Served {
    serve_dir_at(dist_dir(), prefix)
}

/// Serves the release build at `/`, each file whose name starts with
/// `slow` held for `delay` first (a module on a bad link).
pub fn serve_dist_slow(slow: &'static str, delay: Duration) -> String {
    let dist = dist_dir();
    let port = host::serve(move |path| {
        let rel = path.trim_start_matches('/');
        let mut a = file_answer(&dist, if rel.is_empty() { "index.html" } else { rel })
            .unwrap_or_else(|| host::Answer::status(404, "not found"));
        if rel.starts_with(slow) {
            a.delay = Some(delay);
        }
        a
    });
    format!("http://127.0.0.1:{port}/")
}

/// Serves a copy of a build (a test may change its files while it runs).
pub fn serve_dir_at(dist: PathBuf, prefix: &str) -> Served {
    use std::sync::atomic::Ordering;
    assert!(
        prefix.starts_with('/') && prefix.ends_with('/'),
        "prefix {prefix:?}"
    );
    assert!(
        dist.join("index.html").exists(),
        "dist/ has no release build: run `scripts/test.sh` (it builds with trunk first)"
    );
    let down = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let while_down = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (d, w) = (down.clone(), while_down.clone());
    let prefix_owned = prefix.to_string();
    let port = host::serve(move |path| {
        if d.load(Ordering::SeqCst) {
            w.fetch_add(1, Ordering::SeqCst);
            return host::Answer::status(503, "offline");
        }
        path.strip_prefix(&prefix_owned)
            .and_then(|rel| file_answer(&dist, if rel.is_empty() { "index.html" } else { rel }))
            .unwrap_or_else(|| host::Answer::status(404, "not found"))
    });
    Served {
        url: format!("http://127.0.0.1:{port}{prefix}"),
        down,
        while_down,
    }
}

/// The MIME type a static host gives each file of dist/.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

fn file_answer(dist: &Path, rel: &str) -> Option<host::Answer> {
    // No path escapes from dist/.
    let path = dist.join(rel);
    if rel.contains("..") || !path.is_file() {
        return None;
    }
    let body = std::fs::read(&path).ok()?;
    Some(host::Answer::ok(content_type(&path), body))
}

/// A chromedriver process, killed on drop.
/// A chromedriver and everything it started. Dropping it — also when a test
/// fails and unwinds — ends the driver and every browser it launched (they
/// share its process group) and removes their profile folders, so no
/// headless Chromium outlives the tests.
pub struct Driver {
    child: Child,
    pub port: u16,
    profiles: std::sync::Mutex<Vec<PathBuf>>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The driver leads its own process group (see `start_driver`): end
        // the whole group, browsers included, not only the driver.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let profiles = self
            .profiles
            .get_mut()
            .map(std::mem::take)
            .unwrap_or_default();
        for dir in profiles {
            // A browser may still be writing for a moment after the kill.
            for _ in 0..20 {
                if std::fs::remove_dir_all(&dir).is_ok() || !dir.exists() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// Tests of one binary run in parallel threads. A port found free can be
/// handed to another thread before chromedriver binds it; two drivers on one
/// port make one exit, and its test then talks to the other test's driver,
/// which is killed under it (CI once saw "connection reset" that way). So
/// drivers start one at a time, and a driver counts as started only when it
/// listens and is still alive.
static DRIVER_START: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn start_driver() -> Driver {
    let _one_at_a_time = DRIVER_START.lock().unwrap_or_else(|e| e.into_inner());
    let bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    for _attempt in 0..5 {
        let port = free_port();
        let mut child = Command::new(&bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, which the browsers it starts join: a
            // dropped Driver ends them all at once.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {bin} ({e}): run scripts/setup.sh"));
        let t0 = Instant::now();
        loop {
            if let Ok(Some(_)) = child.try_wait() {
                break; // exited (port taken?): try another port
            }
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                // Listening; make sure it is our driver that listens.
                std::thread::sleep(Duration::from_millis(100));
                if let Ok(None) = child.try_wait() {
                    return Driver {
                        child,
                        port,
                        profiles: std::sync::Mutex::new(Vec::new()),
                    };
                }
                break;
            }
            if t0.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                let _ = child.wait();
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    panic!("chromedriver did not start after 5 attempts");
}

/// Options for one browser session.
pub struct Browser {
    pub lang: &'static str,
    pub width: u32,
    pub height: u32,
}

impl Default for Browser {
    fn default() -> Self {
        Browser {
            lang: "en-US",
            width: 1400,
            height: 1000,
        }
    }
}

pub async fn open(driver: &Driver, b: Browser) -> Client {
    // A counter, not a probed port: probing briefly binds a port that a
    // starting chromedriver may be about to take.
    static PROFILE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let profile = std::env::temp_dir().join(format!(
        "funnelcast-e2e-{}-{}",
        std::process::id(),
        PROFILE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    if let Ok(mut p) = driver.profiles.lock() {
        p.push(profile.clone());
    }
    let args = vec![
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        format!("--user-data-dir={}", profile.display()),
        format!("--accept-lang={}", b.lang),
        format!("--lang={}", b.lang),
        format!("--window-size={},{}", b.width, b.height),
    ];
    let caps: serde_json::Map<String, serde_json::Value> =
        serde_json::from_value(serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": args,
                "prefs": { "intl.accept_languages": b.lang }
            }
        }))
        .unwrap();
    // A loaded 2-core machine can make the first session request fail while
    // Chromium starts; a few retries keep the tests about the page.
    let mut last = None;
    for _attempt in 0..3 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
        {
            Ok(c) => {
                watch_page(&c).await;
                return c;
            }
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    panic!("connect to chromedriver: {:?}", last.unwrap())
}

/// A Chrome DevTools Protocol command sent through chromedriver
/// (`POST /session/{id}/goog/cdp/execute`): network conditions, offline,
/// scripts that run before the page's own.
#[derive(Debug)]
struct CdpCommand {
    cmd: String,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for CdpCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Sends one CDP command and returns its result.
pub async fn cdp(c: &Client, cmd: &str, params: serde_json::Value) -> serde_json::Value {
    c.issue_cmd(CdpCommand {
        cmd: cmd.into(),
        params,
    })
    .await
    .unwrap_or_else(|e| panic!("CDP {cmd}: {e}"))
}

/// Before any script of any page in this session: records every
/// `securitypolicyviolation` (the Content-Security-Policy refused something)
/// in `window.__fcViolations`, which [`Page::wait_state`] and
/// [`Page::assert_clean`] read.
async fn watch_page(c: &Client) {
    let _ = before_every_page(c, WATCH_JS).await;
}

/// Runs `source` in every page this session opens, before any script of the
/// page's own (CDP `Page.addScriptToEvaluateOnNewDocument`); the answer
/// holds its `identifier`, to remove it again.
pub async fn before_every_page(c: &Client, source: &str) -> serde_json::Value {
    cdp(
        c,
        "Page.addScriptToEvaluateOnNewDocument",
        serde_json::json!({ "source": source }),
    )
    .await
}

const WATCH_JS: &str = r#"
// The guided tour offers itself on a first visit, which every test's fresh
// profile is: it is marked seen, except where the address asks for it
// (`?tour`, which the page itself ignores).
if (!location.search.includes('tour')) { try { localStorage.setItem('funnelcast.tour', 'seen'); } catch (e) {} }
window.__fcErrors = [];
{ const ce = console.error.bind(console); console.error = (...a) => { window.__fcErrors.push(a.map(String).join(' ')); ce(...a); }; }
addEventListener('error', (e) => window.__fcErrors.push('error: ' + e.message));
addEventListener('unhandledrejection', (e) => window.__fcErrors.push('rejection: ' + e.reason));
window.__fcViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__fcViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
});
"#;

/// CSP violations so far, and resources fetched from another origin than
/// the page's (PerformanceResourceTiming entries).
const PROBLEMS_JS: &str = r#"
const foreign = performance.getEntriesByType('resource')
  .map((e) => e.name)
  .filter((n) => { try { return new URL(n).origin !== location.origin; } catch (_) { return true; } });
return { violations: window.__fcViolations || ['the watcher did not run'], foreign };
"#;

/// The page object: everything by `data-testid`. The WebDriver client stays
/// inside: tests say what a user or a story does through its verbs.
pub struct Page {
    c: Client,
}

pub fn tid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// A tab of the page's browser, to switch back to.
#[derive(Clone, Debug, PartialEq)]
pub struct Tab(fantoccini::wd::WindowHandle);

/// One User Timing entry of the page (docs/test-contract.md), in ms since
/// the navigation started.
#[derive(Clone, Debug)]
pub struct Measure {
    pub start: f64,
    pub duration: f64,
    pub detail: serde_json::Value,
}

/// One file the page fetched (a PerformanceResourceTiming entry).
#[derive(Clone, Debug)]
pub struct Resource {
    pub url: String,
    /// When its fetch started, in ms since the navigation started.
    pub start: f64,
}

impl Page {
    /// A page object for a browser that has not opened the page yet (what
    /// must hold before the page's first script is set up first).
    pub fn new(c: Client) -> Page {
        Page { c }
    }

    /// Opens `url` in a new browser session's tab; returns as [`Page::load`].
    pub async fn goto(c: Client, url: &str) -> Page {
        let p = Page::new(c);
        p.load(url).await;
        p
    }

    /// Opens `url` in this tab and returns once its first results are shown
    /// and the parts after them are in.
    pub async fn load(&self, url: &str) {
        self.navigate(url).await;
        self.wait_state("done").await;
        self.wait_parts().await;
    }

    /// Opens `url` in this tab and returns once the document has loaded,
    /// waiting for nothing the page does after (the caller waits for that).
    pub async fn navigate(&self, url: &str) {
        self.c.goto(url).await.unwrap();
    }

    /// Ends this browser session (the driver's drop ends it on a failure).
    pub async fn close(&self) {
        self.c.clone().close().await.unwrap();
    }

    /// A script of the test's own, for a one-off that no verb says (a probe
    /// of the test's, or an action that must happen in the same script that
    /// sees its moment); its `return` value, awaited when it is a promise.
    pub async fn script(&self, js: &str, args: Vec<serde_json::Value>) -> serde_json::Value {
        self.c
            .execute(js, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{js}"))
    }

    /// What `<html data-parts>` says: `ready` once the parts after the first
    /// results (split modules, src/ui/later.rs) are in.
    pub async fn parts(&self) -> String {
        self.script(
            "return document.documentElement.dataset.parts || ''",
            vec![],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Waits until the parts of the page that come after the first results
    /// (split modules, src/ui/later.rs) are in: `<html data-parts="ready">`.
    pub async fn wait_parts(&self) {
        let t0 = Instant::now();
        loop {
            let v = self.parts().await;
            if v == "ready" {
                return;
            }
            if t0.elapsed() > Duration::from_secs(60) {
                let fetched = self
                    .script(
                        "return ['export-json','goal-target','revenue-chart','add-scenario','trials','handout','paste-apply-0'].map((t) => t + ':' + !!document.querySelector(`[data-testid=\"${t}\"]`)).concat([location.hash.length, document.querySelectorAll('.explain').length]).concat(window.__fcErrors || [])",
                        vec![],
                    )
                    .await;
                panic!("the deferred parts never arrived (data-parts {v:?}); fetched {fetched}");
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    }

    pub async fn el(&self, id: &str) -> Element {
        let sel = tid(id);
        let t0 = Instant::now();
        loop {
            if let Some(e) = self.find_css(&sel).await {
                return e;
            }
            assert!(t0.elapsed() < Duration::from_secs(20), "no element {sel}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The element with this test id if it is on the page now (no wait).
    pub async fn find(&self, id: &str) -> Option<Element> {
        self.find_css(&tid(id)).await
    }

    /// The first element a CSS selector finds now, for what has no test id
    /// of its own (no wait).
    pub async fn find_css(&self, css: &str) -> Option<Element> {
        self.c.find(Locator::Css(css)).await.ok()
    }

    pub async fn exists(&self, id: &str) -> bool {
        self.find(id).await.is_some()
    }

    /// How many elements a CSS selector finds now.
    pub async fn count(&self, css: &str) -> usize {
        self.c.find_all(Locator::Css(css)).await.unwrap().len()
    }

    /// The `textContent` of every element a CSS selector finds, in document
    /// order (hidden text too, such as an SVG `<title>`).
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let v = self
            .script(
                "return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent);",
                vec![serde_json::json!(css)],
            )
            .await;
        serde_json::from_value(v).unwrap()
    }

    pub async fn attr(&self, id: &str, name: &str) -> String {
        self.el(id)
            .await
            .attr(name)
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// The raw number in `data-value`.
    pub async fn value(&self, id: &str) -> f64 {
        let v = self.attr(id, "data-value").await;
        v.parse()
            .unwrap_or_else(|_| panic!("{id}: data-value {v:?} is not a number"))
    }

    /// Every result on the page, `data-testid` → `data-value`, in document
    /// order.
    pub async fn results(&self) -> Vec<(String, String)> {
        let v = self
            .script(
                "return [...document.querySelectorAll('[data-testid^=\"result-\"][data-value]')]
                   .map(e => [e.dataset.testid, e.dataset.value]);",
                vec![],
            )
            .await;
        serde_json::from_value(v).unwrap()
    }

    pub async fn state(&self) -> String {
        self.attr("sim-status", "data-state").await
    }

    pub async fn wait_state(&self, want: &str) {
        let t0 = Instant::now();
        loop {
            if self.state().await == want {
                // Every story passes here after each step: no step may
                // break the Content-Security-Policy or reach another host.
                self.assert_clean().await;
                return;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "sim-status never became {want} (is {})",
                self.state().await
            );
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    }

    /// No `securitypolicyviolation` has fired since the page loaded, and
    /// every resource the page fetched is from its own origin.
    pub async fn assert_clean(&self) {
        let r = self.script(PROBLEMS_JS, vec![]).await;
        let list = |k: &str| -> Vec<String> {
            r[k].as_array()
                .map(|a| {
                    a.iter()
                        .map(|v| v.as_str().unwrap_or("?").to_string())
                        .collect()
                })
                .unwrap_or_else(|| vec![format!("no {k} list")])
        };
        let (violations, foreign) = (list("violations"), list("foreign"));
        assert!(
            violations.is_empty(),
            "Content-Security-Policy violations: {violations:?}"
        );
        assert!(
            foreign.is_empty(),
            "requests to another origin: {foreign:?}"
        );
    }

    /// The page's User Timing entries of this name, oldest first.
    pub async fn measures(&self, name: &str) -> Vec<Measure> {
        let v = self
            .script(
                "return performance.getEntriesByName(arguments[0])
                   .map((e) => [e.startTime, e.duration, e.detail === undefined ? null : e.detail]);",
                vec![serde_json::json!(name)],
            )
            .await;
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| Measure {
                start: e[0].as_f64().unwrap(),
                duration: e[1].as_f64().unwrap(),
                detail: e[2].clone(),
            })
            .collect()
    }

    /// Every file the page fetched so far, in the order it asked for them.
    pub async fn resources(&self) -> Vec<Resource> {
        let v = self
            .script(
                "return performance.getEntriesByType('resource').map((e) => [e.name, e.startTime]);",
                vec![],
            )
            .await;
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| Resource {
                url: e[0].as_str().unwrap().to_string(),
                start: e[1].as_f64().unwrap(),
            })
            .collect()
    }

    /// An element's content height and the height it shows (`scrollHeight`,
    /// `clientHeight`, CSS px): more content than shows needs scrolling.
    pub async fn heights(&self, id: &str) -> (f64, f64) {
        let v = self
            .script(
                "const e = document.querySelector(arguments[0]); return [e.scrollHeight, e.clientHeight];",
                vec![serde_json::json!(tid(id))],
            )
            .await;
        (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
    }

    /// The viewport's height in CSS px.
    pub async fn inner_height(&self) -> f64 {
        self.script("return innerHeight", vec![])
            .await
            .as_f64()
            .unwrap()
    }

    /// Replaces the text of an input, as a user would, and fires `input`.
    pub async fn type_into(&self, id: &str, text: &str) {
        let e = self.el(id).await;
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    /// Sets an input's value at once and fires `input`, as a paste or the
    /// end of typing would (no key events: a tab would move the focus).
    pub async fn set_value(&self, id: &str, text: &str) {
        self.script(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
             e.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![serde_json::json!(tid(id)), serde_json::json!(text)],
        )
        .await;
    }

    /// The text an input box holds now (its `value` property).
    pub async fn input_value(&self, id: &str) -> String {
        self.el(id)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Scrolls an element to the middle of the window, where no sticky
    /// header or phone bar covers it.
    async fn center(&self, e: &Element) {
        self.script(
            "arguments[0].scrollIntoView({ block: 'center', inline: 'center' });",
            vec![serde_json::to_value(e).unwrap()],
        )
        .await;
    }

    /// Scrolls the element with this test id to the middle of the window
    /// (to photograph or measure it whole).
    pub async fn scroll_to_middle(&self, id: &str) {
        self.center(&self.el(id).await).await;
    }

    /// Scrolls the element with this test id to `margin` CSS px below the
    /// top of the window (0: at the top; more: below the sticky header).
    pub async fn scroll_to_top(&self, id: &str, margin: i64) {
        self.script(
            "document.querySelector(arguments[0]).scrollIntoView({ block: 'start' }); \
             if (arguments[1]) window.scrollBy(0, -arguments[1]);",
            vec![serde_json::json!(tid(id)), serde_json::json!(margin)],
        )
        .await;
    }

    /// Clicks like a person: the element is first scrolled to the middle of
    /// the window, so a sticky header or the phone bar never covers it (a
    /// WebDriver click only scrolls it just into view).
    pub async fn click(&self, id: &str) {
        let e = self.el(id).await;
        self.center(&e).await;
        e.click().await.unwrap();
    }

    pub async fn select(&self, id: &str, value: &str) {
        let e = self.el(id).await;
        e.select_by_value(value).await.unwrap();
    }

    /// Sets a range input's value and fires `input` (WebDriver cannot drag
    /// precisely).
    pub async fn slide(&self, id: &str, value: f64) {
        self.set_value(id, &value.to_string()).await;
    }

    /// Opens every `<details>` a CSS selector finds, as a click on its
    /// summary would.
    pub async fn open_details(&self, css: &str) {
        self.script(
            "document.querySelectorAll(arguments[0]).forEach((d) => { d.open = true; });",
            vec![serde_json::json!(css)],
        )
        .await;
    }

    /// Field errors shown, as (data-field, text).
    pub async fn field_errors(&self) -> Vec<(String, String)> {
        let mut out = vec![];
        for e in self
            .c
            .find_all(Locator::Css(&tid("field-error")))
            .await
            .unwrap()
        {
            out.push((
                e.attr("data-field").await.unwrap().unwrap_or_default(),
                e.text().await.unwrap(),
            ));
        }
        out
    }

    /// Saves a PNG of the whole page under target/screenshots/.
    pub async fn screenshot(&self, name: &str) {
        let dir = repo_root().join("target").join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        // Let fonts and the last frame settle.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = self.c.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    /// Presses and releases one key where the focus is, as a keyboard would.
    pub async fn press(&self, key: fantoccini::key::Key) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let k: char = key.into();
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: k })
            .then(KeyAction::Up { value: k });
        self.c.perform_actions(keys).await.unwrap();
    }

    /// Presses one key with Shift held (Shift+Tab), as a keyboard would.
    pub async fn press_shift(&self, key: fantoccini::key::Key) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let (shift, k): (char, char) = (fantoccini::key::Key::Shift.into(), key.into());
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: shift })
            .then(KeyAction::Down { value: k })
            .then(KeyAction::Up { value: k })
            .then(KeyAction::Up { value: shift });
        self.c.perform_actions(keys).await.unwrap();
    }

    /// Types text where the focus is, one key press per character.
    pub async fn type_keys(&self, text: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut keys = KeyActions::new("keyboard".into());
        for ch in text.chars() {
            keys = keys
                .then(KeyAction::Down { value: ch })
                .then(KeyAction::Up { value: ch });
        }
        self.c.perform_actions(keys).await.unwrap();
    }

    /// A shortcut as the page's window-wide key listeners hear it: a
    /// `keydown` fired at the window, typed into no field.
    pub async fn shortcut(&self, key: &str, ctrl: bool, shift: bool) {
        self.script(
            "window.dispatchEvent(new KeyboardEvent('keydown', \
             {key: arguments[0], ctrlKey: arguments[1], shiftKey: arguments[2], bubbles: true}));",
            vec![
                serde_json::json!(key),
                serde_json::json!(ctrl),
                serde_json::json!(shift),
            ],
        )
        .await;
    }

    /// Gives the element with this test id the focus, as a keyboard user
    /// who reached it would have it.
    pub async fn focus(&self, id: &str) {
        self.script(
            "document.querySelector(arguments[0]).focus();",
            vec![serde_json::json!(tid(id))],
        )
        .await;
    }

    /// The test id of the element with the focus ("" when it has none).
    pub async fn focused_testid(&self) -> String {
        self.c
            .active_element()
            .await
            .unwrap()
            .attr("data-testid")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Whether the focus is on the element with this test id or inside it.
    pub async fn focus_within(&self, id: &str) -> bool {
        self.script(
            "return document.querySelector(arguments[0]).contains(document.activeElement);",
            vec![serde_json::json!(tid(id))],
        )
        .await
            == serde_json::json!(true)
    }

    /// The page printed to PDF through WebDriver's print command (A4,
    /// margins and scale as the browser's print dialog has them by default).
    pub async fn print_pdf(&self) -> Vec<u8> {
        let cfg = fantoccini::wd::PrintConfiguration::builder()
            .size(fantoccini::wd::PrintSize::A4)
            .build()
            .unwrap();
        self.c.print(cfg).await.unwrap()
    }

    /// One DevTools command to this tab's browser (see [`cdp`]).
    async fn cdp(&self, cmd: &str, params: serde_json::Value) -> serde_json::Value {
        cdp(&self.c, cmd, params).await
    }

    /// Shows the page as a CSS media type would (`print`: as on paper).
    pub async fn emulate_media(&self, media: &str) {
        self.cdp(
            "Emulation.setEmulatedMedia",
            serde_json::json!({ "media": media }),
        )
        .await;
    }

    /// Makes the page's viewport and the screen exactly `w × h` CSS px (a
    /// projector's 1280×720), also in full screen: headless Chromium's
    /// screen is otherwise 800×600, and full screen takes the screen's size.
    pub async fn set_viewport(&self, w: u32, h: u32) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({
                "width": w, "height": h, "deviceScaleFactor": 1, "mobile": false,
                "screenWidth": w, "screenHeight": h
            }),
        )
        .await;
    }

    pub async fn set_window(&self, w: u32, h: u32) {
        self.c.set_window_size(w, h).await.unwrap();
    }

    /// Takes the browser off the network (`true`) or puts it back.
    pub async fn set_offline(&self, offline: bool) {
        self.cdp("Network.enable", serde_json::json!({})).await;
        self.cdp(
            "Network.emulateNetworkConditions",
            serde_json::json!({
                "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1
            }),
        )
        .await;
    }

    /// From now on, requests whose address matches one of `patterns` (`*`
    /// for any text) fail, as on bad Wi-Fi; none again with `&[]`.
    pub async fn block_urls(&self, patterns: &[&str]) {
        self.cdp("Network.enable", serde_json::json!({})).await;
        self.cdp(
            "Network.setBlockedURLs",
            serde_json::json!({ "urls": patterns }),
        )
        .await;
    }

    /// Runs `js` in every page this tab opens from now on, before the
    /// page's own scripts; returns its id for [`Page::forget_before_every_page`].
    pub async fn before_every_page(&self, js: &str) -> String {
        let r = before_every_page(&self.c, js).await;
        r["identifier"].as_str().unwrap().to_string()
    }

    /// Stops a script of [`Page::before_every_page`] for the pages opened next.
    pub async fn forget_before_every_page(&self, id: &str) {
        self.cdp(
            "Page.removeScriptToEvaluateOnNewDocument",
            serde_json::json!({ "identifier": id }),
        )
        .await;
    }

    /// The whole address, fragment included.
    pub async fn href(&self) -> String {
        self.script("return location.href", vec![])
            .await
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Changes the address's fragment under the open page, as a link pasted
    /// into the address bar of the same page does (no new document).
    pub async fn set_fragment(&self, fragment: &str) {
        self.script(
            "location.hash = arguments[0]",
            vec![serde_json::json!(fragment)],
        )
        .await;
    }

    /// The browser's back button.
    pub async fn back(&self) {
        self.c.back().await.unwrap();
    }

    /// A key of the page's local storage.
    pub async fn stored(&self, key: &str) -> Option<String> {
        self.script(
            "return localStorage.getItem(arguments[0])",
            vec![serde_json::json!(key)],
        )
        .await
        .as_str()
        .map(str::to_string)
    }

    /// Writes a key of the page's local storage, as an earlier visit (or
    /// another build) would have left it.
    pub async fn store(&self, key: &str, value: &str) {
        self.script(
            "localStorage.setItem(arguments[0], arguments[1]);",
            vec![serde_json::json!(key), serde_json::json!(value)],
        )
        .await;
    }

    /// Forgets this tab's session storage, so the next load of an address
    /// is as a fresh tab's (a link someone sent), not this tab's own.
    pub async fn clear_session_storage(&self) {
        self.script("sessionStorage.clear();", vec![]).await;
    }

    /// From now on, text the page copies is kept for
    /// [`Page::clipboard_text`] (headless Chromium has no clipboard to read).
    pub async fn capture_clipboard(&self) {
        self.script(
            "window.__copied = null; navigator.clipboard.writeText = t => { window.__copied = t; return Promise.resolve(); };",
            vec![],
        )
        .await;
    }

    /// The last text the page copied since [`Page::capture_clipboard`].
    pub async fn clipboard_text(&self) -> Option<String> {
        self.script("return window.__copied", vec![])
            .await
            .as_str()
            .map(str::to_string)
    }

    /// The service worker's scope, once one is active for the page.
    pub async fn service_worker_scope(&self) -> String {
        self.script(
            "return navigator.serviceWorker.ready.then((r) => r.scope);",
            vec![],
        )
        .await
        .as_str()
        .unwrap()
        .to_string()
    }

    /// The names of the page's caches (none while the page reloads).
    pub async fn cache_names(&self) -> Vec<String> {
        self.c
            .execute("return caches.keys();", vec![])
            .await
            .ok()
            .and_then(|k| serde_json::from_value(k).ok())
            .unwrap_or_default()
    }

    /// The tab the page object drives now.
    pub async fn tab(&self) -> Tab {
        Tab(self.c.window().await.unwrap())
    }

    /// Opens `url` in a new tab of the same browser and drives that tab
    /// from now on; returns as [`Page::navigate`] does.
    pub async fn new_tab(&self, url: &str) -> Tab {
        let tab = Tab(self.c.new_window(true).await.unwrap().handle);
        self.switch_to(&tab).await;
        self.navigate(url).await;
        tab
    }

    /// Drives `tab` from now on.
    pub async fn switch_to(&self, tab: &Tab) {
        self.c.switch_to_window(tab.0.clone()).await.unwrap();
    }

    /// Closes the tab driven now (switch to another one next).
    pub async fn close_tab(&self) {
        self.c.close_window().await.unwrap();
    }

    /// Loads `url` as a new document in this tab (a fragment change alone
    /// would not reload); the tab's session storage stays, as in a reload.
    /// Returns once the first run has settled and the parts after it (the
    /// notices among them) are in.
    pub async fn reload_at(&self, url: &str) {
        self.navigate("about:blank").await;
        self.navigate(url).await;
        self.wait_parts().await;
    }

    /// Waits for `done` without the CSP check of [`Page::wait_state`], whose
    /// watcher runs in the first tab of a session only (a second tab's).
    pub async fn wait_done_unwatched(&self) {
        wait_until("done", 60, || async {
            self.script(
                "const e = document.querySelector('[data-testid=sim-status]'); return e && e.dataset.state",
                vec![],
            )
            .await
                == serde_json::json!("done")
        })
        .await;
    }

    /// The browser's reload (F5) alone: returns once the new document has
    /// loaded, before its results (the caller waits for what it needs).
    pub async fn refresh(&self) {
        self.c.refresh().await.unwrap();
    }

    /// The browser's reload (F5) of the page as it is; returns as
    /// [`Page::reload_at`] does.
    pub async fn reload(&self) {
        self.refresh().await;
        self.wait_parts().await;
    }
}

/// Waits until `f` holds, for at most `secs` seconds; the failure names
/// what it waited for.
pub async fn wait_until<F, Fut>(what: &str, secs: u64, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let t0 = Instant::now();
    while !f().await {
        assert!(
            t0.elapsed() < Duration::from_secs(secs),
            "waited {secs} s, never: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// From now on, a download started by clicking a link is kept in the page
/// (as text) instead of saved: `download()` reads it. The blob behind a
/// `blob:` URL is kept when it is made (the page's CSP rightly refuses to
/// `fetch` it); a `data:` URL is kept as it is.
pub async fn capture_downloads(p: &Page) {
    p.script(
        r#"window.__dl = []; const blobs = new Map(); const make = URL.createObjectURL;
           URL.createObjectURL = function (b) { const u = make.call(URL, b); blobs.set(u, b); return u; };
           HTMLAnchorElement.prototype.click = function () {
             const name = this.download, url = this.href, b = blobs.get(url);
             // Decoded keeping a byte-order mark (Blob.text() would drop it).
             if (b) b.arrayBuffer().then(a => window.__dl.push({name,
               text: new TextDecoder('utf-8', {ignoreBOM: true}).decode(a)}));
             else window.__dl.push({name, text: url});
           };"#,
        vec![],
    )
    .await;
}

pub async fn download(p: &Page, name: &str) -> String {
    let t0 = Instant::now();
    loop {
        let v = p
            .script(
                "const d = (window.__dl || []).filter(d => d.name === arguments[0]); return d.length ? d[d.length - 1].text : null;",
                vec![serde_json::json!(name)],
            )
            .await;
        if let Some(s) = v.as_str() {
            return s.to_string();
        }
        assert!(t0.elapsed() < Duration::from_secs(20), "no download {name}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Serves dist/, starts chromedriver and a browser, and opens the page once
/// its first results are shown. Keep the driver alive as long as the page.
pub async fn launch(b: Browser) -> (Driver, Page) {
    let url = serve_dist();
    let driver = start_driver();
    let client = open(&driver, b).await;
    let page = Page::goto(client, &url).await;
    (driver, page)
}

/// A link to the heaviest model the limits allow for two runs: 12 stages,
/// 6 segments, every volume and rate uncertain, and a scenario. A million
/// trials take about 10 s on one worker here (4 million: 38 s), so a test can
/// watch a run go on; the presets' longest runs end in under a second.
pub fn heavy_model_link(page_url: &str) -> String {
    let stages: Vec<_> = (1..=12)
        .map(|i| serde_json::json!({ "text": format!("Stage {i}") }))
        .collect();
    let segments: Vec<_> = (1..=6)
        .map(|s| {
            let rates: Vec<_> = (0..11)
                .map(|r| {
                    let mid = 0.5 + 0.03 * ((r + s) % 5) as f64;
                    serde_json::json!({ "kind": "range", "low": mid - 0.05, "high": mid + 0.05 })
                })
                .collect();
            serde_json::json!({
                "label": { "text": format!("Segment {s}") },
                "spec": {
                    "volume": { "kind": "range", "low": 50000.0, "high": 80000.0 },
                    "rates": rates,
                    "deal": { "mean": 1000.0 * s as f64, "cv": 0.5 }
                }
            })
        })
        .collect();
    let doc = serde_json::json!({
        "v": 1,
        "preset": null,
        "stages": stages,
        "segments": segments,
        "scenarios": [{
            "label": { "key": "awareness30" },
            "spec": { "scope": "all", "levers": [{ "kind": "volume", "frac": 0.3 }], "cost": null }
        }],
        "trials": 20000,
        "seed": 7,
        "margin": 0.6,
        "currency": "USD",
        "period": "quarter",
        "goal": { "target": null, "prob": 0.9, "lever": { "kind": "volume" } },
        "engine": funnelcast_engine::NUMBERS
    });
    link_to(page_url, &doc)
}

/// A link to `doc` on the page at `page_url`, packed as
/// docs/document-format.md says: raw deflate, URL-safe base64.
pub fn link_to(page_url: &str, doc: &serde_json::Value) -> String {
    use base64::Engine as _;
    use std::io::Write as _;
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(doc.to_string().as_bytes()).unwrap();
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(z.finish().unwrap());
    let page_url = page_url.split('#').next().unwrap_or(page_url);
    format!("{page_url}#1.{payload}&lang=en")
}

/// The document a link holds (`…#1.<payload>&lang=…`), as JSON: the
/// payload unpacked as docs/document-format.md says (URL-safe base64, raw
/// deflate). `None` when the address holds no model or it does not unpack.
pub fn model_in_link(href: &str) -> Option<serde_json::Value> {
    use base64::Engine as _;
    use std::io::Read as _;
    let frag = href.split_once('#')?.1;
    let payload = frag.split('&').next()?.strip_prefix("1.")?;
    let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let mut json = String::new();
    flate2::read::DeflateDecoder::new(&packed[..])
        .read_to_string(&mut json)
        .ok()?;
    serde_json::from_str(&json).ok()
}

/// Segment `g`'s fixed entering volume in a link's or a file's document.
pub fn volume_of(doc: &serde_json::Value, g: usize) -> Option<f64> {
    doc["segments"][g]["spec"]["volume"]["value"].as_f64()
}

/// The size of every page of a PDF, in points (1/72 in), in file order.
///
/// Chromium's PDF writer (Skia) keeps each page's dictionary as plain text,
/// `<</Type /Page … /MediaBox [0 0 w h] …>>`, and compresses only content
/// streams; that is all this needs, so no PDF library. The page tree's
/// `/Count` must agree, or this panics (a PDF it cannot read is no pass).
pub fn pdf_page_sizes(pdf: &[u8]) -> Vec<(f64, f64)> {
    let text = String::from_utf8_lossy(pdf);
    let mut sizes = vec![];
    let mut rest = &text[..];
    while let Some(at) = rest.find("/Type /Page") {
        let after = &rest[at + "/Type /Page".len()..];
        rest = after;
        if after.starts_with('s') {
            continue; // "/Type /Pages": the tree, not a page
        }
        let dict = &after[..after.find("endobj").unwrap_or(after.len())];
        let media = dict
            .split("/MediaBox [")
            .nth(1)
            .and_then(|m| m.split(']').next())
            .unwrap_or_else(|| panic!("a page without /MediaBox: {dict:?}"));
        let n: Vec<f64> = media
            .split_whitespace()
            .map(|x| x.parse().unwrap())
            .collect();
        sizes.push((n[2] - n[0], n[3] - n[1]));
    }
    let count: usize = text
        .split("/Type /Pages")
        .nth(1)
        .and_then(|t| t.split("/Count ").nth(1))
        .and_then(|t| t.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .expect("a page tree with /Count");
    assert_eq!(
        count,
        sizes.len(),
        "the page tree's /Count against the pages found"
    );
    sizes
}
