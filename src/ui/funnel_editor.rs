//! The funnel editor: stage names (shared by all segments) and, per segment,
//! the entering volume, each rate with its linked count and its uncertainty,
//! and the deal value.

use funnelcast_engine::{limits, DealSpec, Field, Problem, RateSpec, VolumeSpec};
use leptos::prelude::*;
use std::sync::Arc;

use crate::document::{CountsProblem, ModeNote};
use crate::fields::FieldId;
use crate::format::{format_count, format_percent, parse_counts};
use crate::i18n::*;
use crate::names::Label;
use crate::ui::input::{
    aria_name, field_error, input_text_with, whole_in, FieldError, Hint, IndexRows, LimitNote,
    NumInput, NumKind,
};
use crate::ui::state::{use_state, AppState, FieldMsg};
use crate::ui::words::tr;

#[component]
pub fn StagesEditor() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let count = Memo::new(move |_| state.with_doc(|d| d.stages()));
    view! {
        <section class="card" aria-labelledby="stages-h">
            <div class="card-head">
                <h2 id="stages-h">{tr(i18n, |i| t_string!(i, stages))}</h2>
                <button
                    class="btn small"
                    data-testid="add-stage"
                    disabled=move || { count.get() >= limits::MAX_STAGES }
                    on:click=move |_| {
                        let name = format!(
                            "{} {}",
                            t_string!(i18n, stage),
                            count.get_untracked() + 1,
                        );
                        state
                            .edit(|d| {
                                d.add_stage(Label::Text(name));
                            });
                    }
                >
                    {tr(i18n, |i| t_string!(i, add_stage))}
                </button>
            </div>
            <LimitNote
                field="add-stage"
                at_limit=Signal::derive(move || count.get() >= limits::MAX_STAGES)
                text=Signal::derive(move || {
                    t_string!(i18n, limit_stages, max = limits::MAX_STAGES).to_string()
                })
            />
            <ol class="stage-list">
                // Keyed rows: adding or removing a stage builds or drops one
                // row; the others only update what they show.
                <IndexRows
                    from=0
                    to=count
                    row=Arc::new(move |i| view! { <StageRow i=i count=count /> }.into_any())
                />
            </ol>
        </section>
    }
}

#[component]
fn StageRow(i: usize, count: Memo<usize>) -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let name = move || {
        let lang = state.lang.get();
        state.with_doc(|d| d.stages.get(i).map(|l| l.text(lang)).unwrap_or_default())
    };
    let last = move || count.get().saturating_sub(1);
    view! {
        <li class="stage-row">
            <span class="stage-no">{i + 1}</span>
            <input
                type="text"
                class="name"
                data-testid=FieldId::StageName(i).testid()
                maxlength="60"
                aria-label=tr(i18n, |i| t_string!(i, stage))
                prop:value=name
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    state.edit(|d| d.rename_stage(i, v));
                }
            />
            <FieldError field=FieldId::StageName(i) />
            <span class="row-tools">
                <button
                    class="icon"
                    title=tr(i18n, |i| t_string!(i, move_up))
                    disabled=i == 0
                    on:click=move |_| {
                        state
                            .edit(|d| {
                                d.move_stage_down(i - 1);
                            })
                    }
                >
                    "↑"
                </button>
                <button
                    class="icon"
                    title=tr(i18n, |i| t_string!(i, move_down))
                    disabled=move || i == last()
                    on:click=move |_| {
                        state
                            .edit(|d| {
                                d.move_stage_down(i);
                            })
                    }
                >
                    "↓"
                </button>
                <button
                    class="icon danger"
                    data-testid=format!("remove-stage-{i}")
                    title=tr(i18n, |i| t_string!(i, remove))
                    disabled=move || { last() < 2 }
                    on:click=move |_| {
                        state
                            .edit(|d| {
                                d.remove_stage(i);
                            })
                    }
                >
                    "×"
                </button>
            </span>
        </li>
    }
}

#[component]
pub fn SegmentsEditor() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let segs = Memo::new(move |_| state.with_doc(|d| d.segments.len()));
    let stages = Memo::new(move |_| state.with_doc(|d| d.stages()));
    let many = Memo::new(move |_| segs.get() > 1);
    view! {
        <section class="card" aria-labelledby="funnel-h">
            <div class="card-head">
                <h2 id="funnel-h">{tr(i18n, |i| t_string!(i, funnel))}</h2>
                <button
                    class="btn small"
                    data-testid="add-segment"
                    disabled=move || { segs.get() >= limits::MAX_SEGMENTS }
                    on:click=move |_| {
                        let name = format!(
                            "{} {}",
                            t_string!(i18n, segment),
                            segs.get_untracked() + 1,
                        );
                        state
                            .edit(|d| {
                                d.add_segment(Label::Text(name));
                            });
                    }
                >
                    {tr(i18n, |i| t_string!(i, add_segment))}
                </button>
            </div>
            <LimitNote
                field="add-segment"
                at_limit=Signal::derive(move || segs.get() >= limits::MAX_SEGMENTS)
                text=Signal::derive(move || {
                    t_string!(i18n, limit_segments, max = limits::MAX_SEGMENTS).to_string()
                })
            />
            <p class="note">{tr(i18n, |i| t_string!(i, cohort_note))}</p>
            <IndexRows
                from=0
                to=segs
                row=Arc::new(move |g| {
                    view! { <SegmentEditor g=g stages=stages many=many /> }.into_any()
                })
            />
            <Show when=move || { segs.get() > 1 }>
                <TotalRow />
            </Show>
        </section>
    }
}

#[component]
fn TotalRow() -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    view! {
        <div class="total-row">
            <strong>{tr(i18n, |i| t_string!(i, total))}</strong>
            <span class="total-counts">
                {move || {
                    let lang = state.lang.get();
                    state
                        .with_doc(|d| {
                            d.expected_totals()
                                .into_iter()
                                .zip(&d.stages)
                                .map(|(c, n)| {
                                    let c = c
                                        .map_or_else(
                                            || "—".to_string(),
                                            |c| format_count(c, lang),
                                        );
                                    view! {
                                        <span class="chip">
                                            <small>{n.text(lang)}</small>
                                            " "
                                            {c}
                                        </span>
                                    }
                                })
                                .collect_view()
                        })
                }}
            </span>
        </div>
    }
}

/// An accessible name for an input of segment `g`, in the page's language:
/// the segment's name first when there are several ("SMB: Volume").
fn segment_aria_name(state: AppState, g: usize, many: bool, parts: &[&str]) -> String {
    let lang = state.lang.get();
    let seg = if many {
        state.with_doc(|d| {
            d.segments
                .get(g)
                .map(|s| s.label.text(lang))
                .unwrap_or_default()
        })
    } else {
        String::new()
    };
    aria_name(lang, &[&[seg.as_str()], parts].concat())
}

#[component]
fn SegmentEditor(g: usize, stages: Memo<usize>, many: Memo<bool>) -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let seg_name = move || {
        let lang = state.lang.get();
        state.with_doc(|d| {
            d.segments
                .get(g)
                .map(|s| s.label.text(lang))
                .unwrap_or_default()
        })
    };
    let named = move |parts: &[&str]| segment_aria_name(state, g, many.get(), parts);
    let volume_word = move || t_string!(i18n, volume_short).to_string();
    let volume = Memo::new(move |_| state.with_doc(|d| d.segments.get(g).map(|s| s.spec.volume)));
    let is_range = move || matches!(volume.get(), Some(VolumeSpec::Range { .. }));
    let vol_fixed =
        Signal::derive(move || state.with_doc(|d| d.volume_value(g)).unwrap_or(f64::NAN));
    // What the last mode switch had to change, while the volume is as it left it.
    let vnote = RwSignal::new(None::<(ModeNote, Option<VolumeSpec>)>);
    let vol_low = Signal::derive(move || match volume.get() {
        Some(VolumeSpec::Range { low, .. }) => low,
        _ => 0.0,
    });
    let vol_high = Signal::derive(move || match volume.get() {
        Some(VolumeSpec::Range { high, .. }) => high,
        _ => 0.0,
    });
    let deal = Memo::new(move |_| {
        state
            .with_doc(|d| d.deal(g))
            .unwrap_or(DealSpec { mean: 0.0, cv: 0.0 })
    });
    let period = move || crate::ui::words::period_word(i18n, state.with_doc(|d| d.period));
    view! {
        <div class="segment" data-segment=g>
            <Show when=move || many.get()>
                <div class="segment-head">
                    <input
                        type="text"
                        class="name seg-name"
                        data-testid=FieldId::SegmentName(g).testid()
                        maxlength="60"
                        aria-label=tr(i18n, |i| t_string!(i, segment))
                        prop:value=seg_name
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            state.edit(|d| d.rename_segment(g, v));
                        }
                    />
                    <button
                        class="icon danger"
                        data-testid=format!("remove-segment-{g}")
                        title=tr(i18n, |i| t_string!(i, remove))
                        on:click=move |_| {
                            state
                                .edit(|d| {
                                    d.remove_segment(g);
                                })
                        }
                    >
                        "×"
                    </button>
                </div>
                <FieldError field=FieldId::SegmentName(g) />
            </Show>
            <div class="grid-row volume-row">
                <label class="lbl">
                    {move || t_string!(i18n, volume, period = period()).to_string()}
                </label>
                <div class="inputs">
                    <Show
                        when=move || !is_range()
                        fallback=move || {
                            view! {
                                <NumInput
                                    field=Field::VolumeLow(g)
                                    value=vol_low
                                    label=Signal::derive(move || named(
                                        &[&volume_word(), t_string!(i18n, a11y_low)],
                                    ))
                                    on_value=Callback::new(move |v| {
                                        state.edit(|d| d.set_volume_end(g, false, v))
                                    })
                                />
                                <span class="to">{tr(i18n, |i| t_string!(i, range_to))}</span>
                                <NumInput
                                    field=Field::VolumeHigh(g)
                                    value=vol_high
                                    label=Signal::derive(move || named(
                                        &[&volume_word(), t_string!(i18n, a11y_high)],
                                    ))
                                    on_value=Callback::new(move |v| {
                                        state.edit(|d| d.set_volume_end(g, true, v))
                                    })
                                />
                            }
                        }
                    >
                        <NumInput
                            field=Field::Volume(g)
                            value=vol_fixed
                            label=Signal::derive(move || named(&[&volume_word()]))
                            on_value=Callback::new(move |v| state.edit(|d| d.set_volume(g, v)))
                        />
                    </Show>
                    <select
                        data-testid=format!("volume-mode-{g}")
                        aria-label=move || named(&[&volume_word(), t_string!(i18n, a11y_mode)])
                        on:change=move |ev| {
                            let m = event_target_value(&ev);
                            let mut said = None;
                            state.edit(|d| said = d.set_volume_mode(g, &m));
                            vnote.set(said.map(|n| (n, volume.get_untracked())));
                        }
                        prop:value=move || if is_range() { "range" } else { "fixed" }
                    >
                        <option value="fixed" selected=move || !is_range()>
                            {tr(i18n, |i| t_string!(i, mode_fixed))}
                        </option>
                        <option value="range" selected=is_range>
                            {tr(i18n, |i| t_string!(i, mode_range))}
                        </option>
                    </select>
                </div>
                {move || {
                    vnote
                        .get()
                        .filter(|(_, at)| *at == volume.get())
                        .map(|(n, _)| mode_note(
                            i18n,
                            state.lang.get(),
                            n,
                            format!("volume-mode-{g}"),
                        ))
                }}
            </div>
            <div class="rate-head">
                <span></span>
                <span>
                    {tr(i18n, |i| t_string!(i, rate))}" "
                    <Hint text=Signal::derive(move || t_string!(i18n, explain_rate).to_string()) />
                </span>
                <span></span>
                <span>
                    {tr(i18n, |i| t_string!(i, count))}" "
                    <Hint text=Signal::derive(move || {
                        t_string!(i18n, explain_cohort).to_string()
                    }) />
                </span>
                <span></span>
            </div>
            <IndexRows
                from=1
                to=stages
                row=Arc::new(move |i| view! { <RateRow g=g i=i many=many /> }.into_any())
            />
            <div class="grid-row deal-row">
                <label class="lbl">{tr(i18n, |i| t_string!(i, deal_value))}</label>
                <div class="inputs">
                    <NumInput
                        field=Field::DealValue(g)
                        value=Signal::derive(move || deal.get().mean)
                        label=Signal::derive(move || named(&[t_string!(i18n, deal_value)]))
                        on_value=Callback::new(move |v| {
                            state
                                .edit(|d| {
                                    if let Some(x) = d.deal(g) {
                                        d.set_deal(g, DealSpec { mean: v, ..x });
                                    }
                                })
                        })
                    />
                    <label class="lbl inline">
                        {tr(i18n, |i| t_string!(i, deal_cv))}" "
                        <Hint text=Signal::derive(move || {
                            t_string!(i18n, explain_cv).to_string()
                        }) />
                    </label>
                    <NumInput
                        field=Field::DealCv(g)
                        kind=NumKind::Percent
                        class="short"
                        label=Signal::derive(move || named(&[t_string!(i18n, deal_cv)]))
                        value=Signal::derive(move || deal.get().cv * 100.0)
                        on_value=Callback::new(move |v| {
                            state
                                .edit(|d| {
                                    if let Some(x) = d.deal(g) {
                                        d.set_deal(g, DealSpec { cv: v / 100.0, ..x });
                                    }
                                })
                        })
                    />
                </div>
            </div>
            <Show when=move || {
                state.with_doc(|d| d.time.as_ref().is_some_and(|t| t.on))
            }>{crate::ui::later::retrying(move || crate::ui::later::segment_lags(g))}</Show>
            {crate::ui::later::after_first_run(move || crate::ui::later::paste_counts(g))}
        </div>
    }
}

/// The note beside a mode select (`data-field`) saying what a switch set.
fn mode_note(
    i18n: leptos_i18n::I18nContext<Locale>,
    lang: crate::format::Lang,
    note: ModeNote,
    field: String,
) -> impl IntoView {
    let pct = |x: f64| input_text_with(x * 100.0, 3);
    let text = match note {
        ModeNote::RangeAtEdge { low, high } => {
            t_string!(i18n, note_range_edge, low = pct(low), high = pct(high)).to_string()
        }
        ModeNote::EvidenceRate { k, n, was, now } => t_string!(
            i18n,
            note_evidence_rate,
            k = format_count(k as f64, lang),
            n = format_count(n as f64, lang),
            now = format_percent(now, 2),
            was = format_percent(was, 2)
        )
        .to_string(),
        ModeNote::VolumeRange {
            low,
            high,
            was,
            now,
        } => t_string!(
            i18n,
            note_volume_range,
            low = format_count(low, lang),
            high = format_count(high, lang),
            now = format_count(now, lang),
            was = format_count(was, lang)
        )
        .to_string(),
    };
    view! {
        <span class="limit-note mode-note" role="status" data-testid="mode-note" data-field=field>
            {text}
        </span>
    }
}

#[component]
fn RateRow(g: usize, i: usize, many: Memo<bool>) -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let spec = Memo::new(move |_| state.with_doc(|d| d.rate(g, i)));
    let mode = move || match spec.get() {
        Some(RateSpec::Evidence { .. }) => "evidence",
        Some(RateSpec::Range { .. }) => "range",
        _ => "fixed",
    };
    // A refused value (150 %) stays in its box with its message: the box
    // shows the document's own number, the count below shows "unknown".
    let pct = Signal::derive(move || match spec.get() {
        Some(RateSpec::Fixed { value }) => value * 100.0,
        Some(r) => r.mean().map_or(f64::NAN, |m| m * 100.0),
        None => f64::NAN,
    });
    // Rounded as the table and the funnel show people (0.1 below 100, whole
    // from 100): evidence of 910 of 3,050 reads 910, not 910.6.
    let count = Signal::derive(move || {
        let x = state
            .with_doc(|d| d.expected_counts(g).get(i).copied().flatten())
            .unwrap_or(f64::NAN);
        if x.abs() >= 100.0 {
            x.round()
        } else {
            (x * 10.0).round() / 10.0
        }
    });
    let stage_name = move |j: usize| {
        let lang = state.lang.get();
        state.with_doc(|d| d.stages.get(j).map(|l| l.text(lang)).unwrap_or_default())
    };
    let name = move || stage_name(i);
    let prev = move || stage_name(i - 1);
    let fixed = move || mode() == "fixed";
    // "SMB: Interest: Rate %".
    let named = move |parts: &[&str]| {
        segment_aria_name(state, g, many.get(), &[&[name().as_str()], parts].concat())
    };
    let ev_k = Signal::derive(move || match spec.get() {
        Some(RateSpec::Evidence { k, .. }) => k as f64,
        _ => 0.0,
    });
    let ev_n = Signal::derive(move || match spec.get() {
        Some(RateSpec::Evidence { n, .. }) => n as f64,
        _ => 0.0,
    });
    let r_lo = Signal::derive(move || match spec.get() {
        Some(RateSpec::Range { low, .. }) => low * 100.0,
        _ => 0.0,
    });
    let r_hi = Signal::derive(move || match spec.get() {
        Some(RateSpec::Range { high, .. }) => high * 100.0,
        _ => 0.0,
    });
    // What the last mode switch had to change, and the rate as it left it:
    // the note stays while the rate is unchanged (any later edit of it
    // makes the note old news).
    let note = RwSignal::new(None::<(ModeNote, Option<RateSpec>)>);
    let note_view = move || {
        note.get()
            .filter(|(_, at)| *at == spec.get())
            .map(|(n, _)| mode_note(i18n, state.lang.get(), n, format!("rate-mode-{g}-{i}")))
    };
    let set_ev = move |k: Option<f64>, n: Option<f64>| {
        state.edit(|d| {
            if let Some(RateSpec::Evidence { k: k0, n: n0 }) = d.rate(g, i) {
                // The inputs only pass whole numbers of people (`whole_in`).
                let k1 = k.map(|x| x as u64).unwrap_or(k0);
                let n1 = n.map(|x| x as u64).unwrap_or(n0);
                d.set_rate_spec(g, i, RateSpec::Evidence { k: k1, n: n1 });
            }
        })
    };
    let set_range = move |lo: Option<f64>, hi: Option<f64>| {
        state.edit(|d| {
            if let Some(RateSpec::Range { low, high }) = d.rate(g, i) {
                d.set_rate_spec(
                    g,
                    i,
                    RateSpec::Range {
                        low: lo.map(|x| x / 100.0).unwrap_or(low),
                        high: hi.map(|x| x / 100.0).unwrap_or(high),
                    },
                );
            }
        })
    };
    view! {
        <div class="rate-row" class:uncertain=move || !fixed()>
            <label class="lbl stage-lbl" title=move || format!("{} → {}", prev(), name())>
                <span class="arrow">"→ "</span>
                {name}
            </label>
            <NumInput
                field=Field::Rate(g, i)
                kind=NumKind::Percent
                class="short"
                value=pct
                decimals=2
                label=Signal::derive(move || named(&[t_string!(i18n, rate)]))
                disabled=Signal::derive(move || !fixed())
                on_value=Callback::new(move |v| state.edit(|d| d.set_rate(g, i, v / 100.0)))
            />
            <input
                type="range"
                min="0"
                max="100"
                step="0.1"
                class="slider"
                data-testid=format!("rate-slider-{g}-{i}")
                aria-label=move || named(&[t_string!(i18n, rate)])
                // Evidence and ranges are edited in their own boxes: dragging
                // here would silently replace them with a fixed rate.
                disabled=move || !fixed()
                prop:value=move || {
                    let p = pct.get();
                    if p.is_finite() { crate::numtext::display(p) } else { String::new() }
                }
                on:input=move |ev| {
                    if let Some(v) = crate::format::decimal_to_f64(&event_target_value(&ev)) {
                        let rate = FieldId::Model(Field::Rate(g, i));
                        state.edit_drag(rate, |d| d.set_rate(g, i, v / 100.0));
                    }
                }
            />
            <NumInput
                field=FieldId::Count(g, i)
                value=count
                decimals=1
                label=Signal::derive(move || named(&[t_string!(i18n, count)]))
                disabled=Signal::derive(move || !fixed())
                check=Callback::new(move |c: f64| {
                    let prev = state
                        .doc_now()
                        .expected_counts(g)
                        .get(i - 1)
                        .copied()
                        .flatten()
                        .unwrap_or(0.0);
                    (!(0.0..=prev).contains(&c) || prev <= 0.0)
                        .then_some(Problem::OutOfRange {
                            min: 0.0,
                            max: prev,
                        })
                })
                on_value=Callback::new(move |v| {
                    state
                        .edit(|d| {
                            d.set_count(g, i, v);
                        })
                })
            />
            <select
                data-testid=format!("rate-mode-{g}-{i}")
                prop:value=mode
                aria-label=move || named(&[t_string!(i18n, a11y_mode)])
                on:change=move |ev| {
                    let m = event_target_value(&ev);
                    let mut said = None;
                    state.edit(|d| said = d.set_rate_mode(g, i, &m));
                    note.set(said.map(|n| (n, state.doc_now().rate(g, i))));
                }
            >
                <option value="fixed" selected=move || mode() == "fixed">
                    {tr(i18n, |i| t_string!(i, mode_fixed))}
                </option>
                <option value="evidence" selected=move || mode() == "evidence">
                    {tr(i18n, |i| t_string!(i, mode_evidence))}
                </option>
                <option value="range" selected=move || mode() == "range">
                    {tr(i18n, |i| t_string!(i, mode_range))}
                </option>
            </select>
            {move || match mode() {
                "evidence" => {
                    Some(
                        view! {
                            <div class="uncertainty">
                                <NumInput
                                    field=Field::EvidenceK(g, i)
                                    value=ev_k
                                    class="short"
                                    label=Signal::derive(move || named(
                                        &[t_string!(i18n, a11y_converted)],
                                    ))
                                    check=whole_in(0.0, limits::MAX_EVIDENCE_N as f64)
                                    on_value=Callback::new(move |v| set_ev(Some(v), None))
                                />
                                <span>{tr(i18n, |i| t_string!(i, evidence_of))}</span>
                                <NumInput
                                    field=Field::EvidenceN(g, i)
                                    value=ev_n
                                    class="short"
                                    label=Signal::derive(move || named(
                                        &[t_string!(i18n, a11y_entered)],
                                    ))
                                    check=whole_in(0.0, limits::MAX_EVIDENCE_N as f64)
                                    on_value=Callback::new(move |v| set_ev(None, Some(v)))
                                />
                                <span>{tr(i18n, |i| t_string!(i, evidence_converted))}</span>
                            </div>
                        }
                            .into_any(),
                    )
                }
                "range" => {
                    Some(
                        view! {
                            <div class="uncertainty">
                                <NumInput
                                    field=Field::RateLow(g, i)
                                    kind=NumKind::Percent
                                    value=r_lo
                                    class="short"
                                    label=Signal::derive(move || named(
                                        &[t_string!(i18n, rate), t_string!(i18n, a11y_low)],
                                    ))
                                    on_value=Callback::new(move |v| set_range(Some(v), None))
                                />
                                <span>{tr(i18n, |i| t_string!(i, range_to))}</span>
                                <NumInput
                                    field=Field::RateHigh(g, i)
                                    kind=NumKind::Percent
                                    value=r_hi
                                    class="short"
                                    label=Signal::derive(move || named(
                                        &[t_string!(i18n, rate), t_string!(i18n, a11y_high)],
                                    ))
                                    on_value=Callback::new(move |v| set_range(None, Some(v)))
                                />
                                <span>"%"</span>
                            </div>
                        }
                            .into_any(),
                    )
                }
                _ => None,
            }}
            {note_view}
        </div>
    }
}

/// What is wrong with pasted counts.
#[derive(Clone, Copy, Debug, PartialEq)]
enum PasteIssue {
    Unreadable,
    /// One line that reads as one grouped number or as several counts.
    Ambiguous,
    Negative,
    Grows,
    NotWhole,
}

/// Planners paste a column of stage counts from a spreadsheet (or a row).
#[component]
pub fn PasteCounts(g: usize) -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    let field = FieldId::PasteCounts(g);
    let text = RwSignal::new(String::new());
    // Off by default: pasted counts become the plan's counts, as typed ones
    // do; ticked, they become evidence "k of n" per rate.
    let as_evidence = RwSignal::new(false);
    // (the value's place, its text, what is wrong).
    let problem = RwSignal::new(None::<(usize, String, PasteIssue)>);
    // While the box shows a problem the inputs are invalid (sim-status
    // `invalid`); rewriting the box, or leaving, clears it.
    let show = move |p: Option<(usize, String, PasteIssue)>| {
        match &p {
            Some(_) => state.set_typed_error(field, FieldMsg::Own),
            None => state.clear_typed_error(field),
        }
        problem.set(p);
    };
    on_cleanup(move || state.clear_typed_error(field));
    // Counts that do not fit the funnel's stages, waiting for the user's
    // choice (never applied in part): the counts and their labels.
    let mismatch = RwSignal::new(None::<(Vec<f64>, Vec<Option<String>>)>);
    // The labels of the last paste applied, offered as stage names.
    let labels = RwSignal::new(Vec::<Option<String>>::new());
    // `fit`: make the funnel as long as the paste first.
    let apply_with = move |fit: bool| {
        mismatch.set(None);
        labels.set(Vec::new());
        let pasted = match parse_counts(&text.get_untracked()) {
            Ok(p) => p,
            Err(line) => return show(Some((1, line, PasteIssue::Ambiguous))),
        };
        let mut counts = Vec::new();
        for (n, p) in pasted.iter().enumerate() {
            match p.value {
                Ok(c) => counts.push(c),
                Err(_) => return show(Some((n + 1, p.text.clone(), PasteIssue::Unreadable))),
            }
        }
        let names: Vec<Option<String>> = pasted.iter().map(|p| p.label.clone()).collect();
        let text_of = |n: usize| {
            pasted
                .get(n - 1)
                .map(|p| p.text.clone())
                .unwrap_or_default()
        };
        // Tried on a copy: a refused paste changes nothing (and is no edit).
        let doc = state.doc_now();
        let mut after = doc.clone();
        // A bad count is named first, whatever the length; then a length
        // that does not fit waits for the user's choice.
        let mut result = after.apply_counts(g, &counts, as_evidence.get_untracked());
        if result.is_ok() && counts.len() != doc.stages() && !counts.is_empty() {
            if !fit {
                show(None);
                mismatch.set(Some((counts, names)));
                return;
            }
            after = doc.clone();
            after.fit_stages(counts.len(), &names, t_string!(i18n, stage));
            result = after.apply_counts(g, &counts, as_evidence.get_untracked());
        }
        match result {
            Ok(()) => {
                show(None);
                if names.iter().any(Option::is_some) {
                    labels.set(names);
                }
                if after != doc {
                    state.edit(|d| *d = after);
                }
            }
            Err(CountsProblem::Negative { line }) => {
                show(Some((line, text_of(line), PasteIssue::Negative)))
            }
            Err(CountsProblem::Grows { line }) => {
                show(Some((line, text_of(line), PasteIssue::Grows)))
            }
            Err(CountsProblem::NotWhole { line }) => {
                show(Some((line, text_of(line), PasteIssue::NotWhole)))
            }
        }
    };
    view! {
        <details class="paste">
            <summary>{tr(i18n, |i| t_string!(i, paste_counts))}</summary>
            <textarea
                rows="5"
                data-testid=field.testid()
                aria-label=tr(i18n, |i| t_string!(i, paste_counts))
                placeholder=tr(i18n, |i| t_string!(i, paste_placeholder))
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    show(None);
                }
            ></textarea>
            <label class="check">
                <input
                    type="checkbox"
                    data-testid=format!("paste-evidence-{g}")
                    prop:checked=move || as_evidence.get()
                    on:change=move |ev| as_evidence.set(event_target_checked(&ev))
                />
                " "
                {tr(i18n, |i| t_string!(i, paste_as_evidence))}
            </label>
            <button
                class="btn small"
                data-testid=format!("paste-apply-{g}")
                on:click=move |_| apply_with(false)
            >
                {tr(i18n, |i| t_string!(i, paste_apply))}
            </button>
            {move || {
                mismatch
                    .get()
                    .map(|(counts, _)| {
                        let (n, k) = (counts.len(), state.with_doc(|d| d.stages()));
                        let fits = (limits::MIN_STAGES..=limits::MAX_STAGES).contains(&n);
                        view! {
                            <div
                                class="notice paste-mismatch"
                                role="status"
                                data-testid=format!("paste-mismatch-{g}")
                            >
                                <p>{t_string!(i18n, paste_mismatch, n = n, k = k).to_string()}</p>
                                {fits
                                    .then(|| {
                                        view! {
                                            <button
                                                class="btn small"
                                                data-testid=format!("paste-fit-{g}")
                                                on:click=move |_| apply_with(true)
                                            >
                                                {t_string!(i18n, paste_fit, n = n).to_string()}
                                            </button>
                                        }
                                    })}
                                <button
                                    class="btn small"
                                    data-testid=format!("paste-keep-{g}")
                                    on:click=move |_| mismatch.set(None)
                                >
                                    {t_string!(i18n, paste_keep, k = k).to_string()}
                                </button>
                            </div>
                        }
                    })
            }}
            {move || {
                (!labels.get().is_empty())
                    .then(|| {
                        view! {
                            <button
                                class="btn small"
                                data-testid=format!("paste-rename-{g}")
                                on:click=move |_| {
                                    let names = labels.get_untracked();
                                    state.edit(|d| d.rename_stages(&names));
                                    labels.set(Vec::new());
                                }
                            >
                                {tr(i18n, |i| t_string!(i, paste_rename))}
                            </button>
                        }
                    })
            }}
            {move || {
                problem
                    .get()
                    .map(|(line, bad, issue)| {
                        let text = match issue {
                            PasteIssue::Unreadable => {
                                t_string!(i18n, paste_bad, line = line, text = bad)
                            }
                            PasteIssue::Ambiguous => t_string!(i18n, paste_ambiguous, text = bad),
                            PasteIssue::Negative => {
                                t_string!(i18n, paste_negative, line = line, text = bad)
                            }
                            PasteIssue::Grows => {
                                t_string!(i18n, paste_grows, line = line, text = bad)
                            }
                            PasteIssue::NotWhole => {
                                t_string!(i18n, paste_whole, line = line, text = bad)
                            }
                        }
                            .to_string();
                        field_error(field, text)
                    })
            }}
        </details>
    }
}
