//! Key placement: lookups per second per algorithm (the key already hashed,
//! and from the key's bytes), and the time to build each structure, for 10
//! to 10,000 nodes. Run on demand: `cargo bench --bench hash_ring`.

use divan::counter::ItemsCount;
use divan::{black_box, Bencher};
use playground::sim::hash_ring::ketama::{key_hash, Continuum};
use playground::sim::hash_ring::maglev::Table;
use playground::sim::hash_ring::{bounded, jump, key_hash64, Algorithm, KeyHash, Lookup, Node};

const NODES: [usize; 4] = [10, 100, 1000, 10_000];
const LOOKUPS: usize = 100_000;

fn nodes(n: usize) -> Vec<Node> {
    (0..n).map(|i| Node::new(format!("10.{}.{}.{}:11211", i >> 16, (i >> 8) & 255, i & 255))).collect()
}

fn keys() -> Vec<String> {
    (0..LOOKUPS).map(|i| format!("user:{i}")).collect()
}

/// Ring lookups of pre-hashed keys: the binary search over 160 points per node.
#[divan::bench(args = NODES)]
fn ketama_lookup(bencher: Bencher, n: usize) {
    let ring = Continuum::new(&nodes(n));
    let hashes: Vec<u32> = keys().iter().map(|k| key_hash(k.as_bytes())).collect();
    bencher.counter(ItemsCount::new(LOOKUPS)).bench_local(|| {
        let mut acc = 0u32;
        for &h in &hashes {
            acc = acc.wrapping_add(ring.point_for(black_box(h)).map_or(0, |p| p.node));
        }
        acc
    });
}

/// Jump hash of pre-hashed keys.
#[divan::bench(args = NODES)]
fn jump_lookup(bencher: Bencher, n: usize) {
    let hashes: Vec<u64> = keys().iter().map(|k| key_hash64(k.as_bytes())).collect();
    bencher.counter(ItemsCount::new(LOOKUPS)).bench_local(|| {
        let mut acc = 0u32;
        for &h in &hashes {
            acc = acc.wrapping_add(jump::bucket(black_box(h), n as u32));
        }
        acc
    });
}

/// Maglev table lookups of pre-hashed keys (table size 65537).
#[divan::bench(args = NODES)]
fn maglev_lookup(bencher: Bencher, n: usize) {
    let table = Table::new(&nodes(n), 65537);
    let hashes: Vec<u64> = keys().iter().map(|k| key_hash64(k.as_bytes())).collect();
    bencher.counter(ItemsCount::new(LOOKUPS)).bench_local(|| {
        let mut acc = 0usize;
        for &h in &hashes {
            acc = acc.wrapping_add(table.choose(black_box(h)));
        }
        acc
    });
}

/// Weighted rendezvous of pre-hashed keys: a score per node per key.
#[divan::bench(args = NODES)]
fn rendezvous_lookup(bencher: Bencher, n: usize) {
    let p = Lookup::build(Algorithm::Rendezvous, &nodes(n), 0);
    let hashes: Vec<KeyHash> = keys().iter().map(|k| KeyHash::of(k.as_bytes())).collect();
    // A thousandth of the keys at 10,000 nodes: each lookup scores every node.
    let count = (LOOKUPS * 10 / n).min(LOOKUPS);
    bencher.counter(ItemsCount::new(count)).bench_local(|| {
        let mut acc = 0usize;
        for &h in &hashes[..count] {
            acc = acc.wrapping_add(p.locate_hashed(black_box(h)));
        }
        acc
    });
}

/// Bounded loads at 125% on the ketama ring: placing 100,000 pre-hashed keys in order.
#[divan::bench(args = NODES)]
fn bounded_loads_assign(bencher: Bencher, n: usize) {
    let ns = nodes(n);
    let ring = Continuum::new(&ns);
    let hashes: Vec<u32> = keys().iter().map(|k| key_hash(k.as_bytes())).collect();
    bencher
        .counter(ItemsCount::new(LOOKUPS))
        .bench_local(|| bounded::assign_hashed(&ring, &ns, black_box(&hashes), 125).len());
}

/// Whole lookups from the key's bytes, hash included, for every algorithm at 100 nodes.
#[divan::bench(args = ["modulo", "ketama", "jump", "rendezvous", "maglev"])]
fn locate_from_key(bencher: Bencher, algorithm: &str) {
    let algorithm = Algorithm::from_name(algorithm).unwrap();
    let p = Lookup::build(algorithm, &nodes(100), 65537);
    let ks = keys();
    bencher.counter(ItemsCount::new(LOOKUPS)).bench_local(|| {
        let mut acc = 0usize;
        for k in &ks {
            acc = acc.wrapping_add(p.locate(black_box(k.as_bytes())));
        }
        acc
    });
}

/// Building a ketama ring (160 points per node, sorted).
#[divan::bench(args = NODES)]
fn ketama_build(bencher: Bencher, n: usize) {
    let ns = nodes(n);
    bencher.bench_local(|| Continuum::new(black_box(&ns)).points().len());
}

/// Building a Maglev table of 65537 slots.
#[divan::bench(args = NODES)]
fn maglev_build(bencher: Bencher, n: usize) {
    let ns = nodes(n);
    bencher.bench_local(|| Table::new(black_box(&ns), 65537).entries().len());
}

fn main() {
    divan::main();
}
