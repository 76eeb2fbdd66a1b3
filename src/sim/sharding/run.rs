//! A workload through a sharding scheme: where its rows land, which shards
//! its range queries ask, and what a re-shard moves.

use super::region::{country_of, validate_countries, Country};
use super::scheme::{HashFamily, Scheme};
use super::KeyRange;
use crate::sim::kernel::rng::{Rng, Zipf};
use crate::sim::kernel::sort::{min_max, radix_sort_by_key};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, OnceLock};

/// Most rows a workload may write.
pub const MAX_ROWS: usize = 2_000_000;

/// The shard keys a workload writes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Keys {
    /// Ids 1, 2, 3, … as an auto-increment column gives them.
    Sequential,
    /// Creation times in milliseconds from `start_ms`, `step_ms` apart: always increasing.
    Timestamps { start_ms: u64, step_ms: u64 },
    /// Values drawn uniformly from `0..max`.
    Uniform { max: u64 },
    /// Writes by `distinct` users whose activity follows Zipf's law with
    /// exponent 1 (the k-th most active writes 1/k as often as the first).
    Zipf { distinct: usize },
}

/// What a workload does: `rows` writes of keys of one shape, then
/// `range_queries` queries over `range_width` consecutive keys each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    pub keys: Keys,
    pub rows: usize,
    #[serde(default)]
    pub range_queries: usize,
    #[serde(default = "default_width")]
    pub range_width: u64,
    /// Where the users behind the keys live: each key's country is fixed by
    /// its hash, weighted by share (see [`super::region::country_of`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<Country>,
    /// Point reads per row written, and which rows they read.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reads_per_write: u32,
    #[serde(default, skip_serializing_if = "Reads::is_default")]
    pub reads: Reads,
}

/// Which rows a workload's point reads ask for. A read goes to the shard
/// holding its row, under every scheme (a directory looks the key up first).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reads {
    /// Every row equally often: reads follow the data.
    #[default]
    Uniform,
    /// Only the newest tenth of the rows, as a feed or a timeline reads.
    Recent,
}

impl Reads {
    fn is_default(&self) -> bool {
        *self == Reads::Uniform
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn default_width() -> u64 {
    100
}

impl Workload {
    /// `rows` writes of `keys`, with no queries, reads or countries.
    pub fn new(keys: Keys, rows: usize) -> Workload {
        Workload {
            keys,
            rows,
            range_queries: 0,
            range_width: default_width(),
            countries: Vec::new(),
            reads_per_write: 0,
            reads: Reads::Uniform,
        }
    }

    /// Checks sizes.
    pub fn validate(&self) -> Result<(), String> {
        if self.rows == 0 || self.rows > MAX_ROWS {
            return Err(format!("rows must be between 1 and {MAX_ROWS}, not {}", self.rows));
        }
        if self.range_queries > 100_000 {
            return Err(format!("at most 100000 range queries, not {}", self.range_queries));
        }
        if self.range_width == 0 {
            return Err("range_width must be at least 1".into());
        }
        validate_countries(&self.countries)?;
        if self.reads_per_write > 1000 {
            return Err(format!("at most 1000 reads per write, not {}", self.reads_per_write));
        }
        match self.keys {
            Keys::Uniform { max: 0 } => Err("uniform keys need max of at least 1".into()),
            Keys::Zipf { distinct } if distinct == 0 || distinct > MAX_ROWS => {
                Err(format!("zipf distinct must be between 1 and {MAX_ROWS}, not {distinct}"))
            }
            Keys::Timestamps { start_ms, step_ms }
                if step_ms.checked_mul(self.rows as u64 - 1).and_then(|x| start_ms.checked_add(x)).is_none() =>
            {
                Err("timestamps overflow: lower start_ms or step_ms".into())
            }
            _ => Ok(()),
        }
    }

    /// The lowest and highest key the workload writes.
    pub fn key_span(&self) -> (u64, u64) {
        let n = self.rows.max(1) as u64;
        match self.keys {
            Keys::Sequential => (1, n),
            Keys::Timestamps { start_ms, step_ms } => {
                (start_ms, start_ms.saturating_add(step_ms.saturating_mul(n - 1)))
            }
            Keys::Uniform { max } => (0, max.saturating_sub(1)),
            Keys::Zipf { distinct } => (1, distinct as u64),
        }
    }

    /// The keys written, in order.
    pub fn keys(&self, rng: &mut Rng) -> Vec<u64> {
        let n = self.rows as u64;
        match &self.keys {
            Keys::Sequential => (1..=n).collect(),
            Keys::Timestamps { start_ms, step_ms } => (0..n).map(|i| start_ms + i * step_ms).collect(),
            Keys::Uniform { max } => (0..n).map(|_| rng.next_u64() % max).collect(),
            Keys::Zipf { distinct } => {
                let zipf = Zipf::new(*distinct);
                (0..n).map(|_| zipf.sample(rng) as u64 + 1).collect()
            }
        }
    }
}

/// A workload's traffic: the keys written, in order, and its range queries,
/// with every key's hash in each [`HashFamily`] computed on first use and
/// kept, so that schemes of one family (and one scheme at any shard count)
/// hash the workload once.
#[derive(Clone, Debug, Default)]
pub struct Traffic {
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

/// A workload's distinct keys, ascending, with where each first appears:
/// a directory's table becomes arrays read mostly in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Distinct {
    pub keys: Vec<u64>,
    /// For each row in write order, the index of its key in `keys`.
    pub ids: Vec<u32>,
    /// For each row, the row that first wrote its key (itself, for a new key).
    pub first_row: Vec<u32>,
    /// For each distinct key, the row that first wrote it, and its rows.
    pub first_of: Vec<u32>,
    pub rows: Vec<u32>,
}

impl Distinct {
    /// The distinct keys of rows `keys`, in two radix sorts: the rows by key
    /// (each key's first row leads its run, the sort being stable), then
    /// each row's key index and first row back into row order, which moves
    /// them in cache-sized buckets instead of writing each row at random.
    fn of(keys: &[u64]) -> Distinct {
        let Some((lo, hi)) = min_max(keys.iter().copied()) else { return Distinct::default() };
        let n = keys.len();
        let mut d = Distinct {
            keys: Vec::with_capacity(n),
            first_of: Vec::with_capacity(n),
            rows: Vec::with_capacity(n),
            ..Distinct::default()
        };
        // Each row's (row, key index, first row), in key order.
        let mut back: Vec<(u32, u32, u32)> = Vec::with_capacity(n);
        let mut visit = |k: u64, row: u32| {
            if d.keys.last() != Some(&k) {
                d.keys.push(k);
                d.first_of.push(row);
                d.rows.push(0);
            }
            let id = d.keys.len() - 1;
            d.rows[id] += 1;
            back.push((row, id as u32, d.first_of[id]));
        };
        let row_bits = 64 - (n as u64).leading_zeros();
        if (64 - (hi - lo).leading_zeros()) + row_bits <= 64 {
            // The key less the least and the row in one word: half the bytes to move.
            let mut packed: Vec<u64> =
                keys.iter().enumerate().map(|(row, &k)| ((k - lo) << row_bits) | row as u64).collect();
            radix_sort_by_key(&mut packed, |&p| p >> row_bits);
            let mask = (1u64 << row_bits) - 1;
            for p in packed {
                visit((p >> row_bits) + lo, (p & mask) as u32);
            }
        } else {
            let mut order: Vec<(u64, u32)> = keys.iter().enumerate().map(|(i, &k)| (k, i as u32)).collect();
            radix_sort_by_key(&mut order, |e| e.0);
            for (k, row) in order {
                visit(k, row);
            }
        }
        radix_sort_by_key(&mut back, |e| u64::from(e.0));
        d.ids = back.iter().map(|e| e.1).collect();
        d.first_row = back.iter().map(|e| e.2).collect();
        d
    }
}

impl PartialEq for Traffic {
    fn eq(&self, other: &Traffic) -> bool {
        self.keys == other.keys
            && self.queries == other.queries
            && self.countries == other.countries
            && (self.reads_per_write, self.reads) == (other.reads_per_write, other.reads)
    }
}

impl Traffic {
    /// The workload's keys, then its range queries, drawn from `rng` in that order.
    pub fn new(workload: &Workload, rng: &mut Rng) -> Traffic {
        let keys = workload.keys(rng);
        let queries = range_queries(&keys, workload.range_queries, workload.range_width, rng);
        let countries = workload.countries.clone();
        let country = if countries.is_empty() {
            Vec::new()
        } else {
            keys.iter().map(|&k| country_of(k, &countries) as u8).collect()
        };
        Traffic {
            countries,
            country,
            reads_per_write: workload.reads_per_write,
            reads: workload.reads,
            ..Traffic::of(keys, queries)
        }
    }

    /// Traffic of the given keys and queries.
    pub fn of(keys: Vec<u64>, queries: Vec<(u64, u64)>) -> Traffic {
        Traffic { keys, queries, ..Traffic::default() }
    }

    /// This traffic with the hashes `previous` had computed carried over for
    /// the keys both write first: a workload changed only in its queries,
    /// reads or countries hashes nothing again, and one grown or shrunk by
    /// rows (the same seed draws the same first keys) hashes only its new
    /// rows. The results are those computed afresh; only the work differs.
    pub fn reusing(self, previous: &Traffic) -> Traffic {
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

/// A scheme as scenarios write it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum SchemeConfig {
    HashMod {
        shards: u32,
    },
    /// Ranges between ascending split points.
    Range {
        #[serde(default)]
        splits: Vec<u64>,
    },
    Vitess {
        shards: Vec<String>,
    },
    /// A hashed collection in `chunks` equal chunks, spread in contiguous
    /// runs over `servers` shard servers (one chunk each when absent).
    Mongo {
        chunks: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        servers: Option<u32>,
    },
    /// `shard_count` shards placed round-robin on `nodes` workers (one shard
    /// each when absent), as Citus places them.
    Citus {
        shard_count: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nodes: Option<u32>,
    },
    /// libketama's ring over `shards` shards.
    Consistent {
        shards: u32,
    },
    /// A lookup table from each key to its shard, filled as keys first
    /// arrive (to the shard with the fewest rows); every operation asks the
    /// directory first, one extra lookup.
    Directory {
        shards: u32,
    },
    /// Vitess's `region_json` vindex: each row's country mapped to a region
    /// number, which prefixes the `hash` vindex's keyspace ID in
    /// `region_bytes` (1 or 2) bytes, over Vitess key ranges.
    Region {
        regions: Vec<RegionEntry>,
        shards: Vec<String>,
        #[serde(default = "one_byte")]
        region_bytes: u8,
    },
}

/// A country's region number in a `region_json` map.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionEntry {
    pub country: String,
    pub region: u64,
}

fn one_byte() -> u8 {
    1
}

/// The schemes' names in scenarios, in menu order.
pub const SCHEME_NAMES: [&str; 8] =
    ["hash-mod", "range", "vitess", "mongo", "citus", "consistent", "directory", "region"];

impl SchemeConfig {
    /// The scheme `name` (one of [`SCHEME_NAMES`]; anything else is a
    /// directory) with `n` shards, from 2 to 64, over the workload's keys:
    /// ranges split evenly over its key span, Vitess key ranges of equal
    /// width. MongoDB's and Citus's servers stay as `previous` had them.
    pub fn named(name: &str, n: u32, previous: &SchemeConfig, w: &Workload) -> SchemeConfig {
        let n = n.clamp(2, 64);
        let servers = match previous {
            SchemeConfig::Mongo { servers, .. } => *servers,
            SchemeConfig::Citus { nodes, .. } => *nodes,
            _ => None,
        };
        match name {
            "hash-mod" => SchemeConfig::HashMod { shards: n },
            "range" => {
                let (lo, hi) = w.key_span();
                let span = u128::from(hi - lo) + 1;
                let mut splits: Vec<u64> = (1..n).map(|i| lo + (span * u128::from(i) / u128::from(n)) as u64).collect();
                splits.dedup();
                SchemeConfig::Range { splits }
            }
            "vitess" => SchemeConfig::Vitess { shards: super::vitess_even_shards(n) },
            "mongo" => SchemeConfig::Mongo { chunks: n, servers: servers.filter(|&m| m <= n) },
            "citus" => SchemeConfig::Citus { shard_count: n, nodes: servers.filter(|&m| m <= n) },
            "consistent" => SchemeConfig::Consistent { shards: n },
            "region" => SchemeConfig::Region {
                regions: super::region::EXAMPLE_REGIONS
                    .iter()
                    .map(|&(country, region)| RegionEntry { country: country.into(), region: u64::from(region) })
                    .collect(),
                shards: super::vitess_even_shards(n),
                region_bytes: 1,
            },
            _ => SchemeConfig::Directory { shards: n },
        }
    }

    /// The scheme's name in scenarios.
    pub fn name(&self) -> &'static str {
        match self {
            SchemeConfig::HashMod { .. } => "hash-mod",
            SchemeConfig::Range { .. } => "range",
            SchemeConfig::Vitess { .. } => "vitess",
            SchemeConfig::Mongo { .. } => "mongo",
            SchemeConfig::Citus { .. } => "citus",
            SchemeConfig::Consistent { .. } => "consistent",
            SchemeConfig::Directory { .. } => "directory",
            SchemeConfig::Region { .. } => "region",
        }
    }

    /// Checks the scheme for a workload whose users live in `countries`,
    /// without building a ring (which a widget's every edit would pay for).
    pub fn validate(&self, countries: &[Country]) -> Result<(), String> {
        match self {
            SchemeConfig::Consistent { shards } if (1..=4096).contains(shards) => Ok(()),
            _ => self.scheme_for(countries).map(drop),
        }
    }

    /// The scheme for a workload whose users live in `countries` (only a
    /// region scheme reads them: every country must be in its map).
    pub fn scheme_for(&self, countries: &[Country]) -> Result<Scheme, String> {
        let (regions, (shards, starts, region_bytes)) = match (self, self.scheme()?) {
            (SchemeConfig::Region { regions, .. }, Scheme::Region { shards, starts, region_bytes, .. }) => {
                (regions, (shards, starts, region_bytes))
            }
            (_, other) => return Ok(other),
        };
        let by_country = countries
            .iter()
            .map(|c| {
                regions.iter().find(|r| r.country == c.name).map(|r| r.region).ok_or_else(|| {
                    format!("the region map has no entry for `{}`, so Vitess cannot route its rows", c.name)
                })
            })
            .collect::<Result<Vec<u64>, String>>()?;
        if by_country.is_empty() {
            return Err("a region scheme needs a workload with countries".into());
        }
        Ok(Scheme::Region { shards, starts, region_bytes, by_country, countries: countries.to_vec() })
    }

    /// The scheme, or why it is not one.
    pub fn scheme(&self) -> Result<Scheme, String> {
        let s = match self {
            SchemeConfig::HashMod { shards } => Scheme::HashMod { shards: *shards },
            SchemeConfig::Range { splits } => Scheme::Range { splits: splits.clone() },
            SchemeConfig::Vitess { shards } => {
                Scheme::vitess(shards.iter().map(|n| KeyRange::parse(n)).collect::<Result<_, _>>()?)
            }
            SchemeConfig::Mongo { chunks, .. } => Scheme::mongo(*chunks),
            SchemeConfig::Citus { shard_count, .. } => Scheme::Citus { shard_count: *shard_count },
            SchemeConfig::Consistent { shards } => {
                if !(1..=4096).contains(shards) {
                    return Err(format!("the number of shards must be between 1 and 4096, not {shards}"));
                }
                Scheme::consistent(*shards)
            }
            // Routed by its table (see `run_directory`); as a scheme it only carries the count.
            SchemeConfig::Directory { shards } => Scheme::HashMod { shards: *shards },
            SchemeConfig::Region { regions, shards, region_bytes } => {
                if !matches!(region_bytes, 1 | 2) {
                    return Err(format!("region_bytes must be 1 or 2, not {region_bytes}"));
                }
                if regions.is_empty() || regions.len() > 256 {
                    return Err(format!("a region map has 1 to 256 countries, not {}", regions.len()));
                }
                let shards: Vec<KeyRange> = shards.iter().map(|n| KeyRange::parse(n)).collect::<Result<_, _>>()?;
                Scheme::Region {
                    starts: super::scheme::key_range_starts(&shards),
                    shards,
                    region_bytes: *region_bytes,
                    by_country: Vec::new(),
                    countries: Vec::new(),
                }
            }
        };
        s.validate()?;
        if let SchemeConfig::Mongo { chunks: n, servers: Some(m) }
        | SchemeConfig::Citus { shard_count: n, nodes: Some(m) } = self
        {
            if *m == 0 || m > n {
                return Err(format!("place {n} chunks or shards on 1 to {n} servers, not {m}"));
            }
        }
        Ok(s)
    }

    /// Which server holds each shard (or chunk): every shard its own server,
    /// except MongoDB chunks (contiguous runs per server) and Citus shards
    /// (round-robin over the nodes).
    fn layout(&self, shards: usize) -> Layout {
        match *self {
            SchemeConfig::Mongo { chunks, servers: Some(m) } => {
                let (n, m) = (chunks as usize, m as usize);
                Layout { servers: m, of: (0..n).map(|i| i * m / n).collect() }
            }
            SchemeConfig::Citus { nodes: Some(m), .. } => {
                Layout { servers: m as usize, of: (0..shards).map(|i| i % m as usize).collect() }
            }
            _ => Layout { servers: shards, of: (0..shards).collect() },
        }
    }
}

/// Shards (or chunks) and the servers that hold them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    servers: usize,
    /// The server of each shard.
    of: Vec<usize>,
}

impl Layout {
    /// The layout with the highest-numbered chunk of the server holding the
    /// most chunks moved to the other server holding the fewest (the
    /// lowest-numbered server on a tie, both ways); `None` with a single server.
    fn with_one_moved(&self) -> Option<Layout> {
        let mut counts = vec![0usize; self.servers];
        for &s in &self.of {
            counts[s] += 1;
        }
        let busiest = (0..self.servers).max_by_key(|&s| (counts[s], usize::MAX - s))?;
        let least = (0..self.servers).filter(|&s| s != busiest).min_by_key(|&s| (counts[s], s))?;
        let chunk = (0..self.of.len()).rev().find(|&i| self.of[i] == busiest)?;
        let mut next = self.clone();
        next.of[chunk] = least;
        Some(next)
    }

    /// The layout with one more, empty server that then takes shards, one at
    /// a time, from the server holding the most (its highest-numbered one),
    /// until no server holds more than one shard above the newcomer: how
    /// MongoDB's balancer (by chunk count, as before 6.0.3) and Citus's
    /// `rebalance_table_shards` (`by_shard_count`) even out a new server.
    fn with_new_server(&self) -> Layout {
        let mut next = Layout { servers: self.servers + 1, of: self.of.clone() };
        let new = self.servers;
        loop {
            let mut counts = vec![0usize; next.servers];
            for &s in &next.of {
                counts[s] += 1;
            }
            let busiest = (0..next.servers).max_by_key(|&s| (counts[s], usize::MAX - s)).unwrap_or(0);
            if counts[busiest] <= counts[new] + 1 {
                return next;
            }
            if let Some(shard) = (0..next.of.len()).rev().find(|&i| next.of[i] == busiest) {
                next.of[shard] = new;
            }
        }
    }
}

/// A re-shard, applied to every scheme it fits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Reshard {
    /// One more shard: hash modulo N + 1 and a ring with one more shard
    /// re-hash; for MongoDB (with `servers`) and Citus (with `nodes`) a new
    /// server takes whole chunks or shards from the others, and no key
    /// re-hashes.
    AddShard,
    /// Split the shard holding the most rows: a range at its median row,
    /// a Vitess key range at its midpoint.
    SplitHottest,
    /// Move one chunk (MongoDB, with `servers`) or shard (Citus, with
    /// `nodes`) from the server holding the most to the one holding the
    /// fewest: one migration, the balancer's unit of work. No key re-hashes.
    MoveChunk,
}

/// Rows and queries per shard under one scheme.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Placement {
    pub rows: Vec<u64>,
    pub hottest_over_mean: f64,
    /// The same for the last tenth of the writes: where new rows go now
    /// (monotonic keys under range partitioning all land on the last shard).
    pub recent_hottest_over_mean: f64,
    /// Mean number of shards a range query asks, and the share that ask one.
    pub shards_per_query: f64,
    pub single_shard_queries: f64,
    /// When the workload has countries: the mean number of servers holding a
    /// country's rows (1 when each country lives in one place).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shards_per_country: Option<f64>,
    /// When the workload reads: the point reads each server answers (in
    /// expectation: reads per write × rows, spread as the read rows are),
    /// and the busiest server's writes and reads together over the mean.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reads: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub busiest_load_over_mean: Option<f64>,
}

impl Placement {
    /// The spread of rows placed on `routed` servers (of `servers`), of
    /// queries that asked `touched` servers each, and of the traffic's countries.
    fn of(routed: &[usize], servers: usize, touched: &[usize], traffic: &Traffic) -> Placement {
        let spread = |placed: &[usize]| {
            let mut rows = vec![0u64; servers];
            for &s in placed {
                rows[s] += 1;
            }
            let mean = placed.len() as f64 / servers.max(1) as f64;
            let hottest = rows.iter().copied().max().unwrap_or(0) as f64;
            (rows, if mean > 0.0 { hottest / mean } else { 0.0 })
        };
        let (rows, hottest_over_mean) = spread(routed);
        let newest = &routed[routed.len() - routed.len().div_ceil(10)..];
        let (recent_rows, recent_hottest_over_mean) = spread(newest);
        let (reads, busiest_load_over_mean) = match traffic.reads_per_write {
            0 => (None, None),
            r => {
                // r reads per row written, over every row or over the newest tenth.
                let total = u128::from(r) * routed.len() as u128;
                let (target, targets) = match traffic.reads {
                    Reads::Uniform => (&rows, routed.len()),
                    Reads::Recent => (&recent_rows, newest.len()),
                };
                let reads: Vec<u64> =
                    target.iter().map(|&n| (total * u128::from(n) / targets.max(1) as u128) as u64).collect();
                let load: Vec<u64> = rows.iter().zip(&reads).map(|(w, r)| w + r).collect();
                let mean = load.iter().sum::<u64>() as f64 / servers.max(1) as f64;
                let busiest = load.iter().copied().max().unwrap_or(0) as f64;
                (Some(reads), Some(if mean > 0.0 { busiest / mean } else { 0.0 }))
            }
        };
        let q = touched.len().max(1) as f64;
        Placement {
            rows,
            hottest_over_mean,
            recent_hottest_over_mean,
            shards_per_query: touched.iter().sum::<usize>() as f64 / q,
            single_shard_queries: touched.iter().filter(|&&t| t == 1).count() as f64 / q,
            shards_per_country: shards_per_country(routed, servers, traffic),
            reads,
            busiest_load_over_mean,
        }
    }
}

/// The mean number of servers holding each country's rows (of the countries with any).
fn shards_per_country(routed: &[usize], servers: usize, traffic: &Traffic) -> Option<f64> {
    if traffic.countries.is_empty() || traffic.country.len() != routed.len() {
        return None;
    }
    let n = traffic.countries.len();
    let mut seen = vec![false; n * servers];
    for (&c, &s) in traffic.country.iter().zip(routed) {
        seen[usize::from(c) * servers + s] = true;
    }
    let per: Vec<usize> = (0..n).map(|c| seen[c * servers..(c + 1) * servers].iter().filter(|&&x| x).count()).collect();
    let present: Vec<usize> = per.into_iter().filter(|&k| k > 0).collect();
    Some(present.iter().sum::<usize>() as f64 / present.len().max(1) as f64)
}

/// Where a scheme puts keys and which servers a query asks, as the run
/// leaves it (after the re-shard, if one applied): what the query
/// inspector reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Router(RouterKind);

#[derive(Clone, Debug, PartialEq)]
enum RouterKind {
    Scheme {
        scheme: Scheme,
        layout: Layout,
    },
    /// The directory's table: the server of each row, read through the row
    /// that first wrote each distinct key.
    Directory {
        distinct: Arc<Distinct>,
        routed: Vec<usize>,
        servers: usize,
    },
}

impl Router {
    /// Number of servers.
    pub fn servers(&self) -> usize {
        match &self.0 {
            RouterKind::Scheme { layout, .. } => layout.servers,
            RouterKind::Directory { servers, .. } => *servers,
        }
    }

    /// The server holding rows of `key`; `None` for a key the directory has never seen.
    pub fn locate(&self, key: u64) -> Option<usize> {
        match &self.0 {
            RouterKind::Scheme { scheme, layout } => Some(layout.of[scheme.route(key)]),
            RouterKind::Directory { distinct: d, routed, .. } => {
                d.keys.binary_search(&key).ok().map(|i| routed[d.first_of[i] as usize])
            }
        }
    }

    /// The servers a query for keys `lo..=hi` asks, ascending: those whose
    /// ranges overlap it under range partitioning, one for a point query,
    /// every server for a range under a hashing scheme, and for a directory
    /// the servers its entries in the range name (none when it has none).
    pub fn asks(&self, lo: u64, hi: u64) -> Vec<usize> {
        let (lo, hi) = (lo.min(hi), lo.max(hi));
        match &self.0 {
            RouterKind::Scheme { scheme, layout } => {
                let mut seen = vec![false; layout.servers];
                for s in scheme.shards_for_range(lo, hi) {
                    seen[layout.of[s]] = true;
                }
                (0..layout.servers).filter(|&s| seen[s]).collect()
            }
            RouterKind::Directory { distinct: d, routed, servers } => {
                // Distinct servers among the entries in range, stopping once every server is seen.
                let mut seen = vec![false; *servers];
                let mut count = 0;
                let from = d.keys.partition_point(|&k| k < lo);
                for (&k, &first) in d.keys[from..].iter().zip(&d.first_of[from..]) {
                    let s = routed[first as usize];
                    if k > hi || count == *servers {
                        break;
                    }
                    if !std::mem::replace(&mut seen[s], true) {
                        count += 1;
                    }
                }
                (0..*servers).filter(|&s| seen[s]).collect()
            }
        }
    }
}

/// One scheme's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SchemeRun {
    pub scheme: SchemeConfig,
    pub before: Placement,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Placement>,
    /// Rows that live on a different shard after the re-shard. Shards are
    /// matched by position, except that after a split the shards past the
    /// split one keep their identity one place along.
    pub rows_moved: u64,
    /// Shards that lost rows (numbered as before) and shards that gained them (as after).
    pub shards_losing: usize,
    pub shards_gaining: usize,
    /// The scheme as the run leaves it.
    #[serde(skip)]
    pub router: Arc<Router>,
}

impl SchemeRun {
    /// A run before any re-shard.
    fn unchanged(scheme: &SchemeConfig, before: Placement, router: Router) -> SchemeRun {
        SchemeRun {
            scheme: scheme.clone(),
            before,
            after: None,
            rows_moved: 0,
            shards_losing: 0,
            shards_gaining: 0,
            router: Arc::new(router),
        }
    }
}

/// Where the traffic's keys land (server indices) and how rows and queries spread over the servers.
fn place(scheme: &Scheme, layout: &Layout, traffic: &Traffic) -> (Vec<usize>, Placement, Router) {
    // Each row's country, when the workload has them (only a region scheme reads it).
    let country = |row: usize| traffic.country.get(row).map_or(0, |&c| usize::from(c));
    let routed: Vec<usize> = traffic
        .hashes(scheme.family())
        .iter()
        .enumerate()
        .map(|(row, &h)| layout.of[scheme.route_in(h, country(row))])
        .collect();
    let router = Router(RouterKind::Scheme { scheme: scheme.clone(), layout: layout.clone() });
    let touched: Vec<usize> = traffic.queries.iter().map(|&(lo, hi)| router.asks(lo, hi).len()).collect();
    let placement = Placement::of(&routed, layout.servers, &touched, traffic);
    (routed, placement, router)
}

/// The scheme and layout after `reshard`, given where the rows are; `None`
/// when it does not apply.
fn reshard(
    config: &SchemeConfig,
    scheme: &Scheme,
    layout: &Layout,
    reshard: &Reshard,
    keys: &[u64],
    routed: &[usize],
    rows: &[u64],
) -> Option<(Scheme, Layout)> {
    if rows.is_empty() {
        return None;
    }
    let hottest = hottest_shard(rows);
    let one_each = |s: Scheme| {
        let n = s.shard_count();
        (s, Layout { servers: n, of: (0..n).collect() })
    };
    match (reshard, scheme) {
        (Reshard::AddShard, Scheme::HashMod { shards }) => Some(one_each(Scheme::HashMod { shards: shards + 1 })),
        (Reshard::AddShard, Scheme::Consistent { shards, .. }) => Some(one_each(Scheme::consistent(shards + 1))),
        (Reshard::AddShard, Scheme::Mongo { .. } | Scheme::Citus { .. })
            if matches!(
                config,
                SchemeConfig::Mongo { servers: Some(_), .. } | SchemeConfig::Citus { nodes: Some(_), .. }
            ) =>
        {
            Some((scheme.clone(), layout.with_new_server()))
        }
        (Reshard::MoveChunk, Scheme::Mongo { .. } | Scheme::Citus { .. })
            if matches!(
                config,
                SchemeConfig::Mongo { servers: Some(_), .. } | SchemeConfig::Citus { nodes: Some(_), .. }
            ) =>
        {
            layout.with_one_moved().map(|l| (scheme.clone(), l))
        }
        (Reshard::SplitHottest, Scheme::Range { .. }) => {
            let mut held: Vec<u64> = keys.iter().zip(routed).filter(|(_, &s)| s == hottest).map(|(&k, _)| k).collect();
            radix_sort_by_key(&mut held, |&k| k);
            let median = *held.get(held.len() / 2)?;
            // Never split at the range's own lower bound: that would leave an empty range.
            let lower = match scheme {
                Scheme::Range { splits } if hottest > 0 => splits[hottest - 1],
                _ => 0,
            };
            let at = if median <= lower { median.saturating_add(1) } else { median };
            scheme.split_at(at).map(one_each)
        }
        (Reshard::SplitHottest, Scheme::Vitess { shards, .. } | Scheme::Region { shards, .. }) => {
            let r = &shards[hottest];
            // The midpoint of [start, end) as one more byte of precision.
            let widen = |b: &[u8], open_high: bool| -> u32 {
                let first = if b.is_empty() {
                    if open_high {
                        0x100
                    } else {
                        0
                    }
                } else {
                    u32::from(b[0])
                };
                first * 256 + if b.len() > 1 { u32::from(b[1]) } else { 0 }
            };
            let (lo, hi) = (widen(&r.start, false), widen(&r.end, true));
            if hi - lo < 2 {
                return None;
            }
            let mid = (lo + hi) / 2;
            let mid = vec![(mid >> 8) as u8, (mid & 0xff) as u8];
            let mid = if mid[1] == 0 { vec![mid[0]] } else { mid };
            let mut next = shards.clone();
            next[hottest] = KeyRange { start: r.start.clone(), end: mid.clone() };
            next.insert(hottest + 1, KeyRange { start: mid, end: r.end.clone() });
            Some(one_each(scheme.with_key_ranges(next)))
        }
        _ => None,
    }
}

/// Runs the traffic through `config`, and through the re-shard if it applies.
pub fn run_scheme(config: &SchemeConfig, traffic: &Traffic, change: Option<&Reshard>) -> Result<SchemeRun, String> {
    let scheme = config.scheme_for(&traffic.countries)?;
    if let SchemeConfig::Directory { shards } = config {
        return Ok(run_directory(config, *shards as usize, traffic, change));
    }
    let layout = config.layout(scheme.shard_count());
    let (routed, before, router) = place(&scheme, &layout, traffic);
    let mut run = SchemeRun::unchanged(config, before, router);
    let next = change.and_then(|c| reshard(config, &scheme, &layout, c, &traffic.keys, &routed, &run.before.rows));
    if let Some((next, next_layout)) = next {
        let (routed_after, after, router) = place(&next, &next_layout, traffic);
        let split = matches!(change, Some(Reshard::SplitHottest));
        let hottest = hottest_shard(&run.before.rows);
        let (mut losing, mut gaining) = (vec![false; layout.servers], vec![false; next_layout.servers]);
        for (&b, &a) in routed.iter().zip(&routed_after) {
            let stayed = if split && b > hottest { a == b + 1 } else { a == b };
            if !stayed {
                run.rows_moved += 1;
                losing[b] = true;
                gaining[a] = true;
            }
        }
        run.shards_losing = losing.iter().filter(|&&x| x).count();
        run.shards_gaining = gaining.iter().filter(|&&x| x).count();
        run.after = Some(after);
        run.router = Arc::new(router);
    }
    Ok(run)
}

/// A directory: the table is filled in write order, each new key going to
/// the shard with the fewest rows. Adding a shard moves, from the fullest
/// shards, just enough keys to even the rows out, and updates their entries:
/// the fewest moves of any scheme, paid for by the table and its lookup.
fn run_directory(config: &SchemeConfig, shards: usize, traffic: &Traffic, change: Option<&Reshard>) -> SchemeRun {
    let d = traffic.distinct();
    let mut least = Least::new((0..shards).map(|_| 0));
    // A new key goes to the emptiest shard; a key seen before, where its first row went.
    let mut routed: Vec<usize> = Vec::with_capacity(d.first_row.len());
    for (row, &first) in d.first_row.iter().enumerate() {
        let s = if first as usize == row { least.first() } else { routed[first as usize] };
        least.add(s, 1);
        routed.push(s);
    }
    let summarise = |router: &Router, routed: &[usize]| {
        // A workload's queries start at a key it wrote, so each asks at least one shard.
        let touched: Vec<usize> = traffic.queries.iter().map(|&(lo, hi)| router.asks(lo, hi).len()).collect();
        Placement::of(routed, router.servers(), &touched, traffic)
    };
    let directory =
        |routed: Vec<usize>, servers| Router(RouterKind::Directory { distinct: d.clone(), routed, servers });
    let before_router = directory(routed.clone(), shards);
    let before = summarise(&before_router, &routed);
    let mut run = SchemeRun::unchanged(config, before, before_router);
    if matches!(change, Some(Reshard::AddShard)) {
        let mut rows = run.before.rows.clone();
        rows.push(0);
        let target = d.ids.len() as u64 / (shards as u64 + 1);
        let mut losing = vec![false; shards];
        let mut moved = vec![false; d.keys.len()];
        // The fullest shard (the lowest-numbered on a tie) is the least of rows counted down from the top.
        let mut fullest = Least::new((0..shards).map(|x| u64::MAX - rows[x]));
        // From the fullest shard, the highest keys first, until the new shard holds its share.
        for id in (0..d.keys.len()).rev() {
            if rows[shards] >= target {
                break;
            }
            let (s, n) = (routed[d.first_of[id] as usize], u64::from(d.rows[id]));
            if s == fullest.first() && rows[s] > target {
                rows[s] -= n;
                fullest.set(s, u64::MAX - rows[s]);
                rows[shards] += n;
                losing[s] = true;
                moved[id] = true;
            }
        }
        let routed_after: Vec<usize> =
            d.ids.iter().zip(&routed).map(|(&id, &s)| if moved[id as usize] { shards } else { s }).collect();
        run.rows_moved = routed.iter().zip(&routed_after).filter(|(a, b)| a != b).count() as u64;
        run.shards_losing = losing.iter().filter(|&&x| x).count();
        run.shards_gaining = usize::from(run.rows_moved > 0);
        let after_router = directory(routed_after.clone(), shards + 1);
        run.after = Some(summarise(&after_router, &routed_after));
        run.router = Arc::new(after_router);
    }
    run
}

/// The shard with the least value (the lowest-numbered on a tie), kept in
/// a tournament tree as values change: O(log n) per change.
struct Least {
    /// `tree[1]` is the root; leaves from `width` hold each shard's (value, index).
    tree: Vec<(u64, usize)>,
    width: usize,
}

impl Least {
    fn new(values: impl ExactSizeIterator<Item = u64>) -> Least {
        let width = values.len().max(1).next_power_of_two();
        let mut tree = vec![(u64::MAX, usize::MAX); 2 * width];
        for (s, v) in values.enumerate() {
            tree[width + s] = (v, s);
        }
        for i in (1..width).rev() {
            tree[i] = tree[2 * i].min(tree[2 * i + 1]);
        }
        Least { tree, width }
    }

    fn first(&self) -> usize {
        // With no shards at all, shard 0 (callers always have one).
        self.tree[1].1.min(self.width - 1)
    }

    fn set(&mut self, shard: usize, value: u64) {
        let mut i = self.width + shard;
        self.tree[i].0 = value;
        while i > 1 {
            i /= 2;
            self.tree[i] = self.tree[2 * i].min(self.tree[2 * i + 1]);
        }
    }

    fn add(&mut self, shard: usize, n: u64) {
        let v = self.tree[self.width + shard].0;
        self.set(shard, v + n);
    }
}

/// The shard with the most rows (the first, on a tie).
fn hottest_shard(rows: &[u64]) -> usize {
    rows.iter().enumerate().max_by_key(|(i, &r)| (r, usize::MAX - i)).map_or(0, |(i, _)| i)
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
