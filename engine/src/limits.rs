//! Limits that keep a run's memory and time bounded; each is refused with a
//! clear error when exceeded.
//!
//! Their own module, below `model` and the pieces it is made of (`volume`,
//! `rate`, `deal`): all of them check against these, so none needs another.

pub const MAX_STAGES: usize = 12;
pub const MIN_STAGES: usize = 2;
pub const MAX_SEGMENTS: usize = 6;
/// Scenarios including the baseline.
pub const MAX_SCENARIOS: usize = 8;
pub const MIN_TRIALS: u32 = 100;
pub const MAX_TRIALS: u32 = 5_000_000;
/// Trials × scenarios (the baseline included): every scenario keeps one
/// revenue per trial for its quantiles, and every scenario but the
/// baseline one uplift per trial (computed from the draws), so about 16
/// bytes a trial and scenario: this keeps a run under about 130 MB.
pub const MAX_TRIAL_SCENARIOS: u64 = 8_000_000;
/// People entering a segment per period.
pub const MAX_VOLUME: f64 = 1e9;
pub const MAX_DEAL_VALUE: f64 = 1e12;
/// Coefficient of variation of one deal's value (10 = 1000 %).
pub const MAX_DEAL_CV: f64 = 10.0;
pub const MAX_EVIDENCE_N: u64 = 1_000_000_000;
