//! Numbers in the page's language: display (tables, chart axes, money, percent)
//! and parsing what people type or paste in either language.
//!
//! Chinese readers count in 万 (10⁴) and 亿 (10⁸), so "1.5万" rather than
//! "15,000"; English readers group thousands with commas. Every function here is
//! total: it never panics, and a value that is not a finite number is shown as
//! "—" so a broken result never looks like a real one. Negative numbers use the
//! typographic minus U+2212, which lines up with digits in tables.

use serde::{Deserialize, Serialize};

/// Shown in place of NaN and ±∞.
const MISSING: &str = "—";
/// U+2212 MINUS SIGN: the hyphen-minus is narrower than digits and looks like a dash.
const MINUS: char = '\u{2212}';

/// The page's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// The code used in links and storage: "en" or "zh".
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The inverse of [`Lang::code`]; also accepts a region tag ("zh-CN",
    /// "en_GB") and any letter case, since codes come from links people edit.
    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        let primary = code.split(['-', '_']).next().unwrap_or("");
        match primary {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    /// The default language from the browser: Zh when the most preferred
    /// language is any Chinese ("zh", "zh-CN", "zh-Hant-TW"), else En.
    ///
    /// Accepts either `navigator.language` ("zh-CN") or an Accept-Language style
    /// list ("en-US,en;q=0.9,zh;q=0.8"); in a list the highest `q` wins and ties
    /// go to the earlier entry, as HTTP specifies.
    pub fn from_browser(accept: &str) -> Lang {
        let mut best: Option<(f64, &str)> = None;
        for item in accept.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            if tag.is_empty() || tag == "*" {
                continue;
            }
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| decimal_to_f64(q.trim()))
                .find(|q| q.is_finite())
                .unwrap_or(1.0);
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, tag));
            }
        }
        match best {
            Some((_, tag)) if tag.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }
}

/// The currency of deal values. Serialised as its ISO code ("CNY"), which stays
/// readable in exported JSON and stable in shared links.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    Cny,
    Usd,
    Eur,
    Gbp,
}

impl Currency {
    /// Every currency, in the order a picker lists them.
    pub const ALL: [Currency; 4] = [Currency::Cny, Currency::Usd, Currency::Eur, Currency::Gbp];

    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Cny => "¥",
            Currency::Usd => "$",
            Currency::Eur => "€",
            Currency::Gbp => "£",
        }
    }

    /// The ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Cny => "CNY",
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
        }
    }

    /// The inverse of [`Currency::code`], in any letter case.
    pub fn from_code(code: &str) -> Option<Currency> {
        let code = code.trim();
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code))
    }

    /// The currency a new model starts with in each language.
    pub fn default_for(lang: Lang) -> Currency {
        match lang {
            Lang::Zh => Currency::Cny,
            Lang::En => Currency::Usd,
        }
    }
}

// ---------------------------------------------------------------------------
// Display

/// How many decimals small values keep; the large-value rules are shared.
#[derive(Clone, Copy)]
enum Style {
    /// Tables: up to 2 decimals below 10, 1 below 100, none above.
    Number,
    /// People: 1 decimal below 100 (a mean may be fractional), none above.
    Count,
    /// Axis labels: at most 3 significant digits.
    Compact,
}

/// A table number: "15,000", "2.5", "−3,200" in English; "9999", "1.5万",
/// "12.35万", "3.2亿", "1.23万亿" in Chinese.
///
/// English: |x| ≥ 100 has no decimals, ≥ 10 one, below that two (or two
/// significant digits when two decimals would show 0, so 0.0042 stays visible);
/// trailing zeros are dropped. Chinese: below 1万 the same digits without
/// grouping (Chinese text does not group below 万); from 1万 on, at most four
/// significant digits in 万, 亿 or 万亿, moving up a unit when rounding reaches
/// 10000 of the smaller one (99,995,000 is "1亿", never "10000万").
pub fn format_number(x: f64, lang: Lang) -> String {
    signed(x, |a| magnitude(a, lang, Style::Number))
}

/// An axis label: "15k", "1.2M", "3.4B", "2T" in English; in Chinese like
/// [`format_number`] with at most three significant digits ("12.3万").
/// Below the first unit the integer digits are kept whole ("1234" in Chinese,
/// "950" in English); three significant digits apply to the fraction only.
pub fn format_compact(x: f64, lang: Lang) -> String {
    signed(x, |a| magnitude(a, lang, Style::Compact))
}

/// A people count, e.g. a mean number of customers: one decimal below 100,
/// none from 100 on, trailing zeros dropped ("12.3", "7", "1,235"; "1.5万").
pub fn format_count(x: f64, lang: Lang) -> String {
    signed(x, |a| magnitude(a, lang, Style::Count))
}

/// Money: the currency symbol before the number, the sign before both:
/// "$1,234,568", "¥12.35万", "−$3,200".
///
/// Below 100 cents matter (a price of 49.99), so the amount is rounded to
/// cents and shown with two decimals unless it is whole ("$49.99", "$2.50",
/// "$50"). From 100 on it is [`format_number`].
pub fn format_money(x: f64, currency: Currency, lang: Lang) -> String {
    signed(x, |a| {
        let body = if a < 100.0 {
            let cents = round_fixed(a, 2);
            if cents.ends_with(".00") {
                cents[..cents.len() - 3].to_string()
            } else {
                cents
            }
        } else {
            magnitude(a, lang, Style::Number)
        };
        format!("{}{}", currency.symbol(), body)
    })
}

/// A fraction as a percentage with a fixed number of decimals: 0.25 → "25.0%"
/// with 1 decimal. The same in both languages.
pub fn format_percent(frac: f64, decimals: usize) -> String {
    // More than 12 decimals of a percentage is noise from the binary fraction.
    let decimals = decimals.min(12);
    signed(frac * 100.0, |a| format!("{}%", round_fixed(a, decimals)))
}

/// Applies the sign around the formatted magnitude, "—" for non-finite input,
/// and no sign when the shown digits are all zero (never "−0").
fn signed(x: f64, body: impl Fn(f64) -> String) -> String {
    if !x.is_finite() {
        return MISSING.to_string();
    }
    let s = body(x.abs());
    let shows_nonzero = s.chars().any(|c| c.is_ascii_digit() && c != '0');
    if x < 0.0 && shows_nonzero {
        format!("{MINUS}{s}")
    } else {
        s
    }
}

/// The unsigned body for a finite `a ≥ 0`.
fn magnitude(a: f64, lang: Lang, style: Style) -> String {
    match (lang, style) {
        (Lang::En, Style::Compact) => {
            const UNITS: [(f64, &str); 5] =
                [(1.0, ""), (1e3, "k"), (1e6, "M"), (1e9, "B"), (1e12, "T")];
            with_units(a, &UNITS, 1000.0, 3)
        }
        (Lang::En, _) => group_thousands(&small(a, style)),
        (Lang::Zh, style) => {
            const UNITS: [(f64, &str); 4] = [(1.0, ""), (1e4, "万"), (1e8, "亿"), (1e12, "万亿")];
            if matches!(style, Style::Compact) {
                return with_units(a, &UNITS, 1e4, 3);
            }
            if a < 1e4 {
                let s = small(a, style);
                // 9999.6 rounds to "10000", which is 1万 (and nothing below
                // 1万 rounds further than that).
                return if int_digits(&s) <= 4 {
                    s
                } else {
                    "1万".to_string()
                };
            }
            with_units(a, &UNITS[1..], 1e4, 4)
        }
    }
}

/// Digits for the non-unit styles (English, and Chinese below 万).
fn small(a: f64, style: Style) -> String {
    let decimals = match style {
        Style::Count => {
            if a >= 100.0 {
                0
            } else {
                1
            }
        }
        _ => {
            if a >= 100.0 {
                0
            } else if a >= 10.0 {
                1
            } else {
                2
            }
        }
    };
    let s = trim_zeros(round_fixed(a, decimals));
    if s == "0" && a > 0.0 && matches!(style, Style::Number) {
        // Two decimals would hide a small nonzero value: keep 2 significant digits.
        return trim_zeros(round_fixed(a, sig_decimals(a, 2)));
    }
    s
}

/// Shows `a` in the largest unit of `units` (ascending, first is the smallest
/// allowed) not above it, with `sig` significant digits (integer digits are
/// never rounded away). When rounding reaches `next` of a unit (1000k, 10000万)
/// the result is one of the next unit instead.
fn with_units(a: f64, units: &[(f64, &str)], next: f64, sig: usize) -> String {
    let i = units.iter().rposition(|&(u, _)| a >= u).unwrap_or(0);
    let (unit, name) = units[i];
    let v = a / unit;
    let s = trim_zeros(round_fixed(v, sig_decimals(v, sig)));
    let reached_next = decimal_to_f64(&s).is_some_and(|r| r >= next);
    match units.get(i + 1) {
        // `a` is below the next unit yet rounds up to it, so it is exactly one
        // of it at this precision. Saying so directly avoids re-rounding an
        // exact tie such as 0.99995 that binary division may land just below.
        Some((_, next_name)) if reached_next => format!("1{next_name}"),
        _ => format!("{s}{name}"),
    }
}

/// Decimals giving `sig` significant digits for `v ≥ 0` (but never rounding
/// the integer part), capped so tiny values become "0" rather than long strings.
fn sig_decimals(v: f64, sig: usize) -> usize {
    if v >= 1.0 {
        let mut digits = 1;
        let mut t = 10.0;
        while v >= t && digits < sig {
            digits += 1;
            t *= 10.0;
        }
        sig.saturating_sub(digits)
    } else if v > 0.0 {
        // Leading zeros after the point, then `sig` digits.
        let mut zeros = 0;
        let mut t = 0.1;
        while v < t && zeros < 12 {
            zeros += 1;
            t /= 10.0;
        }
        (zeros + sig).min(14)
    } else {
        0
    }
}

/// `a ≥ 0` rounded half away from zero to `decimals` places, as digits with a
/// '.' when `decimals > 0`. Half-up matches what people expect when checking a
/// table by hand (0.125 → "0.13"); `format!("{:.2}")` rounds the binary value
/// instead and can go either way.
fn round_fixed(a: f64, decimals: usize) -> String {
    let scaled = (a * 10f64.powi(decimals as i32)).round();
    if !scaled.is_finite() || scaled >= 1e300 {
        // So large that it is whole (or not finite): its shortest digits.
        let zeros = "0".repeat(decimals);
        let point = if decimals > 0 { "." } else { "" };
        return format!("{}{point}{zeros}", crate::numtext::display(a));
    }
    // Whole, below 1e300: below 2^53 its shortest digits are all of it.
    let digits = crate::numtext::display(scaled);
    if decimals == 0 {
        return digits;
    }
    let padded = format!("{digits:0>width$}", width = decimals + 1);
    let (int, frac) = padded.split_at(padded.len() - decimals);
    format!("{int}.{frac}")
}

/// `x` with `decimals` decimals, as `format!("{x:.2}")` writes it but rounded
/// half away from zero like the tables, and never "-0.0": an ASCII '-' for
/// text that is read back or shown small (progress, points typed elsewhere).
pub fn fixed(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return crate::numtext::display(x);
    }
    let s = round_fixed(x.abs(), decimals);
    if x < 0.0 && s.chars().any(|c| matches!(c, '1'..='9')) {
        format!("-{s}")
    } else {
        s
    }
}

/// "2.50" → "2.5", "3.00" → "3"; integers are left alone.
pub fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn int_digits(s: &str) -> usize {
    s.chars().take_while(|c| c.is_ascii_digit()).count()
}

/// "1234567.5" → "1,234,567.5".
fn group_thousands(s: &str) -> String {
    let (int, rest) = match s.find('.') {
        Some(i) => s.split_at(i),
        None => (s, ""),
    };
    let mut out = String::with_capacity(s.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------
// Parsing

/// Why typed text is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    /// Nothing but spaces was typed.
    Empty,
    /// Something was typed, but it is not a finite number.
    NotANumber,
}

/// Parses a number as people type it in either language.
///
/// Accepts ASCII and full-width digits (３２), a leading sign (+ - − －),
/// spaces of any width anywhere (removed), a currency symbol after the sign
/// ($ ¥ ￥ € £), grouping commas (`,` or `，`, only in groups of three so that a
/// European "1,5" is rejected rather than read as 15), one decimal point (`.`,
/// full-width `．`, or `。` as Chinese IMEs type it — a second one is an
/// error), an exponent ("1e3"), and one unit at the end: 千 10³, 万 10⁴,
/// 亿 10⁸, 万亿 10¹², k 10³, m 10⁶, b 10⁹ (any case). A trailing % is
/// rejected: use [`parse_percent`].
///
/// # Errors
/// [`ParseError::Empty`] for blank input, [`ParseError::NotANumber`] for
/// anything else that is not a finite number.
pub fn parse_number(s: &str) -> Result<f64, ParseError> {
    let norm = normalise(s);
    if norm.is_empty() {
        return Err(ParseError::Empty);
    }
    parse_normalised(&norm)
}

/// Like [`parse_number`], but allows a trailing `%` or `％` and returns the
/// number as typed in percent: "25%" → 25.0, "２５" → 25.0.
///
/// # Errors
/// As [`parse_number`]; a lone "%" is [`ParseError::NotANumber`].
pub fn parse_percent(s: &str) -> Result<f64, ParseError> {
    let norm = normalise(s);
    if norm.is_empty() {
        return Err(ParseError::Empty);
    }
    let body = norm.strip_suffix('%').unwrap_or(&norm);
    parse_normalised(body)
}

/// One value of a pasted column or row: its text as pasted, and its number.
#[derive(Clone, Debug, PartialEq)]
pub struct Pasted {
    pub text: String,
    pub value: Result<f64, ParseError>,
}

/// Counts pasted from a spreadsheet or a CRM export, in order: a column (one
/// value per line, LF or CRLF) or a row (values separated by tabs,
/// semicolons or spaces — a row is never glued into one number). Blank cells
/// are skipped; each value is read by [`parse_number`], so in a column a
/// comma groups thousands ("10,000" is one count).
///
/// On a single line commas may also separate values ("500,100,20"), but a
/// line that reads equally well as one grouped number ("500,100,020") is
/// refused as ambiguous rather than guessed.
///
/// # Errors
/// The ambiguous line's text.
pub fn parse_counts(s: &str) -> Result<Vec<Pasted>, String> {
    let lines: Vec<&str> = s.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let cells = |line: &str| -> Vec<String> {
        line.split(|c: char| c.is_whitespace() || matches!(c, ';' | '；'))
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut out = Vec::new();
    for line in &lines {
        for cell in cells(line) {
            let commas = cell.matches([',', '，']).count();
            let grouped = parse_number(&cell).is_ok();
            let parts: Vec<&str> = cell.split([',', '，']).filter(|p| !p.is_empty()).collect();
            let as_row = lines.len() == 1 && commas > 0;
            if as_row && grouped {
                return Err(line.to_string());
            }
            if as_row {
                out.extend(parts.into_iter().map(|p| Pasted {
                    text: p.to_string(),
                    value: parse_number(p),
                }));
            } else {
                out.push(Pasted {
                    value: parse_number(&cell),
                    text: cell,
                });
            }
        }
    }
    Ok(out)
}

/// Folds full-width and alternative characters to ASCII and drops all spaces,
/// so the grammar below only sees one spelling of each symbol.
fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{200B}' | '\u{FEFF}'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' | '。' => '.',
            '，' => ',',
            '\u{2212}' | '－' | '﹣' | '\u{2013}' => '-',
            '＋' => '+',
            '％' => '%',
            '￥' => '¥',
            'ｅ' => 'e',
            'Ｅ' => 'E',
            'ｋ' | 'Ｋ' => 'k',
            'ｍ' | 'Ｍ' => 'm',
            'ｂ' | 'Ｂ' => 'b',
            other => other,
        })
        .collect()
}

fn parse_normalised(s: &str) -> Result<f64, ParseError> {
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let rest = ['$', '¥', '€', '£']
        .iter()
        .find_map(|&c| rest.strip_prefix(c))
        .unwrap_or(rest);
    // Units as powers of ten, applied to the decimal text itself: "1.1亿" is
    // read as 1.1e8, exactly 110,000,000 — not 1.1 × 1e8 in binary floating
    // point (110,000,000.00000001, which "a whole number" would refuse).
    const UNITS: [(&str, i32); 10] = [
        ("万亿", 12),
        ("亿", 8),
        ("万", 4),
        ("千", 3),
        ("k", 3),
        ("K", 3),
        ("m", 6),
        ("M", 6),
        ("b", 9),
        ("B", 9),
    ];
    let (body, unit) = UNITS
        .iter()
        .find_map(|&(suffix, unit)| rest.strip_suffix(suffix).map(|b| (b, unit)))
        .unwrap_or((rest, 0));
    let value = parse_plain(body, unit).ok_or(ParseError::NotANumber)?;
    Ok(if negative { -value } else { value })
}

/// The integer types [`parse_whole`] reads. Sealed, so no float type can
/// join them: a decimal goes through [`decimal_to_f64`].
pub trait Whole: core::str::FromStr + sealed::Sealed {}

mod sealed {
    pub trait Sealed {}
    impl Sealed for u32 {}
    impl Sealed for u64 {}
    impl Sealed for usize {}
    impl Sealed for i32 {}
}

impl Whole for u32 {}
impl Whole for u64 {}
impl Whole for usize {}
impl Whole for i32 {}

/// `s.parse::<T>()` for an integer type `T`: the only `str::parse` in the
/// page. clippy.toml disallows `str::parse` because `parse::<f64>` would
/// bring the standard library's float parser into the page; it cannot tell
/// the two apart, this signature can.
///
/// # Errors
/// As `str::parse`: not an integer of `T`'s range.
#[allow(clippy::disallowed_methods)] // The one place: `Whole` is integers only.
pub fn parse_whole<T: Whole>(s: &str) -> Result<T, T::Err> {
    s.parse()
}

/// A decimal written as `[+-]digits[.digits][(e|E)[+-]digits]` (digits on
/// at least one side of the point), correctly rounded to the nearest `f64`;
/// `None` for anything else ("inf", "NaN", spaces, "0x1", "").
///
/// Every decimal the page reads goes through here. In the browser the
/// rounding is JavaScript's `parseFloat` (correctly rounded, as Rust's): the
/// standard library's parser would bring its 19 KB table of powers of five
/// and its slow path into the page's first load (docs/benchmarks.md).
/// Natively it is Rust's own parser; the browser tests check that both give
/// the same bits.
pub fn decimal_to_f64(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let mut n = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        n += digits(&mut i);
    }
    if n == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    #[cfg(target_arch = "wasm32")]
    {
        Some(js_sys::Number::parse_float(s))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        native_parse(s)
    }
}

/// The standard library's parser, natively only (tests and tools), where its
/// size does not matter: never compiled into the page.
#[cfg(not(target_arch = "wasm32"))]
#[allow(clippy::disallowed_methods)]
fn native_parse(s: &str) -> Option<f64> {
    s.parse().ok()
}

/// Digits with optional grouping commas, one '.', and an exponent; no sign;
/// times 10^`shift` (a unit), added to the exponent so the decimal is
/// rounded once. Checks its own grammar (grouping commas, no sign), then
/// rounds through [`decimal_to_f64`].
fn parse_plain(s: &str, shift: i32) -> Option<f64> {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (mantissa, None),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if let Some(frac) = frac {
        if !all_digits(frac) {
            return None;
        }
    }
    let groups: Vec<&str> = int.split(',').collect();
    let grouping_ok = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    if !grouping_ok || !groups.iter().all(|g| all_digits(g)) {
        return None;
    }
    let int_digits: String = groups.concat();
    if int_digits.is_empty() && frac.is_none_or(str::is_empty) {
        return None;
    }
    if let Some(exp) = exponent {
        let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        if digits.is_empty() || !all_digits(digits) {
            return None;
        }
    }
    let mut plain = int_digits;
    if let Some(frac) = frac {
        plain.push('.');
        plain.push_str(frac);
    }
    // An exponent too long for an i32 is out of any range anyway.
    let exp = match exponent {
        Some(e) => parse_whole::<i32>(e).ok()?,
        None => 0,
    };
    let exp = exp.checked_add(shift)?;
    plain.push('e');
    plain.push_str(&exp.to_string());
    decimal_to_f64(&plain).filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(x: f64) -> String {
        format_number(x, Lang::En)
    }
    fn zh(x: f64) -> String {
        format_number(x, Lang::Zh)
    }

    #[test]
    fn decimals_are_read_by_their_grammar_only() {
        for (s, want) in [
            ("0", 0.0),
            ("-0", -0.0),
            ("+1.5", 1.5),
            ("1.", 1.0),
            (".5", 0.5),
            ("2e3", 2000.0),
            ("2E-3", 0.002),
            ("1e+2", 100.0),
            ("0.1", 0.1),
            ("1e400", f64::INFINITY),
            ("123456789012345678901234567890", 1.2345678901234568e29),
        ] {
            let got = decimal_to_f64(s).unwrap_or_else(|| panic!("{s} refused"));
            assert_eq!(got.to_bits(), want.to_bits(), "{s}");
        }
        for s in [
            "", "+", "-", ".", "e5", ".e5", "1e", "1e+", "1.2.3", " 1", "1 ", "inf", "NaN",
            "infinity", "0x10", "1_000", "1,000", "١", "1e5.5", "--1", "+-1",
        ] {
            assert_eq!(decimal_to_f64(s), None, "{s:?} was read");
        }
    }

    #[test]
    fn lang_codes_round_trip() {
        for lang in [Lang::En, Lang::Zh] {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("ZH-cn"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("en_GB"), Some(Lang::En));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::from_code(""), None);
    }

    #[test]
    fn lang_from_browser_takes_first_preference() {
        assert_eq!(Lang::from_browser("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_browser("zh-Hant-TW"), Lang::Zh);
        assert_eq!(Lang::from_browser("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(Lang::from_browser("en-US,en;q=0.9,zh-CN;q=0.8"), Lang::En);
        assert_eq!(Lang::from_browser("fr-FR, zh;q=0.9"), Lang::En);
        // The highest q wins even when listed later.
        assert_eq!(Lang::from_browser("en;q=0.5, zh"), Lang::Zh);
        assert_eq!(Lang::from_browser("*, zh;q=0.1"), Lang::Zh);
        assert_eq!(Lang::from_browser(""), Lang::En);
        assert_eq!(Lang::from_browser(";;,,q=x"), Lang::En);
    }

    #[test]
    fn currency_codes_symbols_defaults() {
        let symbols: Vec<_> = Currency::ALL.iter().map(|c| c.symbol()).collect();
        assert_eq!(symbols, ["¥", "$", "€", "£"]);
        for c in Currency::ALL {
            assert_eq!(Currency::from_code(c.code()), Some(c));
        }
        assert_eq!(Currency::from_code("usd"), Some(Currency::Usd));
        assert_eq!(Currency::from_code("JPY"), None);
        assert_eq!(Currency::default_for(Lang::Zh), Currency::Cny);
        assert_eq!(Currency::default_for(Lang::En), Currency::Usd);
    }

    #[test]
    fn english_numbers() {
        assert_eq!(en(15000.0), "15,000");
        assert_eq!(en(1234567.8), "1,234,568");
        assert_eq!(en(2.5), "2.5");
        assert_eq!(en(-3200.0), "−3,200");
        assert_eq!(en(0.0), "0");
        assert_eq!(en(-0.0), "0");
        assert_eq!(en(12.34), "12.3");
        assert_eq!(en(12.0), "12");
        assert_eq!(en(4.56789), "4.57");
        assert_eq!(en(0.125), "0.13", "half away from zero");
        assert_eq!(en(99.96), "100");
        assert_eq!(en(999.5), "1,000");
        assert_eq!(en(100.0), "100");
        assert_eq!(en(999.0), "999");
        assert_eq!(en(1000.0), "1,000");
        assert_eq!(en(1e15), "1,000,000,000,000,000");
    }

    #[test]
    fn english_small_values_stay_visible() {
        assert_eq!(en(0.0042), "0.0042");
        assert_eq!(en(0.00426), "0.0043");
        assert_eq!(en(-0.001), "−0.001");
        // Far below what any table means: shown as zero, without a sign.
        assert_eq!(en(-1e-300), "0");
    }

    #[test]
    fn non_finite_is_a_dash() {
        for lang in [Lang::En, Lang::Zh] {
            for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                assert_eq!(format_number(x, lang), "—");
                assert_eq!(format_compact(x, lang), "—");
                assert_eq!(format_count(x, lang), "—");
                assert_eq!(format_money(x, Currency::Usd, lang), "—");
                assert_eq!(format_percent(x, 1), "—");
            }
        }
    }

    #[test]
    fn chinese_numbers_below_wan_are_plain() {
        assert_eq!(zh(9999.0), "9999");
        assert_eq!(zh(1234.5), "1235");
        assert_eq!(zh(9999.4), "9999");
        assert_eq!(zh(2.5), "2.5");
        assert_eq!(zh(0.0), "0");
        assert_eq!(zh(-3200.0), "−3200");
    }

    #[test]
    fn chinese_wan_yi_units() {
        assert_eq!(zh(10000.0), "1万");
        assert_eq!(zh(15000.0), "1.5万");
        assert_eq!(zh(123456.0), "12.35万");
        assert_eq!(zh(12345678.0), "1235万");
        assert_eq!(zh(320000000.0), "3.2亿");
        assert_eq!(zh(1.23e12), "1.23万亿");
        assert_eq!(zh(-15000.0), "−1.5万");
        // Beyond 万亿 there is no further unit in use.
        assert_eq!(zh(1.23e16), "12300万亿");
    }

    #[test]
    fn chinese_rounding_moves_up_a_unit() {
        assert_eq!(zh(9999.6), "1万");
        assert_eq!(zh(9999.5), "1万", "exact tie");
        assert_eq!(zh(99994999.0), "9999万");
        assert_eq!(zh(99995000.0), "1亿");
        assert_eq!(zh(999950000000.0), "1万亿");
        assert_eq!(zh(100000000.0), "1亿");
    }

    #[test]
    fn compact_english() {
        let c = |x| format_compact(x, Lang::En);
        assert_eq!(c(15000.0), "15k");
        assert_eq!(c(1200000.0), "1.2M");
        assert_eq!(c(1234567.0), "1.23M");
        assert_eq!(c(3.4e9), "3.4B");
        assert_eq!(c(2e12), "2T");
        assert_eq!(c(123456.0), "123k");
        assert_eq!(c(950.0), "950");
        assert_eq!(c(999.6), "1k");
        assert_eq!(c(999500.0), "1M", "exact tie");
        assert_eq!(c(0.25), "0.25");
        assert_eq!(c(0.0), "0");
        assert_eq!(c(-2500.0), "−2.5k");
    }

    #[test]
    fn compact_chinese() {
        let c = |x| format_compact(x, Lang::Zh);
        assert_eq!(c(123456.0), "12.3万");
        assert_eq!(c(15000.0), "1.5万");
        assert_eq!(c(1234.0), "1234");
        assert_eq!(c(2500.0), "2500");
        assert_eq!(c(9999.6), "1万");
        assert_eq!(c(99950000.0), "9995万");
        assert_eq!(c(99960000.0), "9996万");
        assert_eq!(c(320000000.0), "3.2亿");
        assert_eq!(c(0.125), "0.125");
        assert_eq!(c(-50000.0), "−5万");
    }

    #[test]
    fn counts() {
        assert_eq!(format_count(12.34, Lang::En), "12.3");
        assert_eq!(format_count(7.0, Lang::En), "7");
        assert_eq!(format_count(99.96, Lang::En), "100");
        assert_eq!(format_count(123.4, Lang::En), "123");
        assert_eq!(format_count(1234.5, Lang::En), "1,235");
        assert_eq!(format_count(0.04, Lang::En), "0");
        assert_eq!(format_count(-0.04, Lang::En), "0");
        assert_eq!(format_count(15000.0, Lang::Zh), "1.5万");
        assert_eq!(format_count(8765.4, Lang::Zh), "8765");
        assert_eq!(format_count(0.5, Lang::Zh), "0.5");
    }

    #[test]
    fn money() {
        let m = format_money;
        assert_eq!(m(1234567.8, Currency::Usd, Lang::En), "$1,234,568");
        assert_eq!(m(123456.0, Currency::Cny, Lang::Zh), "¥12.35万");
        assert_eq!(m(-3200.0, Currency::Usd, Lang::En), "−$3,200");
        assert_eq!(m(-3200.0, Currency::Cny, Lang::Zh), "−¥3200");
        assert_eq!(m(49.99, Currency::Eur, Lang::En), "€49.99");
        assert_eq!(m(2.5, Currency::Gbp, Lang::En), "£2.50");
        assert_eq!(m(50.0, Currency::Usd, Lang::En), "$50");
        assert_eq!(m(99.999, Currency::Usd, Lang::En), "$100");
        assert_eq!(m(0.005, Currency::Usd, Lang::En), "$0.01");
        assert_eq!(m(-0.001, Currency::Usd, Lang::En), "$0");
        assert_eq!(m(0.0, Currency::Cny, Lang::Zh), "¥0");
        assert_eq!(m(320000000.0, Currency::Usd, Lang::Zh), "$3.2亿");
    }

    #[test]
    fn whole_numbers_parse_as_str_parse_does() {
        assert_eq!(parse_whole::<u32>("42"), Ok(42));
        assert_eq!(parse_whole::<i32>("-7"), Ok(-7));
        assert!(parse_whole::<u32>("-1").is_err());
        assert!(parse_whole::<usize>("1.5").is_err());
        assert!(parse_whole::<u64>("").is_err());
        assert!(parse_whole::<u32>("4294967296").is_err(), "out of range");
    }

    #[test]
    fn percent() {
        assert_eq!(format_percent(0.25, 1), "25.0%");
        assert_eq!(format_percent(0.1234, 2), "12.34%");
        assert_eq!(format_percent(1.0, 0), "100%");
        assert_eq!(format_percent(-0.05, 0), "−5%");
        assert_eq!(format_percent(-0.0001, 1), "0.0%");
        assert_eq!(format_percent(0.5, 100), "50.000000000000%");
    }

    /// `fixed` replaces `format!("{:.N}")` (progress, points): the same text
    /// except that halves round away from zero, and no "-0".
    #[test]
    fn fixed_decimals() {
        assert_eq!(fixed(2.5, 0), "3", "format! would give 2");
        assert_eq!(fixed(-2.5, 0), "-3");
        assert_eq!(fixed(0.125, 2), "0.13");
        assert_eq!(fixed(37.0, 1), "37.0");
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(99.96, 1), "100.0");
        // Whole beyond 2^53: its shortest digits, padded (format! would
        // write the binary value's 301 exact digits).
        assert_eq!(fixed(1e300, 1), format!("1{}.0", "0".repeat(300)));
        for k in 0..2000 {
            // Away from exact halves, the same text as format!.
            let x = (k as f64 - 1000.0) * 0.7531;
            assert_eq!(fixed(x, 1), format!("{x:.1}").replace("-0.0", "0.0"), "{x}");
            assert_eq!(fixed(x, 0), format!("{x:.0}").replace("-0", "0"), "{x}");
        }
    }

    #[test]
    fn parse_plain_and_grouped() {
        assert_eq!(parse_number("32"), Ok(32.0));
        assert_eq!(parse_number("  1,234.5 "), Ok(1234.5));
        assert_eq!(parse_number("1,234,567"), Ok(1234567.0));
        assert_eq!(parse_number("1e3"), Ok(1000.0));
        assert_eq!(parse_number("2.5E-1"), Ok(0.25));
        assert_eq!(parse_number(".5"), Ok(0.5));
        assert_eq!(parse_number("5."), Ok(5.0));
        assert_eq!(parse_number("1 234"), Ok(1234.0));
        assert_eq!(parse_number("1\u{2009}234"), Ok(1234.0));
        assert_eq!(parse_number("0"), Ok(0.0));
    }

    #[test]
    fn parse_signs_and_currency() {
        assert_eq!(parse_number("-3200"), Ok(-3200.0));
        assert_eq!(parse_number("−3,200"), Ok(-3200.0));
        assert_eq!(parse_number("－５"), Ok(-5.0));
        assert_eq!(parse_number("+7"), Ok(7.0));
        assert_eq!(parse_number("−$3,200"), Ok(-3200.0));
        assert_eq!(parse_number("￥１２.３５万"), Ok(123500.0));
        assert_eq!(parse_number("--5"), Err(ParseError::NotANumber));
        assert_eq!(parse_number("-"), Err(ParseError::NotANumber));
        assert_eq!(parse_number("5-"), Err(ParseError::NotANumber));
    }

    #[test]
    fn parse_full_width() {
        assert_eq!(parse_number("３２"), Ok(32.0));
        assert_eq!(parse_number("１，２３４．５"), Ok(1234.5));
        assert_eq!(parse_number("１。５万"), Ok(15000.0));
        assert_eq!(parse_number("\u{3000}４２\u{3000}"), Ok(42.0));
        // Two decimal points are ambiguous whichever symbols they use.
        assert_eq!(parse_number("1.5。"), Err(ParseError::NotANumber));
        assert_eq!(parse_number("1．2．3"), Err(ParseError::NotANumber));
    }

    #[test]
    fn parse_units() {
        assert_eq!(parse_number("1.5万"), Ok(15000.0));
        assert_eq!(parse_number("2亿"), Ok(2e8));
        assert_eq!(parse_number("1.23万亿"), Ok(1.23e12));
        assert_eq!(parse_number("5千"), Ok(5000.0));
        assert_eq!(parse_number("15k"), Ok(15000.0));
        assert_eq!(parse_number("15K"), Ok(15000.0));
        assert_eq!(parse_number("1.2M"), Ok(1.2e6));
        assert_eq!(parse_number("3m"), Ok(3e6));
        assert_eq!(parse_number("3.4B"), Ok(3.4e9));
        assert_eq!(parse_number("1.5 万"), Ok(15000.0));
        assert_eq!(parse_number("万"), Err(ParseError::NotANumber));
        assert_eq!(parse_number("1万万"), Err(ParseError::NotANumber));
        assert_eq!(parse_number("1k万"), Err(ParseError::NotANumber));
    }

    #[test]
    fn parse_round_trips_display() {
        for x in [0.0, 2.5, 15000.0, 123500.0, -3200.0, 3.2e8, 1.23e12] {
            for lang in [Lang::En, Lang::Zh] {
                assert_eq!(parse_number(&format_number(x, lang)), Ok(x), "{x} {lang:?}");
                let money = format_money(x, Currency::Cny, lang);
                assert_eq!(parse_number(&money), Ok(x), "{money}");
            }
        }
        assert_eq!(parse_number(&format_compact(1.2e6, Lang::En)), Ok(1.2e6));
    }

    #[test]
    fn parse_rejects_garbage() {
        assert_eq!(parse_number(""), Err(ParseError::Empty));
        assert_eq!(parse_number("  \t "), Err(ParseError::Empty));
        for bad in [
            "abc", "inf", "-inf", "NaN", "infinity", "1e", "e5", ".", "1..2", "1.2.3", "1,5",
            "12,34", ",123", "1,,234", "1,234,56", "25%", "１％", "—", "1e999", "0x10", "1/2", "$",
            "5$", "1 2 3abc",
        ] {
            assert_eq!(parse_number(bad), Err(ParseError::NotANumber), "{bad:?}");
        }
    }

    #[test]
    fn parse_percent_allows_percent_sign() {
        assert_eq!(parse_percent("25%"), Ok(25.0));
        assert_eq!(parse_percent("２５"), Ok(25.0));
        assert_eq!(parse_percent("２５％"), Ok(25.0));
        assert_eq!(parse_percent(" 12.5 % "), Ok(12.5));
        assert_eq!(parse_percent("-5%"), Ok(-5.0));
        assert_eq!(parse_percent("%"), Err(ParseError::NotANumber));
        assert_eq!(parse_percent("25%%"), Err(ParseError::NotANumber));
        assert_eq!(parse_percent(""), Err(ParseError::Empty));
        assert_eq!(parse_percent("abc%"), Err(ParseError::NotANumber));
    }

    fn values(s: &str) -> Vec<Result<f64, ParseError>> {
        parse_counts(s)
            .unwrap()
            .into_iter()
            .map(|p| p.value)
            .collect()
    }

    #[test]
    fn counts_column_from_spreadsheet() {
        assert_eq!(
            values("10,000\r\n2,500\n\n  600 \r\n\t\nabc\n12\t３\n1.5万\n"),
            vec![
                Ok(10000.0),
                Ok(2500.0),
                Ok(600.0),
                Err(ParseError::NotANumber),
                Ok(12.0),
                Ok(3.0),
                Ok(15000.0),
            ]
        );
        assert!(values("").is_empty());
        assert!(values("\r\n\t \n").is_empty());
    }

    /// A row is several counts, never one number glued together.
    #[test]
    fn a_pasted_row_is_several_counts() {
        assert_eq!(values("500 100 20"), vec![Ok(500.0), Ok(100.0), Ok(20.0)]);
        assert_eq!(values("500;100；20"), vec![Ok(500.0), Ok(100.0), Ok(20.0)]);
        assert_eq!(values("500,100,20"), vec![Ok(500.0), Ok(100.0), Ok(20.0)]);
        let cells = parse_counts("10000\t2500\tabc").unwrap();
        assert_eq!(
            cells[2].text, "abc",
            "the bad cell is named by its own text"
        );
        // As likely one grouped number as three counts: refused, not guessed.
        assert_eq!(parse_counts("500,100,020"), Err("500,100,020".into()));
    }

    /// Units scale the decimal, not a binary float: whole numbers stay whole.
    #[test]
    fn units_keep_whole_numbers_whole() {
        for (text, want) in [
            ("1.1亿", 110_000_000.0),
            ("0.56万", 5_600.0),
            ("2.01k", 2_010.0),
            ("2.3亿", 230_000_000.0),
            ("16.1k", 16_100.0),
            ("1.5e3万", 15_000_000.0),
        ] {
            let v = parse_number(text).unwrap();
            assert_eq!(v, want, "{text}");
            assert_eq!(v.fract(), 0.0, "{text}");
        }
        assert_eq!(parse_number("1e2147483647万"), Err(ParseError::NotANumber));
    }
}
