//! Times one goal seek per workload (release): `cargo run --release --example goal_time`.
fn main() {
    for name in ["w1", "w2", "w3", "w4"] {
        let plan = funnelcast_engine::workloads::by_name(name)
            .unwrap()
            .validate()
            .unwrap();
        let mean = funnelcast_engine::sensitivity::mean_revenue(&plan);
        let t = std::time::Instant::now();
        let g = funnelcast_engine::goal_seek(&plan, 2.0 * mean, 0.9);
        println!(
            "{{\"workload\":\"{name}\",\"goal_ms\":{:.1},\"change\":{:?},\"achieved\":{}}}",
            t.elapsed().as_secs_f64() * 1e3,
            g.change,
            g.achieved
        );
    }
}
