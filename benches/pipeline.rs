//! The pipeline: 100,000 user requests (250 s at 400 a second) through
//! each of the outage preset's configurations, the chain of retries, rate
//! limiter and circuit breaker to a dependency that fails for 20 s. Run on
//! demand: `cargo bench --bench pipeline`.

use divan::counter::ItemsCount;
use divan::{black_box, Bencher};
use playground::sim::pipeline::presets::preset;
use playground::sim::retries::run::run;
use playground::sim::retries::scenario::BINS;

#[divan::bench(args = [0, 1, 2])]
fn outage_100k(bencher: Bencher, lane: usize) {
    let mut s = preset("outage").unwrap();
    s.duration_ms = 250_000;
    let trial = s.trial();
    let chain = s.chain(&s.base_chain(), lane);
    let policy = s.lanes[lane].retry;
    bencher.counter(ItemsCount::new(trial.at.len())).bench(|| black_box(run(&policy, &chain, &trial, BINS).summary.ok));
}

fn main() {
    divan::main();
}
