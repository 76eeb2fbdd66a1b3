//! Caching: the exact policies against naive models on random traces, LRU's
//! inclusion property, Redis's sampled LRU nearing exact LRU as its samples
//! grow (the comparison Redis's eviction documentation draws), and moka's
//! TinyLFU against moka itself, decision by decision.

use playground::sim::caching::caffeine::Caffeine;
use playground::sim::caching::exact::{Exact, Order};
use playground::sim::caching::moka::{key_hash, Moka};
use playground::sim::caching::run::{run_policy, Trial};
use playground::sim::caching::workload::{Pattern, Workload};
use playground::sim::caching::Policy;
use playground::sim::kernel::rng::Rng;
use proptest::prelude::*;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex};

/// LRU as a list of keys, most recent first: the model the O(1) lists must match.
fn naive_lru(capacity: usize, trace: &[u32]) -> Vec<(bool, Option<u32>)> {
    let mut list: Vec<u32> = Vec::new();
    trace
        .iter()
        .map(|&k| match list.iter().position(|&x| x == k) {
            Some(i) => {
                list.remove(i);
                list.insert(0, k);
                (true, None)
            }
            None => {
                let evicted = (list.len() == capacity).then(|| list.pop().unwrap());
                list.insert(0, k);
                (false, evicted)
            }
        })
        .collect()
}

/// LFU as (key, count, last use): the victim has the smallest count, then the oldest last use.
fn naive_lfu(capacity: usize, trace: &[u32]) -> Vec<(bool, Option<u32>)> {
    let mut cached: Vec<(u32, u32, usize)> = Vec::new();
    trace
        .iter()
        .enumerate()
        .map(|(t, &k)| match cached.iter_mut().find(|e| e.0 == k) {
            Some(e) => {
                e.1 += 1;
                e.2 = t;
                (true, None)
            }
            None => {
                let evicted = (cached.len() == capacity).then(|| {
                    let i = (0..cached.len()).min_by_key(|&i| (cached[i].1, cached[i].2)).unwrap();
                    cached.remove(i).0
                });
                cached.push((k, 1, t));
                (false, evicted)
            }
        })
        .collect()
}

fn exact(order: Order, capacity: usize, trace: &[u32]) -> Vec<(bool, Option<u32>)> {
    let mut c = Exact::new(order, capacity, 64);
    trace.iter().map(|&k| c.access(k)).collect()
}

fn lru_hits(capacity: u32, keys: &[u32]) -> u32 {
    let w = Workload { pattern: Pattern::List { keys: keys.to_vec() }, requests: keys.len() as u32, rate: 1000 };
    run_policy(&Policy::Lru, &Trial::draw(&w, 1), &w, capacity).summary.hits
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn exact_lru_and_lfu_match_their_models(capacity in 1usize..8, trace in prop::collection::vec(0u32..12, 1..200)) {
        prop_assert_eq!(exact(Order::Lru, capacity, &trace), naive_lru(capacity, &trace));
        prop_assert_eq!(exact(Order::Lfu, capacity, &trace), naive_lfu(capacity, &trace));
    }

    /// LRU is a stack algorithm (Mattson et al., 1970): a larger cache
    /// never has fewer hits on the same trace.
    #[test]
    fn a_larger_lru_cache_never_hits_less(capacity in 1u32..20, more in 1u32..10, trace in prop::collection::vec(0u32..40, 1..300)) {
        prop_assert!(lru_hits(capacity + more, &trace) >= lru_hits(capacity, &trace));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// W-TinyLFU never holds more than its maximum, holds every key it hit
    /// or admitted, evicts only on a miss when full, and keeps each key in
    /// exactly one queue, with or without the hill climber.
    #[test]
    fn w_tinylfu_keeps_its_bounds(capacity in 1usize..40, climb: bool, trace in prop::collection::vec(0u32..120, 1..3000)) {
        let mut c = Caffeine::new(capacity, 120, climb);
        let (mut rng, mut evicted) = (Rng::new(3), Vec::new());
        for &k in &trace {
            let before = c.order().len();
            evicted.clear();
            let hit = c.access(k, &mut rng, &mut evicted);
            let order = c.order();
            prop_assert!(order.len() <= capacity);
            prop_assert!(!hit || evicted.is_empty());
            prop_assert_eq!(order.len(), before + usize::from(!hit) - evicted.len());
            let mut sorted = order.clone();
            sorted.sort_unstable();
            sorted.dedup();
            prop_assert_eq!(sorted.len(), order.len());
            prop_assert!(order.iter().all(|&x| c.contains(x)) && evicted.iter().all(|&x| !c.contains(x)));
        }
    }
}

/// The hasher moka is given: a key's hash is the engine's `key_hash`, so the
/// sketch's counters and the engine's fall in the same places. (moka's own
/// default, a randomly keyed SipHash, would differ on every run.)
#[derive(Clone, Default)]
struct EngineHash;

struct EngineHasher(u64);

impl BuildHasher for EngineHash {
    type Hasher = EngineHasher;
    fn build_hasher(&self) -> EngineHasher {
        EngineHasher(0)
    }
}

impl Hasher for EngineHasher {
    fn write(&mut self, _: &[u8]) {
        unreachable!("the keys are u32, hashed by write_u32")
    }
    fn write_u32(&mut self, key: u32) {
        self.0 = key_hash(key);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Each request through moka 0.12.10 itself, as a cache-aside client uses
/// it: `get`, and `insert` on a miss, with its pending tasks run after each
/// call; whether it hit and the key its eviction listener heard of.
fn moka_itself(capacity: u64, trace: &[u32]) -> Vec<(bool, Option<u32>)> {
    let heard = Arc::new(Mutex::new(Vec::new()));
    let listener = heard.clone();
    let cache: moka::sync::Cache<u32, (), EngineHash> = moka::sync::Cache::builder()
        .max_capacity(capacity)
        .eviction_listener(move |key: Arc<u32>, _, cause| {
            assert_eq!(cause, moka::notification::RemovalCause::Size);
            listener.lock().unwrap().push(*key);
        })
        .build_with_hasher(EngineHash);
    trace
        .iter()
        .map(|&k| {
            let hit = cache.get(&k).is_some();
            cache.run_pending_tasks();
            if !hit {
                cache.insert(k, ());
                cache.run_pending_tasks();
            }
            let mut heard = heard.lock().unwrap();
            assert!(heard.len() <= 1, "one key in, at most one out");
            (hit, heard.pop())
        })
        .collect()
}

fn moka_engine(capacity: usize, trace: &[u32]) -> Vec<(bool, Option<u32>)> {
    let mut c = Moka::new(capacity, 1 << 12);
    trace.iter().map(|&k| c.access(k)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Every hit, admission and eviction the same as moka's, on skewed and
    /// flat random traces through small caches (where the sketch starts
    /// late, halves often and collides).
    #[test]
    fn moka_tinylfu_decides_as_moka_does(
        capacity in 1u64..80,
        skewed: bool,
        draws in prop::collection::vec(0u32..4_000, 1..3_000),
    ) {
        // A skewed trace squares a uniform draw into the low keys.
        let trace: Vec<u32> = draws.iter().map(|&d| if skewed { d * d / 4_000 / 8 } else { d / 16 }).collect();
        prop_assert_eq!(moka_engine(capacity as usize, &trace), moka_itself(capacity, &trace));
    }
}

/// The same on a long Zipf trace through a cache larger than moka's smallest sketch.
#[test]
fn moka_tinylfu_matches_moka_on_a_long_zipf_trace() {
    let w = Workload { pattern: Pattern::Zipf { keys: 4_000, skew: 0.9 }, requests: 60_000, rate: 1000 };
    let trace = Trial::draw(&w, 11).keys;
    let (ours, theirs) = (moka_engine(300, &trace), moka_itself(300, &trace));
    let hits = ours.iter().filter(|o| o.0).count();
    assert!(hits > 20_000, "{hits}");
    assert_eq!(ours, theirs);
}

/// Redis's sampled LRU approaches exact LRU as `maxmemory-samples` grows:
/// one sample misses far more, ten are within half a point.
#[test]
fn sampled_lru_nears_exact_lru_as_samples_grow() {
    let w = Workload { pattern: Pattern::Zipf { keys: 20_000, skew: 1.0 }, requests: 100_000, rate: 1000 };
    let trial = Trial::draw(&w, 5);
    let ratio = |p: Policy| run_policy(&p, &trial, &w, 1_000).summary.hit_ratio;
    let exact = ratio(Policy::Lru);
    let gap = |samples| (exact - ratio(Policy::RedisLru { samples })).abs();
    let (one, five, ten) = (gap(1), gap(5), gap(10));
    assert!(one > five && five >= ten, "gaps {one} {five} {ten}");
    assert!(ten < 0.005, "ten samples: {ten} from exact LRU");
    assert!(one > 0.01, "one sample: {one} from exact LRU");
}

/// Redis itself, replayed by `scripts/golden/caching_redis.py`: a real
/// redis-server with `maxmemory`, fed the same requests at the same rate.
/// Redis draws its samples from its own random generator and counts bytes,
/// not keys, so the comparison is of hit ratios, at the number of keys Redis
/// held, within a tolerance per policy (see tests/golden/caching/README.md).
#[test]
fn redis_itself_hits_as_the_engine_does() {
    let golden: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("tests/golden/caching/redis.json").unwrap()).unwrap();
    for case in golden["cases"].as_array().unwrap() {
        let mut s: playground::scenario::CachingScenario =
            playground::scenario::json::from_str(&golden["scenario"].to_string()).unwrap();
        s.capacity = case["keys_held"].as_u64().unwrap() as u32;
        s.policies = vec![playground::scenario::json::from_str(&case["policy"].to_string()).unwrap()];
        let ours = s.run().unwrap()[0].summary;
        let theirs = case["hits"].as_f64().unwrap() / case["requests"].as_f64().unwrap();
        let gap = (ours.hit_ratio - theirs).abs();
        assert_eq!(ours.requests as u64, case["requests"].as_u64().unwrap());
        // LRU's sampling moves the ratio by hundredths of a point; LFU's
        // counter also draws for every hit, so it strays further (see the README).
        let tolerance = if s.policies[0].name() == "redis-lfu" { 0.006 } else { 0.003 };
        assert!(gap <= tolerance, "{}: Redis {theirs:.4}, engine {:.4}", case["policy"], ours.hit_ratio);
    }
}

/// A fenced block of `lang` in `text`: its body and where the block ends.
fn fenced<'a>(text: &'a str, lang: &str) -> (&'a str, usize) {
    let open = format!("```{lang}\n");
    let start = text.find(&open).unwrap_or_else(|| panic!("no {lang} block")) + open.len();
    let len = text[start..].find("```").unwrap();
    (&text[start..start + len], start + len + 3)
}

/// The Caffeine builder the eviction article shows is the W-TinyLFU lane of
/// the widget beside it: a cache bounded by its number of entries, with
/// nothing the engine does not model (expiry, weights, refresh).
#[test]
fn the_eviction_articles_caffeine_builder_is_its_widgets_lane() {
    use playground::sim::caching::presets::preset;
    let text = std::fs::read_to_string("articles/caching.md").unwrap();
    let (java, end) = fenced(&text, "java");
    assert!(java.contains("Caffeine.newBuilder()"), "{java}");
    let at = java.find(".maximumSize(").expect("a maximumSize") + ".maximumSize(".len();
    let size: u32 = java[at..at + java[at..].find(')').unwrap()].replace('_', "").parse().unwrap();
    for unmodelled in ["maximumWeight", "weigher", "expireAfter", "refreshAfter", "Async"] {
        assert!(!java.contains(unmodelled), "the engine does not model `{unmodelled}`");
    }
    // The next widget is the one the builder configures.
    let widget = &text[end..];
    let widget = &widget[widget.find("```widget\n").unwrap()..];
    assert!(
        widget[..widget[10..].find("```").unwrap()].contains("preset: tinylfu"),
        "the builder is not beside the tinylfu widget"
    );
    let s = preset("tinylfu").unwrap();
    assert_eq!(size, s.capacity);
    assert!(s.policies.contains(&Policy::Caffeine));
}

/// The numbers the eviction article's takeaways and questions quote, from the engine.
#[test]
fn the_eviction_articles_answers_come_from_the_engine() {
    use playground::sim::caching::presets::preset;
    use playground::sim::caching::run::PolicyRun;
    let article = std::fs::read_to_string("articles/caching.md").unwrap();
    let quotes = |text: &str| assert!(article.contains(text), "the article no longer says `{text}`");
    let pct = |r: f64| format!("{:.1}%", r * 100.0);
    let ratios = |runs: &[PolicyRun]| runs.iter().map(|r| pct(r.summary.hit_ratio)).collect::<Vec<_>>();
    // A quarter of the run: its hits over its requests.
    let quarter = |run: &PolicyRun, q: usize| {
        let bins = &run.bins[q * run.bins.len() / 4..(q + 1) * run.bins.len() / 4];
        let (n, h) = bins.iter().fold((0, 0), |(n, h), b| (n + b.requests, h + b.hits));
        pct(f64::from(h) / f64::from(n))
    };

    let runs = preset("scan").unwrap().run().unwrap();
    assert_eq!(ratios(&runs), ["42.5%", "46.0%", "45.1%"]);
    let hot = |run: &PolicyRun| run.bins.last().unwrap().hot_cached.count_ones();
    assert_eq!((hot(&runs[0]), hot(&runs[1]), hot(&runs[2])), (0, 32, 32));
    quotes("brings LRU down to 42.5%, and it ends the run holding none of the 32 hottest keys");
    quotes("exact LFU hits 46.0% and Redis's LFU 45.1%");

    let runs = preset("samples").unwrap().run().unwrap();
    assert_eq!(ratios(&runs), ["62.1%", "65.6%", "65.7%"]);
    assert_eq!(ratios(&preset("zipf").unwrap().run().unwrap())[0], "65.7%");
    quotes("one sample hits 62.1%, five 65.6% and ten 65.7%");
    quotes("it hits 65.6% against exact LRU's 65.7%");

    let shifting = preset("shifting").unwrap();
    let runs = shifting.run().unwrap();
    assert_eq!(
        [quarter(&runs[0], 0), quarter(&runs[0], 3), quarter(&runs[1], 3), quarter(&runs[2], 3)],
        ["66.2%", "37.1%", "61.5%", "64.2%"]
    );
    let mut no_decay = shifting.clone();
    no_decay.policies[1] = Policy::RedisLfu { samples: 5, log_factor: 10, decay_minutes: 0 };
    assert_eq!(quarter(&no_decay.run().unwrap()[1], 3), "57.9%");
    quotes("exact LFU falls from 66.2% in the first quarter to 37.1% in the last");
    quotes("holds 61.5%, still below LRU's 64.2%");
    quotes("With decay off (0) its last quarter falls to 57.9%");

    let tinylfu = preset("tinylfu").unwrap();
    assert_eq!(ratios(&tinylfu.run().unwrap()), ["42.5%", "45.1%", "46.2%"]);
    let mut small = tinylfu.clone();
    small.capacity = 500;
    assert_eq!(ratios(&small.run().unwrap()), ["29.1%", "34.5%", "34.8%"]);
    quotes("LRU hits 29.1%, Redis's LFU 34.5% and W-TinyLFU 34.8%");
    quotes("the same three hit 42.5%, 45.1% and 46.2%");
    quotes("Caffeine's W-TinyLFU hits 34.8% against LRU's 29.1%");
    let mut moving = shifting.clone();
    moving.policies[0] = Policy::Caffeine;
    assert_eq!(quarter(&moving.run().unwrap()[0], 3), "55.7%");
    quotes("it trails LRU (55.7% against 64.2% in the last quarter)");
}
