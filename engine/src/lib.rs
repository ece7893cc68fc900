//! Funnelcast's simulation engine: exact, seeded Monte Carlo for sales funnels.
//!
//! Pure Rust with no web dependency, so it is tested and benchmarked natively
//! and runs unchanged in the browser (main thread or a Web Worker).
//!
//! The flow: a [`Model`] (plain serialisable data, what the user typed) is
//! checked by [`Model::validate`] into a [`Plan`] (always valid), which
//! [`simulate`] runs into [`Results`]; [`goal_seek`] answers "how much volume
//! for a 90 % chance of the target". README.md explains the statistics.

pub mod binomial;
pub mod error;
pub mod gamma;
pub mod goal;
pub mod hypergeometric;
pub mod model;
pub mod plan;
pub mod results;
pub mod rng;
pub mod sensitivity;
pub mod simulate;
pub mod special;
pub mod summary;
pub mod workloads;

pub use error::{Field, ModelError, Problem};
pub use goal::{goal_seek, goal_seek_lever};
pub use model::{
    limits, DealSpec, Lever, Model, RateSpec, ScenarioSpec, Scope, SegmentSpec, VolumeSpec,
};
pub use plan::{DealValue, Plan, Rate, Volume};
pub use results::*;
pub use simulate::{simulate, simulate_with_progress};
