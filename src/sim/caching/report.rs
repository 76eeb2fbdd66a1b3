//! Caching's run as the CLI prints it and as the widget downloads it: each
//! policy's totals and hit ratio by slice as JSON, or every request's hit
//! or miss and eviction as CSV rows.

use super::scenario::CachingScenario;
use crate::scenario::json::Obj;
use std::fmt::Write as _;

/// Every policy's totals and slices as compact JSON: `widget`, `seed`,
/// `hot` (the most requested keys, whose presence each slice's
/// `hot_cached` marks) and `policies`.
pub fn run_json(s: &CachingScenario) -> Result<String, String> {
    // Checked before the requests are drawn, as `run` does.
    s.validate()?;
    let trial = s.trial();
    let policies = s.run_on(&trial)?;
    let mut out = String::new();
    Obj::new(&mut out)
        .field("widget", <CachingScenario as crate::scenario::Family>::KIND)
        .field("seed", &s.seed)
        .field("hot", &trial.hot)
        .field("policies", &policies)
        .end();
    Ok(out)
}

/// One CSV row per request under each policy: when, which key, whether it
/// hit, and the key evicted at that request (see [`Outcome`](super::run::Outcome)).
pub fn run_csv(s: &CachingScenario) -> Result<String, String> {
    s.validate()?;
    let trial = s.trial();
    let mut csv = String::from("lane,policy,request,t_ms,key,hit,evicted\n");
    for (i, run) in s.trace_on(&trial)?.iter().enumerate() {
        for (r, ((o, key), t)) in run.outcomes.iter().zip(&trial.keys).zip(s.workload.times()).enumerate() {
            let _ = write!(csv, "{},{},{},{t},{key},{},", i + 1, run.policy.name(), r + 1, o.hit());
            if let Some(k) = o.evicted() {
                let _ = write!(csv, "{k}");
            }
            csv.push('\n');
        }
    }
    Ok(csv)
}
