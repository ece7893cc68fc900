//! Plain benchmark command, comparable with other tools (docs/benchmarks.md):
//!
//!     cargo run --release --example bench -- --workload w1 --trials 1000000
//!
//! prints one JSON line per workload; `--workload all` runs w1..w5;
//! `--repeat N` (default 3) runs each N times and prints the fastest, as
//! `bench/numpy_w.py` does (on a noisy machine both sides then get the same
//! treatment).

// A native tool reading its command line (whole numbers), never in the page:
// clippy.toml's rule against `str::parse` guards the page's WebAssembly.
#![allow(clippy::disallowed_methods)]

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
        vec!["w1", "w2", "w3", "w4", "w5"]
    } else {
        vec![workload.as_str()]
    };
    for name in names {
        let model =
            workloads::by_name(name).unwrap_or_else(|| usage(&format!("unknown workload {name}")));
        let plan = match model.validate() {
            Ok(p) => p.with_trials(trials),
            Err(e) => usage(&format!("invalid workload: {e:?}")),
        };
        let mut secs = f64::INFINITY;
        for _ in 0..repeat {
            let start = Instant::now();
            let results = simulate(&plan);
            secs = secs.min(start.elapsed().as_secs_f64());
            std::hint::black_box(&results);
        }
        println!(
            "{{\"workload\":\"{name}\",\"trials\":{trials},\"ns_per_trial\":{:.1},\"ms\":{:.1}}}",
            secs * 1e9 / trials as f64,
            secs * 1e3
        );
    }
}

fn usage(msg: &str) -> ! {
    eprintln!("{msg}\nusage: bench [--workload w1|w2|w3|w4|w5|all] [--trials N] [--repeat N]");
    std::process::exit(2)
}
