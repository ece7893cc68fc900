//! Harness for the end-to-end tests: serves the release build in `dist/` on
//! 127.0.0.1, starts chromedriver and headless Chromium, and gives a small
//! page object that finds everything by `data-testid` (docs/test-contract.md).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

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
/// thread.
pub fn serve_dist() -> String {
    let dist = dist_dir();
    assert!(
        dist.join("index.html").exists(),
        "dist/ has no release build: run `scripts/test.sh` (it builds with trunk first)"
    );
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            let url = req
                .url()
                .split(['?', '#'])
                .next()
                .unwrap_or("/")
                .to_string();
            let rel = url.trim_start_matches('/');
            let rel = if rel.is_empty() { "index.html" } else { rel };
            // No path escapes from dist/.
            let path = dist.join(rel);
            let ok = !rel.contains("..") && path.is_file();
            let resp = if ok {
                let body = std::fs::read(&path).unwrap_or_default();
                let ct = match path.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("js") => "text/javascript",
                    Some("wasm") => "application/wasm",
                    Some("css") => "text/css",
                    Some("svg") => "image/svg+xml",
                    Some("json") => "application/json",
                    _ => "application/octet-stream",
                };
                tiny_http::Response::from_data(body)
                    .with_header(tiny_http::Header::from_bytes("Content-Type", ct).unwrap())
                    .boxed()
            } else {
                tiny_http::Response::from_string("not found")
                    .with_status_code(404)
                    .boxed()
            };
            let _ = req.respond(resp);
        }
    });
    format!("http://127.0.0.1:{port}/")
}

/// A chromedriver process, killed on drop.
pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
                    return Driver { child, port };
                }
                break;
            }
            if t0.elapsed() > Duration::from_secs(20) {
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
            Ok(c) => return c,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    panic!("connect to chromedriver: {:?}", last.unwrap())
}

/// The page object: everything by `data-testid`.
pub struct Page {
    pub c: Client,
}

pub fn tid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

impl Page {
    pub async fn goto(c: Client, url: &str) -> Page {
        c.goto(url).await.unwrap();
        let p = Page { c };
        p.wait_state("done").await;
        p
    }

    pub async fn el(&self, id: &str) -> Element {
        let sel = tid(id);
        let t0 = Instant::now();
        loop {
            if let Ok(e) = self.c.find(Locator::Css(&sel)).await {
                return e;
            }
            assert!(t0.elapsed() < Duration::from_secs(20), "no element {sel}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn exists(&self, id: &str) -> bool {
        self.c.find(Locator::Css(&tid(id))).await.is_ok()
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

    pub async fn state(&self) -> String {
        self.attr("sim-status", "data-state").await
    }

    pub async fn wait_state(&self, want: &str) {
        let t0 = Instant::now();
        loop {
            if self.state().await == want {
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

    /// Replaces the text of an input, as a user would, and fires `input`.
    pub async fn type_into(&self, id: &str, text: &str) {
        let e = self.el(id).await;
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    pub async fn click(&self, id: &str) {
        self.el(id).await.click().await.unwrap();
    }

    pub async fn select(&self, id: &str, value: &str) {
        let e = self.el(id).await;
        e.select_by_value(value).await.unwrap();
    }

    /// Sets a range input's value and fires `input` (WebDriver cannot drag
    /// precisely).
    pub async fn slide(&self, id: &str, value: f64) {
        let sel = tid(id);
        self.c
            .execute(
                "const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('input', {bubbles: true}));",
                vec![serde_json::json!(sel), serde_json::json!(value.to_string())],
            )
            .await
            .unwrap();
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

    pub async fn set_window(&self, w: u32, h: u32) {
        self.c.set_window_size(w, h).await.unwrap();
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
