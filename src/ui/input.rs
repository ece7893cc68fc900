//! A number input that is checked where it is typed: text that is not a
//! number gets a message beside the field and changes nothing; a number goes
//! to the document (where the engine's validation may still refuse it, with
//! its own message beside the same field).

use leptos::prelude::*;
use web_sys::HtmlInputElement;

use crate::fields::{FieldId, Unit};
use crate::format::{format_number, parse_number, parse_percent, Lang, ParseError};
use crate::i18n::*;
use crate::ui::state::{use_state, FieldMsg};
use funnelcast_engine::Problem;
use leptos_i18n::I18nContext;

/// Plain text for an input box: no grouping, at most `decimals` decimals,
/// trailing zeros trimmed.
pub fn input_text_with(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return String::new();
    }
    // A huge value (from a link or file; refused beside its field) in
    // exponent form, "1e300", which `parse_number` reads back: written out
    // it would be 301 digits.
    if x.abs() >= 1e15 {
        return crate::numtext::exponent(x);
    }
    // Half away from zero, as the tables round (format/display.rs).
    crate::format::trim_zeros(crate::format::fixed(x, decimals))
}

/// Whether the text in a box already means `v` at the precision it is shown.
fn same(a: f64, b: f64, decimals: usize) -> bool {
    let tol = 0.5 * 10f64.powi(-(decimals as i32));
    (a - b).abs() <= tol.max(1e-9 * a.abs().max(b.abs()).max(1.0))
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NumKind {
    Plain,
    Percent,
}

/// An accessible name from parts, joined the page's way: "Interest: Rate %",
/// "兴趣：转化率 %". Empty parts are left out (a segment's name when there is
/// only one segment).
pub fn aria_name(lang: crate::format::Lang, parts: &[&str]) -> String {
    let sep = crate::ui::words::colon(lang);
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(sep)
}

/// A number input bound to `value`; `on_value` gets every parsed number.
/// While the typed text already means the current value it is left alone, so
/// typing "1." or "1.5万" is never rewritten under the cursor.
#[component]
pub fn NumInput(
    #[prop(into)] field: FieldId,
    #[prop(into)] value: Signal<f64>,
    #[prop(into)] on_value: Callback<f64>,
    #[prop(optional)] kind: Option<NumKind>,
    #[prop(optional, into)] label: Option<Signal<String>>,
    #[prop(optional, into)] class: Option<String>,
    /// An empty box is allowed and means "not set": `on_value` gets NaN.
    #[prop(optional)]
    optional: bool,
    /// Decimals shown when the value changes from elsewhere (what the user
    /// types is never rewritten); 6 when not given.
    #[prop(optional)]
    decimals: Option<usize>,
    /// A check of the typed number made here, before the document sees it
    /// (e.g. "a whole number"): its problem is shown beside the field.
    #[prop(optional, into)]
    check: Option<Callback<f64, Option<Problem>>>,
    /// Read-only while true (e.g. a rate that comes from evidence).
    #[prop(optional, into)]
    disabled: Option<Signal<bool>>,
) -> impl IntoView {
    let decimals = decimals.unwrap_or(6);
    let state = use_state();
    let kind = kind.unwrap_or(NumKind::Plain);
    let parse = move |s: &str| match kind {
        NumKind::Plain => parse_number(s),
        NumKind::Percent => parse_percent(s),
    };
    let node = NodeRef::<leptos::html::Input>::new();
    on_cleanup(move || state.clear_typed_error(field));
    Effect::new(move |_| {
        let v = value.get();
        if let Some(el) = node.get() {
            let el: &HtmlInputElement = &el;
            let text = el.value();
            let shown = parse(&text);
            let unchanged = match shown {
                Ok(x) => same(x, v, decimals),
                Err(ParseError::Empty) => optional && v.is_nan(),
                Err(_) => false,
            };
            if !unchanged {
                // The box now shows the document's value: its own message,
                // if any, no longer applies.
                el.set_value(&input_text_with(v, decimals));
                state.clear_typed_error(field);
            }
        }
    });
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        match parse(&text) {
            Err(ParseError::Empty) if optional => {
                state.clear_typed_error(field);
                // One undo step for the keystrokes of one value.
                state.typing(field, || on_value.run(f64::NAN));
            }
            Ok(x) => match check.and_then(|c| c.run(x)) {
                Some(problem) => {
                    state.set_typed_error(field, FieldMsg::Model(in_field_unit(problem, kind)))
                }
                None => {
                    state.clear_typed_error(field);
                    state.typing(field, || on_value.run(x));
                }
            },
            Err(e) => state.set_typed_error(field, FieldMsg::Parse(e)),
        }
    };
    let has_error = Memo::new(move |_| state.field_msg(field).is_some());
    let aria = label.map(|l| move || l.get());
    view! {
        <input
            node_ref=node
            type="text"
            inputmode="decimal"
            autocomplete="off"
            class=format!("num {}", class.unwrap_or_default())
            class:bad=move || has_error.get()
            data-testid=field.testid()
            aria-label=aria
            aria-invalid=move || if has_error.get() { "true" } else { "false" }
            // A screen reader says the message with the box, not only once.
            aria-describedby=move || has_error.get().then(|| error_id(field))
            value=input_text_with(value.get_untracked(), decimals)
            disabled=move || disabled.is_some_and(|d| d.get())
            on:input=on_input
        />
        <FieldError field=field />
    }
}

/// A check's problem, whose bounds are in the typed unit (percent), in the
/// engine's unit (fractions) as every message expects: a probability box's
/// "1 to 99.9" read as "100 to 9,990".
fn in_field_unit(p: Problem, kind: NumKind) -> Problem {
    match (p, kind) {
        (Problem::OutOfRange { min, max }, NumKind::Percent) => Problem::OutOfRange {
            min: min / 100.0,
            max: max / 100.0,
        },
        _ => p,
    }
}

/// A field message in the page's language. Bounds are printed with the
/// page's number formatting, in the field's unit, and an end the field
/// refuses itself is said so ("more than 0 and at most 1,000,000,000").
pub fn field_msg_text(i18n: I18nContext<Locale>, field: FieldId, msg: &FieldMsg) -> String {
    let lang = if i18n.get_locale() == Locale::zh {
        Lang::Zh
    } else {
        Lang::En
    };
    // The engine's bounds are fractions; percent fields show them in percent.
    let scale = if field.unit() == Unit::Percent {
        100.0
    } else {
        1.0
    };
    let num = |x: f64| format_number(x * scale, lang);
    match *msg {
        FieldMsg::Parse(ParseError::Empty) => t_string!(i18n, err_empty).to_string(),
        FieldMsg::Parse(_) => t_string!(i18n, err_not_number).to_string(),
        FieldMsg::Own => String::new(),
        FieldMsg::Model(p) => match p {
            Problem::OutOfRange { min, max } => {
                let (min, max) = (num(min), num(max));
                match field.open_ends() {
                    (true, true) => t_string!(i18n, err_range_open, min = min, max = max),
                    (true, false) => t_string!(i18n, err_range_open_low, min = min, max = max),
                    _ => t_string!(i18n, err_range, min = min, max = max),
                }
                .to_string()
            }
            Problem::NotFinite => t_string!(i18n, err_not_number).to_string(),
            Problem::NotWhole => t_string!(i18n, err_whole).to_string(),
            Problem::LowNotBelowHigh => t_string!(i18n, err_low_high).to_string(),
            Problem::MoreSuccessesThanTrials => t_string!(i18n, err_k_n).to_string(),
            Problem::TooMany { max } => t_string!(i18n, err_too_many, max = max).to_string(),
            Problem::TooFew { min } => t_string!(i18n, err_too_few, min = min).to_string(),
            Problem::NoSuchIndex => t_string!(i18n, err_no_index).to_string(),
            Problem::TrialsForScenarios { max, scenarios } => t_string!(
                i18n,
                err_trials_scenarios,
                max = format_number(max as f64, lang),
                n = scenarios
            )
            .to_string(),
            Problem::RangeTooNarrow => t_string!(i18n, err_range_too_narrow).to_string(),
            Problem::RangeTooWide { max_ratio } => {
                let max = format_number(max_ratio, lang);
                t_string!(i18n, err_range_too_wide, max = max).to_string()
            }
            Problem::P90BelowMedian => t_string!(i18n, err_p90_below).to_string(),
            Problem::SlowCaseOfNoLag => t_string!(i18n, err_no_lag_slow).to_string(),
            Problem::EndBeforeStart => t_string!(i18n, err_end_before_start).to_string(),
            _ => t_string!(i18n, err_generic).to_string(),
        },
    }
}

/// The message beside a field, when it has one.
#[component]
pub fn FieldError(#[prop(into)] field: FieldId) -> impl IntoView {
    let state = use_state();
    let i18n = use_i18n();
    move || {
        state
            .field_msg(field)
            .map(|msg| field_error(field, field_msg_text(i18n, field, &msg)))
    }
}

/// The element of a message beside `field` (the test contract's
/// `field-error` with `data-field`), for fields that word their own.
pub fn field_error(field: FieldId, text: String) -> impl IntoView {
    view! {
        <span
            class="field-error"
            role="alert"
            id=error_id(field)
            data-testid="field-error"
            data-field=field.testid()
        >
            {text}
        </span>
    }
}

/// The id of `field`'s message, for the box's `aria-describedby`.
pub fn error_id(field: FieldId) -> String {
    format!("err-{}", field.testid())
}

/// A check for `NumInput`: whole numbers in `[min, max]`.
pub fn whole_in(min: f64, max: f64) -> Callback<f64, Option<Problem>> {
    Callback::new(move |x: f64| whole_problem(x, min, max))
}

/// [`whole_in`]'s decision, as plain code (tested natively).
pub fn whole_problem(x: f64, min: f64, max: f64) -> Option<Problem> {
    if x.fract() != 0.0 {
        Some(Problem::NotWhole)
    } else if !(min..=max).contains(&x) {
        Some(Problem::OutOfRange { min, max })
    } else {
        None
    }
}

/// A check for `NumInput`: numbers in `[min, max]`.
pub fn within(min: f64, max: f64) -> Callback<f64, Option<Problem>> {
    Callback::new(move |x: f64| {
        (!(min..=max).contains(&x)).then_some(Problem::OutOfRange { min, max })
    })
}

/// A small "?" beside a concept. Its explanation is the hover title for a
/// mouse, and a bubble while focused (a tap, or Tab) for touch and keyboard.
#[component]
pub fn Hint(#[prop(into)] text: Signal<String>) -> impl IntoView {
    view! {
        <span
            class="hint"
            tabindex="0"
            role="img"
            data-testid="hint"
            aria-label=move || text.get()
            title=move || text.get()
        >
            "?"
            <span class="bubble" aria-hidden="true">
                {move || text.get()}
            </span>
        </span>
    }
}

/// Beside an "add" button at its limit: the button is disabled and this says
/// why (a click that silently does nothing would leave a trainer guessing).
#[component]
pub fn LimitNote(
    /// The add button's test id (`add-stage`, …), named by `data-field`.
    #[prop(into)]
    field: String,
    #[prop(into)] at_limit: Signal<bool>,
    #[prop(into)] text: Signal<String>,
) -> impl IntoView {
    move || {
        at_limit.get().then(|| {
            view! {
                <span
                    class="limit-note"
                    role="status"
                    data-testid="limit-note"
                    data-field=field.clone()
                >
                    {text.get()}
                </span>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed box sets only seeds the decoder reads back: a seed of 2^64
    /// (shown as "1.8446744073709552e19") or 2^53 gets a message beside the
    /// field, 2^53 - 1 is set exactly.
    #[test]
    fn the_seed_box_refuses_seeds_above_2_pow_53() {
        use crate::document::MAX_SEED;
        let max = MAX_SEED as f64;
        assert_eq!(max as u64, MAX_SEED, "held exactly");
        for typed in [
            "1.8446744073709552e19",
            "18446744073709551615",
            "9007199254740992",
        ] {
            let x = parse_number(typed).unwrap();
            assert_eq!(
                whole_problem(x, 0.0, max),
                Some(Problem::OutOfRange { min: 0.0, max }),
                "{typed}"
            );
        }
        let x = parse_number("9007199254740991").unwrap();
        assert_eq!(whole_problem(x, 0.0, max), None);
        assert_eq!(x as u64, MAX_SEED);
        // Shown in exponent form (as every number from 1e15), read back whole.
        assert_eq!(parse_number(&input_text_with(x, 6)), Ok(x));
    }

    /// A huge value in a box reads back as itself and is short: a link with
    /// a cost of 1e300 showed 301 digits.
    #[test]
    fn huge_values_are_shown_in_exponent_form() {
        for x in [
            1e300,
            -1e300,
            1e15,
            1e15 + 0.5,
            f64::MAX,
            -f64::MAX,
            123_456_789_012_345_680.0,
        ] {
            let s = input_text_with(x, 6);
            assert!(s.len() <= 24, "{s}");
            assert_eq!(parse_number(&s), Ok(x), "{s}");
        }
        assert_eq!(input_text_with(999_999_999_999_999.0, 6), "999999999999999");
        assert_eq!(input_text_with(1e300, 6), "1e300");
        assert_eq!(input_text_with(-1.5e20, 6), "-1.5e20");
        assert_eq!(input_text_with(2.5, 6), "2.5");
    }
}

/// What [`IndexRows`] builds for one index.
pub type Row = std::sync::Arc<dyn Fn(usize) -> AnyView + Send + Sync>;

/// Keyed rows for the indices `from..to`: adding or removing one builds or
/// drops one row, and the others only update what they show. Every list of
/// the page (stages, segments, rates, scenarios) goes through this one
/// `<For>`: each call site's own `<For>` instantiated ≈ 6.6 KB of .wasm.
#[component]
pub fn IndexRows(from: usize, #[prop(into)] to: Signal<usize>, row: Row) -> impl IntoView {
    view! { <For each=move || from..to.get() key=|i| *i children=move |i| row(i) /> }
}
