//! Variance reduction of the uplift estimate by common random numbers:
//! Var(per-trial uplift) with independent streams for the baseline and the
//! scenario ÷ the same with the engine's CRN coupling. Workloads w1 and w2 with
//! a +30 % volume lever; prints one JSON line per workload.
//!
//!     cargo run --release --example crn_variance -- --trials 200000

// A native tool reading its command line (whole numbers), never in the page:
// clippy.toml's rule against `str::parse` guards the page's WebAssembly.
#![allow(clippy::disallowed_methods)]

use funnelcast_engine::simulate::for_each_trial;
use funnelcast_engine::{workloads, Lever, Model, ScenarioSpec, Scope, VolumeSpec};

fn var(xs: &[f64]) -> f64 {
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() - 1) as f64
}

fn revenues(m: &Model, s: usize) -> Vec<f64> {
    let plan = m.validate().expect("valid workload");
    let mut out = Vec::new();
    for_each_trial(&plan, |_, r| out.push(r[s]));
    out
}

fn main() {
    let trials: u32 = std::env::args()
        .skip_while(|a| a != "--trials")
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    for (name, base) in [("w1", workloads::w1()), ("w2", workloads::w2())] {
        let mut m = base.clone();
        m.trials = trials;
        m.scenarios = vec![ScenarioSpec {
            scope: Scope::All,
            levers: vec![Lever::Volume { frac: 0.3 }],
            cost: None,
        }];
        let r0 = revenues(&m, 0);
        let r1 = revenues(&m, 1);
        let crn: Vec<f64> = r1.iter().zip(&r0).map(|(a, b)| a - b).collect();
        // Independent: the scenario as a baseline of its own, on another seed.
        let mut ind = base;
        ind.trials = trials;
        ind.seed = m.seed ^ 0x5eed;
        for seg in &mut ind.segments {
            seg.volume = match seg.volume {
                VolumeSpec::Fixed { value } => VolumeSpec::Fixed { value: value * 1.3 },
                VolumeSpec::Range { low, high } => VolumeSpec::Range {
                    low: low * 1.3,
                    high: high * 1.3,
                },
            };
        }
        let r1i = revenues(&ind, 0);
        let indep: Vec<f64> = r1i.iter().zip(&r0).map(|(a, b)| a - b).collect();
        println!(
            "{{\"workload\":\"{name}\",\"lever\":\"+30% volume\",\"trials\":{trials},\"var_independent\":{:.4e},\"var_crn\":{:.4e},\"factor\":{:.1}}}",
            var(&indep),
            var(&crn),
            var(&indep) / var(&crn)
        );
    }
}
