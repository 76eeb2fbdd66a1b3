//! Cache patterns' named starting scenarios, for the preset menu and
//! article blocks (`preset:`).

use super::scenario::{Cache, CachePatternsScenario, Database, Service};
use super::{Lane, Strategy};
use crate::sim::caching::workload::{Pattern, Workload};
use crate::scenario::{View, VERSION};

/// Preset names with a one-line description, in menu order.
pub const PRESETS: [(&str, &str); 5] = [
    ("stampede", "A hot key expires under 5,000 reads a second: every reader who misses queries the database, which falls behind for good, unless they coalesce or refresh early"),
    ("patterns", "One write in five: cache-aside, write-through and write-behind side by side, the database's load and the writers' latency"),
    ("crash", "The cache node dies 12 s in: write-behind loses what it had not flushed; write-through lost nothing"),
    ("jitter", "A cold cache fills in its first second, so its keys all expire together a minute later; jitter spreads them"),
    ("race", "Cache-aside's stale set: a reader misses, a writer commits and deletes, the reader sets the old value; read-through sees the write"),
];

fn scenario(workload: Workload, writes: f64, lanes: Vec<Lane>) -> CachePatternsScenario {
    CachePatternsScenario {
        widget: Default::default(),
        version: VERSION,
        seed: 1,
        workload,
        writes,
        cache: Cache { capacity: 2_000, latency_ms: 0.5 },
        database: Database { connections: 8, read_ms: 8.0, write_ms: 12.0, service: Service::Exponential },
        warm: false,
        crash_ms: None,
        lanes,
        view: View::default(),
    }
}

fn zipf(keys: u32, skew: f64, requests: u32, rate: u32) -> Workload {
    Workload { pattern: Pattern::Zipf { keys, skew }, requests, rate }
}

/// The preset called `name` (`default` is `stampede`).
pub fn preset(name: &str) -> Option<CachePatternsScenario> {
    let aside = |ttl_ms| Lane::new(Strategy::CacheAside, ttl_ms);
    Some(match name {
        "default" | "stampede" => CachePatternsScenario {
            warm: true,
            database: Database { connections: 8, read_ms: 100.0, write_ms: 12.0, service: Service::Exponential },
            ..scenario(
                zipf(100, 1.0, 100_000, 5_000),
                0.0,
                vec![aside(10_000), Lane { single_flight: true, ..aside(10_000) }, Lane { xfetch: 1.0, ..aside(10_000) }],
            )
        },
        "patterns" => scenario(
            zipf(10_000, 1.0, 60_000, 1_000),
            0.2,
            vec![
                aside(30_000),
                Lane::new(Strategy::WriteThrough, 30_000),
                Lane::new(Strategy::WriteBehind, 30_000),
            ],
        ),
        "crash" => CachePatternsScenario {
            crash_ms: Some(12_000),
            ..scenario(
                zipf(10_000, 1.0, 30_000, 1_000),
                0.2,
                vec![Lane::new(Strategy::WriteThrough, 60_000), Lane::new(Strategy::WriteBehind, 60_000)],
            )
        },
        "jitter" => scenario(
            Workload { pattern: Pattern::Uniform { keys: 2_000 }, requests: 300_000, rate: 2_500 },
            0.0,
            vec![aside(60_000), Lane { jitter: 0.2, ..aside(60_000) }],
        ),
        "race" => scenario(
            zipf(1_000, 1.2, 60_000, 2_000),
            0.1,
            vec![aside(10_000), Lane::new(Strategy::ReadThrough, 10_000)],
        ),
        _ => return None,
    })
}
