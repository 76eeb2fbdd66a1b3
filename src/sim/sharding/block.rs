//! Sharding's widget-block keys: the workload, the schemes, the re-shard and
//! the inspected query.

use super::config::{CitusRebalance, MongoBalancer, SchemeConfig, SCHEME_NAMES};
use super::mongo::DEFAULT_RANGE_MB;
use super::region::example_countries;
use super::reshard::Reshard;
use super::scenario::ShardingScenario;
use super::workload::{Keys, Reads};
use crate::scenario::block::{number, Block};

/// The preset a block starts from when it names none.
pub const PRESET: &str = "default";

/// Keys a sharding block accepts.
pub const KEYS: [&str; 18] = [
    "kind",
    "preset",
    "title",
    "countries",
    "reads_per_write",
    "reads",
    "schemes",
    "shards",
    "servers",
    "citus_rebalance",
    "mongo_balancer",
    "keys",
    "rows",
    "distinct",
    "range_width",
    "reshard",
    "inspect",
    "seed",
];

/// A sharding block: a preset, then the workload (`keys`, `rows`,
/// `distinct` for Zipf, `range_width`, `countries`), the schemes (`schemes:` names,
/// `shards:` for each, `servers:` for MongoDB and Citus, `citus_rebalance:`
/// for Citus, `mongo_balancer:` for MongoDB), `reshard:`
/// (`none`, `add-shard`, `split-hottest`) and the inspected query's first key.
pub fn apply(s: &mut ShardingScenario, block: &Block) -> Result<(), String> {
    if let Some((line, v)) = block.get("keys") {
        s.workload.keys = match v {
            "sequential" => Keys::Sequential,
            "timestamps" => Keys::Timestamps { start_ms: 1_767_225_600_000, step_ms: 1_000 },
            "uniform" => Keys::Uniform { max: 1 << 40 },
            "zipf" => Keys::Zipf { distinct: 10_000 },
            _ => return Err(format!("line {line}: `keys` is sequential, timestamps, uniform or zipf, not `{v}`")),
        };
    }
    if let Some((line, v)) = block.get("distinct") {
        match &mut s.workload.keys {
            Keys::Zipf { distinct } => *distinct = number(line, "distinct", v)?,
            _ => return Err(format!("line {line}: `distinct` applies to `keys: zipf`")),
        }
    }
    if let Some((line, v)) = block.get("countries") {
        s.workload.countries = match v {
            "none" => Vec::new(),
            "example" => example_countries(),
            _ => return Err(format!("line {line}: `countries` is none or example, not `{v}`")),
        };
    }
    if let Some((line, v)) = block.get("rows") {
        s.workload.rows = number(line, "rows", v)?;
    }
    if let Some((line, v)) = block.get("reads_per_write") {
        s.workload.reads_per_write = number(line, "reads_per_write", v)?;
    }
    if let Some((line, v)) = block.get("reads") {
        s.workload.reads = match v {
            "uniform" => Reads::Uniform,
            "recent" => Reads::Recent,
            _ => return Err(format!("line {line}: `reads` is uniform or recent, not `{v}`")),
        };
    }
    if let Some((line, v)) = block.get("range_width") {
        s.workload.range_width = number(line, "range_width", v)?;
    }
    let shards = match block.get("shards") {
        Some((line, v)) => {
            let n: u32 = number(line, "shards", v)?;
            if !(2..=64).contains(&n) {
                return Err(format!("line {line}: shards must be between 2 and 64, not {n}"));
            }
            Some(n)
        }
        None => None,
    };
    if let Some((line, v)) = block.get("schemes") {
        let names: Vec<&str> = v.split(',').map(str::trim).collect();
        if let Some(bad) = names.iter().find(|n| !SCHEME_NAMES.contains(n)) {
            return Err(format!("line {line}: unknown scheme `{bad}`; schemes: {}", SCHEME_NAMES.join(", ")));
        }
        let n = shards.unwrap_or(4);
        s.schemes = names
            .iter()
            .map(|name| SchemeConfig::named(name, n, &SchemeConfig::HashMod { shards: n }, &s.workload))
            .collect();
    } else if let Some(n) = shards {
        s.schemes = s.schemes.iter().map(|c| SchemeConfig::named(c.name(), n, c, &s.workload)).collect();
    } else if ["keys", "rows", "distinct"].iter().any(|k| block.get(k).is_some()) {
        // The preset's ranges follow a changed workload's keys.
        s.schemes = s
            .schemes
            .iter()
            .map(|c| match c {
                SchemeConfig::Range { splits } => SchemeConfig::named("range", splits.len() as u32 + 1, c, &s.workload),
                _ => c.clone(),
            })
            .collect();
    }
    if let Some((line, v)) = block.get("servers") {
        let m: u32 = number(line, "servers", v)?;
        on_schemes(s, line, "servers", "mongo and citus schemes", |c| match c {
            SchemeConfig::Mongo { servers, .. } | SchemeConfig::Citus { nodes: servers, .. } => {
                *servers = Some(m);
                true
            }
            _ => false,
        })?;
    }
    if let Some((line, v)) = block.get("citus_rebalance") {
        let words: Vec<&str> = v.split_whitespace().collect();
        let strategy = match words.as_slice() {
            ["by-shard-count"] => CitusRebalance::ByShardCount,
            ["by-disk-size", bytes] => CitusRebalance::ByDiskSize { row_bytes: number(line, "citus_rebalance", bytes)? },
            _ => {
                return Err(format!(
                    "line {line}: `citus_rebalance` is `by-shard-count` or `by-disk-size <bytes per row>`, not `{v}`"
                ))
            }
        };
        on_schemes(s, line, "citus_rebalance", "citus schemes", |c| match c {
            SchemeConfig::Citus { rebalance, .. } => {
                *rebalance = strategy;
                true
            }
            _ => false,
        })?;
    }
    if let Some((line, v)) = block.get("mongo_balancer") {
        let words: Vec<&str> = v.split_whitespace().collect();
        let by = match words.as_slice() {
            ["chunk-count"] => MongoBalancer::ChunkCount,
            ["data-size", bytes] => {
                MongoBalancer::DataSize { doc_bytes: number(line, "mongo_balancer", bytes)?, range_mb: DEFAULT_RANGE_MB }
            }
            ["data-size", bytes, mb] => MongoBalancer::DataSize {
                doc_bytes: number(line, "mongo_balancer", bytes)?,
                range_mb: number(line, "mongo_balancer", mb)?,
            },
            _ => {
                return Err(format!(
                    "line {line}: `mongo_balancer` is `chunk-count` or `data-size <bytes per document> [<range MB>]`, not `{v}`"
                ))
            }
        };
        on_schemes(s, line, "mongo_balancer", "mongo schemes", |c| match c {
            SchemeConfig::Mongo { balancer, .. } => {
                *balancer = by;
                true
            }
            _ => false,
        })?;
    }
    if let Some((line, v)) = block.get("reshard") {
        s.reshard = match v {
            "none" => None,
            "add-shard" => Some(Reshard::AddShard),
            "split-hottest" => Some(Reshard::SplitHottest),
            "move-chunk" => Some(Reshard::MoveChunk),
            _ => {
                return Err(format!(
                    "line {line}: `reshard` is none, add-shard, split-hottest or move-chunk, not `{v}`"
                ))
            }
        };
    }
    if let Some((line, v)) = block.get("inspect") {
        s.inspect = Some(number(line, "inspect", v)?);
    }
    Ok(())
}

/// Applies `key`'s value to every scheme `set` fits (it says whether it
/// did); an error naming the line when the block has none (`which` are
/// the schemes it fits).
fn on_schemes(
    s: &mut ShardingScenario,
    line: usize,
    key: &str,
    which: &str,
    mut set: impl FnMut(&mut SchemeConfig) -> bool,
) -> Result<(), String> {
    let mut any = false;
    for c in &mut s.schemes {
        any |= set(c);
    }
    if any {
        Ok(())
    } else {
        Err(format!("line {line}: `{key}` applies to {which}, and this block has none"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::presets::preset;
    use super::*;
    use crate::scenario::block::parse;
    use crate::scenario::Scenario;

    fn sh(text: &str) -> ShardingScenario {
        ShardingScenario::try_from(parse(text).unwrap().scenario).unwrap()
    }

    #[test]
    fn sharding_blocks_set_the_workload_the_schemes_and_the_reshard() {
        use crate::sim::sharding::config::SchemeConfig;
        use crate::sim::sharding::reshard::Reshard;
        use crate::sim::sharding::workload::Keys;
        assert_eq!(sh("kind: sharding"), preset("default").unwrap());
        let s = sh("kind: sharding\nkeys: zipf\ndistinct: 500\nrows: 20000\nschemes: range, mongo, directory\n\
                    shards: 5\nservers: 2\nreshard: add-shard\nrange_width: 10\ninspect: 42\nseed: 9");
        assert_eq!(s.workload.keys, Keys::Zipf { distinct: 500 });
        assert_eq!((s.workload.rows, s.workload.range_width, s.inspect, s.seed), (20_000, 10, Some(42), 9));
        assert_eq!(
            s.schemes,
            [
                SchemeConfig::Range { splits: vec![101, 201, 301, 401] },
                SchemeConfig::Mongo { chunks: 5, servers: Some(2), balancer: Default::default() },
                SchemeConfig::Directory { shards: 5 },
            ]
        );
        assert_eq!(s.reshard, Some(Reshard::AddShard));
        let m = sh("kind: sharding\npreset: add-shard\nmongo_balancer: data-size 65536 64");
        assert_eq!(
            m.schemes[1],
            SchemeConfig::Mongo {
                chunks: 16,
                servers: Some(4),
                balancer: crate::sim::sharding::config::MongoBalancer::DataSize { doc_bytes: 65_536, range_mb: 64 }
            }
        );
        // A preset's ranges follow a changed workload's keys: four even ranges of 1..=40,000.
        let t = sh("kind: sharding\nrows: 40000\nreshard: none");
        assert_eq!(t.schemes[0], SchemeConfig::Range { splits: vec![10_001, 20_001, 30_001] });
        assert_eq!(t.reshard, None);
    }

    #[test]
    fn sharding_block_errors_name_the_line() {
        let err = |text: &str| parse(text).unwrap_err();
        assert_eq!(
            err("kind: sharding\nschemes: range, sharded"),
            "line 2: unknown scheme `sharded`; schemes: hash-mod, range, vitess, mongo, citus, consistent, directory, region"
        );
        assert_eq!(err("kind: sharding\nshards: 65"), "line 2: shards must be between 2 and 64, not 65");
        assert_eq!(
            err("kind: sharding\nschemes: range\nservers: 2"),
            "line 3: `servers` applies to mongo and citus schemes, and this block has none"
        );
        assert_eq!(
            err("kind: sharding\nkeys: uuids"),
            "line 2: `keys` is sequential, timestamps, uniform or zipf, not `uuids`"
        );
        assert_eq!(
            err("kind: sharding\nreshard: merge"),
            "line 2: `reshard` is none, add-shard, split-hottest or move-chunk, not `merge`"
        );
        assert!(err("kind: sharding\nrows: 0").contains("rows must be between 1"));
        assert_eq!(
            err("kind: sharding\nschemes: mongo\nmongo_balancer: by-size"),
            "line 3: `mongo_balancer` is `chunk-count` or `data-size <bytes per document> [<range MB>]`, not `by-size`"
        );
        assert_eq!(
            err("kind: sharding\nmongo_balancer: chunk-count"),
            "line 2: `mongo_balancer` applies to mongo schemes, and this block has none"
        );
        assert!(err("kind: sharding\nschemes: mongo\nmongo_balancer: data-size 20000000").contains("doc_bytes must be between 1 and"));
        assert!(err("kind: sharding\nschemes: mongo\nmongo_balancer: data-size 100 0").contains("range_mb must be between 1 and 1024"));
        assert!(err("kind: sharding\ncolour: red").starts_with("line 2: unknown key `colour`"));
        assert_eq!(err("kind: sharding\ncountries: mars"), "line 2: `countries` is none or example, not `mars`");
        assert_eq!(err("kind: sharding\nreads: hot"), "line 2: `reads` is uniform or recent, not `hot`");
        assert!(err("kind: sharding\nreads_per_write: 5000").contains("at most 1000 reads per write"));
        // A region scheme without countries has nothing to route by.
        assert_eq!(err("kind: sharding\nschemes: region, vitess"), "a region scheme needs a workload with countries");
        let Scenario::Sharding(s) =
            parse("kind: sharding\ncountries: example\nschemes: region, vitess").unwrap().scenario
        else {
            panic!()
        };
        assert_eq!(s.workload.countries.len(), 8);
    }
}
