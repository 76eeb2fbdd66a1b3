//! The retries widget's scenario: one stream of user requests through a
//! chain of clients to one dependency, under up to three retry policies.

use super::run::{run, Chain, Dependency, DependencyChange, LaneRun, Stages, Target, Trial};
use super::{Policy, MAX_LAYERS};
use crate::scenario::{check_count, check_version, View, MAX_LANES};
use crate::sim::kernel::num::decimal;
use crate::sim::kernel::rng::Rng;
use crate::sim::kernel::time::{ms_to_ns, MS};
use crate::sim::kernel::traffic::{check_duration, Traffic};
use crate::scenario::json::{self, Error, FromJson, Node, ToJson};

/// Slices a run is binned into for drawing.
pub const BINS: usize = 100;

/// The `widget` field of a retries scenario: always `"retries"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RetriesTag {
    #[default]
    Retries,
}

/// The dependency as configured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DependencyConfig {
    /// Requests served at once.
    pub concurrency: u32,
    /// Requests that may wait; one more is refused.
    pub queue: u32,
    /// Mean service time (exponential), ms.
    pub mean_ms: f64,
    /// Share of the requests it serves that fail.
    pub failure: f64,
}

/// What happens to the dependency at a moment: in JSON `{"failure": 0.5}`,
/// `{"slow": 5}` (service times that many times longer), `{"concurrency":
/// 4}` or `"recover"` (back to its configuration).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Change {
    Failure(f64),
    Slow(f64),
    Concurrency(u32),
    #[default]
    Recover,
}

/// `{"at_ms": 20000, "change": {"failure": 1}}`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Event {
    pub at_ms: f64,
    pub change: Change,
}

/// A retries scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct RetriesScenario {
    pub widget: RetriesTag,
    pub version: u32,
    pub seed: u64,
    pub duration_ms: u64,
    pub traffic: Traffic,
    /// Layers of clients between the user and the dependency, each retrying.
    pub layers: u32,
    /// Each try's timeout at every layer, ms.
    pub try_timeout_ms: Option<f64>,
    /// The user's overall timeout, ms.
    pub deadline_ms: Option<f64>,
    pub dependency: DependencyConfig,
    pub events: Vec<Event>,
    pub policies: Vec<Policy>,
    pub view: View,
}

fn check_ms(what: &str, v: f64) -> Result<(), String> {
    if v.is_finite() && v > 0.0 && v <= 600_000.0 {
        Ok(())
    } else {
        Err(format!("{what} must be above 0 and at most 600000 ms, not {}", decimal(v, 3)))
    }
}

fn check_failure(v: f64) -> Result<(), String> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(format!("a failure share must be between 0 and 1, not {}", decimal(v, 3)))
    }
}

/// The user requests of `traffic` over `duration_ms`, drawn from `seed`.
pub fn trial(traffic: &Traffic, duration_ms: u64, seed: u64) -> Trial {
    let span = duration_ms * MS;
    let mut draws = Rng::new(seed);
    let requests = traffic.generate(span, &mut draws);
    Trial {
        at: requests.iter().map(|r| r.at).collect(),
        cost: requests.iter().map(|r| r.cost).collect(),
        span,
        draws,
        work: None,
    }
}

json::names!(RetriesTag { Retries = "retries" });
json::object!(DependencyConfig, "the dependency (an object)" { concurrency, queue, mean_ms, failure });

impl FromJson for Change {
    fn read(node: &Node) -> Result<Change, Error> {
        let field = |e, name| json::in_field(e, name);
        match json::variant(node)? {
            ("recover", None) => Ok(Change::Recover),
            ("failure", Some(v)) => f64::read(v).map(Change::Failure).map_err(|e| field(e, "failure")),
            ("slow", Some(v)) => f64::read(v).map(Change::Slow).map_err(|e| field(e, "slow")),
            ("concurrency", Some(v)) => u32::read(v).map(Change::Concurrency).map_err(|e| field(e, "concurrency")),
            (name, _) => Err(json::unknown(node, name, &["failure", "slow", "concurrency", "recover"])),
        }
    }
}

impl ToJson for Change {
    fn write(&self, out: &mut String) {
        match self {
            Change::Failure(v) => json::write_variant(out, "failure", v),
            Change::Slow(v) => json::write_variant(out, "slow", v),
            Change::Concurrency(n) => json::write_variant(out, "concurrency", n),
            Change::Recover => "recover".write(out),
        }
    }
}

json::object!(Event, "a change to the dependency (an object)" { at_ms, change });
json::object!(RetriesScenario, "a retries scenario (an object)" {
    widget,
    version,
    seed,
    duration_ms,
    traffic,
    layers,
    try_timeout_ms: default (Option::is_none),
    deadline_ms: default (Option::is_none),
    dependency,
    events: default (Vec::is_empty),
    policies,
    view: default (View::is_default),
});

impl RetriesScenario {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), String> {
        check_version(self.version)?;
        check_duration(self.duration_ms)?;
        self.traffic.validate(self.duration_ms)?;
        check_chain(self.layers, self.try_timeout_ms, self.deadline_ms)?;
        check_dependency(&self.dependency, &self.events, self.duration_ms)?;
        check_count(self.policies.len(), MAX_LANES, "policies")?;
        for p in &self.policies {
            p.validate()?;
        }
        self.view.validate()
    }

    /// The user requests every policy serves.
    pub fn trial(&self) -> Trial {
        trial(&self.traffic, self.duration_ms, self.seed)
    }

    /// The chain as the engine takes it: the dependency's state after each
    /// event, in time order.
    pub fn chain(&self) -> Chain {
        let (dependency, changes) = dependency_changes(&self.dependency, &self.events);
        chain(self.layers, self.try_timeout_ms, self.deadline_ms, Target::Queue { dependency, changes }, self.seed)
    }

    /// Runs policy `lane` on `trial`.
    pub fn run_lane(&self, lane: usize, chain: &Chain, trial: &Trial) -> LaneRun {
        run(&self.policies[lane], chain, trial, BINS)
    }

    /// Runs every policy on `trial`.
    pub fn run_on(&self, trial: &Trial) -> Result<Vec<LaneRun>, String> {
        self.validate()?;
        let chain = self.chain();
        Ok((0..self.policies.len()).map(|i| self.run_lane(i, &chain, trial)).collect())
    }

    /// Runs every policy on the same user requests.
    pub fn run(&self) -> Result<Vec<LaneRun>, String> {
        self.validate()?;
        self.run_on(&self.trial())
    }
}

/// Checks the chain's layers and timeouts.
pub fn check_chain(layers: u32, try_timeout_ms: Option<f64>, deadline_ms: Option<f64>) -> Result<(), String> {
    if !(1..=MAX_LAYERS).contains(&layers) {
        return Err(format!("layers must be between 1 and {MAX_LAYERS}, not {layers}"));
    }
    for (what, v) in [("try_timeout_ms", try_timeout_ms), ("deadline_ms", deadline_ms)] {
        if let Some(v) = v {
            check_ms(what, v)?;
        }
    }
    Ok(())
}

/// Checks the queueing dependency and its events over a run of `duration_ms`.
pub fn check_dependency(d: &DependencyConfig, events: &[Event], duration_ms: u64) -> Result<(), String> {
        if !(1..=10_000).contains(&d.concurrency) || d.queue > 1_000_000 {
            return Err("the dependency serves 1 to 10000 requests at once and queues at most 1000000".into());
        }
        check_ms("the dependency's mean_ms", d.mean_ms)?;
        check_failure(d.failure)?;
        for e in events {
            if !(e.at_ms.is_finite() && e.at_ms >= 0.0 && e.at_ms <= duration_ms as f64) {
                return Err(format!(
                    "an event's at_ms must be within the run (0 to {duration_ms} ms), not {}",
                    decimal(e.at_ms, 3)
                ));
            }
            match e.change {
                Change::Failure(f) => check_failure(f)?,
                Change::Slow(k) => {
                    if !(k.is_finite() && (0.01..=1_000.0).contains(&k)) {
                        return Err(format!("a slowdown must be between 0.01 and 1000 times, not {}", decimal(k, 3)));
                    }
                }
                Change::Concurrency(n) => {
                    if !(1..=10_000).contains(&n) {
                        return Err(format!("the dependency's concurrency must be between 1 and 10000, not {n}"));
                    }
                }
                Change::Recover => {}
            }
        }
        Ok(())
}

/// The chain as the engine takes it, with no stages, ending at `target`.
pub fn chain(layers: u32, try_timeout_ms: Option<f64>, deadline_ms: Option<f64>, target: Target, seed: u64) -> Chain {
    Chain {
        layers,
        try_timeout: try_timeout_ms.map(ms_to_ns),
        deadline: deadline_ms.map(ms_to_ns),
        target,
        stages: Stages::default(),
        seed,
        lane: 0,
    }
}

/// The queueing dependency as the engine takes it: its configured state,
/// and its state after each event, in time order.
pub fn dependency_changes(dependency: &DependencyConfig, events: &[Event]) -> (Dependency, Vec<DependencyChange>) {
    let base = Dependency {
        concurrency: dependency.concurrency,
        queue: dependency.queue,
        mean_ns: dependency.mean_ms * MS as f64,
        failure: dependency.failure,
    };
    let mut events = events.to_vec();
    crate::sim::kernel::sort::radix_sort_by_key(&mut events, |e| ms_to_ns(e.at_ms));
    let mut now = base;
    let changes = events
        .iter()
        .map(|e| {
            match e.change {
                Change::Failure(f) => now.failure = f,
                Change::Slow(k) => now.mean_ns = base.mean_ns * k,
                Change::Concurrency(n) => now.concurrency = n,
                Change::Recover => now = base,
            }
            DependencyChange { at: ms_to_ns(e.at_ms), to: now }
        })
        .collect();
    (base, changes)
}

#[cfg(test)]
mod json_tests {
    use super::super::backup::Backup;
    use super::super::backoff::{Backoff, Jitter};
    use super::super::budget::Budget;
    use super::*;

    #[test]
    fn policies_read_as_they_are_written_with_their_defaults() {
        let backoff = Backoff::Exponential { base_ms: 10.0, cap_ms: 1000.0, jitter: Jitter::Full };
        assert_eq!(json::to_string(&backoff), r#"{"exponential":{"base_ms":10.0,"cap_ms":1000.0,"jitter":"full"}}"#);
        assert_eq!(json::from_str::<Backoff>(&json::to_string(&backoff)), Ok(backoff));
        let budget = Budget::Finagle { ttl_s: 10, min_per_sec: 10, percent: 0.2 };
        assert_eq!(json::from_str::<Budget>(&json::to_string(&budget)), Ok(budget));
        assert_eq!(
            json::from_str::<Backup>(r#"{"max_extra_load": 0.01}"#),
            Ok(Backup { max_extra_load: 0.01, min_send_backup_after_ms: 1 })
        );
        assert_eq!(json::to_string(&Change::Concurrency(4)), r#"{"concurrency":4}"#);
        assert_eq!(json::from_str::<Change>(r#""recover""#), Ok(Change::Recover));
    }

    #[test]
    fn a_wrong_backoff_or_budget_says_what_was_expected() {
        assert_eq!(
            json::from_str::<Backoff>(r#"{"exponential": {"base_ms": 10, "cap_ms": 100}}"#),
            Err("missing field \"jitter\" at line 1 column 17".into())
        );
        assert_eq!(
            json::from_str::<Budget>(r#""token-bucket""#),
            Err("unknown choice \"token-bucket\"; expected one of \"none\", \"aws-quota\", \"grpc-throttle\", \
                 \"envoy\", \"finagle\" at line 1 column 1"
                .into())
        );
        assert_eq!(
            json::from_str::<Change>(r#"{"slow": true}"#),
            Err("slow: expected a number, found a boolean at line 1 column 10".into())
        );
    }
}
