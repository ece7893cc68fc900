//! Presentation mode, for a trainer with a projector: the editors fold away,
//! the key numbers are large enough to read from the back of a room, one
//! scenario at a time against the baseline (← / →, or the buttons) or all of
//! them side by side, and the slider of the rate being discussed stays at
//! hand so it can be dragged live. Esc (or leaving full screen) ends it.
//!
//! It reads the results on screen together with the document they were
//! computed from (`with_shown`), so names and numbers always belong
//! together, and writes only through `state.edit`, like every editor.

use leptos::ev;
use leptos::prelude::*;

use crate::chart::{fmt_svg, range_scale, RangeRow};
use crate::document::Document;
use crate::format::{
    format_compact, format_money_compact, format_percent, format_prob, parse_whole, Currency, Lang,
};
use crate::i18n::*;
use crate::names::scenario_name;
use crate::ui::hooks::{enter_full_screen, exit_full_screen, focus_testid, use_full_screen_left};
use crate::ui::later;
use crate::ui::results::raw;
use crate::ui::scenarios::colour;
use crate::ui::state::{use_state, AppState};
use crate::ui::words::tr;
use funnelcast_engine::RateSpec;

/// What the room sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The funnel itself, large: the lesson before any scenario.
    Funnel,
    /// Scenario s against the baseline (s = 0: the baseline alone, when
    /// there is no scenario yet).
    One(usize),
    /// Every scenario side by side.
    All,
    /// Goal seek's answer, when the run had a goal.
    Goal,
}

impl View {
    /// The first view: the funnel.
    pub fn first(_n: usize) -> View {
        View::Funnel
    }

    /// The order the arrows walk: the funnel, each scenario in turn (the
    /// baseline alone when there is none), all of them side by side, then
    /// the goal when there is one. The ends stay put (a trainer who presses
    /// → once too often does not jump back to the start in front of the
    /// room).
    pub fn step(self, n: usize, goal: bool, forward: bool) -> View {
        let walk = View::walk(n, goal);
        let at = walk
            .iter()
            .position(|v| *v == self.fit(n, goal))
            .unwrap_or(0);
        let to = if forward {
            (at + 1).min(walk.len() - 1)
        } else {
            at.saturating_sub(1)
        };
        walk[to]
    }

    /// Every view in the arrows' order, for `n` result columns.
    fn walk(n: usize, goal: bool) -> Vec<View> {
        let mut w = vec![View::Funnel];
        if n > 1 {
            w.extend((1..n).map(View::One));
            w.push(View::All);
        } else {
            w.push(View::One(0));
        }
        if goal {
            w.push(View::Goal);
        }
        w
    }

    /// The view kept valid when scenarios (or the goal) are removed while
    /// presenting.
    pub fn fit(self, n: usize, goal: bool) -> View {
        match self {
            View::Funnel => View::Funnel,
            View::Goal if goal => View::Goal,
            View::All if n > 1 => View::All,
            View::One(s) if s >= 1 && s < n => View::One(s),
            View::Goal | View::All | View::One(_) => View::One(usize::from(n > 1)),
        }
    }

    /// `data-view`: `funnel`, `all`, `goal`, or the scenario index.
    pub fn code(self) -> String {
        match self {
            View::Funnel => "funnel".into(),
            View::All => "all".into(),
            View::Goal => "goal".into(),
            View::One(s) => s.to_string(),
        }
    }
}

/// An uplift with its sign, also when positive: "+$112k".
fn signed_money_short(x: f64, cur: Currency, lang: Lang) -> String {
    let s = format_money_compact(x, cur, lang);
    if x > 0.0 && format_compact(x, lang) != "0" {
        format!("+{s}")
    } else {
        s
    }
}

/// A name cut to `max` characters with "…", for the chart's narrow margin
/// (the cards above show it whole).
pub fn short_name(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_string()
    } else {
        let mut s: String = name.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// The rates a trainer can drag here: (segment, stage) of every rate, in
/// funnel order.
fn rate_choices(d: &Document) -> Vec<(usize, usize)> {
    (0..d.segments.len())
        .flat_map(|g| (1..d.stages()).map(move |i| (g, i)))
        .collect()
}

/// The option value of a rate choice: `{g}-{i}`.
fn choice_code((g, i): (usize, usize)) -> String {
    format!("{g}-{i}")
}

fn parse_choice(s: &str) -> Option<(usize, usize)> {
    let (g, i) = s.split_once('-')?;
    Some((parse_whole(g).ok()?, parse_whole(i).ok()?))
}

/// The presentation state: whether it is on and what the room sees.
#[derive(Clone, Copy)]
pub struct Presenting {
    pub on: RwSignal<bool>,
    pub view: RwSignal<View>,
    /// The rate at hand, once the trainer picked one; before that, the
    /// bottleneck's (or the first) rate.
    picked: RwSignal<Option<(usize, usize)>>,
    /// Whether this mode asked for full screen (so leaving full screen, e.g.
    /// by the browser's own Esc, leaves the mode too).
    full_screen: StoredValue<bool>,
}

/// Whether the run shown answered a goal (the goal slide exists).
fn has_goal(state: AppState) -> bool {
    state.with_shown(|s| s.is_some_and(|s| s.out.goal.is_some()))
}

/// The result columns of the run on screen (the baseline included).
fn columns(state: AppState) -> usize {
    state.with_shown(|s| s.map_or(1, |s| s.out.results.scenarios.len()))
}

impl Presenting {
    fn new() -> Self {
        Presenting {
            on: RwSignal::new(false),
            view: RwSignal::new(View::One(0)),
            picked: RwSignal::new(None),
            full_screen: StoredValue::new(false),
        }
    }

    fn open(self, state: AppState) {
        self.view.set(View::first(columns(state)));
        self.on.set(true);
        set_presenting_class(true);
        self.full_screen.set_value(enter_full_screen());
    }

    fn close(self) {
        if !self.on.get_untracked() {
            return;
        }
        self.on.set(false);
        set_presenting_class(false);
        if self.full_screen.get_value() {
            self.full_screen.set_value(false);
            exit_full_screen();
        }
        // Back where the trainer came from: the button that opened it.
        focus_testid("present");
    }

    fn go(self, state: AppState, forward: bool) {
        let n = columns(state);
        let goal = has_goal(state);
        self.view.update(|v| *v = v.step(n, goal, forward));
    }
}

/// The `present` and `print` buttons (placed in the header), the
/// presentation overlay, the print handout and the new-version offer.
#[component]
pub fn PresentAndPrint() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let p = Presenting::new();

    // Keys work only while presenting. In a text box or a picker the
    // arrows belong to the control; Esc always leaves.
    let keys = window_event_listener(ev::keydown, move |e: web_sys::KeyboardEvent| {
        if !p.on.get_untracked() || e.alt_key() || e.ctrl_key() || e.meta_key() {
            return;
        }
        // The slider is no such control: ←/→ always change slides (after a
        // drag the focus stays on it), and ↑/↓ are its own keys.
        let in_control = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| {
                matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                    && el.get_attribute("type").as_deref() != Some("range")
            });
        match e.key().as_str() {
            "Escape" => {
                e.prevent_default();
                p.close();
            }
            // The mode is a modal dialog: Tab and Shift+Tab go round its own
            // controls and never reach the page hidden behind it.
            "Tab" => {
                if let Some(to) = wrap_focus(e.shift_key()) {
                    e.prevent_default();
                    let _ = to.focus();
                }
            }
            "ArrowRight" | "PageDown" if !in_control => {
                e.prevent_default();
                p.go(state, true);
            }
            "ArrowLeft" | "PageUp" if !in_control => {
                e.prevent_default();
                p.go(state, false);
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    // The browser's own Esc leaves full screen without telling the page's
    // key handler: leave the mode with it.
    use_full_screen_left(move || {
        if p.full_screen.get_value() {
            p.full_screen.set_value(false);
            p.close();
        }
    });

    view! {
        // Icons with their words on hover, like the share tools beside
        // them: the header keeps to one line on a 1280 px projector.
        <button
            class="btn icon"
            data-testid="print"
            title=tr(i18n, |i| t_string!(i, print))
            aria-label=tr(i18n, |i| t_string!(i, print))
            on:click=move |_| {
                if let Some(w) = web_sys::window() {
                    let _ = w.print();
                }
            }
        >
            <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                <path
                    fill="currentColor"
                    fill-rule="evenodd"
                    d="M6 2h12v6H6zM4 9h16a2 2 0 0 1 2 2v6h-4v5H6v-5H2v-6a2 2 0 0 1 2-2zm4 7v4h8v-4z"
                />
            </svg>
        </button>
        <button
            class="btn icon"
            data-testid="present"
            title=tr(i18n, |i| t_string!(i, present))
            aria-label=tr(i18n, |i| t_string!(i, present))
            on:click=move |_| p.open(state)
        >
            <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                <path
                    fill="currentColor"
                    fill-rule="evenodd"
                    d="M2 3h20v2h-1v10H3V5H2zm3 2v8h14V5zm6 11h2v2.5l3.5 3.5h-2.8L12 20.3 10.3 22H7.5l3.5-3.5z"
                />
            </svg>
        </button>
        // Fixed to the screen or shown only on paper, so where they sit in
        // the page does not matter (print CSS puts the handout under the title).
        {later::after_first_run(later::handout)}
        <crate::ui::offline::UpdateOffer />
        <Show when=move || { p.on.get() }>{later::retrying(move || later::presentation(p))}</Show>
    }
}

/// The overlay itself; its module is fetched the first time it is opened
/// (`ui::later::presentation`).
#[component]
pub fn Overlay(p: Presenting) -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let n = Memo::new(move |_| columns(state));
    let goal = Memo::new(move |_| has_goal(state));
    let view_now = move || p.view.get().fit(n.get(), goal.get());
    let position = move || match view_now() {
        View::One(s) if n.get() > 1 => format!("{s} / {}", n.get() - 1),
        _ => String::new(),
    };
    let title = move || {
        let lang = state.lang.get();
        state.with_shown(|shown| {
            let Some(shown) = shown else {
                return String::new();
            };
            match view_now() {
                View::Funnel => t_string!(i18n, chart_funnel).to_string(),
                View::Goal => {
                    let d = &shown.doc;
                    t_string!(
                        i18n,
                        goal_scenario_name,
                        prob = format_percent(d.goal.prob, 0),
                        target = crate::format::format_money(
                            d.goal.target.unwrap_or(f64::NAN),
                            d.currency,
                            lang
                        )
                    )
                    .to_string()
                }
                View::All => t_string!(i18n, present_all_title).to_string(),
                View::One(0) => t_string!(i18n, baseline).to_string(),
                View::One(s) => t_string!(
                    i18n,
                    present_vs,
                    name = scenario_name(i18n, &shown.doc, s, lang)
                )
                .to_string(),
            }
        })
    };
    // Focus moves into the mode, so a screen reader announces it and the
    // keys reach the page even after a click on the header.
    Effect::new(move |_| focus_testid("present-mode"));
    view! {
        <div
            class="present"
            data-testid="present-mode"
            data-view=move || view_now().code()
            role="dialog"
            aria-modal="true"
            aria-labelledby="present-h"
            tabindex="-1"
        >
            <div class="present-bar">
                <h2 id="present-h">{title}</h2>
                <span class="present-pos">{position}</span>
                <button
                    class="btn ghost"
                    data-testid="present-prev"
                    aria-label=tr(i18n, |i| t_string!(i, present_prev))
                    on:click=move |_| p.go(state, false)
                >
                    "←"
                </button>
                <button
                    class="btn ghost"
                    data-testid="present-next"
                    aria-label=tr(i18n, |i| t_string!(i, present_next))
                    on:click=move |_| p.go(state, true)
                >
                    "→"
                </button>
                <button
                    class="btn ghost"
                    data-testid="present-all"
                    aria-pressed=move || (view_now() == View::All).to_string()
                    on:click=move |_| p.view.set(View::All.fit(n.get(), goal.get()))
                >
                    {tr(i18n, |i| t_string!(i, present_all))}
                </button>
                <button class="btn" data-testid="present-exit" on:click=move |_| p.close()>
                    {tr(i18n, |i| t_string!(i, present_exit))}
                </button>
            </div>
            <Figures view=Signal::derive(view_now) />
            <RateAtHand p=p />
        </div>
    }
}

/// The big numbers and the range chart of the view.
#[component]
fn Figures(view: Signal<View>) -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    move || {
        let lang = state.lang.get();
        let v = view.get();
        state.with_shown(|shown| {
            let Some(shown) = shown else {
                return view! { <p class="present-empty">{tr(i18n, |i| t_string!(i, status_running))}</p> }
                    .into_any();
            };
            let r = &shown.out.results;
            let cur = shown.doc.currency;
            let cols: Vec<usize> = match v {
                View::Funnel => return funnel_slide(i18n, shown, lang).into_any(),
                View::Goal => return goal_slide(i18n, shown, lang).into_any(),
                View::All => (0..r.scenarios.len()).collect(),
                View::One(0) => vec![0],
                View::One(s) => vec![0, s],
            };
            let cards = cols
                .iter()
                .map(|&s| {
                    let sc = &r.scenarios[s];
                    let rev = revenue_figures(sc);
                    let name = scenario_name(i18n, &shown.doc, s, lang);
                    let vs = sc.vs_baseline.as_ref().map(|c| {
                        let up = c.mean_uplift();
                        // Each end whole on its line: a break fell
                        // between "+" and "¥13.1万".
                        let interval = view! {
                            {format!(
                                "{}{}",
                                t_string!(i18n, uplift_interval),
                                crate::ui::words::colon(lang),
                            )}
                            <span class="nw">{signed_money_short(c.uplift.p5, cur, lang)}</span>
                            " … "
                            <span class="nw">{signed_money_short(c.uplift.p95, cur, lang)}</span>
                        };
                        view! {
                            <div class="present-fig">
                                <span class="present-lbl">
                                    {tr(i18n, |i| t_string!(i, uplift))}
                                </span>
                                <span
                                    class="present-num"
                                    data-testid=format!("present-uplift-{s}")
                                    data-value=raw(up)
                                >
                                    {signed_money_short(up, cur, lang)}
                                </span>
                                <span class="present-sub">{interval}</span>
                            </div>
                            <div class="present-fig">
                                <span class="present-lbl">
                                    {tr(i18n, |i| t_string!(i, p_beat))}
                                </span>
                                <span
                                    class="present-num"
                                    data-testid=format!("present-p-beat-{s}")
                                    data-value=raw(c.p_beat)
                                >
                                    {format_prob(c.p_beat)}
                                </span>
                            </div>
                            // With a cost: what it leaves, and how sure, on one line.
                            {c
                                .net_gain
                                .zip(c.p_profit)
                                .map(|(net, pp)| {
                                    let roi = c
                                        .roi
                                        .map_or_else(
                                            || "—".to_string(),
                                            |x| format_percent(x, 0),
                                        );
                                    view! {
                                        <p class="present-money">
                                            {tr(i18n, |i| t_string!(i, net_gain))}" "
                                            <span
                                                data-testid=format!("present-net-{s}")
                                                data-value=raw(net)
                                            >
                                                {signed_money_short(net, cur, lang)}
                                            </span> {format!(" · {} {roi} · ", t_string!(i18n, roi))}
                                            {tr(i18n, |i| t_string!(i, p_profit))}" "
                                            <span
                                                data-testid=format!("present-p-profit-{s}")
                                                data-value=raw(pp)
                                            >
                                                {format_prob(pp)}
                                            </span>
                                        </p>
                                    }
                                })}
                        }
                    });
                    // In months: when the campaign is paid back.
                    let payback = shown
                        .out
                        .months
                        .as_ref()
                        .and_then(|m| {
                            let sc = m.scenarios.get(s)?;
                            sc.payback_prob.last()?;
                            let text = match sc.payback_p50 {
                                Some(month) => t_string!(i18n, month_n, m = month).to_string(),
                                None => format!("> {}", t_string!(i18n, month_n, m = m.horizon)),
                            };
                            Some((sc.payback_p50, text))
                        })
                        .map(|(month, text)| {
                            view! {
                                <div class="present-fig">
                                    <span class="present-lbl">
                                        {tr(i18n, |i| t_string!(i, present_payback))}
                                    </span>
                                    <span
                                        class="present-num"
                                        data-testid=format!("present-payback-{s}")
                                        data-value=month.map(|m| m.to_string()).unwrap_or_default()
                                    >
                                        {text}
                                    </span>
                                </div>
                            }
                        });
                    view! {
                        <section class="present-card" style=format!("--sc:{}", colour(s))>
                            <h3>
                                <span class="swatch"></span>
                                {name}
                            </h3>
                            <div class="present-fig">
                                <span class="present-lbl">
                                    {tr(i18n, |i| t_string!(i, revenue))}" · "
                                    {tr(i18n, |i| t_string!(i, mean))}
                                </span>
                                <span
                                    class="present-num"
                                    data-testid=format!("present-revenue-{s}")
                                    data-value=raw(rev.mean)
                                >
                                    {format_money_compact(rev.mean, cur, lang)}
                                </span>
                                <span class="present-sub">
                                    "P5–P95"{crate::ui::words::colon(lang)}
                                    {format_money_compact(rev.p5, cur, lang)}" … "
                                    {format_money_compact(rev.p95, cur, lang)}
                                </span>
                            </div>
                            {vs}
                            {payback}
                        </section>
                    }
                })
                .collect_view();
            // The chart in words, full names and the figures it draws.
            let items: Vec<String> = cols
                .iter()
                .map(|&s| {
                    let f = revenue_figures(&r.scenarios[s]);
                    crate::ui::charts::dist_item(
                        lang,
                        &scenario_name(i18n, &shown.doc, s, lang),
                        [f.p5, f.p50, f.p95].map(|x| format_money_compact(x, cur, lang)),
                    )
                })
                .collect();
            let title = crate::ui::words::revenue_title(
                i18n,
                shown.doc.period,
                shown.out.months.as_ref().map(|m| m.horizon),
            );
            let label = crate::ui::charts::chart_name(lang, &title, &items);
            let rows: Vec<(usize, String, RangeRow)> = cols
                .iter()
                .map(|&s| {
                    (
                        s,
                        short_name(&scenario_name(i18n, &shown.doc, s, lang), 32),
                        revenue_figures(&r.scenarios[s]),
                    )
                })
                .collect();
            // Three cards or more with their money lines leave the range
            // chart no room at 1280×720: the cards say it all then.
            let money = cols.iter().any(|&s| {
                r.scenarios[s]
                    .vs_baseline
                    .as_ref()
                    .is_some_and(|c| c.p_profit.is_some())
            });
            let class = match (cols.len() > 2, money) {
                (true, true) => "present-cards many money",
                (true, false) => "present-cards many",
                _ => "present-cards",
            };
            view! {
                <div class=class>{cards}</div>
                <RangeChart rows=rows cur=cur lang=lang label=label />
            }
            .into_any()
        })
    }
}

/// The funnel itself, as large as the room needs: each stage's expected
/// people (the baseline's mean), a bar for its share of the first, and the
/// rate from one stage into the next.
fn funnel_slide(
    i18n: leptos_i18n::I18nContext<Locale>,
    shown: &crate::ui::state::Shown,
    lang: Lang,
) -> impl IntoView + use<> {
    let d = &shown.doc;
    let stages = shown
        .out
        .results
        .scenarios
        .first()
        .map(|b| b.stages.iter().map(|x| x.mean).collect::<Vec<_>>())
        .unwrap_or_default();
    let top = stages.first().copied().filter(|x| *x > 0.0).unwrap_or(1.0);
    let many = stages.len() > 6;
    let rows = stages
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let name = d.stages.get(i).map(|l| l.text(lang)).unwrap_or_default();
            let rate = (i > 0).then(|| {
                let prev = stages[i - 1];
                let r = if prev > 0.0 { c / prev } else { f64::NAN };
                view! {
                    <span class="pf-rate" data-testid=format!("present-funnel-rate-{i}")>
                        {format!("↓ {}", format_percent(r, 1))}
                    </span>
                }
            });
            let w = funnelcast_engine::special::clamp(c / top * 100.0, 0.6, 100.0);
            view! {
                {rate}
                <span class="pf-name">{name}</span>
                <span class="pf-bar">
                    <span class="pf-fill" style=format!("width:{}%", fmt_svg(w))></span>
                </span>
                <span
                    class="pf-num"
                    data-testid=format!("present-funnel-count-{i}")
                    data-value=raw(c)
                >
                    {crate::format::format_count(c, lang)}
                </span>
            }
        })
        .collect_view();
    // In months the stage means are the horizon's totals.
    let per =
        crate::ui::words::per_run(i18n, d.period, shown.out.months.as_ref().map(|m| m.horizon));
    // A group, not an image: a screen reader reads every stage's people.
    view! {
        <div
            class="present-funnel"
            class:many=many
            data-testid="present-funnel"
            role="group"
            aria-label=t_string!(i18n, chart_funnel).to_string()
        >
            {rows}
        </div>
        <p class="present-sub">{per}</p>
    }
}

/// Goal seek's answer for the room: the sentence of the goal card, large,
/// and where the baseline stands against the target today.
fn goal_slide(
    i18n: leptos_i18n::I18nContext<Locale>,
    shown: &crate::ui::state::Shown,
    lang: Lang,
) -> impl IntoView + use<> {
    let answer = crate::ui::results::goal_answer(i18n, lang, shown);
    let d = &shown.doc;
    let today = shown
        .out
        .results
        .scenarios
        .first()
        .and_then(|b| b.p_target)
        .map(|p| {
            let target =
                crate::format::format_money(d.goal.target.unwrap_or(f64::NAN), d.currency, lang);
            view! {
                <div class="present-fig">
                    <span class="present-lbl">
                        {t_string!(i18n, p_target, target = target).to_string()}
                    </span>
                    <span class="present-num" data-testid="present-goal-today" data-value=raw(p)>
                        {format_prob(p)}
                    </span>
                    <span class="present-sub">{t_string!(i18n, baseline).to_string()}</span>
                </div>
            }
        });
    view! {
        <div class="present-goal" data-testid="present-goal">
            <p class="present-goal-answer" data-testid="present-goal-answer">
                {answer.map(|a| a.text)}
            </p>
            {today}
        </div>
    }
}

/// A scenario's revenue as the table shows it: the exact law's figures
/// where no sampling was needed, else the simulated ones.
fn revenue_figures(sc: &funnelcast_engine::ScenarioResult) -> RangeRow {
    match &sc.exact {
        Some(e) => RangeRow {
            p5: e.revenue.p5,
            p50: e.revenue.p50,
            p95: e.revenue.p95,
            mean: e.revenue.mean,
        },
        None => RangeRow {
            p5: sc.revenue.p5,
            p50: sc.revenue.p50,
            p95: sc.revenue.p95,
            mean: sc.revenue.mean,
        },
    }
}

/// Revenue P5–P95 per scenario on one axis: the bar is where 90 of 100
/// periods fall, the tick the middle outcome, the dot the mean.
#[component]
fn RangeChart(
    rows: Vec<(usize, String, RangeRow)>,
    cur: Currency,
    lang: Lang,
    /// Its accessible name: the figures in words.
    label: String,
) -> impl IntoView {
    const W: f64 = 1000.0;
    const ROW: f64 = 34.0;
    const GAP: f64 = 12.0;
    const AXIS: f64 = 30.0;
    // Room for the names on the left: as wide as the longest needs (at the
    // names' 22 px), within a third of the chart; a name is cut only past
    // that.
    let longest = rows
        .iter()
        .map(|(_, n, _)| crate::chart::text_width(n, 22.0))
        .fold(0.0, f64::max);
    let left = funnelcast_engine::special::clamp(longest + 16.0, 150.0, W / 3.0);
    let rows: Vec<(usize, String, RangeRow)> = rows
        .into_iter()
        .map(|(s, n, r)| (s, crate::chart::fit_label(&n, left - 12.0, 22.0), r))
        .collect();
    let plain: Vec<RangeRow> = rows.iter().map(|(_, _, r)| *r).collect();
    let x = range_scale(&plain, left, W - 30.0);
    let h = rows.len() as f64 * (ROW + GAP) + AXIS;
    let ticks = crate::chart::nice_ticks(x.d0, x.d1, 5);
    let axis_y = h - AXIS + 6.0;
    let bars = rows
        .iter()
        .enumerate()
        .map(|(k, (s, name, r))| {
            let y = k as f64 * (ROW + GAP);
            let (a, b) = (x.clamp(r.p5), x.clamp(r.p95));
            view! {
                <g style=format!("--sc:{}", colour(*s))>
                    <text class="present-name" x="0" y=fmt_svg(y + ROW / 2.0 + 8.0)>
                        {name.clone()}
                    </text>
                    <rect
                        class="present-band"
                        x=fmt_svg(a)
                        y=fmt_svg(y)
                        width=fmt_svg((b - a).max(2.0))
                        height=fmt_svg(ROW)
                        rx="5"
                    />
                    <line
                        class="present-p50"
                        x1=fmt_svg(x.clamp(r.p50))
                        x2=fmt_svg(x.clamp(r.p50))
                        y1=fmt_svg(y - 3.0)
                        y2=fmt_svg(y + ROW + 3.0)
                    />
                    <circle
                        class="present-mean"
                        cx=fmt_svg(x.clamp(r.mean))
                        cy=fmt_svg(y + ROW / 2.0)
                        r="8"
                    />
                </g>
            }
        })
        .collect_view();
    let tick_marks = ticks
        .into_iter()
        .filter(|t| *t >= x.d0 && *t <= x.d1)
        .map(|t| {
            view! {
                <text class="present-tick" x=fmt_svg(x.map(t)) y=fmt_svg(axis_y + 18.0)>
                    {format_money_compact(t, cur, lang)}
                </text>
            }
        })
        .collect_view();
    view! {
        <svg
            class="present-chart"
            viewBox=format!("0 0 {} {}", fmt_svg(W), fmt_svg(h))
            role="img"
            aria-label=label
            data-testid="present-chart"
        >
            {bars}
            <line
                class="present-axis"
                x1=fmt_svg(left)
                x2=fmt_svg(W - 30.0)
                y1=fmt_svg(axis_y)
                y2=fmt_svg(axis_y)
            />
            {tick_marks}
        </svg>
    }
}

/// The slider of the rate under discussion: the trainer drags it and the
/// numbers above follow. It starts on the bottleneck (the rate where +5
/// points add the most revenue); a picker offers every other rate.
#[component]
fn RateAtHand(p: Presenting) -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let choice = Memo::new(move |_| {
        let choices = state.with_doc(rate_choices);
        let bottleneck = state.with_shown(|s| {
            s.and_then(|s| s.out.results.sensitivity.bottleneck)
                .map(|i| (0, i))
        });
        p.picked
            .get()
            .into_iter()
            .chain(bottleneck)
            .chain(choices.first().copied())
            .find(|c| choices.contains(c))
    });
    let spec = move || {
        choice
            .get()
            .and_then(|(g, i)| state.with_doc(|d| d.rate(g, i)))
    };
    let fixed = move || matches!(spec(), Some(RateSpec::Fixed { .. }));
    let pct = move || match spec() {
        Some(RateSpec::Fixed { value }) if value.is_finite() => value * 100.0,
        Some(r) => r.mean().map_or(0.0, |m| m * 100.0),
        None => 0.0,
    };
    let options = move || {
        let lang = state.lang.get();
        state.with_doc(|d| {
            let many = d.segments.len() > 1;
            rate_choices(d)
                .into_iter()
                .map(|(g, i)| {
                    let stage = d.stages.get(i).map(|l| l.text(lang)).unwrap_or_default();
                    let text = if many {
                        let seg = d.segments[g].label.text(lang);
                        format!("{seg} · {stage}")
                    } else {
                        stage
                    };
                    view! {
                        <option
                            value=choice_code((g, i))
                            selected=move || choice.get() == Some((g, i))
                        >
                            {text}
                        </option>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <div class="present-rate">
            <label class="present-lbl" for="present-rate-pick">
                {tr(i18n, |i| t_string!(i, present_rate))}
            </label>
            <select
                id="present-rate-pick"
                data-testid="present-rate-pick"
                prop:value=move || choice.get().map(choice_code).unwrap_or_default()
                on:change=move |ev| p.picked.set(parse_choice(&event_target_value(&ev)))
            >
                {options}
            </select>
            <input
                type="range"
                min="0"
                max="100"
                step="0.1"
                class="slider"
                data-testid="present-rate"
                aria-label=tr(i18n, |i| t_string!(i, present_rate))
                // Evidence and ranges are edited in their own boxes: dragging
                // here would silently replace them with a fixed rate.
                disabled=move || !fixed()
                prop:value=move || crate::numtext::display(pct())
                on:input=move |ev| {
                    if let (Some(v), Some((g, i))) = (
                        crate::format::decimal_to_f64(&event_target_value(&ev)),
                        choice.get_untracked(),
                    ) {
                        state.edit(|d| d.set_rate(g, i, v / 100.0));
                    }
                }
            />
            <span
                class="present-rate-val"
                data-testid="present-rate-value"
                data-value=move || raw(pct())
            >
                {move || format!("{}%", crate::format::fixed(pct(), 1))}
            </span>
            <span class="present-state" data-state=move || state.status().as_str()>
                <span class="dot"></span>
            </span>
            <span class="present-keys">{tr(i18n, |i| t_string!(i, present_keys))}</span>
        </div>
    }
}

/// `html.presenting` hides the page's scroll bar behind the overlay; the
/// page behind it is `inert` meanwhile (no focus, no clicks, out of the
/// accessibility tree), so a screen reader reads only the mode. The mode
/// itself sits in the header, which stays live.
fn set_presenting_class(on: bool) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(el) = doc.document_element() {
        let list = el.class_list();
        let _ = if on {
            list.add_1("presenting")
        } else {
            list.remove_1("presenting")
        };
    }
    for sel in ["main", "footer", ".phonebar"] {
        if let Ok(Some(el)) = doc.query_selector(sel) {
            let _ = if on {
                el.set_attribute("inert", "")
            } else {
                el.remove_attribute("inert")
            };
        }
    }
}

/// Where Tab (or Shift+Tab) goes instead of its default while presenting:
/// from the last control of the mode to the first (and back), and from
/// anywhere outside it (the mode itself included) into it. `None` leaves
/// the browser's own step, which stays inside.
fn wrap_focus(back: bool) -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    let doc = web_sys::window()?.document()?;
    let mode = doc
        .query_selector("[data-testid=\"present-mode\"]")
        .ok()??;
    let list = mode
        .query_selector_all("button:not([disabled]), select:not([disabled]), input:not([disabled])")
        .ok()?;
    let controls: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|k| list.item(k)?.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let (first, last) = (controls.first()?, controls.last()?);
    let active = doc.active_element();
    let inside = active
        .as_ref()
        .is_some_and(|a| mode.contains(Some(a)) && !a.is_same_node(Some(&mode)));
    let at = |c: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a.is_same_node(Some(c)));
    if !inside {
        Some(if back { last } else { first }.clone())
    } else if back && at(first) {
        Some(last.clone())
    } else if !back && at(last) {
        Some(first.clone())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_walk_the_funnel_each_scenario_all_and_the_goal_and_stop_at_the_ends() {
        // Baseline + 3 scenarios, with a goal.
        let n = 4;
        let mut v = View::first(n);
        assert_eq!(v, View::Funnel);
        let mut seen = vec![v];
        for _ in 0..6 {
            v = v.step(n, true, true);
            seen.push(v);
        }
        assert_eq!(
            seen,
            [
                View::Funnel,
                View::One(1),
                View::One(2),
                View::One(3),
                View::All,
                View::Goal,
                View::Goal
            ]
        );
        for want in [
            View::All,
            View::One(3),
            View::One(2),
            View::One(1),
            View::Funnel,
            View::Funnel,
        ] {
            v = v.step(n, true, false);
            assert_eq!(v, want);
        }
        // Without a goal, all side by side is the last.
        assert_eq!(View::All.step(n, false, true), View::All);
    }

    #[test]
    fn without_scenarios_the_funnel_then_the_baseline() {
        assert_eq!(View::first(1), View::Funnel);
        assert_eq!(View::Funnel.step(1, false, true), View::One(0));
        assert_eq!(View::One(0).step(1, false, true), View::One(0));
        assert_eq!(View::One(0).step(1, false, false), View::Funnel);
        assert_eq!(View::All.fit(1, false), View::One(0));
    }

    #[test]
    fn a_removed_scenario_or_goal_falls_back_to_the_first_scenario() {
        assert_eq!(View::One(3).fit(3, false), View::One(1));
        assert_eq!(View::All.fit(3, false), View::All);
        assert_eq!(View::Goal.fit(3, false), View::One(1));
        assert_eq!(View::Goal.fit(3, true), View::Goal);
        assert_eq!(View::One(5).step(3, false, true), View::One(2));
    }

    #[test]
    fn view_codes() {
        assert_eq!(View::All.code(), "all");
        assert_eq!(View::One(2).code(), "2");
    }

    #[test]
    fn short_money_keeps_its_sign() {
        let c = Currency::Usd;
        assert_eq!(format_money_compact(375_000.0, c, Lang::En), "$375k");
        assert_eq!(signed_money_short(112_500.0, c, Lang::En), "+$113k");
        assert_eq!(signed_money_short(-3_200.0, c, Lang::En), "−$3.2k");
        assert_eq!(signed_money_short(0.0, c, Lang::En), "$0");
    }

    #[test]
    fn short_names_are_cut_by_characters_not_bytes() {
        assert_eq!(short_name("Baseline", 12), "Baseline");
        assert_eq!(
            short_name("Case A: reach & early conversion", 12),
            "Case A: rea…"
        );
        assert_eq!(short_name("案例 A：触达与早期转化提升", 6), "案例 A：…");
    }

    #[test]
    fn rate_choices_round_trip() {
        for c in [(0, 1), (2, 11)] {
            assert_eq!(parse_choice(&choice_code(c)), Some(c));
        }
        assert_eq!(parse_choice("x-1"), None);
        assert_eq!(parse_choice("3"), None);
    }
}
