//! Random streams: one Xoshiro256++ stream per (segment, scenario, purpose),
//! so that adding a scenario or a segment never changes the numbers the
//! others draw (README.md, "Streams").

use crate::rng::{seeded, Xoshiro256PlusPlus};

/// Stream purposes (ids mixed into the seed).
pub(crate) const INPUTS: u64 = 0;
pub(crate) const COUNTS: u64 = 1;
pub(crate) const REVENUE: u64 = 2;

fn stream(seed: u64, g: usize, s: usize, purpose: u64) -> Xoshiro256PlusPlus {
    seeded(seed, ((g as u64 * 64 + s as u64) << 2) | purpose)
}

/// A segment's streams: its uncertain inputs (shared by every scenario),
/// and per scenario its counts and its revenue.
pub(crate) struct SegStreams {
    pub inputs: Xoshiro256PlusPlus,
    /// Per scenario (0 = baseline).
    pub counts: Vec<Xoshiro256PlusPlus>,
    pub revenue: Vec<Xoshiro256PlusPlus>,
}

impl SegStreams {
    /// The streams of segment `g` for `scenarios` scenarios (the baseline
    /// included) of a run seeded with `seed`.
    pub(crate) fn new(seed: u64, g: usize, scenarios: usize) -> Self {
        Self {
            inputs: stream(seed, g, 0, INPUTS),
            counts: (0..scenarios).map(|s| stream(seed, g, s, COUNTS)).collect(),
            revenue: (0..scenarios)
                .map(|s| stream(seed, g, s, REVENUE))
                .collect(),
        }
    }
}
