//! Fan charts over months (time mode): a band between two quantiles per
//! month as one closed path, a line through the means, bars of a monthly
//! amount, and a step curve of a probability. Plain geometry, tested here;
//! `ui/months.rs` draws it.

use super::{fmt_svg, nice_ticks, LinearScale};

/// The plot area of a month chart: months 1..=h spread over `x0..x1`, each
/// month at the middle of its slot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MonthAxis {
    pub h: usize,
    pub x0: f64,
    pub x1: f64,
}

impl MonthAxis {
    /// The x of month `m` (from 1): the middle of its slot.
    pub fn x(&self, m: usize) -> f64 {
        let slot = (self.x1 - self.x0) / self.h.max(1) as f64;
        self.x0 + (m as f64 - 0.5) * slot
    }

    /// The width of one month's slot.
    pub fn slot(&self) -> f64 {
        (self.x1 - self.x0) / self.h.max(1) as f64
    }

    /// The months to label: every one up to 12, then every 3rd (with the
    /// last), so labels never crowd at 36 months.
    pub fn labels(&self) -> Vec<usize> {
        let every = if self.h <= 12 { 1 } else { 3 };
        (1..=self.h)
            .filter(|m| m % every == 0 || *m == 1 || *m == self.h)
            .collect()
    }
}

/// A y scale for values `lo..hi` over `top..bottom`, with zero inside and
/// nice ticks as its domain.
pub fn value_scale(lo: f64, hi: f64, top: f64, bottom: f64) -> (LinearScale, Vec<f64>) {
    let (lo, hi) = (lo.min(0.0), hi.max(0.0));
    let ticks = nice_ticks(lo, hi, 4);
    let (d0, d1) = match (ticks.first(), ticks.last()) {
        (Some(&a), Some(&b)) if b > a => (a, b),
        _ => (lo, if hi > lo { hi } else { lo + 1.0 }),
    };
    (LinearScale::new(d0, d1, bottom, top), ticks)
}

/// The closed path of a band: along the high values month by month, then
/// back along the low ones.
pub fn band_path(axis: &MonthAxis, y: &LinearScale, lo: &[f64], hi: &[f64]) -> String {
    let mut d = String::new();
    for (m, v) in hi.iter().enumerate() {
        d.push_str(if m == 0 { "M" } else { "L" });
        d.push_str(&point(axis.x(m + 1), y.map(*v)));
    }
    for (m, v) in lo.iter().enumerate().rev() {
        d.push('L');
        d.push_str(&point(axis.x(m + 1), y.map(*v)));
    }
    if !d.is_empty() {
        d.push('Z');
    }
    d
}

/// A polyline's points through one value a month.
pub fn line_points(axis: &MonthAxis, y: &LinearScale, vs: &[f64]) -> String {
    vs.iter()
        .enumerate()
        .map(|(m, v)| point(axis.x(m + 1), y.map(*v)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A step curve of a value per month: flat across each month's slot,
/// rising (or falling) at the slot's edge, as "by month m".
pub fn step_path(axis: &MonthAxis, y: &LinearScale, vs: &[f64]) -> String {
    let half = axis.slot() / 2.0;
    let mut d = String::new();
    for (m, v) in vs.iter().enumerate() {
        let (a, b) = (axis.x(m + 1) - half, axis.x(m + 1) + half);
        let yy = y.map(*v);
        d.push_str(if m == 0 { "M" } else { "L" });
        d.push_str(&point(a, yy));
        d.push('L');
        d.push_str(&point(b, yy));
    }
    d
}

/// One bar per month from zero to its value: (x, y, width, height), a
/// third of the slot wide; months of zero have none.
pub fn bars(axis: &MonthAxis, y: &LinearScale, vs: &[f64]) -> Vec<(f64, f64, f64, f64)> {
    let w = axis.slot() / 3.0;
    let y0 = y.map(0.0);
    vs.iter()
        .enumerate()
        .filter(|(_, v)| **v != 0.0)
        .map(|(m, v)| {
            let yv = y.map(*v);
            (axis.x(m + 1) - w / 2.0, yv.min(y0), w, (yv - y0).abs())
        })
        .collect()
}

fn point(x: f64, y: f64) -> String {
    format!("{},{}", fmt_svg(x), fmt_svg(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(h: usize) -> MonthAxis {
        MonthAxis {
            h,
            x0: 40.0,
            x1: 640.0,
        }
    }

    #[test]
    fn months_sit_in_the_middle_of_their_slots() {
        let a = axis(12);
        assert_eq!(a.slot(), 50.0);
        assert_eq!(a.x(1), 65.0);
        assert_eq!(a.x(12), 615.0);
        assert_eq!(a.labels().len(), 12);
        let long = axis(36);
        let l = long.labels();
        assert_eq!((l[0], l[1], *l.last().unwrap()), (1, 3, 36));
        assert!(l.len() <= 13, "{l:?}");
    }

    #[test]
    fn the_value_scale_holds_zero_and_every_value() {
        let (y, ticks) = value_scale(-120.0, 980.0, 10.0, 210.0);
        assert!(ticks.contains(&0.0));
        assert!(y.d0 <= -120.0 && y.d1 >= 980.0);
        assert_eq!(y.map(y.d0), 210.0);
        assert_eq!(y.map(y.d1), 10.0);
        // All positive: the axis still starts at zero.
        let (y, _) = value_scale(500.0, 900.0, 0.0, 100.0);
        assert_eq!(y.d0, 0.0);
        // Nothing at all: a usable scale, no NaN.
        let (y, _) = value_scale(0.0, 0.0, 0.0, 100.0);
        assert!(y.map(0.0).is_finite());
    }

    #[test]
    fn a_band_goes_out_along_the_high_values_and_back_along_the_low() {
        let a = axis(2);
        let y = LinearScale::new(0.0, 100.0, 100.0, 0.0);
        let d = band_path(&a, &y, &[10.0, 20.0], &[50.0, 80.0]);
        assert_eq!(d, "M190,50L490,20L490,80L190,90Z");
        assert_eq!(line_points(&a, &y, &[10.0, 20.0]), "190,90 490,80");
        assert_eq!(band_path(&a, &y, &[], &[]), "");
    }

    #[test]
    fn a_step_is_flat_across_its_month_and_bars_rise_from_zero() {
        let a = axis(2);
        let y = LinearScale::new(-100.0, 100.0, 200.0, 0.0);
        assert_eq!(
            step_path(&a, &y, &[0.0, 50.0]),
            "M40,100L340,100L340,50L640,50"
        );
        let b = bars(&a, &y, &[-50.0, 0.0]);
        assert_eq!(
            b,
            vec![(140.0, 100.0, 100.0, 50.0)],
            "a cost bar below zero"
        );
        let b = bars(&a, &y, &[0.0, 100.0]);
        assert_eq!(b, vec![(440.0, 0.0, 100.0, 100.0)]);
    }
}
