//! Caching: requests per second through each eviction policy, on a million
//! Zipf requests over 100,000 keys with 5,000 cached (the widget's largest
//! runs), and a scan-heavy workload. Run on demand: `cargo bench --bench caching`.

use divan::counter::ItemsCount;
use divan::{black_box, Bencher};
use playground::sim::caching::run::{run_policy, Trial};
use playground::sim::caching::workload::{Pattern, Workload};
use playground::sim::caching::Policy;

const REQUESTS: u32 = 1_000_000;

fn workload(pattern: Pattern) -> Workload {
    Workload { pattern, requests: REQUESTS, rate: 10_000 }
}

#[divan::bench(args = ["fifo", "lru", "lfu", "redis-lru", "redis-lfu", "caffeine"])]
fn zipf(bencher: Bencher, policy: &str) {
    let w = workload(Pattern::Zipf { keys: 100_000, skew: 1.0 });
    let trial = Trial::draw(&w, 1);
    let policy = Policy::from_name(policy).unwrap();
    bencher.counter(ItemsCount::new(REQUESTS)).bench(|| black_box(run_policy(&policy, &trial, &w, 5_000).summary.hits));
}

#[divan::bench(args = ["lru", "redis-lfu", "caffeine"])]
fn scan(bencher: Bencher, policy: &str) {
    let w = workload(Pattern::Scan { keys: 100_000, skew: 1.0, every: 40_000, length: 20_000 });
    let trial = Trial::draw(&w, 1);
    let policy = Policy::from_name(policy).unwrap();
    bencher.counter(ItemsCount::new(REQUESTS)).bench(|| black_box(run_policy(&policy, &trial, &w, 5_000).summary.hits));
}

/// Drawing the requests, once per workload or seed change.
#[divan::bench]
fn draw_zipf(bencher: Bencher) {
    let w = workload(Pattern::Zipf { keys: 100_000, skew: 0.9 });
    bencher.counter(ItemsCount::new(REQUESTS)).bench(|| black_box(Trial::draw(&w, 1).keys.len()));
}

fn main() {
    divan::main();
}
