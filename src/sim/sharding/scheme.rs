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
//!
//! Routing is two steps: the key's hash in its scheme's [`HashFamily`]
//! (which does not depend on the number of shards), then the shard that
//! holds that hash ([`Scheme::route_hashed`]). A workload hashes its keys
//! once per family, so re-routing it over another shard count costs only
//! the second step.

use super::des::encrypt_zero_key;
use super::{citus_shard, hashint8, mongo_hashed, mongo_hashed_x8, KeyRange};
use crate::sim::hash_ring::ketama::{key_hash, Continuum};
use crate::sim::hash_ring::Node;
use crate::sim::kernel::md5::md5_blocks_x8;
use crate::sim::kernel::num::{digit_count, digits, write_digits};
use xxhash_rust::xxh64::xxh64;

/// What a scheme computes from a shard key before it picks a shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HashFamily {
    /// The key itself (range partitioning compares keys).
    Key,
    /// xxHash64 of the key's little-endian bytes, seed 0.
    XxHash64,
    /// Vitess's keyspace ID, read as a big-endian `u64`.
    Vitess,
    /// MongoDB's hashed value, as the bits of its `i64`.
    Mongo,
    /// PostgreSQL's `hashint8`, as the bits of its `i32`.
    Postgres,
    /// libketama's hash of the key's decimal text.
    Ketama,
}

impl HashFamily {
    /// Every family, in declaration order (the order [`HashFamily`] `as usize` gives).
    pub const ALL: [HashFamily; 6] = [
        HashFamily::Key,
        HashFamily::XxHash64,
        HashFamily::Vitess,
        HashFamily::Mongo,
        HashFamily::Postgres,
        HashFamily::Ketama,
    ];

    /// Every key's hash, in order; MD5's families digest eight keys at a time.
    pub fn hash_all(self, keys: &[u64]) -> Vec<u64> {
        match self {
            HashFamily::Vitess => super::des::encrypt_all_zero_key(keys),
            HashFamily::Mongo => {
                in_eights(keys, |k| mongo_hashed_x8(k.map(|k| k as i64)).map(|h| h as u64), |k| self.hash(k))
            }
            // libketama's hash is the digest's first four bytes, little-endian: the state's A.
            HashFamily::Ketama => {
                in_eights(keys, |k| md5_blocks_x8(&k.map(decimal_block)).map(|s| u64::from(s[0])), |k| self.hash(k))
            }
            _ => keys.iter().map(|&k| self.hash(k)).collect(),
        }
    }

    /// The key's hash in this family.
    pub fn hash(self, key: u64) -> u64 {
        match self {
            HashFamily::Key => key,
            HashFamily::XxHash64 => xxh64(&key.to_le_bytes(), 0),
            HashFamily::Vitess => encrypt_zero_key(key),
            HashFamily::Mongo => mongo_hashed(key as i64) as u64,
            HashFamily::Postgres => u64::from(hashint8(key as i64) as u32),
            HashFamily::Ketama => u64::from(key_hash(digits(key, &mut [0u8; 20]))),
        }
    }
}

/// `eight` of each eight keys in turn, then `one` of each key left over.
fn in_eights(keys: &[u64], eight: impl Fn([u64; 8]) -> [u64; 8], one: impl Fn(u64) -> u64) -> Vec<u64> {
    let mut out = Vec::with_capacity(keys.len());
    let (eights, rest) = keys.as_chunks::<8>();
    for k in eights {
        out.extend(eight(*k));
    }
    out.extend(rest.iter().map(|&k| one(k)));
    out
}

/// The MD5 block of `key`'s decimal text, as words: at most 20 digits and
/// the padding bit fill the first six, and the length in bits is word 14.
fn decimal_block(key: u64) -> [u32; 16] {
    let n = digit_count(key);
    let mut bytes = [0u8; 24];
    write_digits(key, &mut bytes[..n]);
    bytes[n] = 0x80;
    let mut m = [0u32; 16];
    for (j, w) in m[..6].iter_mut().enumerate() {
        *w = u32::from_le_bytes([bytes[4 * j], bytes[4 * j + 1], bytes[4 * j + 2], bytes[4 * j + 3]]);
    }
    m[14] = n as u32 * 8;
    m
}

/// A partitioning scheme over a fixed set of shards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scheme {
    HashMod {
        shards: u32,
    },
    Range {
        splits: Vec<u64>,
    },
    /// `starts` are the ranges' lower bounds as `u64`s (see [`Scheme::vitess`]).
    Vitess {
        shards: Vec<KeyRange>,
        starts: Vec<u64>,
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
    /// Vitess's `region_json`: Vitess key ranges over keyspace IDs prefixed
    /// by the row's region number, `by_country[i]` for the workload's
    /// country `i` (see [`super::region`]).
    Region {
        shards: Vec<KeyRange>,
        starts: Vec<u64>,
        region_bytes: u8,
        by_country: Vec<u64>,
        countries: Vec<super::region::Country>,
    },
}

/// Each key range's lower bound, zero-padded to a `u64`.
pub fn key_range_starts(shards: &[KeyRange]) -> Vec<u64> {
    shards
        .iter()
        .map(|r| r.start.iter().chain(std::iter::repeat(&0)).take(8).fold(0u64, |x, &b| (x << 8) | u64::from(b)))
        .collect()
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
    // The positive points, ascending: interval apart from 0 (n even) or half an interval (n odd).
    let first = if n % 2 == 0 { interval } else { interval / 2 };
    let positive: Vec<i64> = (0..(n - 1) / 2).map(|i| first.saturating_add(i.saturating_mul(interval))).collect();
    // Mirrored below 0, ascending, then 0 itself when n is even.
    let mut points: Vec<i64> = positive.iter().rev().map(|&p| -p).collect();
    if n % 2 == 0 {
        points.push(0);
    }
    points.extend_from_slice(&positive);
    points
}

impl Scheme {
    /// Vitess shards over the given key ranges. Their bounds are at most
    /// eight bytes ([`KeyRange::parse`]), so a bound zero-padded to a `u64`
    /// compares with an eight-byte keyspace ID exactly as bytes compare.
    pub fn vitess(shards: Vec<KeyRange>) -> Scheme {
        Scheme::Vitess { starts: key_range_starts(&shards), shards }
    }

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
            Scheme::Vitess { shards, .. } | Scheme::Region { shards, .. } if shards.len() > 4096 => {
                Err(format!("at most 4096 Vitess shards, not {}", shards.len()))
            }
            Scheme::Vitess { shards, .. } | Scheme::Region { shards, .. } => {
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
            Scheme::Vitess { shards, .. } | Scheme::Region { shards, .. } => shards.len(),
            Scheme::Mongo { chunks, .. } => *chunks as usize,
            Scheme::Citus { shard_count } => *shard_count as usize,
            Scheme::Consistent { shards, .. } => *shards as usize,
        }
    }

    /// The hash this scheme places.
    pub fn family(&self) -> HashFamily {
        match self {
            Scheme::HashMod { .. } => HashFamily::XxHash64,
            Scheme::Range { .. } => HashFamily::Key,
            Scheme::Vitess { .. } | Scheme::Region { .. } => HashFamily::Vitess,
            Scheme::Mongo { .. } => HashFamily::Mongo,
            Scheme::Citus { .. } => HashFamily::Postgres,
            Scheme::Consistent { .. } => HashFamily::Ketama,
        }
    }

    /// The shard a row with shard key `key` lives on.
    pub fn route(&self, key: u64) -> usize {
        let country = match self {
            Scheme::Region { countries, .. } => super::region::country_of(key, countries),
            _ => 0,
        };
        self.route_in(self.family().hash(key), country)
    }

    /// The shard that holds hash `h` of a row from the workload's country
    /// `country` (only a region scheme reads it).
    pub fn route_in(&self, h: u64, country: usize) -> usize {
        match self {
            Scheme::Region { starts, region_bytes, by_country, .. } => {
                let region = by_country.get(country).copied().unwrap_or(0);
                let id = super::region::region_keyspace_prefix(region, h, *region_bytes);
                // As for Vitess: the last range whose start is at or below the id.
                starts.partition_point(|&s| s <= id).saturating_sub(1)
            }
            _ => self.route_hashed(h),
        }
    }

    /// The same scheme over other Vitess key ranges (for Vitess and region schemes).
    pub fn with_key_ranges(&self, shards: Vec<KeyRange>) -> Scheme {
        let starts = key_range_starts(&shards);
        match self {
            Scheme::Region { region_bytes, by_country, countries, .. } => Scheme::Region {
                shards,
                starts,
                region_bytes: *region_bytes,
                by_country: by_country.clone(),
                countries: countries.clone(),
            },
            _ => Scheme::Vitess { shards, starts },
        }
    }

    /// The shard that holds hash `h` of [`Scheme::family`].
    pub fn route_hashed(&self, h: u64) -> usize {
        match self {
            Scheme::HashMod { shards } => (h % u64::from((*shards).max(1))) as usize,
            Scheme::Range { splits } => splits.partition_point(|&s| s <= h),
            Scheme::Vitess { starts, .. } => {
                // The ranges tile in order: the last whose start is at or below the id holds it.
                starts.partition_point(|&s| s <= h).saturating_sub(1)
            }
            // A region scheme needs the row's country: without one, the workload's first.
            Scheme::Region { .. } => self.route_in(h, 0),
            Scheme::Mongo { points, .. } => {
                let h = h as i64;
                points.partition_point(|&p| p <= h)
            }
            Scheme::Citus { shard_count } => citus_shard(h as u32 as i32, *shard_count) as usize,
            Scheme::Consistent { ring, .. } => ring.point_for(h as u32).map_or(0, |p| p.node as usize),
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
