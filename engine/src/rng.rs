//! The portable seeded generator: Xoshiro256++ seeded through SplitMix64.
//!
//! Written out here (20 lines) rather than taken from a crate so that the
//! engine has no `rand_core` version to track; the output sequence is the
//! reference Xoshiro256++ one, identical on every target.

/// Xoshiro256++ (Blackman & Vigna). Each purpose of a run (a segment's inputs,
/// the baseline's counts, a scenario's counts, …) gets its own stream, seeded
/// from `(seed, stream id)`, so adding a scenario never changes the numbers of
/// the baseline or of other scenarios.
#[derive(Clone, Debug)]
pub struct Xoshiro256pp {
    s: [u64; 4],
}

/// One step of SplitMix64: the recommended way to expand a 64-bit seed.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Xoshiro256pp {
    /// A generator for stream `stream` of run seed `seed`.
    ///
    /// # Examples
    /// ```
    /// use funnelcast_engine::rng::Xoshiro256pp;
    /// let mut a = Xoshiro256pp::new(42, 0);
    /// let mut b = Xoshiro256pp::new(42, 0);
    /// assert_eq!(a.next_u64(), b.next_u64());
    /// ```
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut mix = stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let mut st = seed ^ splitmix64(&mut mix);
        let mut s = [0u64; 4];
        for x in &mut s {
            *x = splitmix64(&mut st);
        }
        if s == [0; 4] {
            s[0] = 1;
        }
        Self { s }
    }

    #[inline(always)]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1) with 53 random bits.
    #[inline(always)]
    pub fn uniform(&mut self) -> f64 {
        to_unit(self.next_u64() >> 11)
    }

    /// The 53 bits behind [`Xoshiro256pp::uniform`]: `to_unit(bits53())` is
    /// the same number as `uniform()`.
    #[inline(always)]
    pub fn bits53(&mut self) -> u64 {
        self.next_u64() >> 11
    }

    /// Uniform in (0, 1): safe to take the logarithm of.
    #[inline(always)]
    pub fn open01(&mut self) -> f64 {
        // < 2^53, so the signed conversion (one instruction) is exact.
        (((self.next_u64() >> 11) as i64) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }
}

/// m·2⁻⁵³ for m < 2⁵³ (exact; the signed conversion is one instruction
/// where the unsigned one is several).
#[inline(always)]
pub fn to_unit(m: u64) -> f64 {
    debug_assert!(m < 1 << 53);
    (m as i64) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_sequence() {
        // Reference Xoshiro256++ output for state [1, 2, 3, 4] (from the
        // authors' C code, as also checked by rand_xoshiro).
        let mut r = Xoshiro256pp { s: [1, 2, 3, 4] };
        let want = [41943041u64, 58720359, 3588806011781223, 3591011842654386];
        for w in want {
            assert_eq!(r.next_u64(), w);
        }
    }

    #[test]
    fn streams_differ() {
        let mut a = Xoshiro256pp::new(7, 0);
        let mut b = Xoshiro256pp::new(7, 1);
        assert_ne!(a.next_u64(), b.next_u64());
    }
}
