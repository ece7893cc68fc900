//! The page reads decimals through JavaScript's `parseFloat` in the browser
//! (src/format/decimal.rs, `decimal_to_f64`, to keep the standard library's float
//! parser out of the first load). Here, in headless Chromium, it must give
//! the very bits Rust's correctly rounded parser gives, on shortest
//! round-trip forms, long expansions and random digit strings of up to 40
//! significant digits (where every digit decides the rounding).
#![cfg(target_arch = "wasm32")]

use funnelcast::format::decimal_to_f64;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// xorshift64*: a fixed, reproducible stream (no dependency needed).
struct Stream(u64);
impl Stream {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn same(s: &str) {
    let want = s.parse::<f64>().expect("a valid decimal");
    let got = decimal_to_f64(s).unwrap_or_else(|| panic!("{s} refused"));
    assert_eq!(got.to_bits(), want.to_bits(), "{s}: {got:e} vs {want:e}");
}

#[wasm_bindgen_test]
fn javascript_reads_decimals_to_the_same_bits_as_rust() {
    let mut r = Stream(0x9e37_79b9_7f4a_7c15);
    for _ in 0..10_000 {
        let x = f64::from_bits(r.next());
        if !x.is_finite() {
            continue;
        }
        same(&format!("{x}"));
        same(&format!("{x:e}"));
        same(&format!("{x:.25e}"));
        same(&format!("{:.3e}", x));
    }
    // Random digit strings of 1–40 significant digits: beyond 17 digits the
    // rounding depends on every digit (the cases a lax parser gets wrong).
    for _ in 0..10_000 {
        let n = 1 + (r.next() % 40) as usize;
        let digits: String = (0..n)
            .map(|_| char::from(b'0' + (r.next() % 10) as u8))
            .collect();
        let exp = (r.next() % 640) as i64 - 330;
        same(&format!("{digits}e{exp}"));
        let cut = (r.next() % n as u64) as usize;
        same(&format!("{}.{}", &digits[..cut], &digits[cut..]));
    }
}

/// The other way: the page writes numbers through JavaScript's shortest
/// digits (src/numtext.rs, to keep Rust's float formatting out of the first
/// load). Here it must write what Rust's `{}` and `{:?}` write, on random bit
/// patterns of every exponent and on values of the sizes the page shows.
#[wasm_bindgen_test]
fn numbers_are_written_as_rust_writes_them() {
    use funnelcast::numtext::{debug, display, exponent};
    let mut r = Stream(0x2545_f491_4f6c_dd1d);
    let mut edge = vec![0.0, -0.0, 0.1 + 0.2, 1e-4, 9.999e-5, 1e16, 1e21, 1e22];
    edge.extend([f64::MAX, f64::MIN_POSITIVE, 5e-324, f64::NAN, f64::INFINITY]);
    for i in 0..20_000 {
        let z = r.next();
        let x = match edge.get(i) {
            Some(&e) => e,
            None if i % 2 == 0 => f64::from_bits(z),
            None => (z % 1_000_000_000_000) as f64 / 10f64.powi((z >> 60) as i32),
        };
        same_or_tie(x, &display(x), &format!("{x}"));
        same_or_tie(x, &debug(x), &format!("{x:?}"));
        same_or_tie(x, &exponent(x), &format!("{x:e}"));
    }
}

/// The page's text is Rust's, or, where `x` lies exactly halfway between
/// two shortest decimals (1731590483420272.25 between …272.2 and …272.3),
/// the other one: JavaScript takes the even last digit, Rust rounds up. Both
/// read back as `x`, with as many digits.
fn same_or_tie(x: f64, page: &str, rust: &str) {
    if page == rust {
        return;
    }
    // The same text but for one digit, one apart, the page's the even one.
    let (p, r) = (page.as_bytes(), rust.as_bytes());
    let at: Vec<usize> = (0..p.len().min(r.len()))
        .filter(|&i| p[i] != r[i])
        .collect();
    let tie = p.len() == r.len()
        && at.len() == 1
        && p[at[0]].is_ascii_digit()
        && (p[at[0]] as i32 - r[at[0]] as i32).abs() == 1
        && (p[at[0]] - b'0') % 2 == 0
        && page.parse::<f64>().map(f64::to_bits) == Ok(x.to_bits());
    assert!(tie, "{x:e}: the page writes {page}, Rust {rust}");
}
