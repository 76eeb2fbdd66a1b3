//! The rate limiter's run as the CLI prints it and as the widget downloads
//! it: every decision of every lane, as JSON or as CSV rows.

use super::scenario::RateLimiterScenario;
use super::Outcome;
use crate::sim::kernel::num::decimal;
use crate::scenario::json::Obj;
use std::fmt::Write as _;

/// How long a delayed request waits, if it was delayed.
fn delay(outcome: Outcome) -> Option<u64> {
    match outcome {
        Outcome::Delayed(w) => Some(w),
        _ => None,
    }
}

/// Every lane's decisions and summary as compact JSON: `widget`, `seed` and
/// `lanes`, each lane its `limiter`, `summary` and `decisions` (times in
/// integer nanoseconds; `delay_ns` only for a delayed request, and `state`
/// the limiter's visible state after it).
pub fn run_json(s: &RateLimiterScenario) -> Result<String, String> {
    let lanes = s.run(1)?;
    let mut out = String::new();
    let mut report = Obj::new(&mut out);
    report.field("widget", <RateLimiterScenario as crate::scenario::Family>::KIND).field("seed", &s.seed);
    let w = report.key("lanes");
    w.push('[');
    for (i, lane) in lanes.iter().enumerate() {
        if i > 0 {
            w.push(',');
        }
        let mut l = Obj::new(w);
        l.field("limiter", &lane.config).field("summary", &lane.summary);
        let d = l.key("decisions");
        d.push('[');
        for (j, x) in lane.decisions.iter().enumerate() {
            if j > 0 {
                d.push(',');
            }
            let wait = delay(x.outcome);
            Obj::new(d)
                .field("t_ns", &x.at)
                .field("cost", &x.cost)
                .field("outcome", x.outcome.name())
                .field_unless(wait.is_none(), "delay_ns", &wait)
                .field("state", &x.level)
                .end();
        }
        d.push(']');
        l.end();
    }
    w.push(']');
    report.end();
    Ok(out)
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
