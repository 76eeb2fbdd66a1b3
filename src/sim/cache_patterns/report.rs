//! Cache patterns' run as the CLI prints it and as the widget downloads it:
//! each lane's totals, latency percentiles and slices as JSON, or every
//! request's answer as CSV rows.

use super::scenario::CachePatternsScenario;
use crate::scenario::json::Obj;
use crate::scenario::Family;
use std::fmt::Write as _;

/// Every lane's totals and slices as compact JSON: `widget`, `seed`,
/// `span_ns` (the run's length in ns, which its slices divide evenly) and
/// `lanes`.
pub fn run_json(s: &CachePatternsScenario) -> Result<String, String> {
    s.validate()?;
    let trial = s.trial();
    let lanes = s.run_on(&trial)?;
    let mut out = String::new();
    Obj::new(&mut out)
        .field("widget", <CachePatternsScenario as Family>::KIND)
        .field("seed", &s.seed)
        .field("span_ns", &trial.span)
        .field("lanes", &lanes)
        .end();
    Ok(out)
}

/// One CSV row per request in each lane: when it arrived, its key, whether
/// it read or wrote, how it was answered, its latency, the version it read
/// or wrote and whether that was stale.
pub fn run_csv(s: &CachePatternsScenario) -> Result<String, String> {
    s.validate()?;
    let trial = s.trial();
    let mut csv = String::from("lane,strategy,request,t_ns,key,op,answer,latency_ns,version,stale\n");
    for (i, run) in s.run_on(&trial)?.iter().enumerate() {
        for (r, o) in run.outcomes.iter().enumerate() {
            let op = if trial.writes[r] { "write" } else { "read" };
            let _ = writeln!(
                csv,
                "{},{},{},{},{},{op},{},{},{},{}",
                i + 1,
                run.lane.strategy.name(),
                r + 1,
                trial.at[r],
                trial.keys[r],
                o.answer.name(),
                o.latency_ns,
                o.version,
                o.stale
            );
        }
    }
    Ok(csv)
}
