//! Load balancing's run as the CLI prints it and as the widget downloads
//! it: each balancer's totals, slices and servers as JSON, or every
//! request's server, outcome and latency as CSV rows.

use super::run::{LaneRun, Outcome};
use crate::sim::kernel::slices::Percentiles;
use super::scenario::LoadBalancingScenario;
use crate::sim::kernel::time::Nanos;
use crate::scenario::json;
use std::fmt::Write as _;

/// The result of running a load-balancing scenario, as the CLI prints it.
pub struct LoadBalancingReport {
    pub widget: &'static str,
    pub seed: u64,
    pub balancers: Vec<LaneReport>,
}

/// One balancer's run. Times are in nanoseconds.
pub struct LaneReport {
    pub balancer: &'static str,
    pub requests: u32,
    pub ok: u32,
    pub failed: u32,
    pub dropped: u32,
    pub timed_out: u32,
    pub no_server: u32,
    pub latency: Percentiles,
    pub mean_latency_ns: f64,
    pub mean_in_system: f64,
    /// Per slice: requests arriving, served, failed, and the served ones' percentiles.
    pub slices: Vec<SliceReport>,
    /// Per server: requests sent, and the time its slots were busy and its queue held requests.
    pub servers: Vec<ServerReport>,
}
pub struct SliceReport {
    pub requests: u32,
    pub ok: u32,
    pub errors: u32,
    pub latency: Percentiles,
}
pub struct ServerReport {
    pub sent: u32,
    pub busy_ns: u64,
    pub queued_ns: u64,
}

json::object!(write LoadBalancingReport { widget, seed, balancers });
json::object!(write LaneReport {
    balancer,
    requests,
    ok,
    failed,
    dropped,
    timed_out,
    no_server,
    latency,
    mean_latency_ns,
    mean_in_system,
    slices,
    servers,
});
json::object!(write SliceReport { requests, ok, errors, latency });
json::object!(write ServerReport { sent, busy_ns, queued_ns });

fn lane_report(s: &LoadBalancingScenario, i: usize, run: &LaneRun) -> LaneReport {
    let m = run.summary;
    LaneReport {
        balancer: s.balancers[i].key(),
        requests: m.requests,
        ok: m.ok,
        failed: m.failed,
        dropped: m.dropped,
        timed_out: m.timed_out,
        no_server: m.no_server,
        latency: m.latency,
        mean_latency_ns: m.mean_latency,
        mean_in_system: m.mean_in_system,
        slices: run
            .slices
            .iter()
            .map(|b| SliceReport { requests: b.requests, ok: b.ok, errors: b.errors, latency: b.latency })
            .collect(),
        servers: run
            .servers
            .iter()
            .map(|sv| ServerReport {
                sent: sv.sent.iter().sum(),
                busy_ns: sv.busy_ns.iter().sum(),
                queued_ns: sv.queued_ns.iter().sum(),
            })
            .collect(),
    }
}

/// Every balancer's totals, slices and servers as compact JSON (latency
/// percentiles as `[p50, p95, p99, p99.9]`).
pub fn run_json(s: &LoadBalancingScenario) -> Result<String, String> {
    let runs = s.run()?;
    let report = LoadBalancingReport {
        widget: <LoadBalancingScenario as crate::scenario::Family>::KIND,
        seed: s.seed,
        balancers: runs.iter().enumerate().map(|(i, r)| lane_report(s, i, r)).collect(),
    };
    Ok(json::to_string(&report))
}

/// The name of an outcome in the CSV.
pub fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Ok => "ok",
        Outcome::Failed => "failed",
        Outcome::Dropped => "dropped",
        Outcome::TimedOut => "timed out",
        Outcome::NoServer => "no server",
    }
}

/// One CSV row per request under each balancer: when it arrived (ns), the
/// server (from 1; empty for none), how it ended and its latency (ns).
pub fn run_csv(s: &LoadBalancingScenario) -> Result<String, String> {
    s.validate()?;
    let trial = s.trial();
    let mut csv = String::from("lane,balancer,request,arrival_ns,server,outcome,latency_ns\n");
    for (i, run) in s.run_on(&trial)?.iter().enumerate() {
        for r in 0..trial.at.len() {
            let at: Nanos = trial.at[r];
            let _ = write!(csv, "{},{},{},{at},", i + 1, s.balancers[i].key(), r + 1);
            if run.server[r] != u16::MAX {
                let _ = write!(csv, "{}", run.server[r] + 1);
            }
            let _ = writeln!(csv, ",{},{}", outcome_name(run.outcome[r]), run.latency[r]);
        }
    }
    Ok(csv)
}
