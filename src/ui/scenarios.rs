//! The scenario editor: what-ifs as levers on the baseline, each with an
//! optional cost, plus the two ready scenarios of the workshop.

use funnelcast_engine::{limits, Field, ScenarioSpec, Scope};
use leptos::prelude::*;
use std::sync::Arc;

use crate::document::LeverKind;
use crate::fields::FieldId;
use crate::i18n::*;
use crate::names::Label;
use crate::presets;
use crate::ui::input::{aria_name, FieldError, IndexRows, LimitNote, NumInput, NumKind};
use crate::ui::state::use_state;
use crate::ui::words::tr;

/// Colours per scenario (0 = baseline), the same in every chart: the
/// Okabe–Ito palette, which colour-blind people can tell apart.
pub const COLOURS: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#B8A000",
];

pub fn colour(s: usize) -> &'static str {
    COLOURS[s % COLOURS.len()]
}

#[component]
pub fn ScenariosEditor() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let n = Memo::new(move |_| state.with_doc(|d| d.scenarios.len()));
    let stages = Memo::new(move |_| state.with_doc(|d| d.stages()));
    let segments = Memo::new(move |_| state.with_doc(|d| d.segments.len()));
    // The baseline counts among the scenarios' limit.
    let full = Memo::new(move |_| n.get() + 1 >= limits::MAX_SCENARIOS);
    view! {
        <section class="card" aria-labelledby="scen-h">
            <div class="card-head">
                <h2 id="scen-h">{tr(i18n, |i| t_string!(i, scenarios))}</h2>
            </div>
            <div class="btn-row">
                <button
                    class="btn small"
                    data-testid="add-scenario"
                    disabled=full
                    on:click=move |_| {
                        let name = t_string!(i18n, scenario_new, n = n.get_untracked() + 1)
                            .to_string();
                        state
                            .edit(|d| {
                                d.add_scenario(
                                    Label::Text(name),
                                    ScenarioSpec {
                                        scope: Scope::All,
                                        levers: vec![],
                                        cost: None,
                                    },
                                );
                            });
                    }
                >
                    {tr(i18n, |i| t_string!(i, add_scenario))}
                </button>
                <button
                    class="btn small ghost"
                    data-testid="scenario-awareness30"
                    disabled=full
                    on:click=move |_| {
                        state
                            .edit(|d| {
                                let (label, spec) = presets::awareness30();
                                d.add_scenario(label, spec);
                            });
                    }
                >
                    {tr(i18n, |i| t_string!(i, ready_awareness30))}
                </button>
                <button
                    class="btn small ghost"
                    data-testid="scenario-case-a"
                    disabled=full
                    on:click=move |_| {
                        state
                            .edit(|d| {
                                let (label, spec) = presets::case_a(d.stages());
                                d.add_scenario(label, spec);
                            });
                    }
                >
                    {tr(i18n, |i| t_string!(i, ready_case_a))}
                </button>
            </div>
            <LimitNote
                field="add-scenario"
                at_limit=full
                text=Signal::derive(move || {
                    t_string!(i18n, limit_scenarios, max = limits::MAX_SCENARIOS - 1).to_string()
                })
            />
            <IndexRows
                from=1
                to=Signal::derive(move || n.get() + 1)
                row=Arc::new(move |s| {
                    view! { <ScenarioCard s=s stages=stages segments=segments /> }.into_any()
                })
            />
        </section>
    }
}

#[component]
fn ScenarioCard(s: usize, stages: Memo<usize>, segments: Memo<usize>) -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let sc = Memo::new(move |_| state.with_doc(|d| d.scenario(s).map(|x| x.spec.clone())));
    let sname = move || {
        let lang = state.lang.get();
        state.with_doc(|d| {
            d.scenario(s)
                .map(|x| x.label.text(lang))
                .unwrap_or_default()
        })
    };
    let lever = move |kind: LeverKind, scale: f64| {
        Signal::derive(move || state.with_doc(|d| d.lever(s, kind)) * scale)
    };
    let set = move |kind: LeverKind, scale: f64| {
        Callback::new(move |v: f64| state.edit(|d| d.set_lever(s, kind, v / scale)))
    };
    let stage_name = move |i: usize| {
        let lang = state.lang.get();
        state.with_doc(|d| d.stages.get(i).map(|l| l.text(lang)).unwrap_or_default())
    };
    // "+30% awareness: Cost" — a screen reader hears which scenario.
    let named =
        move |parts: &[&str]| aria_name(state.lang.get(), &[&[sname().as_str()], parts].concat());
    view! {
        <div class="scenario" style=format!("--sc:{}", colour(s))>
            <div class="scenario-head">
                <span class="swatch" aria-hidden="true"></span>
                <input
                    type="text"
                    class="name"
                    data-testid=FieldId::ScenarioName(s).testid()
                    maxlength="60"
                    aria-label=tr(i18n, |i| t_string!(i, a11y_scenario_name))
                    prop:value=sname
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        state.edit(|d| d.rename_scenario(s, v));
                    }
                />
                <button
                    class="icon"
                    title=tr(i18n, |i| t_string!(i, duplicate))
                    data-testid=format!("duplicate-scenario-{s}")
                    aria-label=move || named(&[t_string!(i18n, duplicate)])
                    on:click=move |_| {
                        let name: String = sname()
                            .chars()
                            .take(crate::names::MAX_NAME_CHARS - 4)
                            .collect();
                        state
                            .edit(|d| {
                                d.duplicate_scenario(s, format!("{name} (2)"));
                            });
                    }
                >
                    <svg viewBox="0 0 16 16" width="15" height="15" aria-hidden="true">
                        <path
                            d="M5 1h9v10H5zM2 5v10h9"
                            fill="none"
                            stroke="currentColor"
                            stroke-width="1.5"
                        />
                    </svg>
                </button>
                <button
                    class="icon danger"
                    data-testid=format!("remove-scenario-{s}")
                    title=tr(i18n, |i| t_string!(i, remove))
                    aria-label=move || named(&[t_string!(i18n, remove)])
                    on:click=move |_| {
                        state
                            .edit(|d| {
                                d.remove_scenario(s);
                            })
                    }
                >
                    "×"
                </button>
            </div>
            <FieldError field=FieldId::ScenarioName(s) />
            <div class="lever-grid">
                <Show when=move || { segments.get() > 1 }>
                    <label class="lbl">{tr(i18n, |i| t_string!(i, scope))}</label>
                    <select
                        data-testid=FieldId::Model(Field::LeverScope(s)).testid()
                        aria-label=move || named(&[t_string!(i18n, scope)])
                        prop:value=move || match sc.get().map(|x| x.scope) {
                            Some(Scope::Segment(g)) => g.to_string(),
                            _ => "all".into(),
                        }
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            let scope = crate::format::parse_whole::<usize>(&v)
                                .map(Scope::Segment)
                                .unwrap_or(Scope::All);
                            state.edit(|d| d.set_scope(s, scope));
                        }
                    >
                        <option
                            value="all"
                            selected=move || {
                                sc.with(|x| x.as_ref().is_none_or(|x| x.scope == Scope::All))
                            }
                        >
                            {tr(i18n, |i| t_string!(i, scope_all))}
                        </option>
                        {move || {
                            (0..segments.get())
                                .map(|g| {
                                    view! {
                                        <option
                                            value=g.to_string()
                                            selected=move || {
                                                sc.with(|x| {
                                                    x.as_ref().is_some_and(|x| x.scope == Scope::Segment(g))
                                                })
                                            }
                                        >
                                            {move || {
                                                let lang = state.lang.get();
                                                state
                                                    .with_doc(|d| {
                                                        d.segments
                                                            .get(g)
                                                            .map(|x| x.label.text(lang))
                                                            .unwrap_or_default()
                                                    })
                                            }}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </Show>
                <label class="lbl">{tr(i18n, |i| t_string!(i, lever_volume))}</label>
                <NumInput
                    field=Field::LeverVolumePct(s)
                    kind=NumKind::Percent
                    class="short"
                    label=Signal::derive(move || named(&[t_string!(i18n, lever_volume)]))
                    value=lever(LeverKind::Volume, 100.0)
                    on_value=set(LeverKind::Volume, 100.0)
                />
                <label class="lbl">{tr(i18n, |i| t_string!(i, lever_deal))}</label>
                <NumInput
                    field=Field::LeverDealPct(s)
                    kind=NumKind::Percent
                    class="short"
                    label=Signal::derive(move || named(&[t_string!(i18n, lever_deal)]))
                    value=lever(LeverKind::Deal, 100.0)
                    on_value=set(LeverKind::Deal, 100.0)
                />
                <label class="lbl">{tr(i18n, |i| t_string!(i, lever_cost))}</label>
                <NumInput
                    field=Field::LeverCost(s)
                    optional=true
                    label=Signal::derive(move || named(&[t_string!(i18n, lever_cost)]))
                    value=Signal::derive(move || sc.get().and_then(|x| x.cost).unwrap_or(f64::NAN))
                    on_value=Callback::new(move |v: f64| {
                        state.edit(|d| d.set_cost(s, (!v.is_nan()).then_some(v)))
                    })
                />
            </div>
            <div class="stage-levers">
                <div class="sub">{tr(i18n, |i| t_string!(i, rate))}</div>
                <div class="stage-lever-grid">
                    {move || {
                        (1..stages.get())
                            .map(|i| {
                                view! {
                                    <span class="lbl">{move || stage_name(i)}</span>
                                    <NumInput
                                        field=Field::LeverRatePts(s, i)
                                        kind=NumKind::Percent
                                        class="short"
                                        label=Signal::derive(move || named(
                                            &[&stage_name(i), t_string!(i18n, a11y_lever_pts)],
                                        ))
                                        value=lever(LeverKind::RatePoints(i), 100.0)
                                        on_value=set(LeverKind::RatePoints(i), 100.0)
                                    />
                                    <span class="unit">
                                        {tr(i18n, |i| t_string!(i, lever_rate_pts))}
                                    </span>
                                    <NumInput
                                        field=Field::LeverRatePct(s, i)
                                        kind=NumKind::Percent
                                        class="short"
                                        label=Signal::derive(move || named(
                                            &[&stage_name(i), t_string!(i18n, a11y_lever_pct)],
                                        ))
                                        value=lever(LeverKind::RateRelative(i), 100.0)
                                        on_value=set(LeverKind::RateRelative(i), 100.0)
                                    />
                                    <span class="unit">
                                        {tr(i18n, |i| t_string!(i, lever_rate_pct))}
                                    </span>
                                }
                            })
                            .collect_view()
                    }}
                </div>
            </div>
        </div>
    }
}
