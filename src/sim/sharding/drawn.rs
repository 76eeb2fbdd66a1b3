//! A workload drawn from its seed: the keys it writes and the range queries
//! it asks, each key's hash per hash family computed once and kept, and
//! those hashes carried over to the next workload that writes the same
//! first keys.

use super::directory::Distinct;
use super::region::{country_of, Country};
use super::scheme::HashFamily;
use super::workload::{Reads, Workload};
use crate::sim::kernel::rng::Rng;
use crate::sim::kernel::sort::min_max;
use std::sync::{Arc, OnceLock};

/// A workload as drawn from its seed: the keys written, in order, and its
/// range queries, with every key's hash in each [`HashFamily`] computed on
/// first use and kept, so that schemes of one family (and one scheme at any
/// shard count) hash the workload once.
#[derive(Clone, Debug, Default)]
pub struct Drawn {
    pub keys: Vec<u64>,
    pub queries: Vec<(u64, u64)>,
    /// The workload's countries, and each row's (an index into them); both
    /// empty when the workload has none.
    pub countries: Vec<Country>,
    pub country: Vec<u8>,
    /// The workload's point reads per row written, and which rows they read.
    pub reads_per_write: u32,
    pub reads: Reads,
    hashes: [OnceLock<Arc<Vec<u64>>>; 6],
    distinct: OnceLock<Arc<Distinct>>,
}

impl PartialEq for Drawn {
    fn eq(&self, other: &Drawn) -> bool {
        self.keys == other.keys
            && self.queries == other.queries
            && self.countries == other.countries
            && (self.reads_per_write, self.reads) == (other.reads_per_write, other.reads)
    }
}

impl Drawn {
    /// The workload's keys, then its range queries, drawn from `rng` in that order.
    pub fn new(workload: &Workload, rng: &mut Rng) -> Drawn {
        let keys = workload.keys(rng);
        let queries = range_queries(&keys, workload.range_queries, workload.range_width, rng);
        let countries = workload.countries.clone();
        let country = if countries.is_empty() {
            Vec::new()
        } else {
            keys.iter().map(|&k| country_of(k, &countries) as u8).collect()
        };
        Drawn {
            countries,
            country,
            reads_per_write: workload.reads_per_write,
            reads: workload.reads,
            ..Drawn::of(keys, queries)
        }
    }

    /// The given keys and queries, with no countries or reads.
    pub fn of(keys: Vec<u64>, queries: Vec<(u64, u64)>) -> Drawn {
        Drawn { keys, queries, ..Drawn::default() }
    }

    /// This draw with the hashes `previous` had computed carried over for
    /// the keys both write first: a workload changed only in its queries,
    /// reads or countries hashes nothing again, and one grown or shrunk by
    /// rows (the same seed draws the same first keys) hashes only its new
    /// rows. The results are those computed afresh; only the work differs.
    pub fn reusing(self, previous: &Drawn) -> Drawn {
        let common = self.keys.iter().zip(&previous.keys).take_while(|(a, b)| a == b).count();
        if common == 0 {
            return self;
        }
        // The same keys share the distinct keys and the hashes; others copy the common hashes and hash the rest.
        let same = common == self.keys.len() && common == previous.keys.len();
        if let (true, Some(d)) = (same, previous.distinct.get()) {
            let _ = self.distinct.set(d.clone());
        }
        for family in HashFamily::ALL {
            if let Some(old) = previous.hashes[family as usize].get() {
                let h = if same {
                    old.clone()
                } else {
                    Arc::new(old[..common].iter().copied().chain(hash_keys(family, &self.keys[common..])).collect())
                };
                let _ = self.hashes[family as usize].set(h);
            }
        }
        self
    }

    /// Every key's hash in `family`, in write order.
    pub fn hashes(&self, family: HashFamily) -> &[u64] {
        if family == HashFamily::Key {
            return &self.keys;
        }
        self.hashes[family as usize].get_or_init(|| Arc::new(hash_keys(family, &self.keys)))
    }

    /// The distinct keys and each row's index among them.
    pub fn distinct(&self) -> &Arc<Distinct> {
        self.distinct.get_or_init(|| Arc::new(Distinct::of(&self.keys)))
    }

    /// The distinct keys written in `lo..=hi`, ascending, and the rows they hold.
    pub fn keys_in(&self, lo: u64, hi: u64) -> (&[u64], u64) {
        let d = self.distinct();
        let from = d.keys.partition_point(|&k| k < lo);
        let to = d.keys.partition_point(|&k| k <= hi).max(from);
        (&d.keys[from..to], d.rows[from..to].iter().map(|&n| u64::from(n)).sum())
    }
}

/// Every key's hash in `family`, in order. Keys within a span smaller than
/// half their number (a Zipf workload's few users, uniform keys below a
/// small maximum) are hashed once per value in the span and looked up.
fn hash_keys(family: HashFamily, keys: &[u64]) -> Vec<u64> {
    match min_max(keys.iter().copied()) {
        Some((lo, hi)) if hi - lo < keys.len() as u64 / 2 => {
            let table: Vec<u64> = (lo..=hi).map(|k| family.hash(k)).collect();
            keys.iter().map(|&k| table[(k - lo) as usize]).collect()
        }
        _ => family.hash_all(keys),
    }
}

/// The range queries of a workload: each starts at a key drawn from those
/// written and covers `width` consecutive keys.
pub fn range_queries(keys: &[u64], count: usize, width: u64, rng: &mut Rng) -> Vec<(u64, u64)> {
    if keys.is_empty() {
        return Vec::new();
    }
    (0..count)
        .map(|_| {
            let lo = keys[(rng.next_u64() % keys.len() as u64) as usize];
            (lo, lo.saturating_add(width.saturating_sub(1)))
        })
        .collect()
}
