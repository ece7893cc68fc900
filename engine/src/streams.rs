//! Random streams: one Xoshiro256++ stream per (segment, scenario, purpose)
//! and per key block of [`KEY_BLOCK`] trials, so that adding a scenario or a
//! segment never changes the numbers the others draw, and any block of
//! trials can be drawn on its own — in any order, on any worker — with the
//! digits of a whole run (README.md, "Streams" and "Chunks").

use crate::rng::{seeded, Xoshiro256PlusPlus};

/// Trials per key block: every stream restarts, seeded from (run seed,
/// stream id, block index), at each multiple of this. A chunk of a run is a
/// range of key blocks.
pub const KEY_BLOCK: u32 = 4096;

/// Stream purposes (ids mixed into the seed).
pub(crate) const INPUTS: u64 = 0;
pub(crate) const COUNTS: u64 = 1;
pub(crate) const REVENUE: u64 = 2;

pub(crate) fn stream(
    seed: u64,
    block: u32,
    g: usize,
    s: usize,
    purpose: u64,
) -> Xoshiro256PlusPlus {
    // (segment, scenario, purpose) take 11 bits (6 × 64 × 4 < 2^11); the
    // key block goes above them.
    let id = ((g as u64 * 64 + s as u64) << 2) | purpose;
    seeded(seed, ((block as u64) << 12) | id)
}

/// A segment's streams: its uncertain inputs (shared by every scenario),
/// and per scenario its counts and its revenue.
pub(crate) struct SegStreams {
    seed: u64,
    g: usize,
    pub inputs: Xoshiro256PlusPlus,
    /// Per scenario (0 = baseline).
    pub counts: Vec<Xoshiro256PlusPlus>,
    pub revenue: Vec<Xoshiro256PlusPlus>,
}

impl SegStreams {
    /// The streams of segment `g` for `scenarios` scenarios (the baseline
    /// included) of a run seeded with `seed`, at key block 0.
    pub(crate) fn new(seed: u64, g: usize, scenarios: usize) -> Self {
        Self {
            seed,
            g,
            inputs: stream(seed, 0, g, 0, INPUTS),
            counts: (0..scenarios)
                .map(|s| stream(seed, 0, g, s, COUNTS))
                .collect(),
            revenue: (0..scenarios)
                .map(|s| stream(seed, 0, g, s, REVENUE))
                .collect(),
        }
    }

    /// Every stream at the start of key block `block`.
    pub(crate) fn start_block(&mut self, block: u32) {
        let (seed, g) = (self.seed, self.g);
        self.inputs = stream(seed, block, g, 0, INPUTS);
        for (s, r) in self.counts.iter_mut().enumerate() {
            *r = stream(seed, block, g, s, COUNTS);
        }
        for (s, r) in self.revenue.iter_mut().enumerate() {
            *r = stream(seed, block, g, s, REVENUE);
        }
    }
}
