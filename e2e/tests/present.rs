//! The trainer in front of a room: presentation mode driven by the keyboard
//! at projector size, and the printed one-page handout, in both languages
//! (docs/test-contract.md: `present*`, `print`).

use fantoccini::key::Key;
use funnelcast_e2e::{launch, pdf_page_sizes, repo_root, Browser, Page};

/// The classic funnel, "+30 % awareness" and "+5 points at consideration".
async fn trainer_model(p: &Page) {
    p.select("preset", "classic5").await;
    p.wait_state("done").await;
    p.click("scenario-awareness30").await;
    p.type_into("lever-cost-1", "20000").await;
    p.wait_state("done").await;
    p.click("add-scenario").await;
    p.type_into("lever-rate-pts-2-2", "5").await;
    p.wait_state("done").await;
}

/// The element's computed font size in CSS px.
async fn font_px(p: &Page, id: &str) -> f64 {
    let size = p.el(id).await.css_value("font-size").await.unwrap();
    size.trim_end_matches("px")
        .parse()
        .unwrap_or_else(|_| panic!("{id}: font-size {size:?}"))
}

async fn view(p: &Page) -> String {
    p.attr("present-mode", "data-view").await
}

/// The overlay shows everything without scrolling: nothing a trainer has
/// to scroll to on a projector.
async fn fits(p: &Page) -> (f64, f64) {
    p.heights("present-mode").await
}

/// The smallest font size, in CSS px, of the elements `css` finds that
/// hold text of their own.
async fn smallest_text(p: &Page, css: &str) -> f64 {
    p.script(
        "return Math.min(...[...document.querySelectorAll(arguments[0])]
           .filter(e => e.childNodes.length && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
           .map(e => parseFloat(getComputedStyle(e).fontSize)));",
        vec![serde_json::json!(css)],
    )
    .await
    .as_f64()
    .unwrap()
}

async fn presentation_story(lang: &'static str, tag: &str) {
    let (_driver, p) = launch(Browser {
        lang,
        width: 1280,
        height: 720,
    })
    .await;
    p.set_viewport(1280, 720).await;
    trainer_model(&p).await;

    p.click("present").await;
    p.el("present-mode").await; // its split module arrives on the first open
                                // It opens on the funnel itself, the lesson: every stage with its
                                // expected people (the table's baseline means) and the rate into it,
                                // in large type.
    assert_eq!(view(&p).await, "funnel", "opens on the funnel");
    let stages = p.count("[data-testid^=present-funnel-count-]").await;
    assert!(stages >= 5, "{stages} stages on the funnel slide");
    for i in 0..stages {
        let id = format!("present-funnel-count-{i}");
        assert_eq!(
            p.value(&id).await,
            p.value(&format!("result-stage-mean-0-{i}")).await
        );
        let px = font_px(&p, &id).await;
        assert!(px >= 32.0, "{id} is {px} px");
    }
    assert!(p.exists("present-funnel-rate-1").await);
    let smallest = smallest_text(&p, ".present-funnel *, .present-bar *").await;
    assert!(
        smallest >= 18.0,
        "text of {smallest} px on the funnel slide"
    );
    p.screenshot(&format!("present-funnel-{tag}")).await;
    let (scroll, client) = fits(&p).await;
    assert!(
        scroll <= client + 1.0,
        "the funnel needs scrolling: {scroll} > {client}"
    );
    p.press(Key::Right).await;
    assert_eq!(view(&p).await, "1", "then the first scenario");
    // Large type: the key numbers are at least 48 CSS px at 1280×720.
    for id in [
        "present-revenue-0",
        "present-revenue-1",
        "present-uplift-1",
        "present-p-beat-1",
    ] {
        let px = font_px(&p, id).await;
        assert!(px >= 48.0, "{id} is {px} px");
    }
    // The numbers are the results of the page.
    for s in 0..2 {
        assert_eq!(
            p.value(&format!("present-revenue-{s}")).await,
            p.value(&format!("result-revenue-mean-{s}")).await
        );
    }
    assert_eq!(
        p.value("present-uplift-1").await,
        p.value("result-uplift-mean-1").await
    );
    // With a cost, the money: the net gain and the chance of a profit, as
    // the table says them; nothing on the slide under 24 px.
    assert_eq!(
        p.value("present-net-1").await,
        p.value("result-net-gain-1").await
    );
    assert_eq!(
        p.value("present-p-profit-1").await,
        p.value("result-p-profit-1").await
    );
    let smallest = smallest_text(&p, ".present-card *").await;
    assert!(smallest >= 24.0, "text of {smallest} px on a card");
    p.screenshot(&format!("present-one-{tag}")).await;
    let (scroll, client) = fits(&p).await;
    assert!(
        scroll <= client + 1.0,
        "one scenario needs scrolling: {scroll} > {client}"
    );

    // → walks the scenarios, then all side by side; ← comes back.
    p.press(Key::Right).await;
    assert_eq!(view(&p).await, "2");
    assert!(p.exists("present-uplift-2").await && !p.exists("present-uplift-1").await);
    p.press(Key::Right).await;
    assert_eq!(view(&p).await, "all");
    for s in 0..3 {
        assert!(p.exists(&format!("present-revenue-{s}")).await);
        let px = font_px(&p, &format!("present-revenue-{s}")).await;
        assert!(px >= 48.0, "all side by side: revenue {s} is {px} px");
    }
    p.screenshot(&format!("present-all-{tag}")).await;
    let (scroll, client) = fits(&p).await;
    assert!(
        scroll <= client + 1.0,
        "all side by side needs scrolling: {scroll} > {client}"
    );
    p.press(Key::Right).await;
    assert_eq!(view(&p).await, "all", "the last view stays put");
    p.press(Key::Left).await;
    assert_eq!(view(&p).await, "2");
    p.click("present-prev").await;
    assert_eq!(view(&p).await, "1");
    p.click("present-next").await;
    assert_eq!(view(&p).await, "2");
    p.click("present-all").await;
    assert_eq!(view(&p).await, "all");

    // The rate at hand starts on the bottleneck (the tornado's first bar),
    // the picker offers the others, and it can be dragged live: here
    // consideration (stage 2), 32 % → 40 %.
    let bottleneck = p.attr("tornado-bar-0", "data-lever").await;
    let pick = p.el("present-rate-pick").await.prop("value").await.unwrap();
    assert_eq!(
        pick.map(|v| format!("rate-{v}")),
        Some(bottleneck),
        "the slider at hand starts on the bottleneck"
    );
    p.select("present-rate-pick", "0-2").await;
    let shown = p.value("present-rate-value").await;
    assert!(
        (shown - 32.0).abs() < 1e-9,
        "consideration at hand: {shown} %"
    );
    let before = p.value("present-revenue-0").await;
    p.slide("present-rate", 40.0).await;
    p.wait_state("done").await;
    let after = p.value("present-revenue-0").await;
    assert_eq!(after, p.value("result-revenue-mean-0").await);
    // 10,000 × .25 × .40 × .25 × .30 × 5,000 = 375,000 (was 300,000).
    assert!(
        (after / before - 40.0 / 32.0).abs() < 0.05,
        "revenue {before} → {after}"
    );
    assert_eq!(
        p.el("rate-0-2").await.prop("value").await.unwrap(),
        Some("40".into()),
        "the editor's rate follows"
    );

    // On the slider (after a drag the focus stays there) ←/→ still change
    // slides and leave the rate; ↑/↓ are the slider's own keys.
    p.focus("present-rate").await;
    p.press(Key::Left).await;
    assert_eq!(view(&p).await, "2", "← on the slider changes the slide");
    assert_eq!(
        p.value("present-rate-value").await,
        40.0,
        "and not the rate"
    );
    p.press(Key::Up).await;
    p.wait_state("done").await;
    let nudged = p.value("present-rate-value").await;
    assert!(
        nudged > 40.0 && nudged < 41.0,
        "↑ nudges the rate: {nudged}"
    );

    // Esc leaves, and the focus is back on the button that opened the mode.
    p.press(Key::Escape).await;
    assert!(
        !p.exists("present-mode").await,
        "Esc leaves presentation mode"
    );
    assert_eq!(p.focused_testid().await, "present");

    // With a goal, its answer is the last slide, in the card's words.
    p.type_into("goal-target", "600000").await;
    p.wait_state("done").await;
    let answer = p.el("goal-result").await.text().await.unwrap();
    p.click("present").await;
    p.click("present-all").await;
    p.press(Key::Right).await;
    assert_eq!(view(&p).await, "goal");
    assert_eq!(
        p.el("present-goal-answer").await.text().await.unwrap(),
        answer
    );
    let px = font_px(&p, "present-goal-today").await;
    assert!(px >= 48.0, "the chance today is {px} px");
    p.screenshot(&format!("present-goal-{tag}")).await;
    p.press(Key::Escape).await;
    p.assert_clean().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn presentation_mode_works_with_the_keyboard_in_english() {
    presentation_story("en-US", "en").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn presentation_mode_works_with_the_keyboard_in_chinese() {
    presentation_story("zh-CN", "zh").await;
}

/// Case B (two segments) with three scenarios prints on one A4 page.
async fn print_story(lang: &'static str, tag: &str) {
    let (_driver, p) = launch(Browser {
        lang,
        ..Browser::default()
    })
    .await;
    p.select("preset", "case-b").await;
    p.wait_state("done").await;
    p.click("scenario-awareness30").await;
    p.wait_state("done").await;
    p.click("scenario-case-a").await;
    p.wait_state("done").await;
    p.click("add-scenario").await;
    p.type_into("lever-rate-pts-3-2", "5").await;
    p.wait_state("done").await;
    assert!(p.exists("result-revenue-mean-3").await, "three scenarios");

    let pdf = p.print_pdf().await;
    let dir = repo_root().join("target").join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("print-{tag}.pdf")), &pdf).unwrap();
    let pages = pdf_page_sizes(&pdf);
    assert_eq!(pages.len(), 1, "the handout is one page, got {pages:?}");
    // A4 is 210 × 297 mm = 595.3 × 841.9 pt.
    let (w, h) = pages[0];
    assert!(
        (w - 595.3).abs() < 1.5 && (h - 841.9).abs() < 1.5,
        "A4 portrait, got {w} × {h} pt"
    );

    // What the paper holds, seen through the print stylesheet: the inputs,
    // the funnel, the revenue distribution and the table; no editors.
    p.emulate_media("print").await;
    let shown = p
        .script(
            "const vis = (s) => { const e = document.querySelector(s); return !!e && e.getClientRects().length > 0; };
             return [vis('.print-sheet'), vis('[data-testid=result-revenue-mean-3]'), vis('#funnel-chart-h'),
                     vis('#rev-chart-h'), vis('[data-testid=rate-0-1]'), vis('[data-testid=present]')];",
            vec![],
        )
        .await;
    assert_eq!(
        shown,
        serde_json::json!([true, true, true, true, false, false]),
        "[inputs, table, funnel, revenue chart, an editor, a button] on paper"
    );
    // The answer leads; the settings come last, in small print; a code
    // leads back to the live model; nothing asks paper to be hovered.
    let layout = p
        .script(
            "const top = (s) => document.querySelector(s).getBoundingClientRect().top;
             const bottom = (s) => document.querySelector(s).getBoundingClientRect().bottom;
             const shown = (s) => [...document.querySelectorAll(s)].filter(e => e.getClientRects().length > 0).length;
             return {
               verdicts: shown('.print-sheet .verdict li'),
               page_verdict: shown('.results-card .verdict li'),
               verdict_before_inputs: bottom('.print-sheet .verdict') <= top('.print-table'),
               foot_last: top('.print-foot') >= bottom('.results-card'),
               qr: shown('.print-qr svg'),
               where_to_invest: shown('section[aria-labelledby=tornado-h] .print-only'),
               hover: document.body.innerText.includes('hover') || document.body.innerText.includes('悬停'),
               date: document.querySelector('.print-title').innerText.includes('2026') || /20\\d\\d/.test(document.querySelector('.print-title').innerText),
             };",
            vec![],
        )
        .await;
    assert_eq!(
        layout,
        serde_json::json!({
            "verdicts": 3, "page_verdict": 0, "verdict_before_inputs": true, "foot_last": true,
            "qr": 1, "where_to_invest": 1, "hover": false, "date": true
        }),
        "the handout's order and contents"
    );
    // Rates, not raw counts, in the inputs: "25%" style cells.
    let cells = p.texts(".print-table td").await;
    assert!(cells.iter().any(|c| c.ends_with('%')), "{cells:?}");
    p.screenshot(&format!("print-media-{tag}")).await;
    p.assert_clean().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn print_of_case_b_with_three_scenarios_is_one_a4_page_in_english() {
    print_story("en-US", "en").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn print_of_case_b_with_three_scenarios_is_one_a4_page_in_chinese() {
    print_story("zh-CN", "zh").await;
}
