//! Time mode, the planner's story (the time issue): "when do we get the
//! money back?" Months on, the days each stage takes, a one-month campaign
//! with its cost, then the monthly fan, the net gain and the payback, in
//! both languages and on a phone, with screenshots under
//! target/screenshots/.

use fantoccini::key::Key;
use funnelcast_e2e::{launch, pdf_page_sizes, repo_root, Browser};
use funnelcast_engine::lag::{close_law, Lag};

fn near(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs()
}

#[tokio::test(flavor = "multi_thread")]
async fn planner_asks_when_the_money_comes_back() {
    let (_driver, p) = launch(Browser {
        lang: "en-US",
        width: 1280,
        height: 2400,
    })
    .await;
    // Case A: 10,000 people a month, 25/32/25/30 %, deals of 5,000.
    p.select("preset", "classic5").await;
    p.wait_state("done").await;
    p.wait_parts().await;
    // Interest and Intent are both 25 %: +5 points gain the same at both,
    // and the page names both, not one.
    assert_eq!(p.attr("bottleneck", "data-tie").await, "true");
    let tie = p.el("bottleneck").await.text().await.unwrap();
    assert!(tie.contains("Interest, Intent"), "{tie}");
    p.click("time-on").await;
    p.wait_state("done").await;
    // The days between stages are in the funnel editor, under the rates;
    // a profile fills them at once (enterprise deals: months).
    assert!(p.exists("lags-where").await);
    p.select("lag-profile-0", "enterprise").await;
    p.wait_state("done").await;
    assert_eq!(p.input_value("lag-median-0-4").await, "60");
    assert_eq!(p.input_value("lag-p90-0-1").await, "30");
    p.scroll_to_top("lags-0", 120).await;
    p.screenshot("months-lags-en").await;
    // The days from each stage to the next: 7/14/21/30 typical, the slow
    // case twice as long.
    let medians = [7.0, 14.0, 21.0, 30.0];
    for (i, m) in medians.iter().enumerate() {
        p.type_into(&format!("lag-median-0-{}", i + 1), &m.to_string())
            .await;
        p.type_into(&format!("lag-p90-0-{}", i + 1), &(2.0 * m).to_string())
            .await;
    }
    p.wait_state("done").await;

    // A slow case below the typical days is refused beside its field; the
    // last results stay.
    p.type_into("lag-p90-0-1", "3").await;
    p.wait_state("invalid").await;
    let errors = p.field_errors().await;
    assert!(
        errors
            .iter()
            .any(|(f, t)| f == "lag-p90-0-1" && t.contains("slow case")),
        "{errors:?}"
    );
    assert!(p.exists("result-month-revenue-mean-0-12").await);
    p.type_into("lag-p90-0-1", "14").await;
    p.wait_state("done").await;

    // Month by month, people close later than they enter: the customers
    // of month m are 10,000 · P · Σ_{j<m} q_j, q the close law of entry
    // day plus the lags (engine/README.md, "Months").
    let lags: Vec<Lag> = medians
        .iter()
        .map(|&m| Lag::new(m, 2.0 * m).unwrap())
        .collect();
    let law = close_law(&lags, 12);
    let rate = 0.25 * 0.32 * 0.25 * 0.30;
    let mut closed = 0.0;
    let mut total = 0.0;
    for m in 1..=12 {
        closed += law.within[m - 1];
        let want = 10_000.0 * rate * closed;
        let got = p.value(&format!("result-month-customers-mean-0-{m}")).await;
        // 20,000 trials: the mean's standard error is under 1 % of it.
        assert!(near(got, want, 0.05), "month {m}: {got} vs {want}");
        total += got;
    }
    let pipeline = p.value("result-pipeline-mean-0").await;
    assert!(
        near(total + pipeline, 12.0 * 10_000.0 * rate, 0.03),
        "{total} + {pipeline}"
    );
    // A monthly mean comes with its Monte Carlo error.
    let m6 = p.value("result-month-revenue-mean-0-6").await;
    let err: f64 = p
        .attr("result-month-revenue-mean-0-6", "data-mc-error")
        .await
        .parse()
        .unwrap();
    assert!(err > 0.0 && err < 0.05 * m6, "{err} of {m6}");
    // The headline revenue is the revenue within the horizon.
    let cum12 = p.value("result-cum-revenue-mean-0-12").await;
    let headline = p.value("result-revenue-mean-0").await;
    assert!(near(cum12, headline, 1e-6), "{cum12} vs {headline}");
    // Goal seek is about the same revenue: 20 % more than the horizon's
    // mean, even odds, takes about 20 % more people every month (on one
    // period's revenue the answer would be some +1,000 %).
    p.type_into("goal-target", &(1.2 * headline).round().to_string())
        .await;
    p.type_into("goal-prob", "50").await;
    p.wait_state("done").await;
    assert_eq!(p.value("goal-horizon").await, 12.0);
    let need = p.value("goal-result").await;
    assert!(need > 17.0 && need < 23.0, "+{need} %");
    // P(revenue ≥ target) is about the horizon's revenue too: 20 % above
    // its mean is rarely reached today.
    let today = p.value("result-p-target-0").await;
    assert!(today < 0.05, "P(revenue ≥ 1.2 × mean) = {today}");
    p.set_value("goal-target", "").await;
    p.wait_state("done").await;
    assert!(!p.exists("result-p-target-0").await, "no target, no row");

    // Seasonality: month 2 twice as busy; 13 months' worth of people enter.
    p.open_details(".weights").await;
    p.type_into("month-weight-2", "2").await;
    p.wait_state("done").await;
    let entered = p.value("result-stage-mean-0-0").await;
    assert!(near(entered, 130_000.0, 1e-9), "{entered}");
    p.type_into("month-weight-2", "1").await;
    p.wait_state("done").await;

    // "+30 % awareness" in month 1 only, for 150,000 up front.
    p.click("scenario-awareness30").await;
    p.type_into("lever-cost-1", "150000").await;
    p.type_into("campaign-end-1", "1").await;
    p.wait_state("done").await;
    assert_eq!(p.input_value("campaign-start-1").await, "1");
    let mut last = 0.0;
    for m in 1..=12 {
        let pm = p.value(&format!("result-payback-prob-1-{m}")).await;
        assert!((0.0..=1.0).contains(&pm) && pm >= last, "month {m}: {pm}");
        last = pm;
    }
    // The campaign's cost is spent in month 1: the net gain starts below
    // zero by about the cost.
    let net1 = p.value("result-cum-net-mean-1-1").await;
    assert!(net1 < -100_000.0, "{net1}");
    let p50 = p.attr("result-payback-p50-1", "data-state").await;
    assert!(p50 == "within" || p50 == "beyond", "{p50}");
    assert!(p.exists("fan-revenue-1").await && p.exists("fan-net-1").await);
    assert!(p.exists("payback-curve-1").await);
    p.set_window(1280, 720).await;
    p.scroll_to_top("over-time", 70).await;
    p.screenshot("months-inputs-en").await;
    p.scroll_to_top("fan-revenue-1", 40).await;
    p.screenshot("months-fan-en").await;
    p.scroll_to_top("fan-net-1", 40).await;
    p.screenshot("months-payback-en").await;

    // In Chinese, the same figures (no run starts), in its words.
    let en = p.value("result-cum-revenue-mean-1-12").await;
    p.click("lang").await;
    p.wait_state("done").await;
    assert_eq!(p.value("result-cum-revenue-mean-1-12").await, en);
    let beyond = p.texts("[data-testid=result-payback-p50-1]").await.concat();
    assert!(!beyond.is_ascii(), "{beyond}");
    p.scroll_to_top("fan-revenue-1", 40).await;
    p.screenshot("months-fan-zh").await;
    // On paper: one A4 page still, with the months in words.
    let pdf = p.print_pdf().await;
    let dir = repo_root().join("target").join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("print-months-zh.pdf"), &pdf).unwrap();
    assert_eq!(pdf_page_sizes(&pdf).len(), 1, "one page");
    p.emulate_media("print").await;
    let months = p.texts("[data-testid=print-months] li").await;
    assert_eq!(months.len(), 2, "{months:?}");
    p.screenshot("print-months-zh").await;
    p.emulate_media("screen").await;

    // Presenting: when the campaign pays back, on its card.
    p.click("present").await;
    p.el("present-mode").await;
    p.press(Key::Right).await; // from the funnel to the first scenario
    let state = p.attr("present-payback-1", "data-value").await;
    let p50 = p.attr("result-payback-p50-1", "data-value").await;
    assert_eq!(state, p50, "the slide says what the page says");
    p.screenshot("months-slide-zh").await;
    p.press(fantoccini::key::Key::Escape).await;

    // On a phone.
    p.set_window(390, 844).await;
    p.scroll_to_top("fan-revenue-1", 80).await;
    p.screenshot("months-phone-zh").await;
    p.assert_clean().await;
}
