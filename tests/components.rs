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
