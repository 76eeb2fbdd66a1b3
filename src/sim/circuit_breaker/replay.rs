//! Replaying an explicit list of events through one breaker, as a
//! reference's own tests drive it: acquire a permission, record a success
//! or a failure with its duration, an ignored error, give a permission back,
//! force a state, reset. After each event the replay reports whether an
//! acquire was permitted, the state, and the metrics the reference exposes
//! (Resilience4j's failure and slow-call rates, buffered, failed, slow and
//! not-permitted calls; pybreaker's consecutive failures).
//!
//! Resilience4j (`CircuitBreakerStateMachine`, as of commit af9e7c97):
//! an ignored error and `releasePermission` give a HALF_OPEN permit back
//! (with no cap) and record nothing; `reset` makes a fresh CLOSED state
//! from any state, its metrics and open attempts cleared; forcing the state
//! the breaker is in makes it afresh (OPEN counts another opening and
//! restarts its wait; HALF_OPEN gets fresh metrics and permits) with no
//! transition reported; CLOSED cannot be forced to HALF_OPEN, nor
//! METRICS_ONLY to OPEN or HALF_OPEN. The forced states DISABLED (permits
//! all, records nothing), METRICS_ONLY (permits all, records, never moves)
//! and FORCED_OPEN (refuses all) stay until forced elsewhere or reset. An
//! error that `recordExceptions` does not match and `ignoreExceptions` does
//! not either is recorded as a success (`handleThrowable`). pybreaker
//! counts an excluded error as a success, every other error as a failure,
//! and has no permits to give back.

use super::run::BreakerConfig;
use super::{CircuitBreaker, State};
use super::consecutive::ConsecutiveBreaker;
use crate::sim::kernel::time::{ms_to_ns, Nanos};
use serde::{Deserialize, Serialize};

/// A replay: one breaker and its events, in time order.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replay {
    pub breaker: BreakerConfig,
    pub events: Vec<Step>,
}

/// An event at `at_ms`: `{"at_ms": 0, "event": "acquire"}`.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub at_ms: f64,
    pub event: Event,
}

/// In JSON `"acquire"`, `{"success": {"duration_ms": 40}}`,
/// `{"failure": {"duration_ms": 1000}}` (an error the breaker records),
/// `{"unrecorded-error": {"duration_ms": 30}}` (an error neither recorded
/// nor ignored), `"ignored"`, `"release"`, `{"force": "open"}` (`closed`,
/// `open`, `half-open`, `disabled`, `metrics-only` or `forced-open`) or `"reset"`.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Event {
    Acquire,
    Success { duration_ms: f64 },
    Failure { duration_ms: f64 },
    UnrecordedError { duration_ms: f64 },
    Ignored,
    Release,
    Force(State),
    Reset,
}

/// The breaker after one event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Line {
    pub at_ms: f64,
    pub event: String,
    /// For an acquire: whether the call was permitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permitted: Option<bool>,
    pub state: State,
    /// Resilience4j: the rates in percent (−1 below the minimum number of
    /// calls) and the current state's counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_rate: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slow_call_rate: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buffered: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slow: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_permitted: Option<u64>,
    /// pybreaker: consecutive failures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failures: Option<u32>,
    /// Why the event could not be applied, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The most events a replay takes.
pub const MAX_EVENTS: usize = 100_000;

impl Replay {
    /// Reads a replay from JSON, checking the breaker and the events.
    pub fn from_json(text: &str) -> Result<Replay, String> {
        let r: Replay = serde_json::from_str(text).map_err(|e| format!("invalid replay: {e}"))?;
        r.breaker.validate()?;
        if r.events.len() > MAX_EVENTS {
            return Err(format!("a replay takes at most {MAX_EVENTS} events, not {}", r.events.len()));
        }
        let mut last = 0.0;
        for (i, s) in r.events.iter().enumerate() {
            let n = i + 1;
            if !(s.at_ms.is_finite() && (0.0..=86_400_000.0).contains(&s.at_ms)) {
                return Err(format!("event {n}: at_ms must be between 0 and 86400000"));
            }
            if s.at_ms < last {
                return Err(format!("event {n}: at_ms goes back in time"));
            }
            last = s.at_ms;
            if let Event::Success { duration_ms }
            | Event::Failure { duration_ms }
            | Event::UnrecordedError { duration_ms } = s.event
            {
                if !(duration_ms.is_finite() && (0.0..=86_400_000.0).contains(&duration_ms)) {
                    return Err(format!("event {n}: duration_ms must be between 0 and 86400000"));
                }
            }
        }
        Ok(r)
    }

    /// Each event's line, in order.
    pub fn run(&self) -> Vec<Line> {
        match &self.breaker {
            BreakerConfig::Resilience4j(c) => {
                let mut b = CircuitBreaker::new(c.clone(), 0);
                self.events.iter().map(|s| r4j_step(&mut b, s)).collect()
            }
            BreakerConfig::Consecutive(c) => {
                let mut b = ConsecutiveBreaker::new(c.clone());
                self.events.iter().map(|s| consecutive_step(&mut b, s)).collect()
            }
        }
    }

    /// The lines as JSON, one per line.
    pub fn run_json_lines(&self) -> String {
        self.run().iter().map(|l| serde_json::to_string(l).expect("lines always serialise")).collect::<Vec<_>>().join("\n")
    }
}

fn name(e: &Event) -> String {
    match e {
        Event::Acquire => "acquire".into(),
        Event::Success { duration_ms } => format!("success {}", crate::sim::kernel::num::decimal(*duration_ms, 3)),
        Event::Failure { duration_ms } => format!("failure {}", crate::sim::kernel::num::decimal(*duration_ms, 3)),
        Event::UnrecordedError { duration_ms } => {
            format!("unrecorded-error {}", crate::sim::kernel::num::decimal(*duration_ms, 3))
        }
        Event::Ignored => "ignored".into(),
        Event::Release => "release".into(),
        Event::Force(f) => format!("force {}", f.key()),
        Event::Reset => "reset".into(),
    }
}

fn blank(s: &Step, state: State) -> Line {
    Line {
        at_ms: s.at_ms,
        event: name(&s.event),
        permitted: None,
        state,
        failure_rate: None,
        slow_call_rate: None,
        buffered: None,
        failed: None,
        slow: None,
        not_permitted: None,
        failures: None,
        error: None,
    }
}

fn r4j_step(b: &mut CircuitBreaker, s: &Step) -> Line {
    let now: Nanos = ms_to_ns(s.at_ms);
    let mut permitted = None;
    let mut error = None;
    match s.event {
        Event::Acquire => permitted = Some(b.try_acquire(now)),
        Event::Success { duration_ms } => {
            b.on_success(now, ms_to_ns(duration_ms));
        }
        Event::Failure { duration_ms } => {
            b.on_error(now, ms_to_ns(duration_ms));
        }
        // Matched by neither recordExceptions nor ignoreExceptions: recorded as a success.
        Event::UnrecordedError { duration_ms } => {
            b.on_success(now, ms_to_ns(duration_ms));
        }
        Event::Ignored | Event::Release => b.release_permission(now),
        Event::Force(f) => {
            let from = b.state(now);
            if super::legal(from, f) {
                let _ = b.transition_to(now, f);
            } else {
                error = Some(format!(
                    "Resilience4j refuses {} → {} (IllegalStateTransitionException)",
                    from.name(),
                    f.name()
                ));
            }
        }
        Event::Reset => b.reset(now),
    }
    let t = b.totals(now);
    Line {
        permitted,
        failure_rate: Some(b.failure_rate(now)),
        slow_call_rate: Some(b.slow_call_rate(now)),
        buffered: Some(t.calls),
        failed: Some(t.failed),
        slow: Some(t.slow),
        not_permitted: Some(b.not_permitted()),
        error,
        ..blank(s, b.state(now))
    }
}

fn consecutive_step(b: &mut ConsecutiveBreaker, s: &Step) -> Line {
    let now: Nanos = ms_to_ns(s.at_ms);
    let mut permitted = None;
    let mut error = None;
    match s.event {
        Event::Acquire => permitted = Some(b.try_acquire(now)),
        Event::Success { .. } => b.on_success(now),
        Event::Failure { .. } => b.on_error(now),
        Event::UnrecordedError { .. } => {
            error = Some("pybreaker records every error it does not exclude: send a failure or ignored".into())
        }
        // pybreaker counts an excluded error as a success, and has no permits to give back.
        Event::Ignored => b.on_success(now),
        Event::Release => {}
        Event::Force(_) | Event::Reset => error = Some("pybreaker's breaker is not forced or reset by this replay".into()),
    }
    Line { permitted, failures: Some(b.failures()), error, ..blank(s, b.state()) }
}
