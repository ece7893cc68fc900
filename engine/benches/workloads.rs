//! Criterion benchmarks of the shared workloads w1–w5 (docs/benchmarks.md), 100 000
//! trials each, single-threaded, summaries included.
#![cfg(not(target_arch = "wasm32"))]

use criterion::{criterion_group, criterion_main, Criterion};
use funnelcast_engine::{simulate, workloads};
use std::hint::black_box;

fn workloads(c: &mut Criterion) {
    let mut group = c.benchmark_group("simulate_100k");
    group.sample_size(10);
    for name in ["w1", "w2", "w3", "w4", "w5"] {
        let plan = workloads::by_name(name)
            .expect("known workload")
            .validate()
            .expect("valid workload")
            .with_trials(100_000);
        group.bench_function(name, |b| b.iter(|| black_box(simulate(black_box(&plan)))));
    }
    group.finish();
}

criterion_group!(benches, workloads);
criterion_main!(benches);
