//! The circuit breaker's run as the CLI prints it and as the widget
//! downloads it: every breaker's transitions and calls, as JSON or as CSV rows.

use super::run::BreakerConfig;
use super::scenario::CircuitBreakerScenario;
use crate::scenario::json::Obj;
use std::fmt::Write as _;

/// Every breaker's summary, transitions and calls as compact JSON:
/// `widget`, `seed` and `breakers`, each its `breaker`, `summary`,
/// `transitions` (`t_ns`, `from`, `to`) and `calls` (`t_ns`, the `state`
/// the call met, whether it `reached` the dependency, whether the caller
/// saw it `failed`, and the `latency_ns` it saw).
pub fn run_json(s: &CircuitBreakerScenario) -> Result<String, String> {
    let runs = s.run(0)?;
    let mut out = String::new();
    let mut report = Obj::new(&mut out);
    report.field("widget", <CircuitBreakerScenario as crate::scenario::Family>::KIND).field("seed", &s.seed);
    let w = report.key("breakers");
    w.push('[');
    for (i, (config, run)) in s.breakers.iter().zip(&runs).enumerate() {
        if i > 0 {
            w.push(',');
        }
        let mut b = Obj::new(w);
        b.field("breaker", config).field("summary", &run.summary);
        let t = b.key("transitions");
        t.push('[');
        for (j, x) in run.transitions.iter().enumerate() {
            if j > 0 {
                t.push(',');
            }
            Obj::new(t).field("t_ns", &x.at).field("from", &x.from).field("to", &x.to).end();
        }
        t.push(']');
        let c = b.key("calls");
        c.push('[');
        for (j, x) in run.calls.iter().enumerate() {
            if j > 0 {
                c.push(',');
            }
            Obj::new(c)
                .field("t_ns", &x.at)
                .field("state", &x.state)
                .field("reached", &x.reached)
                .field("failed", &x.failed)
                .field("latency_ns", &x.latency)
                .end();
        }
        c.push(']');
        b.end();
    }
    w.push(']');
    report.end();
    Ok(out)
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
