//! Numbers in the page's language: display (tables, chart axes, money, percent)
//! and parsing what people type or paste in either language.
//!
//! Chinese readers count in 万 (10⁴) and 亿 (10⁸), so "1.5万" rather than
//! "15,000"; English readers group thousands with commas. Every function here is
//! total: it never panics, and a value that is not a finite number is shown as
//! "—" so a broken result never looks like a real one. Negative numbers use the
//! typographic minus U+2212, which lines up with digits in tables.
//!
//! One concept a file: [`lang`] (language and currency), [`display`],
//! [`parse`] (typed and pasted numbers) and [`decimal`] (text to integers
//! and decimals). Callers use the re-exports, `crate::format::X`.

mod decimal;
mod display;
mod lang;
mod parse;

pub use decimal::{decimal_to_f64, parse_whole, Whole};
pub use display::{
    fixed, format_compact, format_count, format_money, format_money_compact, format_number,
    format_percent, format_prob, trim_zeros,
};
pub use lang::{Currency, Lang};
pub use parse::{parse_counts, parse_number, parse_percent, ParseError, Pasted};
