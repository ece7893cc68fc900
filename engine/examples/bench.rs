//! Plain benchmark command, comparable with other tools (docs/benchmarks.md):
//!
//!     cargo run --release --example bench -- --workload w1 --trials 1000000
//!
//! prints one JSON line per workload; `--workload all` runs w1..w7 (w6 and
//! w7 in time mode);
//! `--repeat N` (default 3) runs each N times and prints the fastest, as
//! `bench/numpy_w.py` does (on a noisy machine both sides then get the same
//! treatment).

// A native tool reading its command line (whole numbers), never in the page:
// clippy.toml's rule against `str::parse` guards the page's WebAssembly.
#![allow(clippy::disallowed_methods)]

use funnelcast_engine::months::simulate_months;
use funnelcast_engine::{simulate, workloads};
use std::time::Instant;

fn main() {
    let mut workload = "w1".to_string();
    let mut trials: u32 = 1_000_000;
    let mut repeat: u32 = 3;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--workload" => {
                workload = args
                    .next()
                    .unwrap_or_else(|| usage("--workload needs a value"))
            }
            "--trials" => {
                trials = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage("--trials needs a whole number"))
            }
            "--repeat" => {
                repeat = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&r| r > 0)
                    .unwrap_or_else(|| usage("--repeat needs a whole number ≥ 1"))
            }
            "--bench" => {} // passed by `cargo bench`-style runners
            other => usage(&format!("unknown argument {other}")),
        }
    }
    let names: Vec<&str> = if workload == "all" {
        vec!["w1", "w2", "w3", "w4", "w5", "w6", "w7"]
    } else {
        vec![workload.as_str()]
    };
    for name in names {
        let (model, time) = match workloads::time_by_name(name) {
            Some((m, t)) => (m, Some(t)),
            None => (
                workloads::by_name(name)
                    .unwrap_or_else(|| usage(&format!("unknown workload {name}"))),
                None,
            ),
        };
        let plan = match model.validate() {
            Ok(p) => p.with_trials(trials),
            Err(e) => usage(&format!("invalid workload: {e:?}")),
        };
        // The close laws are computed when the inputs are checked, as on
        // the page: outside the timing, as the models' validation is.
        let time = time.map(|t| {
            t.validate(&plan)
                .unwrap_or_else(|e| usage(&format!("invalid time inputs: {e:?}")))
        });
        let mut secs = f64::INFINITY;
        for _ in 0..repeat {
            let start = Instant::now();
            match &time {
                Some(t) => {
                    std::hint::black_box(simulate_months(&plan, t));
                }
                None => {
                    std::hint::black_box(simulate(&plan));
                }
            }
            secs = secs.min(start.elapsed().as_secs_f64());
        }
        println!(
            "{{\"workload\":\"{name}\",\"trials\":{trials},\"ns_per_trial\":{:.1},\"ms\":{:.1}}}",
            secs * 1e9 / trials as f64,
            secs * 1e3
        );
    }
}

fn usage(msg: &str) -> ! {
    eprintln!("{msg}\nusage: bench [--workload w1|…|w7|all] [--trials N] [--repeat N]");
    std::process::exit(2)
}
