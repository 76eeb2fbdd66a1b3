//! Caching's widget-block keys: the policies and their settings, the
//! capacity and the workload.

use super::scenario::CachingScenario;
use super::workload::{Pattern, Workload, NAMES};
use super::Policy;
use crate::scenario::block::{keys, number, Block};

/// The preset a block starts from when it names none.
pub const PRESET: &str = "zipf";

/// Keys a caching block accepts.
pub const KEYS: [&str; 17] = keys(
    ["kind", "preset", "title", "policies", "samples", "log_factor", "decay_minutes", "capacity", "seed", "time_ms"],
    WORKLOAD_KEYS,
);

/// Applies a block's policies (each keeping the preset's lane of that
/// name), their Redis settings, the capacity and the workload, in that order.
pub fn apply(s: &mut CachingScenario, block: &Block) -> Result<(), String> {
    if let Some((line, v)) = block.get("policies") {
        let mut lanes = Vec::new();
        for name in v.split(',').map(str::trim) {
            let fresh = Policy::from_name(name).ok_or_else(|| {
                let names: Vec<&str> = Policy::all().iter().map(Policy::name).collect();
                format!("line {line}: unknown policy `{name}`; policies: {}", names.join(", "))
            })?;
            lanes.push(s.policies.iter().find(|p| p.name() == name).cloned().unwrap_or(fresh));
        }
        s.policies = lanes;
    }
    for key in ["samples", "log_factor", "decay_minutes"] {
        let Some((line, v)) = block.get(key) else { continue };
        let n: u32 = number(line, key, v)?;
        let mut any = false;
        for p in &mut s.policies {
            let field = match (p, key) {
                (Policy::RedisLru { samples } | Policy::RedisLfu { samples, .. }, "samples") => samples,
                (Policy::RedisLfu { log_factor, .. }, "log_factor") => log_factor,
                (Policy::RedisLfu { decay_minutes, .. }, "decay_minutes") => decay_minutes,
                _ => continue,
            };
            *field = n;
            any = true;
        }
        if !any {
            let which = if key == "samples" { "redis-lru and redis-lfu policies" } else { "a redis-lfu policy" };
            return Err(format!("line {line}: `{key}` applies to {which}, and this block has none"));
        }
    }
    block.set("capacity", &mut s.capacity)?;
    workload(&mut s.workload, block)
}

/// Keys that set a workload (shared with the cache-patterns block).
pub const WORKLOAD_KEYS: [&str; 7] = ["workload", "keys", "skew", "every", "length", "requests", "rate"];

/// Applies a block's workload keys ([`WORKLOAD_KEYS`]): the pattern by
/// name, then its own keys, the request count and the rate.
pub fn workload(w: &mut Workload, block: &Block) -> Result<(), String> {
    if let Some((line, v)) = block.get("workload") {
        w.pattern = w
            .pattern
            .named(v)
            .ok_or_else(|| format!("line {line}: `workload` is {}, not `{v}`", NAMES.join(", ")))?;
    }
    for key in ["keys", "skew", "every", "length"] {
        let Some((line, v)) = block.get(key) else { continue };
        let pattern = w.pattern.name();
        if let ("keys", Pattern::List { .. }) = (key, &w.pattern) {
            return Err(format!("line {line}: `keys` does not apply to a listed workload"));
        }
        match (key, &mut w.pattern) {
            ("keys", p) => p.keys_mut().map(|k| number(line, key, v).map(|n| *k = n)),
            ("skew", p) => p.skew_mut().map(|k| number(line, key, v).map(|n| *k = n)),
            ("every", Pattern::Scan { every, .. } | Pattern::Shifting { every, .. }) => {
                Some(number(line, key, v).map(|n| *every = n))
            }
            ("length", Pattern::Scan { length, .. }) => Some(number(line, key, v).map(|n| *length = n)),
            _ => None,
        }
        .ok_or_else(|| format!("line {line}: `{key}` does not apply to a {pattern} workload"))??;
    }
    block.set("requests", &mut w.requests)?;
    block.set("rate", &mut w.rate)
}

#[cfg(test)]
mod tests {
    use super::super::presets::preset;
    use super::*;
    use crate::scenario::block::parse;

    fn ca(text: &str) -> CachingScenario {
        CachingScenario::try_from(parse(text).unwrap().scenario).unwrap()
    }

    #[test]
    fn caching_blocks_set_policies_capacity_and_workload() {
        assert_eq!(ca("kind: caching"), preset("zipf").unwrap());
        let s = ca(
            "kind: caching\npolicies: redis-lfu, lru\nlog_factor: 0\nsamples: 10\ncapacity: 700\n\
                    workload: scan\nkeys: 5000\nskew: 0.8\nevery: 900\nlength: 300\nrequests: 9000\nrate: 500\nseed: 4",
        );
        assert_eq!(s.policies, [Policy::RedisLfu { samples: 10, log_factor: 0, decay_minutes: 1 }, Policy::Lru]);
        assert_eq!(s.capacity, 700);
        assert_eq!(s.workload.pattern, Pattern::Scan { keys: 5000, skew: 0.8, every: 900, length: 300 });
        assert_eq!((s.workload.requests, s.workload.rate, s.seed), (9000, 500, 4));
    }

    #[test]
    fn caching_block_errors_name_the_line() {
        let err = |text: &str| parse(text).unwrap_err();
        assert_eq!(
            err("kind: caching\npolicies: lru, arc"),
            "line 2: unknown policy `arc`; policies: lru, redis-lru, lfu, redis-lfu, caffeine, w-tinylfu, moka, fifo"
        );
        assert_eq!(
            err("kind: caching\npolicies: lru\nsamples: 3"),
            "line 3: `samples` applies to redis-lru and redis-lfu policies, and this block has none"
        );
        assert_eq!(err("kind: caching\nworkload: loop\nskew: 2"), "line 3: `skew` does not apply to a loop workload");
        assert_eq!(
            err("kind: caching\nworkload: pareto"),
            "line 2: `workload` is zipf, uniform, scan, loop, shifting, not `pareto`"
        );
        assert_eq!(err("kind: caching\ncapacity: 0"), "capacity must be between 1 and 1000000 keys, not 0");
        assert!(err("kind: caching\nskew: 9").contains("skew must be between 0 and 3"));
        assert!(err("kind: caching\ncolour: red").starts_with("line 2: unknown key `colour`"));
    }
}
