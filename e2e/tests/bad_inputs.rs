//! Bad input, end to end, in one browser session each:
//!
//! - the table of bad inputs ([`table`]): every numeric input's bad values
//!   (negative, over 100 %, NaN, empty, text, 1e300 and the field's own
//!   traps: evidence k > n, a range's low end above its high end, trials 0
//!   and 10⁹, …) and what each gets — a message beside the named field
//!   (`field-error` with `data-field`) saying the expected words, `sim-status`
//!   `invalid`, the last results unchanged, no `error-banner` — or, for a
//!   value that is fine, a run to `done`; then the value is put back. The
//!   same for the counts of stages, segments and scenarios at 1, 2 and their
//!   limits, and a few rows again in Chinese;
//! - mode switches that must change a number say so beside the field;
//! - names full of markup stay text: in the page, the charts, the print
//!   sheet and every export (SVG, PNG, CSV, JSON).

use std::time::Instant;

use funnelcast_e2e::{capture_downloads, download, launch, Browser, Page};
use serde_json::json;

/// What a bad value gets.
#[derive(Clone, Copy, Debug)]
enum Want {
    /// A message beside the input with this `data-testid`, containing these words.
    Error(&'static str, &'static str),
    /// A value that is fine: the run goes to `done`.
    Accepted,
}
use Want::{Accepted, Error};

/// One row of the table: the input typed into, the text typed, what it gets.
type Row = (&'static str, &'static str, Want);

// The words each message must contain (docs: locales/en.json).
const NUMBER: &str = "Enter a number";
const REQUIRED: &str = "This field is required";
const WHOLE: &str = "whole number";

/// The classic funnel's inputs, all fixed (volume 10,000; rate into
/// consideration 32 %, 800 people; deal value 5,000 with CV 50 %).
fn fixed_rows() -> Vec<Row> {
    let vol = "between 0 and 1,000,000,000";
    let pct = "between 0 and 100";
    let deal = "between 0 and 1,000,000,000,000";
    let cv = "between 0 and 1,000";
    let count = "between 0 and 2,500";
    let margin = "more than 0 and at most 100";
    let trials = "between 100 and 5,000,000";
    let seed = "between 0 and 9,007,199,254,740,991";
    let target = "between 0 and 1,000,000,000,000,000";
    let prob = "between 1 and 99.9";
    vec![
        ("volume-0", "-1", Error("volume-0", vol)),
        ("volume-0", "150", Accepted),
        ("volume-0", "NaN", Error("volume-0", NUMBER)),
        ("volume-0", "", Error("volume-0", REQUIRED)),
        ("volume-0", "abc", Error("volume-0", NUMBER)),
        ("volume-0", "1e300", Error("volume-0", vol)),
        ("volume-0", "11亿", Error("volume-0", vol)),
        ("rate-0-2", "-1", Error("rate-0-2", pct)),
        ("rate-0-2", "150", Error("rate-0-2", pct)),
        ("rate-0-2", "NaN", Error("rate-0-2", NUMBER)),
        ("rate-0-2", "", Error("rate-0-2", REQUIRED)),
        ("rate-0-2", "abc", Error("rate-0-2", NUMBER)),
        ("rate-0-2", "1e300", Error("rate-0-2", pct)),
        ("rate-0-2", "100", Accepted),
        ("count-0-2", "-1", Error("count-0-2", count)),
        ("count-0-2", "150", Accepted),
        ("count-0-2", "3000", Error("count-0-2", count)),
        ("count-0-2", "NaN", Error("count-0-2", NUMBER)),
        ("count-0-2", "", Error("count-0-2", REQUIRED)),
        ("count-0-2", "abc", Error("count-0-2", NUMBER)),
        ("count-0-2", "1e300", Error("count-0-2", count)),
        ("deal-value-0", "-1", Error("deal-value-0", deal)),
        ("deal-value-0", "150", Accepted),
        ("deal-value-0", "NaN", Error("deal-value-0", NUMBER)),
        ("deal-value-0", "", Error("deal-value-0", REQUIRED)),
        ("deal-value-0", "abc", Error("deal-value-0", NUMBER)),
        ("deal-value-0", "1e300", Error("deal-value-0", deal)),
        ("deal-cv-0", "-1", Error("deal-cv-0", cv)),
        ("deal-cv-0", "150", Accepted),
        ("deal-cv-0", "NaN", Error("deal-cv-0", NUMBER)),
        ("deal-cv-0", "", Error("deal-cv-0", REQUIRED)),
        ("deal-cv-0", "abc", Error("deal-cv-0", NUMBER)),
        ("deal-cv-0", "1e300", Error("deal-cv-0", cv)),
        ("margin", "-1", Error("margin", margin)),
        ("margin", "0", Error("margin", margin)),
        ("margin", "150", Error("margin", margin)),
        ("margin", "NaN", Error("margin", NUMBER)),
        ("margin", "", Accepted),
        ("margin", "abc", Error("margin", NUMBER)),
        ("margin", "1e300", Error("margin", margin)),
        ("margin", "40", Accepted),
        ("trials", "-1", Error("trials", trials)),
        ("trials", "0", Error("trials", trials)),
        ("trials", "1e9", Error("trials", trials)),
        ("trials", "150", Accepted),
        ("trials", "150.5", Error("trials", WHOLE)),
        ("trials", "NaN", Error("trials", NUMBER)),
        ("trials", "", Error("trials", REQUIRED)),
        ("trials", "abc", Error("trials", NUMBER)),
        ("trials", "1e300", Error("trials", trials)),
        ("seed", "-1", Error("seed", seed)),
        ("seed", "150", Accepted),
        ("seed", "NaN", Error("seed", NUMBER)),
        ("seed", "", Error("seed", REQUIRED)),
        ("seed", "abc", Error("seed", NUMBER)),
        ("seed", "1e300", Error("seed", seed)),
        ("goal-target", "-1", Error("goal-target", target)),
        ("goal-target", "150", Accepted),
        ("goal-target", "NaN", Error("goal-target", NUMBER)),
        ("goal-target", "", Accepted),
        ("goal-target", "abc", Error("goal-target", NUMBER)),
        ("goal-target", "1e300", Error("goal-target", target)),
        ("goal-prob", "-1", Error("goal-prob", prob)),
        ("goal-prob", "150", Error("goal-prob", prob)),
        ("goal-prob", "NaN", Error("goal-prob", NUMBER)),
        ("goal-prob", "", Error("goal-prob", REQUIRED)),
        ("goal-prob", "abc", Error("goal-prob", NUMBER)),
        ("goal-prob", "1e300", Error("goal-prob", prob)),
    ]
}

/// The volume as a 90 % range (8,000 to 12,000).
fn volume_range_rows() -> Vec<Row> {
    let end = "more than 0 and at most 1,000,000,000";
    let wide = "at most 10,000 times the low end";
    let order = "low end must be below the high end";
    vec![
        ("volume-low-0", "-1", Error("volume-low-0", end)),
        ("volume-low-0", "0", Error("volume-low-0", end)),
        ("volume-low-0", "150", Accepted),
        ("volume-low-0", "1e-310", Error("volume-low-0", wide)),
        ("volume-low-0", "1e-300", Error("volume-low-0", wide)),
        ("volume-low-0", "20000", Error("volume-high-0", order)),
        ("volume-low-0", "NaN", Error("volume-low-0", NUMBER)),
        ("volume-low-0", "", Error("volume-low-0", REQUIRED)),
        ("volume-low-0", "abc", Error("volume-low-0", NUMBER)),
        ("volume-low-0", "1e300", Error("volume-low-0", end)),
        ("volume-high-0", "-1", Error("volume-high-0", end)),
        ("volume-high-0", "5000", Error("volume-high-0", order)),
        ("volume-high-0", "1e9", Error("volume-high-0", wide)),
        ("volume-high-0", "1e9", Error("volume-low-0", wide)),
        ("volume-high-0", "NaN", Error("volume-high-0", NUMBER)),
        ("volume-high-0", "", Error("volume-high-0", REQUIRED)),
        ("volume-high-0", "abc", Error("volume-high-0", NUMBER)),
        ("volume-high-0", "1e300", Error("volume-high-0", end)),
    ]
}

/// The rate into consideration as a 90 % range around 32 %.
fn rate_range_rows() -> Vec<Row> {
    let end = "more than 0 and less than 100";
    let order = "low end must be below the high end";
    vec![
        ("rate-low-0-2", "-1", Error("rate-low-0-2", end)),
        ("rate-low-0-2", "0", Error("rate-low-0-2", end)),
        ("rate-low-0-2", "100", Error("rate-low-0-2", end)),
        ("rate-low-0-2", "150", Error("rate-low-0-2", end)),
        ("rate-low-0-2", "50", Error("rate-high-0-2", order)),
        ("rate-low-0-2", "NaN", Error("rate-low-0-2", NUMBER)),
        ("rate-low-0-2", "", Error("rate-low-0-2", REQUIRED)),
        ("rate-low-0-2", "abc", Error("rate-low-0-2", NUMBER)),
        ("rate-low-0-2", "1e300", Error("rate-low-0-2", end)),
        ("rate-low-0-2", "10", Accepted),
        ("rate-high-0-2", "-1", Error("rate-high-0-2", end)),
        ("rate-high-0-2", "100", Error("rate-high-0-2", end)),
        ("rate-high-0-2", "1", Error("rate-high-0-2", order)),
        ("rate-high-0-2", "NaN", Error("rate-high-0-2", NUMBER)),
        ("rate-high-0-2", "", Error("rate-high-0-2", REQUIRED)),
        ("rate-high-0-2", "abc", Error("rate-high-0-2", NUMBER)),
        ("rate-high-0-2", "1e300", Error("rate-high-0-2", end)),
    ]
}

/// The rate into consideration as evidence (from the plan counts).
fn evidence_rows() -> Vec<Row> {
    let n = "between 0 and 1,000,000,000";
    let k_n = "Converted cannot exceed";
    vec![
        ("evidence-k-0-2", "-1", Error("evidence-k-0-2", n)),
        ("evidence-k-0-2", "3000", Error("evidence-k-0-2", k_n)),
        ("evidence-k-0-2", "1.5", Error("evidence-k-0-2", WHOLE)),
        ("evidence-k-0-2", "NaN", Error("evidence-k-0-2", NUMBER)),
        ("evidence-k-0-2", "", Error("evidence-k-0-2", REQUIRED)),
        ("evidence-k-0-2", "abc", Error("evidence-k-0-2", NUMBER)),
        ("evidence-k-0-2", "1e300", Error("evidence-k-0-2", n)),
        ("evidence-k-0-2", "150", Accepted),
        ("evidence-n-0-2", "-1", Error("evidence-n-0-2", n)),
        ("evidence-n-0-2", "10", Error("evidence-k-0-2", k_n)),
        ("evidence-n-0-2", "NaN", Error("evidence-n-0-2", NUMBER)),
        ("evidence-n-0-2", "", Error("evidence-n-0-2", REQUIRED)),
        ("evidence-n-0-2", "abc", Error("evidence-n-0-2", NUMBER)),
        ("evidence-n-0-2", "1e300", Error("evidence-n-0-2", n)),
    ]
}

/// The levers of one added scenario.
fn lever_rows() -> Vec<Row> {
    let pct = "between −100 and 10,000";
    let pts = "between −100 and 100";
    let cost = "between 0 and 1,000,000,000,000,000";
    let mut rows = vec![];
    for id in [
        "lever-volume-pct-1",
        "lever-deal-pct-1",
        "lever-rate-pct-1-2",
    ] {
        rows.extend([
            (id, "-1", Accepted),
            (id, "150", Accepted),
            (id, "-150", Error(id, pct)),
            (id, "NaN", Error(id, NUMBER)),
            (id, "", Error(id, REQUIRED)),
            (id, "abc", Error(id, NUMBER)),
            (id, "1e300", Error(id, pct)),
        ]);
    }
    let id = "lever-rate-pts-1-2";
    rows.extend([
        (id, "-1", Accepted),
        (id, "150", Error(id, pts)),
        (id, "NaN", Error(id, NUMBER)),
        (id, "", Error(id, REQUIRED)),
        (id, "abc", Error(id, NUMBER)),
        (id, "1e300", Error(id, pts)),
    ]);
    let id = "lever-cost-1";
    rows.extend([
        (id, "-1", Error(id, cost)),
        (id, "150", Accepted),
        (id, "NaN", Error(id, NUMBER)),
        (id, "", Accepted),
        (id, "abc", Error(id, NUMBER)),
        (id, "1e300", Error(id, cost)),
        (id, "1e308", Error(id, cost)),
        (id, "1e15", Accepted),
    ]);
    rows
}

async fn result_now(p: &Page) -> String {
    p.attr("result-revenue-mean-0", "data-value").await
}

/// Walks `rows` (the page `done` before each): types the bad text, checks
/// what it gets, puts the old text back. Returns how many rows it walked.
async fn walk(p: &Page, rows: &[Row]) -> usize {
    for &(id, text, want) in rows {
        p.wait_state("done").await;
        assert!(p.field_errors().await.is_empty(), "left over before {id}");
        let before = p.input_value(id).await;
        let results = result_now(p).await;
        p.set_value(id, text).await;
        match want {
            Error(at, says) => {
                p.wait_state("invalid").await;
                let errors = p.field_errors().await;
                assert!(
                    errors.iter().any(|(f, t)| f == at && t.contains(says)),
                    "{id} = {text:?}: want {says:?} beside {at}, got {errors:?}"
                );
                assert_eq!(
                    result_now(p).await,
                    results,
                    "{id} = {text:?}: results moved"
                );
            }
            Accepted => {
                p.wait_state("done").await;
                let errors = p.field_errors().await;
                assert!(errors.is_empty(), "{id} = {text:?}: {errors:?}");
            }
        }
        assert!(!p.exists("error-banner").await, "{id} = {text:?}");
        p.set_value(id, &before).await;
    }
    p.wait_state("done").await;
    assert!(p.field_errors().await.is_empty());
    rows.len()
}

/// Clicks `add` until it is disabled, checking the count it stops at (of
/// the test ids starting with `prefix`) and its `limit-note`.
async fn fill(p: &Page, add: &str, prefix: &str, want: usize) {
    let mut n = 0;
    while p.attr(add, "disabled").await.is_empty() && n < 20 {
        p.click(add).await;
        n += 1;
    }
    p.wait_state("done").await;
    let shown = p.count(&count_of(prefix)).await;
    assert_eq!(shown, want, "{add}");
    let note = p
        .find_css(&format!(
            "[data-testid=\"limit-note\"][data-field=\"{add}\"]"
        ))
        .await
        .unwrap_or_else(|| panic!("no limit-note beside {add}"));
    assert!(note.text().await.unwrap().contains("At most"));
}

/// The elements whose test id starts with `prefix`.
fn count_of(prefix: &str) -> String {
    format!("[data-testid^=\"{prefix}\"]")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_table_of_bad_inputs() {
    let t0 = Instant::now();
    let (_driver, p) = launch(Browser::default()).await;
    let mut rows = 0;
    rows += walk(&p, &fixed_rows()).await;

    p.select("volume-mode-0", "range").await;
    rows += walk(&p, &volume_range_rows()).await;
    p.screenshot("bad-inputs-volume-range").await;
    p.select("volume-mode-0", "fixed").await;

    p.select("rate-mode-0-2", "range").await;
    rows += walk(&p, &rate_range_rows()).await;
    p.select("rate-mode-0-2", "evidence").await;
    rows += walk(&p, &evidence_rows()).await;
    p.select("rate-mode-0-2", "fixed").await;

    p.click("add-scenario").await;
    rows += walk(&p, &lever_rows()).await;

    // Counts: stages 2 (none can go) and 12, segments 1, 2 and 6,
    // scenarios 1, 2 and 7 besides the baseline.
    p.select("preset", "classic5").await;
    p.wait_state("done").await;
    for _ in 0..3 {
        p.click("remove-stage-0").await;
    }
    p.wait_state("done").await;
    assert_eq!(p.count(&count_of("stage-name-")).await, 2);
    assert_eq!(p.attr("remove-stage-0", "disabled").await, "true");
    fill(&p, "add-stage", "stage-name-", 12).await;
    assert!(
        !p.exists("remove-segment-0").await,
        "one segment: none to remove"
    );
    p.click("add-segment").await;
    p.wait_state("done").await;
    assert!(p.exists("remove-segment-1").await);
    fill(&p, "add-segment", "segment-name-", 6).await;
    p.click("add-scenario").await;
    p.click("add-scenario").await;
    p.wait_state("done").await;
    fill(&p, "add-scenario", "scenario-name-", 7).await;
    p.screenshot("bad-inputs-limits").await;
    rows += 8;
    assert!(!p.exists("error-banner").await);

    // In Chinese: the same checks say it in Chinese.
    p.select("preset", "classic5").await;
    p.click("lang").await;
    assert_eq!(p.attr("lang", "data-lang").await, "zh");
    rows += walk(
        &p,
        &[
            ("volume-0", "-1", Error("volume-0", "须在 0 与 10亿 之间")),
            ("volume-0", "abc", Error("volume-0", "请输入数字")),
            ("margin", "0", Error("margin", "须大于 0 且不超过 100")),
            ("trials", "1.5", Error("trials", "须为整数")),
            (
                "lever-cost-1",
                "-1",
                Error("lever-cost-1", "须在 0 与 1000万亿 之间"),
            ),
        ][..],
    )
    .await;
    p.select("rate-mode-0-2", "range").await;
    rows += walk(
        &p,
        &[(
            "rate-low-0-2",
            "0",
            Error("rate-low-0-2", "须大于 0 且小于 100"),
        )][..],
    )
    .await;
    p.screenshot("bad-inputs-zh").await;
    eprintln!(
        "bad inputs: {rows} rows in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    assert!(rows >= 150, "{rows}");
    p.close().await;
}

/// Switching modes keeps the number or says beside the field what it set.
#[tokio::test(flavor = "multi_thread")]
async fn mode_switches_say_what_they_changed() {
    let (_driver, p) = launch(Browser::default()).await;
    let note = || async {
        match p.find("mode-note").await {
            Some(e) => Some((
                e.attr("data-field").await.unwrap().unwrap_or_default(),
                e.text().await.unwrap(),
            )),
            None => None,
        }
    };
    // 32 % to a range: kept, nothing to say.
    p.select("rate-mode-0-2", "range").await;
    p.wait_state("done").await;
    assert_eq!(note().await, None);
    assert_eq!(p.input_value("rate-0-2").await, "32");
    p.select("rate-mode-0-2", "fixed").await;
    // 100 % to a range: the nearest range, said.
    p.set_value("rate-0-2", "100").await;
    p.wait_state("done").await;
    p.select("rate-mode-0-2", "range").await;
    p.wait_state("done").await;
    let (field, text) = note().await.expect("a note");
    assert_eq!(field, "rate-mode-0-2");
    assert!(text.contains("99–99.95 %"), "{text}");
    assert_eq!(p.input_value("rate-low-0-2").await, "99");
    assert_eq!(p.input_value("rate-high-0-2").await, "99.95");
    p.screenshot("bad-inputs-mode-note").await;
    // The next edit of the rate makes the note old news.
    p.set_value("rate-high-0-2", "99.9").await;
    p.wait_state("done").await;
    assert_eq!(note().await, None);
    // A volume of 1 to evidence: "0 of 1" is 33.33 %, said.
    p.select("rate-mode-0-2", "fixed").await;
    p.set_value("volume-0", "1").await;
    p.set_value("rate-0-1", "30").await;
    p.wait_state("done").await;
    p.select("rate-mode-0-1", "evidence").await;
    p.wait_state("done").await;
    let (field, text) = note().await.expect("a note");
    assert_eq!(field, "rate-mode-0-1");
    assert!(text.contains("0 of 1 gives a rate of 33.33%"), "{text}");
    assert!(text.contains("30.00%"), "{text}");
    p.close().await;
}

/// Names full of markup are text everywhere: the inputs, the rate rows, the
/// charts, the print sheet and every export. Nothing they hold becomes an
/// element, and nothing runs (the page's Content-Security-Policy watcher
/// also checks no inline handler was even attempted).
#[tokio::test(flavor = "multi_thread")]
async fn names_with_markup_stay_text_everywhere() {
    let (_driver, p) = launch(Browser::default()).await;
    capture_downloads(&p).await;
    // Scripts, elements that load or embed, inline handlers.
    let elements = || async {
        [
            p.count("script").await,
            p.count("img, iframe, object, embed, foreignObject").await,
            p.count("[onerror], [onload], [onclick]").await,
        ]
    };
    let before = elements().await;
    let names = [
        ("stage-name-1", "<script>window.__pwned=1</script>"),
        ("stage-name-2", "<img src=x onerror=\"window.__pwned=2\">"),
        (
            "stage-name-3",
            "</text><script>window.__pwned=3</script><text>",
        ),
        ("stage-name-4", "&amp;lt;b&amp;gt; \u{202E}gnp.exe"),
        ("scenario-name-1", "<svg onload=\"window.__pwned=4\">"),
        ("scenario-name-2", "\u{202E}=cmd|' /C calc'!A0"),
    ];
    p.select("preset", "case-b").await;
    p.click("scenario-awareness30").await;
    p.click("add-scenario").await;
    p.wait_state("done").await;
    for (id, name) in names {
        p.set_value(id, name).await;
    }
    p.set_value("segment-name-1", "<b>bold</b> &lt;i&gt;").await;
    p.set_value("lever-volume-pct-2", "10").await;
    p.wait_state("done").await;
    assert_eq!(elements().await, before);
    let pwned = p
        .script("return window.__pwned === undefined", vec![])
        .await;
    assert_eq!(pwned, json!(true), "a name ran");
    for (id, name) in names {
        assert_eq!(p.input_value(id).await, name, "{id}");
    }
    // As text in the page, in the charts and on the print sheet.
    let (page, charts, print) = (
        p.texts("main").await.remove(0),
        p.texts("svg text").await.join("\n"),
        p.texts(".print-sheet").await.remove(0),
    );
    for (id, name) in names {
        assert!(page.contains(name), "{id} not as text in the page");
        assert!(print.contains(name), "{id} not as text on the print sheet");
    }
    assert!(
        charts.contains(names[0].1) && charts.contains(names[2].1),
        "{charts}"
    );
    assert!(page.contains("<b>bold</b> &lt;i&gt;"));
    // The right-to-left override stays inside the name: the total row's
    // count after that stage's name is still to its right (it was drawn
    // inside the reversed name, "86.1" reading "1.68").
    let at = p
        .script(
            r#"const chip = [...document.querySelectorAll('.total-row .chip')]
                 .find(c => c.querySelector('small').textContent.includes('\u202E'));
               const name = chip.querySelector('small').getBoundingClientRect();
               const count = [...chip.childNodes]
                 .filter(n => n.nodeType === 3 && /\d/.test(n.textContent)).pop();
               const r = document.createRange(); r.selectNode(count);
               return [r.getBoundingClientRect().left, name.right];"#,
            vec![],
        )
        .await;
    let (count_left, name_right) = (at[0].as_f64().unwrap(), at[1].as_f64().unwrap());
    assert!(
        count_left >= name_right - 0.5,
        "{count_left} < {name_right}"
    );
    p.screenshot("bad-inputs-markup-names").await;

    // Exports: SVG (parsed back: nothing but SVG, names as text), PNG,
    // CSV (quoted, formulas defused), JSON (the names exactly).
    for chart in ["funnel", "revenue"] {
        p.click(&format!("export-svg-{chart}")).await;
        let svg = download(&p, &format!("funnelcast-{chart}.svg")).await;
        assert!(!svg.contains("<script") && !svg.contains("<img"), "{chart}");
        let parsed = p
            .script(
                "const d = new DOMParser().parseFromString(arguments[0], 'image/svg+xml'); \
                 return [d.querySelectorAll('parsererror').length, \
                 d.querySelectorAll('script, img, foreignObject, [onerror], [onload]').length, \
                 [...d.querySelectorAll('text, title')].map(t => t.textContent).join('\\n')]",
                vec![json!(svg)],
            )
            .await;
        assert_eq!(parsed[0], json!(0), "{chart}: not well-formed");
        assert_eq!(parsed[1], json!(0), "{chart}: markup from a name");
        let text = parsed[2].as_str().unwrap();
        let want = if chart == "funnel" {
            names[0].1
        } else {
            names[4].1
        };
        assert!(text.contains(want), "{chart}: {text}");
    }
    p.click("export-png-revenue").await;
    let png = download(&p, "funnelcast-revenue.png").await;
    assert!(png.starts_with("data:image/png;base64,"));
    p.click("export-csv").await;
    let csv = download(&p, "funnelcast-comparison.csv").await;
    // Names are the first cells of the scenario rows; the stage's name is
    // in its column's header: every one plain quoted text.
    assert!(
        csv.contains("\r\n\"<svg onload=\"\"window.__pwned=4\"\">\","),
        "{csv}"
    );
    assert!(csv.contains("\r\n\"\u{202E}=cmd|' /C calc'!A0\","), "{csv}");
    assert!(
        csv.contains("\"Stage 2 <script>window.__pwned=1</script>: mean people\""),
        "{csv}"
    );
    p.click("export-json").await;
    let doc: serde_json::Value =
        serde_json::from_str(&download(&p, "funnelcast-model.json").await).unwrap();
    assert_eq!(doc["stages"][2]["text"], json!(names[1].1));
    assert_eq!(doc["stages"][4]["text"], json!(names[3].1));
    assert_eq!(doc["scenarios"][1]["label"]["text"], json!(names[5].1));
    assert_eq!(elements().await, before);
    p.wait_state("done").await;
    p.close().await;
}
