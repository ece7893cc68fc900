//! Funnelcast's simulation engine: exact, seeded Monte Carlo for sales funnels.
//!
//! Pure Rust with no web dependency, so it is tested and benchmarked natively
//! and runs unchanged in the browser (main thread or a Web Worker).
//!
//! The flow: a [`Model`] (plain serialisable data, what the user typed) is
//! checked by [`Model::validate`] into a [`Plan`] (always valid), which
//! [`simulate()`] (or a [`Simulation`] in steps) runs into [`Results`];
//! [`sensitivity::sensitivity`] gives the bars and the tornado, and
//! [`goal_seek`] answers "how much volume for a 90 % chance of the target".
//! engine/README.md explains the model and the statistics.
//!
//! Modules, one concept each: the model and its validation (`limits`,
//! `model`, `error`, `volume`, `rate`, `deal`, `plan`); the samplers (`rng`,
//! `normal`, `gamma`, `beta`, `binomial`, `hypergeometric`, `special`); the
//! run (`simulate`, with the private per-trial engine, fast-path tables,
//! scenario coupling, exact stage laws and random streams); the summaries
//! and answers (`summary`, `results`, `sensitivity`, `goal`); time mode
//! (`lag`: the lags and the monthly close law; `months`: the run over a
//! horizon of monthly cohorts). The feature
//! `workloads` adds the benchmark workloads w1–w7 and the test hooks
//! `simulate::for_each_trial`.

pub mod beta;
pub mod binomial;
mod coupling;
pub mod deal;
mod engine;
pub mod error;
mod exact;
pub mod fast_path;
pub mod gamma;
pub mod goal;
pub mod hypergeometric;
pub mod lag;
mod lever;
pub mod limits;
pub mod model;
pub mod months;
pub mod normal;
pub mod plan;
pub mod rate;
pub mod results;
pub mod rng;
pub mod sensitivity;
pub mod simulate;
pub mod small_sort;
pub mod special;
pub mod streams;
pub mod summary;
pub mod volume;
#[cfg(any(test, feature = "workloads"))]
pub mod workloads;

pub use deal::DealValue;
pub use error::{Arg, ArgError, Field, ModelError, Problem};
pub use goal::{
    check_goal_prob, check_goal_target, goal_seek, goal_seek_lever, GOAL_PROB_MAX, GOAL_PROB_MIN,
    GOAL_TARGET_MAX,
};
pub use model::{DealSpec, Lever, Model, RateSpec, ScenarioSpec, Scope, SegmentSpec, VolumeSpec};
pub use plan::Plan;
pub use rate::Rate;
pub use results::*;
pub use simulate::{simulate, ChunkSummary, Simulation};
pub use volume::Volume;

/// The version of the engine's numbers: bump it whenever a change of the
/// engine changes any digit a seed gives (its goldens in tests/golden.rs
/// change). The page records it in every document (`engine`), so a kept link
/// opened after the numbers changed says so beside the results instead of
/// silently showing other digits; the end-to-end tests write it into the
/// links they build.
pub const NUMBERS: u32 = 2;
