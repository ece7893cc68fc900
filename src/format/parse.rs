//! Numbers as people type or paste them, in either language.

use super::decimal::{decimal_to_f64, parse_whole};

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
    /// The name before the count on its line, when a column was pasted with
    /// its labels (a CRM's "Leads⇥12,400").
    pub label: Option<String>,
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
/// In a column, a line whose last cell is a number and whose first is not
/// is a labelled count: the cells before the number are its label.
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
        let line_cells = cells(line);
        if let [first, .., last] = line_cells.as_slice() {
            if lines.len() > 1 && parse_number(first).is_err() && parse_number(last).is_ok() {
                out.push(Pasted {
                    value: parse_number(last),
                    text: last.clone(),
                    label: Some(line_cells[..line_cells.len() - 1].join(" ")),
                });
                continue;
            }
        }
        for cell in line_cells {
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
                    label: None,
                }));
            } else {
                out.push(Pasted {
                    value: parse_number(&cell),
                    text: cell,
                    label: None,
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
    use crate::format::{format_compact, format_money, format_number, Currency, Lang};

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
        for x in [0.0, 2.5, 15000.0, 123000.0, -3200.0, 3.2e8, 1.23e12] {
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

    /// A CRM's two columns, a stage name and a count: the names are labels,
    /// the counts are read (grouped thousands, 万, full-width digits).
    #[test]
    fn a_labelled_column_keeps_its_labels() {
        let p =
            parse_counts("Leads\t12,400\nMarketing qualified\t3,050\n意向 ９１０\nWon deals\t71\n")
                .unwrap();
        let got: Vec<(Option<String>, Result<f64, ParseError>)> =
            p.into_iter().map(|p| (p.label, p.value)).collect();
        assert_eq!(
            got,
            vec![
                (Some("Leads".into()), Ok(12_400.0)),
                (Some("Marketing qualified".into()), Ok(3_050.0)),
                (Some("意向".into()), Ok(910.0)),
                (Some("Won deals".into()), Ok(71.0)),
            ]
        );
        // Unlabelled lines have none; a lone word is still unreadable.
        let p = parse_counts("500\nabc\n20").unwrap();
        assert!(p.iter().all(|p| p.label.is_none()));
        assert_eq!(p[1].value, Err(ParseError::NotANumber));
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
