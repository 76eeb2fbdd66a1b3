//! Named starting scenarios, used by article widget blocks (`preset:`) and the
//! widget's preset menu.

use super::{
    CircuitBreakerScenario, HashRingScenario, HashRingTag, RateLimiterScenario, ShardingScenario, ShardingTag, View,
    VERSION,
};
use crate::sim::circuit_breaker::consecutive::ConsecutiveConfig;
use crate::sim::circuit_breaker::run::{BreakerConfig, Dependency, Phase};
use crate::sim::circuit_breaker::{Config, WindowType};
use crate::sim::hash_ring::run::{Change, KeySet, Variant};
use crate::sim::hash_ring::Node;
use crate::sim::kernel::traffic::{Arrival, Traffic};
use crate::sim::rate_limiter::{Algorithm, LimiterConfig, NginxDelay};
use crate::sim::sharding::config::SchemeConfig;
use crate::sim::sharding::reshard::Reshard;
use crate::sim::sharding::workload::{Keys, Workload};

use super::Scenario;

/// The preset `name` of `widget`, as a scenario of any kind.
pub fn named(widget: &str, name: &str) -> Option<Scenario> {
    match widget {
        #[cfg(any(feature = "rate-limiter", not(target_arch = "wasm32")))]
        "rate-limiter" => rate_limiter(name).map(Scenario::RateLimiter),
        #[cfg(any(feature = "circuit-breaker", not(target_arch = "wasm32")))]
        "circuit-breaker" => circuit_breaker(name).map(Scenario::CircuitBreaker),
        #[cfg(any(feature = "hash-ring", not(target_arch = "wasm32")))]
        "hash-ring" => hash_ring(name).map(Scenario::HashRing),
        #[cfg(any(feature = "sharding", not(target_arch = "wasm32")))]
        "sharding" => sharding(name).map(Scenario::Sharding),
        _ => None,
    }
}

/// Every preset of every family in this build, as `(kind, name, scenario)`,
/// family by family and each in menu order.
pub fn all() -> Vec<(&'static str, &'static str, Scenario)> {
    let lists: [(&str, &[(&str, &str)]); 4] = [
        ("rate-limiter", &RATE_LIMITER),
        ("circuit-breaker", &CIRCUIT_BREAKER),
        ("hash-ring", &HASH_RING),
        ("sharding", &SHARDING),
    ];
    lists
        .into_iter()
        .flat_map(|(kind, list)| list.iter().filter_map(move |(name, _)| Some((kind, *name, named(kind, name)?))))
        .collect()
}

/// Preset names with a one-line description, in menu order.
pub const RATE_LIMITER: [(&str, &str); 6] = [
    ("default", "10,000 bursty requests against GCRA, token bucket and sliding counter"),
    ("overview", "Bursty traffic against GCRA, token bucket and sliding counter"),
    ("boundary-burst", "Ten requests across a fixed-window boundary"),
    ("nginx-modes", "nginx nodelay, delay=2 and default queueing on a spike"),
    ("gcra-vs-token-bucket", "GCRA and token bucket agree on Poisson traffic"),
    ("cost", "Weighted requests (cost 10) against three limiters"),
];

fn lane(algorithm: Algorithm, limit: u32, period_ms: u64, burst: Option<u32>) -> LimiterConfig {
    LimiterConfig { burst, ..LimiterConfig::new(algorithm, limit, period_ms) }
}

fn scenario(duration_ms: u64, traffic: Traffic, limiters: Vec<LimiterConfig>) -> RateLimiterScenario {
    RateLimiterScenario {
        widget: Default::default(),
        version: VERSION,
        seed: 42,
        duration_ms,
        traffic,
        limiters,
        extra: vec![],
        view: View::default(),
    }
}

/// The rate-limiter preset called `name`.
pub fn rate_limiter(name: &str) -> Option<RateLimiterScenario> {
    use Algorithm::*;
    Some(match name {
        "default" => scenario(
            100_000,
            Traffic::Bursty { rps: 400.0, on_ms: 500, off_ms: 1500, cost: 1 },
            vec![
                lane(Gcra, 100, 1000, Some(100)),
                lane(TokenBucket, 100, 1000, Some(100)),
                lane(SlidingCounter, 100, 1000, None),
            ],
        ),
        "overview" => scenario(
            20_000,
            Traffic::Bursty { rps: 40.0, on_ms: 500, off_ms: 1500, cost: 1 },
            vec![
                lane(Gcra, 10, 1000, Some(10)),
                lane(TokenBucket, 10, 1000, Some(10)),
                lane(SlidingCounter, 10, 1000, None),
            ],
        ),
        "boundary-burst" => {
            let mut requests: Vec<Arrival> = Vec::new();
            requests.extend([Arrival(9_900.0, 1); 5]);
            requests.extend([Arrival(10_100.0, 1); 5]);
            requests.extend([12_000.0, 15_000.0, 19_000.0, 21_000.0, 25_000.0].map(|t| Arrival(t, 1)));
            scenario(
                30_000,
                Traffic::List { requests },
                vec![
                    lane(FixedWindow, 5, 10_000, None),
                    lane(SlidingLog, 5, 10_000, None),
                    lane(SlidingCounter, 5, 10_000, None),
                ],
            )
        }
        "nginx-modes" => {
            let nginx = |delay| LimiterConfig { delay, ..lane(Nginx, 2, 1000, Some(5)) };
            scenario(
                10_000,
                Traffic::Spike { base_rps: 1.0, spike_rps: 20.0, spike_at_ms: 3000, spike_ms: 1000, cost: 1 },
                vec![nginx(NginxDelay::NoDelay), nginx(NginxDelay::Delay(2)), nginx(NginxDelay::Delay(0))],
            )
        }
        "gcra-vs-token-bucket" => scenario(
            20_000,
            Traffic::Poisson { rps: 12.0, cost: 1 },
            vec![lane(Gcra, 10, 1000, Some(5)), lane(TokenBucket, 10, 1000, Some(5))],
        ),
        "cost" => scenario(
            20_000,
            Traffic::Poisson { rps: 12.0, cost: 10 },
            vec![
                lane(Gcra, 100, 1000, Some(100)),
                lane(TokenBucket, 100, 1000, Some(100)),
                lane(SlidingLog, 100, 1000, None),
            ],
        ),
        _ => return None,
    })
}

/// Circuit-breaker preset names with a one-line description, in menu order.
pub const CIRCUIT_BREAKER: [(&str, &str); 7] = [
    ("outage", "A 20 s hard outage: Resilience4j (count window) beside pybreaker"),
    ("slow-calls", "Slow but successful calls: only the slow-call rate can open a breaker"),
    ("count-vs-time", "Bursty traffic into an outage: count-based beside time-based window"),
    ("half-open", "A flapping dependency probed by 3 trial calls, automatic half-open"),
    ("partial", "30% of calls failing: thresholds of 50% and 25%"),
    ("flapping", "A flapping dependency: Resilience4j beside pybreaker"),
    ("stress", "100,000 calls in 100 s through two breakers, with an outage"),
];

/// Resilience4j as the circuit-breaker presets configure it: a 20-call
/// window deciding from 10 calls at 50 % failures, 5 s open, 5 trial calls.
pub fn resilience4j() -> Config {
    Config {
        sliding_window_size: 20,
        minimum_number_of_calls: 10,
        wait_duration_in_open_state_ms: 5_000,
        permitted_number_of_calls_in_half_open_state: 5,
        ..Config::default()
    }
}

/// pybreaker as the presets configure it: 5 consecutive failures, 5 s reset.
pub fn pybreaker() -> ConsecutiveConfig {
    ConsecutiveConfig { fail_max: 5, reset_timeout_ms: 5_000, success_threshold: 1 }
}

fn breaker_scenario(
    duration_ms: u64,
    traffic: Traffic,
    script: &str,
    breakers: Vec<BreakerConfig>,
) -> CircuitBreakerScenario {
    CircuitBreakerScenario {
        widget: Default::default(),
        version: VERSION,
        seed: 7,
        duration_ms,
        traffic,
        dependency: Dependency::script(script, duration_ms).unwrap_or(Dependency { phases: vec![] }),
        breakers,
        view: View::default(),
    }
}

/// The circuit-breaker preset called `name` (`default` is `outage`).
pub fn circuit_breaker(name: &str) -> Option<CircuitBreakerScenario> {
    use BreakerConfig::{Consecutive, Resilience4j};
    let poisson = Traffic::Poisson { rps: 20.0, cost: 1 };
    Some(match name {
        "default" | "outage" => {
            breaker_scenario(60_000, poisson, "outage", vec![Resilience4j(resilience4j()), Consecutive(pybreaker())])
        }
        "slow-calls" => breaker_scenario(
            60_000,
            poisson,
            "slow",
            vec![
                Resilience4j(Config {
                    slow_call_duration_threshold_ms: 1_000,
                    slow_call_rate_threshold: 50.0,
                    ..resilience4j()
                }),
                Consecutive(pybreaker()),
            ],
        ),
        "count-vs-time" => {
            let mut s = breaker_scenario(
                60_000,
                Traffic::Bursty { rps: 40.0, on_ms: 500, off_ms: 1500, cost: 1 },
                "outage",
                vec![
                    Resilience4j(resilience4j()),
                    Resilience4j(Config {
                        sliding_window_type: WindowType::TimeBased,
                        sliding_window_size: 10,
                        ..resilience4j()
                    }),
                ],
            );
            s.dependency = Dependency { phases: vec![Phase::healthy(0), Phase::down(20_000), Phase::healthy(40_000)] };
            s
        }
        "half-open" => breaker_scenario(
            60_000,
            poisson,
            "flapping",
            vec![Resilience4j(Config {
                permitted_number_of_calls_in_half_open_state: 3,
                automatic_transition_from_open_to_half_open: true,
                ..resilience4j()
            })],
        ),
        "partial" => breaker_scenario(
            60_000,
            poisson,
            "partial",
            vec![Resilience4j(resilience4j()), Resilience4j(Config { failure_rate_threshold: 25.0, ..resilience4j() })],
        ),
        "flapping" => {
            breaker_scenario(60_000, poisson, "flapping", vec![Resilience4j(resilience4j()), Consecutive(pybreaker())])
        }
        "stress" => {
            let mut s = breaker_scenario(
                100_000,
                Traffic::Steady { rps: 1000.0, cost: 1 },
                "outage",
                vec![
                    Resilience4j(Config {
                        sliding_window_type: WindowType::TimeBased,
                        sliding_window_size: 10,
                        minimum_number_of_calls: 100,
                        ..resilience4j()
                    }),
                    Consecutive(pybreaker()),
                ],
            );
            s.seed = 9;
            s
        }
        _ => return None,
    })
}

/// Hash-ring preset names with a one-line description, in menu order.
pub const HASH_RING: [(&str, &str); 4] = [
    ("add-node", "100,000 keys on 10 caches, then an 11th: modulo, ketama and jump"),
    ("remove-node", "100,000 keys on 10 caches, then one leaves: ketama, rendezvous and Maglev"),
    ("hot-keys", "100,000 Zipf requests over 1,000 keys: ketama beside bounded loads at 125%"),
    ("weighted", "Caches of weights 1 to 4: ketama, weighted rendezvous and Maglev"),
];

fn caches(n: usize) -> Vec<Node> {
    (1..=n).map(|i| Node::new(format!("cache-{i}:11211"))).collect()
}

fn ring_scenario(nodes: Vec<Node>, keys: KeySet, variants: Vec<Variant>, change: Option<Change>) -> HashRingScenario {
    HashRingScenario {
        widget: HashRingTag::HashRing,
        version: VERSION,
        seed: 1,
        nodes,
        keys,
        variants,
        change,
        view: View::default(),
    }
}

/// The hash-ring preset called `name` (`default` is `add-node`).
pub fn hash_ring(name: &str) -> Option<HashRingScenario> {
    let uniform = KeySet::Uniform { count: 100_000 };
    let maglev = Variant::Maglev { table_size: 65537 };
    Some(match name {
        "default" | "add-node" => ring_scenario(
            caches(10),
            uniform,
            vec![Variant::Modulo, Variant::Ketama, Variant::Jump],
            Some(Change::Add(Node::new("cache-11:11211"))),
        ),
        "remove-node" => ring_scenario(
            caches(10),
            uniform,
            vec![Variant::Ketama, Variant::Rendezvous, maglev],
            Some(Change::Remove("cache-4:11211".into())),
        ),
        "hot-keys" => ring_scenario(
            caches(10),
            KeySet::Zipf { count: 100_000, distinct: 1_000 },
            vec![Variant::Ketama, Variant::BoundedLoads { factor: 125 }],
            Some(Change::Add(Node::new("cache-11:11211"))),
        ),
        "weighted" => ring_scenario(
            (1..=8).map(|i| Node::weighted(format!("cache-{i}:11211"), (i as u32 - 1) % 4 + 1)).collect(),
            uniform,
            vec![Variant::Ketama, Variant::Rendezvous, maglev],
            Some(Change::Reweight { name: "cache-1:11211".into(), weight: 4 }),
        ),
        _ => return None,
    })
}

/// Sharding preset names with a one-line description, in menu order.
pub const SHARDING: [(&str, &str); 5] = [
    ("sequential-ids", "100,000 auto-increment ids: ranges, hash modulo 4 and Vitess; the hottest shard splits"),
    ("timestamps", "Rows keyed by creation time: the last range takes every write; hashing spreads them"),
    ("celebrity", "Zipf writers: one user's rows pile onto one shard under every scheme"),
    ("add-shard", "A fifth server joins four: hash modulo moves 4 rows in 5; MongoDB and Citus move whole chunks"),
    ("regions", "Users in eight countries: Vitess's region vindex keeps each country on one shard; hashing spreads it"),
];

fn sharding_scenario(keys: Keys, schemes: Vec<SchemeConfig>, reshard: Option<Reshard>) -> ShardingScenario {
    ShardingScenario {
        widget: ShardingTag::Sharding,
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
pub fn sharding(name: &str) -> Option<ShardingScenario> {
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
                SchemeConfig::Citus { shard_count: 4, nodes: None },
            ],
            Some(Reshard::SplitHottest),
        ),
        "celebrity" => sharding_scenario(
            Keys::Zipf { distinct: 10_000 },
            vec![SchemeConfig::HashMod { shards: 4 }, vitess, SchemeConfig::Mongo { chunks: 4, servers: None }],
            None,
        ),
        "add-shard" => sharding_scenario(
            Keys::Uniform { max: 1 << 40 },
            vec![
                SchemeConfig::HashMod { shards: 4 },
                SchemeConfig::Mongo { chunks: 16, servers: Some(4) },
                SchemeConfig::Citus { shard_count: 32, nodes: Some(4) },
            ],
            Some(Reshard::AddShard),
        ),
        "regions" => {
            let mut s = sharding_scenario(Keys::Sequential, vec![vitess, SchemeConfig::HashMod { shards: 4 }], None);
            s.workload.countries = crate::sim::sharding::region::example_countries();
            s.schemes.insert(0, SchemeConfig::named("region", 4, &s.schemes[1], &s.workload));
            s
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sharding_preset_is_valid() {
        for (name, _) in SHARDING {
            sharding(name)
                .unwrap_or_else(|| panic!("missing preset {name}"))
                .validate()
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    #[test]
    fn every_hash_ring_preset_is_valid() {
        for (name, _) in HASH_RING {
            hash_ring(name)
                .unwrap_or_else(|| panic!("missing preset {name}"))
                .validate()
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert_eq!(hash_ring("default"), hash_ring("add-node"));
    }

    #[test]
    fn the_stress_preset_makes_100_000_calls() {
        assert_eq!(circuit_breaker("stress").unwrap().trial().requests.len(), 100_000);
    }

    #[test]
    fn every_breaker_preset_is_valid() {
        for (name, _) in CIRCUIT_BREAKER {
            let s = circuit_breaker(name).unwrap_or_else(|| panic!("missing preset {name}"));
            s.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert_eq!(circuit_breaker("default"), circuit_breaker("outage"));
        assert!(circuit_breaker("nope").is_none());
    }

    #[test]
    fn every_preset_is_valid() {
        for (name, _) in RATE_LIMITER {
            let s = rate_limiter(name).unwrap_or_else(|| panic!("missing preset {name}"));
            s.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert!(rate_limiter("nope").is_none());
    }

    #[test]
    fn default_preset_has_ten_thousand_requests() {
        assert_eq!(rate_limiter("default").unwrap().requests().len(), 10_000);
    }
}
