//! A stable sort for the short lists of the answers (sensitivity bars, a
//! run's chunks, the page's tornado rows: at most a few hundred items).
//!
//! Why not `slice::sort_by`: the standard library's stable sort is built for
//! long slices (driftsort), and each element type instantiates about 5 KB of
//! WebAssembly; five of them cost the page ≈ 25 KB before compression. An
//! insertion sort is a few hundred bytes per type, and at these lengths its
//! quadratic worst case is microseconds.

use core::cmp::Ordering;

/// Sorts `v` by `cmp`, keeping equal elements in their order (stable), like
/// `v.sort_by(cmp)`. Quadratic: for short slices only.
pub fn sort_small_by<T, F: FnMut(&T, &T) -> Ordering>(v: &mut [T], mut cmp: F) {
    for i in 1..v.len() {
        let mut j = i;
        // Only a strictly greater predecessor moves: equal ones keep their order.
        while j > 0 && cmp(&v[j - 1], &v[j]) == Ordering::Greater {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against the standard library's stable sort on lists with many ties
    /// (a key of 5 values, the payload the original position): the same
    /// order, element for element, so equal keys keep their order.
    #[test]
    fn matches_the_standard_stable_sort() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for len in 0..60 {
            let v: Vec<(u64, usize)> = (0..len).map(|i| (next() % 5, i)).collect();
            let mut ours = v.clone();
            let mut std = v.clone();
            sort_small_by(&mut ours, |a, b| a.0.cmp(&b.0));
            std.sort_by_key(|a| a.0);
            assert_eq!(ours, std, "length {len}");
        }
    }

    /// Descending float keys with NaN and infinities, as the tornado sorts.
    #[test]
    fn sorts_by_total_order_descending() {
        let mut v = [1.0, f64::NAN, -3.0, f64::INFINITY, 0.0, -0.0, 2.5];
        sort_small_by(&mut v, |a, b| b.total_cmp(a));
        let mut std = [1.0, f64::NAN, -3.0, f64::INFINITY, 0.0, -0.0, 2.5];
        std.sort_by(|a, b| b.total_cmp(a));
        assert_eq!(v.map(f64::to_bits), std.map(f64::to_bits));
    }
}
