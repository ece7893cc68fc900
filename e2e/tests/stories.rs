//! The user stories (the trainer's and the planner's, docs/architecture.md),
//! step by step, through the page's test contract (docs/test-contract.md),
//! with screenshots under target/screenshots/.

use funnelcast_e2e::{launch, Browser};

fn near(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs()
}

/// The trainer: the classic funnel, drag one rate, "+30 % awareness" against
/// "+5 points at consideration", side by side, then the same in Chinese.
#[tokio::test(flavor = "multi_thread")]
async fn trainer_story() {
    let (_driver, p) = launch(Browser {
        lang: "en-US",
        width: 1400,
        height: 2600,
    })
    .await;

    p.select("preset", "classic5").await;
    p.wait_state("done").await;

    // Drag the consideration rate from 32 % to 40 %: 10,000 × .25 × .40 × .25 × .30 = 75 customers.
    p.slide("rate-slider-0-2", 40.0).await;
    p.wait_state("done").await;
    assert_eq!(p.input_value("rate-0-2").await, "40");
    let base_customers = p.value("result-customers-mean-0").await;
    assert!(
        near(base_customers, 75.0, 0.02),
        "customers {base_customers}"
    );
    let base_revenue = p.value("result-revenue-mean-0").await;
    assert!(
        near(base_revenue, 375_000.0, 0.02),
        "revenue {base_revenue}"
    );

    // "+30 % awareness", one click.
    p.click("scenario-awareness30").await;
    p.wait_state("done").await;
    assert_eq!(p.input_value("lever-volume-pct-1").await, "30");

    // "+5 points at consideration": a new scenario with one lever.
    p.click("add-scenario").await;
    p.type_into("scenario-name-2", "+5 pts consideration").await;
    p.type_into("lever-rate-pts-2-2", "5").await;
    p.wait_state("done").await;

    // Expected uplifts: +30 % of 375,000 = 112,500; 45/40 of it = +46,875.
    let up1 = p.value("result-uplift-mean-1").await;
    let up2 = p.value("result-uplift-mean-2").await;
    assert!(
        near(up1, 112_500.0, 0.05),
        "uplift of +30 % awareness {up1}"
    );
    assert!(near(up2, 46_875.0, 0.08), "uplift of +5 pts {up2}");
    assert!(up1 > up2, "the room's question: +30 % awareness wins here");
    // Common random numbers with a monotone coupling: an improving lever
    // never lowers a trial's revenue, so even the P5 of the uplift is ≥ 0.
    assert!(p.value("result-uplift-p5-1").await >= 0.0);
    assert!(p.value("result-uplift-p5-2").await >= 0.0);
    let beat1 = p.value("result-p-beat-1").await;
    assert!(beat1 > 0.95 && beat1 <= 1.0, "P(beat) {beat1}");
    assert!(p.value("result-revenue-mean-1").await > base_revenue);
    assert!(p.exists("revenue-chart").await && p.exists("uplift-chart").await);
    p.screenshot("trainer-en").await;

    // Switch to Chinese: a view setting. Names follow the language (except
    // the one the trainer typed), the results are the same ones — no run
    // starts — and their labels are shown in Chinese too.
    let runs = || async { p.measures("funnelcast:sim:start").await.len() };
    let runs_before = runs().await;
    p.click("lang").await;
    p.wait_state("done").await;
    assert_eq!(p.attr("lang", "data-lang").await, "zh");
    assert_eq!(p.input_value("stage-name-2").await, "考虑");
    assert_eq!(p.input_value("scenario-name-1").await, "意识 +30%");
    assert_eq!(
        p.input_value("scenario-name-2").await,
        "+5 pts consideration"
    );
    assert_eq!(p.value("result-uplift-mean-1").await, up1);
    assert_eq!(
        runs().await,
        runs_before,
        "switching language ran the model"
    );
    let table = p.el("results-table").await.text().await.unwrap();
    assert!(
        table.contains("意识 +30%") && table.contains("考虑"),
        "result labels not in Chinese: {table:?}"
    );
    // Money keeps the currency the document was created with ($: an English
    // page), now in Chinese units (万).
    let shown = p.el("result-revenue-mean-0").await.text().await.unwrap();
    assert!(
        shown.contains('万') && shown.starts_with('$'),
        "revenue shown as {shown:?}"
    );
    p.screenshot("trainer-zh").await;
    p.close().await;
}

/// The planner: case B's two segments, last quarter's counts as evidence, a
/// campaign with a cost on one segment, ROI, the bottleneck and goal seek.
#[tokio::test(flavor = "multi_thread")]
async fn planner_story() {
    let (_driver, p) = launch(Browser {
        lang: "en-US",
        width: 1400,
        height: 3000,
    })
    .await;

    p.select("preset", "case-b").await;
    p.wait_state("done").await;
    assert!(p.exists("segment-name-1").await);
    assert_eq!(p.input_value("volume-1").await, "2000");

    // Last quarter: 1,800 of 8,000 small firms became interested.
    p.select("rate-mode-0-1", "evidence").await;
    p.wait_state("done").await;
    assert_eq!(p.input_value("evidence-n-0-1").await, "8000");
    assert_eq!(p.input_value("evidence-k-0-1").await, "2000");
    p.type_into("evidence-k-0-1", "1800").await;
    p.wait_state("done").await;
    // The plan rate is the posterior mean (k+1)/(n+2).
    let r: f64 = p.input_value("rate-0-1").await.parse().unwrap();
    assert!(
        (r - 100.0 * 1801.0 / 8002.0).abs() < 0.006,
        "rate {r} (shown to 2 decimals)"
    );

    // k > n is refused beside the field; the last good results stay.
    let before = p.value("result-revenue-mean-0").await;
    p.type_into("evidence-k-0-1", "9000").await;
    p.wait_state("invalid").await;
    let errs = p.field_errors().await;
    assert!(
        errs.iter().any(|(f, _)| f.starts_with("evidence-")),
        "{errs:?}"
    );
    assert_eq!(p.value("result-revenue-mean-0").await, before);
    p.type_into("evidence-k-0-1", "1800").await;
    p.wait_state("done").await;

    // A campaign: +20 % reach on small firms only, costing 50,000.
    p.click("add-scenario").await;
    p.type_into("scenario-name-1", "SMB campaign").await;
    p.select("lever-scope-1", "0").await;
    p.type_into("lever-volume-pct-1", "20").await;
    p.type_into("lever-cost-1", "50000").await;
    p.wait_state("done").await;
    let up = p.value("result-uplift-mean-1").await;
    let net = p.value("result-net-gain-1").await;
    let roi = p.value("result-roi-1").await;
    assert!(
        (net - (up - 50_000.0)).abs() < 1e-6 * up.abs().max(1.0),
        "net {net} vs uplift {up}"
    );
    assert!((roi - net / 50_000.0).abs() < 1e-9, "roi {roi}");
    // Beside them, the chance of a profit: a share, with its error, and no
    // higher than the chance of more revenue (a profit needs more than a
    // cent more).
    let profit = p.value("result-p-profit-1").await;
    let more = p.value("result-p-beat-1").await;
    assert!(
        (0.0..=1.0).contains(&profit) && profit <= more,
        "{profit} vs {more}"
    );
    assert!(!p
        .attr("result-p-profit-1", "data-mc-error")
        .await
        .is_empty());
    // The verdict above the table says it in a sentence: the net gain, the
    // ROI and the chance of a profit, on the table's figures.
    assert_eq!(p.value("verdict-1").await, net);
    assert_eq!(p.attr("verdict-1", "data-best").await, "true");
    let line = p.el("verdict-1").await.text().await.unwrap();
    assert!(
        line.starts_with("SMB campaign:") && line.contains("ROI"),
        "{line}"
    );
    // The two figures the net gain is made of, in rows of their own: the
    // cost, and with a margin the uplift's gross profit.
    assert_eq!(p.value("result-cost-1").await, 50_000.0);
    assert!(
        !p.exists("result-gross-1").await,
        "no margin: the uplift is the gain"
    );
    p.type_into("margin", "40").await;
    p.wait_state("done").await;
    let up40 = p.value("result-uplift-mean-1").await;
    let gross = p.value("result-gross-1").await;
    assert!(
        (gross - 0.4 * up40).abs() < 1e-6 * up40.abs(),
        "{gross} {up40}"
    );
    let net40 = p.value("result-net-gain-1").await;
    assert!(
        (net40 - (gross - 50_000.0)).abs() < 1e-6 * gross.abs().max(1.0),
        "{net40} = {gross} − 50,000"
    );
    p.set_value("margin", "").await;
    p.wait_state("done").await;
    assert!(!p.exists("result-gross-1").await);
    // A second campaign that costs more than it brings: the first stays
    // the better one, and is called "best" only if it gains.
    p.click("add-scenario").await;
    p.type_into("lever-volume-pct-2", "1").await;
    p.type_into("lever-cost-2", "900000").await;
    p.wait_state("done").await;
    assert!(p.value("verdict-2").await < net);
    assert_eq!(p.attr("verdict-1", "data-best").await, "true");
    assert_eq!(p.attr("verdict-2", "data-best").await, "");
    let says_best = p
        .el("verdict-1")
        .await
        .text()
        .await
        .unwrap()
        .contains("best of 2");
    assert_eq!(says_best, net > 0.0, "{net}");
    p.scroll_to_top("verdict", 80).await;
    p.screenshot("verdict-en").await;
    p.click("remove-scenario-2").await;
    p.wait_state("done").await;
    // The bad case: the mean of the worst 5 % sits below the P5.
    let cvar = p.value("result-cvar5-0").await;
    let p5 = p.value("result-revenue-p5-0").await;
    assert!(cvar > 0.0 && cvar <= p5, "{cvar} vs P5 {p5}");
    // Only the SMB segment grows: the uplift is about 20 % of its revenue,
    // well below 20 % of the total.
    let total = p.value("result-revenue-mean-0").await;
    assert!(up > 0.0 && up < 0.2 * total, "uplift {up} of {total}");

    // The bottleneck: bars largest first, each naming the input it moves.
    let g0 = p.value("tornado-bar-0").await;
    let g1 = p.value("tornado-bar-1").await;
    assert!(g0 >= g1 && g1 > 0.0);
    let lever = p.attr("tornado-bar-0", "data-lever").await;
    assert!(
        lever.starts_with("rate-") || lever == "volume-0" || lever == "deal-value-0",
        "{lever}"
    );
    assert!(p.exists("bottleneck").await);

    // Goal seek: how much more volume for a 90 % chance of 1.5 × today's mean?
    let target = (total * 1.5).round();
    p.type_into("goal-target", &target.to_string()).await;
    p.type_into("goal-prob", "90").await;
    p.wait_state("done").await;
    let need = p.value("goal-result").await;
    assert!(need > 50.0 && need < 200.0, "volume change {need} %");
    // The answer carries its own 95 % error, in its units.
    let err: f64 = p
        .attr("goal-result", "data-mc-error")
        .await
        .parse()
        .unwrap();
    assert!(err > 0.0 && err < 0.5 * need, "± {err} of {need}");
    // Today the target is far: the chance of reaching it is small.
    let reach = p.value("result-p-target-0").await;
    assert!(reach < 0.05, "P(revenue ≥ target) {reach}");
    // In the planner's units: about how many people entering a month.
    let entering = p.value("result-stage-mean-0-0").await;
    let text = p.el("goal-result").await.text().await.unwrap();
    let people = format!(
        "{:.0}",
        (entering * (1.0 + need / 100.0) / 10.0).round() * 10.0
    );
    assert!(text.contains("Awareness per month"), "{text}");
    assert!(
        text.replace(',', "").contains(&people[..3]),
        "{text} lacks ≈ {people}"
    );
    // Taken as a scenario, the answer reaches the target about 90 % of
    // the time on the run's own trials too.
    p.click("goal-add-scenario").await;
    p.wait_state("done").await;
    let reached = p.value("result-p-target-2").await;
    assert!((reached - 0.9).abs() < 0.05, "{reached}");
    p.screenshot("goal-en").await;
    p.click("remove-scenario-2").await;
    p.wait_state("done").await;
    assert_eq!(p.attr("goal-result", "data-lever").await, "volume");
    p.screenshot("planner-en").await;

    // Or by the rate at one stage: how many more points into Interest?
    // A 50 % chance needs fewer points than a 90 % one.
    p.select("goal-lever", "rate-1").await;
    p.wait_state("done").await;
    assert_eq!(p.attr("goal-result", "data-lever").await, "rate-1");
    let pts90 = p.value("goal-result").await;
    p.type_into("goal-prob", "50").await;
    p.wait_state("done").await;
    let pts50 = p.value("goal-result").await;
    assert!(
        pts50 > 0.0 && pts50 < pts90 && pts90 < 100.0,
        "points: {pts50} for 50 %, {pts90} for 90 %"
    );
    let text = p.el("goal-result").await.text().await.unwrap();
    assert!(text.contains("Interest"), "{text}");
    p.type_into("goal-prob", "90").await;
    p.select("goal-lever", "volume").await;
    p.wait_state("done").await;
    assert_eq!(p.value("goal-result").await, need);

    // On a phone, in Chinese.
    p.click("lang").await;
    p.wait_state("done").await;
    p.set_window(390, 844).await;
    p.screenshot("planner-zh-phone").await;
    // The bar names what its colours stand for.
    // A third column: a scenario more.
    p.click("add-scenario").await;
    p.wait_state("done").await;
    let names = p.texts(".phonebar .pb-name").await;
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.iter().all(|n| !n.is_empty()), "{names:?}");
    // The table's third column is a swipe away, and the page says so.
    let overflows = p
        .script(
            "const w = document.querySelector('[data-testid=results-region]');
             return w.scrollWidth > w.clientWidth + 1;",
            vec![],
        )
        .await;
    assert_eq!(
        overflows,
        serde_json::json!(true),
        "three columns on a phone"
    );
    let cue = p.el("results-scroll-cue").await;
    assert!(
        cue.is_displayed().await.unwrap(),
        "no cue for the hidden columns"
    );
    p.scroll_to_top("results-region", 120).await;
    p.screenshot("planner-zh-phone-results").await;
    // Nothing cut: the tornado's names and figures inside its box, and the
    // scenario editor's stage names whole.
    let cut = p
        .script(
            "const svg = document.querySelector('[data-testid=tornado-chart]');
             const w = svg.viewBox.baseVal.width;
             const out = [...svg.querySelectorAll('text')].filter(t => {
               const b = t.getBBox(); return b.x < -0.5 || b.x + b.width > w + 0.5; })
               .map(t => t.textContent);
             const names = [...document.querySelectorAll('.stage-lever-grid > .lbl')]
               .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent);
             return out.concat(names);",
            vec![],
        )
        .await;
    assert_eq!(cut, serde_json::json!([]), "cut on a phone");
    p.scroll_to_top("tornado-chart", 160).await;
    p.screenshot("planner-zh-phone-tornado").await;
    p.scroll_to_top("lever-rate-pts-1-2", 200).await;
    p.screenshot("planner-zh-phone-scenario").await;
    p.close().await;
}
