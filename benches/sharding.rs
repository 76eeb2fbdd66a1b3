//! Sharding: keys routed per second per scheme, from the key and from the
//! key already hashed, and a whole million-row workload routed and
//! summarised. Run on demand: `cargo bench --bench sharding`.

use divan::counter::ItemsCount;
use divan::{black_box, Bencher};
use playground::sim::kernel::rng::Rng;
use playground::sim::sharding::config::SchemeConfig;
use playground::sim::sharding::drawn::Drawn;
use playground::sim::sharding::run::run_scheme;
use playground::sim::sharding::workload::{Keys, Workload};

const KEYS: usize = 100_000;

fn schemes() -> Vec<SchemeConfig> {
    let span = 1u64 << 40;
    vec![
        SchemeConfig::HashMod { shards: 4 },
        SchemeConfig::Range { splits: vec![span / 4, span / 2, span / 4 * 3] },
        SchemeConfig::Vitess { shards: ["-40", "40-80", "80-c0", "c0-"].map(String::from).to_vec() },
        SchemeConfig::Mongo { chunks: 16, servers: Some(4), balancer: Default::default() },
        SchemeConfig::Citus { shard_count: 32, nodes: Some(4), rebalance: Default::default() },
        SchemeConfig::Consistent { shards: 4 },
        SchemeConfig::Directory { shards: 4 },
    ]
}

fn workload(rows: usize) -> Drawn {
    let w = Workload {
        keys: Keys::Uniform { max: 1 << 40 },
        rows,
        range_queries: rows / 1000,
        range_width: 100,
        countries: Vec::new(),
        ..Workload::new(Keys::Sequential, 0)
    };
    Drawn::new(&w, &mut Rng::new(1))
}

fn names() -> Vec<&'static str> {
    schemes().iter().map(SchemeConfig::name).collect()
}

/// Routing from the shard key: hashing it as the scheme's system does, then placing the hash.
#[divan::bench(args = names())]
fn route_key(bencher: Bencher, name: &str) {
    let Some(config) = schemes().into_iter().find(|c| c.name() == name) else { return };
    let Ok(scheme) = config.scheme() else { return };
    let keys = workload(KEYS).keys;
    bencher
        .counter(ItemsCount::new(KEYS))
        .bench_local(|| keys.iter().map(|&k| scheme.route(black_box(k))).sum::<usize>());
}

/// Routing from the key's hash, as the widget does after the first run of a workload.
#[divan::bench(args = names())]
fn route_hashed(bencher: Bencher, name: &str) {
    let Some(config) = schemes().into_iter().find(|c| c.name() == name) else { return };
    let Ok(scheme) = config.scheme() else { return };
    let traffic = workload(KEYS);
    let hashes = traffic.hashes(scheme.family());
    bencher
        .counter(ItemsCount::new(KEYS))
        .bench_local(|| hashes.iter().map(|&h| scheme.route_hashed(black_box(h))).sum::<usize>());
}

/// A million rows and a thousand range queries routed and summarised, hashes included.
#[divan::bench(args = names(), sample_count = 5)]
fn million_rows(bencher: Bencher, name: &str) {
    let Some(config) = schemes().into_iter().find(|c| c.name() == name) else { return };
    bencher
        .with_inputs(|| workload(1_000_000))
        .bench_local_values(|t| run_scheme(&config, &t, None).map(|r| r.before.rows.len()));
}

/// The same with the workload's hashes already computed: what a shard-count change costs.
#[divan::bench(args = names(), sample_count = 5)]
fn million_rows_rehashed(bencher: Bencher, name: &str) {
    let Some(config) = schemes().into_iter().find(|c| c.name() == name) else { return };
    let traffic = workload(1_000_000);
    if let Ok(s) = config.scheme() {
        traffic.hashes(s.family());
    }
    bencher.bench_local(|| run_scheme(&config, &traffic, None).map(|r| r.before.rows.len()));
}

fn main() {
    divan::main();
}
