//! End to end against the release build (dist/) in headless Chromium.
//! Each test starts its own chromedriver and browser, so they run in parallel.

use funnelcast_e2e::{launch, Browser};

#[tokio::test(flavor = "multi_thread")]
async fn changing_a_rate_changes_the_results_and_a_bad_rate_is_refused() {
    let (_driver, p) = launch(Browser::default()).await;

    // The classic funnel of the article: 10,000 × 25 % × 32 % × 25 % × 30 % = 60 customers.
    let customers = p.value("result-customers-mean-0").await;
    assert!(
        (customers - 60.0).abs() < 1.0,
        "mean customers {customers}, expected about 60"
    );
    let revenue = p.value("result-revenue-mean-0").await;
    assert!(
        (revenue - 300_000.0).abs() < 10_000.0,
        "mean revenue {revenue}"
    );
    assert_eq!(p.attr("lang", "data-lang").await, "en");
    assert_eq!(
        p.el("stage-name-2")
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap(),
        "Consideration"
    );

    // Every run is wrapped in User Timing entries on the main thread
    // (docs/test-contract.md).
    let (s, r) = (
        p.measures("funnelcast:sim").await,
        p.measures("funnelcast:render").await,
    );
    let timing = serde_json::json!({
        "sims": s.len(), "render": r.len(), "detail": s.last().map(|e| &e.detail),
        "sim_ms": s.last().map(|e| e.duration), "render_ms": r.last().map(|e| e.duration),
        "starts": p.measures("funnelcast:sim:start").await.len(),
        "ends": p.measures("funnelcast:sim:end").await.len(),
    });
    // Reported, never asserted (speed goes in benchmarks, not tests).
    eprintln!("in-browser timing (w1, 20,000 trials): {timing}");
    assert!(timing["sims"].as_u64().unwrap() >= 1, "{timing}");
    assert!(timing["render"].as_u64().unwrap() >= 1, "{timing}");
    assert!(
        timing["starts"].as_u64().unwrap() >= 1 && timing["ends"].as_u64().unwrap() >= 1,
        "{timing}"
    );
    assert_eq!(timing["detail"]["trials"], 20000, "{timing}");
    assert_eq!(timing["detail"]["scenarios"], 1, "{timing}");
    assert_eq!(timing["detail"]["stages"], 5, "{timing}");

    // Doubling the consideration rate (25 → 50 %) doubles the customers.
    p.type_into("rate-0-3", "50").await;
    p.wait_state("done").await;
    let doubled = p.value("result-customers-mean-0").await;
    assert!(
        (doubled - 120.0).abs() < 2.0,
        "mean customers {doubled}, expected about 120"
    );
    // The linked count follows the rate: 800 × 50 % = 400.
    assert_eq!(
        p.el("count-0-3")
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap(),
        "400"
    );

    let later: Vec<f64> = p
        .measures("funnelcast:sim")
        .await
        .iter()
        .map(|e| e.duration)
        .collect();
    eprintln!("in-browser funnelcast:sim durations (ms), first to last: {later:?}");

    // A rate of 150 % is refused beside the field; the last good results stay.
    p.type_into("rate-0-2", "150").await;
    p.wait_state("invalid").await;
    let errs = p.field_errors().await;
    assert!(
        errs.iter().any(|(f, t)| f == "rate-0-2" && !t.is_empty()),
        "no message beside rate-0-2: {errs:?}"
    );
    assert_eq!(p.value("result-customers-mean-0").await, doubled);
    p.screenshot("en-bad-input").await;

    // Text that is not a number is refused too, with its own message.
    p.type_into("volume-0", "lots").await;
    p.wait_state("invalid").await;
    assert!(p.field_errors().await.iter().any(|(f, _)| f == "volume-0"));

    // Fixing both brings fresh results.
    p.type_into("volume-0", "1万").await;
    p.type_into("rate-0-2", "32").await;
    p.wait_state("done").await;
    assert!(p.field_errors().await.is_empty());
    assert!((p.value("result-customers-mean-0").await - 120.0).abs() < 2.0);

    p.set_window(1400, 2400).await;
    p.screenshot("en-desktop").await;
    p.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_speaks_chinese_from_the_browser_language() {
    let (_driver, p) = launch(Browser {
        lang: "zh-CN",
        width: 1400,
        height: 2400,
    })
    .await;
    assert_eq!(p.attr("lang", "data-lang").await, "zh");
    assert_eq!(
        p.el("stage-name-0")
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap(),
        "意识"
    );
    assert_eq!(
        p.el("stage-name-4")
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap(),
        "购买"
    );
    // 万 formatting on screen, the raw number in data-value.
    let rev = p.el("result-revenue-mean-0").await;
    let text = rev.text().await.unwrap();
    assert!(text.contains('万'), "revenue shown as {text:?}");
    p.screenshot("zh-desktop").await;

    // Switching language keeps the numbers and renames the preset stages.
    let before = p.value("result-revenue-mean-0").await;
    p.click("lang").await;
    p.wait_state("done").await;
    assert_eq!(p.attr("lang", "data-lang").await, "en");
    assert_eq!(
        p.el("stage-name-0")
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap(),
        "Awareness"
    );
    assert_eq!(p.value("result-revenue-mean-0").await, before);
    p.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_phone_sized_window_stacks_the_page() {
    let (_driver, p) = launch(Browser {
        lang: "zh-CN",
        width: 390,
        height: 844,
    })
    .await;
    let editor = p.el("volume-0").await.rectangle().await.unwrap();
    let results = p
        .el("result-revenue-mean-0")
        .await
        .rectangle()
        .await
        .unwrap();
    // Stacked: the results come below the editors, not beside them.
    assert!(
        results.1 > editor.1,
        "results at y={} not below the editor at y={}",
        results.1,
        editor.1
    );
    // While the results are out of sight, a bar at the bottom of the screen
    // shows the run's state and the mean revenue.
    let bar = p.el("phone-bar").await;
    assert!(bar.is_displayed().await.unwrap(), "no phone bar on a phone");
    let inner = p.inner_height().await;
    let (_, y, _, h) = bar.rectangle().await.unwrap();
    assert!(
        y >= 0.0 && y + h <= inner + 1.0,
        "phone bar at y={y}..{} outside the screen of height {inner}",
        y + h
    );
    assert_eq!(p.attr("phone-bar", "data-state").await, "done");
    assert!(
        bar.text().await.unwrap().contains('¥'),
        "phone bar shows no revenue: {:?}",
        bar.text().await.unwrap()
    );
    p.screenshot("zh-phone").await;

    // No hover on a touch screen: a tapped "?" shows its explanation in a
    // bubble on screen, above the bar.
    p.click("hint").await;
    let bubble = p
        .script(
            "const h = document.querySelector('[data-testid=hint]');
             const b = h.querySelector('[aria-hidden=true]');
             const r = b.getBoundingClientRect();
             return { text: b.textContent, label: h.getAttribute('aria-label'),
                      shown: getComputedStyle(b).display !== 'none',
                      left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                      w: innerWidth, h: innerHeight };",
            vec![],
        )
        .await;
    assert_eq!(bubble["shown"], true, "{bubble}");
    assert_eq!(bubble["text"], bubble["label"], "{bubble}");
    assert!(
        bubble["text"].as_str().unwrap().contains("转化率"),
        "{bubble}"
    );
    let f = |k: &str| bubble[k].as_f64().unwrap();
    assert!(
        f("left") >= 0.0 && f("right") <= f("w") && f("top") >= 0.0 && f("bottom") <= f("h"),
        "bubble off screen: {bubble}"
    );
    p.screenshot("zh-phone-hint").await;
    p.set_window(390, 3000).await;
    p.screenshot("zh-phone-full").await;
    // Beside the editors, on a wide screen, the bar is not needed.
    p.set_window(1400, 1000).await;
    assert!(!p.el("phone-bar").await.is_displayed().await.unwrap());
    p.close().await;
}

/// Editing the structure: stages, segments, scenarios, pasted counts.
#[tokio::test(flavor = "multi_thread")]
async fn stages_segments_and_scenarios_can_be_edited() {
    let (_driver, p) = launch(Browser::default()).await;

    // A sixth stage after purchase (50 % by default), then removed again.
    p.click("add-stage").await;
    p.wait_state("done").await;
    assert!(p.exists("stage-name-5").await && p.exists("rate-0-5").await);
    assert!((p.value("result-customers-mean-0").await - 30.0).abs() < 1.0);
    p.click("remove-stage-5").await;
    p.wait_state("done").await;
    assert!(!p.exists("stage-name-5").await);
    assert!((p.value("result-customers-mean-0").await - 60.0).abs() < 1.0);

    // Removing a middle stage keeps the counts below it (rates merge).
    p.click("remove-stage-2").await;
    p.wait_state("done").await;
    assert!(!p.exists("rate-0-4").await);
    assert!((p.value("result-customers-mean-0").await - 60.0).abs() < 1.0);

    // A preset replaces the funnel: it says so, with an undo that brings
    // the edited funnel back; the notice lasts until the next edit.
    let edited = p.input_value("stage-name-2").await;
    p.select("preset", "b2c").await;
    p.wait_state("done").await;
    let note = p.el("preset-loaded").await.text().await.unwrap();
    assert!(note.contains("loaded"), "{note}");
    assert_ne!(p.input_value("stage-name-2").await, edited);
    p.click("preset-undo").await;
    p.wait_state("done").await;
    assert!(!p.exists("preset-loaded").await);
    assert_eq!(
        p.input_value("stage-name-2").await,
        edited,
        "the edited funnel is back"
    );
    // A second segment (a copy of the first): totals double.
    p.select("preset", "classic5").await;
    p.wait_state("done").await;
    assert!(p.exists("preset-loaded").await);
    p.click("add-segment").await;
    p.wait_state("done").await;
    assert!(!p.exists("preset-loaded").await, "gone after the next edit");
    assert!(p.exists("volume-1").await && p.exists("segment-name-1").await);
    assert!((p.value("result-customers-mean-0").await - 120.0).abs() < 2.0);
    p.click("remove-segment-1").await;
    p.wait_state("done").await;
    assert!(!p.exists("volume-1").await);

    // Pasted counts from a spreadsheet set the volume and every rate. The
    // box sits in a closed <details>: open it as a click on its summary would.
    p.open_details(".paste").await;
    p.type_into("paste-counts-0", "20000\n5000\n1000\n400\n100")
        .await;
    p.click("paste-apply-0").await;
    p.wait_state("done").await;
    assert_eq!(
        p.el("rate-0-2").await.prop("value").await.unwrap().unwrap(),
        "20"
    );
    assert!((p.value("result-customers-mean-0").await - 100.0).abs() < 1.5);

    // Ticked "as evidence", last quarter's counts become "k of n" per rate.
    p.click("paste-evidence-0").await;
    p.type_into("paste-counts-0", "8000\n1800\n540\n135\n47")
        .await;
    p.click("paste-apply-0").await;
    p.wait_state("done").await;
    assert_eq!(
        p.el("rate-mode-0-1")
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap(),
        "evidence"
    );
    assert_eq!(
        p.el("evidence-k-0-4")
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap(),
        "47"
    );
    assert_eq!(
        p.el("evidence-n-0-4")
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap(),
        "135"
    );
    // A count above the one before is refused beside the box; nothing changes.
    let before = p.value("result-revenue-mean-0").await;
    p.type_into("paste-counts-0", "8000\n9000").await;
    p.click("paste-apply-0").await;
    let errs = p.field_errors().await;
    assert!(
        errs.iter()
            .any(|(f, t)| f == "paste-counts-0" && t.contains("9000")),
        "{errs:?}"
    );
    assert_eq!(
        p.el("evidence-k-0-1")
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap(),
        "1800"
    );
    assert_eq!(p.value("result-revenue-mean-0").await, before);
    // While the box shows its problem, the inputs are invalid; rewriting the
    // box clears the message and the results are current again.
    assert_eq!(p.state().await, "invalid");
    // A row is several counts, and a negative one is refused by name.
    p.type_into("paste-counts-0", "1000 -5 -10").await;
    assert_eq!(
        p.state().await,
        "done",
        "rewriting the box clears its message"
    );
    p.click("paste-apply-0").await;
    let errs = p.field_errors().await;
    assert!(
        errs.iter()
            .any(|(f, t)| f == "paste-counts-0" && t.contains("-5")),
        "{errs:?}"
    );
    assert_eq!(p.state().await, "invalid");
    // A tab key would move the focus: put the row in as a paste would.
    p.set_value("paste-counts-0", "10000\t2500\tabc").await;
    p.click("paste-apply-0").await;
    let errs = p.field_errors().await;
    assert!(
        errs.iter()
            .any(|(f, t)| f == "paste-counts-0" && t.contains("abc")),
        "the unreadable cell is named: {errs:?}"
    );
    p.set_value("paste-counts-0", "").await;
    p.wait_state("done").await;
    assert_eq!(p.value("result-revenue-mean-0").await, before);

    // A CRM's two columns, six stages into a funnel of five: nothing is
    // applied until the user chooses; then the funnel grows to six, every
    // count applies, and the stages can take the pasted names.
    p.click("paste-evidence-0").await;
    p.set_value(
        "paste-counts-0",
        "Leads\t12,400\nMQL\t3,050\nSQL\t910\nDemo\t248\nProposal\t140\nWon deals\t71",
    )
    .await;
    p.click("paste-apply-0").await;
    let note = p.el("paste-mismatch-0").await.text().await.unwrap();
    assert!(note.contains("6 counts for 5 stages"), "{note}");
    assert!(!p.exists("stage-name-5").await, "nothing applied");
    p.click("paste-fit-0").await;
    p.wait_state("done").await;
    assert!(!p.exists("paste-mismatch-0").await);
    assert_eq!(p.input_value("stage-name-5").await, "Won deals");
    assert_eq!(p.input_value("volume-0").await, "12400");
    let won: f64 = p.input_value("rate-0-5").await.parse().unwrap();
    assert!((won - 100.0 * 71.0 / 140.0).abs() < 0.006, "{won}");
    // The count boxes read as people are shown everywhere: whole numbers
    // from 100 (the evidence's expected 910.6 reads 911, never 910.6).
    for i in 1..=5 {
        let c = p.input_value(&format!("count-0-{i}")).await;
        assert!(!c.contains('.'), "count-0-{i} shows {c}");
    }
    p.click("paste-rename-0").await;
    p.wait_state("done").await;
    assert_eq!(p.input_value("stage-name-0").await, "Leads");
    assert_eq!(p.input_value("stage-name-3").await, "Demo");
    // Four counts into six stages: the same choice, kept as it is.
    p.set_value("paste-counts-0", "1000\n500\n100\n10").await;
    p.click("paste-apply-0").await;
    assert!(p.exists("paste-mismatch-0").await);
    p.click("paste-keep-0").await;
    assert!(!p.exists("paste-mismatch-0").await);
    assert_eq!(p.input_value("volume-0").await, "12400", "nothing applied");
    p.click("undo").await;
    p.click("undo").await;
    p.wait_state("done").await;
    assert!(!p.exists("stage-name-5").await, "undone");
    p.click("paste-evidence-0").await;

    // Scenarios: add the ready one, duplicate it, remove the first.
    p.click("scenario-awareness30").await;
    p.wait_state("done").await;
    p.click("duplicate-scenario-1").await;
    p.wait_state("done").await;
    assert!(p.exists("result-uplift-mean-2").await);
    p.click("remove-scenario-1").await;
    p.wait_state("done").await;
    assert!(!p.exists("result-uplift-mean-2").await);
    let up = p.value("result-uplift-mean-1").await;
    // +30 % of the baseline (about 47 customers × 5,000 from the pasted evidence).
    let base = p.value("result-revenue-mean-0").await;
    assert!(
        (up - 0.3 * base).abs() < 0.05 * 0.3 * base,
        "uplift {up} of {base}"
    );

    // Past a limit an add button is disabled and says why, beside it.
    let limit_note = |field: &'static str| {
        let p = &p;
        async move {
            p.texts(&format!(
                "[data-testid=\"limit-note\"][data-field=\"{field}\"]"
            ))
            .await
            .into_iter()
            .next()
        }
    };
    assert!(limit_note("add-stage").await.is_none());
    for _ in 0..7 {
        p.click("add-stage").await;
    }
    assert!(p.exists("stage-name-11").await);
    assert_eq!(
        p.el("add-stage")
            .await
            .attr("disabled")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    let note = limit_note("add-stage").await;
    assert!(
        note.as_ref().is_some_and(|t| t.contains("12")),
        "no note at the stage limit: {note:?}"
    );
    for _ in 0..6 {
        p.click("scenario-awareness30").await;
    }
    assert!(p.exists("scenario-name-7").await);
    assert!(limit_note("add-scenario").await.is_some());
    p.wait_state("done").await;
}

/// A long run goes in slices: the page answers meanwhile, the status shows
/// progress, and an edit drops the stale run before it ends.
#[tokio::test(flavor = "multi_thread")]
async fn a_long_run_shows_progress_and_gives_way_to_an_edit() {
    let (_driver, p) = launch(Browser::default()).await;
    // Case B has a rate from evidence (the general path) and two segments;
    // with three scenarios, 2.5 million trials take seconds.
    p.select("preset", "case-b").await;
    p.wait_state("done").await;
    p.click("scenario-awareness30").await;
    p.click("scenario-case-a").await;
    p.wait_state("done").await;
    // Five million trials are too many for three scenarios' memory: said
    // beside the field, in numbers the user can act on.
    p.type_into("trials", "5000000").await;
    p.wait_state("invalid").await;
    let errs = p.field_errors().await;
    assert!(
        errs.iter()
            .any(|(f, t)| f == "trials" && t.contains("2,666,666")),
        "{errs:?}"
    );
    p.screenshot("en-trials-limit").await;
    p.type_into("trials", "2500000").await;
    // Poll, and the moment progress shows, edit the trials in the same
    // script: the edit lands between two slices of the running run, however
    // fast this machine is.
    let seen = std::cell::RefCell::new(None);
    funnelcast_e2e::wait_until(
        "progress shown, the trials edited as it shows",
        30,
        || async {
            let st = p
                .script(
                    "const e = document.querySelector('[data-testid=sim-status]');
                 const t = e.textContent, s = e.dataset.state;
                 if (s === 'running' && t.includes('%')) {
                     const i = document.querySelector('[data-testid=trials]');
                     i.value = '20000';
                     i.dispatchEvent(new Event('input', { bubbles: true }));
                 }
                 return [s, t, performance.getEntriesByName('funnelcast:sim:dropped').length];",
                    vec![],
                )
                .await;
            let (state, t) = (st[0].as_str().unwrap(), st[1].as_str().unwrap().to_string());
            if state == "running" && t.contains('%') {
                *seen.borrow_mut() = Some((t, st[2].as_u64().unwrap()));
                return true;
            }
            assert!(state != "done", "no progress shown; status {t:?} ({state})");
            false
        },
    )
    .await;
    let (text, dropped_before) = seen.into_inner().unwrap();
    eprintln!("status during a long run: {text:?}");

    p.wait_state("done").await;
    let trials: Vec<u64> = p
        .measures("funnelcast:sim")
        .await
        .iter()
        .map(|e| e.detail["trials"].as_u64().unwrap())
        .collect();
    assert_eq!(trials.last(), Some(&20000), "runs ended: {trials:?}");
    // The long run stopped at its next slice, within milliseconds of the
    // edit, so before the new run (which waits for the debounce) was done.
    let dropped = p.measures("funnelcast:sim:dropped").await.len() as u64;
    assert_eq!(dropped, dropped_before + 1, "the long run was not dropped");
    assert!(
        !trials.contains(&2_500_000),
        "the stale run went on to its end: {trials:?}"
    );
    p.close().await;
}

/// On a projector (1024 or 1280 px wide) the editors sit beside the
/// results in a column as narrow as a phone: every rate's inputs must still
/// be whole and reachable, not cut off by the card or hidden under the
/// results.
#[tokio::test(flavor = "multi_thread")]
async fn the_editors_fit_their_column_at_projector_widths() {
    let (_driver, p) = launch(Browser::default()).await;
    for (w, h) in [
        (1024, 768),
        (1280, 720),
        (1360, 768),
        (1366, 768),
        (1400, 900),
        (1920, 1080),
        (800, 1000),
        (602, 900),
    ] {
        p.set_window(w, h).await;
        let hidden = p
            .script(
                "const bad = [];
                 for (let i = 1; i <= 4; i++) {
                   for (const id of [`rate-0-${i}`, `rate-slider-0-${i}`, `count-0-${i}`, `rate-mode-0-${i}`]) {
                     const e = document.querySelector(`[data-testid=\"${id}\"]`);
                     e.scrollIntoView({ block: 'center', inline: 'nearest' });
                     const r = e.getBoundingClientRect();
                     // Both ends of the element must be its own, on screen.
                     for (const x of [r.left + 3, r.right - 3]) {
                       const at = document.elementFromPoint(x, r.top + r.height / 2);
                       if (!(at === e || e.contains(at))) bad.push(`${id}@${Math.round(x)}`);
                     }
                   }
                 }
                 return bad;",
                vec![],
            )
            .await;
        assert_eq!(
            hidden,
            serde_json::json!([]),
            "at {w}×{h}, inputs cut off or covered"
        );
        // From 1,600 px the header's icon buttons say their word too, and
        // the header still fits its width, on one line.
        if w >= 1600 {
            let header = p
                .script(
                    "const t = document.querySelector('.top');
                     const b = [...document.querySelectorAll('.top-tools .btn.icon[aria-label]')];
                     const r = b.map(x => x.getBoundingClientRect());
                     return { w: innerWidth, h: t.getBoundingClientRect().height, over: t.scrollWidth > t.clientWidth + 1 || r.some(x => x.right > innerWidth)
                                    || t.getBoundingClientRect().height > 96,
                              worded: b.filter(x => getComputedStyle(x, '::after').content.length > 2).length,
                              n: b.length };",
                    vec![],
                )
                .await;
            assert_eq!(header["over"], serde_json::json!(false), "at {w}: {header}");
            assert!(
                header["n"].as_u64().unwrap() >= 6 && header["worded"] == header["n"],
                "at {w}: {header}"
            );
        }
        if w == 1024 || w == 1920 {
            p.scroll_to_middle("rate-0-2").await;
            p.screenshot(&format!("en-{w}-editors")).await;
        }
    }
    p.close().await;
}

/// Every control has a name a screen reader can say, in the page's
/// language: case B (two segments) with a scenario and every uncertainty
/// mode open, so that every kind of input is on the page.
#[tokio::test(flavor = "multi_thread")]
async fn every_control_has_an_accessible_name() {
    let (_driver, p) = launch(Browser {
        lang: "zh-CN",
        width: 1400,
        height: 1000,
    })
    .await;
    p.select("preset", "case-b").await;
    p.wait_state("done").await;
    p.click("scenario-case-a").await;
    p.select("volume-mode-1", "range").await;
    p.select("rate-mode-1-2", "range").await;
    p.select("rate-mode-1-3", "evidence").await;
    p.wait_state("done").await;
    let unnamed = p
        .script(
            "return [...document.querySelectorAll('input, select, textarea, button')]
               .filter(e => !(e.labels && e.labels.length) && !(e.getAttribute('aria-label') || '').trim()
                            && !(e.tagName === 'BUTTON' && e.textContent.trim()))
               .map(e => e.dataset.testid || e.outerHTML.slice(0, 80));",
            vec![],
        )
        .await;
    assert_eq!(unnamed, serde_json::json!([]), "controls without a name");
    // Names say which segment and stage, in Chinese here.
    assert_eq!(
        p.attr("rate-1-2", "aria-label").await,
        "大型企业：考虑：转化率 %"
    );
    assert_eq!(
        p.attr("evidence-n-1-3", "aria-label").await,
        "大型企业：意图：进入人数"
    );
    p.close().await;
}

/// Month → quarter would make the same number three times the people: the
/// page asks, rescales on request and says what it did, or keeps the
/// numbers and says what they now mean.
#[tokio::test(flavor = "multi_thread")]
async fn switching_month_to_quarter_asks_whether_to_rescale() {
    let (_driver, p) = launch(Browser::default()).await;
    p.wait_parts().await;
    let before = p.value("result-revenue-mean-0").await;
    p.select("period", "quarter").await;
    let q = p.el("period-rescale").await.text().await.unwrap();
    assert!(q.contains("10,000 → 30,000"), "{q}");
    // Nothing changed yet.
    assert_eq!(p.input_value("volume-0").await, "10000");
    p.click("period-rescale-yes").await;
    p.wait_state("done").await;
    assert_eq!(p.input_value("volume-0").await, "30000");
    assert!(!p.exists("period-rescale").await);
    let note = p.el("period-rescaled").await.text().await.unwrap();
    assert!(
        note.contains("quarter") && note.contains("30,000"),
        "{note}"
    );
    let after = p.value("result-revenue-mean-0").await;
    assert!(
        (after / before - 3.0).abs() < 0.05,
        "the same business, three months of it: {before} → {after}"
    );
    // Back to months, keeping the numbers: 30,000 now a month.
    p.select("period", "month").await;
    p.click("period-rescale-keep").await;
    p.wait_state("done").await;
    assert_eq!(p.input_value("volume-0").await, "30000");
    assert_eq!(p.input_value("period").await, "month");
    let note = p.el("period-rescaled").await.text().await.unwrap();
    assert!(note.contains("per month"), "{note}");
    p.assert_clean().await;
}

/// A first visit (nothing saved, no link) offers a short tour through the
/// stages, a rate, the +30 % scenario and the revenue band, ending on "now
/// enter your own funnel". It can be skipped, is remembered, and comes back
/// from the help button; a link or a saved model never starts it.
#[tokio::test(flavor = "multi_thread")]
async fn a_first_visit_offers_a_tour_that_can_be_skipped_and_comes_back() {
    use funnelcast_e2e::{open, serve_dist, start_driver, Page};
    let url = serve_dist();
    let driver = start_driver();
    let p = Page::goto(
        open(&driver, Browser::default()).await,
        &format!("{url}?tour"),
    )
    .await;
    p.wait_state("done").await;
    let tour = p.el("tour").await;
    let first = tour.text().await.unwrap();
    assert!(
        first.contains("interest") && first.contains("60"),
        "{first}"
    );
    // It points at what it talks about.
    let pointed = |id: &'static str| {
        let p = &p;
        async move {
            p.script(
                "const e = document.querySelector(arguments[0]);
                 return !!e && (e.classList.contains('tour-on') || !!e.closest('.tour-on'));",
                vec![serde_json::json!(format!("[data-testid=\"{id}\"]"))],
            )
            .await
                == serde_json::json!(true)
        }
    };
    assert!(pointed("stage-name-0").await);
    // The page stays usable under it: a rate can be typed.
    p.type_into("rate-0-1", "30").await;
    p.wait_state("done").await;
    for (step, id) in [
        (1, "rate-slider-0-1"),
        (2, "scenario-awareness30"),
        (3, "revenue-chart"),
        (4, "volume-0"),
    ] {
        p.click("tour-next").await;
        assert_eq!(p.attr("tour", "data-step").await, step.to_string());
        assert!(pointed(id).await, "step {step} points at {id}");
    }
    let last = p.el("tour").await.text().await.unwrap();
    assert!(last.contains("your own funnel"), "{last}");
    p.screenshot("tour-en").await;
    p.click("tour-next").await;
    assert!(!p.exists("tour").await, "the last step ends it");
    assert_eq!(p.count(".tour-on").await, 0, "no outline left behind");
    assert_eq!(p.stored("funnelcast.tour").await.as_deref(), Some("seen"));
    // Seen: a reload does not offer it again; the help button does.
    p.load(&format!("{url}?tour")).await;
    p.wait_state("done").await;
    p.wait_parts().await;
    assert!(!p.exists("tour").await);
    p.click("tour-start").await;
    assert_eq!(p.attr("tour", "data-step").await, "0");
    // The focus goes into the card (a screen reader reads it) and comes
    // back to the button.
    funnelcast_e2e::wait_until("the tour has the focus", 5, || async {
        p.focused_testid().await == "tour"
    })
    .await;
    p.click("tour-skip").await;
    assert!(!p.exists("tour").await);
    assert_eq!(p.focused_testid().await, "tour-start");
    // On a phone, in Chinese, it sits above the results bar.
    p.store("funnelcast.tour", "").await;
    p.click("tour-start").await;
    p.click("lang").await;
    p.set_window(390, 844).await;
    let zh = p.el("tour").await.text().await.unwrap();
    assert!(zh.contains("兴趣"), "{zh}");
    p.screenshot("tour-zh-phone").await;
    p.assert_clean().await;
}
