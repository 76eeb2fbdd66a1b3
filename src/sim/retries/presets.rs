//! Retries' named starting scenarios, for the preset menu and article
//! blocks (`preset:`).

use super::scenario::{Change, DependencyConfig, Event, RetriesScenario};
use super::Policy;
use crate::scenario::{View, VERSION};
use crate::sim::kernel::traffic::Traffic;

/// Preset names with a one-line description, in menu order.
pub const PRESETS: [(&str, &str); 5] = [
    ("storm", "Three layers of clients, three attempts each: the dependency slows at 20 s and the retries bury it"),
    ("jitter", "2,000 requests in 100 ms overflow the queue: retries without jitter come back in waves, jittered ones spread out"),
    ("budgets", "The dependency fails half its requests: a retry quota, gRPC's throttling and Envoy's budget cap the retries"),
    ("hedging", "Service times that vary: a second copy after 50 ms (gRPC), or after the p99 the client measures (Finagle), against waiting"),
    ("timeouts", "Tries time out at 100 ms while the dependency slows: abandoned work keeps it busy"),
];

fn named(keys: &[&str]) -> Vec<Policy> {
    keys.iter().map(|k| Policy::named(k).expect("a named policy")).collect()
}

#[allow(clippy::too_many_arguments)]
fn scenario(
    seconds: u64,
    rps: f64,
    layers: u32,
    dependency: DependencyConfig,
    events: Vec<Event>,
    try_timeout_ms: Option<f64>,
    policies: Vec<Policy>,
) -> RetriesScenario {
    RetriesScenario {
        widget: Default::default(),
        version: VERSION,
        seed: 1,
        duration_ms: seconds * 1_000,
        traffic: Traffic::Poisson { rps, cost: 1 },
        layers,
        try_timeout_ms,
        deadline_ms: None,
        dependency,
        events,
        policies,
        view: View::default(),
    }
}

fn at(seconds: f64, change: Change) -> Event {
    Event { at_ms: seconds * 1_000.0, change }
}

/// 20 slots of 20 ms: 1,000 requests a second at most.
const DEPENDENCY: DependencyConfig = DependencyConfig { concurrency: 20, queue: 200, mean_ms: 20.0, failure: 0.0 };

/// The preset called `name` (`default` is `storm`).
pub fn preset(name: &str) -> Option<RetriesScenario> {
    Some(match name {
        "default" | "storm" => scenario(
            60,
            400.0,
            3,
            DEPENDENCY,
            vec![at(20.0, Change::Slow(3.0)), at(40.0, Change::Recover)],
            Some(250.0),
            named(&["immediate", "full-jitter", "envoy-budget"]),
        ),
        "jitter" => {
            // 2,000 requests within 100 ms at 10 s, six attempts each.
            let mut s = scenario(30, 100.0, 1, DEPENDENCY, Vec::new(), None, named(&["exponential", "full-jitter", "decorrelated"]));
            s.traffic = Traffic::Spike { base_rps: 100.0, spike_rps: 20_000.0, spike_at_ms: 10_000, spike_ms: 100, cost: 1 };
            s.policies.iter_mut().for_each(|p| p.max_attempts = 6);
            s
        }
        "budgets" => scenario(
            60,
            400.0,
            1,
            DEPENDENCY,
            vec![at(20.0, Change::Failure(0.5)), at(40.0, Change::Recover)],
            None,
            named(&["aws-standard", "grpc", "envoy-budget"]),
        ),
        "hedging" => scenario(30, 300.0, 1, DEPENDENCY, Vec::new(), None, named(&["none", "hedged", "backup"])),
        "timeouts" => scenario(
            60,
            400.0,
            1,
            DEPENDENCY,
            vec![at(20.0, Change::Slow(4.0)), at(40.0, Change::Recover)],
            Some(100.0),
            named(&["none", "immediate", "aws-standard"]),
        ),
        _ => return None,
    })
}
