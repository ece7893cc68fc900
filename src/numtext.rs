//! Numbers as text, the way Rust's `{}` and `{:?}` write an `f64`, without
//! Rust's float formatting in the page.
//!
//! Why: core's float formatting (Grisu with a Dragon fallback, exact and
//! shortest modes) is about 14 KB of the page's WebAssembly, and the browser
//! already holds the same algorithm. In the page the shortest digits come
//! from JavaScript's `Number.prototype.toString`, which, like Rust, gives the
//! shortest digits that read back as the same `f64` (the closest of them when
//! several are as short); natively (tests, tools) they come from `{:e}`. The
//! layout around the digits is this module's, the same on both, and a browser
//! test compares it with Rust's own formatting over many values
//! (tests/decimals.rs). One difference remains, on purpose: where `x` lies
//! exactly halfway between two shortest decimals (1731590483420272.25, 17
//! digits), JavaScript writes the even one (…272.2), Rust the upper (…272.3).
//! Both read back as the same `f64`, so a link or file means the same model.

/// The shortest decimal digits that read back as `a` (finite, `a > 0`) and
/// the power of ten of the first: 1234.5 → ("12345", 3), 0.001 → ("1", -3).
fn shortest(a: f64) -> (String, i32) {
    #[cfg(target_arch = "wasm32")]
    let text: String = js_sys::Number::from(a)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default();
    #[cfg(not(target_arch = "wasm32"))]
    let text = format!("{a:e}");
    split_digits(&text)
}

/// Reads "123.45", "0.00012", "1.5e-7", "1e+21" or "1.2345e3" (the forms
/// JavaScript and `{:e}` write) into digits without leading or trailing
/// zeros and the power of ten of the first digit.
fn split_digits(text: &str) -> (String, i32) {
    let (mantissa, exp) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (
            m,
            crate::format::parse_whole::<i32>(e.trim_start_matches('+')).unwrap_or(0),
        ),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all: String = int.chars().chain(frac.chars()).collect();
    let lead = all.len() - all.trim_start_matches('0').len();
    let digits = all.trim_matches('0');
    if digits.is_empty() {
        return ("0".into(), 0);
    }
    let first = int.len() as i32 - 1 - lead as i32 + exp;
    (digits.to_string(), first)
}

/// As Rust's `format!("{x}")` (but for the exact ties above): the shortest digits that read back as `x`,
/// never in exponent form ("1000000000000000000000", "0.0000001"), "-0" for
/// negative zero, "NaN", "inf" and "-inf".
pub fn display(x: f64) -> String {
    special(x).unwrap_or_else(|| {
        let mut out = sign(x).to_string();
        if x != 0.0 {
            let (d, e) = shortest(x.abs());
            plain(&mut out, &d, e);
        } else {
            out.push('0');
        }
        out
    })
}

/// As Rust's `format!("{x:?}")` (but for the exact ties above): like [`display`] with ".0" on whole
/// numbers, and in exponent form ("1e16", "1.5e-5") below 1e-4 and from 1e16
/// on. Valid JSON for any finite `x`.
pub fn debug(x: f64) -> String {
    special(x).unwrap_or_else(|| {
        let mut out = sign(x).to_string();
        let a = x.abs();
        if a == 0.0 {
            out.push_str("0.0");
        } else {
            let (d, e) = shortest(a);
            if (1e-4..1e16).contains(&a) {
                plain(&mut out, &d, e);
                if !out.contains('.') {
                    out.push_str(".0");
                }
            } else {
                push_exponent(&mut out, &d, e);
            }
        }
        out
    })
}

/// As Rust's `format!("{x:e}")` (but for the exact ties above): "1e300",
/// "-1.5e15", "0e0". Short for any `x`, and read back by `parse_number`.
pub fn exponent(x: f64) -> String {
    special(x).unwrap_or_else(|| {
        let mut out = sign(x).to_string();
        if x == 0.0 {
            out.push_str("0e0");
        } else {
            let (d, e) = shortest(x.abs());
            push_exponent(&mut out, &d, e);
        }
        out
    })
}

/// Digits `d` with the first at 10^`e`, as "d.ddde<e>".
fn push_exponent(out: &mut String, d: &str, e: i32) {
    out.push_str(&d[..1]);
    if d.len() > 1 {
        out.push('.');
        out.push_str(&d[1..]);
    }
    out.push('e');
    out.push_str(&e.to_string());
}

fn special(x: f64) -> Option<String> {
    if x.is_nan() {
        Some("NaN".into())
    } else if x.is_infinite() {
        Some(if x > 0.0 { "inf" } else { "-inf" }.into())
    } else {
        None
    }
}

fn sign(x: f64) -> &'static str {
    if x.is_sign_negative() {
        "-"
    } else {
        ""
    }
}

/// Digits `d` with the first at 10^`e`, written out without an exponent.
fn plain(out: &mut String, d: &str, e: i32) {
    let n = d.len() as i32;
    if e < 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-e - 1) as usize));
        out.push_str(d);
    } else if e >= n - 1 {
        out.push_str(d);
        out.extend(std::iter::repeat_n('0', (e - (n - 1)) as usize));
    } else {
        let (int, frac) = d.split_at(e as usize + 1);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_both_notations() {
        assert_eq!(split_digits("123.45"), ("12345".into(), 2));
        assert_eq!(split_digits("0.00012"), ("12".into(), -4));
        assert_eq!(split_digits("1.5e-7"), ("15".into(), -7));
        assert_eq!(split_digits("1e+21"), ("1".into(), 21));
        assert_eq!(split_digits("1.2345e3"), ("12345".into(), 3));
        assert_eq!(split_digits("1200"), ("12".into(), 3));
        assert_eq!(split_digits("5e-324"), ("5".into(), -324));
    }

    /// Against Rust's own `{}`, `{:?}` and `{:e}` over edge values and a spread of
    /// bit patterns (the same check runs in the browser, where the digits
    /// come from JavaScript: tests/decimals.rs).
    #[test]
    fn matches_rusts_formatting() {
        for x in samples() {
            assert_eq!(display(x), format!("{x}"), "{x:e}");
            assert_eq!(debug(x), format!("{x:?}"), "{x:e}");
            assert_eq!(exponent(x), format!("{x:e}"), "{x:e}");
        }
    }

    /// Edge values, 20,000 bit patterns spread over every exponent, and
    /// 20,000 values of the sizes the page shows (whole, cents, fractions).
    fn samples() -> Vec<f64> {
        let mut v = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.3,
            0.1 + 0.2,
            1.0 / 3.0,
            2.5,
            1e-4,
            9.999e-5,
            1e15,
            1e16,
            9999999999999998.0,
            1e21,
            1e22,
            123456789012345680000.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            // splitmix64: reproducible, no dependency.
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            v.push(f64::from_bits(z));
            v.push((z % 1_000_000_000_000) as f64 / 10f64.powi((z >> 60) as i32));
        }
        v
    }
}
