//! Numbers shown to people: tables, chart axes, money, percent.

use super::decimal::decimal_to_f64;
use super::lang::{Currency, Lang};

/// Shown in place of NaN and ±∞.
const MISSING: &str = "—";
/// U+2212 MINUS SIGN: the hyphen-minus is narrower than digits and looks like a dash.
const MINUS: char = '\u{2212}';

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
/// "12.3万", "3.2亿", "1.23万亿" in Chinese.
///
/// English: |x| ≥ 100 has no decimals, ≥ 10 one, below that two (or two
/// significant digits when two decimals would show 0, so 0.0042 stays visible);
/// trailing zeros are dropped. Chinese: below 1万 the same digits without
/// grouping (Chinese text does not group below 万); from 1万 on, one steady
/// rule: three significant digits in 万, 亿 or 万亿 (integer digits are never
/// rounded away: "1235万"), moving up a unit when rounding reaches 10000 of
/// the smaller one (99,995,000 is "1亿", never "10000万"). Four digits gave
/// "¥1.868万" beside "¥103万" in one table: uneven precision a reader notices,
/// and a fourth digit the trials do not support anyway.
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

/// Money on a chart axis or a projected slide: the currency symbol before
/// [`format_compact`], the sign before both ("$375k", "¥37.5万", "−$1.2M").
/// No sign when the digits are all zero, as everywhere here.
pub fn format_money_compact(x: f64, currency: Currency, lang: Lang) -> String {
    let body = format_compact(x.abs(), lang);
    if body == "0" || !x.is_finite() || x >= 0.0 {
        format!("{}{body}", currency.symbol())
    } else {
        format!("{MINUS}{}{body}", currency.symbol())
    }
}

/// A people count, e.g. a mean number of customers: one decimal below 100,
/// none from 100 on, trailing zeros dropped ("12.3", "7", "1,235"; "1.5万").
pub fn format_count(x: f64, lang: Lang) -> String {
    signed(x, |a| magnitude(a, lang, Style::Count))
}

/// Money: the currency symbol before the number, the sign before both:
/// "$1,234,568", "¥12.3万", "−$3,200".
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

/// A probability estimated from trials, as a percentage to one decimal,
/// never "100.0%" nor "0.0%" for what is only near them: "> 99.9%" from
/// 99.95 % up (an estimate of 1 included: no sample proves a certainty),
/// "< 0.1%" above 0 and below 0.05 %.
pub fn format_prob(p: f64) -> String {
    if p >= 0.9995 {
        "> 99.9%".to_string()
    } else if p > 0.0 && p < 0.0005 {
        "< 0.1%".to_string()
    } else {
        format_percent(p, 1)
    }
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
            with_units(a, &UNITS[1..], 1e4, 3)
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

#[cfg(test)]
mod tests {
    #[test]
    fn probabilities_near_the_ends_say_so() {
        use super::format_prob;
        for (p, want) in [
            (1.0, "> 99.9%"),
            (0.999925, "> 99.9%"),
            (0.9995, "> 99.9%"),
            (0.99949, "99.9%"),
            (0.5, "50.0%"),
            (0.0015, "0.2%"),
            (0.0005, "0.1%"),
            (0.00049, "< 0.1%"),
            (1e-9, "< 0.1%"),
            (0.0, "0.0%"),
        ] {
            assert_eq!(format_prob(p), want, "{p}");
        }
    }

    use super::*;

    fn en(x: f64) -> String {
        format_number(x, Lang::En)
    }
    fn zh(x: f64) -> String {
        format_number(x, Lang::Zh)
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
        assert_eq!(zh(123456.0), "12.3万");
        assert_eq!(zh(12345678.0), "1235万");
        assert_eq!(zh(320000000.0), "3.2亿");
        assert_eq!(zh(1.23e12), "1.23万亿");
        assert_eq!(zh(-15000.0), "−1.5万");
        // Beyond 万亿 there is no further unit in use.
        assert_eq!(zh(1.23e16), "12300万亿");
    }

    /// One rule for a whole table: the amounts of #23's report, each with
    /// three significant digits (four where the integer needs them).
    #[test]
    fn chinese_amounts_have_a_steady_precision() {
        let m = |x| format_money(x, Currency::Cny, Lang::Zh);
        for (x, want) in [
            (18_680.0, "¥1.87万"),
            (85_920.0, "¥8.59万"),
            (1_030_000.0, "¥103万"),
            (1_034_999.0, "¥103万"),
            (1_035_000.0, "¥104万"),
            (171_691.0, "¥17.2万"),
            (50_000.0, "¥5万"),
            (12_340_000.0, "¥1234万"),
            (123_456_789.0, "¥1.23亿"),
            (9_999.0, "¥9999"),
            (-18_676.0, "−¥1.87万"),
        ] {
            assert_eq!(m(x), want, "{x}");
        }
        // The digits shown: never more than 3 significant past 万 unless the
        // integer part has 4.
        for k in 0..2_000 {
            let x = 10_000.0 * 1.0047f64.powi(k);
            if x >= 1e16 {
                break;
            }
            let s = format_number(x, Lang::Zh);
            let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
            let int_digits = s.split(['.', '万', '亿']).next().unwrap().len();
            assert!(
                digits.trim_end_matches('0').len() <= 3.max(int_digits),
                "{x}: {s}"
            );
        }
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
    fn compact_money() {
        for (x, currency, lang, want) in [
            (375_000.0, Currency::Usd, Lang::En, "$375k"),
            (1_234_567.0, Currency::Usd, Lang::En, "$1.23M"),
            (-1_200_000.0, Currency::Eur, Lang::En, "−€1.2M"),
            (950.0, Currency::Gbp, Lang::En, "£950"),
            (375_000.0, Currency::Cny, Lang::Zh, "¥37.5万"),
            (-3.2e8, Currency::Cny, Lang::Zh, "−¥3.2亿"),
            (0.0, Currency::Usd, Lang::En, "$0"),
            (-0.0, Currency::Usd, Lang::En, "$0"),
            (f64::NAN, Currency::Usd, Lang::En, "$—"),
            (f64::NEG_INFINITY, Currency::Cny, Lang::Zh, "¥—"),
        ] {
            assert_eq!(format_money_compact(x, currency, lang), want, "{x}");
        }
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
        assert_eq!(m(123456.0, Currency::Cny, Lang::Zh), "¥12.3万");
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
}
