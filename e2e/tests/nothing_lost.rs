//! Nothing lost, nothing stale: the model survives the phone's results bar,
//! links opened over it (in this tab, by reload, in another tab), a reload
//! in the middle of a run, a long drag, saved text this build cannot read,
//! and a link pasted into the address bar of an open page. Each test
//! follows the steps that lost or hid a model before (the reliability
//! issue), against the release build.

use fantoccini::key::Key;
use funnelcast_e2e::{
    launch, link_to, model_in_link, open, serve_dist, start_driver, volume_of, wait_until, Browser,
    Page,
};
use serde_json::json;

/// The number an input box shows, its digits only ("11,111" → 11111).
async fn shown_number(p: &Page, id: &str) -> f64 {
    let v = p.input_value(id).await;
    let digits: String = v
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("{id} shows {v:?}"))
}

/// The entering volume the address holds now.
async fn volume_in_address(p: &Page) -> Option<f64> {
    model_in_link(&p.href().await).and_then(|d| volume_of(&d, 0))
}

/// The current model with another volume, as a link.
async fn link_with_volume(p: &Page, volume: f64) -> String {
    let mut d = model_in_link(&p.href().await).expect("the address holds a model");
    d["segments"][0]["spec"]["volume"] = json!({ "kind": "fixed", "value": volume });
    link_to(&p.href().await, &d)
}

async fn set_volume(p: &Page, v: &str) {
    p.type_into("volume-0", v).await;
    p.wait_state("done").await;
}

async fn wait_saved(p: &Page, needle: &str) {
    wait_until(&format!("the autosave holds {needle}"), 20, || async {
        p.stored("funnelcast.doc")
            .await
            .is_some_and(|s| s.contains(needle))
    })
    .await;
}

/// 1. A tap on the phone's results bar scrolls; it never writes `#res-h`
/// over the model in the address, so the phone's own reload keeps it.
#[tokio::test(flavor = "multi_thread")]
async fn the_phone_bar_scrolls_and_the_address_keeps_the_model() {
    let (_driver, p) = launch(Browser {
        lang: "en-US",
        width: 390,
        height: 844,
    })
    .await;
    set_volume(&p, "12345").await;
    wait_until("the address holds 12345", 20, || async {
        volume_in_address(&p).await == Some(12345.0)
    })
    .await;
    let before = p.href().await;
    p.el("phone-bar").await.click().await.unwrap();
    wait_until("scrolled to the results", 10, || async {
        p.script(
            "const r = document.getElementById('res-h').getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0",
            vec![],
        )
        .await
            == json!(true)
    })
    .await;
    assert_eq!(p.href().await, before, "the tap changed the address");
    p.screenshot("phone-bar-tapped").await;
    p.reload().await;
    p.wait_state("done").await;
    assert!(
        !p.exists("error-banner").await,
        "the reload could not open the link"
    );
    assert_eq!(shown_number(&p, "volume-0").await, 12345.0);
    p.close().await;
}

/// A participant's phone that opens a trainer's link lands on the results
/// once they are in; a wide screen stays at the top, with the editors.
#[tokio::test(flavor = "multi_thread")]
async fn a_link_on_a_phone_opens_on_the_results() {
    let (_driver, p) = launch(Browser {
        lang: "en-US",
        width: 390,
        height: 844,
    })
    .await;
    p.wait_state("done").await;
    wait_until("the address holds the model", 20, || async {
        model_in_link(&p.href().await).is_some()
    })
    .await;
    let link = link_with_volume(&p, 23456.0).await;
    let results_on_screen = "const r = document.getElementById('res-h').getBoundingClientRect(); \
         return r.top >= 0 && r.top < innerHeight";
    p.reload_at(&link).await;
    p.wait_state("done").await;
    wait_until("the results are on screen", 10, || async {
        p.script(results_on_screen, vec![]).await == json!(true)
    })
    .await;
    assert_eq!(shown_number(&p, "volume-0").await, 23456.0);
    p.screenshot("phone-link-results").await;
    p.set_window(1280, 900).await;
    p.reload_at(&link_with_volume(&p, 34567.0).await).await;
    p.wait_state("done").await;
    p.wait_parts().await;
    let top = p.script("return scrollY", vec![]).await;
    assert_eq!(top, json!(0), "a wide screen stays at the top");
    p.close().await;
}

/// 2. The user's own model (11111) survives opening link B, editing B, a
/// reload, and link C in another tab: restore-previous always gives 11111,
/// never B's edit.
#[tokio::test(flavor = "multi_thread")]
async fn the_own_model_survives_a_link_its_edits_a_reload_and_another_tab() {
    let (_driver, p) = launch(Browser::default()).await;
    // Edits of one's own model offer nothing back, now or after a reload.
    set_volume(&p, "11110").await;
    wait_saved(&p, "11110").await;
    set_volume(&p, "11111").await;
    wait_saved(&p, "11111").await;
    p.reload().await;
    assert!(
        !p.exists("previous-notice").await,
        "an own edit offered back"
    );
    let b = link_with_volume(&p, 22222.0).await;
    let c = link_with_volume(&p, 44444.0).await;

    p.reload_at(&b).await;
    p.wait_state("done").await;
    assert_eq!(shown_number(&p, "volume-0").await, 22222.0);
    p.el("previous-notice").await;
    // B edited, then a reload.
    set_volume(&p, "33333").await;
    wait_saved(&p, "33333").await;
    p.reload().await;
    p.wait_state("done").await;
    assert_eq!(
        shown_number(&p, "volume-0").await,
        33333.0,
        "the reload kept B's edit"
    );
    assert!(p.exists("restore-previous").await, "11111 is offered back");

    // Link C in a new tab: its restore gives 11111.
    let first = p.tab().await;
    p.new_tab(&c).await;
    p.wait_done_unwatched().await;
    assert_eq!(shown_number(&p, "volume-0").await, 44444.0);
    p.click("restore-previous").await;
    p.wait_done_unwatched().await;
    assert_eq!(shown_number(&p, "volume-0").await, 11111.0);
    p.close_tab().await;
    p.switch_to(&first).await;

    // Dismissed, the own model is still one click away in the share card.
    p.reload_at(&c).await;
    p.wait_state("done").await;
    p.click("previous-dismiss").await;
    assert!(!p.exists("previous-notice").await);
    p.click("restore-previous").await;
    p.wait_state("done").await;
    assert_eq!(shown_number(&p, "volume-0").await, 11111.0);
    p.close().await;
}

/// 3. F5 while a run is still going after an autosaved edit (the heavy
/// model's average deal) shows that edit,
/// not the older model the address held; so does a reload after an edit
/// that left another field invalid.
#[tokio::test(flavor = "multi_thread")]
async fn a_reload_during_a_run_or_with_a_bad_field_shows_the_last_edit() {
    let url = serve_dist();
    let driver = start_driver();
    let c = open(&driver, Browser::default()).await;
    let p = Page::goto(c, &funnelcast_e2e::heavy_model_link(&url)).await;
    p.type_into("trials", "1000000").await;
    p.wait_state("running").await;
    p.type_into("deal-value-0", "7777").await;
    wait_saved(&p, "7777").await;
    assert_ne!(p.state().await, "done", "the run ended before the reload");
    p.reload().await;
    p.wait_state("done").await;
    assert_eq!(shown_number(&p, "deal-value-0").await, 7777.0);
    assert!(
        !p.exists("previous-notice").await,
        "its own model offered as someone else's"
    );

    // A field left invalid after the last good edit.
    p.type_into("trials", "20000").await;
    p.wait_state("done").await;
    p.type_into("deal-value-0", "8888").await;
    p.type_into("deal-cv-0", "abc").await;
    p.wait_state("invalid").await;
    wait_saved(&p, "8888").await;
    p.reload().await;
    p.wait_state("done").await;
    assert_eq!(shown_number(&p, "deal-value-0").await, 8888.0);
    p.close().await;
}

/// 4. After a drag long enough to use up the browsers' budget of address
/// writes, the newest model reaches the QR code and copy-link at once, and
/// the address as soon as the budget allows: never an older one.
#[tokio::test(flavor = "multi_thread")]
async fn after_a_long_drag_the_address_and_qr_code_hold_the_newest_model() {
    let (_driver, p) = launch(Browser::default()).await;
    p.click("rate-slider-0-1").await;
    for _ in 0..160 {
        p.press(Key::Right).await;
    }
    p.wait_state("done").await;
    set_volume(&p, "4321").await;
    let qr_link = p.attr("qr-code", "data-link").await;
    assert_eq!(
        model_in_link(&qr_link).and_then(|d| volume_of(&d, 0)),
        Some(4321.0),
        "the QR code holds an older model"
    );
    wait_until("the address holds 4321", 45, || async {
        volume_in_address(&p).await == Some(4321.0)
    })
    .await;
    p.reload().await;
    p.wait_state("done").await;
    assert_eq!(shown_number(&p, "volume-0").await, 4321.0);
    p.close().await;
}

/// 5. A save this build cannot read (a newer format) is kept aside, never
/// overwritten by the first edit, and goes only when the user drops it.
#[tokio::test(flavor = "multi_thread")]
async fn a_save_this_build_cannot_read_is_kept_aside() {
    let (_driver, p) = launch(Browser::default()).await;
    let base = p.href().await.split('#').next().unwrap().to_string();
    let newer = r#"{"v":2,"made":"by a newer Funnelcast"}"#;
    p.store("funnelcast.doc", newer).await;
    p.clear_session_storage().await;
    p.reload_at(&base).await;
    p.wait_state("done").await;
    p.el("unreadable-notice").await;
    assert_eq!(
        p.stored("funnelcast.doc.unreadable").await.as_deref(),
        Some(newer)
    );
    set_volume(&p, "5555").await;
    wait_saved(&p, "5555").await;
    assert_eq!(
        p.stored("funnelcast.doc.unreadable").await.as_deref(),
        Some(newer),
        "the first edit overwrote the unreadable save"
    );
    p.screenshot("unreadable-kept").await;
    p.click("unreadable-drop").await;
    assert!(!p.exists("unreadable-notice").await);
    assert_eq!(p.stored("funnelcast.doc.unreadable").await, None);
    p.close().await;
}

/// 6. A link pasted into the address bar of the open page, and back and
/// forward, open their models; the QR code and copy-link follow; the model
/// on screen before stays restorable; a stray fragment is put back.
#[tokio::test(flavor = "multi_thread")]
async fn a_fragment_changed_under_the_open_page_opens_its_model() {
    let (_driver, p) = launch(Browser::default()).await;
    set_volume(&p, "11111").await;
    wait_until("the address holds 11111", 20, || async {
        volume_in_address(&p).await == Some(11111.0)
    })
    .await;
    let b = link_with_volume(&p, 22222.0).await;
    let frag = b.split_once('#').unwrap().1.to_string();
    p.set_fragment(&frag).await;
    wait_until("link B on screen", 20, || async {
        p.input_value("volume-0").await.replace(',', "") == "22222"
    })
    .await;
    p.wait_state("done").await;
    let qr_link = p.attr("qr-code", "data-link").await;
    assert_eq!(
        model_in_link(&qr_link).and_then(|d| volume_of(&d, 0)),
        Some(22222.0)
    );
    assert_eq!(volume_in_address(&p).await, Some(22222.0));
    p.el("previous-notice").await;

    // Back: the own model again, nothing to offer.
    p.back().await;
    wait_until("back to 11111", 20, || async {
        p.input_value("volume-0").await.replace(',', "") == "11111"
    })
    .await;
    p.wait_state("done").await;
    assert!(!p.exists("previous-notice").await);
    // An edit now lands in this history entry, as 11111's successor.
    set_volume(&p, "11112").await;
    wait_until("the address holds 11112", 20, || async {
        volume_in_address(&p).await == Some(11112.0)
    })
    .await;

    // A stray in-page fragment: the model goes back into the address.
    p.set_fragment("res-h").await;
    wait_until("the model back in the address", 20, || async {
        volume_in_address(&p).await == Some(11112.0)
    })
    .await;
    assert!(!p.exists("error-banner").await);
    p.close().await;
}

/// 9. A part of the page that does not arrive (its request dropped, as on
/// bad Wi-Fi, or gone with an old build) gives a notice with a retry and a
/// reload instead of stopping the page; the page goes on, and the retry
/// fetches it once the network is back.
#[tokio::test(flavor = "multi_thread")]
async fn a_part_that_does_not_arrive_offers_a_retry_and_the_page_goes_on() {
    let url = serve_dist();
    let driver = start_driver();
    let p = Page::new(open(&driver, Browser::default()).await);
    p.block_urls(&["*split_presentation*"]).await;
    p.load(&url).await;
    p.click("present").await;
    p.el("part-missing").await;
    assert!(!p.exists("error-reload").await, "the page stopped");
    p.screenshot("part-missing").await;
    // A retry while the network still fails says so again, and nothing
    // breaks.
    p.click("part-retry").await;
    p.el("part-missing").await;
    // Esc leaves presentation mode as ever; the page goes on.
    p.press(Key::Escape).await;
    set_volume(&p, "15000").await;
    assert!(!p.exists("error-reload").await);

    // The network back, the part arrives.
    p.block_urls(&[]).await;
    p.click("present").await;
    p.el("present-exit").await;
    assert!(!p.exists("part-missing").await);
    p.close().await;
}

/// 11. The first run of a heavy link goes to a worker, started at once,
/// rather than to the page's own thread (where it blocked typing for tens
/// of seconds); the default page's first results still come from the
/// page's thread, which needs no worker to start.
#[tokio::test(flavor = "multi_thread")]
async fn a_heavy_link_runs_first_on_a_worker_and_the_default_page_on_its_own_thread() {
    let url = serve_dist();
    let driver = start_driver();
    let p = Page::goto(open(&driver, Browser::default()).await, &url).await;
    assert_eq!(p.attr("sim-status", "data-workers").await, "0");
    p.reload_at(&funnelcast_e2e::heavy_model_link(&url)).await;
    p.wait_state("done").await;
    assert_eq!(
        p.attr("sim-status", "data-workers").await,
        "1",
        "the heavy link's first run was on the page's thread"
    );
    p.close().await;
}

/// 7 and 8. A link whose scenario repeats a lever (shown as +10 % while
/// computed as +120 %) or whose seed is above 2^53 (shown as 1.8e19 and
/// refused when typed back) is refused with a message and the model kept;
/// a goal probability of 200 % from a link gets a message beside
/// `goal-prob`.
#[tokio::test(flavor = "multi_thread")]
async fn links_with_hidden_or_unshowable_values_are_refused_or_flagged() {
    let (_driver, p) = launch(Browser::default()).await;
    set_volume(&p, "13131").await;
    let base = model_in_link(&p.href().await).expect("the address holds a model");
    let mut repeated = base.clone();
    repeated["scenarios"] = json!([{
        "label": { "text": "twice" },
        "spec": { "scope": "all", "levers": [
            { "kind": "volume", "frac": 0.1 },
            { "kind": "volume", "frac": 1.0 }
        ], "cost": null }
    }]);
    let mut big_seed = base.clone();
    big_seed["seed"] = json!(18_446_744_073_709_551_615u64);
    for bad in [repeated, big_seed] {
        p.reload_at(&link_to(&p.href().await, &bad)).await;
        p.el("error-banner").await;
        assert_eq!(
            shown_number(&p, "volume-0").await,
            13131.0,
            "the model was not kept"
        );
    }
    let mut goal = base;
    goal["goal"]["prob"] = json!(2.0);
    p.reload_at(&link_to(&p.href().await, &goal)).await;
    p.wait_state("invalid").await;
    let errs = p.field_errors().await;
    assert!(
        errs.iter().any(|(f, _)| f == "goal-prob"),
        "no message beside goal-prob: {errs:?}"
    );
    p.close().await;
}
