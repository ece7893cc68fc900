//! Chart geometry as plain data: scales, ticks, and the shapes of the funnel,
//! the revenue histograms, percentile bands and tornado bars, in SVG user units.
//!
//! Nothing here knows about Leptos or the DOM, so every coordinate is unit-tested
//! natively; the components only turn these values into `<rect>` and `<path d=…>`.
//! Paths are built with [`fmt_svg`] so that the same inputs always give the same
//! string (stable snapshots, small exported SVG files).

pub mod fan;
mod funnel;
mod hist;
mod label;
mod range;
mod scale;
mod ticks;
mod tornado;

pub use funnel::{
    conversion, conversions, funnel_bars, funnel_height, Conversion, FunnelBar, MIN_BAR_W,
};
pub use hist::{band, max_density, Bins};
pub use label::{fit_label, text_width};
pub use range::{range_scale, RangeRow};
pub use scale::LinearScale;
pub use ticks::{nice_step, nice_ticks};
pub use tornado::{swing_bars, swing_scale, tornado_bars, tornado_scale, SwingBar, TornadoBar};

/// A coordinate for an SVG attribute: at most 2 decimals, trailing zeros
/// dropped, never "-0", and "0" for NaN or ±∞ so a degenerate input cannot
/// produce an attribute the browser rejects.
///
/// Hundredths of a user unit are far below a pixel, and the shortest decimal
/// form keeps exported SVG small.
pub fn fmt_svg(x: f64) -> String {
    // Beyond 2^52 every f64 is an integer, and scaling by 100 there would
    // only add rounding error (1e21 would print as 999999999999999900000).
    let r = if x.abs() >= 4.5e15 {
        x
    } else {
        (x * 100.0).round() / 100.0
    };
    if !r.is_finite() || r == 0.0 {
        return "0".to_string();
    }
    // The shortest string that reads back as the same value (as Rust's
    // `Display` writes it), which for n/100 is the decimal n/100 itself; it
    // never uses exponents.
    crate::numtext::display(r)
}

/// "x,y" for a path command.
fn pt(x: f64, y: f64) -> String {
    format!("{},{}", fmt_svg(x), fmt_svg(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fmt_svg_rounds_to_hundredths() {
        assert_eq!(fmt_svg(0.0), "0");
        assert_eq!(fmt_svg(-0.0), "0");
        assert_eq!(fmt_svg(-0.004), "0", "no negative zero");
        assert_eq!(fmt_svg(12.0), "12");
        assert_eq!(fmt_svg(12.5), "12.5");
        assert_eq!(fmt_svg(1.0 / 3.0), "0.33");
        assert_eq!(fmt_svg(2.0 / 3.0), "0.67");
        assert_eq!(fmt_svg(0.1 + 0.2), "0.3");
        assert_eq!(fmt_svg(-7.256), "-7.26");
        assert_eq!(fmt_svg(1e21), "1000000000000000000000");
        assert_eq!(fmt_svg(f64::NAN), "0");
        assert_eq!(fmt_svg(f64::INFINITY), "0");
        assert_eq!(fmt_svg(-1e300).len(), 302);
    }

    #[test]
    fn pt_joins_with_comma() {
        assert_eq!(pt(1.0, -2.5), "1,-2.5");
    }
}
