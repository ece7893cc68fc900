//! The funnel picture: one centred bar per stage, its width proportional to the
//! stage's count, with a trapezoid under each bar narrowing to the next one so
//! the drop-off between stages is visible as a shape.

use super::pt;

/// Width given to a stage that has any people at all, so that a tiny but
/// nonzero stage (2 buyers of 10⁶ reached) is still visible; zero stays zero.
pub const MIN_BAR_W: f64 = 2.0;

/// One stage's bar and the connector to the next stage.
#[derive(Clone, Debug, PartialEq)]
pub struct FunnelBar {
    /// Left edge; the bar is centred in the chart width.
    pub x: f64,
    /// Top edge: stage `i` starts at `i·(bar_h + gap)`.
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// The drop-off shape in the gap below this bar: a closed trapezoid from
    /// this bar's bottom edge (left, right) to the next bar's top edge (right,
    /// left), as `M x,y L x,y L x,y L x,y Z`. Empty for the last stage, which
    /// has no next stage. With `gap = 0` it is flat and draws nothing.
    pub path: String,
}

/// The total height of `n` bars with gaps between them (no gap after the last).
pub fn funnel_height(n: usize, bar_h: f64, gap: f64) -> f64 {
    let (bar_h, gap) = (bar_h.max(0.0), gap.max(0.0));
    if n == 0 {
        0.0
    } else {
        n as f64 * bar_h + (n - 1) as f64 * gap
    }
}

/// Lays out one bar per count, top to bottom, in a chart `width` wide.
///
/// Widths are proportional to the largest count, which in any real funnel is
/// `counts[0]` (rates are at most 100%); using the largest keeps a mistyped
/// later stage that exceeds the first inside the chart. Zero, negative and
/// non-finite counts get width 0; any positive count at least [`MIN_BAR_W`]
/// (or `width` if narrower). Negative or NaN sizes are treated as 0.
pub fn funnel_bars(counts: &[f64], width: f64, bar_h: f64, gap: f64) -> Vec<FunnelBar> {
    let width = width.max(0.0);
    let (bar_h, gap) = (bar_h.max(0.0), gap.max(0.0));
    let reference = counts
        .iter()
        .copied()
        .filter(|c| c.is_finite() && *c > 0.0)
        .fold(0.0, f64::max);
    let widths: Vec<f64> = counts
        .iter()
        .map(|&c| {
            if c.is_finite() && c > 0.0 && reference > 0.0 {
                funnelcast_engine::special::clamp(
                    width * (c / reference),
                    MIN_BAR_W.min(width),
                    width,
                )
            } else {
                0.0
            }
        })
        .collect();
    let rect = |i: usize| {
        let w = widths[i];
        ((width - w) / 2.0, i as f64 * (bar_h + gap), w)
    };
    (0..counts.len())
        .map(|i| {
            let (x, y, w) = rect(i);
            let path = if i + 1 < counts.len() {
                let (nx, ny, nw) = rect(i + 1);
                let bottom = y + bar_h;
                format!(
                    "M{} L{} L{} L{} Z",
                    pt(x, bottom),
                    pt(x + w, bottom),
                    pt(nx + nw, ny),
                    pt(nx, ny)
                )
            } else {
                String::new()
            };
            FunnelBar {
                x,
                y,
                w,
                h: bar_h,
                path,
            }
        })
        .collect()
}

/// The conversion from one stage to the next, for the labels between bars.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Conversion {
    /// `counts[i] / counts[i-1]`; `None` when the earlier stage is empty (or
    /// either count is not a finite non-negative number): there is no rate to show.
    pub rate: Option<f64>,
    /// `1 − rate`: the share lost at this step (negative if a later stage was
    /// typed larger than the earlier one, which the editor flags elsewhere).
    pub drop_off: Option<f64>,
}

/// The rate from a stage of `prev` people to one of `next`, or `None` when it
/// is undefined (`prev` is 0) or the inputs are not finite non-negative numbers.
pub fn conversion(prev: f64, next: f64) -> Option<f64> {
    let valid = |c: f64| c.is_finite() && c >= 0.0;
    if valid(prev) && valid(next) && prev > 0.0 {
        Some(next / prev)
    } else {
        None
    }
}

/// The conversions between consecutive stages: element `j` is transition
/// `j + 1` (stage `j` → stage `j + 1`), so there is one fewer than stages.
pub fn conversions(counts: &[f64]) -> Vec<Conversion> {
    counts
        .windows(2)
        .map(|w| {
            let rate = conversion(w[0], w[1]);
            Conversion {
                rate,
                drop_off: rate.map(|r| 1.0 - r),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_and_paths_for_a_small_case() {
        let bars = funnel_bars(&[1000.0, 500.0, 0.0], 200.0, 20.0, 10.0);
        let rects: Vec<_> = bars.iter().map(|b| (b.x, b.y, b.w, b.h)).collect();
        assert_eq!(
            rects,
            [
                (0.0, 0.0, 200.0, 20.0),
                (50.0, 30.0, 100.0, 20.0),
                (100.0, 60.0, 0.0, 20.0)
            ]
        );
        assert_eq!(bars[0].path, "M0,20 L200,20 L150,30 L50,30 Z");
        assert_eq!(bars[1].path, "M50,50 L150,50 L100,60 L100,60 Z");
        assert_eq!(bars[2].path, "");
    }

    #[test]
    fn widths_are_proportional_and_centred() {
        let counts = [10_000.0, 4_000.0, 1_500.0, 600.0, 90.0];
        let bars = funnel_bars(&counts, 300.0, 24.0, 8.0);
        for (b, c) in bars.iter().zip(counts) {
            assert!((b.w - 300.0 * c / 10_000.0).abs() < 1e-9);
            assert!((b.x + b.w / 2.0 - 150.0).abs() < 1e-9, "centred");
        }
        assert_eq!(bars[4].y, 4.0 * 32.0);
        assert_eq!(funnel_height(5, 24.0, 8.0), 5.0 * 24.0 + 4.0 * 8.0);
        assert_eq!(funnel_height(0, 24.0, 8.0), 0.0);
    }

    #[test]
    fn tiny_counts_stay_visible_and_bad_counts_vanish() {
        let bars = funnel_bars(&[1e6, 1.0, 0.0, -5.0, f64::NAN], 100.0, 10.0, 0.0);
        assert_eq!(bars[1].w, MIN_BAR_W);
        assert_eq!(bars[1].x, 49.0);
        for b in &bars[2..] {
            assert_eq!(b.w, 0.0);
            assert_eq!(b.x, 50.0);
        }
        // A chart narrower than the minimum never gets a wider bar.
        assert_eq!(funnel_bars(&[10.0, 1e-9], 1.0, 1.0, 0.0)[1].w, 1.0);
    }

    #[test]
    fn a_later_stage_larger_than_the_first_still_fits() {
        let bars = funnel_bars(&[100.0, 200.0], 100.0, 10.0, 5.0);
        assert_eq!(bars[1].w, 100.0);
        assert_eq!(bars[0].w, 50.0);
    }

    #[test]
    fn all_zero_or_empty() {
        assert!(funnel_bars(&[], 100.0, 10.0, 5.0).is_empty());
        let bars = funnel_bars(&[0.0, 0.0], 100.0, 10.0, 5.0);
        assert!(bars.iter().all(|b| b.w == 0.0));
        assert_eq!(bars[0].path, "M50,10 L50,10 L50,15 L50,15 Z");
        let bars = funnel_bars(&[5.0], f64::NAN, f64::NAN, -1.0);
        assert_eq!((bars[0].x, bars[0].w, bars[0].h), (0.0, 0.0, 0.0));
    }

    #[test]
    fn conversion_labels() {
        let c = conversions(&[1000.0, 250.0, 0.0, 0.0]);
        assert_eq!(c.len(), 3);
        assert_eq!(
            c[0],
            Conversion {
                rate: Some(0.25),
                drop_off: Some(0.75)
            }
        );
        assert_eq!(
            c[1],
            Conversion {
                rate: Some(0.0),
                drop_off: Some(1.0)
            }
        );
        assert_eq!(
            c[2],
            Conversion {
                rate: None,
                drop_off: None
            },
            "0 → 0 has no rate"
        );
        assert!(conversions(&[]).is_empty());
        assert!(conversions(&[5.0]).is_empty());
        assert_eq!(conversion(f64::NAN, 1.0), None);
        assert_eq!(conversion(10.0, f64::INFINITY), None);
        assert_eq!(conversion(10.0, -1.0), None);
        assert_eq!(conversion(100.0, 120.0), Some(1.2));
    }
}
