//! Retries' named starting scenarios, for the preset menu and article
//! blocks (`preset:`).

use super::scenario::{Change, DependencyConfig, Event, RetriesScenario};
use super::Policy;
use crate::scenario::{View, VERSION};
use crate::sim::kernel::traffic::Traffic;

/// Preset names with a one-line description, in menu order.
pub const PRESETS: [(&str, &str); 5] = [
    ("storm", "Three layers of clients, three attempts each: the dependency slows at 20 s and the retries bury it"),
    ("jitter", "A 2 s outage: retries without jitter arrive together, full and decorrelated jitter spread them"),
    ("budgets", "The dependency fails half its requests: a retry quota, gRPC's throttling and Envoy's budget cap the retries"),
    ("hedging", "One request in twenty is slow: a hedged second copy after 50 ms against waiting"),
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
        "jitter" => scenario(
            30,
            300.0,
            1,
            DEPENDENCY,
            vec![at(10.0, Change::Failure(1.0)), at(12.0, Change::Recover)],
            None,
            named(&["exponential", "full-jitter", "decorrelated"]),
        ),
        "budgets" => scenario(
            60,
            400.0,
            1,
            DEPENDENCY,
            vec![at(20.0, Change::Failure(0.5)), at(40.0, Change::Recover)],
            None,
            named(&["aws-standard", "grpc", "envoy-budget"]),
        ),
        "hedging" => scenario(30, 300.0, 1, DEPENDENCY, Vec::new(), None, named(&["none", "hedged"])),
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
