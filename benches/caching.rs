//! Caching: requests per second through each eviction policy, on a million
//! Zipf requests over 100,000 keys with 5,000 cached (the widget's largest
//! runs), and a scan-heavy workload; the same Zipf requests through the moka
//! crate itself, single-threaded, beside the engines (the ratio of their
//! rates is the comparison); and the cache-patterns presets, whole.
//! Run on demand: `cargo bench --bench caching`.

use divan::counter::ItemsCount;
use divan::{black_box, Bencher};
use playground::sim::caching::run::{run_policy, Trial};
use playground::sim::caching::workload::{Pattern, Workload};
use playground::sim::caching::Policy;

const REQUESTS: u32 = 1_000_000;

fn workload(pattern: Pattern) -> Workload {
    Workload { pattern, requests: REQUESTS, rate: 10_000 }
}

#[divan::bench(args = ["fifo", "lru", "lfu", "redis-lru", "redis-lfu", "caffeine", "moka"])]
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

/// The same Zipf requests through moka 0.12.10 itself, as an application
/// uses it (`get`, and `insert` on a miss; moka runs its own maintenance),
/// with its default hasher, on one thread.
#[divan::bench]
fn zipf_moka_crate(bencher: Bencher) {
    let w = workload(Pattern::Zipf { keys: 100_000, skew: 1.0 });
    let trial = Trial::draw(&w, 1);
    bencher.counter(ItemsCount::new(REQUESTS)).bench(|| {
        let cache: moka::sync::Cache<u32, ()> = moka::sync::Cache::new(5_000);
        let mut hits = 0u32;
        for &k in &trial.keys {
            if cache.get(&k).is_some() {
                hits += 1;
            } else {
                cache.insert(k, ());
            }
        }
        black_box(hits)
    });
}

/// Each cache-patterns preset, every lane, as a control change re-runs it.
#[divan::bench(args = ["stampede", "patterns", "crash", "jitter", "race"])]
fn cache_patterns(bencher: Bencher, name: &str) {
    let s = playground::sim::cache_patterns::presets::preset(name).unwrap();
    let trial = s.trial();
    bencher
        .counter(ItemsCount::new(s.workload.requests * s.lanes.len() as u32))
        .bench(|| black_box(s.run_on(&trial).unwrap().len()));
}

fn main() {
    divan::main();
}
