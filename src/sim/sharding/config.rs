//! A sharding scheme as scenarios write it: its names, its checks, the
//! [`Scheme`] it builds for a workload, and the servers that hold its shards.

use super::region::Country;
use super::scheme::Scheme;
use super::workload::Workload;
use super::KeyRange;
use crate::scenario::json::{self, Error, FromJson, Node, Obj, ToJson};

/// A scheme as scenarios write it.
#[derive(Clone, Debug, PartialEq)]
pub enum SchemeConfig {
    HashMod {
        shards: u32,
    },
    /// Ranges between ascending split points.
    Range {
        splits: Vec<u64>,
    },
    Vitess {
        shards: Vec<String>,
    },
    /// A hashed collection in `chunks` equal chunks, spread in contiguous
    /// runs over `servers` shard servers (one chunk each when absent),
    /// balanced by `balancer`.
    Mongo {
        chunks: u32,
        servers: Option<u32>,
        balancer: MongoBalancer,
    },
    /// `shard_count` shards placed round-robin on `nodes` workers (one shard
    /// each when absent), as Citus places them, rebalanced by `rebalance`.
    Citus {
        shard_count: u32,
        nodes: Option<u32>,
        rebalance: CitusRebalance,
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
        region_bytes: u8,
    },
}

/// The strategy Citus's rebalancer plans by ([`super::citus`]):
/// `by_shard_count`, or `by_disk_size` with each row taking `row_bytes` on
/// disk. In JSON `"by-shard-count"` or `{"by-disk-size": {"row_bytes": 16384}}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CitusRebalance {
    #[default]
    ByShardCount,
    ByDiskSize {
        row_bytes: u64,
    },
}

impl CitusRebalance {
    fn is_by_shard_count(&self) -> bool {
        *self == CitusRebalance::ByShardCount
    }
}

/// What MongoDB's balancer weighs ([`super::mongo`]): chunks, as up to
/// 6.0.2, or data, as from 6.0.3, with every document taking `doc_bytes`
/// and ranges of `range_mb` megabytes (128 when absent). In JSON
/// `"chunk-count"` or `{"data-size": {"doc_bytes": 16384}}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MongoBalancer {
    #[default]
    ChunkCount,
    DataSize {
        doc_bytes: u64,
        range_mb: u32,
    },
}

fn default_range_mb() -> u32 {
    super::mongo::DEFAULT_RANGE_MB
}

fn is_default_range_mb(mb: &u32) -> bool {
    *mb == super::mongo::DEFAULT_RANGE_MB
}

impl MongoBalancer {
    fn is_chunk_count(&self) -> bool {
        *self == MongoBalancer::ChunkCount
    }
}

/// The largest document MongoDB stores, in bytes (16 MiB, BSON's limit).
pub const MAX_DOC_BYTES: u64 = 16 << 20;

/// The largest row `by_disk_size` takes, in bytes (1 GiB, PostgreSQL's
/// largest field).
pub const MAX_ROW_BYTES: u64 = 1 << 30;

/// A country's region number in a `region_json` map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionEntry {
    pub country: String,
    pub region: u64,
}

fn one_byte() -> u8 {
    1
}

json::object!(RegionEntry, "a region map entry (an object)" { country, region });

impl FromJson for CitusRebalance {
    fn read(node: &Node) -> Result<CitusRebalance, Error> {
        let (name, value) = json::variant(node)?;
        match name {
            "by-shard-count" => json::unit(name, value).map(|_| CitusRebalance::ByShardCount),
            "by-disk-size" => {
                let f = json::variant_fields(node, name, value, &["row_bytes"])?;
                Ok(CitusRebalance::ByDiskSize { row_bytes: f.req("row_bytes")? })
            }
            other => Err(json::unknown(node, other, &["by-shard-count", "by-disk-size"])),
        }
    }
}

impl ToJson for CitusRebalance {
    fn write(&self, out: &mut String) {
        match self {
            CitusRebalance::ByShardCount => "by-shard-count".write(out),
            CitusRebalance::ByDiskSize { row_bytes } => {
                let mut o = Obj::new(out);
                Obj::new(o.key("by-disk-size")).field("row_bytes", row_bytes).end();
                o.end();
            }
        }
    }
}

impl FromJson for MongoBalancer {
    fn read(node: &Node) -> Result<MongoBalancer, Error> {
        let (name, value) = json::variant(node)?;
        match name {
            "chunk-count" => json::unit(name, value).map(|_| MongoBalancer::ChunkCount),
            "data-size" => {
                let f = json::variant_fields(node, name, value, &["doc_bytes", "range_mb"])?;
                Ok(MongoBalancer::DataSize {
                    doc_bytes: f.req("doc_bytes")?,
                    range_mb: match f.get("range_mb") {
                        Some(_) => f.req("range_mb")?,
                        None => default_range_mb(),
                    },
                })
            }
            other => Err(json::unknown(node, other, &["chunk-count", "data-size"])),
        }
    }
}

impl ToJson for MongoBalancer {
    fn write(&self, out: &mut String) {
        match self {
            MongoBalancer::ChunkCount => "chunk-count".write(out),
            MongoBalancer::DataSize { doc_bytes, range_mb } => {
                let mut o = Obj::new(out);
                Obj::new(o.key("data-size"))
                    .field("doc_bytes", doc_bytes)
                    .field_unless(is_default_range_mb(range_mb), "range_mb", range_mb)
                    .end();
                o.end();
            }
        }
    }
}

impl FromJson for SchemeConfig {
    fn read(node: &Node) -> Result<SchemeConfig, Error> {
        let (name, value) = json::variant(node)?;
        let fields = |keys: &[&str]| json::variant_fields(node, name, value, keys);
        Ok(match name {
            "hash-mod" => SchemeConfig::HashMod { shards: fields(&["shards"])?.req("shards")? },
            "range" => SchemeConfig::Range { splits: fields(&["splits"])?.or_default("splits")? },
            "vitess" => SchemeConfig::Vitess { shards: fields(&["shards"])?.req("shards")? },
            "mongo" => {
                let f = fields(&["chunks", "servers", "balancer"])?;
                SchemeConfig::Mongo {
                    chunks: f.req("chunks")?,
                    servers: f.or_default("servers")?,
                    balancer: f.or_default("balancer")?,
                }
            }
            "citus" => {
                let f = fields(&["shard_count", "nodes", "rebalance"])?;
                SchemeConfig::Citus {
                    shard_count: f.req("shard_count")?,
                    nodes: f.or_default("nodes")?,
                    rebalance: f.or_default("rebalance")?,
                }
            }
            "consistent" => SchemeConfig::Consistent { shards: fields(&["shards"])?.req("shards")? },
            "directory" => SchemeConfig::Directory { shards: fields(&["shards"])?.req("shards")? },
            "region" => {
                let f = fields(&["regions", "shards", "region_bytes"])?;
                SchemeConfig::Region {
                    regions: f.req("regions")?,
                    shards: f.req("shards")?,
                    region_bytes: match f.get("region_bytes") {
                        Some(_) => f.req("region_bytes")?,
                        None => one_byte(),
                    },
                }
            }
            other => return Err(json::unknown(node, other, &SCHEME_NAMES)),
        })
    }
}

impl ToJson for SchemeConfig {
    fn write(&self, out: &mut String) {
        let mut o = Obj::new(out);
        let mut f = Obj::new(o.key(self.name()));
        match self {
            SchemeConfig::HashMod { shards } | SchemeConfig::Consistent { shards } | SchemeConfig::Directory { shards } => {
                f.field("shards", shards)
            }
            SchemeConfig::Range { splits } => f.field("splits", splits),
            SchemeConfig::Vitess { shards } => f.field("shards", shards),
            SchemeConfig::Mongo { chunks, servers, balancer } => f
                .field("chunks", chunks)
                .field_unless(servers.is_none(), "servers", servers)
                .field_unless(balancer.is_chunk_count(), "balancer", balancer),
            SchemeConfig::Citus { shard_count, nodes, rebalance } => f
                .field("shard_count", shard_count)
                .field_unless(nodes.is_none(), "nodes", nodes)
                .field_unless(rebalance.is_by_shard_count(), "rebalance", rebalance),
            SchemeConfig::Region { regions, shards, region_bytes } => {
                f.field("regions", regions).field("shards", shards).field("region_bytes", region_bytes)
            }
        }
        .end();
        o.end();
    }
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
        let balancer = match previous {
            SchemeConfig::Mongo { balancer, .. } => *balancer,
            _ => MongoBalancer::ChunkCount,
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
            "mongo" => SchemeConfig::Mongo { chunks: n, servers: servers.filter(|&m| m <= n), balancer },
            "citus" => SchemeConfig::Citus {
                shard_count: n,
                nodes: servers.filter(|&m| m <= n),
                rebalance: match previous {
                    SchemeConfig::Citus { rebalance, .. } => *rebalance,
                    _ => CitusRebalance::ByShardCount,
                },
            },
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
        if let SchemeConfig::Citus { rebalance: CitusRebalance::ByDiskSize { row_bytes }, .. } = self {
            if !(1..=MAX_ROW_BYTES).contains(row_bytes) {
                return Err(format!("row_bytes must be between 1 and {MAX_ROW_BYTES}, not {row_bytes}"));
            }
        }
        if let SchemeConfig::Mongo { balancer: MongoBalancer::DataSize { doc_bytes, range_mb }, .. } = self {
            if !(1..=MAX_DOC_BYTES).contains(doc_bytes) {
                return Err(format!("doc_bytes must be between 1 and {MAX_DOC_BYTES} (16 MiB), not {doc_bytes}"));
            }
            if !(1..=1024).contains(range_mb) {
                return Err(format!("range_mb must be between 1 and 1024, not {range_mb}"));
            }
        }
        if let SchemeConfig::Mongo { chunks: n, servers: Some(m), .. }
        | SchemeConfig::Citus { shard_count: n, nodes: Some(m), .. } = self
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
    pub(super) fn layout(&self, shards: usize) -> Layout {
        match *self {
            SchemeConfig::Mongo { chunks, servers: Some(m), .. } => {
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
    pub(super) servers: usize,
    /// The server of each shard.
    pub(super) of: Vec<usize>,
}

impl Layout {
    /// The layout with the highest-numbered chunk of the server holding the
    /// most chunks moved to the other server holding the fewest (the
    /// lowest-numbered server on a tie, both ways); `None` with a single server.
    pub(super) fn with_one_moved(&self) -> Option<Layout> {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::sharding::workload::{Keys, Reads};

    /// Every scheme, setting and workload shape, written and read back.
    #[test]
    fn schemes_and_workloads_are_written_and_read_back() {
        let region = |region_bytes| SchemeConfig::Region {
            regions: vec![RegionEntry { country: "France".into(), region: 64 }],
            shards: vec!["-80".into(), "80-".into()],
            region_bytes,
        };
        let schemes = [
            (SchemeConfig::HashMod { shards: 4 }, r#"{"hash-mod":{"shards":4}}"#),
            (SchemeConfig::Range { splits: vec![] }, r#"{"range":{"splits":[]}}"#),
            (SchemeConfig::Range { splits: vec![10, 20] }, r#"{"range":{"splits":[10,20]}}"#),
            (SchemeConfig::Vitess { shards: vec!["-80".into(), "80-".into()] }, r#"{"vitess":{"shards":["-80","80-"]}}"#),
            (SchemeConfig::Mongo { chunks: 8, servers: None, balancer: MongoBalancer::ChunkCount }, r#"{"mongo":{"chunks":8}}"#),
            (
                SchemeConfig::Mongo {
                    chunks: 8,
                    servers: Some(2),
                    balancer: MongoBalancer::DataSize { doc_bytes: 100, range_mb: super::super::mongo::DEFAULT_RANGE_MB },
                },
                r#"{"mongo":{"chunks":8,"servers":2,"balancer":{"data-size":{"doc_bytes":100}}}}"#,
            ),
            (
                SchemeConfig::Mongo {
                    chunks: 8,
                    servers: Some(2),
                    balancer: MongoBalancer::DataSize { doc_bytes: 100, range_mb: 64 },
                },
                r#"{"mongo":{"chunks":8,"servers":2,"balancer":{"data-size":{"doc_bytes":100,"range_mb":64}}}}"#,
            ),
            (
                SchemeConfig::Citus { shard_count: 32, nodes: None, rebalance: CitusRebalance::ByShardCount },
                r#"{"citus":{"shard_count":32}}"#,
            ),
            (
                SchemeConfig::Citus {
                    shard_count: 32,
                    nodes: Some(4),
                    rebalance: CitusRebalance::ByDiskSize { row_bytes: 16384 },
                },
                r#"{"citus":{"shard_count":32,"nodes":4,"rebalance":{"by-disk-size":{"row_bytes":16384}}}}"#,
            ),
            (SchemeConfig::Consistent { shards: 5 }, r#"{"consistent":{"shards":5}}"#),
            (SchemeConfig::Directory { shards: 3 }, r#"{"directory":{"shards":3}}"#),
            (region(1), r#"{"region":{"regions":[{"country":"France","region":64}],"shards":["-80","80-"],"region_bytes":1}}"#),
            (region(2), r#"{"region":{"regions":[{"country":"France","region":64}],"shards":["-80","80-"],"region_bytes":2}}"#),
        ];
        for (s, text) in schemes {
            assert_eq!(json::to_string(&s), text);
            assert_eq!(json::from_str::<SchemeConfig>(text), Ok(s));
        }
        // Defaults for what is left out: no splits, one region byte, 128 MB ranges.
        assert_eq!(json::from_str::<SchemeConfig>(r#"{"range": {}}"#), Ok(SchemeConfig::Range { splits: vec![] }));
        assert_eq!(
            json::from_str::<SchemeConfig>(r#"{"region": {"regions": [{"country": "France", "region": 64}], "shards": ["-80", "80-"]}}"#),
            Ok(region(1))
        );
        assert_eq!(
            json::from_str::<MongoBalancer>(r#"{"data-size": {"doc_bytes": 100}}"#),
            Ok(MongoBalancer::DataSize { doc_bytes: 100, range_mb: super::super::mongo::DEFAULT_RANGE_MB })
        );
        // After the first, each workload has countries and recent reads too.
        macro_rules! with_countries {
            ($keys:literal) => {
                concat!(
                    r#"{"keys":"#,
                    $keys,
                    r#","rows":10,"range_queries":0,"range_width":100,"countries":["#,
                    r#"{"name":"United States","share":30},{"name":"Canada","share":5},{"name":"France","share":10},"#,
                    r#"{"name":"Germany","share":12},{"name":"China","share":15},{"name":"Japan","share":8},"#,
                    r#"{"name":"India","share":12},{"name":"Indonesia","share":8}],"reads_per_write":3,"reads":"recent"}"#
                )
            };
        }
        let mut w = Workload::new(Keys::Sequential, 10);
        for (keys, text) in [
            (Keys::Sequential, r#"{"keys":"sequential","rows":10,"range_queries":0,"range_width":100}"#),
            (Keys::Timestamps { start_ms: 5, step_ms: 2 }, with_countries!(r#"{"timestamps":{"start_ms":5,"step_ms":2}}"#)),
            (Keys::Uniform { max: 9 }, with_countries!(r#"{"uniform":{"max":9}}"#)),
            (Keys::Zipf { distinct: 7 }, with_countries!(r#"{"zipf":{"distinct":7}}"#)),
        ] {
            w.keys = keys;
            assert_eq!(json::to_string(&w), text);
            assert_eq!(json::from_str::<Workload>(text).as_ref(), Ok(&w));
            w.countries = super::super::region::example_countries();
            w.reads_per_write = 3;
            w.reads = Reads::Recent;
        }
        assert_eq!(
            json::from_str::<Workload>(r#"{"keys": "sequential", "rows": 5}"#),
            Ok(Workload::new(Keys::Sequential, 5))
        );
    }

    #[test]
    fn a_scheme_in_the_wrong_form_is_refused_saying_why() {
        let err = |text: &str| json::from_str::<SchemeConfig>(text).unwrap_err();
        assert_eq!(
            err(r#"{"hash": {"shards": 4}}"#),
            "unknown choice \"hash\"; expected one of \"hash-mod\", \"range\", \"vitess\", \"mongo\", \"citus\", \"consistent\", \"directory\", \"region\" at line 1 column 1"
        );
        assert_eq!(
            err(r#"{"citus": {"shard_count": 8, "workers": 2}}"#),
            "unknown field \"workers\"; expected one of \"shard_count\", \"nodes\", \"rebalance\" at line 1 column 41"
        );
        assert_eq!(
            err(r#"{"citus": {"shard_count": 8, "rebalance": "by-disk-size"}}"#),
            "rebalance: expected \"by-disk-size\" with its settings, {\"by-disk-size\": {…}}, found \"by-disk-size\" at line 1 column 43"
        );
        assert_eq!(
            err(r#"{"mongo": {"chunks": 8, "balancer": {"chunk-count": {}}}}"#),
            "\"chunk-count\" takes no settings: write it as \"chunk-count\" alone at line 1 column 53"
        );
        assert_eq!(
            err(r#"{"region": {"regions": [], "shards": [], "region_bytes": 300}}"#),
            "region_bytes: expected a whole number from 0 to 255, found 300 at line 1 column 58"
        );
        assert_eq!(err(r#""directory""#), "expected \"directory\" with its settings, {\"directory\": {…}}, found \"directory\" at line 1 column 1");
        assert_eq!(err(r#"{"vitess": {}}"#), "missing field \"shards\" at line 1 column 12");
        let keys = |text: &str| json::from_str::<Keys>(text).unwrap_err();
        assert_eq!(
            keys(r#""random""#),
            "unknown choice \"random\"; expected one of \"sequential\", \"timestamps\", \"uniform\", \"zipf\" at line 1 column 1"
        );
        let e = keys(r#"{"zipf": {"distinct": 1.5}}"#);
        assert!(e.starts_with("distinct: expected a whole number from 0 to ") && e.ends_with(", found 1.5 at line 1 column 23"), "{e}");
    }
}
