//! Axis ticks at "nice" values: steps of 1, 2 or 5 times a power of ten.

/// Most ticks ever produced; a huge `target_count` is a caller bug, not a reason
/// to allocate millions of labels.
const MAX_TARGET: usize = 1000;

/// The tick step for about `target_count` intervals across `lo..hi`: 1, 2 or
/// 5 × 10ⁿ, chosen as the nearest on a log scale (the thresholds √2, √10, √50
/// are the geometric midpoints between 1, 2, 5 and 10). Returns `(m, n)` with
/// step = m·10ⁿ; keeping the exponent separate lets ticks be computed as
/// `i·m / 10⁻ⁿ`, which gives 0.3 rather than 0.30000000000000004.
fn step_parts(lo: f64, hi: f64, target_count: usize) -> (f64, i32) {
    let raw = (hi - lo) / target_count.clamp(1, MAX_TARGET) as f64;
    let mut exp = raw.log10().floor() as i32;
    // log10 can land a hair off an exact power of ten.
    if raw / 10f64.powi(exp) >= 10.0 {
        exp += 1;
    } else if raw / 10f64.powi(exp) < 1.0 {
        exp -= 1;
    }
    let err = raw / 10f64.powi(exp);
    let m = if err >= 50f64.sqrt() {
        10.0
    } else if err >= 10f64.sqrt() {
        5.0
    } else if err >= 2f64.sqrt() {
        2.0
    } else {
        1.0
    };
    if m == 10.0 {
        (1.0, exp + 1)
    } else {
        (m, exp)
    }
}

/// The domain actually used: ordered, and widened when empty so that a
/// constant result (every trial the same) still gets a readable axis.
fn usable_domain(lo: f64, hi: f64) -> Option<(f64, f64)> {
    if !lo.is_finite() || !hi.is_finite() {
        return None;
    }
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if hi - lo > 0.0 && (hi - lo).is_finite() {
        Some((lo, hi))
    } else if lo == 0.0 {
        Some((0.0, 1.0))
    } else {
        let pad = lo.abs() * 0.1;
        Some((lo - pad, hi + pad))
    }
}

/// The step [`nice_ticks`] uses for these arguments (0 when there are none).
pub fn nice_step(lo: f64, hi: f64, target_count: usize) -> f64 {
    match usable_domain(lo, hi) {
        Some((lo, hi)) => {
            let (m, exp) = step_parts(lo, hi, target_count);
            m * 10f64.powi(exp)
        }
        None => 0.0,
    }
}

/// Ticks at multiples of a 1-2-5 step that cover `lo..hi`: the first tick is
/// ≤ lo and the last ≥ hi, so the axis can use them as its domain and every
/// value sits inside. Gives about `target_count` intervals (typically
/// `target_count ± 50%`). Deterministic: the same arguments give the same
/// values on every machine. Order of `lo`, `hi` does not matter; non-finite
/// bounds give no ticks; `lo == hi` is widened by 10% (0..1 around zero).
pub fn nice_ticks(lo: f64, hi: f64, target_count: usize) -> Vec<f64> {
    let Some((lo, hi)) = usable_domain(lo, hi) else {
        return Vec::new();
    };
    let (m, exp) = step_parts(lo, hi, target_count);
    let step = m * 10f64.powi(exp);
    // The small tolerance keeps 0.3 / 0.1 = 2.9999999999999996 from adding
    // a tick below a bound that is itself a multiple of the step.
    let first = (lo / step + 1e-9).floor();
    let last = (hi / step - 1e-9).ceil();
    let value = |i: f64| {
        if exp >= 0 {
            i * step
        } else {
            i * m / 10f64.powi(-exp)
        }
    };
    let count = (last - first) as usize + 1;
    (0..count.min(4 * MAX_TARGET))
        .map(|k| value(first + k as f64))
        // A tick of -0 would print as "-0".
        .map(|v| if v == 0.0 { 0.0 } else { v })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_125(step: f64) -> bool {
        let exp = step.log10().floor();
        let m = step / 10f64.powf(exp);
        [1.0, 2.0, 5.0, 10.0].iter().any(|n| (m - n).abs() < 1e-9)
    }

    #[test]
    fn hand_computed_cases() {
        assert_eq!(
            nice_ticks(0.0, 100.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(nice_ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(nice_ticks(0.0, 0.3, 3), vec![0.0, 0.1, 0.2, 0.3]);
        assert_eq!(
            nice_ticks(3.0, 97.0, 10),
            (0..=10).map(|i| i as f64 * 10.0).collect::<Vec<_>>()
        );
        assert_eq!(
            nice_ticks(12_345.0, 987_654.0, 4),
            vec![0.0, 200_000.0, 400_000.0, 600_000.0, 800_000.0, 1_000_000.0]
        );
        assert_eq!(
            nice_ticks(-37.0, 12.0, 5),
            vec![-40.0, -30.0, -20.0, -10.0, 0.0, 10.0, 20.0]
        );
    }

    #[test]
    fn covers_the_range_with_1_2_5_steps() {
        let cases = [
            (0.0, 1.0, 5),
            (0.0, 1234.0, 5),
            (17.0, 18.5, 4),
            (-5e6, 2.2e7, 6),
            (0.001, 0.0123, 5),
            (1e9, 3.7e9, 8),
            (-1.0, -0.25, 3),
            (0.0, 999_999.0, 1),
        ];
        for (lo, hi, n) in cases {
            let t = nice_ticks(lo, hi, n);
            assert!(t.len() >= 2, "{lo}..{hi}: {t:?}");
            assert!(t[0] <= lo && *t.last().unwrap() >= hi, "{lo}..{hi}: {t:?}");
            let step = t[1] - t[0];
            assert!(is_125(step), "{lo}..{hi}: step {step}");
            assert!((step - nice_step(lo, hi, n)).abs() <= step * 1e-9);
            for w in t.windows(2) {
                assert!(((w[1] - w[0]) - step).abs() <= step * 1e-9, "{t:?}");
            }
            // Covering ticks: no more than one step beyond either bound.
            assert!(t[0] > lo - step && *t.last().unwrap() < hi + step);
            let intervals = t.len() - 1;
            assert!(intervals <= 3 * n + 2, "{lo}..{hi} n={n}: {t:?}");
        }
    }

    #[test]
    fn decimal_ticks_print_cleanly() {
        let t = nice_ticks(0.0, 0.7, 7);
        let shown: Vec<String> = t.iter().map(|v| v.to_string()).collect();
        assert_eq!(
            shown,
            ["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"]
        );
    }

    #[test]
    fn reversed_empty_and_bad_input() {
        assert_eq!(nice_ticks(100.0, 0.0, 5), nice_ticks(0.0, 100.0, 5));
        assert_eq!(nice_ticks(0.0, 0.0, 5), nice_ticks(0.0, 1.0, 5));
        // 50 widened to 45..55; step 2 for 4 intervals.
        assert_eq!(
            nice_ticks(50.0, 50.0, 4),
            vec![44.0, 46.0, 48.0, 50.0, 52.0, 54.0, 56.0]
        );
        assert!(nice_ticks(f64::NAN, 1.0, 5).is_empty());
        assert!(nice_ticks(0.0, f64::INFINITY, 5).is_empty());
        assert_eq!(nice_step(f64::NAN, 1.0, 5), 0.0);
        // target 0 behaves as 1; a huge target is capped.
        assert_eq!(nice_ticks(0.0, 10.0, 0), vec![0.0, 10.0]);
        assert!(nice_ticks(0.0, 1.0, usize::MAX).len() <= 4001);
        // Negative ticks never print as "-0".
        assert!(nice_ticks(-1.0, -0.0, 2)
            .iter()
            .all(|v| v.to_string() != "-0"));
    }

    #[test]
    fn deterministic() {
        assert_eq!(nice_ticks(0.37, 1234.5, 6), nice_ticks(0.37, 1234.5, 6));
    }
}
