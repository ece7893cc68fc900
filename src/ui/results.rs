//! The results: status, the comparison table, the goal-seek panel. Every
//! number a test may read carries its raw value in `data-value`.

use funnelcast_engine::{ExactLaw, Field, GoalLever, Summary};
use leptos::prelude::*;

use crate::document::goal_lever_code;
use crate::format::{
    format_compact, format_count, format_money, format_percent, format_prob, Lang,
};
use crate::i18n::*;
use crate::names::scenario_name;
use crate::ui::input::{within, Hint, NumInput, NumKind};
use crate::ui::scenarios::colour;
use crate::ui::state::{use_state, SimStatus};
use crate::ui::words::tr;

/// `data-value`: a plain decimal number, `.` as the point, no grouping.
pub fn raw(x: f64) -> String {
    if x.is_finite() {
        crate::numtext::display(x)
    } else {
        "NaN".into()
    }
}

/// The run's state in a pill. It is not a live region: it changes with every
/// keystroke (pending, running, done), and a screen reader would read each
/// change; [`RunAnnouncement`] beside it says when results arrive.
#[component]
pub fn Status() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let st = move || state.status();
    view! {
        <div
            class="status"
            data-testid="sim-status"
            data-state=move || st().as_str()
            data-workers=move || state.with_shown(|s| s.map_or(0, |s| s.workers))
        >
            <span class="dot"></span>
            {move || match st() {
                SimStatus::Pending => t_string!(i18n, status_pending).to_string(),
                SimStatus::Running => {
                    match state.progress() {
                        Some(f) => {
                            format!(
                                "{} {}%",
                                t_string!(i18n, status_running),
                                crate::format::fixed(f * 100.0, 0),
                            )
                        }
                        None => t_string!(i18n, status_running).to_string(),
                    }
                }
                SimStatus::Done => t_string!(i18n, status_done).to_string(),
                SimStatus::Invalid => t_string!(i18n, status_invalid).to_string(),
                SimStatus::Error => {
                    let detail = match state.run_error() {
                        Some(crate::runner::RunError::Invalid(errs)) => {
                            errs.iter()
                                .map(|e| crate::fields::FieldId::Model(e.field).testid())
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                        Some(crate::runner::RunError::Stopped) => {
                            t_string!(i18n, run_stopped).to_string()
                        }
                        None => String::new(),
                    };
                    format!("{}: {detail}", t_string!(i18n, status_error))
                }
            }}
        </div>
        <RunAnnouncement />
    }
}

/// What a screen reader says when a run's results arrive, politely: each
/// scenario's mean revenue, and its uplift and P(beats baseline). Shown to no
/// one (`sr-only`). Its text changes once per run — never while typing
/// (pending and running leave it alone) and not when only a name changes
/// (names come from the run's document, read untracked) — so it is said once
/// per run. A change of language or currency, a view setting, says it again
/// once, in the new words.
#[component]
fn RunAnnouncement() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    // What the words say besides names: each scenario's mean revenue, and
    // its uplift and P(beat) (as bits: a memo of these few numbers, not a
    // copy of the whole results), the money and period, the language.
    let key = Memo::new(move |prev: Option<&Option<_>>| {
        let lang = state.lang.get();
        // A running job's partial results sharpen the charts but are not
        // announced: only a finished run is.
        if state.with_shown(|s| s.is_some_and(|s| s.partial)) {
            return prev.cloned().flatten();
        }
        state.with_shown(|s| {
            s.map(|s| {
                let figures: Vec<(u64, Option<(u64, u64)>)> = s
                    .out
                    .results
                    .scenarios
                    .iter()
                    .map(|sc| {
                        let mean = sc.exact.map_or(sc.revenue.mean, |e| e.revenue.mean);
                        let vs = sc
                            .vs_baseline
                            .as_ref()
                            .map(|c| (c.mean_uplift().to_bits(), c.p_beat.to_bits()));
                        (mean.to_bits(), vs)
                    })
                    .collect();
                (figures, s.doc.currency, s.doc.period, lang)
            })
        })
    });
    let text = Memo::new(move |_| {
        let Some((figures, cur, _, lang)) = key.get() else {
            return String::new();
        };
        // Untracked: a rename alone must not announce the run again.
        let names: Vec<String> = untrack(|| {
            state.with_shown(|s| {
                s.map(|s| {
                    (0..figures.len())
                        .map(|k| scenario_name(i18n, &s.doc, k, lang))
                        .collect()
                })
                .unwrap_or_default()
            })
        });
        let items: Vec<String> = figures
            .iter()
            .enumerate()
            .map(|(k, &(mean, vs))| {
                let name = names.get(k).cloned().unwrap_or_default();
                let mean = format_money(f64::from_bits(mean), cur, lang);
                match vs {
                    Some((uplift, pbeat)) => t_string!(
                        i18n,
                        a11y_run_item_vs,
                        name = name,
                        mean = mean,
                        uplift = format_money(f64::from_bits(uplift), cur, lang),
                        pbeat = format_percent(f64::from_bits(pbeat), 1)
                    )
                    .to_string(),
                    None => t_string!(i18n, a11y_run_item, name = name, mean = mean).to_string(),
                }
            })
            .collect();
        let sep = if lang == crate::format::Lang::Zh {
            "；"
        } else {
            "; "
        };
        t_string!(i18n, a11y_run_done, items = items.join(sep)).to_string()
    });
    view! {
        <p class="sr-only" data-testid="run-announcement" aria-live="polite" aria-atomic="true">
            {move || text.get()}
        </p>
    }
}

/// On a phone the results sit below every editor. This bar stays at the
/// bottom of the screen there (CSS shows it only when the columns stack): the
/// run's state and each scenario's mean revenue, in its colour, so a
/// participant who drags a rate sees the outcome move; a tap scrolls to the
/// results. It repeats numbers of the table, whose cells keep the contract's
/// test ids; the bar has only its own `phone-bar`.
#[component]
pub fn PhoneBar() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let items = move || {
        let lang = state.lang.get();
        state.with_shown(|shown| {
            shown.map(|shown| {
                let cur = shown.doc.currency;
                shown
                    .out
                    .results
                    .scenarios
                    .iter()
                    .take(4)
                    .enumerate()
                    .map(|(s, sc)| {
                        // The table's figure: the exact mean where there is one.
                        let mean = sc.exact.map_or(sc.revenue.mean, |e| e.revenue.mean);
                        let v = format!("{}{}", cur.symbol(), format_compact(mean, lang));
                        let name = crate::names::scenario_name(i18n, &shown.doc, s, lang);
                        view! {
                            <span class="pb-item" style=format!("--sc:{}", colour(s))>
                                <span class="swatch"></span>
                                <span class="pb-name">{name}</span>
                                {v}
                            </span>
                        }
                    })
                    .collect_view()
            })
        })
    };
    view! {
        // A button that scrolls in code, not a link to `#res-h`: a fragment
        // written over the document in the address loses the model on the
        // phone's next reload.
        <button
            type="button"
            class="phonebar"
            data-testid="phone-bar"
            data-state=move || state.status().as_str()
            on:click=move |_| crate::ui::hooks::scroll_to_results()
        >
            <span class="dot"></span>
            <span class="pb-lbl">{tr(i18n, |i| t_string!(i, revenue))}</span>
            {items}
            <span class="pb-go" aria-hidden="true">
                "↓"
            </span>
        </button>
    }
}

/// A cell of an estimated figure: its 95 % Monte Carlo error in
/// `data-mc-error` (the units of `data-value`) and, formatted like the
/// figure, as a tooltip; `None` for an exact figure (no attribute, class
/// `exact`).
fn est_cell(
    testid: String,
    value: f64,
    text: String,
    err: Option<f64>,
    fmt: &dyn Fn(f64) -> String,
) -> impl IntoView {
    let title = err.map(|e| format!("± {} (95%)", fmt(e)));
    view! {
        <td
            data-testid=testid
            data-value=raw(value)
            data-mc-error=err.map(raw)
            class=err.is_none().then_some("exact")
            title=title
        >
            {text}
        </td>
    }
}

/// Picks one statistic out of a summary, its error, and the exact law's.
type Pick = (
    fn(&Summary) -> f64,
    fn(&Summary) -> f64,
    fn(&ExactLaw) -> f64,
);

/// Whether a run's Monte Carlo error is too large to tell a scenario from
/// the baseline: the 95 % error of its mean uplift reaches a tenth of the
/// uplift (or the uplift's interval holds 0).
fn too_noisy(c: &funnelcast_engine::Comparison) -> bool {
    c.uplift.err.mean > 0.0 && c.uplift.err.mean >= 0.1 * c.uplift.mean.abs()
}

/// The most trials the engine accepts with `runs` runs (the baseline
/// included).
fn max_trials(runs: usize) -> u32 {
    use funnelcast_engine::limits;
    let by_memory = limits::MAX_TRIAL_SCENARIOS / runs.max(1) as u64;
    (limits::MAX_TRIALS as u64).min(by_memory) as u32
}

/// The answer first: one sentence per scenario, what it brings after its
/// cost and how sure that is, the best one marked (`verdict-{s}`).
///
/// `paper`: the handout's copy, without the test ids (the page's own
/// verdict keeps them; ids stay unique).
#[component]
pub fn Verdict(#[prop(optional)] paper: bool) -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let lines = move || {
        let lang = state.lang.get();
        state.with_shown(|shown| {
            let shown = shown?;
            let (r, d) = (&shown.out.results, &shown.doc);
            let n = r.scenarios.len();
            if n < 2 {
                return None;
            }
            let money = |x: f64| format_money(x, d.currency, lang);
            let signed = |x: f64| {
                let m = money(x);
                if x > 0.0 {
                    format!("+{m}")
                } else {
                    m
                }
            };
            let per = crate::ui::words::per_run(
                i18n,
                d.period,
                shown.out.months.as_ref().map(|m| m.horizon),
            );
            // The figure each line stands on: the net gain where the
            // scenario has a cost, else its extra revenue.
            let value = |c: &funnelcast_engine::Comparison| c.net_gain.unwrap_or(c.mean_uplift());
            let best = (1..n)
                .filter_map(|s| r.scenarios[s].vs_baseline.as_ref().map(value))
                .fold(f64::NEG_INFINITY, f64::max);
            let items = (1..n)
                .filter_map(|s| {
                    let c = r.scenarios[s].vs_baseline.as_ref()?;
                    let name = crate::names::scenario_name(i18n, d, s, lang);
                    let v = value(c);
                    let mut text = match (c.net_gain, c.roi, c.p_profit) {
                        (Some(net), roi, Some(pp)) => t_string!(
                            i18n,
                            verdict_cost,
                            name = name,
                            net = signed(net),
                            per = per.clone(),
                            roi = roi.map_or_else(|| "—".to_string(), |x| format_percent(x, 0)),
                            p = format_prob(pp)
                        )
                        .to_string(),
                        _ => t_string!(
                            i18n,
                            verdict_revenue,
                            name = name,
                            up = signed(c.mean_uplift()),
                            per = per.clone(),
                            p = format_prob(c.p_beat)
                        )
                        .to_string(),
                    };
                    if let Some(m) = d.margin.filter(|_| c.cost.is_some()) {
                        text.push_str(
                            &t_string!(i18n, verdict_margin, m = format_percent(m, 0)).to_string(),
                        );
                    }
                    // "Best" only among several, and only for a gain: the
                    // least loss is no recommendation.
                    let is_best = v == best && n > 2 && v > 0.0;
                    if is_best {
                        text.push_str(&t_string!(i18n, verdict_best, n = n - 1).to_string());
                    }
                    Some(view! {
                        <li
                            data-testid=(!paper).then(|| format!("verdict-{s}"))
                            data-value=(!paper).then(|| raw(v))
                            data-best=(!paper && v == best).then_some("true")
                            class:best=is_best
                            style=format!("--sc:{}", colour(s))
                        >
                            <span class="swatch"></span>
                            {text}
                        </li>
                    })
                })
                .collect_view();
            // On a phone the table's later columns sit behind a sideways
            // scroll: say so (CSS shows it on narrow screens only).
            let cue = (!paper && n > 2).then(|| {
                view! {
                    <p class="scroll-cue" data-testid="results-scroll-cue">
                        {t_string!(i18n, scroll_cue, n = n).to_string()}
                    </p>
                }
            });
            Some(view! {
                <ul class="verdict" data-testid=(!paper).then_some("verdict")>
                    {items}
                </ul>
                {cue}
            })
        })
    };
    view! { {lines} }
}

#[component]
pub fn ResultsTable() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    // Exact figures are shown where they exist; this shows the simulated
    // ones instead (a trainer shows the simulation converging to the truth).
    let show_mc = RwSignal::new(false);
    let table = move || {
        let mc = show_mc.get();
        let lang = state.lang.get();
        state.with_shown(|shown| {
            shown.map(|shown| {
                // Names, money and period of the run shown, not of newer inputs.
                let (r, d) = (&shown.out.results, &shown.doc);
                let cur = d.currency;
                let money = move |x: f64| format_money(x, cur, lang);
                let n = r.scenarios.len();
                let head = r
                    .scenarios
                    .iter()
                    .enumerate()
                    .map(|(s, sc)| {
                        let name = scenario_name(i18n, d, s, lang);
                        let badge = sc.exact.map(|_| {
                            view! {
                                <span
                                    class="exact-badge"
                                    data-testid=format!("result-exact-{s}")
                                    title=t_string!(i18n, explain_exact).to_string()
                                >
                                    {tr(i18n, |i| t_string!(i, exact))}
                                </span>
                            }
                        });
                        view! {
                            <th scope="col" style=format!("--sc:{}", colour(s))>
                                <span class="swatch"></span>
                                {name}
                                {badge}
                            </th>
                        }
                    })
                    .collect_view();
                let row = |label: String, f: &dyn Fn(usize) -> AnyView| {
                    view! {
                        <tr>
                            <th scope="row">{label}</th>
                            {(0..n).map(f).collect_view()}
                        </tr>
                    }
                };
                let hint_row = |label: String, hint: String, f: &dyn Fn(usize) -> AnyView| {
                    view! {
                        <tr>
                            <th scope="row">{label}" "<Hint text=hint /></th>
                            {(0..n).map(f).collect_view()}
                        </tr>
                    }
                };
                let summary_rows =
                    |what: &'static str,
                     title: String,
                     get: &dyn Fn(usize) -> (Summary, Option<ExactLaw>),
                     fmt: &dyn Fn(f64) -> String| {
                        let stats: [(&str, Pick); 4] = [
                            ("mean", (|s| s.mean, |s| s.err.mean, |e| e.mean)),
                            ("p5", (|s| s.p5, |s| s.err.p5, |e| e.p5)),
                            ("p50", (|s| s.p50, |s| s.err.p50, |e| e.p50)),
                            ("p95", (|s| s.p95, |s| s.err.p95, |e| e.p95)),
                        ];
                        let mut rows = vec![
                            view! { <tr class="group"><th colspan=n + 1>{title}</th></tr> }
                                .into_any(),
                        ];
                        for (key, pick) in stats {
                            let label = match key {
                                "mean" => t_string!(i18n, mean).to_string(),
                                k => k.to_ascii_uppercase(),
                            };
                            // The exact law's figure where there is one (unless
                            // the simulated ones are asked for), else the
                            // estimate with its error.
                            let f = &|s| {
                                let (sm, exact) = get(s);
                                let (v, err) = match exact.filter(|_| !mc) {
                                    Some(e) => (pick.2(&e), None),
                                    None => (pick.0(&sm), Some(pick.1(&sm))),
                                };
                                est_cell(format!("result-{what}-{key}-{s}"), v, fmt(v), err, fmt)
                                    .into_any()
                            };
                            if key == "p5" {
                                rows.push(
                                    hint_row(label, t_string!(i18n, explain_pct).to_string(), f)
                                        .into_any(),
                                );
                                continue;
                            }
                            rows.push(row(label, f).into_any());
                        }
                        rows
                    };
                // Per period, or in months within the horizon.
                let per = crate::ui::words::per_run(
                    i18n,
                    d.period,
                    shown.out.months.as_ref().map(|m| m.horizon),
                );
                let cust = summary_rows(
                    "customers",
                    format!("{} · {}", t_string!(i18n, customers), per),
                    &|s| {
                        (
                            r.scenarios[s].customers.clone(),
                            r.scenarios[s].exact.map(|e| e.customers),
                        )
                    },
                    &|v| format_count(v, lang),
                );
                let rev = summary_rows(
                    "revenue",
                    format!("{} · {}", t_string!(i18n, revenue), per),
                    &|s| {
                        (
                            r.scenarios[s].revenue.clone(),
                            r.scenarios[s].exact.map(|e| e.revenue),
                        )
                    },
                    &money,
                );
                // The bad case: the mean of the worst 5 % of periods.
                let cvar = hint_row(
                    t_string!(i18n, cvar5).to_string(),
                    t_string!(i18n, explain_cvar5).to_string(),
                    &|s| {
                        let sc = &r.scenarios[s];
                        est_cell(
                            format!("result-cvar5-{s}"),
                            sc.cvar5,
                            money(sc.cvar5),
                            Some(sc.cvar5_err),
                            &money,
                        )
                        .into_any()
                    },
                );
                // The goal's target reached, when one is set.
                let target = shown
                    .inputs
                    .goal
                    .target
                    .filter(|_| r.scenarios[0].p_target.is_some())
                    .map(|t| {
                        row(
                            t_string!(i18n, p_target, target = money(t)).to_string(),
                            &|s| {
                                let sc = &r.scenarios[s];
                                let p = sc.p_target.unwrap_or(f64::NAN);
                                est_cell(
                                    format!("result-p-target-{s}"),
                                    p,
                                    format_prob(p),
                                    Some(sc.p_target_err),
                                    &|e| format_percent(e, 1),
                                )
                                .into_any()
                            },
                        )
                    });
                // With the simulated figures asked for, the uplift, net gain
                // and ROI are the simulated ones too.
                let cmp = |s: usize| {
                    r.scenarios[s].vs_baseline.clone().map(|mut c| {
                        if mc && c.exact_uplift.is_some() {
                            c.exact_uplift = None;
                            c.set_net_from(c.uplift.mean, d.margin);
                        }
                        c
                    })
                };
                // The margin the run used (net gain = mean uplift × margin − cost).
                let r_margin = d.margin.unwrap_or(1.0);
                let dash = || view! { <td class="na">"—"</td> }.into_any();
                let uplift = hint_row(
                    format!(
                        "{}{}",
                        t_string!(i18n, mean),
                        crate::ui::words::paren(lang, t_string!(i18n, uplift_interval))
                    ),
                    t_string!(i18n, explain_crn).to_string(),
                    &|s| match cmp(s) {
                        Some(c) => view! {
                            <td>
                                <span
                                    data-testid=format!("result-uplift-mean-{s}")
                                    data-value=raw(c.mean_uplift())
                                    // Exact when every input is fixed: no error.
                                    data-mc-error=c
                                        .exact_uplift
                                        .is_none()
                                        .then(|| raw(c.uplift.err.mean))
                                    title=c
                                        .exact_uplift
                                        .is_none()
                                        .then(|| format!("± {}", money(c.uplift.err.mean)))
                                    class=c.exact_uplift.is_some().then_some("exact")
                                >
                                    {money(c.mean_uplift())}
                                </span>
                                <small class="interval">
                                    {if lang == Lang::Zh { "（" } else { " (" }}
                                    <span
                                        data-testid=format!("result-uplift-p5-{s}")
                                        data-value=raw(c.uplift.p5)
                                        data-mc-error=raw(c.uplift.err.p5)
                                    >
                                        {money(c.uplift.p5)}
                                    </span> " … "
                                    <span
                                        data-testid=format!("result-uplift-p95-{s}")
                                        data-value=raw(c.uplift.p95)
                                        data-mc-error=raw(c.uplift.err.p95)
                                    >
                                        {money(c.uplift.p95)}
                                    </span> {if lang == Lang::Zh { "）" } else { ")" }}
                                </small>
                            </td>
                        }
                        .into_any(),
                        None => dash(),
                    },
                );
                let pbeat = hint_row(
                    t_string!(i18n, p_beat).to_string(),
                    t_string!(i18n, explain_pbeat).to_string(),
                    &|s| match cmp(s) {
                        Some(c) => est_cell(
                            format!("result-p-beat-{s}"),
                            c.p_beat,
                            format_prob(c.p_beat),
                            Some(c.p_beat_err),
                            &|e| format_percent(e, 1),
                        )
                        .into_any(),
                        None => dash(),
                    },
                );
                let pmore = hint_row(
                    t_string!(i18n, p_more).to_string(),
                    t_string!(i18n, explain_pmore).to_string(),
                    &|s| match cmp(s) {
                        Some(c) => est_cell(
                            format!("result-p-more-{s}"),
                            c.p_more,
                            format_prob(c.p_more),
                            Some(c.p_more_err),
                            &|e| format_percent(e, 1),
                        )
                        .into_any(),
                        None => dash(),
                    },
                );
                let pequal = hint_row(
                    t_string!(i18n, p_equal).to_string(),
                    t_string!(i18n, explain_pequal).to_string(),
                    &|s| match cmp(s) {
                        Some(c) => est_cell(
                            format!("result-p-equal-{s}"),
                            c.p_equal,
                            format_prob(c.p_equal),
                            Some(c.p_equal_err),
                            &|e| format_percent(e, 1),
                        )
                        .into_any(),
                        None => dash(),
                    },
                );
                let d_margin = r_margin;
                // Where a scenario has a cost, the two figures net gain is
                // made of: the cost, and the uplift's gross profit when a
                // margin applies (no margin: the uplift itself is the gain).
                let any_cost = (1..n).any(|s| cmp(s).is_some_and(|c| c.cost.is_some()));
                let gross = (any_cost && d.margin.is_some()).then(|| {
                    row(
                        // No interpolated string here: each costs the
                        // first load far more than a plain one.
                        format!(
                            "{}{}",
                            t_string!(i18n, gross_profit),
                            crate::ui::words::paren(lang, &format_percent(r_margin, 0))
                        ),
                        &|s| match cmp(s).filter(|c| c.cost.is_some()) {
                            Some(c) => {
                                let err = c
                                    .exact_uplift
                                    .is_none()
                                    .then_some(c.uplift.err.mean * d_margin);
                                let v = c.mean_uplift() * d_margin;
                                est_cell(format!("result-gross-{s}"), v, money(v), err, &money)
                                    .into_any()
                            }
                            None => dash(),
                        },
                    )
                });
                let cost = any_cost.then(|| {
                    row(t_string!(i18n, lever_cost).to_string(), &|s| match cmp(s)
                        .and_then(|c| c.cost)
                    {
                        Some(k) => est_cell(format!("result-cost-{s}"), k, money(k), None, &money)
                            .into_any(),
                        None => dash(),
                    })
                });
                let net = row(t_string!(i18n, net_gain).to_string(), &|s| match cmp(s)
                    .and_then(|c| c.net_gain)
                {
                    Some(v) => {
                        // The mean uplift's error × the margin (the cost is
                        // exact); none when the uplift is exact.
                        let err = cmp(s)
                            .filter(|c| c.exact_uplift.is_none())
                            .map(|c| c.uplift.err.mean * d_margin);
                        est_cell(format!("result-net-gain-{s}"), v, money(v), err, &money)
                            .into_any()
                    }
                    None => dash(),
                });
                let roi = row(t_string!(i18n, roi).to_string(), &|s| match cmp(s)
                    .and_then(|c| c.roi)
                {
                    Some(v) => {
                        let err = cmp(s).filter(|c| c.exact_uplift.is_none()).and_then(|c| {
                            c.cost
                                .filter(|&k| k > 0.0)
                                .map(|k| c.uplift.err.mean * d_margin / k)
                        });
                        est_cell(
                            format!("result-roi-{s}"),
                            v,
                            format_percent(v, 0),
                            err,
                            &|e| format_percent(e, 1),
                        )
                        .into_any()
                    }
                    None => dash(),
                });
                let pprofit = hint_row(
                    t_string!(i18n, p_profit).to_string(),
                    t_string!(i18n, explain_pprofit).to_string(),
                    &|s| match cmp(s).and_then(|c| c.p_profit.map(|p| (p, c.p_profit_err))) {
                        Some((p, err)) => est_cell(
                            format!("result-p-profit-{s}"),
                            p,
                            format_prob(p),
                            Some(err),
                            &|e| format_percent(e, 1),
                        )
                        .into_any(),
                        None => dash(),
                    },
                );
                // Rows follow the stages of the results shown (they may be the
                // last good ones while the funnel is being edited).
                let k = r.scenarios[0].stages.len();
                let stage_rows = (0..k)
                    .map(|i| {
                        let name = d.stages.get(i).map_or_else(
                            || format!("{} {}", t_string!(i18n, stage), i + 1),
                            |l| l.text(lang),
                        );
                        row(name, &|s| match r.scenarios[s].stages.get(i) {
                            Some(x) => est_cell(
                                format!("result-stage-mean-{s}-{i}"),
                                x.mean,
                                format_count(x.mean, lang),
                                (!x.exact).then_some(x.err.mean),
                                &|e| format_count(e, lang),
                            )
                            .into_any(),
                            None => dash(),
                        })
                    })
                    .collect_view();
                view! {
                    <table class="results" data-testid="results-table">
                        <thead>
                            <tr>
                                // The corner names the row headers' column.
                                <th scope="col">
                                    <span class="sr-only">
                                        {tr(i18n, |i| t_string!(i, a11y_figure))}
                                    </span>
                                </th>
                                {head}
                            </tr>
                        </thead>
                        <tbody>
                            {cust}{rev}{cvar}{target} <tr class="group">
                                <th colspan=n + 1>{tr(i18n, |i| t_string!(i, uplift))}</th>
                            </tr> {uplift}{pbeat}{pmore}{pequal}{gross}{cost}{net}{roi}{pprofit}
                        </tbody>
                        // Its own body: paper leaves it out (the funnel
                        // chart has the baseline's counts).
                        <tbody class="stage-rows">
                            <tr class="group">
                                <th colspan=n
                                    + 1>
                                    {tr(i18n, |i| t_string!(i, stages))}" · "
                                    {tr(i18n, |i| t_string!(i, mean))}
                                </th>
                            </tr>
                            {stage_rows}
                        </tbody>
                    </table>
                }
            })
        })
    };
    let has_results = move || state.with_shown(|s| s.is_some());
    let any_exact = Memo::new(move |_| {
        state.with_shown(|s| {
            s.is_some_and(|s| s.out.results.scenarios.iter().any(|sc| sc.exact.is_some()))
        })
    });
    // Its own closure, so that toggling it redraws the table, not the box
    // (which would lose the keyboard's focus).
    let toggle = move || {
        any_exact.get().then(|| {
            view! {
                <label class="fine show-mc">
                    <input
                        type="checkbox"
                        data-testid="show-mc"
                        prop:checked=move || show_mc.get()
                        on:change=move |ev| show_mc.set(event_target_checked(&ev))
                    />
                    " "
                    {tr(i18n, |i| t_string!(i, show_mc))}
                </label>
            }
        })
    };
    // More trials when an error is large against the difference being
    // judged, and the engine accepts more.
    let more = move || {
        let lang = state.lang.get();
        state.with_shown(|shown| {
            let r = &shown?.out.results;
            let runs = r.scenarios.len();
            let noisy = r
                .scenarios
                .iter()
                .filter_map(|sc| sc.vs_baseline.as_ref())
                .any(too_noisy);
            (noisy && r.trials < max_trials(runs)).then(|| {
                let target = (r.trials.saturating_mul(4)).min(max_trials(runs));
                view! {
                    <p class="fine more-trials">
                        {tr(i18n, |i| t_string!(i, more_trials_why))}" "
                        <button
                            type="button"
                            data-testid="more-trials"
                            data-value=target
                            on:click=move |_| state.edit(|d| d.set_trials(f64::from(target)))
                        >
                            {t_string!(i18n, more_trials, n = format_count(target as f64, lang))
                                .to_string()}
                        </button>
                    </p>
                }
            })
        })
    };
    // The table scrolls sideways on a phone: the box is a tab stop with a
    // name, so the keyboard can reach and scroll it (and a screen reader
    // says what it is). It stays while the table inside is redrawn.
    view! {
        <div
            class="table-wrap"
            tabindex="0"
            role="region"
            aria-label=tr(i18n, |i| t_string!(i, a11y_results_table))
            data-testid="results-region"
        >
            {table}
        </div>
        <Show when=has_results>
            <p class="fine screen-only">{tr(i18n, |i| t_string!(i, mc_error))}</p>
        </Show>
        {toggle}
        {more}
    }
}

#[component]
pub fn GoalSeek() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let lang = move || state.lang.get();
    let stage_name = move |i: usize| {
        move || {
            let lang = state.lang.get();
            state.with_doc(|d| d.stages.get(i).map(|l| l.text(lang)).unwrap_or_default())
        }
    };
    view! {
        <section class="card" aria-labelledby="goal-h">
            <h2 id="goal-h">{tr(i18n, |i| t_string!(i, goal_title))}</h2>
            <p class="note">{tr(i18n, |i| t_string!(i, goal_question))}</p>
            <div class="goal-inputs">
                <label class="lbl">{tr(i18n, |i| t_string!(i, goal_lever))}</label>
                <select
                    data-testid="goal-lever"
                    aria-label=tr(i18n, |i| t_string!(i, goal_lever))
                    // A stage that was removed shows (and runs) as the volume.
                    prop:value=move || goal_lever_code(state.with_doc(|d| d.goal_lever()))
                    on:change=move |ev| {
                        let code = event_target_value(&ev);
                        state.edit(|d| d.set_goal_lever_code(&code));
                    }
                >
                    <option
                        value=goal_lever_code(GoalLever::Volume)
                        selected=move || state.with_doc(|d| d.goal_lever()) == GoalLever::Volume
                    >
                        {tr(i18n, |i| t_string!(i, goal_lever_volume))}
                    </option>
                    {move || {
                        (1..state.with_doc(|d| d.stages()))
                            .map(|i| {
                                let name = stage_name(i);
                                view! {
                                    <option
                                        value=goal_lever_code(GoalLever::RatePoints { stage: i })
                                        selected=move || {
                                            state.with_doc(|d| d.goal_lever())
                                                == GoalLever::RatePoints { stage: i }
                                        }
                                    >
                                        {move || {
                                            t_string!(i18n, goal_lever_rate, stage = name()).to_string()
                                        }}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <div class="goal-inputs">
                <label class="lbl">{tr(i18n, |i| t_string!(i, goal_target))}</label>
                <NumInput
                    field=Field::GoalTarget
                    optional=true
                    label=Signal::derive(move || t_string!(i18n, goal_target).to_string())
                    value=Signal::derive(move || {
                        state.with_doc(|d| d.goal.target).unwrap_or(f64::NAN)
                    })
                    check=within(0.0, 1e15)
                    on_value=Callback::new(move |v: f64| { state.edit(|d| d.set_goal_target(v)) })
                />
                <label class="lbl">{tr(i18n, |i| t_string!(i, goal_prob))}</label>
                <NumInput
                    field=Field::GoalProb
                    kind=NumKind::Percent
                    class="short"
                    label=Signal::derive(move || t_string!(i18n, goal_prob).to_string())
                    value=Signal::derive(move || state.with_doc(|d| d.goal.prob * 100.0))
                    // The engine's bounds, in percent: what the box sets, the
                    // document's check accepts, and the reverse.
                    check=within(
                        funnelcast_engine::GOAL_PROB_MIN * 100.0,
                        funnelcast_engine::GOAL_PROB_MAX * 100.0,
                    )
                    on_value=Callback::new(move |v: f64| state.edit(|d| d.set_goal_prob_percent(v)))
                />
            </div>
            {move || {
                state
                    .with_shown(|s| s.and_then(|s| s.out.months.as_ref().map(|m| m.horizon)))
                    .map(|h| {
                        view! {
                            <p class="note" data-testid="goal-horizon" data-value=h>
                                {move || t_string!(i18n, goal_horizon, h = h).to_string()}
                            </p>
                        }
                    })
            }}
            {move || {
                state
                    .with_shown(|s| s.and_then(|s| goal_answer(i18n, lang(), s)))
                    .map(|GoalAnswer { text, g, doc: d }| {
                        let l = lang();
                        let err = g.change_err;
                        let v = g.change.map(|x| x * 100.0).unwrap_or(f64::NAN);
                        let (lever, change) = (g.lever, g.change);
                        let name = t_string!(
                            i18n,
                            goal_scenario_name,
                            prob = format_percent(d.goal.prob, 0),
                            target = format_money(d.goal.target.unwrap_or(f64::NAN), d.currency, l)
                        )
                            .to_string();
                        // The answer in the planner's units: people
                        // entering a period (a month on average over a
                        // horizon), and the rates the run used.
                        // The answer's own 95 % error, in its units.
                        // Percent of volume, or percentage points of the rate.
                        view! {
                            <p
                                class="goal-answer"
                                data-testid="goal-result"
                                data-value=raw(v)
                                data-mc-error=(change.is_some() && err.is_finite())
                                    .then(|| raw(err * 100.0))
                                data-lever=goal_lever_code(lever)
                            >
                                {text}
                            </p>
                            {change
                                .map(|_| {
                                    view! {
                                        <button
                                            type="button"
                                            class="btn"
                                            data-testid="goal-add-scenario"
                                            on:click=move |_| {
                                                let name = name.clone();
                                                state
                                                    .edit(|d| {
                                                        d.add_goal_scenario(lever, change, name);
                                                    });
                                            }
                                        >
                                            {tr(i18n, |i| t_string!(i, goal_add_scenario))}
                                        </button>
                                    }
                                })}
                        }
                    })
            }}
        </section>
    }
}

/// Goal seek's answer in the planner's words ("≈ 18,140 leads per quarter
/// (+5,740)…"), with what it is about: for the goal card, the handout and
/// the goal slide alike.
pub struct GoalAnswer {
    pub text: String,
    pub g: funnelcast_engine::GoalResult,
    pub doc: crate::document::Document,
}

/// The answer of the run shown, if it had a goal.
pub fn goal_answer(
    i18n: leptos_i18n::I18nContext<Locale>,
    l: Lang,
    s: &crate::ui::state::Shown,
) -> Option<GoalAnswer> {
    let points = |x: f64| crate::format::fixed(x * 100.0, 1);
    let st = &s.out.results.scenarios.first()?.stages;
    let months = s.out.months.as_ref().map_or(1, |m| m.horizon.max(1));
    let entering = st.first().map_or(f64::NAN, |x| x.mean) / months as f64;
    let rates: Vec<f64> = st.windows(2).map(|w| w[1].mean / w[0].mean).collect();
    let g = s.out.goal.clone()?;
    let d = &s.doc;
    let stage_name = |i: usize| d.stages.get(i).map(|x| x.text(l)).unwrap_or_default();
    let period = crate::ui::words::period_word(i18n, d.period);
    let prob = format_percent(g.achieved, 1);
    let err = g.change_err;
    let se = match g.lever {
        _ if !err.is_finite() => "?".to_string(),
        GoalLever::Volume => format_percent(err, 1),
        GoalLever::RatePoints { .. } => points(err),
    };
    let one_segment = d.segments.len() == 1;
    let people = |x: f64| {
        let n = entering * (1.0 + x);
        let dn = format_count(entering * x, l);
        (
            format_count(n, l),
            if x >= 0.0 { format!("+{dn}") } else { dn },
        )
    };
    let rate_at = |stage: usize, x: f64| {
        format_percent(rates.get(stage - 1).copied().unwrap_or(f64::NAN) + x, 1)
    };
    let text = match (g.lever, g.change) {
        (GoalLever::Volume, Some(x)) if x >= 0.0 => {
            let (n, dn) = people(x);
            t_string!(
                i18n,
                goal_answer_up,
                n = n,
                first = stage_name(0),
                period = period.clone(),
                dn = dn,
                pct = format_percent(x, 1),
                se = se,
                prob = prob
            )
            .to_string()
        }
        (GoalLever::Volume, Some(x)) => {
            let (n, dn) = people(x);
            t_string!(
                i18n,
                goal_answer_down,
                n = n,
                first = stage_name(0),
                period = period.clone(),
                dn = dn,
                pct = format_percent(-x, 1),
                se = se,
                prob = prob
            )
            .to_string()
        }
        (GoalLever::Volume, None) => t_string!(i18n, goal_unreachable).to_string(),
        (GoalLever::RatePoints { stage }, Some(x)) if one_segment => t_string!(
            i18n,
            goal_answer_rate_at,
            stage = stage_name(stage),
            rate = rate_at(stage, x),
            pts = if x >= 0.0 {
                format!("+{}", points(x))
            } else {
                format!("−{}", points(-x))
            },
            se = se,
            prob = prob
        )
        .to_string(),
        (GoalLever::RatePoints { stage }, Some(x)) if x >= 0.0 => t_string!(
            i18n,
            goal_answer_rate_up,
            stage = stage_name(stage),
            pts = points(x),
            prob = prob,
            se = se
        )
        .to_string(),
        (GoalLever::RatePoints { stage }, Some(x)) => t_string!(
            i18n,
            goal_answer_rate_down,
            stage = stage_name(stage),
            pts = points(-x),
            prob = prob,
            se = se
        )
        .to_string(),
        (GoalLever::RatePoints { stage }, None) => {
            t_string!(i18n, goal_unreachable_rate, stage = stage_name(stage)).to_string()
        }
    };
    Some(GoalAnswer {
        text,
        g,
        doc: d.clone(),
    })
}
