//! Cache patterns' widget-block keys: the strategies and their settings,
//! the cache, the database, the crash and the workload.

use super::scenario::CachePatternsScenario;
use super::{Lane, Strategy};
use crate::sim::caching::block::{workload, WORKLOAD_KEYS};
use crate::scenario::block::{keys, Block};

/// The preset a block starts from when it names none.
pub const PRESET: &str = "stampede";

/// Keys a cache-patterns block accepts.
pub const KEYS: [&str; 26] = keys(
    [
        "kind",
        "preset",
        "title",
        "strategies",
        "ttl_ms",
        "jitter",
        "single_flight",
        "xfetch",
        "flush_ms",
        "writes",
        "capacity",
        "cache_ms",
        "connections",
        "read_ms",
        "write_ms",
        "warm",
        "crash_ms",
        "seed",
        "time_ms",
    ],
    WORKLOAD_KEYS,
);

/// Applies a block's strategies (each keeping the preset's first lane of
/// that strategy), then settings for every lane, then the cache, the
/// database, the crash and the workload.
pub fn apply(s: &mut CachePatternsScenario, block: &Block) -> Result<(), String> {
    if let Some((line, v)) = block.get("strategies") {
        let mut lanes = Vec::new();
        for name in v.split(',').map(str::trim) {
            let strategy = Strategy::from_name(name).ok_or_else(|| {
                let names: Vec<&str> = Strategy::ALL.iter().map(|s| s.name()).collect();
                format!("line {line}: unknown strategy `{name}`; strategies: {}", names.join(", "))
            })?;
            let ttl = s.lanes.first().map_or(0, |l| l.ttl_ms);
            lanes.push(s.lanes.iter().find(|l| l.strategy == strategy).cloned().unwrap_or(Lane::new(strategy, ttl)));
        }
        s.lanes = lanes;
    }
    for lane in &mut s.lanes {
        block.set("ttl_ms", &mut lane.ttl_ms)?;
        block.set("jitter", &mut lane.jitter)?;
        block.set("xfetch", &mut lane.xfetch)?;
        block.set("flush_ms", &mut lane.flush_ms)?;
    }
    if let Some(on) = block.flag("single_flight")? {
        let mut aside = s.lanes.iter_mut().filter(|l| l.strategy == Strategy::CacheAside).peekable();
        if aside.peek().is_none() {
            let line = block.get("single_flight").map_or(0, |(line, _)| line);
            return Err(format!("line {line}: `single_flight` applies to cache-aside lanes (the others always coalesce), and this block has none"));
        }
        aside.for_each(|l| l.single_flight = on);
    }
    block.set("writes", &mut s.writes)?;
    block.set("capacity", &mut s.cache.capacity)?;
    block.set("cache_ms", &mut s.cache.latency_ms)?;
    block.set("connections", &mut s.database.connections)?;
    block.set("read_ms", &mut s.database.read_ms)?;
    block.set("write_ms", &mut s.database.write_ms)?;
    if let Some(warm) = block.flag("warm")? {
        s.warm = warm;
    }
    if let Some(ms) = block.number("crash_ms")? {
        s.crash_ms = Some(ms);
    }
    workload(&mut s.workload, block)
}

#[cfg(test)]
mod tests {
    use super::super::presets::preset;
    use super::super::Lane;
    use super::*;
    use crate::scenario::block::parse;

    fn cp(text: &str) -> CachePatternsScenario {
        CachePatternsScenario::try_from(parse(text).unwrap().scenario).unwrap()
    }

    #[test]
    fn cache_pattern_blocks_set_lanes_cache_database_and_workload() {
        assert_eq!(cp("kind: cache-patterns"), preset("stampede").unwrap());
        let s = cp("kind: cache-patterns\npreset: patterns\nstrategies: write-behind, cache-aside\nttl_ms: 2000\n\
                    jitter: 0.1\nsingle_flight: yes\nflush_ms: 250\nwrites: 0.5\ncapacity: 300\ncache_ms: 1\n\
                    connections: 4\nread_ms: 20\nwrite_ms: 30\nwarm: true\ncrash_ms: 5000\nworkload: uniform\nkeys: 900\n\
                    requests: 9000\nrate: 300\nseed: 7");
        let behind = Lane { jitter: 0.1, flush_ms: 250, ..Lane::new(Strategy::WriteBehind, 2_000) };
        let aside = Lane { jitter: 0.1, flush_ms: 250, single_flight: true, ..Lane::new(Strategy::CacheAside, 2_000) };
        assert_eq!(s.lanes, [behind, aside]);
        assert_eq!((s.writes, s.cache.capacity, s.cache.latency_ms), (0.5, 300, 1.0));
        assert_eq!((s.database.connections, s.database.read_ms, s.database.write_ms), (4, 20.0, 30.0));
        assert_eq!((s.warm, s.crash_ms, s.seed), (true, Some(5_000), 7));
        assert_eq!(s.workload.pattern, crate::sim::caching::workload::Pattern::Uniform { keys: 900 });
        assert_eq!((s.workload.requests, s.workload.rate), (9_000, 300));
    }

    #[test]
    fn cache_pattern_block_errors_name_the_line() {
        let err = |text: &str| parse(text).unwrap_err();
        assert_eq!(
            err("kind: cache-patterns\nstrategies: cache-aside, refresh-ahead"),
            "line 2: unknown strategy `refresh-ahead`; strategies: cache-aside, read-through, write-through, write-behind"
        );
        assert_eq!(
            err("kind: cache-patterns\nstrategies: write-through\nsingle_flight: true"),
            "line 3: `single_flight` applies to cache-aside lanes (the others always coalesce), and this block has none"
        );
        assert_eq!(err("kind: cache-patterns\nwarm: maybe"), "line 2: `warm` must be true or false, not `maybe`");
        assert_eq!(err("kind: cache-patterns\nwrites: 2"), "writes must be a share between 0 and 1, not 2");
        assert!(err("kind: cache-patterns\nconnections: 0").starts_with("database connections must be between 1"));
        assert!(err("kind: cache-patterns\ncolour: red").starts_with("line 2: unknown key `colour`"));
    }
}
