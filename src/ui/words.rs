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
