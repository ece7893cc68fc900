//! Revenue distributions as density outlines, and percentile bands.
//!
//! Scenarios run the same number of trials today, but the histograms are
//! normalised to densities (count / (total·width)) anyway, so that curves with
//! different totals or bin widths overlay on one y axis and the area under each
//! is its share of trials.

use super::{fmt_svg, pt, LinearScale};

/// Equal-width bins, as in the engine's `Histogram`: bin `i` covers
/// `[lo + i·width, lo + (i+1)·width)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bins<'a> {
    pub lo: f64,
    pub width: f64,
    pub counts: &'a [u32],
    /// Trials in total, including those below and above the bins; then the
    /// area under the outline is the share of trials inside the shown range,
    /// not inflated to 1 by dropping the tails.
    pub total: u32,
}

impl<'a> Bins<'a> {
    pub fn new(lo: f64, width: f64, counts: &'a [u32], total: u32) -> Self {
        Bins {
            lo,
            width,
            counts,
            total,
        }
    }

    /// The right edge of the last bin.
    pub fn hi(&self) -> f64 {
        self.edge(self.counts.len())
    }

    /// Left edge of bin `i` (computed, not accumulated, so edges do not drift).
    fn edge(&self, i: usize) -> f64 {
        self.lo + i as f64 * self.width
    }

    /// Density of bin `i`: count / (total·width); 0 for a bin that does not
    /// exist, no trials, or a width that is not positive and finite.
    pub fn density(&self, i: usize) -> f64 {
        let usable = self.total > 0 && self.width > 0.0 && self.width.is_finite();
        match self.counts.get(i) {
            Some(&c) if usable => f64::from(c) / (f64::from(self.total) * self.width),
            _ => 0.0,
        }
    }

    /// The tallest bin's density (0 when there is none).
    pub fn max_density(&self) -> f64 {
        (0..self.counts.len())
            .map(|i| self.density(i))
            .fold(0.0, f64::max)
    }

    /// The outline of the histogram as steps: from the baseline at the left
    /// edge, up to each bin's density and across it, and back down to the
    /// baseline at the right edge (`M x,y V y H x V y … V y`). Empty when there
    /// are no bins. Coordinates are clamped to the scales' ranges so nothing is
    /// drawn outside the plot; give `x` a domain covering `lo..hi()` to see
    /// every bin and `y` a domain from 0 to [`max_density`] to see every top.
    pub fn step_path(&self, x: &LinearScale, y: &LinearScale) -> String {
        if self.counts.is_empty() {
            return String::new();
        }
        let base = y.clamp(0.0);
        let mut d = format!("M{}", pt(x.clamp(self.lo), base));
        for i in 0..self.counts.len() {
            d.push_str(&format!(
                " V{} H{}",
                fmt_svg(y.clamp(self.density(i))),
                fmt_svg(x.clamp(self.edge(i + 1)))
            ));
        }
        d.push_str(&format!(" V{}", fmt_svg(base)));
        d
    }

    /// The same outline closed along the baseline, for a translucent fill.
    pub fn area_path(&self, x: &LinearScale, y: &LinearScale) -> String {
        let d = self.step_path(x, y);
        if d.is_empty() {
            d
        } else {
            d + " Z"
        }
    }
}

/// The tallest density among several histograms: the top of a y domain
/// shared by all the scenarios drawn together.
pub fn max_density(hists: &[Bins]) -> f64 {
    hists.iter().map(Bins::max_density).fold(0.0, f64::max)
}

/// A horizontal percentile band (e.g. P5..P95) as `(x, w)`, clamped to the
/// plot so a band whose end lies outside the axis still shows the visible
/// part. The order of the two values does not matter; a band entirely outside
/// the plot has width 0 at the nearest edge, and one with a NaN end (no
/// trials yet) has width 0 at the range's low end.
pub fn band(p5: f64, p95: f64, scale: &LinearScale) -> (f64, f64) {
    if p5.is_nan() || p95.is_nan() {
        return (scale.range_extent().0, 0.0);
    }
    let a = scale.clamp(p5);
    let b = scale.clamp(p95);
    (a.min(b), (a - b).abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scales() -> (LinearScale, LinearScale) {
        (
            LinearScale::new(0.0, 20.0, 0.0, 200.0),
            LinearScale::new(0.0, 0.1, 100.0, 0.0),
        )
    }

    #[test]
    fn paths_for_a_small_case() {
        let counts = [1, 3];
        let h = Bins::new(0.0, 10.0, &counts, 4);
        assert_eq!(h.density(0), 0.025);
        assert_eq!(h.density(1), 0.075);
        let (x, y) = scales();
        assert_eq!(h.step_path(&x, &y), "M0,100 V75 H100 V25 H200 V100");
        assert_eq!(h.area_path(&x, &y), "M0,100 V75 H100 V25 H200 V100 Z");
    }

    #[test]
    fn densities_integrate_to_one() {
        let counts = [3, 17, 40, 25, 10, 5];
        let total = counts.iter().sum();
        let h = Bins::new(-1000.0, 37.5, &counts, total);
        let area: f64 = (0..counts.len()).map(|i| h.density(i) * h.width).sum();
        assert!((area - 1.0).abs() < 1e-12);
        assert_eq!(h.hi(), -1000.0 + 6.0 * 37.5);
        // With trials outside the bins the area is the share inside them.
        let h = Bins::new(-1000.0, 37.5, &counts, total * 2);
        let area: f64 = (0..counts.len()).map(|i| h.density(i) * h.width).sum();
        assert!((area - 0.5).abs() < 1e-12);
    }

    #[test]
    fn different_totals_overlay_comparably() {
        let small = [1, 2, 1];
        let big = [100, 200, 100];
        let a = Bins::new(0.0, 5.0, &small, 4);
        let b = Bins::new(0.0, 5.0, &big, 400);
        let (x, y) = scales();
        assert_eq!(a.step_path(&x, &y), b.step_path(&x, &y));
        // Twice the bin width, same shape: half the density per bin.
        let wide = Bins::new(0.0, 10.0, &small, 4);
        assert_eq!(wide.density(1), a.density(1) / 2.0);
    }

    #[test]
    fn shared_maximum() {
        let c1 = [1, 3];
        let c2 = [5, 5];
        let hs = [Bins::new(0.0, 10.0, &c1, 4), Bins::new(0.0, 1.0, &c2, 10)];
        assert_eq!(max_density(&hs), 0.5);
        assert_eq!(max_density(&[]), 0.0);
    }

    #[test]
    fn degenerate_histograms() {
        let (x, y) = scales();
        let none: [u32; 0] = [];
        assert_eq!(Bins::new(0.0, 1.0, &none, 0).step_path(&x, &y), "");
        assert_eq!(Bins::new(0.0, 1.0, &none, 0).area_path(&x, &y), "");
        let c = [2, 2];
        for h in [Bins::new(0.0, 10.0, &c, 0), Bins::new(0.0, 0.0, &c, 4)] {
            assert_eq!(h.max_density(), 0.0);
            assert!(!h.step_path(&x, &y).contains("NaN"));
        }
        assert_eq!(Bins::new(0.0, 10.0, &c, 4).density(9), 0.0);
    }

    #[test]
    fn outline_is_clamped_to_the_plot() {
        let (x, y) = scales();
        // Bin 1 is past the x domain, bin 0 taller than the y domain.
        let c = [10, 1];
        let h = Bins::new(15.0, 5.0, &c, 11);
        assert_eq!(h.step_path(&x, &y), "M150,100 V0 H200 V81.82 H200 V100");
    }

    #[test]
    fn bands() {
        let x = LinearScale::new(0.0, 100.0, 40.0, 440.0);
        assert_eq!(band(10.0, 60.0, &x), (80.0, 200.0));
        assert_eq!(band(60.0, 10.0, &x), (80.0, 200.0));
        assert_eq!(band(-50.0, 50.0, &x), (40.0, 200.0));
        assert_eq!(band(50.0, 500.0, &x), (240.0, 200.0));
        assert_eq!(band(200.0, 300.0, &x), (440.0, 0.0));
        assert_eq!(band(f64::NAN, f64::NAN, &x), (40.0, 0.0));
        assert_eq!(band(f64::NAN, 50.0, &x), (40.0, 0.0));
        assert_eq!(band(f64::NEG_INFINITY, 50.0, &x), (40.0, 200.0));
    }
}
