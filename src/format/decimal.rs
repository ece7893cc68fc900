//! Text to integers and decimals without the standard library's float parser,
//! which clippy.toml keeps out of the page (see [`decimal_to_f64`]).

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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn whole_numbers_parse_as_str_parse_does() {
        assert_eq!(parse_whole::<u32>("42"), Ok(42));
        assert_eq!(parse_whole::<i32>("-7"), Ok(-7));
        assert!(parse_whole::<u32>("-1").is_err());
        assert!(parse_whole::<usize>("1.5").is_err());
        assert!(parse_whole::<u64>("").is_err());
        assert!(parse_whole::<u32>("4294967296").is_err(), "out of range");
    }
}
