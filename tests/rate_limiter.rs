//! Rate-limiter engines against their references: published and verified
//! traces, the golden files in `tests/golden/rate_limiter/` (see its README for
//! provenance and regeneration), governor itself as a live oracle on random
//! traces, and property tests of each algorithm's guarantee.

use playground::sim::kernel::time::{ms_to_ns, Nanos, MS, SEC};
use playground::sim::kernel::traffic::Request;
use playground::sim::rate_limiter::run::decide_all;
use playground::sim::rate_limiter::{Algorithm, LimiterConfig, NginxDelay, Outcome};
use proptest::prelude::*;

fn cfg(algorithm: Algorithm, limit: u32, period_ms: u64, burst: Option<u32>) -> LimiterConfig {
    LimiterConfig { burst, ..LimiterConfig::new(algorithm, limit, period_ms) }
}

fn reqs(list: &[(f64, u32)]) -> Vec<Request> {
    list.iter().map(|&(ms, cost)| Request { at: ms_to_ns(ms), cost }).collect()
}

/// Outcomes as compact codes: A allowed, R rejected, N never, D<ms> delayed.
fn codes(c: &LimiterConfig, r: &[Request]) -> Vec<String> {
    decide_all(c, r)
        .unwrap()
        .into_iter()
        .map(|o| match o {
            Outcome::Allowed => "A".to_string(),
            Outcome::Rejected => "R".to_string(),
            Outcome::Never => "N".to_string(),
            Outcome::Delayed(d) => format!("D{}", d / MS),
        })
        .collect()
}

fn split(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

/// redis-cell's `it_rate_limits` table replayed on governor (burst 5, 1 per
/// second), as recorded in reference-semantics §1.1.
#[test]
fn gcra_matches_redis_cell_table_on_governor() {
    let c = cfg(Algorithm::Gcra, 1, 1000, Some(5));
    let r = reqs(&[
        (0.0, 6),
        (0.0, 1),
        (0.0, 1),
        (0.0, 1),
        (0.0, 1),
        (0.0, 1),
        (0.0, 1),
        (3000.0, 1),
        (3100.0, 1),
        (4000.0, 1),
        (8000.0, 1),
        (9500.0, 1),
        (9500.0, 2),
        (9500.0, 5),
    ]);
    assert_eq!(codes(&c, &r), split("N A A A A A R A A A A A A R"));
}

/// governor truncates the emission interval to whole nanoseconds:
/// per_second(3) gives T = 333,333,333 ns, so the fourth cell of a 1-burst
/// limiter is allowed at 999,999,999 ns, not 1 s.
#[test]
fn gcra_truncates_the_emission_interval_like_governor() {
    let c = cfg(Algorithm::Gcra, 3, 1000, Some(1));
    let r: Vec<Request> =
        [0, 333_333_333, 666_666_666, 999_999_998, 999_999_999].iter().map(|&at| Request { at, cost: 1 }).collect();
    assert_eq!(codes(&c, &r), split("A A A R A"));
}

/// nginx 1.22.1, 2r/s burst=2 nodelay, verified with libfaketime
/// (reference-semantics §1.3): 200 200 200 429 429 200 429 200 200 429 429.
#[test]
fn nginx_nodelay_matches_verified_trace() {
    let c = LimiterConfig { delay: NginxDelay::NoDelay, ..cfg(Algorithm::Nginx, 2, 1000, Some(2)) };
    let t = [0.0, 0.0, 0.0, 0.0, 400.0, 500.0, 500.0, 1500.0, 1500.0, 1500.0, 1500.0];
    let r = reqs(&t.map(|t| (t, 1)));
    assert_eq!(codes(&c, &r), split("A A A R R A R A A R R"));
}

/// nginx 1.22.1, 2r/s burst=3 delay=1, verified: PASSED PASSED DELAYED
/// DELAYED REJECTED REJECTED DELAYED with excess 2.0, 3.0, 4.0, 3.5, 2.0; the
/// delays follow as (excess − 1000)·1000/2000 ms.
#[test]
fn nginx_delay_matches_verified_trace() {
    let c = LimiterConfig { delay: NginxDelay::Delay(1), ..cfg(Algorithm::Nginx, 2, 1000, Some(3)) };
    let r = reqs(&[(0.0, 1), (0.0, 1), (0.0, 1), (0.0, 1), (0.0, 1), (250.0, 1), (1000.0, 1)]);
    assert_eq!(codes(&c, &r), split("A A D500 D1000 R R D500"));
}

/// nginx keeps r/m rates in truncated milli-requests: 1r/m leaks 16 per
/// second, so a full request drains in 62.5 s rather than 60 s.
#[test]
fn nginx_per_minute_rate_truncates() {
    let c = LimiterConfig { delay: NginxDelay::NoDelay, ..cfg(Algorithm::Nginx, 1, 60_000, Some(0)) };
    let r = reqs(&[(0.0, 1), (60_000.0, 1), (62_500.0, 1)]);
    assert_eq!(codes(&c, &r), split("A R A"));
}

/// The window trace verified on Python `limits` 5.8.0 and rate-limiter-flexible
/// 11.4.0 (reference-semantics §1.4): limit 5 per 10 s.
fn limits_trace() -> Vec<Request> {
    let mut t = vec![(8000.0, 1); 5];
    t.push((9900.0, 1));
    t.extend([(10_100.0, 1); 5]);
    t.extend([(10_200.0, 1), (12_000.0, 1), (15_000.0, 1), (19_000.0, 1), (21_000.0, 1)]);
    reqs(&t)
}

#[test]
fn window_algorithms_match_verified_limits_trace() {
    let r = limits_trace();
    let run = |a| codes(&cfg(a, 5, 10_000, None), &r).concat();
    assert_eq!(run(Algorithm::FixedWindowFirstHit), "AAAAARRRRRRRRRAA");
    assert_eq!(run(Algorithm::SlidingLog), "AAAAARRRRRRRRRAA");
    // At 10.1 s the weighted count is 5·0.99 = 4.95, floored to 4: one more passes.
    assert_eq!(run(Algorithm::SlidingCounter), "AAAAARARRRRRRAAA");
    // Clock-aligned windows reset at 10 s: the boundary burst lets ten through in 0.2 s.
    assert_eq!(run(Algorithm::FixedWindow), "AAAAARAAAAARRRRA");
}

/// limits' moving window counts an entry exactly one window old (inclusive).
#[test]
fn sliding_log_boundary_is_inclusive() {
    let c = cfg(Algorithm::SlidingLog, 1, 1000, None);
    let r: Vec<Request> = [0, SEC, SEC + 1].iter().map(|&at| Request { at, cost: 1 }).collect();
    assert_eq!(codes(&c, &r), split("A R A"));
}

#[test]
fn costs_larger_than_capacity_can_never_pass() {
    let r = reqs(&[(0.0, 11), (0.0, 10)]);
    for a in [Algorithm::Gcra, Algorithm::TokenBucket] {
        assert_eq!(codes(&cfg(a, 1, 1000, Some(10)), &r), split("N A"), "{a:?}");
    }
    for a in [Algorithm::SlidingLog, Algorithm::SlidingCounter] {
        assert_eq!(codes(&cfg(a, 10, 1000, None), &r), split("N A"), "{a:?}");
    }
    // Both fixed windows count the oversized request (INCRBY first, compare
    // after), so the next one fails too.
    for a in [Algorithm::FixedWindow, Algorithm::FixedWindowFirstHit] {
        assert_eq!(codes(&cfg(a, 10, 1000, None), &r), split("N R"), "{a:?}");
    }
}

#[test]
fn token_bucket_refills_continuously_from_full() {
    // Capacity 2, 1 token per second: two at once, then one per second.
    let c = cfg(Algorithm::TokenBucket, 1, 1000, Some(2));
    let r = reqs(&[(0.0, 1), (0.0, 1), (0.0, 1), (999.0, 1), (1000.0, 1), (1500.0, 1), (5000.0, 2), (5000.0, 1)]);
    assert_eq!(codes(&c, &r), split("A A R R A R A R"));
}

// ---------------------------------------------------------------------------
// Golden files generated by the reference implementations themselves.

#[derive(serde::Deserialize)]
struct GoldenFile {
    reference: String,
    regenerate: String,
    cases: Vec<GoldenCase>,
}

#[derive(serde::Deserialize)]
struct GoldenCase {
    name: String,
    /// A `LimiterConfig`, read by the scenario format's reader.
    limiter: serde_json::Value,
    requests: Vec<(f64, u32)>,
    expect: Vec<String>,
}

fn expected_code(s: &str) -> String {
    match s {
        "allowed" => "A".into(),
        "rejected" => "R".into(),
        d => format!("D{}", d.strip_prefix("delayed:").unwrap_or_else(|| panic!("unknown expectation {d}"))),
    }
}

#[test]
fn golden_files_match_decision_for_decision() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/rate_limiter");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut checked = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let file: GoldenFile = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!file.reference.is_empty() && !file.regenerate.is_empty(), "{}: provenance missing", path.display());
        for case in &file.cases {
            let r = reqs(&case.requests);
            let limiter: LimiterConfig = playground::scenario::json::from_str(&case.limiter.to_string()).unwrap();
            // "Never" is a rejection to every reference.
            let got: Vec<String> =
                codes(&limiter, &r).into_iter().map(|c| if c == "N" { "R".into() } else { c }).collect();
            let want: Vec<String> = case.expect.iter().map(|s| expected_code(s)).collect();
            assert_eq!(got, want, "{} — {}", path.file_name().unwrap().to_string_lossy(), case.name);
            checked += 1;
        }
    }
    assert!(checked >= 5 * files.len(), "expected golden cases in {} files, checked {checked}", files.len());
}

// ---------------------------------------------------------------------------
// governor as a live oracle.

fn arb_trace() -> impl Strategy<Value = Vec<Request>> {
    prop::collection::vec((0u64..400_000_000, 1u32..4), 1..200).prop_map(|gaps| {
        let mut t = 0;
        gaps.into_iter()
            .map(|(gap, cost)| {
                // A third of arrivals are simultaneous with the previous one.
                if gap % 3 != 0 {
                    t += gap;
                }
                Request { at: t, cost }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Our GCRA and governor 0.10.4 decide every request of a random trace alike.
    #[test]
    fn gcra_agrees_with_governor(limit in 1u32..50, period_ms in 1u64..5000, burst in 1u32..8, trace in arb_trace()) {
        use governor::clock::FakeRelativeClock;
        use governor::{Quota, RateLimiter};
        use std::num::NonZeroU32;
        use std::time::Duration;

        let t = (period_ms * MS / u64::from(limit)).max(1);
        let quota = Quota::with_period(Duration::from_nanos(t)).unwrap().allow_burst(NonZeroU32::new(burst).unwrap());
        let clock = FakeRelativeClock::default();
        let oracle = RateLimiter::direct_with_clock(quota, clock.clone());
        let ours = decide_all(&cfg(Algorithm::Gcra, limit, period_ms, Some(burst)), &trace).unwrap();
        let mut now = 0;
        for (r, o) in trace.iter().zip(ours) {
            clock.advance(Duration::from_nanos(r.at - now));
            now = r.at;
            let theirs = match oracle.check_n(NonZeroU32::new(r.cost).unwrap()) {
                Err(_) => Outcome::Never,
                Ok(Err(_)) => Outcome::Rejected,
                Ok(Ok(())) => Outcome::Allowed,
            };
            prop_assert_eq!(o, theirs, "at {} ns cost {}", r.at, r.cost);
        }
    }

    /// Over any interval of length T, a token bucket admits at most burst + rate·T units.
    #[test]
    fn token_bucket_bounds_every_interval(limit in 1u32..20, burst in 1u32..10, trace in arb_trace()) {
        let c = cfg(Algorithm::TokenBucket, limit, 1000, Some(burst));
        let admitted: Vec<(Nanos, u64)> = decide_all(&c, &trace).unwrap().into_iter().zip(&trace)
            .filter(|(o, _)| o.admitted()).map(|(_, r)| (r.at, u64::from(r.cost))).collect();
        for i in 0..admitted.len() {
            let mut sum = 0;
            for &(at, cost) in &admitted[i..] {
                sum += cost;
                let span = (at - admitted[i].0) as f64 / SEC as f64;
                prop_assert!(sum as f64 <= f64::from(burst) + f64::from(limit) * span + 1e-6,
                    "{sum} units in {span} s from {} ns", admitted[i].0);
            }
        }
    }

    /// A sliding log never holds more than `limit` units in any closed window of length W.
    #[test]
    fn sliding_log_bounds_every_window(limit in 1u32..10, window_ms in 1u64..1000, trace in arb_trace()) {
        let c = cfg(Algorithm::SlidingLog, limit, window_ms, None);
        let admitted: Vec<(Nanos, u64)> = decide_all(&c, &trace).unwrap().into_iter().zip(&trace)
            .filter(|(o, _)| o.admitted()).map(|(_, r)| (r.at, u64::from(r.cost))).collect();
        for i in 0..admitted.len() {
            let sum: u64 = admitted[i..].iter().take_while(|(at, _)| at - admitted[i].0 <= window_ms * MS).map(|x| x.1).sum();
            prop_assert!(sum <= u64::from(limit));
        }
    }

    /// A clock-aligned fixed window admits at most `limit` units per window, and
    /// a sliding counter never more than twice that across two windows.
    #[test]
    fn window_counters_respect_their_limits(limit in 1u32..10, window_ms in 1u64..1000, trace in arb_trace()) {
        let w = window_ms * MS;
        for (a, bound) in [(Algorithm::FixedWindow, 1), (Algorithm::SlidingCounter, 1)] {
            let c = cfg(a, limit, window_ms, None);
            let mut per_window = std::collections::BTreeMap::new();
            for (o, r) in decide_all(&c, &trace).unwrap().into_iter().zip(&trace) {
                if o.admitted() {
                    *per_window.entry(r.at / w).or_insert(0u64) += u64::from(r.cost);
                }
            }
            prop_assert!(per_window.values().all(|&n| n <= bound * u64::from(limit)), "{a:?}");
        }
    }

    /// nginx never lets the stored excess exceed the burst, so at most
    /// burst + 1 requests pass at one instant and rejections never delay.
    #[test]
    fn nginx_admits_at_most_burst_plus_one_at_once(limit in 1u32..10, burst in 0u32..10, n in 1usize..40) {
        let c = LimiterConfig { delay: NginxDelay::NoDelay, ..cfg(Algorithm::Nginx, limit, 1000, Some(burst)) };
        let trace = vec![Request { at: 5 * SEC, cost: 1 }; n];
        let admitted = decide_all(&c, &trace).unwrap().into_iter().filter(|o| o.admitted()).count();
        prop_assert_eq!(admitted, n.min(burst as usize + 1));
    }
}

// ---------------------------------------------------------------------------
// The article's configuration blocks and the numbers its questions quote.

/// The body of the article's first fenced block in `lang`.
fn fenced<'a>(article: &'a str, lang: &str) -> &'a str {
    let open = format!("```{lang}\n");
    let start = article.find(&open).unwrap_or_else(|| panic!("no {lang} block")) + open.len();
    &article[start..start + article[start..].find("```").unwrap()]
}

/// `n` requests of cost 1 at `ms`.
fn at_once(n: usize, ms: f64) -> Vec<(f64, u32)> {
    vec![(ms, 1); n]
}

fn tally(c: &LimiterConfig, r: &[Request]) -> (usize, usize, usize, u64) {
    let outcomes = decide_all(c, r).unwrap();
    let count = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let longest = outcomes.iter().map(|o| if let Outcome::Delayed(d) = o { *d } else { 0 }).max().unwrap_or(0);
    (
        count(|o| *o == Outcome::Allowed),
        count(|o| matches!(o, Outcome::Delayed(_))),
        count(|o| *o == Outcome::Rejected),
        longest / MS,
    )
}

/// The article's `limit_req` configuration is an nginx limiter the engine
/// runs: every directive maps onto a field, and the question about it
/// quotes what the engine decides for 30 requests at once.
#[test]
fn the_articles_nginx_block_is_an_nginx_limiter() {
    let article = std::fs::read_to_string("articles/rate-limiting.md").unwrap();
    let (mut rate, mut burst, mut delay, mut status) = (None, None, NginxDelay::Delay(0), 503);
    for line in fenced(&article, "nginx").lines().map(str::trim).filter(|l| !l.is_empty()) {
        let words: Vec<&str> = line.trim_end_matches(';').split_whitespace().collect();
        match words[0] {
            "limit_req_zone" => {
                assert_eq!(words[1], "$binary_remote_addr");
                for w in &words[2..] {
                    if let Some(r) = w.strip_prefix("rate=") {
                        let (n, per) = r.split_once("r/").unwrap();
                        rate = Some((n.parse::<u32>().unwrap(), if per == "s" { 1_000 } else { 60_000 }));
                    } else {
                        assert!(w.starts_with("zone=api:"), "{w}");
                    }
                }
            }
            "limit_req" => {
                for w in &words[1..] {
                    match *w {
                        "zone=api" => {}
                        "nodelay" => delay = NginxDelay::NoDelay,
                        w if w.starts_with("burst=") => burst = Some(w[6..].parse().unwrap()),
                        w if w.starts_with("delay=") => delay = NginxDelay::Delay(w[6..].parse().unwrap()),
                        w => panic!("`{w}` is not a limit_req parameter the engine models"),
                    }
                }
            }
            "limit_req_status" => status = words[1].parse().unwrap(),
            "location" | "}" => {}
            other => panic!("`{other}` is not a directive the engine models"),
        }
    }
    let (limit, period_ms) = rate.expect("a rate");
    assert_eq!(status, 429);
    let block = LimiterConfig { delay, ..cfg(Algorithm::Nginx, limit, period_ms, burst) };
    assert_eq!(block, LimiterConfig { delay: NginxDelay::NoDelay, ..cfg(Algorithm::Nginx, 10, 1_000, Some(20)) });

    let quotes = |text: &str| assert!(article.contains(text), "the article no longer says `{text}`");
    let thirty = reqs(&at_once(30, 0.0));
    // burst + 1 pass at once and the rest are rejected, in every mode;
    // without nodelay the 20 excess requests wait, the last for burst/rate.
    assert_eq!(tally(&block, &thirty), (21, 0, 9, 0));
    assert_eq!(tally(&LimiterConfig { delay: NginxDelay::Delay(0), ..block.clone() }, &thirty), (1, 20, 9, 2_000));
    quotes("21 are accepted and 9 rejected");
    quotes("the last of them 2 s");
}

/// The article's Envoy `token_bucket` is the engine's token bucket: 1,000
/// tokens a second into a bucket of 10,000 that starts full.
#[test]
fn the_articles_envoy_token_bucket_is_the_engines() {
    let article = std::fs::read_to_string("articles/rate-limiting.md").unwrap();
    let (mut max_tokens, mut per_fill, mut interval_ms) = (None, None, None);
    for line in fenced(&article, "yaml").lines().map(str::trim) {
        let (key, value) = line.split_once(':').unwrap();
        let value = value.trim();
        match key {
            "token_bucket" => assert!(value.is_empty()),
            "max_tokens" => max_tokens = Some(value.parse::<u32>().unwrap()),
            "tokens_per_fill" => per_fill = Some(value.parse::<u32>().unwrap()),
            "fill_interval" => interval_ms = Some(value.strip_suffix('s').unwrap().parse::<u64>().unwrap() * 1_000),
            other => panic!("`{other}` is not a token bucket field the engine models"),
        }
    }
    let c = cfg(Algorithm::TokenBucket, per_fill.unwrap(), interval_ms.unwrap(), max_tokens);
    let mut r = at_once(10_001, 0.0);
    r.extend(at_once(1_001, 1_000.0));
    // Full at the start, then one token a millisecond.
    assert_eq!(tally(&c, &reqs(&r)), (11_000, 0, 2, 0));
}

/// A quota of 100 a minute across a minute's boundary: the numbers of the
/// article's first question.
#[test]
fn a_minute_quota_across_its_boundary() {
    let article = std::fs::read_to_string("articles/rate-limiting.md").unwrap();
    let quotes = |text: &str| assert!(article.contains(text), "the article no longer says `{text}`");
    // 100 in the last second of one minute, 100 in the first of the next.
    let mut r = at_once(100, 59_500.0);
    r.extend(at_once(100, 60_500.0));
    let r = reqs(&r);
    let passed = |a| tally(&cfg(a, 100, 60_000, None), &r).0;
    assert_eq!(passed(Algorithm::FixedWindow), 200);
    assert_eq!(passed(Algorithm::SlidingLog), 100);
    assert_eq!(passed(Algorithm::SlidingCounter), 101);
    quotes("all 200 pass");
    quotes("the sliding counter one more");
    // A window opened by the first hit: one request, then 99 just before it
    // expires and 100 just after.
    let mut r = at_once(1, 0.0);
    r.extend(at_once(99, 59_900.0));
    r.extend(at_once(100, 60_100.0));
    assert_eq!(tally(&cfg(Algorithm::FixedWindowFirstHit, 100, 60_000, None), &reqs(&r)).0, 200);
    quotes("199 within 0.2 s");
}
