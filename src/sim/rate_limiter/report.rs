//! The rate limiter's run as the CLI prints it and as the widget downloads
//! it: every decision of every lane, as JSON or as CSV rows.

use super::run::Summary;
use super::scenario::RateLimiterScenario;
use super::{LimiterConfig, Outcome};
use crate::sim::kernel::num::decimal;
use serde::Serialize;
use std::fmt::Write as _;

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
    pub summary: Summary,
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

/// How long a delayed request waits, if it was delayed.
fn delay(outcome: Outcome) -> Option<u64> {
    match outcome {
        Outcome::Delayed(w) => Some(w),
        _ => None,
    }
}

/// Every lane's decisions and summary as compact JSON.
pub fn run_json(s: &RateLimiterScenario) -> Result<String, String> {
    let lanes = s.run(1)?;
    let report = RunReport {
        widget: <RateLimiterScenario as crate::scenario::Family>::KIND,
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
                        delay_ns: delay(d.outcome),
                        state: d.level,
                    })
                    .collect(),
            })
            .collect(),
    };
    Ok(serde_json::to_string(&report).expect("reports always serialise"))
}

/// One CSV row per request each limiter decided.
pub fn run_csv(s: &RateLimiterScenario) -> Result<String, String> {
    let mut csv = String::from("lane,algorithm,t_ns,cost,outcome,delay_ns,state\n");
    for (i, lane) in s.run(1)?.iter().enumerate() {
        for d in &lane.decisions {
            let delay = delay(d.outcome).map_or(String::new(), |w| w.to_string());
            let _ = writeln!(
                csv,
                "{},{},{},{},{},{delay},{}",
                i + 1,
                lane.config.algorithm.name(),
                d.at,
                d.cost,
                d.outcome.name(),
                decimal(d.level, 6)
            );
        }
    }
    Ok(csv)
}
