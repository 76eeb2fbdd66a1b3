//! Load balancing: the widget's largest case, 100,000 requests over ten
//! servers (one a third as fast, 70% load), through each balancer, and the
//! requests drawn. Run on demand: `cargo bench --bench load_balancing`.

use divan::counter::ItemsCount;
use divan::{black_box, Bencher};
use playground::sim::load_balancing::presets::preset;
use playground::sim::load_balancing::scenario::LoadBalancingScenario;
use playground::sim::load_balancing::Balancer;

fn scenario() -> LoadBalancingScenario {
    let mut s = preset("uneven").unwrap();
    s.duration_ms = 154_000;
    s
}

#[divan::bench(args = ["round-robin", "smooth-weighted", "random", "least-conn", "least-request", "peak-ewma"])]
fn uneven_100k(bencher: Bencher, balancer: &str) {
    let mut s = scenario();
    s.balancers = vec![Balancer::from_key(balancer).unwrap()];
    let trial = s.trial();
    let changes = s.changes();
    bencher.counter(ItemsCount::new(trial.at.len())).bench(|| black_box(s.run_lane(0, &trial, &changes).summary.ok));
}

/// Drawing the requests and their work, once per seed, traffic or service change.
#[divan::bench]
fn draw_100k(bencher: Bencher) {
    let s = scenario();
    bencher.counter(ItemsCount::new(100_000u32)).bench(|| black_box(s.trial().at.len()));
}

fn main() {
    divan::main();
}
