//! Sensitivity charts: horizontal bars sorted by size, the largest on top.
//!
//! Two kinds: the bottleneck chart (the revenue gain from each lever, e.g. each
//! rate +5 points, drawn from a zero line) and the classic tornado (the revenue
//! at each input's P10 and P90, drawn from the baseline revenue outwards).
//! Rows are identified by `label_id` so the component can look up the
//! translated name; geometry never handles text.

use super::LinearScale;
use funnelcast_engine::small_sort::sort_small_by;
use std::cmp::Ordering;

/// One lever's bar: from the zero line to its gain.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TornadoBar {
    pub label_id: usize,
    pub gain: f64,
    /// Left edge: the zero line for a gain, the bar's end for a loss.
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// One input's swing: two segments from the centre (baseline revenue) to the
/// revenue with the input at its low end and at its high end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SwingBar {
    pub label_id: usize,
    /// Result with the input at its low end (e.g. P10).
    pub low: f64,
    /// Result with the input at its high end (e.g. P90).
    pub high: f64,
    pub y: f64,
    pub h: f64,
    /// Segment from the centre to `low`: left edge and width.
    pub low_x: f64,
    pub low_w: f64,
    /// Segment from the centre to `high`: left edge and width.
    pub high_x: f64,
    pub high_w: f64,
}

/// Orders by size, largest first, ties in input order; a non-finite size
/// sorts last so a broken row never claims to be the bottleneck.
fn by_size_desc(a: f64, b: f64) -> Ordering {
    let key = |v: f64| if v.is_finite() { v.abs() } else { -1.0 };
    key(b).total_cmp(&key(a))
}

/// The x scale shared by the bars and the axis: a domain from the most
/// negative gain (or 0) to the largest (or 0), onto `0..width`, so the zero
/// line is at `map(0.0)` — the left edge when no gain is negative. All-zero or
/// no gains give the domain 0..1.
pub fn tornado_scale(values: &[(usize, f64)], width: f64) -> LinearScale {
    let finite = values.iter().map(|v| v.1).filter(|g| g.is_finite());
    let lo = finite.clone().fold(0.0, f64::min);
    let hi = finite.fold(0.0, f64::max);
    let hi = if lo == hi { lo + 1.0 } else { hi };
    LinearScale::new(lo, hi, 0.0, width.max(0.0))
}

/// Bars for `(label_id, gain)` pairs, sorted by |gain| largest first (stable),
/// row `k` at `y = k·(bar_h + gap)`, extending right of the zero line for a
/// gain and left for a loss (see [`tornado_scale`]). A non-finite gain gets a
/// zero-width bar in the last rows.
pub fn tornado_bars(values: &[(usize, f64)], width: f64, bar_h: f64, gap: f64) -> Vec<TornadoBar> {
    let scale = tornado_scale(values, width);
    let (bar_h, gap) = (bar_h.max(0.0), gap.max(0.0));
    let zero = scale.map(0.0);
    let mut sorted = values.to_vec();
    sort_small_by(&mut sorted, |a, b| by_size_desc(a.1, b.1));
    sorted
        .into_iter()
        .enumerate()
        .map(|(k, (label_id, gain))| {
            let end = if gain.is_finite() {
                scale.map(gain)
            } else {
                zero
            };
            TornadoBar {
                label_id,
                gain,
                x: zero.min(end),
                y: k as f64 * (bar_h + gap),
                w: (end - zero).abs(),
                h: bar_h,
            }
        })
        .collect()
}

/// The x scale for swing bars: a domain covering the centre and every finite
/// low and high value, onto `0..width`; the centre line is at `map(centre)`.
/// When everything equals the centre the domain is widened by 10% (±1 at 0).
pub fn swing_scale(values: &[(usize, f64, f64)], centre: f64, width: f64) -> LinearScale {
    let centre = if centre.is_finite() { centre } else { 0.0 };
    let ends = values
        .iter()
        .flat_map(|v| [v.1, v.2])
        .filter(|x| x.is_finite());
    let lo = ends.clone().fold(centre, f64::min);
    let hi = ends.fold(centre, f64::max);
    let (lo, hi) = if lo == hi {
        let pad = if centre == 0.0 {
            1.0
        } else {
            centre.abs() * 0.1
        };
        (centre - pad, centre + pad)
    } else {
        (lo, hi)
    };
    LinearScale::new(lo, hi, 0.0, width.max(0.0))
}

/// Swing bars for `(label_id, low, high)` results around `centre`, sorted by
/// swing |high − low| largest first (stable); rows as in [`tornado_bars`].
/// Each has a segment from the centre to `low` and one to `high` (either may
/// lie on either side: a cost input lowers revenue at its high end). A
/// non-finite end gets a zero-width segment at the centre.
pub fn swing_bars(
    values: &[(usize, f64, f64)],
    centre: f64,
    width: f64,
    bar_h: f64,
    gap: f64,
) -> Vec<SwingBar> {
    let scale = swing_scale(values, centre, width);
    let (bar_h, gap) = (bar_h.max(0.0), gap.max(0.0));
    let c = if centre.is_finite() {
        scale.map(centre)
    } else {
        scale.map(0.0)
    };
    let segment = |v: f64| {
        let end = if v.is_finite() { scale.map(v) } else { c };
        (c.min(end), (end - c).abs())
    };
    let mut sorted = values.to_vec();
    sort_small_by(&mut sorted, |a, b| by_size_desc(a.2 - a.1, b.2 - b.1));
    sorted
        .into_iter()
        .enumerate()
        .map(|(k, (label_id, low, high))| {
            let (low_x, low_w) = segment(low);
            let (high_x, high_w) = segment(high);
            SwingBar {
                label_id,
                low,
                high,
                y: k as f64 * (bar_h + gap),
                h: bar_h,
                low_x,
                low_w,
                high_x,
                high_w,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gains_sorted_largest_first_around_zero() {
        let bars = tornado_bars(&[(0, 10.0), (1, -5.0), (2, 20.0)], 300.0, 20.0, 4.0);
        let got: Vec<_> = bars.iter().map(|b| (b.label_id, b.x, b.w, b.y)).collect();
        // Domain −5..20 over 300 px: 12 px per unit, zero line at 60.
        assert_eq!(
            got,
            [
                (2, 60.0, 240.0, 0.0),
                (0, 60.0, 120.0, 24.0),
                (1, 0.0, 60.0, 48.0)
            ]
        );
        assert!(bars.iter().all(|b| b.h == 20.0));
        assert_eq!(
            tornado_scale(&[(0, 10.0), (1, -5.0), (2, 20.0)], 300.0).map(0.0),
            60.0
        );
    }

    #[test]
    fn all_positive_gains_start_at_the_left_edge() {
        let values = [(0, 1.0), (1, 4.0), (2, 2.0), (3, 4.0)];
        let bars = tornado_bars(&values, 100.0, 10.0, 0.0);
        let ids: Vec<_> = bars.iter().map(|b| b.label_id).collect();
        assert_eq!(ids, [1, 3, 2, 0], "ties keep input order");
        assert!(bars.iter().all(|b| b.x == 0.0));
        let widths: Vec<_> = bars.iter().map(|b| b.w).collect();
        assert_eq!(widths, [100.0, 100.0, 50.0, 25.0]);
    }

    #[test]
    fn all_losses_end_at_the_right_edge() {
        let bars = tornado_bars(&[(0, -2.0), (1, -8.0)], 80.0, 10.0, 0.0);
        assert_eq!((bars[0].label_id, bars[0].x, bars[0].w), (1, 0.0, 80.0));
        assert_eq!((bars[1].label_id, bars[1].x, bars[1].w), (0, 60.0, 20.0));
    }

    #[test]
    fn zero_and_non_finite_gains() {
        let bars = tornado_bars(&[(0, f64::NAN), (1, 0.0), (2, 3.0)], 90.0, 10.0, 5.0);
        let ids: Vec<_> = bars.iter().map(|b| b.label_id).collect();
        assert_eq!(ids, [2, 1, 0], "NaN sorts last");
        assert_eq!(bars[2].w, 0.0);
        assert_eq!(bars[1].w, 0.0);
        assert_eq!(bars[0].w, 90.0);
        assert!(tornado_bars(&[], 100.0, 10.0, 5.0).is_empty());
        let s = tornado_scale(&[(0, 0.0)], 100.0);
        assert_eq!((s.d0, s.d1, s.map(0.0)), (0.0, 1.0, 0.0));
    }

    #[test]
    fn swings_around_the_centre() {
        let values = [(0, 80.0, 130.0), (1, 95.0, 105.0), (2, 110.0, 90.0)];
        let bars = swing_bars(&values, 100.0, 100.0, 10.0, 2.0);
        // Domain 80..130 over 100 px: 2 px per unit, centre at 40.
        let got: Vec<_> = bars
            .iter()
            .map(|b| (b.label_id, b.low_x, b.low_w, b.high_x, b.high_w, b.y))
            .collect();
        assert_eq!(
            got,
            [
                (0, 0.0, 40.0, 40.0, 60.0, 0.0),
                (2, 40.0, 20.0, 20.0, 20.0, 12.0),
                (1, 30.0, 10.0, 40.0, 10.0, 24.0),
            ]
        );
        assert_eq!(swing_scale(&values, 100.0, 100.0).map(100.0), 40.0);
    }

    #[test]
    fn degenerate_swings() {
        let bars = swing_bars(
            &[(0, 50.0, 50.0), (1, f64::NAN, 60.0)],
            50.0,
            100.0,
            10.0,
            0.0,
        );
        assert_eq!(bars[0].label_id, 0, "NaN swing sorts last");
        let s = swing_scale(&[(0, 50.0, 50.0), (1, f64::NAN, 60.0)], 50.0, 100.0);
        assert_eq!((s.d0, s.d1), (50.0, 60.0));
        assert_eq!((bars[1].low_x, bars[1].low_w), (0.0, 0.0));
        assert_eq!((bars[1].high_x, bars[1].high_w), (0.0, 100.0));
        let s = swing_scale(&[], 0.0, 100.0);
        assert_eq!((s.d0, s.d1), (-1.0, 1.0));
        let s = swing_scale(&[(0, 200.0, 200.0)], 200.0, 100.0);
        assert_eq!((s.d0, s.d1), (180.0, 220.0));
    }
}
