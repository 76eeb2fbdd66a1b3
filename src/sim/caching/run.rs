//! A workload's requests through one eviction policy: each request's hit or
//! miss and eviction, the hit ratio over time, and which of the most
//! requested keys are cached as the run goes.

use super::caffeine::Caffeine;
use super::exact::{Exact, Order};
use super::moka::Moka;
use super::redis::{Mode, Redis};
use super::workload::Workload;
use super::Policy;
use crate::scenario::json::{Obj, ToJson};
use crate::sim::kernel::rng::Rng;

/// Slices a run is binned into for drawing.
pub const BINS: usize = 100;
/// How many of the most requested keys the run follows.
pub const HOT: usize = 32;

/// A workload drawn from its seed: the keys requested, the most requested
/// keys, and the seed every policy's own draws start from (the same for
/// every policy, so a lane's result does not depend on the others).
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    pub keys: Vec<u32>,
    /// The [`HOT`] most requested keys, most requested first (ties: lower key first).
    pub hot: Vec<u32>,
    pub universe: usize,
    pub policy_seed: u64,
}

impl Trial {
    /// Draws `workload` from a generator seeded with `seed`.
    pub fn draw(workload: &Workload, seed: u64) -> Trial {
        let mut rng = Rng::new(seed);
        let keys = workload.draw(&mut rng);
        let universe = workload.universe() as usize;
        let mut counts = vec![0u32; universe];
        for &k in &keys {
            counts[k as usize] += 1;
        }
        // The HOT largest counts, kept sorted: (count, key), best first.
        let mut best: Vec<(u32, u32)> = Vec::with_capacity(HOT + 1);
        for (k, &c) in counts.iter().enumerate() {
            if c == 0 || (best.len() == HOT && c <= best[HOT - 1].0) {
                continue;
            }
            let at = best.partition_point(|&(bc, _)| bc >= c);
            best.insert(at, (c, k as u32));
            best.truncate(HOT);
        }
        Trial { keys, hot: best.into_iter().map(|(_, k)| k).collect(), universe, policy_seed: rng.next_u64() }
    }
}

/// A run's totals.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Summary {
    pub requests: u32,
    pub hits: u32,
    pub misses: u32,
    pub hit_ratio: f64,
    pub evictions: u32,
}

/// One slice of a run: its requests, hits and evictions, and which of the
/// trial's hot keys were cached at its end (bit i for `hot[i]`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bin {
    pub requests: u32,
    pub hits: u32,
    pub evictions: u32,
    pub hot_cached: u32,
}

/// One request's outcome, in four bytes (a traced run keeps one per
/// request): whether it hit, and the key evicted at this request, if any:
/// to make room for its write under the exact policies, Caffeine and moka,
/// or the new key itself when Caffeine's or moka's admission turns it away;
/// under Redis, which evicts before each command runs, for the previous
/// miss's write, so a hit can carry one and a run's last miss evicts nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome(u32);

impl Outcome {
    /// The top bit: the request hit.
    const HIT: u32 = 1 << 31;
    /// The other bits all set: nothing evicted (keys are below 2³¹ − 1).
    const NONE: u32 = Self::HIT - 1;

    pub fn new(hit: bool, evicted: Option<u32>) -> Outcome {
        debug_assert!(evicted.is_none_or(|k| k < Self::NONE));
        Outcome(if hit { Self::HIT } else { 0 } | evicted.unwrap_or(Self::NONE))
    }

    /// Whether the request hit.
    pub fn hit(self) -> bool {
        self.0 & Self::HIT != 0
    }

    /// The key evicted at this request.
    pub fn evicted(self) -> Option<u32> {
        Some(self.0 & Self::NONE).filter(|&k| k != Self::NONE)
    }
}

/// A policy's run over a trial.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyRun {
    pub policy: Policy,
    pub summary: Summary,
    pub bins: Vec<Bin>,
    /// Every request's outcome, kept by [`trace_policy`] for the CSV trace
    /// (empty from [`run_policy`]); not reported in JSON.
    pub outcomes: Vec<Outcome>,
}

impl ToJson for Summary {
    fn write(&self, out: &mut String) {
        Obj::new(out)
            .field("requests", &self.requests)
            .field("hits", &self.hits)
            .field("misses", &self.misses)
            .field("hit_ratio", &self.hit_ratio)
            .field("evictions", &self.evictions)
            .end();
    }
}

impl ToJson for Bin {
    fn write(&self, out: &mut String) {
        Obj::new(out)
            .field("requests", &self.requests)
            .field("hits", &self.hits)
            .field("evictions", &self.evictions)
            .field("hot_cached", &self.hot_cached)
            .end();
    }
}

/// The policy, its totals and its slices (not its outcomes).
impl ToJson for PolicyRun {
    fn write(&self, out: &mut String) {
        Obj::new(out).field("policy", &self.policy).field("summary", &self.summary).field("bins", &self.bins).end();
    }
}

impl PolicyRun {
    /// Totals up to and including slice `upto` (the whole run when `None`).
    pub fn summary_until(&self, upto: Option<usize>) -> Summary {
        let Some(last) = upto else { return self.summary };
        let (requests, hits, evictions) = self.bins[..=last.min(BINS - 1)]
            .iter()
            .fold((0, 0, 0), |(n, h, e), b| (n + b.requests, h + b.hits, e + b.evictions));
        Summary::of(requests, hits, evictions)
    }
}

impl Summary {
    /// The totals of `requests` of which `hits` hit, with `evictions`.
    pub fn of(requests: u32, hits: u32, evictions: u32) -> Summary {
        Summary { requests, hits, misses: requests - hits, hit_ratio: hit_ratio(hits, requests), evictions }
    }
}

/// `hits` over `requests`: 0 with no requests.
pub fn hit_ratio(hits: u32, requests: u32) -> f64 {
    if requests == 0 {
        0.0
    } else {
        f64::from(hits) / f64::from(requests)
    }
}

/// One cache under any policy.
enum Cache {
    Exact(Exact),
    Redis(Box<Redis>),
    Caffeine(Box<Caffeine>),
    Moka(Box<Moka>),
}

/// Runs `trial` through a cache of `capacity` keys under `policy`.
pub fn run_policy(policy: &Policy, trial: &Trial, workload: &Workload, capacity: u32) -> PolicyRun {
    run(policy, trial, workload, capacity, false)
}

/// [`run_policy`], keeping every request's outcome.
pub fn trace_policy(policy: &Policy, trial: &Trial, workload: &Workload, capacity: u32) -> PolicyRun {
    run(policy, trial, workload, capacity, true)
}

fn run(policy: &Policy, trial: &Trial, workload: &Workload, capacity: u32, trace: bool) -> PolicyRun {
    let (cap, n) = (capacity as usize, trial.universe);
    let mut cache = match *policy {
        Policy::Fifo => Cache::Exact(Exact::new(Order::Fifo, cap, n)),
        Policy::Lru => Cache::Exact(Exact::new(Order::Lru, cap, n)),
        Policy::Lfu => Cache::Exact(Exact::new(Order::Lfu, cap, n)),
        Policy::RedisLru { samples } => Cache::Redis(Box::new(Redis::new(Mode::Lru, samples, cap, n))),
        Policy::RedisLfu { samples, log_factor, decay_minutes } => {
            Cache::Redis(Box::new(Redis::new(Mode::Lfu { log_factor, decay_minutes }, samples, cap, n)))
        }
        Policy::Caffeine => Cache::Caffeine(Box::new(Caffeine::new(cap, n, true))),
        Policy::WTinyLfu => Cache::Caffeine(Box::new(Caffeine::new(cap, n, false))),
        Policy::Moka => Cache::Moka(Box::new(Moka::new(cap, n))),
    };
    let mut gone = Vec::with_capacity(1);
    let mut rng = Rng::new(trial.policy_seed);
    let total = trial.keys.len();
    let mut outcomes = Vec::with_capacity(if trace { total } else { 0 });
    let mut bins = vec![Bin::default(); BINS];
    let (mut hits, mut evictions) = (0, 0);
    let mut next_bin_end = 0;
    let mut bin = 0;
    for ((i, &key), now_ms) in trial.keys.iter().enumerate().zip(workload.times()) {
        let (hit, evicted) = match &mut cache {
            Cache::Exact(c) => c.access(key),
            Cache::Moka(c) => c.access(key),
            Cache::Redis(r) => r.access(key, now_ms, &mut rng),
            Cache::Caffeine(c) => {
                // One key in, one out: a full cache evicts exactly one per miss.
                gone.clear();
                (c.access(key, &mut rng, &mut gone), gone.pop())
            }
        };
        if trace {
            outcomes.push(Outcome::new(hit, evicted));
        }
        hits += u32::from(hit);
        evictions += u32::from(evicted.is_some());
        if i >= next_bin_end {
            bin = i * BINS / total;
            next_bin_end = ((bin + 1) * total).div_ceil(BINS);
        }
        bins[bin].requests += 1;
        bins[bin].hits += u32::from(hit);
        bins[bin].evictions += u32::from(evicted.is_some());
        if i + 1 == next_bin_end || i + 1 == total {
            let cached = |k: u32| match &cache {
                Cache::Exact(c) => c.contains(k),
                Cache::Redis(r) => r.contains(k),
                Cache::Caffeine(c) => c.contains(k),
                Cache::Moka(c) => c.contains(k),
            };
            bins[bin].hot_cached =
                trial.hot.iter().enumerate().fold(0, |m, (b, &k)| if cached(k) { m | 1 << b } else { m });
        }
    }
    // A slice no request fell in (a run shorter than BINS) holds what the one before held.
    for b in 1..BINS {
        if bins[b].requests == 0 {
            bins[b].hot_cached = bins[b - 1].hot_cached;
        }
    }
    PolicyRun { policy: policy.clone(), summary: Summary::of(total as u32, hits, evictions), bins, outcomes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::caching::workload::Pattern;

    fn workload(pattern: Pattern, requests: u32) -> Workload {
        Workload { pattern, requests, rate: 1000 }
    }

    #[test]
    fn a_loop_one_larger_than_the_cache_defeats_the_exact_policies() {
        let w = workload(Pattern::Loop { keys: 101 }, 10_100);
        let t = Trial::draw(&w, 1);
        // In-cache LFU too: every key enters at one and is evicted before its second request.
        for p in [Policy::Lru, Policy::Fifo, Policy::Lfu] {
            assert_eq!(run_policy(&p, &t, &w, 100).summary.hits, 0, "{}", p.name());
        }
        // Sampling evicts a key idle long, not the one idle longest: some keys survive a lap.
        assert!(run_policy(&Policy::RedisLru { samples: 5 }, &t, &w, 100).summary.hits > 1_000);
    }

    #[test]
    fn an_outcome_packs_a_hit_and_an_eviction() {
        for (hit, evicted) in [(true, None), (false, None), (true, Some(0)), (false, Some(7)), (false, Some((1 << 31) - 2))] {
            let o = Outcome::new(hit, evicted);
            assert_eq!((o.hit(), o.evicted()), (hit, evicted));
        }
        assert_eq!(std::mem::size_of::<Outcome>(), 4);
    }

    #[test]
    fn bins_count_every_request_and_the_hot_keys() {
        let w = workload(Pattern::Zipf { keys: 1000, skew: 1.0 }, 12_345);
        let t = Trial::draw(&w, 3);
        assert_eq!(t.hot.len(), HOT);
        assert_eq!(t.hot[0], 0, "the first Zipf key is the most requested");
        let r = trace_policy(&Policy::Lru, &t, &w, 200);
        assert_eq!(r.bins.iter().map(|b| b.requests).sum::<u32>(), 12_345);
        assert_eq!(r.bins.iter().map(|b| b.evictions).sum::<u32>(), r.summary.evictions);
        assert_eq!(run_policy(&Policy::Lru, &t, &w, 200), PolicyRun { outcomes: Vec::new(), ..r.clone() });
        assert_eq!(r.bins.iter().map(|b| b.hits).sum::<u32>(), r.summary.hits);
        assert_eq!(r.outcomes.len(), 12_345);
        // The hottest key is cached once the run is under way.
        assert!(r.bins[BINS - 1].hot_cached & 1 == 1);
        // Twelve requests in a hundred slices: the empty slices keep what the cache held.
        let w = workload(Pattern::List { keys: vec![1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5] }, 12);
        let t = Trial::draw(&w, 1);
        assert_eq!(t.hot, [1, 2, 3, 4, 5]);
        let fifo = run_policy(&Policy::Fifo, &t, &w, 3);
        // FIFO ends holding 5, 3 and 4 (the hot list's bits 4, 2 and 3).
        assert_eq!(fifo.bins[BINS - 1].hot_cached, 0b11100);
    }
}
