//! Maglev's lookup table (Eisenbud et al., NSDI 2016, pseudocode listing 1)
//! as Envoy builds it (`source/extensions/load_balancing_policies/maglev/
//! maglev_lb.cc`, `OriginalMaglevTable`):
//!
//! * hosts are sorted by the string they are hashed by (address or name);
//! * host `h` prefers slots `(offset + j · skip) mod M`, with
//!   `offset = xxHash64(h, 0) mod M` and `skip = xxHash64(h, 1) mod (M − 1) + 1`;
//! * weights are normalised (`w / Σw`, in double); in rounds `it = 1, 2, …`
//!   a host takes its next free preferred slot unless `it · w < target`, and
//!   each take adds the largest normalised weight to its target, until all
//!   `M` slots are filled;
//! * a key goes to `table[hash mod M]`, with `hash` xxHash64 of the key.
//!
//! `M` must be prime (Envoy refuses other sizes; its default is 65537).
//! Envoy's own table tests are reproduced in `tests/hash_ring.rs`.

use super::{key_hash64, Node};
use xxhash_rust::xxh64::xxh64;

/// Largest table size accepted (keeps `skip · next` far from overflow); prime.
pub const MAX_TABLE_SIZE: u64 = 1_000_003;

/// Most table-building steps a scenario may ask for: the fill takes about
/// `M · max_w / Σw` rounds over every node.
pub const MAX_BUILD_STEPS: f64 = 2e8;

/// The work of building a table of `m` slots for `nodes`, in node visits.
pub fn build_steps(nodes: &[Node], m: u64) -> f64 {
    let total: f64 = nodes.iter().map(|n| f64::from(n.weight)).sum();
    let max = nodes.iter().map(|n| f64::from(n.weight)).fold(0.0, f64::max);
    if total == 0.0 {
        return 0.0;
    }
    m as f64 * max / total * nodes.len() as f64
}

/// A Maglev lookup table: node indices by slot.
#[derive(Clone, Debug)]
pub struct Table {
    entries: Vec<u32>,
}
struct Build {
    node: u32,
    offset: u64,
    skip: u64,
    weight: f64,
    target: f64,
    next: u64,
}

impl Table {
    /// The table of size `m` (prime, 2 to [`MAX_TABLE_SIZE`]) for `nodes`. A
    /// size out of range is clamped and a size that is not prime is raised to
    /// the next prime (Envoy refuses both): with a composite size a host's
    /// preference list need not reach every slot, and the fill would not end.
    pub fn new(nodes: &[Node], m: u64) -> Table {
        let mut m = m.clamp(2, MAX_TABLE_SIZE);
        while !super::is_prime(m) {
            m += 1;
        }
        if nodes.is_empty() {
            return Table { entries: Vec::new() };
        }
        let total: f64 = nodes.iter().map(|n| f64::from(n.weight)).sum();
        // By name, stably, each node inserted after the names at or below its own: n log n
        // comparisons and a move each, without the kilobytes of a standard sort.
        let mut order: Vec<usize> = Vec::with_capacity(nodes.len());
        for i in 0..nodes.len() {
            let at = order.partition_point(|&j| nodes[j].name.as_bytes() <= nodes[i].name.as_bytes());
            order.insert(at, i);
        }
        let mut build: Vec<Build> = order
            .iter()
            .map(|&i| {
                let key = nodes[i].name.as_bytes();
                Build {
                    node: i as u32,
                    offset: xxh64(key, 0) % m,
                    skip: xxh64(key, 1) % (m - 1) + 1,
                    weight: f64::from(nodes[i].weight) / total,
                    target: 0.0,
                    next: 0,
                }
            })
            .collect();
        let max_weight = build.iter().map(|b| b.weight).fold(0.0, f64::max);
        let mut entries = vec![u32::MAX; m as usize];
        let mut filled = 0;
        let mut iteration: u32 = 1;
        while filled < m {
            for b in build.iter_mut() {
                if filled >= m {
                    break;
                }
                if f64::from(iteration) * b.weight < b.target {
                    continue;
                }
                b.target += max_weight;
                let mut c = b.offset.wrapping_add(b.skip.wrapping_mul(b.next)) % m;
                while entries[c as usize] != u32::MAX {
                    b.next += 1;
                    c = b.offset.wrapping_add(b.skip.wrapping_mul(b.next)) % m;
                }
                entries[c as usize] = b.node;
                b.next += 1;
                filled += 1;
            }
            iteration += 1;
        }
        Table { entries }
    }

    /// The node index in each slot.
    pub fn entries(&self) -> &[u32] {
        &self.entries
    }

    /// The node index for a 64-bit request hash (`chooseHost`).
    pub fn choose(&self, hash: u64) -> usize {
        if self.entries.is_empty() {
            return 0;
        }
        self.entries[(hash % self.entries.len() as u64) as usize] as usize
    }

    /// The node index of `key`.
    pub fn locate(&self, key: &[u8]) -> usize {
        self.choose(key_hash64(key))
    }
}
