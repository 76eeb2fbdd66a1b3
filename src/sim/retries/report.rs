//! Retries' run as the CLI prints it and as the widget downloads it: each
//! policy's totals and slices as JSON, or every user request's outcome and
//! latency as CSV rows.

use super::run::{LaneRun, Trial};
use super::scenario::RetriesScenario;
use crate::sim::kernel::slices::Percentiles;
use crate::scenario::json;
use std::fmt::Write as _;

/// The result of running a retries scenario, as the CLI prints it.
pub struct RetriesReport {
    pub widget: &'static str,
    pub seed: u64,
    pub policies: Vec<LaneReport>,
}

/// One policy's run. Times are in nanoseconds.
pub struct LaneReport {
    pub policy: String,
    pub users: u32,
    pub ok: u32,
    pub dependency_requests: u32,
    pub refused: u32,
    pub attempts: u32,
    pub retries: u32,
    pub hedges: u32,
    pub denied: u32,
    pub abandoned: u32,
    /// Attempts at each layer of clients, the users' own first.
    pub attempts_by_layer: Vec<u32>,
    /// Percentiles `[p50, p95, p99, p99.9]` of the user requests that succeeded.
    pub latency: [u64; 4],
    /// Per slice: user requests, of them succeeded, requests reaching the
    /// dependency, refused, the dependency's busy time, and p99.
    pub slices: Vec<[u64; 6]>,
}

json::object!(write RetriesReport { widget, seed, policies });
json::object!(write LaneReport {
    policy,
    users,
    ok,
    dependency_requests,
    refused,
    attempts,
    retries,
    hedges,
    denied,
    abandoned,
    attempts_by_layer,
    latency,
    slices,
});

fn quad(p: Percentiles) -> [u64; 4] {
    [p.p50, p.p95, p.p99, p.p999]
}

fn lane_report(s: &RetriesScenario, i: usize, run: &LaneRun) -> LaneReport {
    let m = run.summary;
    LaneReport {
        policy: s.policies[i].label(),
        users: m.users,
        ok: m.ok,
        dependency_requests: m.dependency,
        refused: m.refused,
        attempts: m.attempts,
        retries: m.retries,
        hedges: m.hedges,
        denied: m.denied,
        abandoned: m.abandoned,
        attempts_by_layer: m.by_layer[..s.layers as usize].to_vec(),
        latency: quad(m.latency),
        slices: run
            .slices
            .iter()
            .map(|b| [u64::from(b.users), u64::from(b.ok), u64::from(b.dependency), u64::from(b.refused), b.busy_ns, b.latency.p99])
            .collect(),
    }
}

/// Every policy's totals and slices as compact JSON.
pub fn run_json(s: &RetriesScenario) -> Result<String, String> {
    let runs = s.run()?;
    let report = RetriesReport {
        widget: <RetriesScenario as crate::scenario::Family>::KIND,
        seed: s.seed,
        policies: runs.iter().enumerate().map(|(i, r)| lane_report(s, i, r)).collect(),
    };
    Ok(json::to_string(&report))
}

/// One CSV row per user request under each policy: its arrival (ns),
/// whether it succeeded, and its latency (ns).
pub fn run_csv(s: &RetriesScenario) -> Result<String, String> {
    s.validate()?;
    let trial = s.trial();
    let labels: Vec<String> = s.policies.iter().map(|p| p.label()).collect();
    Ok(lanes_csv("policy", &labels, &trial, &s.run_on(&trial)?))
}

/// One CSV row per user request of `trial` in each lane of `runs`, the lane
/// named in the column `what`: its arrival (ns), whether it succeeded and
/// its latency (ns).
pub fn lanes_csv(what: &str, labels: &[String], trial: &Trial, runs: &[LaneRun]) -> String {
    let mut csv = format!("lane,{what},request,arrival_ns,ok,latency_ns\n");
    for (i, (run, label)) in runs.iter().zip(labels).enumerate() {
        let label = crate::scenario::csv_field(label);
        for (r, &at) in trial.at.iter().enumerate() {
            let _ = writeln!(csv, "{},{label},{},{at},{},{}", i + 1, r + 1, run.ok[r], run.latency[r]);
        }
    }
    csv
}
