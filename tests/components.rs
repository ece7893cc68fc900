//! Components in a real browser (wasm-bindgen-test, headless Chromium):
//! mount the app, type, let Leptos settle, read the DOM.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Document, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

fn input(id: &str) -> HtmlInputElement {
    document()
        .query_selector(&format!("[data-testid=\"{id}\"]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no {id}"))
        .dyn_into()
        .unwrap()
}

fn type_into(id: &str, text: &str) {
    let el = input(id);
    el.set_value(text);
    el.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

fn mount() {
    // Each test starts as a first visit: no autosave, no model in the
    // address (an earlier test's edits put both there).
    let w = web_sys::window().unwrap();
    if let Ok(Some(s)) = w.local_storage() {
        s.clear().unwrap();
    }
    // The tab's own last state too: a reload of its address would show it.
    if let Ok(Some(s)) = w.session_storage() {
        s.clear().unwrap();
    }
    w.history()
        .unwrap()
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&w.location().pathname().unwrap()),
        )
        .unwrap();
    // A fresh container per test. The body also holds the test runner's own
    // output, so only earlier app containers are removed.
    let old = document().query_selector_all("[data-test-host]").unwrap();
    for k in 0..old.length() {
        if let Some(n) = old.item(k) {
            n.parent_node().unwrap().remove_child(&n).unwrap();
        }
    }
    let host = document().create_element("div").unwrap();
    host.set_attribute("data-test-host", "").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let host: web_sys::HtmlElement = host.dyn_into().unwrap();
    let handle = leptos::mount::mount_to(host, funnelcast::App);
    std::mem::forget(handle);
}

async fn settle() {
    for _ in 0..4 {
        leptos::task::tick().await;
    }
}

#[wasm_bindgen_test]
async fn typing_a_rate_moves_its_linked_count() {
    mount();
    settle().await;
    assert_eq!(input("count-0-2").value(), "800");
    type_into("rate-0-2", "40");
    settle().await;
    // 2,500 reach interest; 40 % of them is 1,000.
    assert_eq!(input("count-0-2").value(), "1000");
    // The stage below keeps its rate, so its count scales: 1000 × 25 % = 250.
    assert_eq!(input("count-0-3").value(), "250");
}

#[wasm_bindgen_test]
async fn typing_a_count_sets_its_rate() {
    mount();
    settle().await;
    type_into("count-0-1", "5000");
    settle().await;
    assert_eq!(input("rate-0-1").value(), "50");
    assert_eq!(input("rate-slider-0-1").value(), "50");
}

#[wasm_bindgen_test]
async fn text_that_is_not_a_number_gets_a_message_and_changes_nothing() {
    mount();
    settle().await;
    type_into("rate-0-2", "abc");
    settle().await;
    let err = document()
        .query_selector("[data-testid=\"field-error\"][data-field=\"rate-0-2\"]")
        .unwrap();
    assert!(err.is_some(), "no message beside rate-0-2");
    // The linked count still shows the last good value, and the text typed stays.
    assert_eq!(input("count-0-2").value(), "800");
    assert_eq!(input("rate-0-2").value(), "abc");
    let status = document()
        .query_selector("[data-testid=\"sim-status\"]")
        .unwrap()
        .unwrap();
    assert_eq!(
        status.get_attribute("data-state").as_deref(),
        Some("invalid")
    );
}

#[wasm_bindgen_test]
async fn full_width_digits_and_wan_are_understood() {
    mount();
    settle().await;
    type_into("volume-0", "２万");
    settle().await;
    // 20,000 × 25 % = 5,000 reach interest.
    assert_eq!(input("count-0-1").value(), "5000");
}

fn field_error_for(id: &str) -> bool {
    document()
        .query_selector(&format!(
            "[data-testid=\"field-error\"][data-field=\"{id}\"]"
        ))
        .unwrap()
        .is_some()
}

/// Regression (review): a box rewritten from the document dropped neither its
/// message nor the `invalid` status.
#[wasm_bindgen_test]
async fn a_box_rewritten_by_a_linked_edit_loses_its_message() {
    mount();
    settle().await;
    type_into("count-0-2", "x");
    settle().await;
    assert!(field_error_for("count-0-2"));
    type_into("rate-0-2", "40");
    settle().await;
    assert_eq!(input("count-0-2").value(), "1000");
    assert!(!field_error_for("count-0-2"));
    let status = document()
        .query_selector("[data-testid=\"sim-status\"]")
        .unwrap()
        .unwrap();
    assert_ne!(
        status.get_attribute("data-state").as_deref(),
        Some("invalid")
    );
}

/// A count above the stage before is refused beside the count, not the rate.
#[wasm_bindgen_test]
async fn a_count_above_the_stage_before_is_refused_where_it_was_typed() {
    mount();
    settle().await;
    type_into("count-0-2", "3000");
    settle().await;
    assert!(field_error_for("count-0-2"));
    assert!(!field_error_for("rate-0-2"));
    assert_eq!(input("rate-0-2").value(), "32");
}

/// Regression (review): selects showed their first option, not their value.
#[wasm_bindgen_test]
async fn selects_show_their_value() {
    mount();
    settle().await;
    let select = |id: &str| -> web_sys::HtmlSelectElement {
        document()
            .query_selector(&format!("[data-testid=\"{id}\"]"))
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap()
    };
    assert_eq!(select("preset").value(), "classic5");
    assert_eq!(select("rate-mode-0-1").value(), "fixed");
    let mode = select("rate-mode-0-2");
    mode.set_value("evidence");
    mode.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    settle().await;
    assert_eq!(select("rate-mode-0-2").value(), "evidence");
    // Evidence is edited as k of n: the rate and its slider are read-only.
    assert!(input("rate-0-2").disabled());
    assert!(input("rate-slider-0-2").disabled());
    assert_eq!(input("evidence-k-0-2").value(), "800");
    assert_eq!(input("evidence-n-0-2").value(), "2500");
}

fn by_testid(id: &str) -> Option<web_sys::Element> {
    document()
        .query_selector(&format!("[data-testid=\"{id}\"]"))
        .unwrap()
}

fn click(id: &str) {
    let el: web_sys::HtmlElement = by_testid(id)
        .unwrap_or_else(|| panic!("no {id}"))
        .dyn_into()
        .unwrap();
    el.click();
}

/// Undo and redo walk typed edits back and forth; the buttons are disabled
/// at either end.
#[wasm_bindgen_test]
async fn undo_and_redo_walk_the_edits() {
    mount();
    // The settings (`trials`) come after the first run (src/ui/later.rs).
    run_done().await;
    settle().await;
    let undo: web_sys::HtmlButtonElement = by_testid("undo").unwrap().dyn_into().unwrap();
    assert!(undo.disabled(), "nothing to undo on a first visit");
    type_into("rate-0-2", "40");
    settle().await;
    type_into("trials", "5000");
    settle().await;
    assert!(!undo.disabled());
    click("undo");
    settle().await;
    assert_eq!(input("trials").value(), "20000");
    assert_eq!(input("rate-0-2").value(), "40");
    click("undo");
    settle().await;
    assert_eq!(input("rate-0-2").value(), "32");
    assert!(undo.disabled());
    click("redo");
    settle().await;
    assert_eq!(input("rate-0-2").value(), "40");
}

/// A damaged model in the address: the banner, the default model, and
/// nothing written to storage.
#[wasm_bindgen_test]
async fn a_damaged_address_gets_the_banner_and_the_default_model() {
    mount();
    settle().await;
    let w = web_sys::window().unwrap();
    w.history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("#1.not-a-model"))
        .unwrap();
    // mount() would clear the address: mount by hand.
    let host = document().create_element("div").unwrap();
    host.set_attribute("data-test-host", "").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let old = document().query_selector_all("[data-test-host]").unwrap();
    for k in 0..old.length() - 1 {
        if let Some(n) = old.item(k) {
            n.parent_node().unwrap().remove_child(&n).unwrap();
        }
    }
    let handle = leptos::mount::mount_to(host.dyn_into().unwrap(), funnelcast::App);
    std::mem::forget(handle);
    // The notices come with the parts after the first results.
    let banner = shown("error-banner").await;
    assert!(banner
        .text_content()
        .unwrap()
        .contains("could not be opened"));
    assert_eq!(input("rate-0-2").value(), "32", "the default model");
    assert_eq!(
        w.local_storage()
            .unwrap()
            .unwrap()
            .get_item("funnelcast.doc")
            .unwrap(),
        None
    );
    click("error-dismiss");
    settle().await;
    assert!(by_testid("error-banner").is_none());
}

/// The standalone SVG of a chart: a title, the legend's names as text
/// (markup in a name stays text), styles inline.
#[wasm_bindgen_test]
async fn a_chart_exports_as_standalone_svg_with_names_as_text() {
    mount();
    // The charts come once the first run has settled (src/ui/later.rs).
    run_done().await;
    settle().await;
    let legend = vec![
        ("Baseline".to_string(), "#0072B2"),
        ("<b>bold</b> & co".to_string(), "#D55E00"),
    ];
    // The funnel chart is drawn from the document.
    let svg = funnelcast::share::chart_export::standalone_svg(
        "funnel-chart",
        "My <title>",
        "Model <i>x</i> · 7 December 2026",
        &legend,
    )
    .expect("the funnel chart is on the page");
    assert!(svg.text.starts_with("<svg"), "{}", svg.text);
    assert!(svg.text.contains("<title>My &lt;title&gt;</title>"));
    assert!(svg
        .text
        .contains(">Model &lt;i&gt;x&lt;/i&gt; · 7 December 2026</text>"));
    assert!(svg.text.contains("&lt;b&gt;bold&lt;/b&gt; &amp; co"));
    assert!(!svg.text.contains("<b>"));
    assert!(svg.text.contains("style=\""));
    assert!(svg.width > 100.0 && svg.height > 100.0);
}

/// Waits in real time (runs go in timer slices, and the parts after the
/// first results arrive after them) until `cond` holds; fails naming `what`.
async fn until(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..600 {
        settle().await;
        if cond() {
            return;
        }
        let p = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20)
                .unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
    }
    panic!("never: {what}");
}

/// Waits until the run is done.
async fn run_done() {
    until("the run is done", || {
        by_testid("sim-status")
            .and_then(|e| e.get_attribute("data-state"))
            .as_deref()
            == Some("done")
    })
    .await;
}

/// Waits until the element `id` is on the page (a part shown after the
/// first results, say).
async fn shown(id: &str) -> web_sys::Element {
    until(&format!("{id} on the page"), || by_testid(id).is_some()).await;
    by_testid(id).unwrap()
}

fn attr(id: &str, name: &str) -> Option<String> {
    by_testid(id).and_then(|e| e.get_attribute(name))
}

fn value(id: &str) -> f64 {
    attr(id, "data-value")
        .unwrap_or_else(|| panic!("no {id}"))
        .parse()
        .unwrap()
}

/// The first model has every input fixed: its customers and revenue are
/// exact (`result-exact-0`, no `data-mc-error`), the simulated figures with
/// their errors come on request (`show-mc`); with a scenario added, P(beat)
/// is P(more) + ½ P(equal), each with its error, and so are the uplift's
/// figures; too few trials offer `more-trials`, which raises them.
#[wasm_bindgen_test]
async fn results_carry_their_errors_and_exact_figures() {
    mount();
    run_done().await;
    assert!(by_testid("result-exact-0").is_some());
    assert_eq!(attr("result-revenue-mean-0", "data-mc-error"), None);
    assert_eq!(attr("result-customers-p5-0", "data-mc-error"), None);
    let exact_mean = value("result-revenue-mean-0");
    // Stage means on this path are exact too.
    assert_eq!(attr("result-stage-mean-0-2", "data-mc-error"), None);
    let tick: HtmlInputElement = by_testid("show-mc").unwrap().dyn_into().unwrap();
    tick.set_checked(true);
    tick.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    settle().await;
    let err: f64 = attr("result-revenue-mean-0", "data-mc-error")
        .expect("the simulated figure has its error")
        .parse()
        .unwrap();
    let mc_mean = value("result-revenue-mean-0");
    assert!(err > 0.0);
    // 20 000 trials: the simulated mean lies within twice its 95 % error
    // of the exact one (a false alarm of about 1e-4 at this seed's scale).
    assert!(
        (mc_mean - exact_mean).abs() < 2.0 * err,
        "{mc_mean} vs {exact_mean} ± {err}"
    );

    click("scenario-awareness30");
    run_done().await;
    let (more, equal, beat) = (
        value("result-p-more-1"),
        value("result-p-equal-1"),
        value("result-p-beat-1"),
    );
    assert!((beat - (more + 0.5 * equal)).abs() < 1e-12);
    for id in [
        "result-p-beat-1",
        "result-p-more-1",
        "result-p-equal-1",
        "result-uplift-mean-1",
        "result-uplift-p5-1",
        "result-uplift-p95-1",
    ] {
        let e: f64 = attr(id, "data-mc-error")
            .unwrap_or_else(|| panic!("{id} has no error"))
            .parse()
            .unwrap();
        assert!(e >= 0.0 && e.is_finite(), "{id}: {e}");
    }
    // +1 % volume on 100 trials: the error of the mean uplift is large
    // against it (about 840 against 3 000).
    type_into("lever-volume-pct-1", "1");
    type_into("trials", "100");
    run_done().await;
    let target = value("more-trials");
    assert_eq!(target, 400.0);
    click("more-trials");
    settle().await;
    assert_eq!(input("trials").value(), "400");
}

/// The crash banner a panic shows (the hook calls `show_crash_banner`): an
/// alert with a reload button, saying only what is true of the model (the
/// reliability issue: it said "saved" when nothing had been saved):
/// unchanged since it opened, saved, or held by the address alone; what
/// broke is text, never markup.
#[wasm_bindgen_test]
fn the_crash_banner_offers_a_reload_and_says_where_the_model_is() {
    use funnelcast::share::{set_save_state, SaveState};
    set_save_state(SaveState::Saved);
    funnelcast::show_crash_banner("<img src=x onerror=alert(1)> at src/x.rs:1");
    let banner = by_testid("error-banner").expect("a banner");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    let text = banner.text_content().unwrap_or_default();
    assert!(text.contains("Your model is saved"), "{text}");
    assert!(text.contains("<img src=x onerror=alert(1)>"), "{text}");
    assert!(
        banner.query_selector("img").unwrap().is_none(),
        "markup was parsed"
    );
    assert!(by_testid("error-reload").is_some());
    banner.remove();

    for (state, says, never) in [
        (SaveState::Unsaved, "copy the address first", "is saved"),
        (SaveState::Unchanged, "Nothing was changed", "is saved"),
    ] {
        set_save_state(state);
        funnelcast::show_crash_banner("boom");
        let banner = by_testid("error-banner").expect("a banner");
        let text = banner.text_content().unwrap_or_default();
        assert!(text.contains(says) && !text.contains(never), "{text}");
        banner.remove();
    }
    set_save_state(SaveState::Unchanged);
}
