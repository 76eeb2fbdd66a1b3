//! The one scenario format: a versioned JSON document naming a widget, its
//! configuration, its traffic, the seed and optional view state.
//!
//! The same types serve the URL of every widget ([`url`]), export and import,
//! the native CLI, article widget blocks ([`block`]) and the tests. Parsing
//! never panics: every failure is a message naming what is wrong.

pub mod block;
pub mod lz;
pub mod presets;
pub mod url;

use crate::sim::circuit_breaker::run::{draw, run_breaker, BreakerConfig, BreakerRun, Dependency, Trial};
use crate::sim::circuit_breaker::State;
use crate::sim::hash_ring::run::{run_variant, Change, KeySet, Variant, VariantRun, MAX_NODES, MAX_RING_POINTS};
use crate::sim::hash_ring::{maglev, validate_nodes, KeyHash, Node};
use crate::sim::kernel::rng::Rng;
use crate::sim::kernel::time::{ms_to_ns, MS};
use crate::sim::kernel::traffic::{merge, validate_arrivals, Arrival, Request, Traffic, MAX_DURATION_MS};
use crate::sim::rate_limiter::run::{run_lane, LaneRun};
use crate::sim::rate_limiter::LimiterConfig;
use crate::sim::sharding::run::{run_scheme, Reshard, SchemeConfig, SchemeRun, Traffic as ShardTraffic, Workload};
use serde::{Deserialize, Serialize};

/// The format version this build writes and reads. Older versions are
/// upgraded on load; newer ones are refused with a message.
pub const VERSION: u32 = 1;
/// Most limiters compared side by side.
pub const MAX_LANES: usize = 3;
/// Most requests fired by hand in one scenario.
pub const MAX_EXTRA: usize = 10_000;

/// A scenario for any widget. The document's `widget` field selects the
/// variant; [`Scenario::from_json`] reads it first, then parses the variant's
/// own struct (which keeps serde's buffering deserializer out of the wasm).
#[derive(Clone, Debug, PartialEq)]
///
/// A wasm bundle holds only the widget families its Cargo features name (see
/// ARCHITECTURE.md, "One bundle per widget family"); native builds hold all.
pub enum Scenario {
    #[cfg(any(feature = "rate-limiter", not(target_arch = "wasm32")))]
    RateLimiter(RateLimiterScenario),
    #[cfg(any(feature = "circuit-breaker", not(target_arch = "wasm32")))]
    CircuitBreaker(CircuitBreakerScenario),
    #[cfg(any(feature = "hash-ring", not(target_arch = "wasm32")))]
    HashRing(HashRingScenario),
    #[cfg(any(feature = "sharding", not(target_arch = "wasm32")))]
    Sharding(ShardingScenario),
}

impl Serialize for Scenario {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            #[cfg(any(feature = "rate-limiter", not(target_arch = "wasm32")))]
            Scenario::RateLimiter(r) => r.serialize(s),
            #[cfg(any(feature = "circuit-breaker", not(target_arch = "wasm32")))]
            Scenario::CircuitBreaker(c) => c.serialize(s),
            #[cfg(any(feature = "hash-ring", not(target_arch = "wasm32")))]
            Scenario::HashRing(h) => h.serialize(s),
            #[cfg(any(feature = "sharding", not(target_arch = "wasm32")))]
            Scenario::Sharding(h) => h.serialize(s),
        }
    }
}

/// Every widget family's name, in or out of this build.
pub const KINDS: [&str; 4] = ["rate-limiter", "circuit-breaker", "hash-ring", "sharding"];

/// Checks a scenario's format version (older versions are upgraded before this).
fn check_version(version: u32) -> Result<(), String> {
    if version == VERSION {
        Ok(())
    } else {
        Err(format!("unsupported version {version}"))
    }
}

/// Checks how many things a scenario compares side by side.
fn check_count(n: usize, max: usize, what: &str) -> Result<(), String> {
    if (1..=max).contains(&n) {
        Ok(())
    } else {
        Err(format!("compare 1 to {max} {what}, not {n}"))
    }
}

/// The `widget` field of a circuit-breaker scenario: always `"circuit-breaker"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CircuitBreakerTag {
    #[default]
    #[serde(rename = "circuit-breaker")]
    CircuitBreaker,
}

/// A circuit-breaker scenario: caller traffic, a dependency whose behaviour
/// changes over time, and one or two breakers run side by side on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircuitBreakerScenario {
    pub widget: CircuitBreakerTag,
    pub version: u32,
    pub seed: u64,
    pub duration_ms: u64,
    pub traffic: Traffic,
    pub dependency: Dependency,
    pub breakers: Vec<BreakerConfig>,
    #[serde(default, skip_serializing_if = "View::is_default")]
    pub view: View,
}

impl CircuitBreakerScenario {
    /// Checks traffic, dependency, breakers and duration.
    pub fn validate(&self) -> Result<(), String> {
        check_version(self.version)?;
        if self.duration_ms == 0 || self.duration_ms > MAX_DURATION_MS {
            return Err(format!("duration_ms must be between 1 and {MAX_DURATION_MS}, not {}", self.duration_ms));
        }
        if self.breakers.is_empty() || self.breakers.len() > 2 {
            return Err(format!("compare one or two breakers, not {}", self.breakers.len()));
        }
        for b in &self.breakers {
            b.validate()?;
        }
        self.dependency.validate()?;
        self.traffic.validate(self.duration_ms)?;
        self.view.validate()
    }

    /// Sets the run's length. A scripted dependency is laid over the run, so
    /// it stretches with it; a hand-made one keeps its times.
    pub fn set_duration(&mut self, duration_ms: u64) {
        let script = self.dependency.script_name(self.duration_ms);
        self.duration_ms = duration_ms;
        if let Some(d) = script.and_then(|name| Dependency::script(name, duration_ms)) {
            self.dependency = d;
        }
    }

    /// The arrivals and the dependency's answers to them: one generator,
    /// seeded once, draws the traffic and then the results. They depend only
    /// on the seed, duration, traffic and dependency, not on the breakers.
    pub fn trial(&self) -> Trial {
        let mut rng = Rng::new(self.seed);
        let requests = self.traffic.generate(self.duration_ms * MS, &mut rng);
        let attempts = draw(&requests, &self.dependency, &mut rng);
        Trial { requests, attempts }
    }

    /// Runs every breaker on `trial` (this scenario's [`trial`](Self::trial)),
    /// binned into `bins` slices.
    pub fn run_on(&self, trial: &Trial, bins: usize) -> Result<Vec<BreakerRun>, String> {
        self.validate()?;
        let duration = self.duration_ms * MS;
        self.breakers.iter().map(|b| run_breaker(b, &trial.requests, &trial.attempts, duration, bins)).collect()
    }

    /// Runs every breaker on the same arrivals and the same dependency results.
    pub fn run(&self, bins: usize) -> Result<Vec<BreakerRun>, String> {
        self.validate()?;
        self.run_on(&self.trial(), bins)
    }
}

/// The `widget` field of a hash-ring scenario: always `"hash-ring"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum HashRingTag {
    #[default]
    #[serde(rename = "hash-ring")]
    HashRing,
}

/// Most placements compared side by side on one key set.
pub const MAX_VARIANTS: usize = 3;

/// A key-placement scenario: nodes, a key set, up to three placements
/// compared on it, and optionally a change to the nodes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HashRingScenario {
    pub widget: HashRingTag,
    pub version: u32,
    pub seed: u64,
    pub nodes: Vec<Node>,
    pub keys: KeySet,
    pub variants: Vec<Variant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
    #[serde(default, skip_serializing_if = "View::is_default")]
    pub view: View,
}

impl HashRingScenario {
    /// Checks nodes, keys, placements and the change.
    pub fn validate(&self) -> Result<(), String> {
        check_version(self.version)?;
        validate_nodes(&self.nodes, MAX_NODES)?;
        self.keys.validate()?;
        check_count(self.variants.len(), MAX_VARIANTS, "placements")?;
        let keys = self.keys.len() as f64;
        let after = match &self.change {
            Some(c) => Some(c.apply(&self.nodes).map_err(|e| format!("change: {e}"))?),
            None => None,
        };
        for v in &self.variants {
            v.validate()?;
            // Keep a run to seconds: rendezvous scores every node for every key,
            // and a Maglev fill visits every node in every round.
            for nodes in std::iter::once(&self.nodes).chain(after.as_ref()) {
                if let Variant::Ring { points } = v {
                    if u64::from(*points) * nodes.len() as u64 > MAX_RING_POINTS {
                        return Err(format!(
                            "a ring of {points} points per node over {} nodes holds more than {MAX_RING_POINTS} points; use fewer",
                            nodes.len()
                        ));
                    }
                }
                let steps = match v {
                    Variant::Rendezvous => nodes.len() as f64 * keys,
                    // A request whose node is full walks on round the ring. Near a
                    // factor of 100% few nodes have room and walks grow towards
                    // every node; this bounds a walk by the nodes and by 100/(f − 100).
                    Variant::BoundedLoads { factor } => {
                        let walk = if *factor > 100 { (100.0 / f64::from(factor - 100)).ceil() } else { f64::INFINITY };
                        walk.min(nodes.len() as f64) * keys
                    }
                    Variant::Maglev { table_size } => maglev::build_steps(nodes, *table_size),
                    _ => 0.0,
                };
                if steps > maglev::MAX_BUILD_STEPS {
                    return Err(format!(
                        "{} over {} nodes and {} keys is too much work for one run; use fewer nodes, keys or slots",
                        v.name(),
                        nodes.len(),
                        self.keys.len()
                    ));
                }
            }
        }
        self.view.validate()
    }

    /// Places the keys with every variant, before and after the change.
    pub fn run(&self) -> Result<Vec<VariantRun>, String> {
        self.validate()?;
        self.run_on(&self.hash_keys(), 0)
    }

    /// The nodes after the change (as they are when it does not apply).
    pub fn nodes_now(&self) -> Vec<Node> {
        self.change.as_ref().and_then(|c| c.apply(&self.nodes).ok()).unwrap_or_else(|| self.nodes.clone())
    }

    /// Makes the nodes after the change the starting point, with no change.
    pub fn commit(&mut self) {
        self.nodes = self.nodes_now();
        self.change = None;
    }

    /// The first `cache-<i>:11211` name no node uses.
    pub fn next_name(&self) -> String {
        (1..).map(|i| format!("cache-{i}:11211")).find(|n| !self.nodes.iter().any(|m| &m.name == n)).unwrap_or_default()
    }

    /// `n` nodes: the first `n` present ones, then new `cache-<i>:11211`
    /// nodes of weight 1. A change to a node that is gone moves to the last
    /// node, and a node the change adds keeps a name no other node has.
    pub fn resize(&mut self, n: usize) {
        self.nodes.truncate(n);
        // Which of cache-1 … cache-n are taken; the free ones among them are enough.
        let mut taken = vec![false; n + 1];
        for m in &self.nodes {
            let index =
                m.name.strip_prefix("cache-").and_then(|r| r.strip_suffix(":11211")).and_then(|d| d.parse().ok());
            if let Some(i) = index.filter(|&i: &usize| i <= n) {
                taken[i] = true;
            }
        }
        for i in (1..=n).filter(|&i| !taken[i]) {
            if self.nodes.len() == n {
                break;
            }
            self.nodes.push(Node::new(format!("cache-{i}:11211")));
        }
        let last = self.nodes.last().map(|n| n.name.clone()).unwrap_or_default();
        let next = self.next_name();
        match &mut self.change {
            Some(Change::Remove(name) | Change::Reweight { name, .. })
                if !self.nodes.iter().any(|m| &m.name == name) =>
            {
                *name = last
            }
            Some(Change::Add(node)) if self.nodes.iter().any(|m| m.name == node.name) => node.name = next,
            _ => {}
        }
    }

    /// The key set, generated from the seed and hashed once (see [`KeyHash`]).
    pub fn hash_keys(&self) -> Vec<KeyHash> {
        KeyHash::all(&self.keys.generate(&mut Rng::new(self.seed)))
    }

    /// [`run`](Self::run) on keys hashed by [`hash_keys`](Self::hash_keys)
    /// (of a validated scenario), keeping where the first `sample` keys go:
    /// the widget hashes a key set once and re-places it after every edit.
    pub fn run_on(&self, keys: &[KeyHash], sample: usize) -> Result<Vec<VariantRun>, String> {
        let after = match &self.change {
            Some(c) => Some((c, c.apply(&self.nodes)?)),
            None => None,
        };
        Ok(self
            .variants
            .iter()
            .map(|v| run_variant(v, &self.nodes, keys, after.as_ref().map(|(c, n)| (*c, n.as_slice())), sample))
            .collect())
    }
}

/// The `widget` field of a sharding scenario: always `"sharding"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShardingTag {
    #[default]
    #[serde(rename = "sharding")]
    Sharding,
}

/// A sharding scenario: a workload, one to three partitioning schemes
/// compared on it, and optionally a re-shard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardingScenario {
    pub widget: ShardingTag,
    pub version: u32,
    pub seed: u64,
    pub workload: Workload,
    pub schemes: Vec<SchemeConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reshard: Option<Reshard>,
    /// The first key of the range query the inspector shows (it covers
    /// `range_width` keys); absent, the workload's first range query.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspect: Option<u64>,
    #[serde(default, skip_serializing_if = "View::is_default")]
    pub view: View,
}

impl ShardingScenario {
    /// Checks the workload and the schemes.
    pub fn validate(&self) -> Result<(), String> {
        check_version(self.version)?;
        self.workload.validate()?;
        check_count(self.schemes.len(), MAX_VARIANTS, "schemes")?;
        for s in &self.schemes {
            s.validate(&self.workload.countries)?;
        }
        self.view.validate()
    }

    /// Routes the workload through every scheme, before and after the re-shard.
    pub fn run(&self) -> Result<Vec<SchemeRun>, String> {
        self.validate()?;
        let traffic = self.traffic();
        self.schemes.iter().map(|s| run_scheme(s, &traffic, self.reshard.as_ref())).collect()
    }

    /// The keys the workload writes and the range queries it asks, drawn from
    /// the seed in that order: every scheme routes the same traffic, and the
    /// widget draws it once per workload.
    pub fn traffic(&self) -> ShardTraffic {
        ShardTraffic::new(&self.workload, &mut Rng::new(self.seed))
    }

    /// The keys `lo..=hi` of the query the inspector shows, given the traffic.
    pub fn inspected(&self, traffic: &ShardTraffic) -> (u64, u64) {
        let lo = self.inspect.or(traffic.queries.first().map(|q| q.0)).unwrap_or(self.workload.key_span().0);
        (lo, lo.saturating_add(self.workload.range_width.saturating_sub(1)))
    }
}

/// The `widget` field of a rate-limiter scenario: always `"rate-limiter"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RateLimiterTag {
    #[default]
    #[serde(rename = "rate-limiter")]
    RateLimiter,
}

/// View state that does not change results: where playback stands.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct View {
    /// Playback position in ms; absent means the end of the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_ms: Option<f64>,
}

impl View {
    fn is_default(&self) -> bool {
        *self == View::default()
    }

    /// Checks the playback position.
    pub fn validate(&self) -> Result<(), String> {
        match self.time_ms {
            Some(t) if !t.is_finite() || t < 0.0 => {
                Err(format!("view.time_ms must be a time ≥ 0, not {}", crate::sim::kernel::num::decimal(t, 3)))
            }
            _ => Ok(()),
        }
    }
}

/// The rate-limiter widget's scenario: up to three limiters on one trace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimiterScenario {
    pub widget: RateLimiterTag,
    pub version: u32,
    pub seed: u64,
    pub duration_ms: u64,
    pub traffic: Traffic,
    pub limiters: Vec<LimiterConfig>,
    /// Requests fired by hand, `[at_ms, cost]` in time order, merged into the generated traffic.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<Arrival>,
    #[serde(default, skip_serializing_if = "View::is_default")]
    pub view: View,
}

/// Just enough of a document to report version and widget problems first.
#[derive(Deserialize)]
struct Probe {
    version: Option<u64>,
    widget: Option<String>,
}

impl Scenario {
    /// Parses and validates a scenario document.
    pub fn from_json(text: &str) -> Result<Scenario, String> {
        let probe: Probe = serde_json::from_str(text).map_err(|e| format!("not a scenario: {e}"))?;
        match probe.version {
            None => return Err("the scenario has no \"version\"".into()),
            Some(v) if v > u64::from(VERSION) => {
                return Err(format!(
                    "this scenario is version {v}, newer than this playground understands (version {VERSION}); reload the page to update"
                ))
            }
            Some(0) => return Err(format!("\"version\" must be a whole number from 1 to {VERSION}, not 0")),
            Some(_) => {}
        }
        let s = match probe.widget.as_deref() {
            #[cfg(any(feature = "rate-limiter", not(target_arch = "wasm32")))]
            Some("rate-limiter") => Scenario::RateLimiter(
                serde_json::from_str(text).map_err(|e| format!("invalid rate-limiter scenario: {e}"))?,
            ),
            #[cfg(any(feature = "circuit-breaker", not(target_arch = "wasm32")))]
            Some("circuit-breaker") => Scenario::CircuitBreaker(
                serde_json::from_str(text).map_err(|e| format!("invalid circuit-breaker scenario: {e}"))?,
            ),
            #[cfg(any(feature = "hash-ring", not(target_arch = "wasm32")))]
            Some("hash-ring") => {
                Scenario::HashRing(serde_json::from_str(text).map_err(|e| format!("invalid hash-ring scenario: {e}"))?)
            }
            #[cfg(any(feature = "sharding", not(target_arch = "wasm32")))]
            Some("sharding") => {
                Scenario::Sharding(serde_json::from_str(text).map_err(|e| format!("invalid sharding scenario: {e}"))?)
            }
            // A family this bundle leaves out: its own page has it.
            Some(other) if KINDS.contains(&other) => {
                return Err(format!("a {other} scenario opens on the {other} widget's own page, not this one"))
            }
            Some(other) => return Err(format!("unknown widget \"{other}\"; known widgets: {}", KINDS.join(", "))),
            None => return Err("the scenario has no \"widget\" name".into()),
        };
        s.validate()?;
        Ok(s)
    }

    /// The scenario as compact JSON. (Serialising these types cannot fail:
    /// every map key is a string and non-finite numbers become `null`.)
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The scenario as indented JSON, for export.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks every field against its bounds.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            #[cfg(any(feature = "rate-limiter", not(target_arch = "wasm32")))]
            Scenario::RateLimiter(s) => s.validate(),
            #[cfg(any(feature = "circuit-breaker", not(target_arch = "wasm32")))]
            Scenario::CircuitBreaker(s) => s.validate(),
            #[cfg(any(feature = "hash-ring", not(target_arch = "wasm32")))]
            Scenario::HashRing(s) => s.validate(),
            #[cfg(any(feature = "sharding", not(target_arch = "wasm32")))]
            Scenario::Sharding(s) => s.validate(),
        }
    }

    /// The widget's registry name.
    pub fn widget(&self) -> &'static str {
        match self {
            #[cfg(any(feature = "rate-limiter", not(target_arch = "wasm32")))]
            Scenario::RateLimiter(_) => "rate-limiter",
            #[cfg(any(feature = "circuit-breaker", not(target_arch = "wasm32")))]
            Scenario::CircuitBreaker(_) => "circuit-breaker",
            #[cfg(any(feature = "hash-ring", not(target_arch = "wasm32")))]
            Scenario::HashRing(_) => "hash-ring",
            #[cfg(any(feature = "sharding", not(target_arch = "wasm32")))]
            Scenario::Sharding(_) => "sharding",
        }
    }
}

impl RateLimiterScenario {
    /// Checks lanes, traffic, duration and hand-fired requests.
    pub fn validate(&self) -> Result<(), String> {
        check_version(self.version)?;
        if self.duration_ms == 0 || self.duration_ms > MAX_DURATION_MS {
            return Err(format!("duration_ms must be between 1 and {MAX_DURATION_MS}, not {}", self.duration_ms));
        }
        if self.limiters.is_empty() || self.limiters.len() > MAX_LANES {
            return Err(format!("compare between 1 and {MAX_LANES} limiters, not {}", self.limiters.len()));
        }
        for l in &self.limiters {
            l.validate()?;
        }
        self.traffic.validate(self.duration_ms)?;
        if self.extra.len() > MAX_EXTRA {
            return Err(format!("at most {MAX_EXTRA} hand-fired requests, not {}", self.extra.len()));
        }
        validate_arrivals(&self.extra).map_err(|e| format!("hand-fired {e}"))?;
        self.view.validate()
    }

    /// The run's arrivals: generated traffic plus hand-fired requests.
    pub fn requests(&self) -> Vec<Request> {
        let mut rng = Rng::new(self.seed);
        let duration = self.duration_ms * MS;
        let base = self.traffic.generate(duration, &mut rng);
        let extra: Vec<Request> = self
            .extra
            .iter()
            .map(|a| Request { at: ms_to_ns(a.0), cost: a.1.max(1) })
            .filter(|r| r.at < duration)
            .collect();
        merge(base, &extra)
    }

    /// Runs every lane on the same arrivals.
    pub fn run(&self, bins: usize) -> Result<Vec<LaneRun>, String> {
        self.validate()?;
        let requests = self.requests();
        self.limiters.iter().map(|l| run_lane(l, &requests, self.duration_ms * MS, bins)).collect()
    }
}

/// The result of running a scenario, as the CLI prints it.
#[derive(Serialize)]
pub struct RunReport<'a> {
    pub widget: &'static str,
    pub seed: u64,
    pub lanes: Vec<LaneReport<'a>>,
}

/// One lane of a [`RunReport`].
#[derive(Serialize)]
pub struct LaneReport<'a> {
    pub limiter: &'a LimiterConfig,
    pub summary: crate::sim::rate_limiter::run::Summary,
    pub decisions: Vec<DecisionReport>,
}

/// One decision of a [`LaneReport`]: times in integer nanoseconds.
#[derive(Serialize)]
pub struct DecisionReport {
    pub t_ns: u64,
    pub cost: u32,
    pub outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_ns: Option<u64>,
    /// The limiter's visible state after the request.
    pub state: f64,
}

/// Runs a scenario and returns its trace as CSV, one row per decision: each
/// request a limiter decided, each call through a breaker; for placements,
/// each node's keys before and after the change, and for sharding each
/// server's rows. Times are integer nanoseconds, as in [`run_to_json`].
pub fn run_to_csv(scenario: &Scenario) -> Result<String, String> {
    use std::fmt::Write as _;
    let mut csv = String::new();
    match scenario {
        #[cfg(any(feature = "rate-limiter", not(target_arch = "wasm32")))]
        Scenario::RateLimiter(s) => {
            csv.push_str("lane,algorithm,t_ns,cost,outcome,delay_ns,state\n");
            for (i, lane) in s.run(1)?.iter().enumerate() {
                for d in &lane.decisions {
                    let delay = match d.outcome {
                        crate::sim::rate_limiter::Outcome::Delayed(w) => w.to_string(),
                        _ => String::new(),
                    };
                    let _ = writeln!(
                        csv,
                        "{},{},{},{},{},{delay},{}",
                        i + 1,
                        lane.config.algorithm.name(),
                        d.at,
                        d.cost,
                        d.outcome.name(),
                        crate::sim::kernel::num::decimal(d.level, 6)
                    );
                }
            }
        }
        #[cfg(any(feature = "circuit-breaker", not(target_arch = "wasm32")))]
        Scenario::CircuitBreaker(s) => {
            csv.push_str("breaker,kind,t_ns,state,reached,failed,latency_ns\n");
            for (i, (config, run)) in s.breakers.iter().zip(s.run(0)?).enumerate() {
                let kind = match config {
                    BreakerConfig::Resilience4j(_) => "resilience4j",
                    BreakerConfig::Consecutive(_) => "pybreaker",
                };
                for c in &run.calls {
                    let state = match c.state {
                        State::Closed => "CLOSED",
                        State::Open => "OPEN",
                        State::HalfOpen => "HALF_OPEN",
                    };
                    let _ = writeln!(csv, "{},{kind},{},{state},{},{},{}", i + 1, c.at, c.reached, c.failed, c.latency);
                }
            }
        }
        #[cfg(any(feature = "hash-ring", not(target_arch = "wasm32")))]
        Scenario::HashRing(s) => {
            csv.push_str("placement,algorithm,node,weight_before,weight_after,keys_before,keys_after\n");
            let after = s.change.as_ref().map(|c| c.apply(&s.nodes)).transpose()?;
            let now = after.as_deref().unwrap_or(&s.nodes);
            let lines = crate::sim::hash_ring::run::node_lines(&s.nodes, s.change.as_ref(), now);
            let field = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
            for (i, run) in s.run()?.iter().enumerate() {
                for line in &lines {
                    let (keys_before, keys_after) = run.keys_of(line);
                    let _ = writeln!(
                        csv,
                        "{},{},{},{},{},{keys_before},{}",
                        i + 1,
                        run.variant.name(),
                        csv_field(line.name),
                        field(line.before.map(|b| u64::from(s.nodes[b].weight))),
                        field(after.as_ref().and(line.after).map(|a| u64::from(now[a].weight))),
                        field(keys_after)
                    );
                }
            }
        }
        #[cfg(any(feature = "sharding", not(target_arch = "wasm32")))]
        Scenario::Sharding(s) => {
            csv.push_str("scheme,kind,server,rows_before,rows_after\n");
            for (i, run) in s.run()?.iter().enumerate() {
                let servers = run.before.rows.len().max(run.after.as_ref().map_or(0, |a| a.rows.len()));
                for server in 0..servers {
                    let before = run.before.rows.get(server).copied().unwrap_or(0);
                    let after = run
                        .after
                        .as_ref()
                        .map_or(String::new(), |a| a.rows.get(server).copied().unwrap_or(0).to_string());
                    let _ = writeln!(csv, "{},{},{},{before},{after}", i + 1, run.scheme.name(), server + 1);
                }
            }
        }
    }
    Ok(csv)
}

/// A CSV field: quoted when it holds a comma, a quote or a line break.
#[cfg(any(feature = "hash-ring", not(target_arch = "wasm32")))]
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Runs a scenario and returns its report as compact JSON: the same bytes on
/// every platform for the same scenario.
pub fn run_to_json(scenario: &Scenario) -> Result<String, String> {
    match scenario {
        #[cfg(any(feature = "rate-limiter", not(target_arch = "wasm32")))]
        Scenario::RateLimiter(s) => {
            let lanes = s.run(1)?;
            let report = RunReport {
                widget: scenario.widget(),
                seed: s.seed,
                lanes: lanes
                    .iter()
                    .map(|lane| LaneReport {
                        limiter: &lane.config,
                        summary: lane.summary,
                        decisions: lane
                            .decisions
                            .iter()
                            .map(|d| DecisionReport {
                                t_ns: d.at,
                                cost: d.cost,
                                outcome: d.outcome.name(),
                                delay_ns: match d.outcome {
                                    crate::sim::rate_limiter::Outcome::Delayed(w) => Some(w),
                                    _ => None,
                                },
                                state: d.level,
                            })
                            .collect(),
                    })
                    .collect(),
            };
            Ok(serde_json::to_string(&report).expect("reports always serialise"))
        }
        #[cfg(any(feature = "hash-ring", not(target_arch = "wasm32")))]
        Scenario::HashRing(s) => {
            let report = HashRingReport {
                widget: scenario.widget(),
                seed: s.seed,
                nodes: s.nodes.iter().map(|n| n.name.as_str()).collect(),
                change: s.change.as_ref(),
                variants: s.run()?,
            };
            Ok(serde_json::to_string(&report).expect("reports always serialise"))
        }
        #[cfg(any(feature = "sharding", not(target_arch = "wasm32")))]
        Scenario::Sharding(s) => {
            let report = ShardingReport { widget: scenario.widget(), seed: s.seed, schemes: s.run()? };
            Ok(serde_json::to_string(&report).expect("reports always serialise"))
        }
        #[cfg(any(feature = "circuit-breaker", not(target_arch = "wasm32")))]
        Scenario::CircuitBreaker(s) => {
            let runs = s.run(0)?;
            let report = BreakerReport {
                widget: scenario.widget(),
                seed: s.seed,
                breakers: s
                    .breakers
                    .iter()
                    .zip(&runs)
                    .map(|(config, run)| BreakerLaneReport {
                        breaker: config,
                        summary: run.summary,
                        transitions: run
                            .transitions
                            .iter()
                            .map(|t| TransitionReport { t_ns: t.at, from: t.from, to: t.to })
                            .collect(),
                        calls: run
                            .calls
                            .iter()
                            .map(|c| CallReport {
                                t_ns: c.at,
                                state: c.state,
                                reached: c.reached,
                                failed: c.failed,
                                latency_ns: c.latency,
                            })
                            .collect(),
                    })
                    .collect(),
            };
            Ok(serde_json::to_string(&report).expect("reports always serialise"))
        }
    }
}

/// The result of running a hash-ring scenario, as the CLI prints it.
#[derive(Serialize)]
pub struct HashRingReport<'a> {
    pub widget: &'static str,
    pub seed: u64,
    pub nodes: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<&'a Change>,
    pub variants: Vec<VariantRun>,
}

/// The result of running a sharding scenario, as the CLI prints it.
#[derive(Serialize)]
pub struct ShardingReport {
    pub widget: &'static str,
    pub seed: u64,
    pub schemes: Vec<SchemeRun>,
}

/// The result of running a circuit-breaker scenario, as the CLI prints it.
#[derive(Serialize)]
pub struct BreakerReport<'a> {
    pub widget: &'static str,
    pub seed: u64,
    pub breakers: Vec<BreakerLaneReport<'a>>,
}

/// One breaker of a [`BreakerReport`].
#[derive(Serialize)]
pub struct BreakerLaneReport<'a> {
    pub breaker: &'a BreakerConfig,
    pub summary: crate::sim::circuit_breaker::run::BreakerSummary,
    pub transitions: Vec<TransitionReport>,
    pub calls: Vec<CallReport>,
}

/// A state change: when, from, to.
#[derive(Serialize)]
pub struct TransitionReport {
    pub t_ns: u64,
    pub from: State,
    pub to: State,
}

/// One call: when it arrived, the state it met, whether it reached the
/// dependency, whether the caller saw a failure, and the latency it saw.
#[derive(Serialize)]
pub struct CallReport {
    pub t_ns: u64,
    pub state: State,
    pub reached: bool,
    pub failed: bool,
    pub latency_ns: u64,
}

#[cfg(any(feature = "rate-limiter", not(target_arch = "wasm32")))]
impl From<RateLimiterScenario> for Scenario {
    fn from(s: RateLimiterScenario) -> Scenario {
        Scenario::RateLimiter(s)
    }
}

#[cfg(any(feature = "rate-limiter", not(target_arch = "wasm32")))]
impl TryFrom<Scenario> for RateLimiterScenario {
    /// The scenario of another family, given back.
    type Error = Scenario;
    fn try_from(s: Scenario) -> Result<RateLimiterScenario, Scenario> {
        match s {
            Scenario::RateLimiter(s) => Ok(s),
            // Unreachable in a bundle of this family alone.
            #[allow(unreachable_patterns)]
            other => Err(other),
        }
    }
}

#[cfg(any(feature = "circuit-breaker", not(target_arch = "wasm32")))]
impl From<CircuitBreakerScenario> for Scenario {
    fn from(s: CircuitBreakerScenario) -> Scenario {
        Scenario::CircuitBreaker(s)
    }
}

#[cfg(any(feature = "circuit-breaker", not(target_arch = "wasm32")))]
impl TryFrom<Scenario> for CircuitBreakerScenario {
    /// The scenario of another family, given back.
    type Error = Scenario;
    fn try_from(s: Scenario) -> Result<CircuitBreakerScenario, Scenario> {
        match s {
            Scenario::CircuitBreaker(s) => Ok(s),
            // Unreachable in a bundle of this family alone.
            #[allow(unreachable_patterns)]
            other => Err(other),
        }
    }
}

#[cfg(any(feature = "hash-ring", not(target_arch = "wasm32")))]
impl From<HashRingScenario> for Scenario {
    fn from(s: HashRingScenario) -> Scenario {
        Scenario::HashRing(s)
    }
}

#[cfg(any(feature = "hash-ring", not(target_arch = "wasm32")))]
impl TryFrom<Scenario> for HashRingScenario {
    /// The scenario of another family, given back.
    type Error = Scenario;
    fn try_from(s: Scenario) -> Result<HashRingScenario, Scenario> {
        match s {
            Scenario::HashRing(s) => Ok(s),
            // Unreachable in a bundle of this family alone.
            #[allow(unreachable_patterns)]
            other => Err(other),
        }
    }
}

#[cfg(any(feature = "sharding", not(target_arch = "wasm32")))]
impl From<ShardingScenario> for Scenario {
    fn from(s: ShardingScenario) -> Scenario {
        Scenario::Sharding(s)
    }
}

#[cfg(any(feature = "sharding", not(target_arch = "wasm32")))]
impl TryFrom<Scenario> for ShardingScenario {
    /// The scenario of another family, given back.
    type Error = Scenario;
    fn try_from(s: Scenario) -> Result<ShardingScenario, Scenario> {
        match s {
            Scenario::Sharding(s) => Ok(s),
            // Unreachable in a bundle of this family alone.
            #[allow(unreachable_patterns)]
            other => Err(other),
        }
    }
}
