//! Cache patterns: what every run must satisfy, on random scenarios. Each
//! read is answered once, by the cache, its own query or another's; each
//! query the database receives is accounted for; a cache that loads never
//! serves a stale read while it lives (write-behind included, reading its
//! staging area); only write-behind loses writes, and only when its node dies.

use playground::sim::cache_patterns::presets::preset;
use playground::sim::cache_patterns::run::{run_lane, Answer};
use playground::sim::cache_patterns::scenario::{CachePatternsScenario, Service};
use playground::sim::cache_patterns::{Lane, Strategy};
use playground::sim::caching::workload::{Pattern, Workload};
use proptest::prelude::*;

fn strategy() -> impl proptest::strategy::Strategy<Value = Strategy> {
    prop::sample::select(Strategy::ALL.to_vec())
}

prop_compose! {
    fn scenario()(
        keys in 1u32..60,
        skew in 0.0f64..2.0,
        requests in 1u32..1_500,
        rate in 100u32..5_000,
        writes in 0.0f64..0.6,
        capacity in 1u32..80,
        cache_ms in 0.0f64..2.0,
        connections in 1u32..6,
        read_ms in 0.1f64..30.0,
        write_ms in 0.1f64..30.0,
        fixed: bool,
        warm: bool,
        crash in prop::option::of(0u64..1_000),
        seed: u64,
    ) -> CachePatternsScenario {
        let mut s = preset("patterns").unwrap();
        s.workload = Workload { pattern: Pattern::Zipf { keys, skew }, requests, rate };
        s.writes = writes;
        s.cache.capacity = capacity;
        s.cache.latency_ms = cache_ms;
        s.database.connections = connections;
        s.database.read_ms = read_ms;
        s.database.write_ms = write_ms;
        s.database.service = if fixed { Service::Fixed } else { Service::Exponential };
        s.warm = warm;
        s.crash_ms = crash;
        s.seed = seed;
        s
    }
}

prop_compose! {
    fn lane()(
        strategy in strategy(),
        ttl_ms in prop_oneof![Just(0u64), 1u64..2_000],
        jitter in 0.0f64..1.0,
        single_flight: bool,
        xfetch in prop_oneof![Just(0.0f64), 0.0f64..4.0],
        flush_ms in 1u64..500,
    ) -> Lane {
        Lane { strategy, ttl_ms, jitter, single_flight: single_flight && strategy == Strategy::CacheAside, xfetch, flush_ms }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_request_and_query_is_accounted_for(s in scenario(), lane in lane()) {
        prop_assert!(s.validate().is_ok());
        let trial = s.trial();
        let run = run_lane(&s, &lane, &trial);
        let m = &run.summary;
        let count = |a: Answer| run.outcomes.iter().filter(|o| o.answer == a).count() as u32;
        prop_assert_eq!(m.reads + m.writes, s.workload.requests);
        prop_assert_eq!(count(Answer::Write), m.writes);
        prop_assert_eq!(count(Answer::Hit), m.hits);
        prop_assert_eq!(count(Answer::Coalesced), m.coalesced);
        prop_assert_eq!(count(Answer::Early), m.early_refreshes);
        // A query per reader who did not join another's.
        prop_assert_eq!(m.db_reads, count(Answer::Miss) + count(Answer::Early));
        prop_assert_eq!(run.bins.iter().map(|b| b.reads).sum::<u32>(), m.reads);
        prop_assert_eq!(run.bins.iter().map(|b| b.db_reads + b.db_writes).sum::<u32>(), m.db_reads + m.db_writes);
        prop_assert_eq!(run.bins.iter().map(|b| b.stale).sum::<u32>(), m.stale_reads);
        // Every answer takes at least the cache's round trip; a hit exactly that.
        let cache_ns = (s.cache.latency_ms * 1e6).round() as u64;
        prop_assert!(run.outcomes.iter().all(|o| o.latency_ns >= cache_ns));
        prop_assert!(run.outcomes.iter().filter(|o| o.answer == Answer::Hit).all(|o| o.latency_ns == cache_ns));
        prop_assert!(m.read_p50_ns <= m.read_p95_ns && m.read_p95_ns <= m.read_p99_ns && m.read_p99_ns <= m.read_p999_ns);
        // Coalescing only where the lane coalesces; early refreshes only with XFetch.
        if !lane.strategy.loads() && !lane.single_flight {
            prop_assert_eq!(m.coalesced, 0);
        }
        if lane.xfetch == 0.0 || lane.ttl_ms == 0 {
            prop_assert_eq!(m.early_refreshes, 0);
        }
        match lane.strategy {
            // Every write is its own query, and nothing is lost.
            Strategy::CacheAside | Strategy::ReadThrough | Strategy::WriteThrough => {
                prop_assert_eq!(m.db_writes, m.writes);
                prop_assert_eq!(m.lost_writes, 0);
            }
            // At most one query per acknowledged write; a write is lost only with the node.
            Strategy::WriteBehind => {
                prop_assert!(m.db_writes + m.lost_writes <= m.writes);
                if s.crash_ms.is_none() {
                    prop_assert_eq!(m.lost_writes, 0);
                }
            }
        }
        // A cache that loads sees every write: no stale read while its node lives.
        if lane.strategy.loads() && s.crash_ms.is_none() {
            prop_assert_eq!(m.stale_reads, 0);
        }
        // The same scenario, the same run.
        prop_assert_eq!(run_lane(&s, &lane, &trial), run);
    }
}
