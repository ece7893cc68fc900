//! Words several components need, in the page's language. A leaf module:
//! components use it, it uses none of them.

use leptos_i18n::I18nContext;

use crate::document::Period;
use crate::i18n::*;

pub fn period_word(i18n: I18nContext<Locale>, p: Period) -> String {
    match p {
        Period::Month => t_string!(i18n, period_month).to_string(),
        Period::Quarter => t_string!(i18n, period_quarter).to_string(),
    }
}

/// A colon in `lang`'s punctuation: full-width in Chinese ("P5–P95：¥23.1万").
pub fn colon(lang: crate::format::Lang) -> &'static str {
    if lang == crate::format::Lang::Zh {
        "："
    } else {
        ": "
    }
}

/// `inner` in parentheses after a word, in `lang`'s punctuation:
/// " (…)" in English, "（…）" in Chinese.
pub fn paren(lang: crate::format::Lang, inner: &str) -> String {
    if lang == crate::format::Lang::Zh {
        format!("（{inner}）")
    } else {
        format!(" ({inner})")
    }
}

/// What a figure covers: "per month" (a run of one period), or "within 12
/// months" (a run over months, `horizon` its months).
pub fn per_run(i18n: I18nContext<Locale>, p: Period, horizon: Option<usize>) -> String {
    match horizon {
        Some(h) => t_string!(i18n, within_months, h = h).to_string(),
        None => t_string!(i18n, per_period, period = period_word(i18n, p)).to_string(),
    }
}

/// The revenue chart's title: revenue per period, or in months within the
/// horizon (`horizon`: the run's months, when it ran over months).
pub fn revenue_title(i18n: I18nContext<Locale>, p: Period, horizon: Option<usize>) -> String {
    match horizon {
        Some(h) => t_string!(i18n, chart_revenue_within, h = h).to_string(),
        None => t_string!(i18n, chart_revenue, period = period_word(i18n, p)).to_string(),
    }
}

/// A text of the page that follows its language: `tr(i18n, |i|
/// t_string!(i, key))` in a view, as a text node or an attribute. One
/// function type for every text: each `t!` (or `move || t_string!`) was a
/// closure of its own, and every closure type instantiates the view code
/// that builds, updates and tracks it again.
pub fn tr(
    i18n: I18nContext<Locale>,
    text: fn(I18nContext<Locale>) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    move || text(i18n)
}

/// Today's date in the page's language ("7 December 2026", "2026年12月7日").
pub fn today(lang: crate::format::Lang) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let locale = match lang {
            crate::format::Lang::Zh => "zh-CN",
            crate::format::Lang::En => "en-GB",
        };
        let opts = js_sys::Object::new();
        for (k, v) in [("year", "numeric"), ("month", "long"), ("day", "numeric")] {
            let _ = js_sys::Reflect::set(&opts, &k.into(), &v.into());
        }
        js_sys::Date::new_0()
            .to_locale_date_string(locale, &opts)
            .into()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = lang;
        String::new()
    }
}
