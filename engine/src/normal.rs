//! Standard normal draws (lognormal volumes; inside the Gamma sampler): a
//! 256-layer ziggurat (Marsaglia & Tsang 2000) whose tables are built at
//! first use with `libm` maths, so a seed gives the same numbers on every
//! target.

use crate::rng::{to_unit, Rng, Uniforms, Xoshiro256PlusPlus};
use libm::{exp, log as ln};
use std::sync::OnceLock;

/// Layers of the normal ziggurat (a power of two: the layer is 8 bits of a draw).
const LAYERS: usize = 256;

/// The ziggurat of f(x) = exp(−x²/2) on x ≥ 0 (Marsaglia & Tsang 2000), built
/// at first use by [`NormalZiggurat::build`] with `libm` maths only, so the
/// numbers are the same on every target.
///
/// `w[0]` is the pseudo-width of the base strip (the rectangle [0, r]×[0, f(r)]
/// plus the tail beyond r, stretched to a rectangle of height f(r));
/// `w[1] = r`, and layer j ≥ 1 is the rectangle [0, w[j]]×[f(w[j]), f(w[j+1])];
/// `w[LAYERS] = 0`. Every layer has the same area v, so a uniform layer and a
/// uniform point in it give a uniform point under the curve.
pub(crate) struct NormalZiggurat {
    w: [f64; LAYERS + 1],
    /// `f[j] = exp(−w[j]²/2)`; `f[0]` is unused (0), `f[LAYERS] = 1`.
    f: [f64; LAYERS + 1],
    r: f64,
}

impl NormalZiggurat {
    /// Area under f beyond x: √(π/2)·erfc(x/√2).
    fn tail_area(x: f64) -> f64 {
        libm::sqrt(core::f64::consts::FRAC_PI_2) * libm::erfc(x / core::f64::consts::SQRT_2)
    }

    /// Stack the layers upwards from the base strip of a given r: returns
    /// (v, widths) or `None` when the layers reach the top of the curve
    /// before the last one (r too small: layers too thick).
    fn stack(r: f64) -> Option<(f64, [f64; LAYERS + 1])> {
        let fr = exp(-0.5 * r * r);
        let v = r * fr + Self::tail_area(r);
        let mut w = [0.0; LAYERS + 1];
        w[0] = v / fr;
        w[1] = r;
        let mut y = fr;
        for j in 1..LAYERS - 1 {
            // The top of layer j: y + v / w[j]; its right edge is f⁻¹ of it.
            y += v / w[j];
            if y >= 1.0 {
                return None;
            }
            w[j + 1] = libm::sqrt(-2.0 * ln(y));
        }
        Some((v, w))
    }

    /// Find r by bisection so that the last layer, [0, w[LAYERS−1]] up to
    /// the curve's top f(0) = 1, has the same area v as the others.
    fn build() -> Self {
        let (mut lo, mut hi) = (2.0f64, 6.0f64);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            let too_small = match Self::stack(mid) {
                None => true,
                Some((v, w)) => {
                    let top = w[LAYERS - 1];
                    v > top * (1.0 - exp(-0.5 * top * top))
                }
            };
            if too_small {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let r = hi;
        let (_, mut w) = Self::stack(r).expect("the upper end of the bracket stacks");
        w[LAYERS] = 0.0;
        let mut f = [0.0; LAYERS + 1];
        for j in 1..=LAYERS {
            f[j] = exp(-0.5 * w[j] * w[j]);
        }
        Self { w, f, r }
    }

    pub(crate) fn get() -> &'static Self {
        static TABLES: OnceLock<NormalZiggurat> = OnceLock::new();
        TABLES.get_or_init(Self::build)
    }
}

/// A standard normal draw by the ziggurat method (Marsaglia & Tsang 2000) on
/// tables built here at first use (256 layers): one `u64` gives the layer
/// (8 bits), the sign (1 bit) and a 53-bit uniform; ~99 % of draws end there.
/// The tail beyond r uses Marsaglia's (1964) exponential rejection.
#[inline]
pub fn standard_normal(rng: &mut Xoshiro256PlusPlus) -> f64 {
    normal_with(NormalZiggurat::get(), rng)
}

#[inline(always)]
pub(crate) fn normal_with(z: &NormalZiggurat, rng: &mut Xoshiro256PlusPlus) -> f64 {
    let bits = rng.next_u64();
    let j = (bits & 0xff) as usize;
    let u = to_unit(bits >> 11);
    // `j + 1 ≤ LAYERS`: both indices are in the tables (no bounds checks).
    let x = u * z.w[j];
    if x < z.w[j + 1] {
        // Inside the part of the layer that lies under the curve (~99 %).
        return if bits & 0x100 != 0 { -x } else { x };
    }
    // The cold path takes the generator by value and hands it back, so a
    // caller's generator never has its address taken and its state can stay
    // in registers through the hot loop.
    let (x, r) = normal_rest(z, bits, x, rng.clone());
    *rng = r;
    x
}

/// The rare remainder of a ziggurat draw whose point fell outside its
/// layer's inner rectangle: the tail or the wedge test, then (on rejection)
/// new draws — the same numbers, in the same order, as one loop.
#[cold]
#[inline(never)]
fn normal_rest(
    z: &NormalZiggurat,
    bits: u64,
    x: f64,
    mut rng: Xoshiro256PlusPlus,
) -> (f64, Xoshiro256PlusPlus) {
    let x = normal_rest_in(z, bits, x, &mut rng);
    (x, rng)
}

fn normal_rest_in(
    z: &NormalZiggurat,
    mut bits: u64,
    mut x: f64,
    rng: &mut Xoshiro256PlusPlus,
) -> f64 {
    loop {
        let j = (bits & 0xff) as usize;
        let negative = bits & 0x100 != 0;
        let sign = |x: f64| if negative { -x } else { x };
        if x < z.w[j + 1] {
            return sign(x);
        }
        if j == 0 {
            // The base strip beyond r: a draw from the tail x > r.
            loop {
                let e = -ln(rng.open01()) / z.r;
                let e2 = -ln(rng.open01());
                if 2.0 * e2 > e * e {
                    return sign(z.r + e);
                }
            }
        }
        // The wedge between the layer's inner and outer edges: accept under f.
        let y = z.f[j] + rng.uniform() * (z.f[j + 1] - z.f[j]);
        if y < exp(-0.5 * x * x) {
            return sign(x);
        }
        bits = rng.next_u64();
        let u = to_unit(bits >> 11);
        x = u * z.w[(bits & 0xff) as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ziggurat_layers_have_equal_areas() {
        let z = NormalZiggurat::build();
        // The base strip: [0, r]×[0, f(r)] plus the tail beyond r.
        let v = z.r * z.f[1] + NormalZiggurat::tail_area(z.r);
        assert!((z.w[0] * z.f[1] - v).abs() < 1e-15, "base strip");
        for j in 1..LAYERS {
            let area = z.w[j] * (z.f[j + 1] - z.f[j]);
            assert!((area - v).abs() < 1e-12 * v, "layer {j}: {area} vs {v}");
            assert!(z.w[j + 1] < z.w[j] && z.f[j + 1] > z.f[j]);
        }
        // The layers cover the area under f, √(π/2), with ~1 % to spare
        // (the wedges above the curve: the rejection rate).
        let under = libm::sqrt(core::f64::consts::FRAC_PI_2);
        let total = v * LAYERS as f64;
        assert!(total > under && under / total > 0.99, "{}", under / total);
        assert!((3.6..3.7).contains(&z.r), "{}", z.r);
    }
}
