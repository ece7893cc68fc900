//! Accessibility, end to end (issue 11): axe-core finds no serious or
//! critical violation of its WCAG 2.0 and 2.1 A/AA rules (and its best
//! practices) in any state a trainer shows; every chart
//! has a text alternative; results are announced once per run, never while
//! typing; and the trainer's story works with the keyboard alone, in a
//! sensible order, with a visible focus (docs/test-contract.md).
//!
//! axe-core is installed, pinned, by scripts/setup.sh into
//! .tools/node_modules and injected through WebDriver's execute (a
//! DevTools-evaluated script, which the page's Content-Security-Policy does
//! not govern; every check asserts that no `securitypolicyviolation` fired).

use std::collections::BTreeMap;

use fantoccini::key::Key;
use funnelcast_e2e::{launch, repo_root, tid, Browser, Page};
use serde_json::Value;

fn axe_source() -> String {
    let path = repo_root().join(".tools/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} ({e}): run scripts/setup.sh", path.display()))
}

/// axe's WCAG 2.0 and 2.1 A/AA rules and its best practices (by tag). Not
/// 2.2's target size: on a phone it flags whatever the sticky results bar
/// happens to cover (docs/test-contract.md).
const AXE_RUN: &str = r#"
return axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
}).then((r) => ({
  version: axe.version,
  violations: r.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => `${n.target.join(' ')} :: ${(n.failureSummary || '').replace(/\s+/g, ' ')} :: ${n.html.slice(0, 140)}`),
  })),
  incomplete: r.incomplete.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
}));
"#;

/// One axe run: violated rules and their elements, by impact.
struct AxeReport {
    /// impact → (rule id, elements)
    by_impact: BTreeMap<String, Vec<(String, Vec<String>)>>,
    incomplete: Vec<String>,
}

impl AxeReport {
    fn count(&self, impact: &str) -> usize {
        self.by_impact
            .get(impact)
            .map_or(0, |v| v.iter().map(|(_, n)| n.len()).sum())
    }

    fn rules(&self) -> Vec<String> {
        self.by_impact
            .values()
            .flatten()
            .map(|(id, _)| id.clone())
            .collect()
    }
}

/// Injects axe-core once per document and runs it on the page as it is.
async fn axe(p: &Page) -> AxeReport {
    let present = p
        .script("return typeof window.axe === 'object';", vec![])
        .await;
    if present != serde_json::json!(true) {
        p.script(&format!("{}\nreturn true;", axe_source()), vec![])
            .await;
    }
    let r = p.script(AXE_RUN, vec![]).await;
    let mut by_impact: BTreeMap<String, Vec<(String, Vec<String>)>> = BTreeMap::new();
    for v in r["violations"].as_array().unwrap() {
        let nodes = v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap_or("?").to_string())
            .collect();
        by_impact
            .entry(v["impact"].as_str().unwrap_or("unknown").to_string())
            .or_default()
            .push((
                format!(
                    "{} ({})",
                    v["id"].as_str().unwrap(),
                    v["help"].as_str().unwrap()
                ),
                nodes,
            ));
    }
    let incomplete = r["incomplete"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap_or("?").to_string())
        .collect();
    // axe ran as a DevTools script: the page's policy refused nothing.
    p.assert_clean().await;
    AxeReport {
        by_impact,
        incomplete,
    }
}

/// Runs axe, prints the counts by impact (for the closing note), and fails
/// on any serious or critical violation, naming the rules and elements.
async fn axe_clean(p: &Page, state: &str) -> AxeReport {
    let r = axe(p).await;
    println!(
        "axe {state}: critical {}, serious {}, moderate {}, minor {}; rules {:?}; incomplete {:?}",
        r.count("critical"),
        r.count("serious"),
        r.count("moderate"),
        r.count("minor"),
        r.rules(),
        r.incomplete
    );
    let bad: Vec<_> = ["critical", "serious"]
        .iter()
        .flat_map(|i| r.by_impact.get(*i).cloned().unwrap_or_default())
        .collect();
    assert!(bad.is_empty(), "axe on {state}: {bad:#?}");
    r
}

/// Every uncertainty mode open on case B: a volume as a range; rates fixed,
/// as a range and from evidence; both segments; scenarios with every kind
/// of lever (volume, rate points, rate percent, deal, cost, scope); the
/// paste boxes open.
async fn case_b_every_mode(p: &Page) {
    p.select("preset", "case-b").await;
    p.wait_state("done").await;
    p.select("volume-mode-0", "range").await;
    p.select("rate-mode-0-2", "range").await;
    p.select("rate-mode-0-3", "evidence").await;
    p.select("rate-mode-1-1", "evidence").await;
    p.select("rate-mode-1-2", "range").await;
    p.wait_state("done").await;
    p.click("scenario-awareness30").await;
    p.click("scenario-case-a").await;
    p.click("add-scenario").await;
    p.wait_state("done").await;
    p.type_into("lever-rate-pts-3-2", "5").await;
    p.type_into("lever-rate-pct-3-1", "10").await;
    p.type_into("lever-deal-pct-3", "5").await;
    p.type_into("lever-cost-3", "20000").await;
    p.select("lever-scope-3", "1").await;
    p.type_into("goal-target", "2000000").await;
    p.wait_state("done").await;
    p.open_details("details").await;
}

/// A projector's 1280×720, in the browser's language.
async fn projector(lang: &'static str) -> (funnelcast_e2e::Driver, Page) {
    let (d, p) = launch(Browser {
        lang,
        width: 1280,
        height: 720,
    })
    .await;
    p.set_viewport(1280, 720).await;
    (d, p)
}

#[tokio::test(flavor = "multi_thread")]
async fn axe_finds_no_serious_violation_in_english() {
    let (_driver, p) = projector("en-US").await;
    axe_clean(&p, "default page (en, 1280×720)").await;
    p.screenshot("a11y-default-en").await;
    p.scroll_to_top("funnel-chart", 0).await;
    p.screenshot("a11y-charts-en").await;

    // A refused value: the message beside the field and the invalid status.
    p.type_into("rate-0-2", "abc").await;
    p.wait_state("invalid").await;
    axe_clean(&p, "a field error (en)").await;
    // The box names its message, so a screen reader says it with the box.
    let message = format!("[id=\"{}\"]", p.attr("rate-0-2", "aria-describedby").await);
    let described = match p.find_css(&message).await {
        Some(m) => serde_json::json!([
            m.attr("data-testid").await.unwrap(),
            m.attr("data-field").await.unwrap(),
            p.texts(&message).await.concat(),
        ]),
        None => Value::Null,
    };
    assert_eq!(described[0], "field-error", "{described}");
    assert_eq!(described[1], "rate-0-2", "{described}");
    assert!(!described[2].as_str().unwrap().is_empty(), "{described}");
    p.type_into("rate-0-2", "32").await;
    p.wait_state("done").await;
    assert_eq!(p.attr("rate-0-2", "aria-describedby").await, "");

    case_b_every_mode(&p).await;
    assert!(p.exists("uplift-chart").await && p.exists("swing-chart").await);
    axe_clean(&p, "case B, every input mode, results (en)").await;
    // A focused "?" shows its bubble.
    p.focus("hint").await;
    axe_clean(&p, "case B with an explanation bubble (en)").await;

    p.click("present").await;
    p.el("present-mode").await; // its split module arrives on the first open
    axe_clean(&p, "presentation mode, the funnel (en, 1280×720)").await;
    p.press(Key::Right).await;
    axe_clean(&p, "presentation mode, one scenario (en, 1280×720)").await;
    p.screenshot("a11y-present-en").await;
    p.press(Key::Right).await;
    p.press(Key::Right).await;
    p.press(Key::Right).await;
    assert_eq!(p.attr("present-mode", "data-view").await, "all");
    axe_clean(&p, "presentation mode, all scenarios (en)").await;
    p.press(Key::Escape).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn axe_finds_no_serious_violation_in_chinese_and_on_a_phone() {
    let (_driver, p) = projector("zh-CN").await;
    assert_eq!(p.attr("lang", "data-lang").await, "zh");
    axe_clean(&p, "default page (zh, 1280×720)").await;
    p.screenshot("a11y-default-zh").await;
    p.click("scenario-awareness30").await;
    p.wait_state("done").await;
    axe_clean(&p, "one scenario, results (zh)").await;
    p.click("present").await;
    p.el("present-mode").await; // its split module arrives on the first open
    axe_clean(&p, "presentation mode (zh)").await;
    p.screenshot("a11y-present-zh").await;
    p.press(Key::Escape).await;
    p.close().await;

    let (_driver, p) = launch(Browser {
        lang: "en-US",
        width: 390,
        height: 844,
    })
    .await;
    p.set_viewport(390, 844).await;
    axe_clean(&p, "default page (en, phone 390×844)").await;
    p.screenshot("a11y-default-phone").await;
    p.click("scenario-awareness30").await;
    p.wait_state("done").await;
    axe_clean(&p, "one scenario (en, phone)").await;
    p.click("present").await;
    p.el("present-mode").await; // its split module arrives on the first open
    axe_clean(&p, "presentation mode (en, phone)").await;
    p.screenshot("a11y-present-phone").await;
    // The funnel slide fits a phone's width (no sideways scroll), and so
    // does the first scenario's.
    for view in ["funnel", "1"] {
        assert_eq!(p.attr("present-mode", "data-view").await, view);
        let wide = p
            .script(
                "const m = document.querySelector('[data-testid=present-mode]');
                 return m.scrollWidth > m.clientWidth + 1;",
                vec![],
            )
            .await;
        assert_eq!(
            wide,
            serde_json::json!(false),
            "{view} scrolls sideways on a phone"
        );
        p.press(Key::Right).await;
    }
    p.press(Key::Escape).await;
}

/// The check can fail: on the same page, a grey-on-white line and a chart
/// without a name are found (so a clean run above is axe's verdict, not a
/// script that never ran).
#[tokio::test(flavor = "multi_thread")]
async fn axe_catches_low_contrast_and_a_nameless_chart() {
    let (_driver, p) = launch(Browser::default()).await;
    p.script(
        "const d = document.createElement('p');
         d.textContent = 'grey on white'; d.style.color = '#aaaaaa'; d.style.background = '#ffffff';
         document.querySelector('main').appendChild(d);
         const s = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
         s.setAttribute('role', 'img'); s.setAttribute('width', '20'); s.setAttribute('height', '20');
         document.querySelector('main').appendChild(s);",
        vec![],
    )
    .await;
    let r = axe(&p).await;
    let rules = r.rules();
    for want in ["color-contrast", "svg-img-alt"] {
        assert!(
            rules.iter().any(|x| x.starts_with(want)),
            "axe missed {want}: {rules:?}"
        );
    }
    assert!(r.count("serious") >= 2, "{rules:?}");
}

/// Chart names: every chart `<svg role=img>` has an accessible name that
/// states its figures, in the page's language, and they are the table's.
#[tokio::test(flavor = "multi_thread")]
async fn every_chart_has_a_text_alternative_with_the_tables_figures() {
    for lang in ["en-US", "zh-CN"] {
        let (_driver, p) = launch(Browser {
            lang,
            width: 1400,
            height: 1000,
        })
        .await;
        p.click("scenario-awareness30").await;
        p.wait_state("done").await;
        let unnamed = p
            .script(
                "return [...document.querySelectorAll('svg[role=img]')]
                   .filter((s) => !(s.getAttribute('aria-label') || '').trim())
                   .map((s) => s.dataset.testid || s.outerHTML.slice(0, 60));",
                vec![],
            )
            .await;
        assert_eq!(
            unnamed,
            serde_json::json!([]),
            "charts without a name ({lang})"
        );
        let label = |id: &'static str| {
            let p = &p;
            async move { p.attr(id, "aria-label").await }
        };
        let text = |id: String| {
            let p = &p;
            async move { p.el(&id).await.text().await.unwrap() }
        };
        // Revenue: each scenario's P5, P50 and P95 as the table prints them.
        let rev = label("revenue-chart").await;
        for s in 0..2 {
            for q in ["p5", "p50", "p95"] {
                let cell = text(format!("result-revenue-{q}-{s}")).await;
                assert!(
                    rev.contains(&cell),
                    "revenue chart ({lang}) lacks {q} {s} {cell:?}: {rev}"
                );
            }
        }
        let up = label("uplift-chart").await;
        for q in ["p5", "p95"] {
            let cell = text(format!("result-uplift-{q}-1")).await;
            assert!(
                up.contains(&cell),
                "uplift chart ({lang}) lacks {q} {cell:?}: {up}"
            );
        }
        // The funnel: every stage's name and its expected count.
        let funnel = label("funnel-chart").await;
        for i in 0..5 {
            let name = p.input_value(&format!("stage-name-{i}")).await;
            assert!(
                funnel.contains(&name),
                "funnel ({lang}) lacks {name}: {funnel}"
            );
        }
        let customers = text("result-stage-mean-0-4".into()).await;
        assert!(
            funnel.contains(&customers),
            "funnel ({lang}) lacks {customers}: {funnel}"
        );
        // The tornado: the largest bar first, with its gain.
        let tornado = label("tornado-chart").await;
        let first = p
            .texts(&format!("{} > title", tid("tornado-bar-0")))
            .await
            .remove(0);
        assert!(
            tornado.contains(first.trim()),
            "tornado ({lang}): {tornado} lacks {first}"
        );
        // In the page's language.
        let zh = lang.starts_with("zh");
        let has_cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for (what, l) in [
            ("revenue", &rev),
            ("uplift", &up),
            ("funnel", &funnel),
            ("tornado", &tornado),
        ] {
            assert_eq!(has_cjk(l), zh, "{what} chart's name in {lang}: {l}");
        }
        // The presentation chart too.
        p.click("present").await;
        p.el("present-mode").await; // its split module arrives on the first open
        let funnel_slide = p.attr("present-funnel", "aria-label").await;
        assert_eq!(has_cjk(&funnel_slide), zh, "{funnel_slide}");
        p.press(Key::Right).await; // from the funnel to the first scenario
        let present = p.attr("present-chart", "aria-label").await;
        assert_eq!(
            has_cjk(&present),
            zh,
            "presentation chart in {lang}: {present}"
        );
        for s in 0..2 {
            // The big card's P5–P95 line holds the figures the chart draws.
            let sub = p
                .texts(&format!(
                    ".present-fig:has(> {}) > .present-sub",
                    tid(&format!("present-revenue-{s}"))
                ))
                .await
                .remove(0);
            // A colon in the page's punctuation (full-width in Chinese).
            assert_eq!(sub.contains('：'), zh, "{sub}");
            let p5 = sub
                .split([':', '：'])
                .nth(1)
                .unwrap()
                .split(" … ")
                .next()
                .unwrap()
                .trim();
            assert!(
                present.contains(p5),
                "presentation chart lacks P5 {p5:?} of {s}: {present}"
            );
        }
        p.press(Key::Escape).await;
        p.close().await;
    }
}

/// Records every change of the run announcement, with the run status at
/// that moment, in `window.__fcLive`; and the runs finished so far.
const WATCH_LIVE: &str = r#"
window.__fcLive = [];
const el = document.querySelector('[data-testid=run-announcement]');
new MutationObserver(() => {
  window.__fcLive.push({
    text: el.textContent,
    state: document.querySelector('[data-testid=sim-status]').dataset.state,
  });
}).observe(el, { childList: true, characterData: true, subtree: true });
return true;
"#;

/// (announcements so far, runs finished so far: `funnelcast:sim` measures).
async fn live(p: &Page) -> (Vec<(String, String)>, usize) {
    let said = p.script("return window.__fcLive;", vec![]).await;
    let list = said
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["text"].as_str().unwrap().to_string(),
                r["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (list, p.measures("funnelcast:sim").await.len())
}

/// Results are announced politely, once per finished run: never while
/// typing (every change happens with the status `done`), never for a
/// rename, at most once per run, and in the page's language.
#[tokio::test(flavor = "multi_thread")]
async fn results_are_announced_once_per_run_and_never_while_typing() {
    let (_driver, p) = launch(Browser::default()).await;
    // The announcement is a polite, atomic live region; the status pill,
    // which changes with every keystroke, is not live.
    assert_eq!(p.attr("run-announcement", "aria-live").await, "polite");
    assert_eq!(p.attr("run-announcement", "aria-atomic").await, "true");
    let status = p.el("sim-status").await;
    let pill = serde_json::json!([
        status.attr("aria-live").await.unwrap(),
        status.attr("role").await.unwrap(),
        p.find_css("[aria-live] [data-testid=sim-status], [data-testid=sim-status][aria-live]")
            .await
            .is_some(),
    ]);
    assert_eq!(
        pill,
        serde_json::json!([null, null, false]),
        "the status pill is live"
    );
    p.script(WATCH_LIVE, vec![]).await;
    let (_, runs0) = live(&p).await;

    // A number typed key by key: announced once its run is done.
    p.el("volume-0").await.clear().await.unwrap();
    p.type_into("volume-0", "12000").await;
    p.wait_state("done").await;
    let (said, runs) = live(&p).await;
    let new_runs = runs - runs0;
    assert!(
        !said.is_empty() && said.len() <= new_runs,
        "{} announcements for {new_runs} runs: {said:?}",
        said.len()
    );
    assert!(
        said.iter().all(|(_, st)| st == "done"),
        "said while not done: {said:?}"
    );
    let mean = p.el("result-revenue-mean-0").await.text().await.unwrap();
    let last = &said.last().unwrap().0;
    assert!(
        last.contains(&mean),
        "{last:?} lacks the mean revenue {mean}"
    );
    let (_, _, w, h) = p.el("run-announcement").await.rectangle().await.unwrap();
    let size = w * h;
    assert!(size <= 1.0, "the announcement is shown: {size}");

    // A scenario: one more run, one more announcement, with its uplift.
    p.click("scenario-awareness30").await;
    p.wait_state("done").await;
    let (said2, runs2) = live(&p).await;
    assert!(said2.len() - said.len() <= runs2 - runs && said2.len() > said.len());
    let uplift = p.el("result-uplift-mean-1").await.text().await.unwrap();
    assert!(
        said2.last().unwrap().0.contains(&uplift),
        "{said2:?} lacks {uplift}"
    );

    // A rename, key by key, runs nothing and says nothing.
    p.type_into("scenario-name-1", "Bigger audience").await;
    p.wait_state("done").await;
    let (said3, runs3) = live(&p).await;
    assert_eq!(runs3, runs2, "a rename ran the model");
    assert_eq!(
        said3.len(),
        said2.len(),
        "a rename was announced: {said3:?}"
    );

    // The language, switched: said once more, in Chinese.
    p.click("lang").await;
    p.wait_state("done").await;
    let (said4, _) = live(&p).await;
    assert_eq!(said4.len(), said3.len() + 1, "{said4:?}");
    let zh = &said4.last().unwrap().0;
    assert!(
        zh.contains("结果已更新") && zh.contains("Bigger audience"),
        "{zh}"
    );
}

/// Where the focus is, after a key press: its test id (or tag), whether it
/// shows a focus ring, whether it is on screen and on top (not under the
/// sticky header or the phone bar), hidden from screen readers, and
/// whether it comes after the element focused before in document order.
const FOCUS_JS: &str = r#"
const e = document.activeElement;
const prev = window.__fcPrev;
window.__fcPrev = e;
if (!e || e === document.body) return null;
const cs = getComputedStyle(e);
const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0)
  || (cs.boxShadow && cs.boxShadow !== 'none');
const r = e.getBoundingClientRect();
const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
const order = prev && prev.isConnected && prev !== e
  ? ((prev.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING) ? 'after' : 'before')
  : null;
return {
  id: e.dataset.testid || e.tagName.toLowerCase(),
  ring,
  on_screen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight,
  on_top: !!hit && (hit === e || e.contains(hit)),
  hidden: !!e.closest('[aria-hidden=true]'),
  order,
};
"#;

/// One key press that moves the focus, checked: a visible ring, on screen
/// and not covered, not hidden from screen readers, and in document order
/// (forward for Tab, backward for Shift+Tab).
async fn step(p: &Page, back: bool, trail: &mut Vec<String>) -> String {
    step_checked(p, back, true, trail).await
}

/// As [`step`]; `ordered` false where the focus may wrap round (a dialog).
async fn step_checked(p: &Page, back: bool, ordered: bool, trail: &mut Vec<String>) -> String {
    if back {
        p.press_shift(Key::Tab).await;
    } else {
        p.press(Key::Tab).await;
    }
    let f: Value = p.script(FOCUS_JS, vec![]).await;
    assert!(!f.is_null(), "focus left the page after {trail:?}");
    let id = f["id"].as_str().unwrap().to_string();
    trail.push(id.clone());
    let want = if back { "before" } else { "after" };
    assert!(f["ring"] == true, "{id}: no visible focus ring ({trail:?})");
    assert!(
        f["on_screen"] == true,
        "{id}: focused off screen ({trail:?})"
    );
    assert!(
        f["on_top"] == true,
        "{id}: focused under something ({trail:?})"
    );
    assert!(
        f["hidden"] == false,
        "{id}: focus inside aria-hidden ({trail:?})"
    );
    assert!(
        !ordered || f["order"].is_null() || f["order"] == want,
        "{id}: focus jumped {} the element before ({trail:?})",
        f["order"]
    );
    id
}

/// Tab (or Shift+Tab) until `target` has the focus; every stop checked.
async fn tab_to(p: &Page, target: &str, back: bool, trail: &mut Vec<String>) -> usize {
    for n in 1..=150 {
        if step(p, back, trail).await == target {
            return n;
        }
    }
    panic!("{target} never got the focus: {trail:?}");
}

/// The trainer's story with the keyboard alone, from the default page:
/// choose a preset, change a rate, add "+5 points at consideration", read
/// the results, present, step ← / →, and leave with Esc. Every focus stop
/// is checked by `step`; the order of the story's controls is the page's
/// reading order (header, editors, scenarios, results).
#[tokio::test(flavor = "multi_thread")]
async fn the_trainer_story_works_with_the_keyboard_alone() {
    let (_driver, p) = launch(Browser {
        lang: "en-US",
        width: 1280,
        height: 720,
    })
    .await;
    p.set_viewport(1280, 720).await;
    let mut trail = vec![];

    // Choose a preset: the arrows change a focused <select>.
    let to_preset = tab_to(&p, "preset", false, &mut trail).await;
    assert_eq!(to_preset, 1, "the preset is the first stop: {trail:?}");
    p.press(Key::Down).await;
    p.wait_state("done").await;
    assert_eq!(p.input_value("preset").await, "aida");
    assert!(!p.exists("stage-name-4").await, "AIDA has four stages");
    p.press(Key::Up).await;
    p.wait_state("done").await;
    assert_eq!(p.input_value("preset").await, "classic5");
    assert!(p.exists("stage-name-4").await);

    // Change a rate: Tab selects the box's text, typing replaces it.
    tab_to(&p, "rate-0-2", false, &mut trail).await;
    p.screenshot("a11y-focus-en").await;
    p.type_keys("40").await;
    p.wait_state("done").await;
    assert_eq!(p.input_value("rate-0-2").await, "40");
    // 10,000 × .25 × .40 × .25 × .30 × 5,000 = 375,000 (exact: every input fixed).
    let revenue = p.value("result-revenue-mean-0").await;
    assert!((revenue - 375_000.0).abs() < 1.0, "revenue {revenue}");

    // "+5 points at consideration": Enter on the button, a name, the lever.
    tab_to(&p, "add-scenario", false, &mut trail).await;
    p.press(Key::Enter).await;
    p.wait_state("done").await;
    assert!(p.exists("scenario-name-1").await, "Enter added no scenario");
    assert_eq!(
        p.focused_testid().await,
        "add-scenario",
        "the focus stays on the button"
    );
    tab_to(&p, "scenario-name-1", false, &mut trail).await;
    p.type_keys("+5 pts consideration").await;
    tab_to(&p, "lever-rate-pts-1-2", false, &mut trail).await;
    p.type_keys("5").await;
    p.wait_state("done").await;
    // 375,000 × (45/40 − 1) = 46,875.
    let uplift = p.value("result-uplift-mean-1").await;
    assert!((uplift / 46_875.0 - 1.0).abs() < 0.08, "uplift {uplift}");

    // Read the results: the table's box is a tab stop, named, holding them.
    tab_to(&p, "results-region", false, &mut trail).await;
    let region = p.el("results-region").await;
    assert_eq!(
        region.attr("aria-label").await.unwrap().as_deref(),
        Some("Results table")
    );
    let text = region.text().await.unwrap();
    let up = p.el("result-uplift-mean-1").await.text().await.unwrap();
    assert!(
        text.contains("+5 pts consideration") && text.contains(&up),
        "{text}"
    );
    let said = p
        .el("run-announcement")
        .await
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        said.contains("+5 pts consideration") && said.contains(&up),
        "{said}"
    );

    // Back up to the present button with Shift+Tab: the same stops, reversed.
    let forward_tail: Vec<String> = trail.clone();
    let mut back = vec![];
    tab_to(&p, "present", true, &mut back).await;
    let from = forward_tail
        .iter()
        .rposition(|x| x == "lever-rate-pts-1-2")
        .unwrap();
    let mut expect: Vec<&String> = forward_tail[from..].iter().rev().skip(1).collect();
    expect.truncate(back.len().min(expect.len()));
    assert_eq!(
        back.iter().take(expect.len()).collect::<Vec<_>>(),
        expect,
        "Shift+Tab is not Tab reversed"
    );
    trail.extend(back.iter().cloned());

    // Present: Enter opens it with the focus inside; → and ← step.
    p.press(Key::Enter).await;
    // The mode is a split module of its own: it arrives on the first open.
    p.el("present-mode").await;
    assert_eq!(p.focused_testid().await, "present-mode");
    assert_eq!(p.attr("present-mode", "data-view").await, "funnel");
    p.press(Key::Right).await;
    assert_eq!(p.attr("present-mode", "data-view").await, "1");
    p.press(Key::Right).await;
    assert_eq!(p.attr("present-mode", "data-view").await, "all");
    p.press(Key::Left).await;
    assert_eq!(p.attr("present-mode", "data-view").await, "1");
    // Tab goes round the mode's own controls, never behind it.
    let mut inside = vec![];
    for _ in 0..9 {
        step_checked(&p, false, false, &mut inside).await;
        assert!(
            p.focus_within("present-mode").await,
            "Tab left the mode: {inside:?}"
        );
    }
    assert!(
        inside.contains(&"present-exit".to_string())
            && inside.contains(&"present-rate".to_string()),
        "{inside:?}"
    );
    let mut inside_back = vec![];
    for _ in 0..3 {
        p.press_shift(Key::Tab).await;
        let within = p.focus_within("present-mode").await;
        inside_back.push(p.focused_testid().await);
        assert!(within, "Shift+Tab left the mode: {inside_back:?}");
    }
    // Esc leaves, the focus back on the button, with its ring.
    p.press(Key::Escape).await;
    assert!(
        !p.exists("present-mode").await,
        "Esc leaves presentation mode"
    );
    assert_eq!(p.focused_testid().await, "present");
    let f: Value = p.script(FOCUS_JS, vec![]).await;
    assert!(
        f["ring"] == true,
        "no ring on the present button after Esc: {f}"
    );
    println!(
        "keyboard story: {} stops: {}",
        trail.len(),
        trail.join(" → ")
    );
    println!("presentation mode, Tab: {}", inside.join(" → "));
    p.assert_clean().await;
}
