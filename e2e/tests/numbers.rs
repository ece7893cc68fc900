//! The engine's numbers in the page (issue 12): P(beat) from the draws with
//! its parts, every estimated figure with its 95 % Monte Carlo error, exact
//! figures when every input is fixed, and the same answer whether a rate is
//! typed as a fixed value or as overwhelming evidence.

use funnelcast_e2e::{launch, Browser, Page};

/// P(scenario earns more) for 200 people, a 5 % last rate raised by a point:
/// the scenario's extra customers among the V − c0 the baseline lost are
/// Binomial(V − c0, g), g = 0.01/0.95, so P(more) = Σ P(c0)(1 − (1 − g)^(V − c0)).
fn exact_p_more() -> f64 {
    let (v, q0, g) = (200u64, 0.05f64, 0.01f64 / 0.95);
    let mut pmf = (1.0 - q0).powi(v as i32);
    let mut sum = 0.0;
    for c in 0..=v {
        if c > 0 {
            pmf *= (v - c + 1) as f64 / c as f64 * q0 / (1.0 - q0);
        }
        sum += pmf * (1.0 - (1.0 - g).powi((v - c) as i32));
    }
    sum
}

/// Scrolls the results table into view (for the screenshots).
async fn show_table(p: &Page) {
    p.scroll_to_top("results-table", 150).await;
}

async fn figure(p: &Page, id: &str) -> (f64, Option<f64>) {
    let v = p.value(id).await;
    let e = p
        .el(id)
        .await
        .attr("data-mc-error")
        .await
        .unwrap()
        .map(|e| e.parse::<f64>().unwrap());
    (v, e)
}

#[tokio::test(flavor = "multi_thread")]
async fn p_beat_and_its_parts_carry_errors_and_agree_across_paths() {
    let (_driver, p) = launch(Browser::default()).await;
    // The funnel: 200 people, three 100 % stages, 5 % at purchase,
    // a scenario with +1 point at purchase; a fixed deal value.
    p.type_into("volume-0", "200").await;
    for i in 1..=3 {
        p.type_into(&format!("rate-0-{i}"), "100").await;
    }
    p.type_into("rate-0-4", "5").await;
    p.type_into("deal-cv-0", "0").await;
    p.click("add-scenario").await;
    p.type_into("lever-rate-pts-1-4", "1").await;
    p.wait_state("done").await;

    // Every input fixed: exact customers and revenue, no error on them.
    assert!(p.exists("result-exact-0").await && p.exists("result-exact-1").await);
    let (mean, err) = figure(&p, "result-customers-mean-0").await;
    assert!(
        (mean - 10.0).abs() < 1e-9 && err.is_none(),
        "{mean} {err:?}"
    );
    let want = exact_p_more();
    let (more, more_err) = figure(&p, "result-p-more-1").await;
    let (equal, _) = figure(&p, "result-p-equal-1").await;
    let (beat, beat_err) = figure(&p, "result-p-beat-1").await;
    let more_err = more_err.expect("P(more) is estimated");
    assert!(beat_err.is_some());
    assert!((beat - (more + 0.5 * equal)).abs() < 1e-9);
    // Within its error scaled from 95 % to a 1e-4 false alarm.
    assert!(
        (more - want).abs() < more_err * 3.89 / 1.96,
        "{more} vs {want} ± {more_err}"
    );
    show_table(&p).await;
    p.screenshot("numbers-p-beat-fixed").await;

    // The first rate typed as overwhelming evidence (the same rate in
    // effect) takes the general path: the same question, the same answer.
    p.select("rate-mode-0-1", "evidence").await;
    p.type_into("evidence-k-0-1", "999999999").await;
    p.type_into("evidence-n-0-1", "1000000000").await;
    p.wait_state("done").await;
    assert!(!p.exists("result-exact-0").await);
    let (more2, err2) = figure(&p, "result-p-more-1").await;
    let err2 = err2.expect("estimated");
    let both = (more_err * more_err + err2 * err2).sqrt();
    assert!(
        (more2 - more).abs() < both * 3.89 / 1.96,
        "{more2} vs {more}"
    );
    for id in [
        "result-revenue-mean-0",
        "result-uplift-p95-1",
        "result-stage-mean-1-4",
    ] {
        assert!(figure(&p, id).await.1.is_some(), "{id} has no error");
    }
    show_table(&p).await;
    p.screenshot("numbers-p-beat-evidence").await;

    // 100 trials: the uplift's error is large against it, and the page
    // offers more trials (× 4), which the button sets.
    p.type_into("trials", "100").await;
    p.wait_state("done").await;
    assert_eq!(p.value("more-trials").await, 400.0);
    show_table(&p).await;
    p.screenshot("numbers-more-trials").await;
    p.click("more-trials").await;
    p.wait_state("done").await;
    let trials = p.el("trials").await.prop("value").await.unwrap().unwrap();
    assert_eq!(trials, "400");
}
