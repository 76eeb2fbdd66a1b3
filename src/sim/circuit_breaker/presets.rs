//! The circuit breaker's named starting scenarios, for the preset menu and
//! article blocks (`preset:`), and the breakers they configure.

use super::consecutive::ConsecutiveConfig;
use super::run::{BreakerConfig, Dependency, Phase};
use super::scenario::CircuitBreakerScenario;
use super::{Config, WindowType};
use crate::scenario::{View, VERSION};
use crate::sim::kernel::traffic::Traffic;

/// Circuit-breaker preset names with a one-line description, in menu order.
pub const PRESETS: [(&str, &str); 7] = [
    ("outage", "A 20 s hard outage: Resilience4j (count window) beside pybreaker"),
    ("slow-calls", "Slow but successful calls: only the slow-call rate can open a breaker"),
    ("count-vs-time", "Bursty traffic into an outage: count-based beside time-based window"),
    ("half-open", "A flapping dependency probed by 3 trial calls, automatic half-open"),
    ("partial", "30% of calls failing: thresholds of 50% and 25%"),
    ("flapping", "A flapping dependency: Resilience4j beside pybreaker"),
    ("stress", "100,000 calls in 100 s through two breakers, with an outage"),
];

/// Resilience4j as the circuit-breaker presets configure it: a 20-call
/// window deciding from 10 calls at 50 % failures, 5 s open, 5 trial calls.
pub fn resilience4j() -> Config {
    Config {
        sliding_window_size: 20,
        minimum_number_of_calls: 10,
        wait_duration_in_open_state_ms: 5_000,
        permitted_number_of_calls_in_half_open_state: 5,
        ..Config::default()
    }
}

/// pybreaker as the presets configure it: 5 consecutive failures, 5 s reset.
pub fn pybreaker() -> ConsecutiveConfig {
    ConsecutiveConfig { fail_max: 5, reset_timeout_ms: 5_000, success_threshold: 1 }
}

fn breaker_scenario(
    duration_ms: u64,
    traffic: Traffic,
    script: &str,
    breakers: Vec<BreakerConfig>,
) -> CircuitBreakerScenario {
    CircuitBreakerScenario {
        widget: Default::default(),
        version: VERSION,
        seed: 7,
        duration_ms,
        traffic,
        dependency: Dependency::script(script, duration_ms).unwrap_or(Dependency { phases: vec![] }),
        breakers,
        forced: Vec::new(),
        view: View::default(),
    }
}

/// The circuit-breaker preset called `name` (`default` is `outage`).
pub fn preset(name: &str) -> Option<CircuitBreakerScenario> {
    use BreakerConfig::{Consecutive, Resilience4j};
    let poisson = Traffic::Poisson { rps: 20.0, cost: 1 };
    Some(match name {
        "default" | "outage" => {
            breaker_scenario(60_000, poisson, "outage", vec![Resilience4j(resilience4j()), Consecutive(pybreaker())])
        }
        "slow-calls" => breaker_scenario(
            60_000,
            poisson,
            "slow",
            vec![
                Resilience4j(Config {
                    slow_call_duration_threshold_ms: 1_000,
                    slow_call_rate_threshold: 50.0,
                    ..resilience4j()
                }),
                Consecutive(pybreaker()),
            ],
        ),
        "count-vs-time" => {
            let mut s = breaker_scenario(
                60_000,
                Traffic::Bursty { rps: 40.0, on_ms: 500, off_ms: 1500, cost: 1 },
                "outage",
                vec![
                    Resilience4j(resilience4j()),
                    Resilience4j(Config {
                        sliding_window_type: WindowType::TimeBased,
                        sliding_window_size: 10,
                        ..resilience4j()
                    }),
                ],
            );
            s.dependency = Dependency { phases: vec![Phase::healthy(0), Phase::down(20_000), Phase::healthy(40_000)] };
            s
        }
        "half-open" => breaker_scenario(
            60_000,
            poisson,
            "flapping",
            vec![Resilience4j(Config {
                permitted_number_of_calls_in_half_open_state: 3,
                automatic_transition_from_open_to_half_open: true,
                ..resilience4j()
            })],
        ),
        "partial" => breaker_scenario(
            60_000,
            poisson,
            "partial",
            vec![Resilience4j(resilience4j()), Resilience4j(Config { failure_rate_threshold: 25.0, ..resilience4j() })],
        ),
        "flapping" => {
            breaker_scenario(60_000, poisson, "flapping", vec![Resilience4j(resilience4j()), Consecutive(pybreaker())])
        }
        "stress" => {
            let mut s = breaker_scenario(
                100_000,
                Traffic::Steady { rps: 1000.0, cost: 1 },
                "outage",
                vec![
                    Resilience4j(Config {
                        sliding_window_type: WindowType::TimeBased,
                        sliding_window_size: 10,
                        minimum_number_of_calls: 100,
                        ..resilience4j()
                    }),
                    Consecutive(pybreaker()),
                ],
            );
            s.seed = 9;
            s
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stress_preset_makes_100_000_calls() {
        assert_eq!(preset("stress").unwrap().trial().requests.len(), 100_000);
    }

    #[test]
    fn default_is_the_outage() {
        assert_eq!(preset("default"), preset("outage"));
        assert!(preset("nope").is_none());
    }
}
