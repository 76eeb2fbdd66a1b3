//! Load balancing's named starting scenarios, for the preset menu and
//! article blocks (`preset:`).

use super::scenario::{Event, LoadBalancingScenario};
use super::{Balancer, Change, Server, Service};
use crate::scenario::{View, VERSION};
use crate::sim::kernel::traffic::Traffic;

/// Preset names with a one-line description, in menu order.
pub const PRESETS: [(&str, &str); 7] = [
    ("uneven", "Ten servers, one a third as fast, at 70% load: round robin's tail against least request and Peak-EWMA"),
    ("weighted", "Fast and slow servers with weights to match: round robin, nginx's smooth weighted round robin, least_conn"),
    ("outage", "A server stops at 20 s and returns at 40 s: nginx takes it out; least request is drawn to its fast failures"),
    ("slowdown", "A server slows to a tenth of its speed at 20 s: who notices, and how fast"),
    ("tail", "One request in a hundred takes 30 times longer: random, round robin and the power of two choices"),
    ("two-choices", "Twenty servers at 90% load: one random choice, two, and five"),
    ("affinity", "Requests hashed by user onto Envoy's Maglev table: affinity against round robin and least request"),
];

const ROUND_ROBIN: Balancer = Balancer::RoundRobin;
const LEAST_REQUEST: Balancer = Balancer::LeastRequest { choices: 2, ejection: None };
const PEAK_EWMA: Balancer = Balancer::PeakEwma { decay_ms: 10_000, default_rtt_ms: 30 };

fn servers(n: usize) -> Vec<Server> {
    vec![Server { weight: 1, speed: 1.0, concurrency: 1, queue: 1_000 }; n]
}

fn scenario(seconds: u64, rps: f64, service: Service, servers: Vec<Server>, balancers: Vec<Balancer>) -> LoadBalancingScenario {
    LoadBalancingScenario {
        widget: Default::default(),
        version: VERSION,
        seed: 1,
        duration_ms: seconds * 1_000,
        traffic: Traffic::Poisson { rps, cost: 1 },
        service,
        servers,
        events: Vec::new(),
        timeout_ms: None,
        balancers,
        view: View::default(),
    }
}

/// The preset called `name` (`default` is `uneven`).
pub fn preset(name: &str) -> Option<LoadBalancingScenario> {
    let ten_ms = Service::Exponential { mean_ms: 10.0 };
    Some(match name {
        "default" | "uneven" => {
            let mut pool = servers(10);
            pool[9].speed = 1.0 / 3.0;
            // 70% of the pool's 933 requests a second.
            scenario(120, 650.0, ten_ms, pool, vec![ROUND_ROBIN, LEAST_REQUEST, PEAK_EWMA])
        }
        "weighted" => {
            let mut pool = servers(6);
            for s in &mut pool[..3] {
                s.speed = 3.0;
                s.weight = 3;
            }
            // The pool serves 1,200 a second; 900 is 75%.
            scenario(60, 900.0, ten_ms, pool, vec![ROUND_ROBIN, Balancer::SmoothWeighted, Balancer::LeastConn])
        }
        "outage" => {
            let mut s = scenario(60, 600.0, ten_ms, servers(10), vec![ROUND_ROBIN, LEAST_REQUEST, PEAK_EWMA]);
            s.events = vec![
                Event { at_ms: 20_000.0, server: 4, change: Change::Stop },
                Event { at_ms: 40_000.0, server: 4, change: Change::Start },
            ];
            s
        }
        "slowdown" => {
            let mut s = scenario(60, 600.0, ten_ms, servers(10), vec![ROUND_ROBIN, Balancer::LeastConn, PEAK_EWMA]);
            s.events = vec![Event { at_ms: 20_000.0, server: 2, change: Change::Speed(0.1) }];
            s
        }
        "tail" => scenario(
            60,
            500.0,
            Service::Bimodal { fast_ms: 5.0, slow_ms: 150.0, slow_fraction: 0.01 },
            servers(10),
            vec![Balancer::Random, ROUND_ROBIN, LEAST_REQUEST],
        ),
        "affinity" => {
            let mut s = preset("tail")?;
            s.balancers = vec![ROUND_ROBIN, LEAST_REQUEST, Balancer::Maglev { users: 10_000 }];
            s
        }
        "two-choices" => scenario(
            60,
            1_800.0,
            ten_ms,
            servers(20),
            vec![Balancer::Random, LEAST_REQUEST, Balancer::LeastRequest { choices: 5, ejection: None }],
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_and_named_once() {
        for (name, _) in PRESETS {
            let s = preset(name).unwrap_or_else(|| panic!("{name}"));
            s.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert_eq!(preset("default"), preset("uneven"));
        assert!(preset("nope").is_none());
    }
}
