//! The pipeline's named starting scenarios, for the preset menu and
//! article blocks (`preset:`).

use super::scenario::{DependencyModel, PipelineScenario, Pool};
use super::Lane;
use crate::scenario::{View, VERSION};
use crate::sim::circuit_breaker::presets::{pybreaker, resilience4j};
use crate::sim::circuit_breaker::run::{BreakerConfig, Dependency};
use crate::sim::kernel::traffic::Traffic;
use crate::sim::load_balancing::{Balancer, Server, Service};
use crate::sim::rate_limiter::{Algorithm, LimiterConfig};
use crate::sim::retries::scenario::{Change, DependencyConfig, Event};
use crate::sim::retries::Policy;

/// Preset names with a one-line description, in menu order.
pub const PRESETS: [(&str, &str); 5] = [
    ("outage", "The dependency fails everything from 20 s to 40 s: retries alone triple its load, a breaker sheds it"),
    ("spike", "Five times the traffic for 10 s: a rate limiter at the dependency's capacity refuses the overflow at the edge"),
    ("one-stage", "One stage at a time on the circuit-breaker widget's outage: the same decisions as that widget"),
    ("end-to-end", "Every stage: servers behind a balancer call a dependency that fails from 20 s to 40 s; breakers per server, a retry budget"),
    ("servers", "One server of ten stops from 20 s to 40 s: nginx takes it out, least request is drawn to its fast failures, retries route round it"),
];

/// 20 slots of 20 ms, as in the retries widget: 1,000 requests a second at most.
const DEPENDENCY: DependencyConfig = DependencyConfig { concurrency: 20, queue: 200, mean_ms: 20.0, failure: 0.0 };

/// The rate a limiter added by a block or the widget starts at: the
/// queueing dependency's capacity in the presets, 1,000 requests a second.
pub const LIMIT: u32 = 1_000;

/// The load-balancing widget's outage: ten servers of one slot, 10 ms of
/// work on average, the fourth stopped from 20 s to 40 s.
pub fn pool() -> Pool {
    let lb = crate::sim::load_balancing::presets::preset("outage").expect("the load-balancing outage preset");
    Pool { service: lb.service, servers: lb.servers, events: lb.events, dependency: None }
}

/// A lane of the named policy `key` with the given stages.
pub fn lane(key: &str, limiter: Option<LimiterConfig>, breaker: Option<BreakerConfig>) -> Lane {
    Lane { retry: Policy::named(key).expect("a named policy"), limiter, balancer: None, breaker }
}

/// The breaker the presets and blocks add: Resilience4j as the
/// circuit-breaker presets configure it.
pub fn breaker() -> BreakerConfig {
    BreakerConfig::Resilience4j(resilience4j())
}

/// The limiter the presets and blocks add: Envoy's token bucket at `per_second`, a second's worth of burst.
pub fn limiter(per_second: u32) -> LimiterConfig {
    LimiterConfig::new(Algorithm::TokenBucket, per_second, 1_000)
}

fn scenario(seed: u64, seconds: u64, traffic: Traffic, dependency: DependencyModel, events: Vec<Event>, lanes: Vec<Lane>) -> PipelineScenario {
    PipelineScenario {
        widget: Default::default(),
        version: VERSION,
        seed,
        duration_ms: seconds * 1_000,
        traffic,
        layers: 1,
        try_timeout_ms: None,
        deadline_ms: None,
        dependency,
        events,
        lanes,
        view: View::default(),
    }
}

/// The preset called `name` (`default` is `outage`).
pub fn preset(name: &str) -> Option<PipelineScenario> {
    let at = |s: f64, change| Event { at_ms: s * 1_000.0, change };
    Some(match name {
        "default" | "outage" => scenario(
            1,
            60,
            Traffic::Poisson { rps: 400.0, cost: 1 },
            DependencyModel::Queue(DEPENDENCY),
            vec![at(20.0, Change::Failure(1.0)), at(40.0, Change::Recover)],
            vec![
                lane("immediate", None, None),
                lane("immediate", None, Some(breaker())),
                lane("envoy-budget", Some(limiter(800)), Some(breaker())),
            ],
        ),
        "spike" => scenario(
            1,
            60,
            Traffic::Spike { base_rps: 300.0, spike_rps: 1_500.0, spike_at_ms: 20_000, spike_ms: 10_000, cost: 1 },
            DependencyModel::Queue(DEPENDENCY),
            Vec::new(),
            vec![
                lane("immediate", None, None),
                lane("immediate", Some(limiter(1_000)), None),
                lane("aws-standard", Some(limiter(1_000)), None),
            ],
        ),
        "end-to-end" => {
            let pool = Pool {
                service: Service::Exponential { mean_ms: 2.0 },
                servers: vec![Server { weight: 1, speed: 1.0, concurrency: 8, queue: 50 }; 5],
                events: Vec::new(),
                dependency: Some(DEPENDENCY),
            };
            let with = |l: Lane, balancer| Lane { balancer: Some(balancer), ..l };
            let least_request = Balancer::LeastRequest { choices: 2, ejection: None };
            let at = |s: f64, change| Event { at_ms: s * 1_000.0, change };
            scenario(
                1,
                60,
                Traffic::Poisson { rps: 400.0, cost: 1 },
                DependencyModel::Servers(pool),
                vec![at(20.0, Change::Failure(1.0)), at(40.0, Change::Recover)],
                vec![
                    with(lane("immediate", None, None), Balancer::RoundRobin),
                    with(lane("immediate", None, Some(breaker())), Balancer::RoundRobin),
                    with(lane("envoy-budget", Some(limiter(800)), Some(breaker())), least_request),
                ],
            )
        }
        "servers" => {
            let least_request = Some(Balancer::LeastRequest { choices: 2, ejection: None });
            let with = |l: Lane, balancer| Lane { balancer, ..l };
            scenario(
                1,
                60,
                Traffic::Poisson { rps: 600.0, cost: 1 },
                DependencyModel::Servers(pool()),
                Vec::new(),
                vec![
                    with(lane("none", None, None), Some(Balancer::RoundRobin)),
                    with(lane("none", None, None), least_request),
                    with(lane("immediate", None, Some(breaker())), least_request),
                ],
            )
        }
        "one-stage" => scenario(
            7,
            60,
            Traffic::Poisson { rps: 20.0, cost: 1 },
            DependencyModel::Script(Dependency::script("outage", 60_000)?),
            Vec::new(),
            vec![
                lane("none", None, Some(breaker())),
                lane("none", None, Some(BreakerConfig::Consecutive(pybreaker()))),
                lane("immediate", None, Some(breaker())),
            ],
        ),
        _ => return None,
    })
}
