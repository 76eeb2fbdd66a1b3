//! The pipeline's run as the CLI prints it and as the widget downloads it:
//! each lane's stage by stage totals, its breaker's changes and its slices
//! as JSON, or every user request's outcome and latency as CSV rows.

use super::scenario::PipelineScenario;
use crate::sim::circuit_breaker::State;
use crate::sim::retries::run::LaneRun;
use crate::scenario::json;

/// The result of running a pipeline scenario, as the CLI prints it.
pub struct PipelineReport {
    pub widget: &'static str,
    pub seed: u64,
    pub lanes: Vec<LaneReport>,
}

/// One lane's run, stage by stage. Times are in nanoseconds.
pub struct LaneReport {
    pub lane: String,
    pub users: u32,
    pub ok: u32,
    /// The clients: attempts at every layer, retries and hedges among them,
    /// retries a budget refused, attempts abandoned at their timeout.
    pub attempts: u32,
    pub retries: u32,
    pub hedges: u32,
    pub denied: u32,
    pub abandoned: u32,
    /// Attempts at each layer of clients, the users' own first.
    pub attempts_by_layer: Vec<u32>,
    /// The last layer's attempts meeting the stages; the rate limiter's
    /// refusals and delays; the breaker's fast failures.
    pub sent: u32,
    pub limited: u32,
    pub delayed: u32,
    pub failed_fast: u32,
    /// Requests reaching the dependency (or the servers), and those it
    /// refused with a full queue; attempts a balancer had no server for.
    pub dependency_requests: u32,
    pub refused: u32,
    pub no_server: u32,
    /// Behind a balancer: requests reaching the servers, and those a full queue refused.
    pub servers_requests: u32,
    pub server_refused: u32,
    /// Percentiles `[p50, p95, p99, p99.9]` of the user requests that succeeded.
    pub latency: [u64; 4],
    /// Each breaker's changes, `[at, from, to]`: the dependency's breaker,
    /// or each server's.
    pub transitions: Vec<Vec<Transition>>,
    /// Behind a balancer, each server's requests sent and busy time (ns) over the run.
    pub servers: Vec<[u64; 2]>,
    /// Per slice: user requests, of them succeeded, attempts sent to the
    /// stages, limited, failed fast, requests reaching the dependency.
    pub slices: Vec<[u32; 6]>,
}

/// A breaker's change in a report: `[at, from, to]`.
pub struct Transition(u64, State, State);

impl json::ToJson for Transition {
    fn write(&self, out: &mut String) {
        out.push('[');
        self.0.write(out);
        out.push(',');
        self.1.write(out);
        out.push(',');
        self.2.write(out);
        out.push(']');
    }
}

json::object!(write PipelineReport { widget, seed, lanes });
json::object!(write LaneReport {
    lane,
    users,
    ok,
    attempts,
    retries,
    hedges,
    denied,
    abandoned,
    attempts_by_layer,
    sent,
    limited,
    delayed,
    failed_fast,
    dependency_requests,
    refused,
    no_server,
    servers_requests,
    server_refused,
    latency,
    transitions,
    servers: default (Vec::is_empty),
    slices,
});

fn lane_report(s: &PipelineScenario, i: usize, run: &LaneRun) -> LaneReport {
    let m = run.summary;
    let p = m.latency;
    LaneReport {
        lane: s.lanes[i].label(),
        users: m.users,
        ok: m.ok,
        attempts: m.attempts,
        retries: m.retries,
        hedges: m.hedges,
        denied: m.denied,
        abandoned: m.abandoned,
        attempts_by_layer: m.by_layer[..s.layers as usize].to_vec(),
        sent: m.sent,
        limited: m.limited,
        delayed: m.delayed,
        failed_fast: m.failed_fast,
        dependency_requests: m.dependency,
        refused: m.refused,
        no_server: m.no_server,
        servers_requests: m.servers,
        server_refused: m.server_refused,
        latency: [p.p50, p.p95, p.p99, p.p999],
        transitions: run.transitions.iter().map(|b| b.iter().map(|t| Transition(t.at, t.from, t.to)).collect()).collect(),
        servers: run
            .servers
            .iter()
            .map(|s| [s.sent.iter().map(|&n| u64::from(n)).sum(), s.busy_ns.iter().sum()])
            .collect(),
        slices: run.slices.iter().map(|b| [b.users, b.ok, b.sent, b.limited, b.failed_fast, b.dependency]).collect(),
    }
}

/// Every lane's totals, changes and slices as compact JSON.
pub fn run_json(s: &PipelineScenario) -> Result<String, String> {
    let runs = s.run()?;
    let report = PipelineReport {
        widget: <PipelineScenario as crate::scenario::Family>::KIND,
        seed: s.seed,
        lanes: runs.iter().enumerate().map(|(i, r)| lane_report(s, i, r)).collect(),
    };
    Ok(json::to_string(&report))
}

/// One CSV row per user request in each lane: its arrival (ns), whether it
/// succeeded, and its latency (ns).
pub fn run_csv(s: &PipelineScenario) -> Result<String, String> {
    s.validate()?;
    let trial = s.trial();
    let labels: Vec<String> = s.lanes.iter().map(|l| l.label()).collect();
    Ok(crate::sim::retries::report::lanes_csv("configuration", &labels, &trial, &s.run_on(&trial)?))
}
