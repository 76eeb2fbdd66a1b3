//! Routing a shard key to a shard, and a query to the shards it must ask,
//! under each partitioning scheme. Keys are unsigned 64-bit values (an id,
//! a timestamp, a hashed string); the schemes that hash follow
//! [`super`]'s real systems exactly.
//!
//! * **Hash modulo N**: `xxHash64(key) mod N`; every range query asks every shard.
//! * **Range partitioning**: ascending split points; shard `i` holds
//!   `[split[i − 1], split[i])`. A range query asks only the shards its range
//!   overlaps, and splitting a range at a new point moves only that range's rows.
//! * **Vitess**: the `hash` vindex's keyspace ID, routed to the shard (a hex
//!   key range such as `40-80`) that contains it.
//! * **MongoDB hashed**: the hashed value, in one of `N` chunks split as a
//!   freshly sharded hashed collection splits them ([`mongo_split_points`]).
//! * **Citus**: PostgreSQL's `hashint8`, in one of `shard_count` equal
//!   intervals of the 32-bit hash space.
//! * **Consistent hashing**: libketama's ring over shards named `shard-0`,
//!   `shard-1`, …, each key hashed as its decimal text, as a memcached-style
//!   client would.

use super::{citus_shard, hashint8, mongo_hashed, vitess_keyspace_id, KeyRange};
use crate::sim::ring::ketama::Continuum;
use crate::sim::ring::Node;
use xxhash_rust::xxh64::xxh64;

/// A partitioning scheme over a fixed set of shards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scheme {
    HashMod {
        shards: u32,
    },
    Range {
        splits: Vec<u64>,
    },
    Vitess {
        shards: Vec<KeyRange>,
    },
    /// `points` are [`mongo_split_points`]`(chunks)`, computed once (see [`Scheme::mongo`]).
    Mongo {
        chunks: u32,
        points: Vec<i64>,
    },
    Citus {
        shard_count: u32,
    },
    Consistent {
        ring: Continuum,
        shards: u32,
    },
}

/// The split points MongoDB gives a hashed collection of `n` initial chunks
/// (`calculateHashedSplitPoints`): chunks of `(i64::MAX / n) · 2`, laid
/// symmetrically around 0 (a split at 0 when `n` is even).
pub fn mongo_split_points(n: u32) -> Vec<i64> {
    let n = i64::from(n.max(1));
    if n == 1 {
        // One chunk: no split points (and the interval would overflow).
        return Vec::new();
    }
    let interval = (i64::MAX / n) * 2;
    let mut points = Vec::with_capacity(n as usize);
    let mut current = 0i64;
    if n % 2 == 0 {
        points.push(0);
        current += interval;
    } else {
        current += interval / 2;
    }
    for _ in 0..(n - 1) / 2 {
        points.push(current);
        points.push(-current);
        current = current.saturating_add(interval);
    }
    points.sort_unstable();
    points
}

impl Scheme {
    /// MongoDB's hashed sharding over `chunks` initial chunks.
    pub fn mongo(chunks: u32) -> Scheme {
        Scheme::Mongo { chunks, points: mongo_split_points(chunks) }
    }

    /// Consistent hashing over `shards` shards.
    pub fn consistent(shards: u32) -> Scheme {
        let nodes: Vec<Node> = (0..shards).map(|i| Node::new(format!("shard-{i}"))).collect();
        Scheme::Consistent { ring: Continuum::new(&nodes), shards }
    }

    /// Checks the scheme: at least one shard, ascending distinct split
    /// points, Vitess ranges that tile the keyspace in order.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Scheme::HashMod { shards: n }
            | Scheme::Mongo { chunks: n, .. }
            | Scheme::Citus { shard_count: n }
            | Scheme::Consistent { shards: n, .. }
                if !(1..=4096).contains(n) =>
            {
                Err(format!("the number of shards must be between 1 and 4096, not {n}"))
            }
            Scheme::Range { splits } if splits.windows(2).any(|w| w[0] >= w[1]) => {
                Err("range split points must be strictly ascending".into())
            }
            Scheme::Range { splits } if splits.len() > 4095 => Err("at most 4096 ranges".into()),
            Scheme::Vitess { shards } if shards.len() > 4096 => {
                Err(format!("at most 4096 Vitess shards, not {}", shards.len()))
            }
            Scheme::Vitess { shards } => {
                // Every shard but the last ends where the next begins, so the ranges tile in order.
                let tiles = shards.first().is_some_and(|r| r.start.is_empty())
                    && shards.last().is_some_and(|r| r.end.is_empty())
                    && shards[..shards.len() - 1].iter().all(|r| !r.end.is_empty())
                    && shards.windows(2).all(|w| w[0].end == w[1].start);
                if tiles {
                    Ok(())
                } else {
                    Err("Vitess shards must cover the keyspace in order, as -40, 40-80, 80-".into())
                }
            }
            _ => Ok(()),
        }
    }

    /// Number of shards.
    pub fn shard_count(&self) -> usize {
        match self {
            Scheme::HashMod { shards } => *shards as usize,
            Scheme::Range { splits } => splits.len() + 1,
            Scheme::Vitess { shards } => shards.len(),
            Scheme::Mongo { chunks, .. } => *chunks as usize,
            Scheme::Citus { shard_count } => *shard_count as usize,
            Scheme::Consistent { shards, .. } => *shards as usize,
        }
    }

    /// The shard a row with shard key `key` lives on.
    pub fn route(&self, key: u64) -> usize {
        match self {
            Scheme::HashMod { shards } => (xxh64(&key.to_le_bytes(), 0) % u64::from((*shards).max(1))) as usize,
            Scheme::Range { splits } => splits.partition_point(|&s| s <= key),
            Scheme::Vitess { shards } => {
                // The ranges tile in order: the last whose start is at or below the id holds it.
                let id = vitess_keyspace_id(key);
                shards.partition_point(|r| r.start.as_slice() <= id.as_slice()).saturating_sub(1)
            }
            Scheme::Mongo { points, .. } => {
                let h = mongo_hashed(key as i64);
                points.partition_point(|&p| p <= h)
            }
            Scheme::Citus { shard_count } => citus_shard(hashint8(key as i64), *shard_count) as usize,
            Scheme::Consistent { ring, .. } => {
                // The key's decimal digits, written without allocating.
                let (mut digits, mut at, mut k) = ([0u8; 20], 20, key);
                loop {
                    at -= 1;
                    digits[at] = b'0' + (k % 10) as u8;
                    k /= 10;
                    if k == 0 {
                        break;
                    }
                }
                ring.locate(&digits[at..])
            }
        }
    }

    /// The shards a query for keys `lo..=hi` must ask: for range
    /// partitioning, exactly those whose ranges overlap it; a point query
    /// (`lo == hi`) asks one shard; otherwise a hashing scheme asks all.
    pub fn shards_for_range(&self, lo: u64, hi: u64) -> Vec<usize> {
        let (lo, hi) = (lo.min(hi), lo.max(hi));
        match self {
            _ if lo == hi => vec![self.route(lo)],
            Scheme::Range { .. } => (self.route(lo)..=self.route(hi)).collect(),
            _ => (0..self.shard_count()).collect(),
        }
    }

    /// Range partitioning with a new split point at `at` (the range that
    /// held `at` divides in two); `None` for other schemes or an existing point.
    pub fn split_at(&self, at: u64) -> Option<Scheme> {
        match self {
            Scheme::Range { splits } if !splits.contains(&at) => {
                let mut s = splits.clone();
                s.insert(s.partition_point(|&p| p < at), at);
                Some(Scheme::Range { splits: s })
            }
            _ => None,
        }
    }
}
