//! Article widget blocks: flat `key: value` lines that start a widget from a
//! preset and override some of its fields.
//!
//! ```text
//! kind: rate-limiter
//! preset: boundary-burst
//! algorithms: fixed-window, sliding-log
//! limit: 5
//! ```
//!
//! Every key is checked: an unknown key, a repeated key, a value of the wrong
//! type or a scenario that fails validation is an error naming the line.
//!
//! A wasm bundle of one widget family compiles the other families' readers
//! out, leaving their helpers unused there.
#![cfg_attr(target_arch = "wasm32", allow(unused_imports, dead_code))]

use super::presets;
use super::{CircuitBreakerScenario, RateLimiterScenario, Scenario, View};
use crate::sim::circuit_breaker::run::{BreakerConfig, Dependency, SCRIPTS};
use crate::sim::circuit_breaker::WindowType;
use crate::sim::kernel::traffic::{Traffic, MAX_DURATION_MS};
use crate::sim::rate_limiter::{Algorithm, LimiterConfig, NginxDelay};

/// A parsed widget block: the starting scenario and an optional caption.
#[derive(Clone, Debug, PartialEq)]
pub struct WidgetBlock {
    pub scenario: Scenario,
    pub title: Option<String>,
}

/// Keys a rate-limiter block accepts, in the order they are applied.
pub const RATE_LIMITER_KEYS: [&str; 20] = [
    "kind",
    "preset",
    "title",
    "algorithms",
    "limit",
    "period_ms",
    "burst",
    "nginx_delay",
    "traffic",
    "rps",
    "on_ms",
    "off_ms",
    "spike_rps",
    "spike_at_ms",
    "spike_ms",
    "base_rps",
    "cost",
    "duration_ms",
    "seed",
    "time_ms",
];

/// Parses a widget block's body.
pub fn parse(text: &str) -> Result<WidgetBlock, String> {
    let mut pairs: Vec<(usize, &str, &str)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split_once('#').map_or(raw, |(before, _)| before).trim();
        if line.is_empty() {
            continue;
        }
        let (key, value) =
            line.split_once(':').ok_or_else(|| format!("line {}: expected `key: value`, found `{}`", i + 1, line))?;
        let (key, value) = (key.trim(), value.trim());
        if pairs.iter().any(|(_, k, _)| *k == key) {
            return Err(format!("line {}: `{key}` is given twice", i + 1));
        }
        pairs.push((i + 1, key, value));
    }
    let get = |k: &str| pairs.iter().find(|(_, key, _)| *key == k).map(|(line, _, v)| (*line, *v));
    match get("kind") {
        None => Err("the block has no `kind:` line (for example `kind: rate-limiter`)".into()),
        #[cfg(any(feature = "rate-limiter", not(target_arch = "wasm32")))]
        Some((_, "rate-limiter")) => rate_limiter(&pairs),
        #[cfg(any(feature = "circuit-breaker", not(target_arch = "wasm32")))]
        Some((_, "circuit-breaker")) => circuit_breaker(&pairs),
        #[cfg(any(feature = "hash-ring", not(target_arch = "wasm32")))]
        Some((_, "hash-ring")) => hash_ring(&pairs),
        #[cfg(any(feature = "sharding", not(target_arch = "wasm32")))]
        Some((_, "sharding")) => sharding(&pairs),
        Some((line, other)) => Err(format!(
            "line {line}: unknown widget kind `{other}`; known kinds: rate-limiter, circuit-breaker, hash-ring, sharding"
        )),
    }
}

/// The keys every block shares, applied last: `seed`, `time_ms` and the
/// `title` it returns (none when empty).
fn seed_time_title(pairs: &[(usize, &str, &str)], seed: &mut u64, view: &mut View) -> Result<Option<String>, String> {
    let get = |k: &str| pairs.iter().find(|(_, key, _)| *key == k).map(|(line, _, v)| (*line, *v));
    if let Some((line, v)) = get("seed") {
        *seed = number(line, "seed", v)?;
    }
    if let Some((line, v)) = get("time_ms") {
        view.time_ms = Some(number(line, "time_ms", v)?);
    }
    Ok(get("title").map(|(_, v)| v.to_string()).filter(|t| !t.is_empty()))
}

fn number<T: std::str::FromStr>(line: usize, key: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("line {line}: `{key}` must be a number, not `{value}`"))
}

/// Keys a block may use to set its traffic.
const TRAFFIC_KEYS: [&str; 9] =
    ["traffic", "rps", "on_ms", "off_ms", "spike_rps", "spike_at_ms", "spike_ms", "base_rps", "cost"];

/// Applies the `traffic:` pattern and the pattern's own keys.
fn apply_traffic(pairs: &[(usize, &str, &str)], traffic: &mut Traffic) -> Result<(), String> {
    let get = |k: &str| pairs.iter().find(|(_, key, _)| *key == k).map(|(line, _, v)| (*line, *v));
    if let Some((line, v)) = get("traffic") {
        *traffic = Traffic::example(v)
            .ok_or_else(|| format!("line {line}: unknown traffic `{v}`; traffic: steady, bursty, poisson, spike"))?;
    }
    for key in &TRAFFIC_KEYS[1..] {
        let key = *key;
        let Some((line, v)) = get(key) else { continue };
        let pattern = traffic.pattern();
        let applied = match (&mut *traffic, key) {
            (Traffic::Steady { rps, .. } | Traffic::Poisson { rps, .. } | Traffic::Bursty { rps, .. }, "rps") => {
                *rps = number(line, key, v)?;
                true
            }
            (Traffic::Bursty { on_ms, .. }, "on_ms") => {
                *on_ms = number(line, key, v)?;
                true
            }
            (Traffic::Bursty { off_ms, .. }, "off_ms") => {
                *off_ms = number(line, key, v)?;
                true
            }
            (Traffic::Spike { base_rps, .. }, "base_rps" | "rps") => {
                *base_rps = number(line, key, v)?;
                true
            }
            (Traffic::Spike { spike_rps, .. }, "spike_rps") => {
                *spike_rps = number(line, key, v)?;
                true
            }
            (Traffic::Spike { spike_at_ms, .. }, "spike_at_ms") => {
                *spike_at_ms = number(line, key, v)?;
                true
            }
            (Traffic::Spike { spike_ms, .. }, "spike_ms") => {
                *spike_ms = number(line, key, v)?;
                true
            }
            (
                Traffic::Steady { cost, .. }
                | Traffic::Poisson { cost, .. }
                | Traffic::Bursty { cost, .. }
                | Traffic::Spike { cost, .. },
                "cost",
            ) => {
                *cost = number(line, key, v)?;
                true
            }
            _ => false,
        };
        if !applied {
            return Err(format!("line {line}: `{key}` does not apply to {pattern} traffic"));
        }
    }
    Ok(())
}

#[cfg(any(feature = "rate-limiter", not(target_arch = "wasm32")))]
fn rate_limiter(pairs: &[(usize, &str, &str)]) -> Result<WidgetBlock, String> {
    for (line, key, _) in pairs {
        if !RATE_LIMITER_KEYS.contains(key) {
            return Err(format!(
                "line {line}: unknown key `{key}`; a rate-limiter block takes {}",
                RATE_LIMITER_KEYS.join(", ")
            ));
        }
    }
    let get = |k: &str| pairs.iter().find(|(_, key, _)| *key == k).map(|(line, _, v)| (*line, *v));
    let (preset_line, preset) = get("preset").unwrap_or((0, "overview"));
    let mut s: RateLimiterScenario = presets::rate_limiter(preset).ok_or_else(|| {
        let names: Vec<&str> = presets::RATE_LIMITER.iter().map(|(n, _)| *n).collect();
        format!("line {preset_line}: unknown preset `{preset}`; presets: {}", names.join(", "))
    })?;

    if let Some((line, v)) = get("algorithms") {
        let template = s.limiters[0].clone();
        let mut lanes = Vec::new();
        for name in v.split(',').map(str::trim) {
            let algorithm = Algorithm::from_name(name).ok_or_else(|| {
                let names: Vec<&str> = Algorithm::ALL.iter().map(|a| a.name()).collect();
                format!("line {line}: unknown algorithm `{name}`; algorithms: {}", names.join(", "))
            })?;
            let mut lane = s
                .limiters
                .iter()
                .find(|l| l.algorithm == algorithm)
                .cloned()
                .unwrap_or_else(|| LimiterConfig { algorithm, ..template.clone() });
            if algorithm != Algorithm::Nginx {
                lane.delay = NginxDelay::default();
            }
            lanes.push(lane);
        }
        s.limiters = lanes;
    }
    for lane in &mut s.limiters {
        if let Some((line, v)) = get("limit") {
            lane.limit = number(line, "limit", v)?;
        }
        if let Some((line, v)) = get("period_ms") {
            lane.period_ms = number(line, "period_ms", v)?;
        }
        if let Some((line, v)) = get("burst") {
            lane.burst = Some(number(line, "burst", v)?);
        }
        if let (Some((line, v)), Algorithm::Nginx) = (get("nginx_delay"), lane.algorithm) {
            lane.delay = match v {
                "nodelay" => NginxDelay::NoDelay,
                n => NginxDelay::Delay(number(line, "nginx_delay", n)?),
            };
        }
    }

    apply_traffic(pairs, &mut s.traffic)?;
    if let Some((line, v)) = get("duration_ms") {
        s.duration_ms = number(line, "duration_ms", v)?;
    }
    let title = seed_time_title(pairs, &mut s.seed, &mut s.view)?;
    s.validate()?;
    Ok(WidgetBlock { scenario: Scenario::RateLimiter(s), title })
}

/// Keys a circuit-breaker block accepts besides the traffic keys.
pub const CIRCUIT_BREAKER_KEYS: [&str; 20] = [
    "kind",
    "preset",
    "title",
    "breakers",
    "window_size",
    "minimum_calls",
    "failure_threshold",
    "slow_threshold",
    "slow_ms",
    "wait_ms",
    "half_open_calls",
    "auto_half_open",
    "max_half_open_ms",
    "fail_max",
    "success_threshold",
    "duration_ms",
    "dependency",
    "seed",
    "time_ms",
    "traffic",
];

/// Keys only Resilience4j breakers have.
const R4J_ONLY_KEYS: [&str; 8] = [
    "window_size",
    "minimum_calls",
    "failure_threshold",
    "slow_threshold",
    "slow_ms",
    "half_open_calls",
    "auto_half_open",
    "max_half_open_ms",
];

/// The names a block's `breakers:` line takes.
pub const BREAKER_NAMES: [&str; 3] = ["count", "time", "consecutive"];

fn flag(line: usize, key: &str, value: &str) -> Result<bool, String> {
    match value {
        "true" | "yes" => Ok(true),
        "false" | "no" => Ok(false),
        _ => Err(format!("line {line}: `{key}` must be true or false, not `{value}`")),
    }
}

/// A breaker block: a preset, then its breakers, each breaker's parameters,
/// the duration, the dependency script and the traffic, in that order.
#[cfg(any(feature = "circuit-breaker", not(target_arch = "wasm32")))]
fn circuit_breaker(pairs: &[(usize, &str, &str)]) -> Result<WidgetBlock, String> {
    for (line, key, _) in pairs {
        if !CIRCUIT_BREAKER_KEYS.contains(key) && !TRAFFIC_KEYS.contains(key) {
            return Err(format!(
                "line {line}: unknown key `{key}`; a circuit-breaker block takes {}, {}",
                CIRCUIT_BREAKER_KEYS.join(", "),
                TRAFFIC_KEYS[1..].join(", ")
            ));
        }
    }
    let get = |k: &str| pairs.iter().find(|(_, key, _)| *key == k).map(|(line, _, v)| (*line, *v));
    let (preset_line, preset) = get("preset").unwrap_or((0, "outage"));
    let mut s: CircuitBreakerScenario = presets::circuit_breaker(preset).ok_or_else(|| {
        let names: Vec<&str> = presets::CIRCUIT_BREAKER.iter().map(|(n, _)| *n).collect();
        format!("line {preset_line}: unknown preset `{preset}`; presets: {}", names.join(", "))
    })?;

    if let Some((line, v)) = get("breakers") {
        let mut lanes = Vec::new();
        for name in v.split(',').map(str::trim) {
            let window = match name {
                "count" => Some(WindowType::CountBased),
                "time" => Some(WindowType::TimeBased),
                "consecutive" => None,
                _ => {
                    return Err(format!(
                        "line {line}: unknown breaker `{name}`; breakers: {}",
                        BREAKER_NAMES.join(", ")
                    ))
                }
            };
            let lane = match window {
                Some(w) => {
                    let mut c = s
                        .breakers
                        .iter()
                        .find_map(|b| match b {
                            BreakerConfig::Resilience4j(c) if c.sliding_window_type == w => Some(c.clone()),
                            _ => None,
                        })
                        .unwrap_or_else(presets::resilience4j);
                    if c.sliding_window_type != w {
                        // A time window counts seconds: ten of them, as a starting point.
                        c.sliding_window_type = w;
                        c.sliding_window_size = 10;
                    }
                    BreakerConfig::Resilience4j(c)
                }
                None => s
                    .breakers
                    .iter()
                    .find(|b| matches!(b, BreakerConfig::Consecutive(_)))
                    .cloned()
                    .unwrap_or(BreakerConfig::Consecutive(presets::pybreaker())),
            };
            lanes.push(lane);
        }
        s.breakers = lanes;
    }
    for lane in &mut s.breakers {
        match lane {
            BreakerConfig::Resilience4j(c) => {
                let counts = [
                    ("window_size", &mut c.sliding_window_size),
                    ("minimum_calls", &mut c.minimum_number_of_calls),
                    ("half_open_calls", &mut c.permitted_number_of_calls_in_half_open_state),
                ];
                for (key, field) in counts {
                    if let Some((line, v)) = get(key) {
                        *field = number(line, key, v)?;
                    }
                }
                for (key, field) in [
                    ("failure_threshold", &mut c.failure_rate_threshold),
                    ("slow_threshold", &mut c.slow_call_rate_threshold),
                ] {
                    if let Some((line, v)) = get(key) {
                        *field = number(line, key, v)?;
                    }
                }
                let times = [
                    ("slow_ms", &mut c.slow_call_duration_threshold_ms),
                    ("wait_ms", &mut c.wait_duration_in_open_state_ms),
                    ("max_half_open_ms", &mut c.max_wait_duration_in_half_open_state_ms),
                ];
                for (key, field) in times {
                    if let Some((line, v)) = get(key) {
                        *field = number(line, key, v)?;
                    }
                }
                if let Some((line, v)) = get("auto_half_open") {
                    c.automatic_transition_from_open_to_half_open = flag(line, "auto_half_open", v)?;
                }
            }
            BreakerConfig::Consecutive(c) => {
                if let Some((line, v)) = get("fail_max") {
                    c.fail_max = number(line, "fail_max", v)?;
                }
                if let Some((line, v)) = get("success_threshold") {
                    c.success_threshold = number(line, "success_threshold", v)?;
                }
                if let Some((line, v)) = get("wait_ms") {
                    c.reset_timeout_ms = number(line, "wait_ms", v)?;
                }
            }
        }
    }
    // Keys of one breaker variant must fit at least one of the block's breakers.
    for (line, key, _) in pairs {
        let fits = |b: &BreakerConfig| match b {
            BreakerConfig::Resilience4j(_) => !["fail_max", "success_threshold"].contains(key),
            BreakerConfig::Consecutive(_) => !R4J_ONLY_KEYS.contains(key),
        };
        let per_breaker = R4J_ONLY_KEYS.contains(key) || ["fail_max", "success_threshold"].contains(key);
        if per_breaker && !s.breakers.iter().any(fits) {
            return Err(format!("line {line}: `{key}` does not apply to any of this block's breakers"));
        }
    }
    if let Some((line, v)) = get("duration_ms") {
        let duration_ms = number(line, "duration_ms", v)?;
        if duration_ms == 0 || duration_ms > MAX_DURATION_MS {
            return Err(format!("line {line}: duration_ms must be between 1 and {MAX_DURATION_MS}, not {v}"));
        }
        s.set_duration(duration_ms);
    }
    if let Some((line, v)) = get("dependency") {
        s.dependency = Dependency::script(v, s.duration_ms).ok_or_else(|| {
            let names: Vec<&str> = SCRIPTS.iter().map(|(n, _)| *n).collect();
            format!("line {line}: unknown dependency `{v}`; dependencies: {}", names.join(", "))
        })?;
    }
    apply_traffic(pairs, &mut s.traffic)?;
    let title = seed_time_title(pairs, &mut s.seed, &mut s.view)?;
    s.validate()?;
    Ok(WidgetBlock { scenario: Scenario::CircuitBreaker(s), title })
}

/// Keys a hash-ring block accepts.
pub const HASH_RING_KEYS: [&str; 15] = [
    "kind",
    "preset",
    "title",
    "placements",
    "points",
    "table_size",
    "factor",
    "nodes",
    "weights",
    "keys",
    "count",
    "distinct",
    "change",
    "weight",
    "seed",
];

/// The names a block's `placements:` line takes.
pub const PLACEMENT_NAMES: [&str; 7] = ["modulo", "ketama", "ring", "jump", "rendezvous", "maglev", "bounded-loads"];

/// A hash-ring block: a preset, then its placements and their parameters,
/// the nodes, the keys and the change, in that order. `change:` is `none`,
/// `add`, or `remove <node>` / `reweight <node>` with the node's number
/// (`remove 4` is `cache-4:11211`) or name; `weight:` is the added or
/// re-weighted node's weight.
#[cfg(any(feature = "hash-ring", not(target_arch = "wasm32")))]
fn hash_ring(pairs: &[(usize, &str, &str)]) -> Result<WidgetBlock, String> {
    use crate::sim::hash_ring::run::{Change, KeySet, Variant};
    use crate::sim::hash_ring::Node;
    for (line, key, _) in pairs {
        if !HASH_RING_KEYS.contains(key) {
            return Err(format!(
                "line {line}: unknown key `{key}`; a hash-ring block takes {}",
                HASH_RING_KEYS.join(", ")
            ));
        }
    }
    let get = |k: &str| pairs.iter().find(|(_, key, _)| *key == k).map(|(line, _, v)| (*line, *v));
    let (preset_line, preset) = get("preset").unwrap_or((0, "add-node"));
    let mut s = presets::hash_ring(preset).ok_or_else(|| {
        let names: Vec<&str> = presets::HASH_RING.iter().map(|(n, _)| *n).collect();
        format!("line {preset_line}: unknown preset `{preset}`; presets: {}", names.join(", "))
    })?;
    if let Some((line, v)) = get("placements") {
        s.variants = v
            .split(',')
            .map(str::trim)
            .map(|name| match name {
                "modulo" => Ok(Variant::Modulo),
                "ketama" => Ok(Variant::Ketama),
                "ring" => Ok(Variant::Ring { points: 40 }),
                "jump" => Ok(Variant::Jump),
                "rendezvous" => Ok(Variant::Rendezvous),
                "maglev" => Ok(Variant::Maglev { table_size: 65537 }),
                "bounded-loads" => Ok(Variant::BoundedLoads { factor: 125 }),
                _ => {
                    Err(format!("line {line}: unknown placement `{name}`; placements: {}", PLACEMENT_NAMES.join(", ")))
                }
            })
            .collect::<Result<_, _>>()?;
    }
    for (key, placement) in [("points", "ring"), ("table_size", "maglev"), ("factor", "bounded-loads")] {
        let Some((line, v)) = get(key) else { continue };
        if !s.variants.iter().any(|p| p.name() == placement) {
            return Err(format!("line {line}: `{key}` applies to a {placement} placement, and this block has none"));
        }
        for p in &mut s.variants {
            match p {
                Variant::Ring { points } if key == "points" => *points = number(line, key, v)?,
                Variant::Maglev { table_size } if key == "table_size" => *table_size = number(line, key, v)?,
                Variant::BoundedLoads { factor } if key == "factor" => *factor = number(line, key, v)?,
                _ => {}
            }
        }
    }
    if let Some((line, v)) = get("weights") {
        if get("nodes").is_some() {
            return Err(format!("line {line}: give `nodes:` (a count) or `weights:` (one per node), not both"));
        }
        let weights: Vec<u32> = v.split(',').map(|w| number(line, "weights", w.trim())).collect::<Result<_, _>>()?;
        s.resize(weights.len());
        for (n, w) in s.nodes.iter_mut().zip(weights) {
            n.weight = w;
        }
    }
    if let Some((line, v)) = get("nodes") {
        let n: usize = number(line, "nodes", v)?;
        if n == 0 || n > crate::sim::hash_ring::run::MAX_NODES {
            return Err(format!(
                "line {line}: nodes must be between 1 and {}, not {n}",
                crate::sim::hash_ring::run::MAX_NODES
            ));
        }
        s.resize(n);
    }
    if let Some((line, v)) = get("keys") {
        let count = s.keys.len();
        s.keys = match v {
            "uniform" => KeySet::Uniform { count },
            "zipf" => KeySet::Zipf { count, distinct: 1_000 },
            _ => return Err(format!("line {line}: `keys` must be uniform or zipf, not `{v}`")),
        };
    }
    if let Some((line, v)) = get("count") {
        let n = number(line, "count", v)?;
        match &mut s.keys {
            KeySet::Uniform { count } | KeySet::Zipf { count, .. } => *count = n,
            KeySet::List { .. } => return Err(format!("line {line}: `count` does not apply to a listed key set")),
        }
    }
    if let Some((line, v)) = get("distinct") {
        match &mut s.keys {
            KeySet::Zipf { distinct, .. } => *distinct = number(line, "distinct", v)?,
            _ => return Err(format!("line {line}: `distinct` applies to `keys: zipf`")),
        }
    }
    if let Some((line, v)) = get("change") {
        let (what, node) = v.split_once(' ').map_or((v, ""), |(w, n)| (w, n.trim()));
        let name = |node: &str| -> Result<String, String> {
            let name = match node.parse::<usize>() {
                Ok(i) => format!("cache-{i}:11211"),
                Err(_) => node.to_string(),
            };
            if s.nodes.iter().any(|n| n.name == name) {
                Ok(name)
            } else {
                Err(format!(
                    "line {line}: no node `{node}` to change (nodes are cache-1:11211 to cache-{}:11211)",
                    s.nodes.len()
                ))
            }
        };
        s.change = match (what, node) {
            ("none", "") => None,
            ("add", "") => Some(Change::Add(Node::new(s.next_name()))),
            ("remove", n) if !n.is_empty() => Some(Change::Remove(name(n)?)),
            ("reweight", n) if !n.is_empty() => Some(Change::Reweight { name: name(n)?, weight: 2 }),
            _ => {
                return Err(format!("line {line}: `change` is none, add, remove <node> or reweight <node>, not `{v}`"))
            }
        };
    }
    if let Some((line, v)) = get("weight") {
        let w = number(line, "weight", v)?;
        match &mut s.change {
            Some(Change::Add(n)) => n.weight = w,
            Some(Change::Reweight { weight, .. }) => *weight = w,
            _ => return Err(format!("line {line}: `weight` applies to `change: add` or `change: reweight <node>`")),
        }
    }
    let title = seed_time_title(pairs, &mut s.seed, &mut s.view)?;
    s.validate()?;
    Ok(WidgetBlock { scenario: Scenario::HashRing(s), title })
}

/// Keys a sharding block accepts.
pub const SHARDING_KEYS: [&str; 16] = [
    "kind",
    "preset",
    "title",
    "countries",
    "reads_per_write",
    "reads",
    "schemes",
    "shards",
    "servers",
    "keys",
    "rows",
    "distinct",
    "range_width",
    "reshard",
    "inspect",
    "seed",
];

/// A sharding block: a preset, then the workload (`keys`, `rows`,
/// `distinct` for Zipf, `range_width`, `countries`), the schemes (`schemes:` names,
/// `shards:` for each, `servers:` for MongoDB and Citus), `reshard:`
/// (`none`, `add-shard`, `split-hottest`) and the inspected query's first key.
#[cfg(any(feature = "sharding", not(target_arch = "wasm32")))]
fn sharding(pairs: &[(usize, &str, &str)]) -> Result<WidgetBlock, String> {
    use crate::sim::sharding::config::{SchemeConfig, SCHEME_NAMES};
    use crate::sim::sharding::reshard::Reshard;
    use crate::sim::sharding::workload::Keys;
    for (line, key, _) in pairs {
        if !SHARDING_KEYS.contains(key) {
            return Err(format!(
                "line {line}: unknown key `{key}`; a sharding block takes {}",
                SHARDING_KEYS.join(", ")
            ));
        }
    }
    let get = |k: &str| pairs.iter().find(|(_, key, _)| *key == k).map(|(line, _, v)| (*line, *v));
    let (preset_line, preset) = get("preset").unwrap_or((0, "default"));
    let mut s = presets::sharding(preset).ok_or_else(|| {
        let names: Vec<&str> = presets::SHARDING.iter().map(|(n, _)| *n).collect();
        format!("line {preset_line}: unknown preset `{preset}`; presets: {}", names.join(", "))
    })?;
    if let Some((line, v)) = get("keys") {
        s.workload.keys = match v {
            "sequential" => Keys::Sequential,
            "timestamps" => Keys::Timestamps { start_ms: 1_767_225_600_000, step_ms: 1_000 },
            "uniform" => Keys::Uniform { max: 1 << 40 },
            "zipf" => Keys::Zipf { distinct: 10_000 },
            _ => return Err(format!("line {line}: `keys` is sequential, timestamps, uniform or zipf, not `{v}`")),
        };
    }
    if let Some((line, v)) = get("distinct") {
        match &mut s.workload.keys {
            Keys::Zipf { distinct } => *distinct = number(line, "distinct", v)?,
            _ => return Err(format!("line {line}: `distinct` applies to `keys: zipf`")),
        }
    }
    if let Some((line, v)) = get("countries") {
        s.workload.countries = match v {
            "none" => Vec::new(),
            "example" => crate::sim::sharding::region::example_countries(),
            _ => return Err(format!("line {line}: `countries` is none or example, not `{v}`")),
        };
    }
    if let Some((line, v)) = get("rows") {
        s.workload.rows = number(line, "rows", v)?;
    }
    if let Some((line, v)) = get("reads_per_write") {
        s.workload.reads_per_write = number(line, "reads_per_write", v)?;
    }
    if let Some((line, v)) = get("reads") {
        s.workload.reads = match v {
            "uniform" => crate::sim::sharding::workload::Reads::Uniform,
            "recent" => crate::sim::sharding::workload::Reads::Recent,
            _ => return Err(format!("line {line}: `reads` is uniform or recent, not `{v}`")),
        };
    }
    if let Some((line, v)) = get("range_width") {
        s.workload.range_width = number(line, "range_width", v)?;
    }
    let shards = match get("shards") {
        Some((line, v)) => {
            let n: u32 = number(line, "shards", v)?;
            if !(2..=64).contains(&n) {
                return Err(format!("line {line}: shards must be between 2 and 64, not {n}"));
            }
            Some(n)
        }
        None => None,
    };
    if let Some((line, v)) = get("schemes") {
        let names: Vec<&str> = v.split(',').map(str::trim).collect();
        if let Some(bad) = names.iter().find(|n| !SCHEME_NAMES.contains(n)) {
            return Err(format!("line {line}: unknown scheme `{bad}`; schemes: {}", SCHEME_NAMES.join(", ")));
        }
        let n = shards.unwrap_or(4);
        s.schemes = names
            .iter()
            .map(|name| SchemeConfig::named(name, n, &SchemeConfig::HashMod { shards: n }, &s.workload))
            .collect();
    } else if let Some(n) = shards {
        s.schemes = s.schemes.iter().map(|c| SchemeConfig::named(c.name(), n, c, &s.workload)).collect();
    } else if ["keys", "rows", "distinct"].iter().any(|k| get(k).is_some()) {
        // The preset's ranges follow a changed workload's keys.
        s.schemes = s
            .schemes
            .iter()
            .map(|c| match c {
                SchemeConfig::Range { splits } => SchemeConfig::named("range", splits.len() as u32 + 1, c, &s.workload),
                _ => c.clone(),
            })
            .collect();
    }
    if let Some((line, v)) = get("servers") {
        let m: u32 = number(line, "servers", v)?;
        let mut any = false;
        for c in &mut s.schemes {
            if let SchemeConfig::Mongo { servers, .. } | SchemeConfig::Citus { nodes: servers, .. } = c {
                *servers = Some(m);
                any = true;
            }
        }
        if !any {
            return Err(format!("line {line}: `servers` applies to mongo and citus schemes, and this block has none"));
        }
    }
    if let Some((line, v)) = get("reshard") {
        s.reshard = match v {
            "none" => None,
            "add-shard" => Some(Reshard::AddShard),
            "split-hottest" => Some(Reshard::SplitHottest),
            "move-chunk" => Some(Reshard::MoveChunk),
            _ => {
                return Err(format!(
                    "line {line}: `reshard` is none, add-shard, split-hottest or move-chunk, not `{v}`"
                ))
            }
        };
    }
    if let Some((line, v)) = get("inspect") {
        s.inspect = Some(number(line, "inspect", v)?);
    }
    let title = seed_time_title(pairs, &mut s.seed, &mut s.view)?;
    s.validate()?;
    Ok(WidgetBlock { scenario: Scenario::Sharding(s), title })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rl(text: &str) -> RateLimiterScenario {
        match parse(text).unwrap().scenario {
            Scenario::RateLimiter(s) => s,
            other => panic!("expected a rate-limiter scenario, got {}", other.widget()),
        }
    }

    #[test]
    fn a_bare_block_is_the_overview_preset() {
        assert_eq!(rl("kind: rate-limiter"), presets::rate_limiter("overview").unwrap());
    }

    #[test]
    fn overrides_apply_to_every_lane() {
        let s =
            rl("kind: rate-limiter\nalgorithms: gcra, nginx # two lanes\nlimit: 3\nburst: 4\nnginx_delay: nodelay\n");
        assert_eq!(s.limiters.len(), 2);
        assert!(s.limiters.iter().all(|l| l.limit == 3 && l.burst == Some(4)));
        assert_eq!(s.limiters[1].delay, NginxDelay::NoDelay);
        assert_eq!(s.limiters[0].delay, NginxDelay::default());
    }

    #[test]
    fn traffic_keys_must_fit_the_pattern() {
        let s = rl("kind: rate-limiter\ntraffic: spike\nspike_rps: 99\nrps: 3");
        assert_eq!(
            s.traffic,
            Traffic::Spike { base_rps: 3.0, spike_rps: 99.0, spike_at_ms: 5000, spike_ms: 1000, cost: 1 }
        );
        let e = parse("kind: rate-limiter\npreset: boundary-burst\nrps: 5").unwrap_err();
        assert_eq!(e, "line 3: `rps` does not apply to list traffic");
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(parse("").unwrap_err(), "the block has no `kind:` line (for example `kind: rate-limiter`)");
        assert!(parse("kind: rate-limiter\nlimit five").unwrap_err().starts_with("line 2: expected `key: value`"));
        assert!(parse("kind: rate-limiter\nlimit: five").unwrap_err().starts_with("line 2: `limit` must be a number"));
        assert!(parse("kind: rate-limiter\nlimit: 1\nlimit: 2").unwrap_err().contains("given twice"));
        assert!(parse("kind: rate-limiter\ncolour: red").unwrap_err().contains("unknown key `colour`"));
        assert!(parse("kind: ring").unwrap_err().contains("unknown widget kind `ring`"));
        assert!(parse("kind: rate-limiter\nalgorithms: gcra, magic")
            .unwrap_err()
            .contains("unknown algorithm `magic`"));
        assert!(parse("kind: rate-limiter\nlimit: 0").unwrap_err().contains("limit must be between 1"));
        assert!(parse("kind: rate-limiter\npreset: nope").unwrap_err().starts_with("line 2: unknown preset `nope`"));
    }

    fn cb(text: &str) -> CircuitBreakerScenario {
        match parse(text).unwrap().scenario {
            Scenario::CircuitBreaker(s) => s,
            other => panic!("expected a circuit-breaker scenario, got {}", other.widget()),
        }
    }

    #[test]
    fn a_script_stretches_with_the_duration() {
        let s = cb("kind: circuit-breaker\nduration_ms: 120000");
        assert_eq!(s.dependency, Dependency::script("outage", 120_000).unwrap());
        // A hand-laid dependency keeps its times.
        let s = cb("kind: circuit-breaker\npreset: count-vs-time\nduration_ms: 120000");
        assert_eq!(s.dependency, presets::circuit_breaker("count-vs-time").unwrap().dependency);
    }

    #[test]
    fn a_bare_breaker_block_is_the_outage_preset() {
        assert_eq!(cb("kind: circuit-breaker"), presets::circuit_breaker("outage").unwrap());
    }

    #[test]
    fn breaker_overrides_apply_to_the_breakers_that_have_them() {
        let s = cb("kind: circuit-breaker\nbreakers: time, consecutive\nwindow_size: 5\nwait_ms: 2000\nfail_max: 3\n\
                    auto_half_open: yes\ndependency: slow\nduration_ms: 30000\nrps: 50");
        let BreakerConfig::Resilience4j(r) = &s.breakers[0] else { panic!("first breaker is not Resilience4j") };
        assert_eq!(
            (r.sliding_window_type, r.sliding_window_size, r.wait_duration_in_open_state_ms),
            (WindowType::TimeBased, 5, 2000)
        );
        assert!(r.automatic_transition_from_open_to_half_open);
        assert_eq!(r.minimum_number_of_calls, 10, "the preset's value stays");
        let BreakerConfig::Consecutive(c) = &s.breakers[1] else { panic!("second breaker is not consecutive") };
        assert_eq!((c.fail_max, c.reset_timeout_ms, c.success_threshold), (3, 2000, 1));
        assert_eq!(s.dependency, Dependency::script("slow", 30_000).unwrap());
        assert_eq!(s.traffic, Traffic::Poisson { rps: 50.0, cost: 1 });
    }

    #[test]
    fn breaker_block_errors_name_the_line() {
        let e = |t: &str| parse(t).unwrap_err();
        assert!(e("kind: circuit-breaker\nbreakers: count, hystrix").starts_with("line 2: unknown breaker `hystrix`"));
        assert!(e("kind: circuit-breaker\ndependency: gone").starts_with("line 2: unknown dependency `gone`"));
        assert!(e("kind: circuit-breaker\nauto_half_open: maybe").contains("must be true or false"));
        assert!(e("kind: circuit-breaker\nlimit: 3").starts_with("line 2: unknown key `limit`"));
        assert!(
            e("kind: circuit-breaker\nfailure_threshold: 0").contains("failure_rate_threshold must be greater than 0")
        );
        assert!(e("kind: circuit-breaker\nbreakers: count, time, consecutive").contains("one or two breakers"));
        assert_eq!(
            e("kind: circuit-breaker\nbreakers: count\nfail_max: 3"),
            "line 3: `fail_max` does not apply to any of this block's breakers"
        );
        assert!(e("kind: circuit-breaker\nbreakers: consecutive\nhalf_open_calls: 3")
            .starts_with("line 3: `half_open_calls`"));
        assert!(e("kind: circuit-breaker\npreset: nope").starts_with("line 2: unknown preset `nope`"));
        // An absurd duration is refused with a message, not an overflow.
        assert_eq!(
            e("kind: circuit-breaker\nduration_ms: 18446744073709551615\ndependency: outage"),
            "line 2: duration_ms must be between 1 and 3600000, not 18446744073709551615"
        );
    }

    fn hr(text: &str) -> crate::scenario::HashRingScenario {
        match parse(text).unwrap().scenario {
            Scenario::HashRing(s) => s,
            other => panic!("not a hash-ring block: {other:?}"),
        }
    }

    #[test]
    fn a_bare_hash_ring_block_is_the_add_node_preset() {
        assert_eq!(hr("kind: hash-ring"), presets::hash_ring("add-node").unwrap());
    }

    #[test]
    fn hash_ring_blocks_set_placements_nodes_keys_and_the_change() {
        use crate::sim::hash_ring::run::{Change, KeySet, Variant};
        use crate::sim::hash_ring::Node;
        let s = hr("kind: hash-ring\nplacements: ring, bounded-loads\npoints: 8\nfactor: 150\nnodes: 5\nkeys: zipf\ncount: 1000\ndistinct: 100\nchange: remove 2\nseed: 7");
        assert_eq!(s.variants, [Variant::Ring { points: 8 }, Variant::BoundedLoads { factor: 150 }]);
        assert_eq!(s.nodes.len(), 5);
        assert_eq!(s.keys, KeySet::Zipf { count: 1000, distinct: 100 });
        assert_eq!(s.change, Some(Change::Remove("cache-2:11211".into())));
        assert_eq!(s.seed, 7);
        let w = hr("kind: hash-ring\nweights: 1, 2, 4\nchange: add\nweight: 3");
        assert_eq!(w.nodes.iter().map(|n| n.weight).collect::<Vec<_>>(), [1, 2, 4]);
        assert_eq!(w.change, Some(Change::Add(Node::weighted("cache-4:11211", 3))));
        assert_eq!(hr("kind: hash-ring\nchange: none").change, None);
    }

    #[test]
    fn hash_ring_block_errors_name_the_line() {
        let err = |text: &str| parse(text).unwrap_err();
        assert_eq!(
            err("kind: hash-ring\nplacements: ketama, chord"),
            "line 2: unknown placement `chord`; placements: modulo, ketama, ring, jump, rendezvous, maglev, bounded-loads"
        );
        assert_eq!(
            err("kind: hash-ring\npoints: 8"),
            "line 2: `points` applies to a ring placement, and this block has none"
        );
        assert_eq!(
            err("kind: hash-ring\nnodes: 3\nchange: remove 9"),
            "line 3: no node `9` to change (nodes are cache-1:11211 to cache-3:11211)"
        );
        assert_eq!(
            err("kind: hash-ring\nchange: shuffle"),
            "line 2: `change` is none, add, remove <node> or reweight <node>, not `shuffle`"
        );
        assert_eq!(
            err("kind: hash-ring\nchange: none\nweight: 2"),
            "line 3: `weight` applies to `change: add` or `change: reweight <node>`"
        );
        assert_eq!(err("kind: hash-ring\ndistinct: 5"), "line 2: `distinct` applies to `keys: zipf`");
        assert!(err("kind: hash-ring\nplacements: ring\npoints: 6").contains("multiple of 4"));
        assert_eq!(err("kind: hash-ring\nnodes: 0"), "line 2: nodes must be between 1 and 10000, not 0");
    }

    fn sh(text: &str) -> crate::scenario::ShardingScenario {
        match parse(text).unwrap().scenario {
            Scenario::Sharding(s) => s,
            other => panic!("not a sharding block: {other:?}"),
        }
    }

    #[test]
    fn sharding_blocks_set_the_workload_the_schemes_and_the_reshard() {
        use crate::sim::sharding::config::SchemeConfig;
        use crate::sim::sharding::reshard::Reshard;
        use crate::sim::sharding::workload::Keys;
        assert_eq!(sh("kind: sharding"), presets::sharding("default").unwrap());
        let s = sh("kind: sharding\nkeys: zipf\ndistinct: 500\nrows: 20000\nschemes: range, mongo, directory\n\
                    shards: 5\nservers: 2\nreshard: add-shard\nrange_width: 10\ninspect: 42\nseed: 9");
        assert_eq!(s.workload.keys, Keys::Zipf { distinct: 500 });
        assert_eq!((s.workload.rows, s.workload.range_width, s.inspect, s.seed), (20_000, 10, Some(42), 9));
        assert_eq!(
            s.schemes,
            [
                SchemeConfig::Range { splits: vec![101, 201, 301, 401] },
                SchemeConfig::Mongo { chunks: 5, servers: Some(2) },
                SchemeConfig::Directory { shards: 5 },
            ]
        );
        assert_eq!(s.reshard, Some(Reshard::AddShard));
        // A preset's ranges follow a changed workload's keys: four even ranges of 1..=40,000.
        let t = sh("kind: sharding\nrows: 40000\nreshard: none");
        assert_eq!(t.schemes[0], SchemeConfig::Range { splits: vec![10_001, 20_001, 30_001] });
        assert_eq!(t.reshard, None);
    }

    #[test]
    fn sharding_block_errors_name_the_line() {
        let err = |text: &str| parse(text).unwrap_err();
        assert_eq!(
            err("kind: sharding\nschemes: range, sharded"),
            "line 2: unknown scheme `sharded`; schemes: hash-mod, range, vitess, mongo, citus, consistent, directory, region"
        );
        assert_eq!(err("kind: sharding\nshards: 65"), "line 2: shards must be between 2 and 64, not 65");
        assert_eq!(
            err("kind: sharding\nschemes: range\nservers: 2"),
            "line 3: `servers` applies to mongo and citus schemes, and this block has none"
        );
        assert_eq!(
            err("kind: sharding\nkeys: uuids"),
            "line 2: `keys` is sequential, timestamps, uniform or zipf, not `uuids`"
        );
        assert_eq!(
            err("kind: sharding\nreshard: merge"),
            "line 2: `reshard` is none, add-shard, split-hottest or move-chunk, not `merge`"
        );
        assert!(err("kind: sharding\nrows: 0").contains("rows must be between 1"));
        assert!(err("kind: sharding\ncolour: red").starts_with("line 2: unknown key `colour`"));
        assert_eq!(err("kind: sharding\ncountries: mars"), "line 2: `countries` is none or example, not `mars`");
        assert_eq!(err("kind: sharding\nreads: hot"), "line 2: `reads` is uniform or recent, not `hot`");
        assert!(err("kind: sharding\nreads_per_write: 5000").contains("at most 1000 reads per write"));
        // A region scheme without countries has nothing to route by.
        assert_eq!(err("kind: sharding\nschemes: region, vitess"), "a region scheme needs a workload with countries");
        let Scenario::Sharding(s) =
            parse("kind: sharding\ncountries: example\nschemes: region, vitess").unwrap().scenario
        else {
            panic!()
        };
        assert_eq!(s.workload.countries.len(), 8);
    }

    #[test]
    fn title_is_kept() {
        let b = parse("kind: rate-limiter\ntitle: The boundary burst").unwrap();
        assert_eq!(b.title.as_deref(), Some("The boundary burst"));
    }
}
