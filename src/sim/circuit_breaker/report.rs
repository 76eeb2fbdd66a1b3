//! The circuit breaker's run as the CLI prints it and as the widget
//! downloads it: every breaker's transitions and calls, as JSON or as CSV rows.

use super::State;
use super::run::{BreakerConfig, BreakerSummary};
use super::scenario::CircuitBreakerScenario;
use serde::Serialize;
use std::fmt::Write as _;

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
    pub summary: BreakerSummary,
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

/// Every breaker's summary, transitions and calls as compact JSON.
pub fn run_json(s: &CircuitBreakerScenario) -> Result<String, String> {
    let runs = s.run(0)?;
    let report = BreakerReport {
        widget: <CircuitBreakerScenario as crate::scenario::Family>::KIND,
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

/// One CSV row per call through each breaker.
pub fn run_csv(s: &CircuitBreakerScenario) -> Result<String, String> {
    let mut csv = String::from("breaker,kind,t_ns,state,reached,failed,latency_ns\n");
    for (i, (config, run)) in s.breakers.iter().zip(s.run(0)?).enumerate() {
        let kind = match config {
            BreakerConfig::Resilience4j(_) => "resilience4j",
            BreakerConfig::Consecutive(_) => "pybreaker",
        };
        for c in &run.calls {
            let state = c.state.name();
            let _ = writeln!(csv, "{},{kind},{},{state},{},{},{}", i + 1, c.at, c.reached, c.failed, c.latency);
        }
    }
    Ok(csv)
}
