//! Linear mapping from data values to SVG coordinates.

/// Maps the domain `d0..d1` linearly onto the range `r0..r1`. Either pair may
/// be decreasing: a y axis maps value 0 to the bottom (`r0 = height`) and the
/// maximum to the top (`r1 = 0`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinearScale {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl LinearScale {
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Self {
        LinearScale { d0, d1, r0, r1 }
    }

    /// The coordinate of data value `x`. Values outside the domain extrapolate
    /// (clip in the component or use [`LinearScale::clamp`]). An empty domain
    /// (`d0 == d1`, e.g. every trial gave the same revenue) maps everything to
    /// the middle of the range rather than dividing by zero.
    pub fn map(&self, x: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span == 0.0 || !span.is_finite() {
            return (self.r0 + self.r1) / 2.0;
        }
        self.r0 + (x - self.d0) / span * (self.r1 - self.r0)
    }

    /// The data value at coordinate `y` (for pointer hover); the inverse of
    /// [`LinearScale::map`]. An empty range gives the middle of the domain.
    pub fn invert(&self, y: f64) -> f64 {
        let span = self.r1 - self.r0;
        if span == 0.0 || !span.is_finite() {
            return (self.d0 + self.d1) / 2.0;
        }
        self.d0 + (y - self.r0) / span * (self.d1 - self.d0)
    }

    /// The low and high ends of the range, whichever way it runs.
    pub fn range_extent(&self) -> (f64, f64) {
        (self.r0.min(self.r1), self.r0.max(self.r1))
    }

    /// `map(x)` kept inside the range, so marks for outliers sit at the edge
    /// of the plot instead of outside the SVG. NaN maps to the range's low end.
    pub fn clamp(&self, x: f64) -> f64 {
        let (lo, hi) = self.range_extent();
        let y = self.map(x);
        if y.is_nan() {
            lo
        } else {
            funnelcast_engine::special::clamp(y, lo, hi)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_endpoints_and_midpoint() {
        let s = LinearScale::new(0.0, 200.0, 40.0, 440.0);
        assert_eq!(s.map(0.0), 40.0);
        assert_eq!(s.map(200.0), 440.0);
        assert_eq!(s.map(50.0), 140.0);
        assert_eq!(s.map(-100.0), -160.0, "extrapolates");
    }

    #[test]
    fn inverted_y_axis() {
        let y = LinearScale::new(0.0, 10.0, 300.0, 0.0);
        assert_eq!(y.map(0.0), 300.0);
        assert_eq!(y.map(10.0), 0.0);
        assert_eq!(y.map(2.5), 225.0);
        assert_eq!(y.invert(225.0), 2.5);
        assert_eq!(y.range_extent(), (0.0, 300.0));
    }

    #[test]
    fn invert_undoes_map() {
        let s = LinearScale::new(-3.0, 7.0, 10.0, 510.0);
        for x in [-3.0, 0.0, 1.25, 7.0, 12.0] {
            assert!((s.invert(s.map(x)) - x).abs() < 1e-12);
        }
    }

    #[test]
    fn degenerate_domain_and_range_do_not_divide_by_zero() {
        let s = LinearScale::new(5.0, 5.0, 0.0, 100.0);
        assert_eq!(s.map(5.0), 50.0);
        assert_eq!(s.map(123.0), 50.0);
        let r = LinearScale::new(0.0, 10.0, 20.0, 20.0);
        assert_eq!(r.invert(20.0), 5.0);
    }

    #[test]
    fn clamp_keeps_marks_inside() {
        let s = LinearScale::new(0.0, 10.0, 100.0, 0.0);
        assert_eq!(s.clamp(-5.0), 100.0);
        assert_eq!(s.clamp(20.0), 0.0);
        assert_eq!(s.clamp(5.0), 50.0);
        assert_eq!(s.clamp(f64::NAN), 0.0);
    }
}
