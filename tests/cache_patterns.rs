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

/// A fenced block of `lang` in `text`: its body and where the block ends.
fn fenced<'a>(text: &'a str, lang: &str) -> (&'a str, usize) {
    let open = format!("```{lang}\n");
    let start = text.find(&open).unwrap_or_else(|| panic!("no {lang} block")) + open.len();
    let len = text[start..].find("```").unwrap();
    (&text[start..start + len], start + len + 3)
}

/// The preset of the first widget block after `at` in `text`.
fn next_widget(text: &str, at: usize) -> &str {
    let rest = &text[at..];
    let block = &rest[rest.find("```widget\n").unwrap() + 10..];
    let block = &block[..block.find("```").unwrap()];
    let line = block.lines().find_map(|l| l.strip_prefix("preset: ")).expect("a preset line");
    line.trim()
}

/// The redis-py client the patterns article shows beside its jitter widget
/// is that widget's jittered lane: cache-aside (set on a miss, delete after
/// the database write) with the same TTL and jitter.
#[test]
fn the_patterns_articles_redis_client_is_its_jittered_lane() {
    let text = std::fs::read_to_string("articles/cache-patterns.md").unwrap();
    let (python, end) = fenced(&text, "python");
    let constant = |name: &str| -> f64 {
        let line = python.lines().find_map(|l| l.strip_prefix(&format!("{name} = "))).expect(name);
        line.split('#').next().unwrap().trim().replace('_', "").parse().unwrap()
    };
    let (ttl_ms, jitter) = (constant("TTL_MS"), constant("JITTER"));
    // A TTL drawn uniformly from ttl × (1 ± jitter), in ms.
    assert!(python.contains("random.uniform(1 - JITTER, 1 + JITTER)") && python.contains("px=ttl_ms"), "{python}");
    // Cache-aside: the database write, then the delete.
    let (save, delete) = (python.find("db.save_product(").unwrap(), python.find("r.delete(").unwrap());
    assert!(save < delete && !python.contains("r.set(key, value)\n"), "{python}");
    assert_eq!(next_widget(&text, end), "jitter");
    let lane = &preset("jitter").unwrap().lanes[1];
    assert_eq!(*lane, Lane { jitter, ..Lane::new(Strategy::CacheAside, ttl_ms as u64) });
    // The comment's range is the engine's.
    let (lo, hi) = (ttl_ms * (1.0 - jitter) / 1e3, ttl_ms * (1.0 + jitter) / 1e3);
    assert!(python.contains(&format!("from {lo} to {hi} s")), "{lo} to {hi}");
}

/// The nginx configuration beside the stampede widget caches for that
/// widget's TTL, and turns on the lock (coalescing a response not yet
/// cached) with stale answers while an expired one reloads in the
/// background, which nginx requires `proxy_cache_use_stale updating` for.
#[test]
fn the_patterns_articles_nginx_caches_for_its_stampede_widgets_ttl() {
    let text = std::fs::read_to_string("articles/cache-patterns.md").unwrap();
    let (nginx, end) = fenced(&text, "nginx");
    let directives: Vec<(&str, Vec<&str>)> = nginx
        .lines()
        .filter_map(|l| l.trim().strip_suffix(';'))
        .map(|l| {
            let mut words = l.split_whitespace();
            (words.next().unwrap(), words.collect())
        })
        .collect();
    let args = |name: &str| directives.iter().find(|(d, _)| *d == name).map(|(_, a)| a.clone());
    let valid = args("proxy_cache_valid").expect("proxy_cache_valid");
    assert_eq!(valid[0], "200");
    let ttl_ms: u64 = valid[1].strip_suffix('s').unwrap().parse::<u64>().unwrap() * 1_000;
    assert_eq!(args("proxy_cache_lock"), Some(vec!["on"]));
    assert_eq!(args("proxy_cache_background_update"), Some(vec!["on"]));
    assert!(args("proxy_cache_use_stale").unwrap().contains(&"updating"));
    let zone = args("proxy_cache").unwrap()[0];
    assert!(args("proxy_cache_path").unwrap().contains(&format!("keys_zone={zone}:10m").as_str()));
    assert_eq!(next_widget(&text, end), "stampede");
    let s = preset("stampede").unwrap();
    assert!(s.lanes.iter().all(|l| l.ttl_ms == ttl_ms));
    assert!(s.lanes.iter().any(|l| l.single_flight));
}

/// The numbers the patterns article's takeaways and questions quote, from the engine.
#[test]
fn the_patterns_articles_answers_come_from_the_engine() {
    let article = std::fs::read_to_string("articles/cache-patterns.md").unwrap();
    let quotes = |text: &str| assert!(article.contains(text), "the article no longer says `{text}`");
    let ms = |ns: u64| ns as f64 / 1e6;

    let stampede = preset("stampede").unwrap();
    let runs = stampede.run().unwrap();
    let [plain, flight, xfetch] = [&runs[0].summary, &runs[1].summary, &runs[2].summary];
    assert_eq!((plain.db_reads, flight.db_reads, xfetch.db_reads), (23_415, 199, 366));
    assert_eq!(format!("{:.1}", ms(plain.read_p99_ns) / 60_000.0), "4.4");
    assert_eq!(format!("{:.1}", ms(flight.read_p99_ns)), "5.9");
    quotes("single-flight sends 199 queries where plain cache-aside sends 23,415 and never recovers");
    quotes("plain cache-aside sends 23,415 queries and its read p99 reaches 4.4 minutes");
    quotes("sends 199 queries with a p99 of 5.9 ms, and XFetch's early refresh sends 366");
    let mut wider = stampede.clone();
    wider.database.connections = 16;
    let plain = wider.run().unwrap()[0].summary;
    assert_eq!((plain.db_reads, ms(plain.read_p99_ns)), (565, 0.5));
    quotes("with 16 connections, plain cache-aside absorbs every expiry with 565 queries");

    let race = preset("race").unwrap();
    let aside = race.run().unwrap()[0].summary;
    assert_eq!((aside.stale_reads, aside.reads), (3_808, 53_921));
    assert_eq!(format!("{:.1}%", f64::from(aside.stale_reads) * 100.0 / f64::from(aside.reads)), "7.1%");
    quotes("3,808 of 53,921 reads are stale, 7.1%");
    let mut short = race.clone();
    short.lanes.iter_mut().for_each(|l| l.ttl_ms = 1_000);
    let runs = short.run().unwrap();
    assert_eq!((runs[0].summary.stale_reads, runs[1].summary.stale_reads), (2_383, 0));
    quotes("at 1,000 ms, cache-aside still serves 2,383 stale reads");

    let crash = preset("crash").unwrap();
    let behind = crash.run().unwrap()[1].summary;
    assert_eq!((behind.lost_writes, behind.stale_reads), (181, 313));
    quotes("loses 181 acknowledged writes, and 313 later reads return the older value");
    let mut often = crash.clone();
    often.lanes[1].flush_ms = 100;
    let behind = often.run().unwrap()[1].summary;
    assert_eq!((behind.lost_writes, behind.stale_reads), (22, 65));
    quotes("Flushing every 100 ms loses 22 and serves 65 stale reads");

    let patterns = preset("patterns").unwrap().run().unwrap();
    let [aside, through, behind] = [&patterns[0].summary, &patterns[1].summary, &patterns[2].summary];
    assert_eq!(ms(behind.write_p99_ns), 0.5);
    assert!([aside, through].iter().all(|s| (59.5..61.0).contains(&ms(s.write_p99_ns))));
    quotes("Writers wait 0.5 ms instead of about 60 ms at the 99th percentile");

    // The busiest slice of the second wave, in queries a second.
    let jitter = preset("jitter").unwrap();
    let runs = jitter.run().unwrap();
    let per_s = |run: &playground::sim::cache_patterns::run::LaneRun| {
        let slice_ms = jitter.trial().span as f64 / 1e6 / run.bins.len() as f64;
        let busiest = run.bins[run.bins.len() / 4..].iter().map(|b| b.db_reads).max().unwrap();
        f64::from(busiest) * 1_000.0 / slice_ms
    };
    assert_eq!((per_s(&runs[0]).round(), per_s(&runs[1]).round()), (493.0, 109.0));
    let pct = |r: f64| format!("{:.1}%", r * 100.0);
    assert_eq!((pct(runs[1].summary.hit_ratio), pct(runs[0].summary.hit_ratio)), ("97.9%".into(), "98.1%".into()));
    let mut wide = jitter.clone();
    wide.lanes[1].jitter = 0.5;
    assert_eq!(format!("{:.1}", per_s(&wide.run().unwrap()[1])), "57.5");
    quotes("sends 109 queries a second instead of 493");
    quotes("sends 493 queries a second without jitter and 109 with 20% jitter");
    quotes("With 50% it sends 57.5");
    quotes("(97.9% against 98.1%)");
}
