//! Sharding's named starting scenarios, for the preset menu and article
//! blocks (`preset:`).

use super::config::SchemeConfig;
use super::reshard::Reshard;
use super::scenario::ShardingScenario;
use super::workload::{Keys, Workload};
use crate::scenario::{View, VERSION};

/// Sharding preset names with a one-line description, in menu order.
pub const PRESETS: [(&str, &str); 5] = [
    ("sequential-ids", "100,000 auto-increment ids: ranges, hash modulo 4 and Vitess; the hottest shard splits"),
    ("timestamps", "Rows keyed by creation time: the last range takes every write; hashing spreads them"),
    ("celebrity", "Zipf writers: one user's rows pile onto one shard under every scheme"),
    ("add-shard", "A fifth server joins four: hash modulo moves 4 rows in 5; MongoDB and Citus move whole chunks"),
    ("regions", "Users in eight countries: Vitess's region vindex keeps each country on one shard; hashing spreads it"),
];

fn sharding_scenario(keys: Keys, schemes: Vec<SchemeConfig>, reshard: Option<Reshard>) -> ShardingScenario {
    ShardingScenario {
        widget: Default::default(),
        version: VERSION,
        seed: 1,
        workload: Workload { range_queries: 1_000, ..Workload::new(keys, 100_000) },
        schemes,
        reshard,
        inspect: None,
        view: View::default(),
    }
}

/// The sharding preset called `name` (`default` is `sequential-ids`).
pub fn preset(name: &str) -> Option<ShardingScenario> {
    let vitess = SchemeConfig::Vitess { shards: ["-40", "40-80", "80-c0", "c0-"].map(String::from).to_vec() };
    Some(match name {
        "default" | "sequential-ids" => sharding_scenario(
            Keys::Sequential,
            vec![
                SchemeConfig::Range { splits: vec![25_000, 50_000, 75_000] },
                SchemeConfig::HashMod { shards: 4 },
                vitess,
            ],
            Some(Reshard::SplitHottest),
        ),
        "timestamps" => sharding_scenario(
            // Rows a second apart from 2026-01-01, against ranges split by month-sized spans.
            Keys::Timestamps { start_ms: 1_767_225_600_000, step_ms: 1_000 },
            vec![
                SchemeConfig::Range {
                    splits: vec![
                        1_767_225_600_000 + 30_000_000,
                        1_767_225_600_000 + 60_000_000,
                        1_767_225_600_000 + 90_000_000,
                    ],
                },
                SchemeConfig::HashMod { shards: 4 },
                SchemeConfig::Citus { shard_count: 4, nodes: None, rebalance: Default::default() },
            ],
            Some(Reshard::SplitHottest),
        ),
        "celebrity" => sharding_scenario(
            Keys::Zipf { distinct: 10_000 },
            vec![SchemeConfig::HashMod { shards: 4 }, vitess, SchemeConfig::Mongo { chunks: 4, servers: None, balancer: Default::default() }],
            None,
        ),
        "add-shard" => sharding_scenario(
            Keys::Uniform { max: 1 << 40 },
            vec![
                SchemeConfig::HashMod { shards: 4 },
                SchemeConfig::Mongo { chunks: 16, servers: Some(4), balancer: Default::default() },
                SchemeConfig::Citus { shard_count: 32, nodes: Some(4), rebalance: Default::default() },
            ],
            Some(Reshard::AddShard),
        ),
        "regions" => {
            let mut s = sharding_scenario(Keys::Sequential, vec![vitess, SchemeConfig::HashMod { shards: 4 }], None);
            s.workload.countries = super::region::example_countries();
            s.schemes.insert(0, SchemeConfig::named("region", 4, &s.schemes[1], &s.workload));
            s
        }
        _ => return None,
    })
}
