//! The range chart of the presentation: each scenario's revenue P5–P95 as a
//! band, with its P50 and mean, on one shared x scale.

use super::LinearScale;

/// One row of the range chart: a scenario's revenue P5–P95, P50 and mean.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RangeRow {
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    pub mean: f64,
}

/// The x scale of the range chart: every row's P5..P95 inside `x0..x1` with
/// a little room. The axis does not start at zero: the marks are ranges,
/// not bars, and the room needs to see how the ranges differ.
pub fn range_scale(rows: &[RangeRow], x0: f64, x1: f64) -> LinearScale {
    let lo = rows.iter().map(|r| r.p5).fold(f64::INFINITY, f64::min);
    let hi = rows.iter().map(|r| r.p95).fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return LinearScale::new(0.0, 1.0, x0, x1);
    }
    let span = (hi - lo).max(hi.abs() * 1e-9).max(1e-9);
    LinearScale::new(lo - span * 0.08, hi + span * 0.08, x0, x1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_scale_holds_every_band_with_room() {
        let rows = [
            RangeRow {
                p5: 200.0,
                p50: 370.0,
                p95: 560.0,
                mean: 375.0,
            },
            RangeRow {
                p5: 260.0,
                p50: 480.0,
                p95: 720.0,
                mean: 487.5,
            },
        ];
        let x = range_scale(&rows, 20.0, 980.0);
        for r in rows {
            assert!(x.map(r.p5) > 20.0 && x.map(r.p95) < 980.0);
        }
        // The ranges take most of the width: 520 of 520·1.16.
        assert!((x.d1 - x.d0 - 520.0 * 1.16).abs() < 1e-6);
        // Far from zero: the axis starts just below the lowest P5.
        let far = [RangeRow {
            p5: 1_000_000.0,
            p50: 1_010_000.0,
            p95: 1_020_000.0,
            mean: 1_010_000.0,
        }];
        let x = range_scale(&far, 0.0, 100.0);
        assert!(x.d0 > 990_000.0 && x.d0 < 1_000_000.0, "{}", x.d0);
        assert!(x.d1 > 1_020_000.0);
    }

    #[test]
    fn range_scale_survives_a_point_and_nothing() {
        let point = [RangeRow {
            p5: 5.0,
            p50: 5.0,
            p95: 5.0,
            mean: 5.0,
        }];
        let x = range_scale(&point, 0.0, 100.0);
        assert!(x.map(5.0).is_finite() && (0.0..=100.0).contains(&x.map(5.0)));
        let x = range_scale(&[], 0.0, 100.0);
        assert!(x.map(0.5).is_finite());
    }
}
