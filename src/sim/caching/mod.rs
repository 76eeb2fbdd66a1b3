//! Cache eviction: which key a full cache gives up when a new one arrives,
//! as exact textbook policies and as Redis computes it.
//!
//! | policy | reference |
//! |---|---|
//! | [`Policy::Fifo`] | first in, first out: a hit changes nothing |
//! | [`Policy::Lru`] | exact least recently used |
//! | [`Policy::Lfu`] | exact least frequently used (O(1) LFU, Shah, Mitra and Matani 2010), ties to the least recently used |
//! | [`Policy::RedisLru`] | Redis 7.2 `allkeys-lru`: sampled keys through the 16-entry eviction pool, a 1-second LRU clock (`evict.c`) |
//! | [`Policy::RedisLfu`] | Redis 7.2 `allkeys-lfu`: the 8-bit logarithmic counter with `lfu-log-factor` and `lfu-decay-time` (`evict.c`, `db.c`) |
//! | [`Policy::Caffeine`] | Caffeine 3.2.4's W-TinyLFU: admission window, segmented main space, 4-bit count-min sketch, hill climber (`BoundedLocalCache.java`, `FrequencySketch.java`) |
//! | [`Policy::Moka`] | moka 0.12.10's TinyLFU: one LRU queue, a new key admitted only if Caffeine's older 4-bit sketch counts it more often than the oldest key (`base_cache.rs`, `frequency_sketch.rs`) |
//! | [`Policy::WTinyLfu`] | the same with the hill climber off: the window fixed at 1 %, the size the W-TinyLFU paper recommends (unlike the paper, no doorkeeper, and Caffeine's own sketch and random admission) |
//!
//! A cache holds `capacity` keys (Redis counts bytes against `maxmemory`;
//! here every key weighs one). [`run::run_policy`] runs a workload's
//! requests through a policy: a miss writes the key, as a cache-aside
//! client does after reading the database.

pub mod block;
pub mod caffeine;
pub mod exact;
pub mod moka;
pub mod presets;
pub mod redis;
pub mod report;
pub mod run;
pub mod scenario;
pub mod workload;

/// The widget's name in the widget index.
pub const TITLE: &str = "Caching";
/// One sentence for the widget index.
pub const SUMMARY: &str =
    "Exact LRU, FIFO and LFU beside Redis's sampled LRU and LFU, Caffeine's W-TinyLFU and moka's TinyLFU, on the same requests against the same capacity.";

use crate::scenario::json::{self, Error, FromJson, Node, Obj, ToJson};

/// The most keys a cache may hold.
pub const MAX_CAPACITY: u32 = 1_000_000;

/// An eviction policy and its parameters. In JSON the ones without
/// parameters are names (`"lru"`, `"caffeine"`) and Redis's objects
/// (`{"redis-lru": {"samples": 5}}`).
#[derive(Clone, Debug, PartialEq)]
pub enum Policy {
    Fifo,
    Lru,
    Lfu,
    /// Redis's approximated LRU: `samples` is `maxmemory-samples` (default 5).
    RedisLru {
        samples: u32,
    },
    /// Redis's LFU: `samples` as above, `log_factor` is `lfu-log-factor`
    /// (default 10), `decay_minutes` is `lfu-decay-time` (default 1; 0 never decays).
    RedisLfu {
        samples: u32,
        log_factor: u32,
        decay_minutes: u32,
    },
    /// Caffeine's W-TinyLFU with its hill climber sizing the window.
    Caffeine,
    /// W-TinyLFU with the window fixed at 1 % of the cache.
    WTinyLfu,
    /// moka's TinyLFU: admission in front of one LRU queue.
    Moka,
}

impl Policy {
    /// Every policy with Redis's defaults, in the order the widget lists them.
    pub fn all() -> [Policy; 8] {
        [
            Policy::Lru,
            Policy::RedisLru { samples: 5 },
            Policy::Lfu,
            Policy::RedisLfu { samples: 5, log_factor: 10, decay_minutes: 1 },
            Policy::Caffeine,
            Policy::WTinyLfu,
            Policy::Moka,
            Policy::Fifo,
        ]
    }

    /// The policy's name in scenarios, blocks and reports.
    pub fn name(&self) -> &'static str {
        match self {
            Policy::Fifo => "fifo",
            Policy::Lru => "lru",
            Policy::Lfu => "lfu",
            Policy::RedisLru { .. } => "redis-lru",
            Policy::RedisLfu { .. } => "redis-lfu",
            Policy::Caffeine => "caffeine",
            Policy::WTinyLfu => "w-tinylfu",
            Policy::Moka => "moka",
        }
    }

    /// The policy called `name`, with Redis's defaults.
    pub fn from_name(name: &str) -> Option<Policy> {
        Policy::all().into_iter().find(|p| p.name() == name)
    }

    /// Checks the parameters: `maxmemory-samples` from Redis's minimum, 1,
    /// to 64 (Redis allows more; a pool of 16 gains nothing from them).
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Policy::RedisLru { samples } | Policy::RedisLfu { samples, .. } if !(1..=64).contains(samples) => {
                Err(format!("{} samples must be between 1 and 64, not {samples}", self.name()))
            }
            Policy::RedisLfu { log_factor, .. } if *log_factor > 1_000_000 => {
                Err(format!("redis-lfu log_factor must be at most 1000000, not {log_factor}"))
            }
            _ => Ok(()),
        }
    }
}

/// Every policy's name, in the order the enum declares them.
const POLICY_NAMES: [&str; 8] = ["fifo", "lru", "lfu", "redis-lru", "redis-lfu", "caffeine", "w-tinylfu", "moka"];

impl FromJson for Policy {
    fn read(node: &Node) -> Result<Policy, Error> {
        let (name, value) = json::variant(node)?;
        let unit = |p: Policy| json::unit(name, value).map(|_| p);
        match name {
            "fifo" => unit(Policy::Fifo),
            "lru" => unit(Policy::Lru),
            "lfu" => unit(Policy::Lfu),
            "caffeine" => unit(Policy::Caffeine),
            "w-tinylfu" => unit(Policy::WTinyLfu),
            "moka" => unit(Policy::Moka),
            "redis-lru" => {
                let f = json::variant_fields(node, name, value, &["samples"])?;
                Ok(Policy::RedisLru { samples: f.req("samples")? })
            }
            "redis-lfu" => {
                let f = json::variant_fields(node, name, value, &["samples", "log_factor", "decay_minutes"])?;
                Ok(Policy::RedisLfu {
                    samples: f.req("samples")?,
                    log_factor: f.req("log_factor")?,
                    decay_minutes: f.req("decay_minutes")?,
                })
            }
            other => Err(json::unknown(node, other, &POLICY_NAMES)),
        }
    }
}

impl ToJson for Policy {
    fn write(&self, out: &mut String) {
        match self {
            Policy::RedisLru { samples } => {
                let mut o = Obj::new(out);
                Obj::new(o.key(self.name())).field("samples", samples).end();
                o.end();
            }
            Policy::RedisLfu { samples, log_factor, decay_minutes } => {
                let mut o = Obj::new(out);
                Obj::new(o.key(self.name()))
                    .field("samples", samples)
                    .field("log_factor", log_factor)
                    .field("decay_minutes", decay_minutes)
                    .end();
                o.end();
            }
            _ => self.name().write(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Policy;
    use crate::scenario::json;

    #[test]
    fn every_policy_is_written_by_its_name() {
        let written = [
            r#""lru""#,
            r#"{"redis-lru":{"samples":5}}"#,
            r#""lfu""#,
            r#"{"redis-lfu":{"samples":5,"log_factor":10,"decay_minutes":1}}"#,
            r#""caffeine""#,
            r#""w-tinylfu""#,
            r#""moka""#,
            r#""fifo""#,
        ];
        assert_eq!(Policy::all().map(|p| json::to_string(&p)), written);
        for (p, text) in Policy::all().into_iter().zip(written) {
            assert!(text.contains(&format!("\"{}\"", p.name())), "{text}");
            assert_eq!(json::from_str::<Policy>(text), Ok(p));
        }
    }

    #[test]
    fn a_policy_in_the_wrong_form_is_refused_saying_why() {
        let err = |text: &str| json::from_str::<Policy>(text).unwrap_err();
        assert_eq!(
            err(r#""arc""#),
            "unknown choice \"arc\"; expected one of \"fifo\", \"lru\", \"lfu\", \"redis-lru\", \"redis-lfu\", \"caffeine\", \"w-tinylfu\", \"moka\" at line 1 column 1"
        );
        assert_eq!(err(r#"{"lru": {}}"#), "\"lru\" takes no settings: write it as \"lru\" alone at line 1 column 9");
        assert_eq!(
            err(r#""redis-lru""#),
            "expected \"redis-lru\" with its settings, {\"redis-lru\": {…}}, found \"redis-lru\" at line 1 column 1"
        );
        assert_eq!(
            err(r#"{"redis-lru": {"samples": 5, "pool": 16}}"#),
            "unknown field \"pool\"; expected one of \"samples\" at line 1 column 38"
        );
        assert_eq!(
            err(r#"{"redis-lfu": {"samples": 5, "log_factor": 10}}"#),
            "missing field \"decay_minutes\" at line 1 column 15"
        );
        assert_eq!(
            err(r#"{"redis-lru": {"samples": -1}}"#),
            "samples: expected a whole number from 0 to 4294967295, found -1 at line 1 column 27"
        );
        assert_eq!(err(r#"{"redis-lru": 5}"#), "expected the settings of \"redis-lru\" (an object), found 5 at line 1 column 15");
    }
}
