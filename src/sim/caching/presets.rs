//! Caching's named starting scenarios, for the preset menu and article
//! blocks (`preset:`).

use super::scenario::CachingScenario;
use super::workload::{Pattern, Workload};
use super::Policy;
use crate::scenario::{View, VERSION};

/// Preset names with a one-line description, in menu order.
pub const PRESETS: [(&str, &str); 8] = [
    ("zipf", "200,000 Zipf requests over 100,000 keys, 5,000 cached: exact LRU, Redis's sampled LRU and Redis's LFU"),
    ("scan", "Zipf traffic with a scan of 20,000 new keys every 40,000 requests: LRU flushed, LFU holds"),
    ("loop", "A loop of 1,050 keys through a cache of 1,000: exact LRU and FIFO never hit; sampling does"),
    ("shifting", "The popular keys move every 50 s: exact LFU clings to old counts; Redis's decay lets go"),
    ("samples", "Redis's LRU with maxmemory-samples 1, 5 and 10: the more samples, the nearer exact LRU"),
    ("belady", "Belady's anomaly: 1 2 3 4 1 2 5 1 2 3 4 5 through three frames"),
    ("tinylfu", "Caffeine's W-TinyLFU admits a key only if it is seen more often than the key it would evict"),
    ("moka", "moka's TinyLFU: the same admission test with no window in front, beside Caffeine's and LRU"),
];

fn scenario(capacity: u32, pattern: Pattern, requests: u32, policies: Vec<Policy>) -> CachingScenario {
    CachingScenario {
        widget: Default::default(),
        version: VERSION,
        seed: 1,
        capacity,
        workload: Workload { pattern, requests, rate: 1_000 },
        policies,
        view: View::default(),
    }
}

/// Redis's LRU with its default `maxmemory-samples`, 5.
const REDIS_LRU: Policy = Policy::RedisLru { samples: 5 };
/// Redis's LFU with its defaults: 5 samples, `lfu-log-factor` 10, `lfu-decay-time` 1.
const REDIS_LFU: Policy = Policy::RedisLfu { samples: 5, log_factor: 10, decay_minutes: 1 };

/// The preset called `name` (`default` is `zipf`).
pub fn preset(name: &str) -> Option<CachingScenario> {
    let zipf = Pattern::Zipf { keys: 100_000, skew: 1.0 };
    Some(match name {
        "default" | "zipf" => scenario(5_000, zipf, 200_000, vec![Policy::Lru, REDIS_LRU, REDIS_LFU]),
        "scan" => scenario(
            5_000,
            Pattern::Scan { keys: 100_000, skew: 1.0, every: 40_000, length: 20_000 },
            240_000,
            vec![Policy::Lru, Policy::Lfu, REDIS_LFU],
        ),
        "loop" => scenario(1_000, Pattern::Loop { keys: 1_050 }, 105_000, vec![Policy::Lru, Policy::Fifo, REDIS_LRU]),
        "shifting" => scenario(
            5_000,
            Pattern::Shifting { keys: 100_000, skew: 1.0, every: 50_000 },
            200_000,
            vec![Policy::Lfu, REDIS_LFU, Policy::Lru],
        ),
        "samples" => scenario(
            5_000,
            zipf,
            200_000,
            vec![Policy::RedisLru { samples: 1 }, REDIS_LRU, Policy::RedisLru { samples: 10 }],
        ),
        "belady" => {
            let keys = vec![1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
            scenario(3, Pattern::List { keys }, 12, vec![Policy::Fifo, Policy::Lru, Policy::Lfu])
        }
        "tinylfu" => scenario(
            5_000,
            Pattern::Scan { keys: 100_000, skew: 1.0, every: 40_000, length: 20_000 },
            240_000,
            vec![Policy::Lru, REDIS_LFU, Policy::Caffeine],
        ),
        "moka" => scenario(
            5_000,
            Pattern::Scan { keys: 100_000, skew: 1.0, every: 40_000, length: 20_000 },
            240_000,
            vec![Policy::Lru, Policy::Moka, Policy::Caffeine],
        ),
        _ => return None,
    })
}
