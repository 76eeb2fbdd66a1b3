//! The retries engine: its jitter formulas over many draws, its budgets'
//! bounds, and the chain's multiplication of attempts.

use playground::sim::kernel::rng::Rng;
use playground::sim::kernel::time::MS;
use playground::sim::retries::backoff::{Backoff, BackoffState, Jitter};
use playground::sim::retries::budget::Budget;
use playground::sim::retries::presets::preset;
use playground::sim::retries::scenario::{Change, Event, RetriesScenario};
use playground::sim::retries::Policy;
use proptest::prelude::*;

/// Mean and range of a backoff's `n`-th wait over many seeds, in ms.
fn waits(b: Backoff, n: u32, draws: u64) -> (f64, f64, f64) {
    let mut rng = Rng::new(7);
    let (mut sum, mut lo, mut hi) = (0.0, f64::MAX, 0.0f64);
    for _ in 0..draws {
        let mut state = BackoffState::default();
        let mut w = 0;
        for _ in 0..n {
            w = b.next(&mut state, rng.next_u64());
        }
        let ms = w as f64 / MS as f64;
        sum += ms;
        lo = lo.min(ms);
        hi = hi.max(ms);
    }
    (sum / draws as f64, lo, hi)
}

#[test]
fn jitter_formulas_have_their_means_and_bounds() {
    let exp = |jitter| Backoff::Exponential { base_ms: 10.0, cap_ms: 1_000.0, jitter };
    // Third retry: expo(3) = 10 · 8 = 80 ms.
    let (mean, lo, hi) = waits(exp(Jitter::Full), 3, 100_000);
    assert!((mean - 40.0).abs() < 0.5 && lo >= 0.0 && hi < 80.0, "full: {mean} {lo} {hi}");
    let (mean, lo, hi) = waits(exp(Jitter::Equal), 3, 100_000);
    assert!((mean - 60.0).abs() < 0.3 && lo >= 40.0 && hi < 80.0, "equal: {mean} {lo} {hi}");
    let (mean, lo, hi) = waits(exp(Jitter::None), 3, 10);
    assert_eq!((mean, lo, hi), (80.0, 80.0, 80.0));
    // Decorrelated: the first wait is uniform on [base, 3 · base], mean 20 ms.
    let (mean, lo, hi) = waits(exp(Jitter::Decorrelated), 1, 100_000);
    assert!((mean - 20.0).abs() < 0.2 && lo >= 10.0 && hi < 30.0, "decorrelated: {mean} {lo} {hi}");
    // Capped at 1 s however long it goes.
    let (_, lo, hi) = waits(exp(Jitter::Decorrelated), 40, 10_000);
    assert!(lo >= 10.0 && hi <= 1_000.0);
    // botocore: the second retry is uniform on [0, 2 s), mean 1 s.
    let (mean, lo, hi) = waits(Backoff::AwsStandard, 2, 100_000);
    assert!((mean - 1_000.0).abs() < 10.0 && lo >= 0.0 && hi < 2_000.0, "aws: {mean}");
    // gRPC: the first retry is 100 ms × uniform(0.8, 1.2).
    let (mean, lo, hi) = waits(Backoff::Grpc { initial_ms: 100.0, max_ms: 1_000.0, multiplier: 2.0 }, 1, 100_000);
    assert!((mean - 100.0).abs() < 0.3 && lo >= 80.0 && hi < 120.0, "grpc: {mean} {lo} {hi}");
    // Envoy: the third retry is a whole number of ms in [0, 100).
    let (mean, lo, hi) = waits(Backoff::Envoy { base_ms: 25, max_ms: 250 }, 3, 100_000);
    assert!((mean - 49.5).abs() < 0.5 && lo == 0.0 && hi == 99.0, "envoy: {mean} {lo} {hi}");
}

/// A dependency that fails everything from the start, with room to queue
/// every request: each try fails, so each call spends all its attempts.
fn failing(layers: u32, policy: Policy, seconds: u64) -> RetriesScenario {
    let mut s = preset("jitter").unwrap();
    s.traffic = playground::sim::kernel::traffic::Traffic::Poisson { rps: 300.0, cost: 1 };
    s.duration_ms = seconds * 1_000;
    s.layers = layers;
    s.try_timeout_ms = None;
    s.dependency.queue = 1_000_000;
    s.dependency.concurrency = 10_000;
    s.events = vec![Event { at_ms: 0.0, change: Change::Failure(1.0) }];
    s.policies = vec![policy];
    s
}

#[test]
fn three_layers_of_three_attempts_are_27_requests() {
    for layers in 1..=3u32 {
        let s = failing(layers, Policy::named("immediate").unwrap(), 5);
        let run = &s.run().unwrap()[0];
        let m = run.summary;
        assert_eq!(m.ok, 0);
        assert_eq!(m.dependency, m.users * 3u32.pow(layers), "{layers} layers");
        // Attempts at every layer: 3 + 9 + 27 per user request.
        assert_eq!(m.attempts, m.users * (1..=layers).map(|k| 3u32.pow(k)).sum::<u32>());
        let expected: Vec<u32> = (1..=3).map(|k| if k <= layers { m.users * 3u32.pow(k) } else { 0 }).collect();
        assert_eq!(m.by_layer.to_vec(), expected);
        let shown = playground::widgets::chain::by_layer(run);
        let users = |k: u32| playground::ui::format::thousands(u64::from(m.users * 3u32.pow(k)));
        assert_eq!(shown, (1..=layers).map(users).collect::<Vec<_>>().join(" / "));
    }
}

#[test]
fn a_retry_quota_allows_a_hundred_retries_when_nothing_succeeds() {
    // botocore: 500 tokens at 5 a retry, and no success to give any back.
    let s = failing(1, Policy::named("aws-standard").unwrap(), 10);
    let m = s.run().unwrap()[0].summary;
    assert_eq!(m.retries, 100);
    // Once it is spent, every call's first failure is final.
    assert!(m.denied >= m.users - 100, "{m:?}");
}

#[test]
fn grpc_throttling_stops_retrying_after_half_its_tokens() {
    // 10 tokens: failures take them to 9, 8, 7, 6 (retries allowed), then 5 (throttled).
    let s = failing(1, Policy::named("grpc").unwrap(), 10);
    let m = s.run().unwrap()[0].summary;
    assert_eq!(m.retries, 4);
}

#[test]
fn runs_repeat_exactly() {
    for (name, _) in playground::sim::retries::presets::PRESETS {
        let s = preset(name).unwrap();
        assert_eq!(s.run().unwrap(), s.run().unwrap(), "{name}");
    }
}

#[test]
fn hedging_cuts_the_tail_for_a_few_percent_more_requests() {
    let s = preset("hedging").unwrap();
    let runs = s.run().unwrap();
    let (plain, hedged) = (runs[0].summary, runs[1].summary);
    assert_eq!(plain.dependency, plain.users);
    assert!(hedged.latency.p99 < plain.latency.p99 * 8 / 10, "{:?} {:?}", plain.latency, hedged.latency);
    let extra = f64::from(hedged.dependency) / f64::from(hedged.users) - 1.0;
    assert!((0.05..0.12).contains(&extra), "{extra}");
}

/// Finagle's backup requests at 1% extra load wait for the p99 of the
/// client's own latencies: the p99 stays, the slowest 1% gain, and the
/// budget refuses the backups that its 1 ms warm-up delay asks for.
#[test]
fn backup_requests_cut_only_the_tail_beyond_their_percentile() {
    let s = preset("hedging").unwrap();
    let runs = s.run().unwrap();
    let (plain, backup) = (runs[0].summary, runs[2].summary);
    assert_eq!(s.policies[2], Policy::named("backup").unwrap());
    let ms = |ns: u64| format!("{:.1}", ns as f64 / 1e6);
    assert_eq!((backup.hedges, backup.denied, backup.attempts - backup.users), (67, 2_506, 67));
    assert_eq!((ms(plain.latency.p99), ms(backup.latency.p99)), ("91.5".to_string(), "91.5".to_string()));
    assert_eq!((ms(plain.latency.p999), ms(backup.latency.p999)), ("135.0".to_string(), "124.3".to_string()));
    // The refusals come from the warm-up: run to 12 s, the first read of a swapped-in bucket.
    let mut warm_up = s.clone();
    warm_up.duration_ms = 12_000;
    assert_eq!(warm_up.run().unwrap()[2].summary.denied, 2_505);
    let article = include_str!("../articles/retries.md");
    for quote in [
        "67 backups, 0.8% more requests",
        "from 135.0 ms to 124.3 ms",
        "refuses 2,506 backups, all but one of them between 3 s and 12 s",
    ] {
        assert!(article.contains(quote), "the article no longer says `{quote}`");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Backup requests: one copy at most per call, and no more of them
    /// than the extra load allows over the run.
    #[test]
    fn backups_stay_within_their_extra_load(load in 0.005f64..0.3, rps in 20.0f64..400.0, seed in 0u64..1_000) {
        let mut s = preset("hedging").unwrap();
        let mut policy = Policy::named("backup").unwrap();
        if let Some(b) = policy.backup.as_mut() {
            b.max_extra_load = load;
        }
        s.policies = vec![policy];
        s.seed = seed;
        s.traffic = playground::sim::kernel::traffic::Traffic::Poisson { rps, cost: 1 };
        let m = s.run().unwrap()[0].summary;
        prop_assert_eq!(m.attempts, m.users + m.hedges);
        prop_assert!(f64::from(m.hedges) <= load * f64::from(m.users), "{} backups for {} calls at {}", m.hedges, m.users, load);
        prop_assert_eq!((m.ok, m.retries), (m.users, 0));
    }

    /// Finagle's budget: over a run, retries stay within its share of the
    /// requests plus `min_per_sec` for every second (and one ttl's reserve).
    #[test]
    fn finagle_retries_stay_within_the_budget(percent in 0.05f64..0.5, min_per_sec in 0u32..20, seconds in 5u64..30, seed in 0u64..1_000) {
        let policy = Policy { max_attempts: 10, backoff: Backoff::None, budget: Budget::Finagle { ttl_s: 10, min_per_sec, percent }, hedge_ms: None, backup: None };
        let mut s = failing(1, policy, seconds);
        s.seed = seed;
        let m = s.run().unwrap()[0].summary;
        let bound = percent * f64::from(m.users) + f64::from(min_per_sec) * (seconds as f64 + 10.0) + 1.0;
        prop_assert!(f64::from(m.retries) <= bound, "{} retries for {} requests, bound {}", m.retries, m.users, bound);
    }

    /// Envoy's budget: with every request failing and retries in flight
    /// through their backoff, a retry is refused once 20% of the requests
    /// in flight (at least 3) are retries.
    #[test]
    fn envoy_budget_refuses_retries_beyond_its_share(seconds in 2u64..10, seed in 0u64..1_000) {
        let policy = Policy::named("envoy-budget").unwrap();
        let mut s = failing(1, policy, seconds);
        s.seed = seed;
        let m = s.run().unwrap()[0].summary;
        prop_assert!(m.denied > 0);
        prop_assert!(m.retries < m.users);
    }
}

#[test]
fn a_slow_dependency_and_timeouts_waste_work() {
    let s = preset("timeouts").unwrap();
    let runs = s.run().unwrap();
    // Without retries, 100 ms tries abandon the slowest requests; with three
    // immediate attempts, the abandoned work and the retries crowd out the rest.
    assert!(runs[1].summary.ok < runs[0].summary.ok);
    assert!(runs[1].summary.dependency > 2 * runs[0].summary.dependency);
    assert!(runs[0].summary.abandoned > 0);
}

/// The chain's charts of calls per user request and of latency: a scale
/// that holds the storm, one line per lane, and gaps where nothing succeeded.
#[test]
fn the_amplification_and_latency_charts_follow_the_slices() {
    use playground::widgets::chain::{amplification_svg, latency_svg};
    let s = failing(3, Policy::named("immediate").unwrap(), 5);
    let run = &s.run().unwrap()[0];
    // 27 requests per user request over the run; a slice holds its own users' first tries and
    // earlier users' retries, so some slices hold more, and the scale rounds the most up to the
    // next 1, 2 or 5 times a power of ten.
    let (svg, top) = amplification_svg(&[run]);
    let peak = run.slices.iter().map(|x| f64::from(x.dependency) / f64::from(x.users.max(1))).fold(0.0, f64::max);
    assert!(peak >= 27.0 && top >= peak && top < peak * 2.5, "{peak} {top}");
    assert_eq!(svg.matches("<path class=\"series lane-1\"").count(), 1);
    // Nothing succeeds: no latency to draw, a path with no points.
    let (svg, top) = latency_svg(&[run]);
    assert_eq!((top, svg.as_str()), (1.0, "<path class=\"series lane-1\" d=\"\"/>"));
    // A healthy run: the scale is the worst slice's p99, rounded up.
    let healthy = &retries_presets_healthy().run().unwrap()[0];
    let worst = healthy.slices.iter().map(|x| x.latency.p99).max().unwrap() as f64 / 1e6;
    let (_, top) = latency_svg(&[healthy]);
    assert!(top >= worst && top < worst * 2.5, "{worst} {top}");
}

fn retries_presets_healthy() -> RetriesScenario {
    let mut s = preset("hedging").unwrap();
    s.policies.truncate(1);
    s
}

/// The share of the user requests arriving in `[from_s, to_s)` that succeeded, in percent to one decimal.
fn arrived_ok(s: &RetriesScenario, run: &playground::sim::retries::run::LaneRun, from_s: u64, to_s: u64) -> String {
    let at = s.trial().at;
    let (mut n, mut ok) = (0u32, 0u32);
    for (i, &t) in at.iter().enumerate() {
        if (from_s * 1_000_000_000..to_s * 1_000_000_000).contains(&t) {
            n += 1;
            ok += u32::from(run.ok[i]);
        }
    }
    format!("{:.1}%", f64::from(ok) * 100.0 / f64::from(n))
}

/// Requests a second reaching the dependency over slices `from..to` (0.6 s each in a 60 s run).
fn dependency_rate(run: &playground::sim::retries::run::LaneRun, from: usize, to: usize) -> f64 {
    run.slices[from..to].iter().map(|x| f64::from(x.dependency)).sum::<f64>() / ((to - from) as f64 * 0.6)
}

/// The numbers the retries article quotes, from the engine: rates over the
/// slices wholly inside the slowdown (20.4 s to 39.6 s), successes by the
/// user requests' arrival.
#[test]
fn the_articles_numbers_come_from_the_engine() {
    let article = include_str!("../articles/retries.md");
    let quotes = |text: &str| assert!(article.contains(text), "the article no longer says `{text}`");

    let storm = preset("storm").unwrap();
    let runs = storm.run().unwrap();
    assert_eq!(dependency_rate(&runs[0], 34, 66).round(), 10_214.0);
    assert_eq!(dependency_rate(&runs[1], 34, 66).round(), 10_026.0);
    assert_eq!(dependency_rate(&runs[2], 34, 66).round(), 697.0);
    assert_eq!(dependency_rate(&runs[1], 67, 100).round(), 6_313.0);
    assert_eq!(arrived_ok(&storm, &runs[0], 20, 40), "6.7%");
    assert_eq!(arrived_ok(&storm, &runs[1], 40, 60), "47.9%");
    quotes("about 10,200 requests a second during the slowdown, more than 25 per user request, and 6.7% of the user requests");
    quotes("about 6,300 requests a second");

    let budgets = preset("budgets").unwrap();
    let runs = budgets.run().unwrap();
    let got: Vec<String> = runs.iter().map(|r| arrived_ok(&budgets, r, 20, 40)).collect();
    assert_eq!(got, ["62.2%", "51.3%", "59.7%"]);
    quotes("62.2% of the user requests arriving in those 20 seconds");
    quotes("Envoy's budget gets 59.7%");
    quotes("51.3% succeed, at 1.00 request per user request");

    let timeouts = preset("timeouts").unwrap();
    let runs = timeouts.run().unwrap();
    let during: Vec<String> = runs.iter().map(|r| arrived_ok(&timeouts, r, 20, 40)).collect();
    let after: Vec<String> = runs.iter().map(|r| arrived_ok(&timeouts, r, 40, 60)).collect();
    assert_eq!(
        (during, after),
        (
            vec!["1.1%".to_string(), "0.6%".into(), "0.9%".into()],
            vec!["97.9%".to_string(), "0.0%".into(), "98.6%".into()]
        )
    );
    quotes("1.1% of the user requests arriving in the slowdown succeed without retries, and 97.9% of those arriving after it");
    quotes("With three immediate attempts, 0.6% succeed during the slowdown");
    quotes("(98.6%)");
}

/// The fenced block of `lang` in the retries article.
fn article_block(lang: &str) -> &'static str {
    let article = include_str!("../articles/retries.md");
    let open = format!("```{lang}\n");
    let start = article.find(&open).unwrap_or_else(|| panic!("a {lang} block")) + open.len();
    &article[start..start + article[start..].find("```").unwrap()]
}

/// The client configurations the retries article shows are the lanes of
/// its budgets widget: the AWS shared config file's standard mode is the
/// first lane, the gRPC service config's retry policy and throttling the
/// second, key for key.
#[test]
fn the_articles_client_configs_are_its_budget_lanes() {
    let budgets = preset("budgets").unwrap();

    let mut lines = article_block("conf").lines();
    assert_eq!(lines.next(), Some("[default]"));
    let (mut mode, mut max_attempts) = ("legacy", None);
    for line in lines {
        match line.split_once(" = ").unwrap() {
            ("retry_mode", v) => mode = v,
            ("max_attempts", v) => max_attempts = Some(v.parse::<u32>().unwrap()),
            (other, _) => panic!("`{other}` is not a retry setting the engine models"),
        }
    }
    assert_eq!(mode, "standard");
    // Standard mode makes three attempts unless told otherwise.
    let aws = Policy { max_attempts: max_attempts.unwrap_or(3), ..Policy::named("aws-standard").unwrap() };
    assert_eq!((aws.backoff, aws.budget), (Backoff::AwsStandard, Budget::AwsQuota));
    assert_eq!(aws, budgets.policies[0]);

    let config: serde_json::Value = serde_json::from_str(article_block("json")).unwrap();
    let keys = |v: &serde_json::Value| {
        let mut k = v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        k.sort();
        k
    };
    assert_eq!(keys(&config), ["methodConfig", "retryThrottling"]);
    let methods = config["methodConfig"].as_array().unwrap();
    assert_eq!(methods.len(), 1);
    assert_eq!(keys(&methods[0]), ["name", "retryPolicy"]);
    let retry = &methods[0]["retryPolicy"];
    assert_eq!(
        keys(retry),
        ["backoffMultiplier", "initialBackoff", "maxAttempts", "maxBackoff", "retryableStatusCodes"]
    );
    assert_eq!(retry["retryableStatusCodes"], serde_json::json!(["UNAVAILABLE"]));
    // Durations in the service config's JSON are seconds: "0.1s".
    let ms = |v: &serde_json::Value| {
        (v.as_str().unwrap().strip_suffix('s').unwrap().parse::<f64>().unwrap() * 1_000.0).round()
    };
    let throttling = &config["retryThrottling"];
    assert_eq!(keys(throttling), ["maxTokens", "tokenRatio"]);
    let grpc = Policy {
        max_attempts: retry["maxAttempts"].as_u64().unwrap() as u32,
        backoff: Backoff::Grpc {
            initial_ms: ms(&retry["initialBackoff"]),
            max_ms: ms(&retry["maxBackoff"]),
            multiplier: retry["backoffMultiplier"].as_f64().unwrap(),
        },
        budget: Budget::GrpcThrottle {
            max_tokens: throttling["maxTokens"].as_f64().unwrap(),
            token_ratio: throttling["tokenRatio"].as_f64().unwrap(),
        },
        hedge_ms: None,
        backup: None,
    };
    assert_eq!(grpc, budgets.policies[1]);
    assert_eq!(grpc.key(), Some("grpc"));
}
